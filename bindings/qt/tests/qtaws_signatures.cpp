// Compile-time check that the public API keeps QtAws's signatures, included the
// flat way (<marketplacemeteringclient.h>) that QtAws's module sources use. A drift
// in any of these breaks the build, not just a test.
#include <awsanonymouscredentials.h>
#include <awsbasiccredentials.h>
#include <batchmeterusageresponse.h>
#include <marketplacemeteringclient.h>
#include <meterusageresponse.h>
#include <registerusageresponse.h>
#include <resolvecustomerresponse.h>

#include <type_traits>

using namespace QtAws::Core;
using namespace QtAws::MarketplaceMetering;

#define MPM_QT_SAME(member, type) \
    static_assert(std::is_same<decltype(&member), type>::value, #member)

using Client = MarketplaceMeteringClient;
MPM_QT_SAME(Client::meterUsage, MeterUsageResponse * (Client::*)(const MeterUsageRequest &));
MPM_QT_SAME(Client::batchMeterUsage, BatchMeterUsageResponse * (Client::*)(const BatchMeterUsageRequest &));
MPM_QT_SAME(Client::resolveCustomer, ResolveCustomerResponse * (Client::*)(const ResolveCustomerRequest &));
MPM_QT_SAME(Client::registerUsage, RegisterUsageResponse * (Client::*)(const RegisterUsageRequest &));
static_assert(std::is_constructible<Client, const AwsRegion::Region, AwsAbstractCredentials *,
                                    QNetworkAccessManager * const, QObject * const>::value, "");
static_assert(std::is_constructible<Client, const QUrl &, AwsAbstractCredentials *,
                                    QNetworkAccessManager * const, QObject * const>::value, "");
static_assert(std::is_default_constructible<Client>::value, "all arguments defaulted");
static_assert(!std::is_convertible<QUrl, Client>::value, "the QUrl constructor is explicit");

MPM_QT_SAME(AwsAbstractClient::send, AwsAbstractResponse * (AwsAbstractClient::*)(const AwsAbstractRequest &));
MPM_QT_SAME(AwsAbstractClient::endpoint, QUrl (AwsAbstractClient::*)() const);
MPM_QT_SAME(AwsAbstractClient::region, AwsRegion::Region (AwsAbstractClient::*)() const);
MPM_QT_SAME(AwsAbstractClient::setCredentials, void (AwsAbstractClient::*)(AwsAbstractCredentials * const));
MPM_QT_SAME(AwsAbstractClient::setEndpoint, void (AwsAbstractClient::*)(const QUrl &));
MPM_QT_SAME(AwsAbstractClient::setRegion, void (AwsAbstractClient::*)(const AwsRegion::Region));
MPM_QT_SAME(AwsAbstractClient::networkAccessManager, QNetworkAccessManager * (AwsAbstractClient::*)() const);

MPM_QT_SAME(AwsAbstractResponse::errorString, QString (AwsAbstractResponse::*)() const);
MPM_QT_SAME(AwsAbstractResponse::hasError, bool (AwsAbstractResponse::*)() const);
MPM_QT_SAME(AwsAbstractResponse::isValid, bool (AwsAbstractResponse::*)() const);
MPM_QT_SAME(AwsAbstractResponse::networkError, QNetworkReply::NetworkError (AwsAbstractResponse::*)() const);
MPM_QT_SAME(AwsAbstractResponse::xmlParseError, QXmlStreamReader::Error (AwsAbstractResponse::*)() const);
MPM_QT_SAME(AwsAbstractResponse::finished, void (AwsAbstractResponse::*)());
MPM_QT_SAME(MeterUsageResponse::request, const MeterUsageRequest * (MeterUsageResponse::*)() const);
static_assert(std::is_base_of<MarketplaceMeteringResponse, MeterUsageResponse>::value, "");
static_assert(std::is_base_of<QObject, AwsAbstractResponse>::value, "");

static_assert(std::is_copy_constructible<MeterUsageRequest>::value, "requests are values");
static_assert(std::is_base_of<MarketplaceMeteringRequest, MeterUsageRequest>::value, "");
MPM_QT_SAME(MarketplaceMeteringRequest::actionString, QString (MarketplaceMeteringRequest::*)() const);

static_assert(std::is_constructible<AwsBasicCredentials, const QString &, const QString &,
                                    const QString &, QObject * const>::value, "");
static_assert(std::is_constructible<AwsBasicCredentials, const QString &, const QString &>::value, "");
MPM_QT_SAME(AwsBasicCredentials::setToken, void (AwsBasicCredentials::*)(const QString &));
MPM_QT_SAME(AwsAbstractCredentials::refresh, bool (AwsAbstractCredentials::*)());
static_assert(std::is_default_constructible<AwsAnonymousCredentials>::value, "");

static_assert(AwsRegion::InvalidRegion == 0 && AwsRegion::US_East_1 == 0xB41
                  && AwsRegion::US_West_2 == AwsRegion::UnitedStates + AwsRegion::West + 2,
              "QtAws's region codes");
MPM_QT_SAME(AwsRegion::fromName, AwsRegion::Region (*)(const QString &));
