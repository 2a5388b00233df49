// The "mpmeter" logging category fed by mpm_set_log_callback, and AwsAbstractClient's
// metrics getter over mpm_client_get_metrics.
#include "core/awsabstractclient.h"
#include "core/mpmeterlogging.h"

#include "cglue.h"

#include <QMutex>
#include <QVariantList>

namespace QtAws {
namespace Core {

Q_LOGGING_CATEGORY(lcMpmeter, "mpmeter", QtWarningMsg)

namespace {

void forwardLog(uint32_t level, const char * target, const char * message, void *)
{
    const QString text = QStringLiteral("[%1] %2").arg(mpmqt::str(target), mpmqt::str(message));
    switch (level) {
    case MPM_LOG_ERROR:
        qCCritical(lcMpmeter).noquote() << text;
        break;
    case MPM_LOG_WARN:
        qCWarning(lcMpmeter).noquote() << text;
        break;
    case MPM_LOG_INFO:
        qCInfo(lcMpmeter).noquote() << text;
        break;
    default:
        qCDebug(lcMpmeter).noquote() << text;
        break;
    }
}

uint32_t wantedLevel()
{
    const QLoggingCategory & c = lcMpmeter();
    if (c.isDebugEnabled())
        return MPM_LOG_TRACE;
    if (c.isInfoEnabled())
        return MPM_LOG_INFO;
    if (c.isWarningEnabled())
        return MPM_LOG_WARN;
    if (c.isCriticalEnabled())
        return MPM_LOG_ERROR;
    return MPM_LOG_OFF;
}

} // namespace

void refreshMpmeterLogLevel()
{
    static QMutex mutex;
    static uint32_t registered = 0xffffffffu;
    QMutexLocker lock(&mutex);
    const uint32_t level = wantedLevel();
    if (level != registered && mpm_set_log_callback(level, forwardLog, nullptr) == MPM_OK)
        registered = level;
}

QVariantMap AwsAbstractClient::metrics() const
{
    mpm_client_metrics m = {};
    m.size = sizeof m;
    QVariantMap out;
    if (!m_client || mpm_client_get_metrics(m_client, &m) != MPM_OK)
        m = mpm_client_metrics{};
#define MPM_QT_METRIC(name) out.insert(QStringLiteral(#name), quint64(m.name))
    MPM_QT_METRIC(calls);
    MPM_QT_METRIC(succeeded);
    MPM_QT_METRIC(failed);
    MPM_QT_METRIC(in_flight);
    MPM_QT_METRIC(attempts);
    MPM_QT_METRIC(retries_throttling);
    MPM_QT_METRIC(retries_transient);
    MPM_QT_METRIC(retries_timeout);
    MPM_QT_METRIC(retries_clock_skew);
    MPM_QT_METRIC(throttles);
    MPM_QT_METRIC(quota_exhausted);
    MPM_QT_METRIC(failed_invalid_request);
    MPM_QT_METRIC(failed_endpoint);
    MPM_QT_METRIC(failed_credentials);
    MPM_QT_METRIC(failed_signing);
    MPM_QT_METRIC(failed_transport);
    MPM_QT_METRIC(failed_timeout);
    MPM_QT_METRIC(failed_service);
    MPM_QT_METRIC(failed_invalid_response);
    MPM_QT_METRIC(failed_cancelled);
    MPM_QT_METRIC(latency_count);
    MPM_QT_METRIC(latency_sum_us);
    MPM_QT_METRIC(latency_max_us);
#undef MPM_QT_METRIC
    QVariantList buckets;
    for (uint64_t b : m.latency_buckets)
        buckets.append(quint64(b));
    out.insert(QStringLiteral("latency_buckets"), buckets);
    return out;
}

} // namespace Core
} // namespace QtAws
