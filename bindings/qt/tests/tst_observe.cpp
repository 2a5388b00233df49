// The library's log in the "mpmeter" QLoggingCategory, and AwsAbstractClient::metrics(),
// against mpm-emulator with its faults.
#include "testsupport.h"

#include "core/mpmeterlogging.h"

#include <QMutex>

namespace {
QMutex g_mutex;
QStringList g_lines;
QtMessageHandler g_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && QByteArray(context.category) == "mpmeter") {
        QMutexLocker lock(&g_mutex);
        g_lines << QStringLiteral("%1 %2").arg(int(type)).arg(message);
        return;
    }
    if (g_previous)
        g_previous(type, context, message);
}

QStringList lines()
{
    QMutexLocker lock(&g_mutex);
    return g_lines;
}
} // namespace

class TestObserve : public EmulatorTest {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { g_previous = qInstallMessageHandler(capture); }
    void cleanupTestCase() { qInstallMessageHandler(g_previous); }
    void init()
    {
        QMutexLocker lock(&g_mutex);
        g_lines.clear();
    }

    void retriesReachTheCategoryWithoutSecrets()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("throttle:1")}));
        QLoggingCategory::setFilterRules(QStringLiteral("mpmeter.debug=true\nmpmeter.info=true"));
        refreshMpmeterLogLevel();
        MarketplaceMeteringClient client(m_url, &m_credentials);
        QScopedPointer<MeterUsageResponse> response(
            client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QVERIFY(response);
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QVERIFY2(response->isValid(), qPrintable(response->errorString()));
        const QString all = lines().join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("retrying")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("reason=throttling")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("[mpmeter_core::")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("attempt answered")), qPrintable(all));
        QVERIFY(!all.contains(kSecret));
    }

    void levelsTheCategoryDoesNotWantAreNotDelivered()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("throttle:1")}));
        QLoggingCategory::setFilterRules(QStringLiteral("mpmeter.debug=false\nmpmeter.info=false"));
        refreshMpmeterLogLevel();
        MarketplaceMeteringClient client(m_url, &m_credentials);
        QScopedPointer<MeterUsageResponse> response(
            client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QVERIFY(response->isValid());
        QVERIFY2(lines().isEmpty(), qPrintable(lines().join(QLatin1Char('\n'))));
    }

    void metricsCountCallsAndRetries()
    {
        QVERIFY(startEmulator({QStringLiteral("--fault"), QStringLiteral("throttle:2")}));
        MarketplaceMeteringClient client(m_url, &m_credentials);
        QCOMPARE(client.metrics().value(QStringLiteral("calls")).toULongLong(), 0ull);
        QScopedPointer<MeterUsageResponse> response(
            client.meterUsage(meterUsageRequest(QStringLiteral("users"), 1)));
        QTRY_VERIFY_WITH_TIMEOUT(response->isFinished(), 15000);
        QVERIFY2(response->isValid(), qPrintable(response->errorString()));
        const QVariantMap m = client.metrics();
        QCOMPARE(m.value(QStringLiteral("calls")).toULongLong(), 1ull);
        QCOMPARE(m.value(QStringLiteral("succeeded")).toULongLong(), 1ull);
        QCOMPARE(m.value(QStringLiteral("attempts")).toULongLong(), 3ull);
        QCOMPARE(m.value(QStringLiteral("retries_throttling")).toULongLong(), 2ull);
        QCOMPARE(m.value(QStringLiteral("throttles")).toULongLong(), 2ull);
        QCOMPARE(m.value(QStringLiteral("in_flight")).toULongLong(), 0ull);
        QCOMPARE(m.value(QStringLiteral("latency_buckets")).toList().size(), 12);
    }
};

QTEST_GUILESS_MAIN(TestObserve)
#include "tst_observe.moc"
