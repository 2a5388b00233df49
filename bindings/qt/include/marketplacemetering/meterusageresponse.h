// MeterUsageResponse: the outcome of MarketplaceMeteringClient::meterUsage.
#ifndef MPM_QT_METERUSAGERESPONSE_H
#define MPM_QT_METERUSAGERESPONSE_H

#include "marketplacemeteringresponse.h"
#include "meterusagerequest.h"

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT MeterUsageResponse : public MarketplaceMeteringResponse {
    Q_OBJECT

public:
    /// Made by MarketplaceMeteringClient; takes ownership of `response`.
    MeterUsageResponse(const MeterUsageRequest &request, struct mpm_response * response, QObject * const parent = 0);

    virtual const MeterUsageRequest * request() const Q_DECL_OVERRIDE;

    /// The MeteringRecordId once finished successfully, else null.
    QString meteringRecordId() const;

private:
    Q_DISABLE_COPY(MeterUsageResponse)
    const MeterUsageRequest m_request;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
