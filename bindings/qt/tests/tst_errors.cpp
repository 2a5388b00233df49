// Errors (service, credentials, invalid requests: NULL as in QtAws) and client settings.
#include "testsupport.h"

#include <QRegularExpression>

class TestErrors : public EmulatorTest {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(startEmulator()); }

    void expiredTokenIsReported()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        ResolveCustomerRequest request;
        request.setRegistrationToken(QStringLiteral("expired-registration-token"));
        QScopedPointer<ResolveCustomerResponse> response(client.resolveCustomer(request));
        QVERIFY(response);
        FinishedProbe probe(response.data());
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QCOMPARE(probe.count, 1);
        QVERIFY(response->hasError());
        QVERIFY(response->isFailed());
        QVERIFY(!response->isValid());
        QCOMPARE(response->error(), AwsAbstractResponse::ServiceError);
        QCOMPARE(response->serviceError(), MarketplaceMeteringResponse::ExpiredTokenError);
        QCOMPARE(response->errorCode(), QStringLiteral("ExpiredTokenException"));
        QVERIFY(!response->errorString().isEmpty());
        QCOMPARE(response->httpStatus(), 400);
        QCOMPARE(response->networkError(), QNetworkReply::ProtocolInvalidOperationError);
        QVERIFY(!response->requestId().isEmpty());
        QVERIFY(response->customerIdentifier().isNull());
    }

    void anonymousCredentialsAreUnsigned()
    {
        AwsAnonymousCredentials anonymous;
        MarketplaceMeteringClient client(m_url, &anonymous);
        QScopedPointer<MeterUsageResponse> response(
            client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(response);
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QCOMPARE(response->errorCode(), QStringLiteral("MissingAuthenticationTokenException"));
        QCOMPARE(response->serviceError(), MarketplaceMeteringResponse::UnknownServiceError);
        QCOMPARE(response->networkError(), QNetworkReply::ContentAccessDenied);
    }

    void credentialsAreReadForEachCall()
    {
        AwsBasicCredentials credentials(kKeyId, kSecret);
        QSignalSpy changed(&credentials, &AwsAbstractCredentials::changed);
        MarketplaceMeteringClient client(m_url, &credentials);
        credentials.setAccessKeyId(QStringLiteral("AKIDUNKNOWN"));
        QCOMPARE(changed.count(), 1);
        QScopedPointer<MeterUsageResponse> bad(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QTRY_VERIFY_WITH_TIMEOUT(bad->isFinished(), 15000);
        QCOMPARE(bad->errorCode(), QStringLiteral("UnrecognizedClientException"));
        credentials.setAccessKeyId(kKeyId);
        QScopedPointer<MeterUsageResponse> good(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QTRY_VERIFY_WITH_TIMEOUT(good->isFinished(), 15000);
        QVERIFY2(good->isValid(), qPrintable(good->errorString()));
    }

    // QtAws's send() returns NULL with a warning for a request that is not valid; so
    // do the slots here, and isValid() says why beforehand.
    void invalidRequestsGiveNull()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        const QRegularExpression notValid(QStringLiteral("request not valid"));

        MeterUsageRequest meter;                            // required members missing
        QVERIFY(!meter.isValid());
        QVERIFY(!meter.validationError().isEmpty());
        QTest::ignoreMessage(QtWarningMsg, notValid);
        QVERIFY(!client.meterUsage(meter));

        MeterUsageRequest tooLong = meterUsageRequest(QStringLiteral("users"), 1);
        tooLong.setProductCode(QString(300, QLatin1Char('p')));
        QVERIFY(!tooLong.isValid());                        // a setter-level constraint
        QTest::ignoreMessage(QtWarningMsg, notValid);
        QVERIFY(!client.meterUsage(tooLong));

        BatchMeterUsageRequest batch;
        UsageRecord noDimension;
        noDimension.setTimestamp(QDateTime::currentDateTimeUtc());
        noDimension.setCustomerIdentifier(QStringLiteral("demo-customer-1"));
        batch.setProductCode(QStringLiteral("demo-product"));
        batch.addUsageRecord(noDimension);
        QVERIFY(!noDimension.isValid());
        QVERIFY(!batch.isValid());
        QTest::ignoreMessage(QtWarningMsg, notValid);
        QVERIFY(!client.batchMeterUsage(batch));

        ResolveCustomerRequest resolve;
        QVERIFY(!resolve.isValid());
        QTest::ignoreMessage(QtWarningMsg, notValid);
        QVERIFY(!client.resolveCustomer(resolve));

        RegisterUsageRequest registerUsage;
        registerUsage.setProductCode(QStringLiteral("demo-product"));
        QVERIFY(!registerUsage.isValid());                  // no public key version
        QTest::ignoreMessage(QtWarningMsg, notValid);
        QVERIFY(!client.registerUsage(registerUsage));
    }

    void clientWithoutTargetOrCredentialsGivesNull()
    {
        const MeterUsageRequest request = meterUsageRequest(QStringLiteral("users"), 1);
        MarketplaceMeteringClient noCredentials(m_url);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("credentials not set")));
        QVERIFY(!noCredentials.meterUsage(request));

        MarketplaceMeteringClient noRegion(AwsRegion::InvalidRegion, &m_credentials);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("neither region nor endpoint")));
        QVERIFY(!noRegion.meterUsage(request));

        AwsBasicCredentials noKey(QString(), kSecret);
        MarketplaceMeteringClient refused(m_url, &noKey);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("access_key_id")));
        QVERIFY(!refused.meterUsage(request));

        QScopedPointer<AwsBasicCredentials> gone(new AwsBasicCredentials(kKeyId, kSecret));
        MarketplaceMeteringClient forgets(m_url, gone.data());
        gone.reset();                                       // held by QPointer: forgotten
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("credentials not set")));
        QVERIFY(!forgets.meterUsage(request));
    }

    void clientSettings()
    {
        MarketplaceMeteringClient client(AwsRegion::US_East_1, &m_credentials);
        QCOMPARE(client.region(), AwsRegion::US_East_1);
        QCOMPARE(client.endpoint().host(), QStringLiteral("metering.marketplace.us-east-1.amazonaws.com"));
        QCOMPARE(client.apiVersion(), QStringLiteral("2016-01-14"));
        QCOMPARE(client.endpointPrefix(), QStringLiteral("metering.marketplace"));
        QCOMPARE(client.serviceName(), QStringLiteral("aws-marketplace"));
        QCOMPARE(client.serviceFullName(), QStringLiteral("AWSMarketplace Metering"));
        QVERIFY(!client.networkAccessManager());
        client.setRegion(AwsRegion::EU_West_1);
        QCOMPARE(client.endpoint().host(), QStringLiteral("metering.marketplace.eu-west-1.amazonaws.com"));

        // An explicit endpoint wins; the region then only signs.
        client.setEndpoint(m_url);
        QCOMPARE(client.endpoint(), m_url);
        QScopedPointer<MeterUsageResponse> response(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QVERIFY2(response->isValid(), qPrintable(response->errorString()));

        QCOMPARE(AwsRegion::name(AwsRegion::US_East_1), QStringLiteral("us-east-1"));
        QCOMPARE(AwsRegion::fromName(QStringLiteral("ap-southeast-2")), AwsRegion::AP_Southeast_2);
        QCOMPARE(int(AwsRegion::US_East_1), 0xB41);
        QVERIFY(!AwsRegion(QStringLiteral("nowhere-1")).isValid());
        QCOMPARE(AwsRegion(AwsRegion::EU_Central_1).name(), QStringLiteral("eu-central-1"));
    }
};

QTEST_GUILESS_MAIN(TestErrors)
#include "tst_errors.moc"
