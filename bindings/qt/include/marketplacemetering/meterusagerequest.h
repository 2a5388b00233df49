// MeterUsageRequest: one usage quantity of one dimension for one hour. Required:
// productCode, timestamp, usageDimension. Setting one quantity form clears the other.
#ifndef MPM_QT_METERUSAGEREQUEST_H
#define MPM_QT_METERUSAGEREQUEST_H

#include "marketplacemeteringrequest.h"
#include "usageallocation.h"

#include <QDateTime>

struct mpm_meter_usage_request;

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT MeterUsageRequest : public MarketplaceMeteringRequest {
public:
    MeterUsageRequest(const MeterUsageRequest &other);
    MeterUsageRequest();

    virtual bool isValid() const Q_DECL_OVERRIDE;
    virtual QString validationError() const Q_DECL_OVERRIDE;

    QString productCode() const;
    void setProductCode(const QString &productCode);
    QDateTime timestamp() const;            ///< Sent as whole seconds, UTC.
    void setTimestamp(const QDateTime &timestamp);
    QString usageDimension() const;
    void setUsageDimension(const QString &usageDimension);
    int usageQuantity() const;              ///< 0 unless set.
    bool hasUsageQuantity() const;
    void setUsageQuantity(int quantity);
    QString usageQuantityAsDecimal() const; ///< Null unless set.
    void setUsageQuantityAsDecimal(const QString &quantity);
    bool dryRun() const;
    void setDryRun(bool dryRun);
    QList<UsageAllocation> usageAllocations() const;
    void setUsageAllocations(const QList<UsageAllocation> &allocations);
    void addUsageAllocation(const UsageAllocation &allocation);
    QString clientToken() const;            ///< Null: mpmeter sends a fresh UUID.
    void setClientToken(const QString &clientToken);

protected:
    virtual QtAws::Core::AwsAbstractResponse * response(struct mpm_client * client) const Q_DECL_OVERRIDE;

private:
    /// A C copy (caller frees it), or NULL with the reason in `why`.
    struct mpm_meter_usage_request * toC(QString * why) const;

    QString m_productCode;
    QDateTime m_timestamp;
    QString m_usageDimension;
    bool m_hasQuantity;
    int m_quantity;
    QString m_decimal;
    bool m_dryRun;
    QList<UsageAllocation> m_allocations;
    QString m_clientToken;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
