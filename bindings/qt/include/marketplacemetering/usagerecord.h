// UsageRecord: one record of a BatchMeterUsage request (and of its response's results
// and unprocessed records). The customer is named by customerIdentifier or by
// customerAWSAccountId; setting a quantity form clears the other.
#ifndef MPM_QT_USAGERECORD_H
#define MPM_QT_USAGERECORD_H

#include "usageallocation.h"

#include <QDateTime>

struct mpm_usage_record;

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT UsageRecord {
public:
    UsageRecord();

    QDateTime timestamp() const;            ///< Sent as whole seconds, UTC.
    void setTimestamp(const QDateTime &timestamp);
    QString customerIdentifier() const;
    void setCustomerIdentifier(const QString &customerIdentifier);
    QString dimension() const;
    void setDimension(const QString &dimension);
    int quantity() const;                   ///< 0 unless set.
    bool hasQuantity() const;
    void setQuantity(int quantity);
    QString quantityAsDecimal() const;      ///< Null unless set.
    void setQuantityAsDecimal(const QString &quantity);
    QList<UsageAllocation> usageAllocations() const;
    void setUsageAllocations(const QList<UsageAllocation> &allocations);
    void addUsageAllocation(const UsageAllocation &allocation);
    QString customerAWSAccountId() const;
    void setCustomerAWSAccountId(const QString &accountId);
    QString licenseArn() const;
    void setLicenseArn(const QString &licenseArn);

    bool isValid() const;
    QString validationError() const;

    /// @cond internal
    struct mpm_usage_record * toC(QString * why) const;
    static UsageRecord fromC(const struct mpm_usage_record * record);
    /// @endcond

private:
    QDateTime m_timestamp;
    QString m_customerIdentifier;
    QString m_dimension;
    bool m_hasQuantity;
    int m_quantity;
    QString m_decimal;
    QList<UsageAllocation> m_allocations;
    QString m_accountId;
    QString m_licenseArn;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
