// QtAws::MarketplaceMetering::MarketplaceMeteringClient: the AWS Marketplace Metering
// Service, with QtAws's constructors and slots, working through mpmeter.
#ifndef MPM_QT_MARKETPLACEMETERINGCLIENT_H
#define MPM_QT_MARKETPLACEMETERINGCLIENT_H

#include "core/awsabstractclient.h"

#include "qtawsmarketplacemeteringglobal.h"

class QNetworkReply;

namespace QtAws {
namespace MarketplaceMetering {

class BatchMeterUsageRequest;
class BatchMeterUsageResponse;
class MeterUsageRequest;
class MeterUsageResponse;
class RegisterUsageRequest;
class RegisterUsageResponse;
class ResolveCustomerRequest;
class ResolveCustomerResponse;

class QTAWSMARKETPLACEMETERING_EXPORT MarketplaceMeteringClient
    : public QtAws::Core::AwsAbstractClient {
    Q_OBJECT

public:
    /// `manager` is kept for networkAccessManager() but never used (see AwsAbstractClient).
    MarketplaceMeteringClient(
        const QtAws::Core::AwsRegion::Region region = QtAws::Core::AwsRegion::InvalidRegion,
        QtAws::Core::AwsAbstractCredentials * credentials = NULL,
        QNetworkAccessManager * const manager = NULL,
        QObject * const parent = 0);

    explicit MarketplaceMeteringClient(
        const QUrl &endpoint, QtAws::Core::AwsAbstractCredentials * credentials = NULL,
        QNetworkAccessManager * const manager = NULL,
        QObject * const parent = 0);

    /// A client entirely from the environment, as an AWS SDK makes one: region and
    /// endpoint (AWS_REGION, AWS_ENDPOINT_URL_MARKETPLACE_METERING, AWS_ENDPOINT_URL, the
    /// profile), settings (AWS_MAX_ATTEMPTS, AWS_RETRY_MODE, ...) and the default credential
    /// chain (an AwsDefaultCredentials the client owns). The caller owns the client.
    static MarketplaceMeteringClient * fromEnvironment(QObject * const parent = 0);

public Q_SLOTS:
    // Each returns a new response the caller owns (no parent), or NULL (with a warning)
    // when the call cannot start: see AwsAbstractClient::send.
    BatchMeterUsageResponse * batchMeterUsage(const BatchMeterUsageRequest &request);
    MeterUsageResponse * meterUsage(const MeterUsageRequest &request);
    RegisterUsageResponse * registerUsage(const RegisterUsageRequest &request);
    ResolveCustomerResponse * resolveCustomer(const ResolveCustomerRequest &request);

private:
    Q_DISABLE_COPY(MarketplaceMeteringClient)
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
