// BatchMeterUsageRequest: up to 25 usage records of SaaS customers. Without a
// productCode, every record needs a licenseArn.
#ifndef MPM_QT_BATCHMETERUSAGEREQUEST_H
#define MPM_QT_BATCHMETERUSAGEREQUEST_H

#include "marketplacemeteringrequest.h"
#include "usagerecord.h"

struct mpm_batch_meter_usage_request;

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT BatchMeterUsageRequest : public MarketplaceMeteringRequest {
public:
    BatchMeterUsageRequest(const BatchMeterUsageRequest &other);
    BatchMeterUsageRequest();

    virtual bool isValid() const Q_DECL_OVERRIDE;
    virtual QString validationError() const Q_DECL_OVERRIDE;

    QList<UsageRecord> usageRecords() const;
    void setUsageRecords(const QList<UsageRecord> &records);
    void addUsageRecord(const UsageRecord &record);
    QString productCode() const;
    void setProductCode(const QString &productCode);

protected:
    virtual QtAws::Core::AwsAbstractResponse * response(struct mpm_client * client) const Q_DECL_OVERRIDE;

private:
    struct mpm_batch_meter_usage_request * toC(QString * why) const;

    QList<UsageRecord> m_records;
    QString m_productCode;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
