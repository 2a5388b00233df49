// BatchMeterUsageRequest and BatchMeterUsageResponse.
#include "marketplacemetering/batchmeterusageresponse.h"

#include "cglue.h"

#include <QDebug>

namespace QtAws {
namespace MarketplaceMetering {

using BatchHandle = mpmqt::Handle<mpm_batch_meter_usage_request, mpm_batch_meter_usage_request_free>;

BatchMeterUsageRequest::BatchMeterUsageRequest() : MarketplaceMeteringRequest(BatchMeterUsageAction) {}
BatchMeterUsageRequest::BatchMeterUsageRequest(const BatchMeterUsageRequest &other) = default;

QList<UsageRecord> BatchMeterUsageRequest::usageRecords() const { return m_records; }
void BatchMeterUsageRequest::setUsageRecords(const QList<UsageRecord> &records) { m_records = records; }
void BatchMeterUsageRequest::addUsageRecord(const UsageRecord &record) { m_records.append(record); }
QString BatchMeterUsageRequest::productCode() const { return m_productCode; }
void BatchMeterUsageRequest::setProductCode(const QString &code) { m_productCode = code; }

mpm_batch_meter_usage_request * BatchMeterUsageRequest::toC(QString * why) const
{
    BatchHandle r(mpm_batch_meter_usage_request_new());
    bool ok = true;
    if (!m_productCode.isNull())
        ok = mpmqt::check(mpm_batch_meter_usage_request_set_product_code(
                              r.get(), m_productCode.toUtf8().constData()), why);
    for (const UsageRecord &record : m_records) {
        if (!ok)
            break;
        mpmqt::Record c(record.toC(why));
        ok = c && mpmqt::check(mpm_batch_meter_usage_request_add_usage_record(r.get(), c.get()), why);
    }
    return ok ? r.release() : nullptr;
}

QString BatchMeterUsageRequest::validationError() const
{
    QString why;
    BatchHandle r(toC(&why));
    if (r && !mpm_batch_meter_usage_request_is_valid(r.get()))
        why = mpmqt::lastError();
    return why;
}

bool BatchMeterUsageRequest::isValid() const { return validationError().isEmpty(); }

QtAws::Core::AwsAbstractResponse * BatchMeterUsageRequest::response(mpm_client * client) const
{
    QString why;
    BatchHandle r(toC(&why));
    mpm_response * const call = r ? mpm_client_batch_meter_usage(client, r.get()) : nullptr;
    if (!call) {
        qWarning() << "BatchMeterUsage request not valid:" << (why.isEmpty() ? mpmqt::lastError() : why);
        return nullptr;
    }
    return new BatchMeterUsageResponse(*this, call);
}

BatchMeterUsageResponse::BatchMeterUsageResponse(const BatchMeterUsageRequest &request,
                                                 mpm_response * response, QObject * const parent)
    : MarketplaceMeteringResponse(response, parent), m_request(request)
{
}

const BatchMeterUsageRequest * BatchMeterUsageResponse::request() const { return &m_request; }

QList<UsageRecordResult> BatchMeterUsageResponse::results() const
{
    QList<UsageRecordResult> out;
    size_t n = 0;
    if (!isValid() || mpm_batch_meter_usage_response_result_count(handle(), &n) != MPM_OK)
        return out;
    for (size_t i = 0; i < n; ++i) {
        const mpm_usage_record_result * const r = mpm_batch_meter_usage_response_result_at(handle(), i);
        const mpm_usage_record * const record = mpm_usage_record_result_usage_record(r);
        out.append(UsageRecordResult(record ? UsageRecord::fromC(record) : UsageRecord(),
                                     mpmqt::str(mpm_usage_record_result_metering_record_id(r)),
                                     UsageRecordResult::Status(mpm_usage_record_result_status(r)),
                                     mpmqt::str(mpm_usage_record_result_status_name(r))));
    }
    return out;
}

QList<UsageRecord> BatchMeterUsageResponse::unprocessedRecords() const
{
    QList<UsageRecord> out;
    size_t n = 0;
    if (!isValid() || mpm_batch_meter_usage_response_unprocessed_count(handle(), &n) != MPM_OK)
        return out;
    for (size_t i = 0; i < n; ++i)
        out.append(UsageRecord::fromC(mpm_batch_meter_usage_response_unprocessed_at(handle(), i)));
    return out;
}

} // namespace MarketplaceMetering
} // namespace QtAws
