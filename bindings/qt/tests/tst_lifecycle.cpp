// Response lifetime: abort, deletion while running or with finished() queued; and the README
// example run. Threads and the completion queue: tst_completion.cpp.
#include "testsupport.h"

class TestLifecycle : public EmulatorTest {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(startEmulator()); }

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

QTEST_GUILESS_MAIN(TestLifecycle)
#include "tst_lifecycle.moc"
