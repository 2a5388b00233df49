// ResolveCustomerRequest and ResolveCustomerResponse.
#include "marketplacemetering/resolvecustomerresponse.h"

#include "cglue.h"

#include <QDebug>

namespace QtAws {
namespace MarketplaceMetering {

using ResolveHandle = mpmqt::Handle<mpm_resolve_customer_request, mpm_resolve_customer_request_free>;

ResolveCustomerRequest::ResolveCustomerRequest() : MarketplaceMeteringRequest(ResolveCustomerAction) {}
ResolveCustomerRequest::ResolveCustomerRequest(const ResolveCustomerRequest &other) = default;

QString ResolveCustomerRequest::registrationToken() const { return m_registrationToken; }
void ResolveCustomerRequest::setRegistrationToken(const QString &token) { m_registrationToken = token; }

mpm_resolve_customer_request * ResolveCustomerRequest::toC(QString * why) const
{
    ResolveHandle r(mpm_resolve_customer_request_new());
    if (!m_registrationToken.isNull()
        && !mpmqt::check(mpm_resolve_customer_request_set_registration_token(
                             r.get(), m_registrationToken.toUtf8().constData()), why))
        return nullptr;
    return r.release();
}

QString ResolveCustomerRequest::validationError() const
{
    QString why;
    ResolveHandle r(toC(&why));
    if (r && !mpm_resolve_customer_request_is_valid(r.get()))
        why = mpmqt::lastError();
    return why;
}

bool ResolveCustomerRequest::isValid() const { return validationError().isEmpty(); }

QtAws::Core::AwsAbstractResponse * ResolveCustomerRequest::response(mpm_client * client) const
{
    QString why;
    ResolveHandle r(toC(&why));
    mpm_response * const call = r ? mpm_client_resolve_customer(client, r.get()) : nullptr;
    if (!call) {
        qWarning() << "ResolveCustomer request not valid:" << (why.isEmpty() ? mpmqt::lastError() : why);
        return nullptr;
    }
    return new ResolveCustomerResponse(*this, call);
}

ResolveCustomerResponse::ResolveCustomerResponse(const ResolveCustomerRequest &request,
                                                 mpm_response * response, QObject * const parent)
    : MarketplaceMeteringResponse(response, parent), m_request(request)
{
}

const ResolveCustomerRequest * ResolveCustomerResponse::request() const { return &m_request; }

// Every getter is null until the call has succeeded.
#define MPM_QT_GETTER(method, cfunction) \
    QString ResolveCustomerResponse::method() const \
    { return isValid() ? mpmqt::str(cfunction(handle())) : QString(); }

MPM_QT_GETTER(customerIdentifier, mpm_resolve_customer_response_customer_identifier)
MPM_QT_GETTER(productCode, mpm_resolve_customer_response_product_code)
MPM_QT_GETTER(customerAWSAccountId, mpm_resolve_customer_response_customer_aws_account_id)
MPM_QT_GETTER(licenseArn, mpm_resolve_customer_response_license_arn)
MPM_QT_GETTER(agreementId, mpm_resolve_customer_response_agreement_id)

#undef MPM_QT_GETTER

} // namespace MarketplaceMetering
} // namespace QtAws
