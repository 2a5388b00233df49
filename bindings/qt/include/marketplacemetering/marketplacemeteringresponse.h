// QtAws::MarketplaceMetering::MarketplaceMeteringResponse: the base of the four
// responses; adds the service's modeled exceptions as an enum.
#ifndef MPM_QT_MARKETPLACEMETERINGRESPONSE_H
#define MPM_QT_MARKETPLACEMETERINGRESPONSE_H

#include "core/awsabstractresponse.h"

#include "qtawsmarketplacemeteringglobal.h"

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT MarketplaceMeteringResponse
    : public QtAws::Core::AwsAbstractResponse {
    Q_OBJECT

public:
    /// mpmeter extension: which modeled exception the service answered with (values
    /// follow the C API's mpm_service_error; the raw code is errorCode()).
    enum ServiceError {
        NoServiceError = 0,
        UnknownServiceError,
        CustomerNotEntitledError,
        DisabledApiError,
        DuplicateRequestError,
        ExpiredTokenError,
        IdempotencyConflictError,
        InternalServiceError,
        InvalidCustomerIdentifierError,
        InvalidEndpointRegionError,
        InvalidLicenseError,
        InvalidProductCodeError,
        InvalidPublicKeyVersionError,
        InvalidRegionError,
        InvalidTagError,
        InvalidTokenError,
        InvalidUsageAllocationsError,
        InvalidUsageDimensionError,
        PlatformNotSupportedError,
        ThrottlingError,
        TimestampOutOfBoundsError
    };
    Q_ENUM(ServiceError)

    ServiceError serviceError() const;

protected:
    MarketplaceMeteringResponse(struct mpm_response * response, QObject * const parent);

private:
    Q_DISABLE_COPY(MarketplaceMeteringResponse)
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
