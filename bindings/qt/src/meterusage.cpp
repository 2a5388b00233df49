// MeterUsageRequest and MeterUsageResponse.
#include "marketplacemetering/meterusageresponse.h"

#include "cglue.h"

#include <QDebug>

namespace QtAws {
namespace MarketplaceMetering {

using MeterUsageHandle = mpmqt::Handle<mpm_meter_usage_request, mpm_meter_usage_request_free>;

MeterUsageRequest::MeterUsageRequest()
    : MarketplaceMeteringRequest(MeterUsageAction), m_hasQuantity(false), m_quantity(0),
      m_dryRun(false)
{
}

MeterUsageRequest::MeterUsageRequest(const MeterUsageRequest &other) = default;

QString MeterUsageRequest::productCode() const { return m_productCode; }
void MeterUsageRequest::setProductCode(const QString &productCode) { m_productCode = productCode; }
QDateTime MeterUsageRequest::timestamp() const { return m_timestamp; }
void MeterUsageRequest::setTimestamp(const QDateTime &timestamp) { m_timestamp = timestamp; }
QString MeterUsageRequest::usageDimension() const { return m_usageDimension; }
void MeterUsageRequest::setUsageDimension(const QString &dimension) { m_usageDimension = dimension; }
int MeterUsageRequest::usageQuantity() const { return m_quantity; }
bool MeterUsageRequest::hasUsageQuantity() const { return m_hasQuantity; }

void MeterUsageRequest::setUsageQuantity(int quantity)
{
    m_hasQuantity = true;
    m_quantity = quantity;
    m_decimal = QString();
}

QString MeterUsageRequest::usageQuantityAsDecimal() const { return m_decimal; }

void MeterUsageRequest::setUsageQuantityAsDecimal(const QString &quantity)
{
    m_decimal = quantity;
    if (!quantity.isNull()) {
        m_hasQuantity = false;
        m_quantity = 0;
    }
}

bool MeterUsageRequest::dryRun() const { return m_dryRun; }
void MeterUsageRequest::setDryRun(bool dryRun) { m_dryRun = dryRun; }
QList<UsageAllocation> MeterUsageRequest::usageAllocations() const { return m_allocations; }
void MeterUsageRequest::setUsageAllocations(const QList<UsageAllocation> &a) { m_allocations = a; }
void MeterUsageRequest::addUsageAllocation(const UsageAllocation &a) { m_allocations.append(a); }
QString MeterUsageRequest::clientToken() const { return m_clientToken; }
void MeterUsageRequest::setClientToken(const QString &clientToken) { m_clientToken = clientToken; }

mpm_meter_usage_request * MeterUsageRequest::toC(QString * why) const
{
    MeterUsageHandle r(mpm_meter_usage_request_new());
    mpm_meter_usage_request * const p = r.get();
    bool ok = true;
    // Unset members stay unset; the C library reports what is missing.
    if (!m_productCode.isNull())
        ok = mpmqt::check(mpm_meter_usage_request_set_product_code(p, m_productCode.toUtf8().constData()), why);
    if (ok && m_timestamp.isValid())
        ok = mpmqt::check(mpm_meter_usage_request_set_timestamp(p, m_timestamp.toSecsSinceEpoch()), why);
    if (ok && !m_usageDimension.isNull())
        ok = mpmqt::check(mpm_meter_usage_request_set_usage_dimension(
                              p, m_usageDimension.toUtf8().constData()), why);
    if (ok && m_hasQuantity)
        ok = mpmqt::check(mpm_meter_usage_request_set_usage_quantity(p, m_quantity), why);
    if (ok && !m_decimal.isNull())
        ok = mpmqt::check(mpm_meter_usage_request_set_usage_quantity_as_decimal(
                              p, m_decimal.toUtf8().constData()), why);
    if (ok && m_dryRun)
        ok = mpmqt::check(mpm_meter_usage_request_set_dry_run(p, true), why);
    if (ok && !m_clientToken.isNull())
        ok = mpmqt::check(mpm_meter_usage_request_set_client_token(
                              p, m_clientToken.toUtf8().constData()), why);
    for (const UsageAllocation &allocation : m_allocations) {
        if (!ok)
            break;
        mpmqt::Allocation a(allocation.toC(why));
        ok = a && mpmqt::check(mpm_meter_usage_request_add_usage_allocation(p, a.get()), why);
    }
    return ok ? r.release() : nullptr;
}

QString MeterUsageRequest::validationError() const
{
    QString why;
    MeterUsageHandle r(toC(&why));
    if (r && !mpm_meter_usage_request_is_valid(r.get()))
        why = mpmqt::lastError();
    return why;
}

bool MeterUsageRequest::isValid() const { return validationError().isEmpty(); }

QtAws::Core::AwsAbstractResponse * MeterUsageRequest::response(mpm_client * client) const
{
    QString why;
    MeterUsageHandle r(toC(&why));
    mpm_response * const call = r ? mpm_client_meter_usage(client, r.get()) : nullptr;
    if (!call) {
        qWarning() << "MeterUsage request not valid:" << (why.isEmpty() ? mpmqt::lastError() : why);
        return nullptr;
    }
    return new MeterUsageResponse(*this, call);
}

MeterUsageResponse::MeterUsageResponse(const MeterUsageRequest &request, mpm_response * response,
                                       QObject * const parent)
    : MarketplaceMeteringResponse(response, parent), m_request(request)
{
}

const MeterUsageRequest * MeterUsageResponse::request() const { return &m_request; }

QString MeterUsageResponse::meteringRecordId() const
{
    return isValid() ? mpmqt::str(mpm_meter_usage_response_metering_record_id(handle())) : QString();
}

} // namespace MarketplaceMetering
} // namespace QtAws
