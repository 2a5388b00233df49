// Every slot end to end against mpm-emulator, with every result field read and
// finished() received once, on the main thread.
#include "testsupport.h"

class TestOperations : public EmulatorTest {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(startEmulator()); }

    void meterUsageSucceeds()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        MeterUsageRequest request = meterUsageRequest(QStringLiteral("users"), 7);
        request.setClientToken(QStringLiteral("qt-test-token-1"));
        QScopedPointer<MeterUsageResponse> response(client.meterUsage(request));
        QVERIFY(response);
        QVERIFY(!response->parent());                       // the caller owns it, as in QtAws
        FinishedProbe probe(response.data());
        QVERIFY(!response->isFinished());                   // never finished synchronously
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QCoreApplication::processEvents();
        QCOMPARE(probe.count, 1);
        QVERIFY(probe.onMainThread);

        QVERIFY(response->isValid());
        QVERIFY(!response->hasError());
        QVERIFY(!response->isFailed());
        QCOMPARE(response->error(), AwsAbstractResponse::NoError);
        QCOMPARE(response->serviceError(), MarketplaceMeteringResponse::NoServiceError);
        QCOMPARE(response->networkError(), QNetworkReply::NoError);
        QCOMPARE(response->xmlParseError(), QXmlStreamReader::NoError);
        QVERIFY(response->errorString().isEmpty());
        QVERIFY(response->errorCode().isNull());
        QVERIFY(!response->meteringRecordId().isEmpty());
        QVERIFY(!response->requestId().isEmpty());
        QCOMPARE(response->httpStatus(), 200);
        QCOMPARE(response->attempts(), 1);
        QCOMPARE(response->request()->usageQuantity(), 7);
        QCOMPARE(response->request()->clientToken(), QStringLiteral("qt-test-token-1"));
        QCOMPARE(response->request()->actionString(), QStringLiteral("MeterUsage"));

        // Same parameters and token again: the service returns the same record.
        QScopedPointer<MeterUsageResponse> again(client.meterUsage(request));
        QTRY_VERIFY_WITH_TIMEOUT(again->isFinished(), 15000);
        QCOMPARE(again->meteringRecordId(), response->meteringRecordId());
    }

    void meterUsageWithAllocations()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        MeterUsageRequest request = meterUsageRequest(QStringLiteral("data_gb"), 0);
        request.setUsageQuantityAsDecimal(QStringLiteral("5.5"));
        QVERIFY(!request.hasUsageQuantity());               // one form clears the other
        UsageAllocation red;
        red.setAllocatedUsageQuantityAsDecimal(QStringLiteral("2.5"));
        red.addTag(Tag(QStringLiteral("team"), QStringLiteral("red")));
        UsageAllocation blue;
        blue.setAllocatedUsageQuantityAsDecimal(QStringLiteral("3"));
        blue.addTag(Tag(QStringLiteral("team"), QStringLiteral("blue")));
        request.setUsageAllocations({red, blue});
        QVERIFY2(request.isValid(), qPrintable(request.validationError()));

        QScopedPointer<MeterUsageResponse> response(client.meterUsage(request));
        QVERIFY(response);
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QVERIFY2(response->isValid(), qPrintable(response->errorString()));
        QVERIFY(!response->meteringRecordId().isEmpty());
        QCOMPARE(response->request()->usageAllocations().size(), 2);
    }

    void batchMeterUsageSucceeds()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        const QDateTime now = QDateTime::fromSecsSinceEpoch(
            QDateTime::currentSecsSinceEpoch(), Qt::UTC);
        BatchMeterUsageRequest request;
        request.setProductCode(QStringLiteral("demo-product"));
        UsageRecord first;
        first.setTimestamp(now);
        first.setCustomerIdentifier(QStringLiteral("demo-customer-1"));
        first.setDimension(QStringLiteral("hosts"));
        first.setQuantity(4);
        UsageRecord second = first;
        second.setCustomerIdentifier(QStringLiteral("unsubscribed-customer"));
        request.setUsageRecords({first, second});
        QVERIFY2(request.isValid(), qPrintable(request.validationError()));

        QScopedPointer<BatchMeterUsageResponse> response(client.batchMeterUsage(request));
        QVERIFY(response);
        FinishedProbe probe(response.data());
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QVERIFY2(response->isValid(), qPrintable(response->errorString()));
        QCOMPARE(probe.count, 1);
        QVERIFY(probe.onMainThread);

        const QList<UsageRecordResult> results = response->results();
        QCOMPARE(results.size(), 2);
        QCOMPARE(results.at(0).status(), UsageRecordResult::Success);
        QCOMPARE(results.at(0).statusName(), QStringLiteral("Success"));
        QVERIFY(!results.at(0).meteringRecordId().isEmpty());
        QCOMPARE(results.at(0).usageRecord().customerIdentifier(), QStringLiteral("demo-customer-1"));
        QCOMPARE(results.at(0).usageRecord().dimension(), QStringLiteral("hosts"));
        QCOMPARE(results.at(0).usageRecord().quantity(), 4);
        QCOMPARE(results.at(0).usageRecord().timestamp(), now);
        QCOMPARE(results.at(1).status(), UsageRecordResult::CustomerNotSubscribed);
        QVERIFY(results.at(1).meteringRecordId().isEmpty());
        QVERIFY(response->unprocessedRecords().isEmpty());
    }

    void batchMeterUsageUnprocessed()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("unprocessed:unprocessed_count=1")}));
        MarketplaceMeteringClient client(m_url, &m_credentials);
        UsageRecord record;
        record.setTimestamp(QDateTime::currentDateTimeUtc());
        record.setCustomerAWSAccountId(QStringLiteral("111122223333"));
        record.setDimension(QStringLiteral("users"));
        record.setQuantity(2);
        BatchMeterUsageRequest request;
        request.setProductCode(QStringLiteral("demo-product"));
        request.addUsageRecord(record);
        QScopedPointer<BatchMeterUsageResponse> response(client.batchMeterUsage(request));
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QVERIFY2(response->isValid(), qPrintable(response->errorString()));
        QVERIFY(response->results().isEmpty());
        const QList<UsageRecord> unprocessed = response->unprocessedRecords();
        QCOMPARE(unprocessed.size(), 1);
        QCOMPARE(unprocessed.at(0).customerAWSAccountId(), QStringLiteral("111122223333"));
        QVERIFY(unprocessed.at(0).isValid());               // ready to send again
    }

    void resolveCustomerSucceeds()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        ResolveCustomerRequest request;
        request.setRegistrationToken(QStringLiteral("demo-registration-token"));
        QScopedPointer<ResolveCustomerResponse> response(client.resolveCustomer(request));
        QVERIFY(response);
        FinishedProbe probe(response.data());
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QVERIFY2(response->isValid(), qPrintable(response->errorString()));
        QVERIFY(probe.onMainThread);
        QCOMPARE(response->customerIdentifier(), QStringLiteral("demo-customer-1"));
        QCOMPARE(response->productCode(), QStringLiteral("demo-product"));
        QCOMPARE(response->customerAWSAccountId(), QStringLiteral("111122223333"));
        QCOMPARE(response->licenseArn(),
                 QStringLiteral("arn:aws:license-manager::111122223333:license:l-demo0000000000000000001"));
        QCOMPARE(response->agreementId(), QStringLiteral("agmt-demo-0001"));
        QCOMPARE(response->request()->registrationToken(), QStringLiteral("demo-registration-token"));
    }

    void registerUsageSucceeds()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        RegisterUsageRequest request;
        request.setProductCode(QStringLiteral("demo-product"));
        request.setPublicKeyVersion(1);
        request.setNonce(QStringLiteral("qt-nonce"));
        QScopedPointer<RegisterUsageResponse> response(client.registerUsage(request));
        QVERIFY(response);
        FinishedProbe probe(response.data());
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QVERIFY2(response->isValid(), qPrintable(response->errorString()));
        QVERIFY(probe.onMainThread);
        QCOMPARE(response->signature().count(QLatin1Char('.')), 2);   // a JWT
        QVERIFY(response->publicKeyRotationTimestamp().isValid());
        QVERIFY(response->publicKeyRotationTimestamp() > QDateTime::currentDateTimeUtc());
    }
};

QTEST_GUILESS_MAIN(TestOperations)
#include "tst_operations.moc"
