// UsageAllocation: part of a quantity, attributed to 1 to 5 tags. Exactly one of
// allocatedUsageQuantity and allocatedUsageQuantityAsDecimal is sent; setting one
// clears the other.
#ifndef MPM_QT_USAGEALLOCATION_H
#define MPM_QT_USAGEALLOCATION_H

#include "tag.h"

struct mpm_usage_allocation;

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT UsageAllocation {
public:
    UsageAllocation();
    UsageAllocation(int allocatedUsageQuantity, const QList<Tag> &tags);

    int allocatedUsageQuantity() const;         ///< 0 unless set.
    bool hasAllocatedUsageQuantity() const;
    void setAllocatedUsageQuantity(int quantity);
    QString allocatedUsageQuantityAsDecimal() const;  ///< Null unless set.
    void setAllocatedUsageQuantityAsDecimal(const QString &quantity);

    QList<Tag> tags() const;
    void setTags(const QList<Tag> &tags);
    void addTag(const Tag &tag);

    bool isValid() const;
    QString validationError() const;

    bool operator==(const UsageAllocation &other) const;

    /// @cond internal
    /// A C copy (caller frees it), or NULL with the reason in `why`.
    struct mpm_usage_allocation * toC(QString * why) const;
    static UsageAllocation fromC(const struct mpm_usage_allocation * allocation);
    /// @endcond

private:
    bool m_hasQuantity;
    int m_quantity;
    QString m_decimal;
    QList<Tag> m_tags;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
