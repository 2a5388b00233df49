// RegisterUsageRequest: a paid container product checks its entitlement at start.
// Required: productCode, publicKeyVersion.
#ifndef MPM_QT_REGISTERUSAGEREQUEST_H
#define MPM_QT_REGISTERUSAGEREQUEST_H

#include "marketplacemeteringrequest.h"

struct mpm_register_usage_request;

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT RegisterUsageRequest : public MarketplaceMeteringRequest {
public:
    RegisterUsageRequest(const RegisterUsageRequest &other);
    RegisterUsageRequest();

    virtual bool isValid() const Q_DECL_OVERRIDE;
    virtual QString validationError() const Q_DECL_OVERRIDE;

    QString productCode() const;
    void setProductCode(const QString &productCode);
    int publicKeyVersion() const;           ///< 0 unless set (valid versions are >= 1).
    void setPublicKeyVersion(int publicKeyVersion);
    QString nonce() const;
    void setNonce(const QString &nonce);

protected:
    virtual QtAws::Core::AwsAbstractResponse * response(struct mpm_client * client) const Q_DECL_OVERRIDE;

private:
    struct mpm_register_usage_request * toC(QString * why) const;

    QString m_productCode;
    int m_publicKeyVersion;
    QString m_nonce;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
