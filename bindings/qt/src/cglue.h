// Private helpers between the Qt classes and the C API: owning handles, string
// conversion, and the reason of the last C error.
#ifndef MPM_QT_CGLUE_H
#define MPM_QT_CGLUE_H

#include "mpmeter.h"

#include <QDateTime>
#include <QString>

#include <memory>

// Exported by libmpmeter but missing from the generated header (cbindgen does not
// expand the Rust macro that defines them). Redeclaring them identically stays valid
// once the header gains them.
extern "C" {
const char *mpm_meter_usage_response_metering_record_id(const mpm_response *response);
const char *mpm_resolve_customer_response_customer_identifier(const mpm_response *response);
const char *mpm_resolve_customer_response_product_code(const mpm_response *response);
const char *mpm_resolve_customer_response_customer_aws_account_id(const mpm_response *response);
const char *mpm_resolve_customer_response_license_arn(const mpm_response *response);
const char *mpm_resolve_customer_response_agreement_id(const mpm_response *response);
const char *mpm_register_usage_response_signature(const mpm_response *response);
}

namespace mpmqt {

template <typename T, void (*Free)(T *)>
struct Deleter {
    void operator()(T *p) const { Free(p); }
};

// unique_ptr for a C handle with its _free function.
template <typename T, void (*Free)(T *)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using Credentials = Handle<mpm_credentials, mpm_credentials_free>;
using Allocation = Handle<mpm_usage_allocation, mpm_usage_allocation_free>;
using Record = Handle<mpm_usage_record, mpm_usage_record_free>;

// A C string (borrowed) as a QString; NULL becomes a null QString.
inline QString str(const char *s) { return s ? QString::fromUtf8(s) : QString(); }

inline QString lastError() { return str(mpm_last_error_message()); }

// Records the last C error in `why` when `r` is not MPM_OK; returns whether it was.
inline bool check(mpm_result r, QString *why)
{
    if (r == MPM_OK)
        return true;
    if (why && why->isEmpty())
        *why = lastError();
    return false;
}

inline QDateTime fromUnix(int64_t secs) { return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC); }

} // namespace mpmqt

#endif
