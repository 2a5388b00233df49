// RegisterUsageRequest and RegisterUsageResponse.
#include "marketplacemetering/registerusageresponse.h"

#include "cglue.h"

#include <QDebug>

namespace QtAws {
namespace MarketplaceMetering {

using RegisterHandle = mpmqt::Handle<mpm_register_usage_request, mpm_register_usage_request_free>;

RegisterUsageRequest::RegisterUsageRequest()
    : MarketplaceMeteringRequest(RegisterUsageAction), m_publicKeyVersion(0)
{
}

RegisterUsageRequest::RegisterUsageRequest(const RegisterUsageRequest &other) = default;

QString RegisterUsageRequest::productCode() const { return m_productCode; }
void RegisterUsageRequest::setProductCode(const QString &productCode) { m_productCode = productCode; }
int RegisterUsageRequest::publicKeyVersion() const { return m_publicKeyVersion; }
void RegisterUsageRequest::setPublicKeyVersion(int version) { m_publicKeyVersion = version; }
QString RegisterUsageRequest::nonce() const { return m_nonce; }
void RegisterUsageRequest::setNonce(const QString &nonce) { m_nonce = nonce; }

mpm_register_usage_request * RegisterUsageRequest::toC(QString * why) const
{
    RegisterHandle r(mpm_register_usage_request_new());
    bool ok = true;
    if (!m_productCode.isNull())
        ok = mpmqt::check(mpm_register_usage_request_set_product_code(
                              r.get(), m_productCode.toUtf8().constData()), why);
    // 0 means "not set" (the model's minimum is 1); other values go to the C check.
    if (ok && m_publicKeyVersion != 0)
        ok = mpmqt::check(mpm_register_usage_request_set_public_key_version(r.get(), m_publicKeyVersion), why);
    if (ok && !m_nonce.isNull())
        ok = mpmqt::check(mpm_register_usage_request_set_nonce(r.get(), m_nonce.toUtf8().constData()), why);
    return ok ? r.release() : nullptr;
}

QString RegisterUsageRequest::validationError() const
{
    QString why;
    RegisterHandle r(toC(&why));
    if (r && !mpm_register_usage_request_is_valid(r.get()))
        why = mpmqt::lastError();
    return why;
}

bool RegisterUsageRequest::isValid() const { return validationError().isEmpty(); }

QtAws::Core::AwsAbstractResponse * RegisterUsageRequest::response(mpm_client * client) const
{
    QString why;
    RegisterHandle r(toC(&why));
    mpm_response * const call = r ? mpm_client_register_usage(client, r.get()) : nullptr;
    if (!call) {
        qWarning() << "RegisterUsage request not valid:" << (why.isEmpty() ? mpmqt::lastError() : why);
        return nullptr;
    }
    return new RegisterUsageResponse(*this, call);
}

RegisterUsageResponse::RegisterUsageResponse(const RegisterUsageRequest &request,
                                             mpm_response * response, QObject * const parent)
    : MarketplaceMeteringResponse(response, parent), m_request(request)
{
}

const RegisterUsageRequest * RegisterUsageResponse::request() const { return &m_request; }

QString RegisterUsageResponse::signature() const
{
    return isValid() ? mpmqt::str(mpm_register_usage_response_signature(handle())) : QString();
}

QDateTime RegisterUsageResponse::publicKeyRotationTimestamp() const
{
    int64_t secs = 0;
    if (!isValid()
        || mpm_register_usage_response_public_key_rotation_timestamp(handle(), &secs) != MPM_OK)
        return QDateTime();
    return mpmqt::fromUnix(secs);
}

} // namespace MarketplaceMetering
} // namespace QtAws
