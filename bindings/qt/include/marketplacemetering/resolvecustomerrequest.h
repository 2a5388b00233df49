// ResolveCustomerRequest: turns the registration token a buyer's browser posted into
// a customer. Required: registrationToken.
#ifndef MPM_QT_RESOLVECUSTOMERREQUEST_H
#define MPM_QT_RESOLVECUSTOMERREQUEST_H

#include "marketplacemeteringrequest.h"

struct mpm_resolve_customer_request;

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT ResolveCustomerRequest : public MarketplaceMeteringRequest {
public:
    ResolveCustomerRequest(const ResolveCustomerRequest &other);
    ResolveCustomerRequest();

    virtual bool isValid() const Q_DECL_OVERRIDE;
    virtual QString validationError() const Q_DECL_OVERRIDE;

    QString registrationToken() const;
    void setRegistrationToken(const QString &registrationToken);

protected:
    virtual QtAws::Core::AwsAbstractResponse * response(struct mpm_client * client) const Q_DECL_OVERRIDE;

private:
    struct mpm_resolve_customer_request * toC(QString * why) const;

    QString m_registrationToken;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
