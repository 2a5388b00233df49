// ResolveCustomerResponse: the outcome of MarketplaceMeteringClient::resolveCustomer.
#ifndef MPM_QT_RESOLVECUSTOMERRESPONSE_H
#define MPM_QT_RESOLVECUSTOMERRESPONSE_H

#include "marketplacemeteringresponse.h"
#include "resolvecustomerrequest.h"

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT ResolveCustomerResponse : public MarketplaceMeteringResponse {
    Q_OBJECT

public:
    /// Made by MarketplaceMeteringClient; takes ownership of `response`.
    ResolveCustomerResponse(const ResolveCustomerRequest &request, struct mpm_response * response, QObject * const parent = 0);

    virtual const ResolveCustomerRequest * request() const Q_DECL_OVERRIDE;

    // Null unless finished successfully (and sent by the service).
    QString customerIdentifier() const;
    QString productCode() const;
    QString customerAWSAccountId() const;
    QString licenseArn() const;
    QString agreementId() const;            ///< Metadata.AgreementId.

private:
    Q_DISABLE_COPY(ResolveCustomerResponse)
    const ResolveCustomerRequest m_request;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
