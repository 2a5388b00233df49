// MarketplaceMeteringClient: QtAws's constructors and slots over AwsAbstractClient.
#include "marketplacemetering/marketplacemeteringclient.h"

#include "core/awslibrarycredentials.h"

#include "marketplacemetering/batchmeterusageresponse.h"
#include "marketplacemetering/meterusageresponse.h"
#include "marketplacemetering/registerusageresponse.h"
#include "marketplacemetering/resolvecustomerresponse.h"

namespace QtAws {
namespace MarketplaceMetering {

MarketplaceMeteringClient::MarketplaceMeteringClient(const QtAws::Core::AwsRegion::Region region,
                                                     QtAws::Core::AwsAbstractCredentials * credentials,
                                                     QNetworkAccessManager * const manager,
                                                     QObject * const parent)
    : QtAws::Core::AwsAbstractClient(parent)
{
    setServiceInfo(QStringLiteral("2016-01-14"), QStringLiteral("metering.marketplace"),
                   QStringLiteral("aws-marketplace"), QStringLiteral("AWSMarketplace Metering"));
    setCredentials(credentials);
    setNetworkAccessManager(manager);
    setRegion(region);
}

MarketplaceMeteringClient::MarketplaceMeteringClient(const QUrl &endpoint,
                                                     QtAws::Core::AwsAbstractCredentials * credentials,
                                                     QNetworkAccessManager * const manager,
                                                     QObject * const parent)
    : MarketplaceMeteringClient(QtAws::Core::AwsRegion::InvalidRegion, credentials, manager, parent)
{
    setEndpoint(endpoint);
}

MarketplaceMeteringClient * MarketplaceMeteringClient::fromEnvironment(QObject * const parent)
{
    auto * const client = new MarketplaceMeteringClient(QtAws::Core::AwsRegion::InvalidRegion,
                                                        nullptr, nullptr, parent);
    client->setCredentials(new QtAws::Core::AwsDefaultCredentials(client));
    client->setConfiguration(QtAws::Core::AwsClientConfiguration::fromEnvironment());
    client->setTargetFromEnvironment(true);
    return client;
}

// Each request creates the response of its own operation, so the casts cannot fail.
BatchMeterUsageResponse * MarketplaceMeteringClient::batchMeterUsage(const BatchMeterUsageRequest &request)
{
    return qobject_cast<BatchMeterUsageResponse *>(send(request));
}

MeterUsageResponse * MarketplaceMeteringClient::meterUsage(const MeterUsageRequest &request)
{
    return qobject_cast<MeterUsageResponse *>(send(request));
}

RegisterUsageResponse * MarketplaceMeteringClient::registerUsage(const RegisterUsageRequest &request)
{
    return qobject_cast<RegisterUsageResponse *>(send(request));
}

ResolveCustomerResponse * MarketplaceMeteringClient::resolveCustomer(const ResolveCustomerRequest &request)
{
    return qobject_cast<ResolveCustomerResponse *>(send(request));
}

} // namespace MarketplaceMetering
} // namespace QtAws
