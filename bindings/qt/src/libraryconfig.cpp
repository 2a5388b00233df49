// AwsLibraryCredentials and its kinds, AwsClientConfiguration: Qt-style classes over
// mpm_credentials_new_default_chain / _for_platform / _profile and mpm_config_*.
#include "core/awsclientconfiguration.h"
#include "core/awslibrarycredentials.h"

#include "cglue.h"

#include <QNetworkAccessManager>
#include <QUrl>
#include <QtGlobal>

namespace QtAws {
namespace Core {

// --- credentials ------------------------------------------------------------------------

AwsLibraryCredentials::AwsLibraryCredentials(mpm_credentials * credentials, QObject * parent)
    : AwsAbstractCredentials(parent), m_credentials(credentials)
{
    if (!m_credentials)
        m_error = mpmqt::lastError();
}

AwsLibraryCredentials::~AwsLibraryCredentials() { mpm_credentials_free(m_credentials); }

QString AwsLibraryCredentials::accessKeyId() const { return QString(); }
QString AwsLibraryCredentials::secretKey() const { return QString(); }
QString AwsLibraryCredentials::token() const { return QString(); }
bool AwsLibraryCredentials::isRefreshable() const { return true; }
bool AwsLibraryCredentials::isValid() const { return m_credentials != nullptr; }
QString AwsLibraryCredentials::errorString() const { return m_error; }
const mpm_credentials * AwsLibraryCredentials::handle() const { return m_credentials; }

QDateTime AwsLibraryCredentials::expiration() const
{
    int64_t when = 0;
    if (m_credentials && mpm_credentials_expiration(m_credentials, &when) == MPM_OK && when > 0)
        return mpmqt::fromUnix(when);
    return QDateTime();
}

bool AwsLibraryCredentials::resolve(int timeoutMs, QString * error)
{
    if (!m_credentials) {
        if (error)
            *error = m_error;
        return false;
    }
    if (mpm_credentials_resolve(m_credentials, int32_t(timeoutMs)) == MPM_OK) {
        emit changed();
        return true;
    }
    if (error)
        *error = mpmqt::lastError();
    return false;
}

bool AwsLibraryCredentials::refresh() { return resolve(); }

QString AwsLibraryCredentials::providerName() const
{
    if (!m_credentials)
        return QString();
    QByteArray buf(int(mpm_credentials_provider_name(m_credentials, nullptr, 0)) + 1, '\0');
    mpm_credentials_provider_name(m_credentials, buf.data(), size_t(buf.size()));
    return QString::fromUtf8(buf.constData());
}

AwsDefaultCredentials::AwsDefaultCredentials(QObject * const parent)
    : AwsLibraryCredentials(mpm_credentials_new_default_chain(), parent)
{
}

AwsPlatformCredentials::AwsPlatformCredentials(Platform platform, QObject * const parent)
    : AwsLibraryCredentials(mpm_credentials_new_for_platform(uint32_t(platform)), parent),
      m_platform(platform)
{
}

AwsPlatformCredentials::Platform AwsPlatformCredentials::platform() const { return m_platform; }

AwsProfileCredentials::AwsProfileCredentials(const QString &profile, QObject * const parent)
    : AwsLibraryCredentials(
          profile.isNull() ? mpm_credentials_new_profile(nullptr)
                           : mpm_credentials_new_profile(profile.toUtf8().constData()),
          parent)
{
}

// --- configuration ----------------------------------------------------------------------

AwsClientConfiguration::AwsClientConfiguration() = default;
AwsClientConfiguration AwsClientConfiguration::fromEnvironment() { return AwsClientConfiguration(); }

AwsClientConfiguration AwsClientConfiguration::defaults()
{
    AwsClientConfiguration c;
    c.m_env = false;
    return c;
}

bool AwsClientConfiguration::readsEnvironment() const { return m_env; }
void AwsClientConfiguration::setReadsEnvironment(bool on) { m_env = on; }
int AwsClientConfiguration::connectTimeout() const { return m_connect; }
void AwsClientConfiguration::setConnectTimeout(int ms) { m_connect = ms; }
int AwsClientConfiguration::attemptTimeout() const { return m_attempt; }
void AwsClientConfiguration::setAttemptTimeout(int ms) { m_attempt = ms; }
int AwsClientConfiguration::operationTimeout() const { return m_operation; }
void AwsClientConfiguration::setOperationTimeout(int ms) { m_operation = ms; }
int AwsClientConfiguration::maxAttempts() const { return m_maxAttempts; }
void AwsClientConfiguration::setMaxAttempts(int attempts) { m_maxAttempts = attempts; }
AwsClientConfiguration::RetryMode AwsClientConfiguration::retryMode() const { return m_retryMode; }
void AwsClientConfiguration::setRetryMode(RetryMode mode) { m_retryMode = mode; }
QString AwsClientConfiguration::appId() const { return m_appId; }
void AwsClientConfiguration::setAppId(const QString &appId) { m_appId = appId; }
bool AwsClientConfiguration::hasProxy() const { return m_hasProxy; }
QNetworkProxy AwsClientConfiguration::proxy() const { return m_proxy; }
QString AwsClientConfiguration::noProxy() const { return m_noProxy; }
void AwsClientConfiguration::setNoProxy(const QString &hosts) { m_noProxy = hosts; }

void AwsClientConfiguration::setProxy(const QNetworkProxy &proxy)
{
    m_proxy = proxy;
    m_hasProxy = true;
}

bool AwsClientConfiguration::operator==(const AwsClientConfiguration &o) const
{
    return m_env == o.m_env && m_connect == o.m_connect && m_attempt == o.m_attempt
        && m_operation == o.m_operation && m_maxAttempts == o.m_maxAttempts
        && m_retryMode == o.m_retryMode && m_appId == o.m_appId && m_hasProxy == o.m_hasProxy
        && m_proxy == o.m_proxy && m_noProxy == o.m_noProxy;
}

namespace {

// "http://user:pass@host:port" for an HTTP proxy, "" for NoProxy, null for the
// environment's (DefaultProxy; Socks5 and caching proxies, with a warning).
QString proxyUrl(const QNetworkProxy &proxy, bool * decided)
{
    *decided = true;
    switch (proxy.type()) {
    case QNetworkProxy::NoProxy:
        return QStringLiteral("");
    case QNetworkProxy::HttpProxy: {
        QUrl url;
        url.setScheme(QStringLiteral("http"));
        url.setHost(proxy.hostName());
        url.setPort(proxy.port() ? proxy.port() : 8080);
        if (!proxy.user().isEmpty()) {
            url.setUserName(proxy.user());
            url.setPassword(proxy.password());
        }
        return url.toString(QUrl::FullyEncoded);
    }
    case QNetworkProxy::DefaultProxy:
        *decided = false;
        return QString();
    default:
        qWarning("mpmeter-qt: proxy type %d is not supported (HTTP proxies only); using the "
                 "environment's proxy settings", int(proxy.type()));
        *decided = false;
        return QString();
    }
}

} // namespace

QString AwsClientConfiguration::effectiveProxyUrl(const QNetworkAccessManager * manager) const
{
    bool decided = false;
    QString url;
    if (m_hasProxy) {
        url = proxyUrl(m_proxy, &decided);
        if (decided)
            return url;
    }
    if (manager) {
        url = proxyUrl(manager->proxy(), &decided);
        if (decided)
            return url;
    }
    const QNetworkProxy app = QNetworkProxy::applicationProxy();
    // Qt's default application proxy is NoProxy: only an HTTP proxy set by the program
    // is taken (NoProxy there means "not set", so the environment still applies).
    if (app.type() == QNetworkProxy::HttpProxy)
        return proxyUrl(app, &decided);
    return QString();
}

mpm_config * AwsClientConfiguration::toConfig(const QNetworkAccessManager * manager,
                                              QString * error) const
{
    mpm_config * const config = m_env ? mpm_config_new_from_environment() : mpm_config_new();
    if (!config) {
        *error = mpmqt::lastError();
        return nullptr;
    }
    bool ok = true;
    if (m_connect >= 0)
        ok = ok && mpmqt::check(mpm_config_set_connect_timeout_ms(config, uint32_t(m_connect)), error);
    if (m_attempt >= 0)
        ok = ok && mpmqt::check(mpm_config_set_attempt_timeout_ms(config, uint32_t(m_attempt)), error);
    if (m_operation >= 0)
        ok = ok && mpmqt::check(mpm_config_set_operation_timeout_ms(config, uint32_t(m_operation)), error);
    if (m_maxAttempts >= 0)
        ok = ok && mpmqt::check(mpm_config_set_max_attempts(config, uint32_t(m_maxAttempts)), error);
    if (m_retryMode != DefaultRetryMode)
        ok = ok && mpmqt::check(mpm_config_set_retry_mode(config, uint32_t(m_retryMode)), error);
    if (!m_appId.isNull())
        ok = ok && mpmqt::check(mpm_config_set_app_id(config, m_appId.toUtf8().constData()), error);
    const QString proxy = effectiveProxyUrl(manager);
    if (ok && !proxy.isNull()) {
        const QByteArray url = proxy.toUtf8();
        const QByteArray noProxy = m_noProxy.toUtf8();
        ok = mpmqt::check(mpm_config_set_proxy(config, url.constData(),
                                               m_noProxy.isEmpty() ? nullptr : noProxy.constData()),
                          error);
    }
    if (!ok) {
        mpm_config_free(config);
        return nullptr;
    }
    return config;
}

} // namespace Core
} // namespace QtAws
