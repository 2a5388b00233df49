// The request and response base classes: AwsAbstractRequest,
// MarketplaceMeteringRequest and MarketplaceMeteringResponse.
#include "marketplacemetering/marketplacemeteringrequest.h"
#include "marketplacemetering/marketplacemeteringresponse.h"

#include "cglue.h"

namespace QtAws {
namespace Core {

AwsAbstractRequest::AwsAbstractRequest() {}
AwsAbstractRequest::AwsAbstractRequest(const AwsAbstractRequest &) {}
AwsAbstractRequest &AwsAbstractRequest::operator=(const AwsAbstractRequest &) { return *this; }
AwsAbstractRequest::~AwsAbstractRequest() {}

} // namespace Core

namespace MarketplaceMetering {

MarketplaceMeteringRequest::MarketplaceMeteringRequest(const Action action) : m_action(action) {}

MarketplaceMeteringRequest::MarketplaceMeteringRequest(const MarketplaceMeteringRequest &other)
    : AwsAbstractRequest(other), m_action(other.m_action)
{
}

MarketplaceMeteringRequest &MarketplaceMeteringRequest::operator=(const MarketplaceMeteringRequest &other)
{
    m_action = other.m_action;
    return *this;
}

MarketplaceMeteringRequest::Action MarketplaceMeteringRequest::action() const { return m_action; }

QString MarketplaceMeteringRequest::actionString() const
{
    switch (m_action) {
    case BatchMeterUsageAction: return QStringLiteral("BatchMeterUsage");
    case MeterUsageAction: return QStringLiteral("MeterUsage");
    case RegisterUsageAction: return QStringLiteral("RegisterUsage");
    case ResolveCustomerAction: return QStringLiteral("ResolveCustomer");
    }
    return QString();
}

QString MarketplaceMeteringRequest::apiVersion() const { return QStringLiteral("2016-01-14"); }

// The enum mirrors mpm_service_error value for value, so a cast converts.
static_assert(int(MarketplaceMeteringResponse::ExpiredTokenError) == int(MPM_SERVICE_ERROR_EXPIRED_TOKEN), "");
static_assert(int(MarketplaceMeteringResponse::TimestampOutOfBoundsError)
                  == int(MPM_SERVICE_ERROR_TIMESTAMP_OUT_OF_BOUNDS), "");

MarketplaceMeteringResponse::MarketplaceMeteringResponse(mpm_response * response, QObject * const parent)
    : AwsAbstractResponse(response, parent)
{
}

MarketplaceMeteringResponse::ServiceError MarketplaceMeteringResponse::serviceError() const
{
    if (!isFinished())
        return NoServiceError;
    const uint32_t e = mpm_response_service_error(handle());
    return e <= MPM_SERVICE_ERROR_TIMESTAMP_OUT_OF_BOUNDS ? ServiceError(e) : UnknownServiceError;
}

} // namespace MarketplaceMetering
} // namespace QtAws
