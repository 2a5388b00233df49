// UsageRecordResult: one entry of a BatchMeterUsage response's results.
#ifndef MPM_QT_USAGERECORDRESULT_H
#define MPM_QT_USAGERECORDRESULT_H

#include "usagerecord.h"

namespace QtAws {
namespace MarketplaceMetering {

class QTAWSMARKETPLACEMETERING_EXPORT UsageRecordResult {
public:
    /// Values follow the C API's mpm_record_status.
    enum Status {
        NoStatus = 0,            ///< The service sent none.
        UnknownStatus = 1,       ///< Newer than this library: see statusName().
        Success = 2,
        CustomerNotSubscribed = 3,
        DuplicateRecord = 4
    };

    UsageRecordResult() : m_status(NoStatus) {}
    UsageRecordResult(const UsageRecord &record, const QString &meteringRecordId,
                      Status status, const QString &statusName)
        : m_record(record), m_id(meteringRecordId), m_status(status), m_statusName(statusName) {}

    UsageRecord usageRecord() const { return m_record; }
    QString meteringRecordId() const { return m_id; }
    Status status() const { return m_status; }
    QString statusName() const { return m_statusName; }   ///< As the service spelled it.

private:
    UsageRecord m_record;
    QString m_id;
    Status m_status;
    QString m_statusName;
};

} // namespace MarketplaceMetering
} // namespace QtAws

#endif
