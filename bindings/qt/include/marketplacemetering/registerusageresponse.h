// RegisterUsageResponse: the outcome of MarketplaceMeteringClient::registerUsage.
#ifndef MPM_QT_REGISTERUSAGERESPONSE_H
#define MPM_QT_REGISTERUSAGERESPONSE_H

#include "marketplacemeteringresponse.h"
#include "registerusagerequest.h"
#include <QDateTime>

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT RegisterUsageResponse : public MarketplaceMeteringResponse {
    Q_OBJECT

public:
    /// Made by MarketplaceMeteringClient; takes ownership of `response`.
    RegisterUsageResponse(const RegisterUsageRequest &request, struct mpm_response * response, QObject * const parent = 0);

    virtual const RegisterUsageRequest * request() const Q_DECL_OVERRIDE;

    /// The signed JWT, null unless finished successfully.
    QString signature() const;
    /// Invalid unless finished successfully and sent by the service.
    QDateTime publicKeyRotationTimestamp() const;

private:
    Q_DISABLE_COPY(RegisterUsageResponse)
    const RegisterUsageRequest m_request;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
