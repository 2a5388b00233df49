// UsageAllocation and UsageRecord: Qt values, converted to and from C handles. The
// C library checks every value against the model, so validity is asked of it.
#include "marketplacemetering/usagerecord.h"

#include "cglue.h"

namespace QtAws {
namespace MarketplaceMetering {

UsageAllocation::UsageAllocation() : m_hasQuantity(false), m_quantity(0) {}

UsageAllocation::UsageAllocation(int allocatedUsageQuantity, const QList<Tag> &tags)
    : m_hasQuantity(true), m_quantity(allocatedUsageQuantity), m_tags(tags)
{
}

int UsageAllocation::allocatedUsageQuantity() const { return m_quantity; }
bool UsageAllocation::hasAllocatedUsageQuantity() const { return m_hasQuantity; }

void UsageAllocation::setAllocatedUsageQuantity(int quantity)
{
    m_hasQuantity = true;
    m_quantity = quantity;
    m_decimal = QString();
}

QString UsageAllocation::allocatedUsageQuantityAsDecimal() const { return m_decimal; }

void UsageAllocation::setAllocatedUsageQuantityAsDecimal(const QString &quantity)
{
    m_decimal = quantity;
    if (!quantity.isNull()) {
        m_hasQuantity = false;
        m_quantity = 0;
    }
}

QList<Tag> UsageAllocation::tags() const { return m_tags; }
void UsageAllocation::setTags(const QList<Tag> &tags) { m_tags = tags; }
void UsageAllocation::addTag(const Tag &tag) { m_tags.append(tag); }

bool UsageAllocation::operator==(const UsageAllocation &other) const
{
    return m_hasQuantity == other.m_hasQuantity && m_quantity == other.m_quantity
        && m_decimal == other.m_decimal && m_tags == other.m_tags;
}

mpm_usage_allocation * UsageAllocation::toC(QString * why) const
{
    mpmqt::Allocation a(mpm_usage_allocation_new());
    bool ok = true;
    if (m_hasQuantity)
        ok = mpmqt::check(mpm_usage_allocation_set_allocated_usage_quantity(a.get(), m_quantity), why);
    if (ok && !m_decimal.isNull())
        ok = mpmqt::check(mpm_usage_allocation_set_allocated_usage_quantity_as_decimal(
                              a.get(), m_decimal.toUtf8().constData()), why);
    for (const Tag &tag : m_tags) {
        if (!ok)
            break;
        ok = mpmqt::check(mpm_usage_allocation_add_tag(a.get(), tag.key().toUtf8().constData(),
                                                       tag.value().toUtf8().constData()), why);
    }
    return ok ? a.release() : nullptr;
}

QString UsageAllocation::validationError() const
{
    QString why;
    mpmqt::Allocation a(toC(&why));
    if (a && !mpm_usage_allocation_is_valid(a.get()))
        why = mpmqt::lastError();
    return why;
}

bool UsageAllocation::isValid() const { return validationError().isEmpty(); }

UsageAllocation UsageAllocation::fromC(const mpm_usage_allocation * a)
{
    UsageAllocation out;
    int32_t quantity = 0;
    if (mpm_usage_allocation_allocated_usage_quantity(a, &quantity) == MPM_OK)
        out.setAllocatedUsageQuantity(quantity);
    out.setAllocatedUsageQuantityAsDecimal(
        mpmqt::str(mpm_usage_allocation_allocated_usage_quantity_as_decimal(a)));
    for (size_t i = 0, n = mpm_usage_allocation_tag_count(a); i < n; ++i)
        out.addTag(Tag(mpmqt::str(mpm_usage_allocation_tag_key_at(a, i)),
                       mpmqt::str(mpm_usage_allocation_tag_value_at(a, i))));
    return out;
}

UsageRecord::UsageRecord() : m_hasQuantity(false), m_quantity(0) {}

QDateTime UsageRecord::timestamp() const { return m_timestamp; }
void UsageRecord::setTimestamp(const QDateTime &timestamp) { m_timestamp = timestamp; }
QString UsageRecord::customerIdentifier() const { return m_customerIdentifier; }
void UsageRecord::setCustomerIdentifier(const QString &id) { m_customerIdentifier = id; }
QString UsageRecord::dimension() const { return m_dimension; }
void UsageRecord::setDimension(const QString &dimension) { m_dimension = dimension; }
int UsageRecord::quantity() const { return m_quantity; }
bool UsageRecord::hasQuantity() const { return m_hasQuantity; }

void UsageRecord::setQuantity(int quantity)
{
    m_hasQuantity = true;
    m_quantity = quantity;
    m_decimal = QString();
}

QString UsageRecord::quantityAsDecimal() const { return m_decimal; }

void UsageRecord::setQuantityAsDecimal(const QString &quantity)
{
    m_decimal = quantity;
    if (!quantity.isNull()) {
        m_hasQuantity = false;
        m_quantity = 0;
    }
}

QList<UsageAllocation> UsageRecord::usageAllocations() const { return m_allocations; }
void UsageRecord::setUsageAllocations(const QList<UsageAllocation> &a) { m_allocations = a; }
void UsageRecord::addUsageAllocation(const UsageAllocation &a) { m_allocations.append(a); }
QString UsageRecord::customerAWSAccountId() const { return m_accountId; }
void UsageRecord::setCustomerAWSAccountId(const QString &accountId) { m_accountId = accountId; }
QString UsageRecord::licenseArn() const { return m_licenseArn; }
void UsageRecord::setLicenseArn(const QString &licenseArn) { m_licenseArn = licenseArn; }

mpm_usage_record * UsageRecord::toC(QString * why) const
{
    mpmqt::Record r(mpm_usage_record_new());
    mpm_usage_record * const p = r.get();
    bool ok = true;
    // Unset members stay unset; the C library reports what is missing.
    if (m_timestamp.isValid())
        ok = mpmqt::check(mpm_usage_record_set_timestamp(p, m_timestamp.toSecsSinceEpoch()), why);
    if (ok && !m_customerIdentifier.isNull())
        ok = mpmqt::check(mpm_usage_record_set_customer_identifier(
                              p, m_customerIdentifier.toUtf8().constData()), why);
    if (ok && !m_dimension.isNull())
        ok = mpmqt::check(mpm_usage_record_set_dimension(p, m_dimension.toUtf8().constData()), why);
    if (ok && m_hasQuantity)
        ok = mpmqt::check(mpm_usage_record_set_quantity(p, m_quantity), why);
    if (ok && !m_decimal.isNull())
        ok = mpmqt::check(mpm_usage_record_set_quantity_as_decimal(p, m_decimal.toUtf8().constData()), why);
    if (ok && !m_accountId.isNull())
        ok = mpmqt::check(mpm_usage_record_set_customer_aws_account_id(
                              p, m_accountId.toUtf8().constData()), why);
    if (ok && !m_licenseArn.isNull())
        ok = mpmqt::check(mpm_usage_record_set_license_arn(p, m_licenseArn.toUtf8().constData()), why);
    for (const UsageAllocation &allocation : m_allocations) {
        if (!ok)
            break;
        mpmqt::Allocation a(allocation.toC(why));
        ok = a && mpmqt::check(mpm_usage_record_add_usage_allocation(p, a.get()), why);
    }
    return ok ? r.release() : nullptr;
}

QString UsageRecord::validationError() const
{
    QString why;
    mpmqt::Record r(toC(&why));
    if (r && !mpm_usage_record_is_valid(r.get()))
        why = mpmqt::lastError();
    return why;
}

bool UsageRecord::isValid() const { return validationError().isEmpty(); }

UsageRecord UsageRecord::fromC(const mpm_usage_record * r)
{
    UsageRecord out;
    int64_t secs = 0;
    if (mpm_usage_record_timestamp(r, &secs) == MPM_OK)
        out.setTimestamp(mpmqt::fromUnix(secs));
    out.setCustomerIdentifier(mpmqt::str(mpm_usage_record_customer_identifier(r)));
    out.setDimension(mpmqt::str(mpm_usage_record_dimension(r)));
    int32_t quantity = 0;
    if (mpm_usage_record_quantity(r, &quantity) == MPM_OK)
        out.setQuantity(quantity);
    out.setQuantityAsDecimal(mpmqt::str(mpm_usage_record_quantity_as_decimal(r)));
    for (size_t i = 0, n = mpm_usage_record_usage_allocation_count(r); i < n; ++i)
        out.addUsageAllocation(UsageAllocation::fromC(mpm_usage_record_usage_allocation_at(r, i)));
    out.setCustomerAWSAccountId(mpmqt::str(mpm_usage_record_customer_aws_account_id(r)));
    out.setLicenseArn(mpmqt::str(mpm_usage_record_license_arn(r)));
    return out;
}

} // namespace MarketplaceMetering
} // namespace QtAws
