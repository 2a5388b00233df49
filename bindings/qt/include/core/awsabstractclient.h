// QtAws::Core::AwsAbstractClient: region, endpoint and credentials of a service client.
// Calls go through the C library mpmeter, not through Qt's network stack: a
// QNetworkAccessManager can be set and read back (for source compatibility); of it only
// its proxy() is used (see AwsClientConfiguration). Timeouts, retries and the proxy are
// set with setConfiguration(); by default they come from the environment as the AWS SDKs
// read it (AWS_MAX_ATTEMPTS=1: one attempt); a client from
// MarketplaceMeteringClient::fromEnvironment() takes its region and endpoint from there too.
#ifndef MPM_QT_AWSABSTRACTCLIENT_H
#define MPM_QT_AWSABSTRACTCLIENT_H

#include "awsclientconfiguration.h"
#include "awsregion.h"

#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QVariantMap>

class QNetworkAccessManager;
struct mpm_client;

namespace QtAws {
namespace MarketplaceMetering {
class Outbox;
}
namespace Core {

class AwsAbstractCredentials;
class AwsAbstractRequest;
class AwsAbstractResponse;

class QTAWSCORE_EXPORT AwsAbstractClient : public QObject {
    Q_OBJECT

public:
    AwsAbstractClient(QObject * const parent = 0);
    virtual ~AwsAbstractClient();

    QString apiVersion() const;
    /// The endpoint set, else the region's (empty for InvalidRegion).
    QUrl endpoint() const;
    QString endpointPrefix() const;
    QNetworkAccessManager * networkAccessManager() const;
    AwsRegion::Region region() const;
    /// Starts `request`; the caller owns the response. NULL (with a warning) without
    /// credentials, without a region or endpoint, or for an invalid request, as QtAws.
    virtual AwsAbstractResponse * send(const AwsAbstractRequest &request);
    QString serviceFullName() const;
    QString serviceName() const;
    /// The library's counters for this client (the fields of mpm_client_metrics by name,
    /// "latency_buckets" a list): since its C client was made, which happens at the first
    /// send and again after the region, endpoint or credentials object changes. All zero
    /// before the first send.
    QVariantMap metrics() const;

    /// Timeouts, retries, app id, proxy (see AwsClientConfiguration); applies from the
    /// next call.
    AwsClientConfiguration configuration() const;
    void setConfiguration(const AwsClientConfiguration &configuration);

    /// Not owned: read each time a call starts, and forgotten if deleted. An
    /// AwsDefaultCredentials or AwsPlatformCredentials is resolved by the library.
    void setCredentials(AwsAbstractCredentials * const credentials);
    void setEndpoint(const QUrl &endpoint);
    void setNetworkAccessManager(QNetworkAccessManager * const manager);
    /// With an endpoint set, the region is the signing region (us-east-1 if invalid).
    void setRegion(const AwsRegion::Region region);

protected:
    virtual AwsAbstractCredentials * credentials() const;
    /// With neither a region nor an endpoint set, take both from the environment (the
    /// configuration's, when it reads it) rather than refusing to send as QtAws did.
    void setTargetFromEnvironment(bool on);
    /// Set by the service's client class, as QtAws's private data was.
    void setServiceInfo(const QString &apiVersion, const QString &endpointPrefix,
                        const QString &serviceName, const QString &serviceFullName);

private:
    Q_DISABLE_COPY(AwsAbstractClient)
    // The outbox delivers through this client's library client (it keeps its own reference).
    friend class QtAws::MarketplaceMetering::Outbox;
    struct mpm_client * cClient(QString * why);
    void resetCClient();

    QString m_apiVersion, m_endpointPrefix, m_serviceName, m_serviceFullName;
    QPointer<AwsAbstractCredentials> m_credentials;
    QUrl m_endpoint;
    QNetworkAccessManager * m_manager;   // Never used: see above.
    AwsRegion::Region m_region;
    AwsClientConfiguration m_configuration;
    bool m_targetFromEnvironment = false;
    struct mpm_client * m_client;   // Made on first send, dropped when the target changes.
};

} // namespace Core
} // namespace QtAws

#endif
