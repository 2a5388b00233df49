// AwsAbstractClient: keeps QtAws's settings and a C client made from them on demand.
#include "core/awsabstractclient.h"
#include "core/mpmeterlogging.h"

#include "core/awsabstractrequest.h"
#include "core/awsabstractresponse.h"
#include "core/awsanonymouscredentials.h"
#include "core/awslibrarycredentials.h"

#include "cglue.h"

#include <QDebug>

namespace QtAws {
namespace Core {

namespace {

// C credentials for what `credentials` says right now (they may rotate between calls):
// the library's own handle for AwsLibraryCredentials, else a new one in `owned`.
const mpm_credentials * toC(const AwsAbstractCredentials &credentials,
                            mpmqt::Credentials * owned, QString * why);

mpmqt::Credentials toC(const AwsAbstractCredentials &credentials, QString * why)
{
    if (qobject_cast<const AwsAnonymousCredentials *>(&credentials))
        return mpmqt::Credentials(mpm_credentials_new_anonymous());
    const QByteArray id = credentials.accessKeyId().toUtf8();
    const QByteArray secret = credentials.secretKey().toUtf8();
    const QByteArray token = credentials.token().toUtf8();
    mpmqt::Credentials c(mpm_credentials_new_basic(id.constData(), secret.constData(),
                                                   token.constData()));
    if (!c)
        *why = mpmqt::lastError();
    return c;
}

const mpm_credentials * toC(const AwsAbstractCredentials &credentials,
                            mpmqt::Credentials * owned, QString * why)
{
    if (auto * library = qobject_cast<const AwsLibraryCredentials *>(&credentials)) {
        if (!library->isValid())
            *why = library->errorString();
        return library->handle();
    }
    *owned = toC(credentials, why);
    return owned->get();
}

} // namespace

AwsAbstractClient::AwsAbstractClient(QObject * const parent)
    : QObject(parent), m_manager(nullptr), m_region(AwsRegion::InvalidRegion), m_client(nullptr)
{
}

AwsAbstractClient::~AwsAbstractClient()
{
    // Responses already returned keep working: they hold their own reference.
    mpm_client_free(m_client);
}

void AwsAbstractClient::setServiceInfo(const QString &apiVersion, const QString &endpointPrefix,
                                       const QString &serviceName, const QString &serviceFullName)
{
    m_apiVersion = apiVersion;
    m_endpointPrefix = endpointPrefix;
    m_serviceName = serviceName;
    m_serviceFullName = serviceFullName;
}

QString AwsAbstractClient::apiVersion() const { return m_apiVersion; }
QString AwsAbstractClient::endpointPrefix() const { return m_endpointPrefix; }
QString AwsAbstractClient::serviceName() const { return m_serviceName; }
QString AwsAbstractClient::serviceFullName() const { return m_serviceFullName; }
QNetworkAccessManager * AwsAbstractClient::networkAccessManager() const { return m_manager; }
AwsRegion::Region AwsAbstractClient::region() const { return m_region; }
AwsAbstractCredentials * AwsAbstractClient::credentials() const { return m_credentials.data(); }

QUrl AwsAbstractClient::endpoint() const
{
    if (m_endpoint.isValid() || m_region == AwsRegion::InvalidRegion)
        return m_endpoint;
    // The region's endpoint comes from mpmeter's endpoint rules; any credentials do.
    mpmqt::Credentials anonymous(mpm_credentials_new_anonymous());
    mpm_client * const c = mpm_client_new(uint32_t(m_region), anonymous.get());
    QUrl url;
    if (c) {
        QByteArray buf(int(mpm_client_endpoint(c, nullptr, 0)) + 1, '\0');
        mpm_client_endpoint(c, buf.data(), size_t(buf.size()));
        url = QUrl(QString::fromUtf8(buf.constData()));
        mpm_client_free(c);
    }
    return url;
}

AwsClientConfiguration AwsAbstractClient::configuration() const { return m_configuration; }

void AwsAbstractClient::setConfiguration(const AwsClientConfiguration &configuration)
{
    m_configuration = configuration;
    resetCClient();
}

void AwsAbstractClient::setTargetFromEnvironment(bool on)
{
    m_targetFromEnvironment = on;
    resetCClient();
}

void AwsAbstractClient::setCredentials(AwsAbstractCredentials * const credentials)
{
    m_credentials = credentials;
}

void AwsAbstractClient::setEndpoint(const QUrl &endpoint)
{
    m_endpoint = endpoint;
    resetCClient();
}

void AwsAbstractClient::setNetworkAccessManager(QNetworkAccessManager * const manager)
{
    m_manager = manager;
    resetCClient();   // Its proxy is read when the C client is made.
}

void AwsAbstractClient::setRegion(const AwsRegion::Region region)
{
    m_region = region;
    resetCClient();
}

void AwsAbstractClient::resetCClient()
{
    mpm_client_free(m_client);
    m_client = nullptr;
}

mpm_client * AwsAbstractClient::cClient(QString * why)
{
    if (!m_credentials) {
        *why = QStringLiteral("credentials not set");
        return nullptr;
    }
    mpmqt::Credentials owned;
    const mpm_credentials * const creds = toC(*m_credentials, &owned, why);
    if (!creds)
        return nullptr;
    if (m_client) {
        // Read every time: a credentials object may rotate its keys between calls.
        return mpmqt::check(mpm_client_set_credentials(m_client, creds), why) ? m_client
                                                                              : nullptr;
    }
    refreshMpmeterLogLevel();
    // Without a region and an endpoint a QtAws client cannot send (as in QtAws); a client
    // from fromEnvironment() takes both from the environment instead: AWS_REGION,
    // AWS_ENDPOINT_URL_MARKETPLACE_METERING, ...
    if (!m_endpoint.isValid() && m_region == AwsRegion::InvalidRegion
        && !(m_targetFromEnvironment && m_configuration.readsEnvironment())) {
        *why = QStringLiteral("neither region nor endpoint set");
        return nullptr;
    }
    mpm_config * const config = m_configuration.toConfig(m_manager, why);
    if (!config)
        return nullptr;
    const QByteArray url = m_endpoint.toString(QUrl::FullyEncoded).toUtf8();
    const QByteArray region = AwsRegion::name(m_region).toUtf8();
    // The region, if any, is the signing region of an explicit endpoint.
    m_client = mpm_client_new_with_config(
        m_region != AwsRegion::InvalidRegion ? region.constData() : nullptr,
        m_endpoint.isValid() ? url.constData() : nullptr, creds, config);
    if (!m_client && why->isEmpty()) {
        *why = mpmqt::lastError();   // Before mpm_config_free, which clears it.
        if (!m_endpoint.isValid() && m_region == AwsRegion::InvalidRegion)
            *why = QStringLiteral("neither region nor endpoint set, nor in the environment: ") + *why;
    }
    mpm_config_free(config);
    return m_client;
}

AwsAbstractResponse * AwsAbstractClient::send(const AwsAbstractRequest &request)
{
    // As QtAws: a call that cannot start gives NULL and a warning, not a response.
    QString why;
    mpm_client * const client = cClient(&why);
    if (!client) {
        qWarning() << Q_FUNC_INFO << why;
        return nullptr;
    }
    return request.response(client);
}

} // namespace Core
} // namespace QtAws
