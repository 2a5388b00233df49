// The Qt binding against mpm-emulator: every slot end to end, finished() delivery and
// thread, errors, invalid requests, deletion while running, and the README example.
#include "core/awsanonymouscredentials.h"
#include "core/awsbasiccredentials.h"
#include "marketplacemetering/batchmeterusageresponse.h"
#include "marketplacemetering/marketplacemeteringclient.h"
#include "marketplacemetering/meterusageresponse.h"
#include "marketplacemetering/registerusageresponse.h"
#include "marketplacemetering/resolvecustomerresponse.h"

#include "emulator.h"

#include <QAtomicPointer>
#include <QCoreApplication>
#include <QRegularExpression>
#include <QScopedPointer>
#include <QThread>
#include <QtTest>

using namespace QtAws::Core;
using namespace QtAws::MarketplaceMetering;

static const QString kKeyId = QStringLiteral("AKIAIOSFODNN7EXAMPLE");
static const QString kSecret = QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

// Counts finished() and remembers whether each came on the main thread.
class FinishedProbe : public QObject {
public:
    explicit FinishedProbe(AwsAbstractResponse * response)
    {
        connect(response, &AwsAbstractResponse::finished, this, [this]() {
            ++count;
            onMainThread = onMainThread && QThread::currentThread() == qApp->thread();
        });
    }
    int count = 0;
    bool onMainThread = true;
};

class TestMarketplaceMetering : public QObject {
    Q_OBJECT

private:
    QScopedPointer<Emulator> m_emulator;
    QUrl m_url;
    AwsBasicCredentials m_credentials{kKeyId, kSecret};

    // A fresh emulator per test, so ledgers and faults never leak between tests.
    bool startEmulator(const QStringList &args = QStringList())
    {
        m_emulator.reset(new Emulator);
        QString error;
        if (!m_emulator->start(args, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        m_url = m_emulator->url();
        return true;
    }

    static MeterUsageRequest meterUsageRequest(const QString &dimension, int quantity)
    {
        MeterUsageRequest request;
        request.setProductCode(QStringLiteral("demo-product"));
        request.setTimestamp(QDateTime::currentDateTimeUtc());
        request.setUsageDimension(dimension);
        request.setUsageQuantity(quantity);
        return request;
    }

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

    void abortFinishesAsCancelled()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("delay:count=10,delay_ms=5000")}));
        MarketplaceMeteringClient client(m_url, &m_credentials);
        QScopedPointer<MeterUsageResponse> response(client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(response);
        FinishedProbe probe(response.data());
        response->abort();
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 3000);
        QCOMPARE(probe.count, 1);
        QCOMPARE(response->error(), AwsAbstractResponse::CancelledError);
        QCOMPARE(response->networkError(), QNetworkReply::OperationCanceledError);
    }

    // Deleting a response cancels its call; finished() must never reach a dead object,
    // whether the call is still running or its finished event is already queued.
    void deleteBeforeFinishedIsSafe()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("delay:count=100,delay_ms=2000")}));
        MarketplaceMeteringClient client(m_url, &m_credentials);
        int delivered = 0;
        QObject context;
        for (int i = 0; i < 20; ++i) {
            MeterUsageResponse * const running = client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1));
            QVERIFY(running);
            connect(running, &AwsAbstractResponse::finished, &context, [&]() { ++delivered; });
            if (i % 2)
                QTest::qWait(5);
            delete running;
        }
        QTest::qWait(200);
        QCOMPARE(delivered, 0);
    }

    void deleteWithFinishedEventQueuedIsSafe()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        int delivered = 0;
        QObject context;
        for (int i = 0; i < 5; ++i) {
            MeterUsageResponse * const response = client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1));
            QVERIFY(response);
            connect(response, &AwsAbstractResponse::finished, &context, [&]() { ++delivered; });
            QThread::msleep(300);   // no event loop: the call ends and its event waits
            delete response;
        }
        QCoreApplication::processEvents();
        QTest::qWait(50);
        QCOMPARE(delivered, 0);
    }

    void finishedFollowsTheResponseToItsThread()
    {
        MarketplaceMeteringClient client(m_url, &m_credentials);
        QThread worker;
        worker.start();
        MeterUsageResponse * const response = client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1));
        QVERIFY(response);
        QAtomicPointer<QThread> seen;
        connect(response, &AwsAbstractResponse::finished, response,
                [&seen]() { seen.storeRelease(QThread::currentThread()); }, Qt::DirectConnection);
        response->moveToThread(&worker);
        QTRY_VERIFY_WITH_TIMEOUT(seen.loadAcquire() != nullptr, 15000);
        QCOMPARE(seen.loadAcquire(), &worker);
        worker.quit();
        QVERIFY(worker.wait(5000));
        delete response;
    }

    // The README's program, written against QtAws's API, compiled and run.
    void readmeExampleRuns()
    {
        QProcess example;
        example.start(QStringLiteral(MPM_QT_EXAMPLE), {m_url.toString()});
        QVERIFY(example.waitForFinished(30000));
        const QByteArray out = example.readAllStandardOutput();
        QVERIFY2(example.exitCode() == 0, example.readAllStandardError().constData());
        QVERIFY2(out.startsWith("MeteringRecordId: ") && out.trimmed().size() > 18, out.constData());
    }
};

QTEST_GUILESS_MAIN(TestMarketplaceMetering)
#include "tst_marketplacemetering.moc"
