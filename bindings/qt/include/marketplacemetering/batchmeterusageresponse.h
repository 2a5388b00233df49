// BatchMeterUsageResponse: the outcome of MarketplaceMeteringClient::batchMeterUsage.
#ifndef MPM_QT_BATCHMETERUSAGERESPONSE_H
#define MPM_QT_BATCHMETERUSAGERESPONSE_H

#include "marketplacemeteringresponse.h"
#include "batchmeterusagerequest.h"
#include "usagerecordresult.h"

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT BatchMeterUsageResponse : public MarketplaceMeteringResponse {
    Q_OBJECT

public:
    /// Made by MarketplaceMeteringClient; takes ownership of `response`.
    BatchMeterUsageResponse(const BatchMeterUsageRequest &request, struct mpm_response * response, QObject * const parent = 0);

    virtual const BatchMeterUsageRequest * request() const Q_DECL_OVERRIDE;

    /// One entry per processed record (empty unless finished successfully).
    QList<UsageRecordResult> results() const;
    /// Records the service did not process: send them again.
    QList<UsageRecord> unprocessedRecords() const;

private:
    Q_DISABLE_COPY(BatchMeterUsageResponse)
    const BatchMeterUsageRequest m_request;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
