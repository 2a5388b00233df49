// QtAws::Core::AwsClientConfiguration: a client's timeouts, retries, app id and proxy,
// mapped onto mpmeter's mpm_config. A value class; give it to a client with
// AwsAbstractClient::setConfiguration().
//
// By default (readsEnvironment() true) every setting not set here comes from the
// environment and the shared config files as the AWS SDKs read them
// (mpm_config_new_from_environment): AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, AWS_SDK_UA_APP_ID,
// AWS_CA_BUNDLE, FIPS and dual-stack; AWS_ENDPOINT_URL_MARKETPLACE_METERING and
// AWS_ENDPOINT_URL where the client sets no endpoint; and for a client from
// MarketplaceMeteringClient::fromEnvironment() the region as well (AWS_REGION, the
// profile). So AWS_MAX_ATTEMPTS=1 means one attempt. setReadsEnvironment(false) gives
// the library's defaults instead (connect 3.1 s, attempt 30 s, operation 120 s, 3
// attempts, standard retries).
//
// Proxy, read when the client's C client is made (its first call, and again after any
// setter of the client): setProxy() if called; else the client's QNetworkAccessManager's
// proxy, if it is an HTTP proxy; else QNetworkProxy::applicationProxy(), if it is an HTTP
// proxy; else the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY). A
// QNetworkProxy::NoProxy set here or on the manager means no proxy at all. Socks5 proxies
// are not supported by the library: such a proxy is ignored with a warning (the
// environment's is used). QNetworkProxyFactory and per-URL queries are not consulted.
#ifndef MPM_QT_AWSCLIENTCONFIGURATION_H
#define MPM_QT_AWSCLIENTCONFIGURATION_H

#include "qtawscoreglobal.h"

#include <QNetworkProxy>
#include <QString>

struct mpm_config;
class QNetworkAccessManager;

namespace QtAws {
namespace Core {

class QTAWSCORE_EXPORT AwsClientConfiguration {
public:
    /// The values of mpm_retry_mode.
    enum RetryMode { DefaultRetryMode = 0, StandardRetryMode = 1, LegacyRetryMode = 2,
                     AdaptiveRetryMode = 3 };

    /// Nothing set: the environment, else the library's defaults.
    AwsClientConfiguration();
    /// The same as the default constructor: settings from the environment.
    static AwsClientConfiguration fromEnvironment();
    /// The library's defaults only; the environment is not read.
    static AwsClientConfiguration defaults();

    bool readsEnvironment() const;
    void setReadsEnvironment(bool on);

    /// Milliseconds, 1 ... 2^32-1; -1 (default): not set.
    int connectTimeout() const;
    void setConnectTimeout(int ms);
    int attemptTimeout() const;
    void setAttemptTimeout(int ms);
    int operationTimeout() const;
    void setOperationTimeout(int ms);

    /// Attempts per call including the first (1: no retries); -1 (default): not set.
    int maxAttempts() const;
    void setMaxAttempts(int attempts);
    RetryMode retryMode() const;
    void setRetryMode(RetryMode mode);

    /// Sent in the User-Agent (AWS_SDK_UA_APP_ID); null: not set.
    QString appId() const;
    void setAppId(const QString &appId);

    /// See above. hasProxy() is false until setProxy().
    bool hasProxy() const;
    QNetworkProxy proxy() const;
    void setProxy(const QNetworkProxy &proxy);
    /// Hosts that bypass the proxy, NO_PROXY syntax ("localhost,.internal").
    QString noProxy() const;
    void setNoProxy(const QString &hosts);

    /// The mpm_config for these settings (the caller frees it with mpm_config_free), the
    /// proxy chosen as described above for a client whose manager is `manager` (may be
    /// NULL); NULL with `error` set when the environment or a value is invalid.
    struct mpm_config * toConfig(const QNetworkAccessManager * manager, QString * error) const;

    /// The proxy URL the rules above choose ("http://user:pass@host:port"), "" for no
    /// proxy, a null string for the environment's.
    QString effectiveProxyUrl(const QNetworkAccessManager * manager) const;

    bool operator==(const AwsClientConfiguration &other) const;
    bool operator!=(const AwsClientConfiguration &other) const { return !(*this == other); }

private:
    bool m_env = true;
    int m_connect = -1, m_attempt = -1, m_operation = -1, m_maxAttempts = -1;
    RetryMode m_retryMode = DefaultRetryMode;
    QString m_appId;
    bool m_hasProxy = false;
    QNetworkProxy m_proxy;
    QString m_noProxy;
};

} // namespace Core
} // namespace QtAws

#endif
