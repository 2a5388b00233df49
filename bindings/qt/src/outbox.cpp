// Outbox: converts Qt values, calls mpm_outbox_*, and turns the library's terminal-state
// callback into signals on the Outbox's own thread. The rules (quantities, windows, late
// usage, dedupe) are the C library's; this file only checks what C cannot be given.
#include "marketplacemetering/outbox.h"

#include "marketplacemetering/marketplacemeteringclient.h"

#include "cglue.h"

#include <QMetaObject>
#include <QMutexLocker>

#include <vector>

static_assert(QtAws::MarketplaceMetering::Outbox::SaasMode == MPM_OUTBOX_MODE_SAAS
                  && QtAws::MarketplaceMetering::Outbox::MachineMode == MPM_OUTBOX_MODE_MACHINE,
              "Outbox::Mode differs from mpmeter.h");
static_assert(QtAws::MarketplaceMetering::Outbox::RollIntoCurrentHour
                      == MPM_OUTBOX_LATE_ROLL_INTO_CURRENT_HOUR
                  && QtAws::MarketplaceMetering::Outbox::RefuseLateUsage == MPM_OUTBOX_LATE_REFUSE,
              "Outbox::LatePolicy differs from mpmeter.h");
static_assert(QtAws::MarketplaceMetering::Outbox::Open == MPM_OUTBOX_STATE_OPEN
                  && QtAws::MarketplaceMetering::Outbox::Sealed == MPM_OUTBOX_STATE_SEALED
                  && QtAws::MarketplaceMetering::Outbox::Sending == MPM_OUTBOX_STATE_SENDING
                  && QtAws::MarketplaceMetering::Outbox::Accepted == MPM_OUTBOX_STATE_ACCEPTED
                  && QtAws::MarketplaceMetering::Outbox::Duplicate == MPM_OUTBOX_STATE_DUPLICATE
                  && QtAws::MarketplaceMetering::Outbox::Conflict == MPM_OUTBOX_STATE_CONFLICT
                  && QtAws::MarketplaceMetering::Outbox::Rejected == MPM_OUTBOX_STATE_REJECTED
                  && QtAws::MarketplaceMetering::Outbox::Expired == MPM_OUTBOX_STATE_EXPIRED,
              "Outbox::SlotState differs from mpmeter.h");

namespace QtAws {
namespace MarketplaceMetering {

namespace {

using COptions = mpmqt::Handle<mpm_outbox_options, mpm_outbox_options_free>;
using SlotIter = mpmqt::Handle<mpm_outbox_slot_iter, mpm_outbox_slot_iter_free>;

// A QString for C: null stays NULL (an optional argument left out), anything else UTF-8.
struct CText {
    explicit CText(const QString &s) : isNull(s.isNull()), bytes(s.toUtf8()) {}
    const char * get() const { return isNull ? nullptr : bytes.constData(); }
    bool isNull;
    QByteArray bytes;
};

// A usage time for C: null means now, on the outbox's clock when it has one.
int64_t unixSeconds(const QDateTime &t, const std::function<qint64()> * clock)
{
    if (t.isValid())
        return t.toSecsSinceEpoch();
    if (clock && *clock)
        return (*clock)() / 1000;
    return QDateTime::currentSecsSinceEpoch();
}

// The borrowed C slot, copied: safe to hand to another thread.
OutboxSlot copySlot(const mpm_outbox_slot * s)
{
    OutboxSlot slot;
    slot.productCode = mpmqt::str(mpm_outbox_slot_product_code(s));
    slot.customer = mpmqt::str(mpm_outbox_slot_customer(s));
    slot.dimension = mpmqt::str(mpm_outbox_slot_dimension(s));
    slot.hour = mpmqt::fromUnix(mpm_outbox_slot_hour(s));
    slot.quantity = mpmqt::str(mpm_outbox_slot_quantity(s));
    slot.state = int(mpm_outbox_slot_state(s));
    slot.meteringRecordId = mpmqt::str(mpm_outbox_slot_metering_record_id(s));
    slot.reason = mpmqt::str(mpm_outbox_slot_reason(s));
    slot.attempts = int(mpm_outbox_slot_attempts(s));
    slot.isForeign = mpm_outbox_slot_is_foreign(s);
    return slot;
}

} // namespace

Outbox::Outbox(MarketplaceMeteringClient * client, const QString &storePath,
               const Options &options, QObject * parent)
    : QObject(parent)
{
    qRegisterMetaType<OutboxSlot>("QtAws::MarketplaceMetering::OutboxSlot");
    if (!client) {
        fail(MPM_ERR_NULL_ARGUMENT, QStringLiteral("client is NULL"));
        return;
    }
    QString why;
    mpm_client * const c = client->cClient(&why);
    if (!c) {
        // The client cannot send (no credentials, no region nor endpoint): nor could we.
        fail(MPM_ERR_INVALID_ARGUMENT, QStringLiteral("the client cannot send: ") + why);
        return;
    }
    COptions o(mpm_outbox_options_new());
    const QByteArray product = options.productCode.toUtf8();
    if (mpm_outbox_options_set_mode(o.get(), uint32_t(options.mode)) != MPM_OK
        || (!options.productCode.isNull()
            && mpm_outbox_options_set_product_code(o.get(), product.constData()) != MPM_OK)
        || (options.sealDelaySeconds != -1
            && mpm_outbox_options_set_seal_delay(o.get(), options.sealDelaySeconds) != MPM_OK)
        || mpm_outbox_options_set_late_policy(o.get(), uint32_t(options.latePolicy)) != MPM_OK
        || (options.maxRequestsPerSecond != 0
            && mpm_outbox_options_set_max_requests_per_second(
                   o.get(), uint32_t(options.maxRequestsPerSecond)) != MPM_OK)
        || (!options.machineIdentity.isNull()
            && mpm_outbox_options_set_machine_identity(
                   o.get(), options.machineIdentity.toUtf8().constData()) != MPM_OK)
        || mpm_outbox_options_set_on_terminal(o.get(), &Outbox::onTerminal, this) != MPM_OK) {
        fail(QStringLiteral("Outbox options"));
        return;
    }
    if (options.nowUnixMs) {
        m_clock.reset(new std::function<qint64()>(options.nowUnixMs));
        if (mpm_outbox_options_set_clock(o.get(), &Outbox::clockThunk, m_clock.get()) != MPM_OK) {
            fail(QStringLiteral("Outbox options"));
            return;
        }
    }
    m_outbox = mpm_outbox_open(c, storePath.toUtf8().constData(), o.get());
    if (!m_outbox)
        fail(QStringLiteral("Outbox"));
}

// Every call on an outbox that did not open fails with the reason it did not.
bool Outbox::opened()
{
    if (m_outbox)
        return true;
    QMutexLocker lock(&m_mutex);
    if (m_openError.isNull()) {
        m_openCode = m_errorCode;
        m_openError = QStringLiteral("the outbox did not open: ") + m_errorString;
    }
    m_errorCode = m_openCode;
    m_errorString = m_openError;
    return false;
}

Outbox::~Outbox()
{
    // No callback starts (and none is running) once this returns, so none can post to this
    // object after ~QObject, which also drops the signals already posted and not delivered.
    mpm_outbox_free(m_outbox);
}

// Library thread. Only copies and posts: the lambda runs on this object's thread.
void Outbox::onTerminal(const mpm_outbox_slot * slot, void * userdata)
{
    Outbox * const self = static_cast<Outbox *>(userdata);
    const OutboxSlot copy = copySlot(slot);
    QMetaObject::invokeMethod(self, [self, copy]() { self->deliver(copy); }, Qt::QueuedConnection);
}

int64_t Outbox::clockThunk(void * userdata)
{
    return (*static_cast<std::function<qint64()> *>(userdata))();
}

void Outbox::deliver(const OutboxSlot &slot)
{
    switch (slot.state) {
    case Accepted: emit accepted(slot); break;
    case Duplicate: emit acceptedEarlier(slot); break;
    case Conflict: emit conflict(slot); break;
    case Rejected: emit rejected(slot, slot.reason); break;
    case Expired: emit expired(slot); break;
    default: break;   // The library reports terminal states only.
    }
    emit terminal(slot);
}

bool Outbox::fail(const QString &what)
{
    return fail(int(mpm_last_error_code()), what + QStringLiteral(": ") + mpmqt::lastError());
}

bool Outbox::fail(int code, const QString &message)
{
    QMutexLocker lock(&m_mutex);
    m_errorCode = code;
    m_errorString = message;
    return false;
}

bool Outbox::isOpen() const { return m_outbox != nullptr; }

int Outbox::errorCode() const
{
    QMutexLocker lock(&m_mutex);
    return m_errorCode;
}

QString Outbox::errorString() const
{
    QMutexLocker lock(&m_mutex);
    return m_errorString;
}

bool Outbox::record(const QString &customer, const QString &dimension, const QString &quantity,
                    const QDateTime &usageTime, const QString &eventId)
{
    if (!opened())
        return false;
    const CText c(customer), d(dimension), q(quantity), e(eventId);
    if (mpm_outbox_record(m_outbox, c.get(), d.get(), unixSeconds(usageTime, m_clock.get()), q.get(),
                          e.get())
        != MPM_OK)
        return fail(QStringLiteral("record"));
    return true;
}

bool Outbox::recordBatch(const QList<OutboxEvent> &events)
{
    if (!opened())
        return false;
    std::vector<CText> text;   // Owns the UTF-8 the C events point into.
    text.reserve(size_t(events.size()) * 4);
    std::vector<mpm_outbox_event> c;
    c.reserve(size_t(events.size()));
    for (const OutboxEvent &e : events) {
        text.emplace_back(e.customer);
        text.emplace_back(e.dimension);
        text.emplace_back(e.quantity);
        text.emplace_back(e.eventId);
        const size_t i = text.size() - 4;
        c.push_back(mpm_outbox_event{text[i].get(), text[i + 1].get(),
                                     unixSeconds(e.usageTime, m_clock.get()), text[i + 2].get(),
                                     text[i + 3].get()});
    }
    if (mpm_outbox_record_batch(m_outbox, c.data(), c.size()) != MPM_OK)
        return fail(QStringLiteral("recordBatch"));
    return true;
}

bool Outbox::sealNow(const QString &customer)
{
    if (!opened())
        return false;
    const CText c(customer);
    return mpm_outbox_seal_now(m_outbox, c.get()) == MPM_OK || fail(QStringLiteral("sealNow"));
}

bool Outbox::flush(int timeoutMs)
{
    if (!opened())
        return false;
    return mpm_outbox_flush(m_outbox, timeoutMs) == MPM_OK || fail(QStringLiteral("flush"));
}

bool Outbox::close(int timeoutMs)
{
    if (!m_outbox)
        return true;   // Never opened: nothing to close.
    const mpm_result r = mpm_outbox_close(m_outbox, timeoutMs);
    // Closing twice is harmless: the second close finds it closed.
    return r == MPM_OK || r == MPM_ERR_OUTBOX_CLOSED || fail(QStringLiteral("close"));
}

OutboxStats Outbox::stats()
{
    OutboxStats out;
    mpm_outbox_stats s;
    if (!opened())
        return out;
    if (mpm_outbox_get_stats(m_outbox, &s) != MPM_OK) {
        fail(QStringLiteral("stats"));
        return out;
    }
    out.open = s.open;
    out.pending = s.pending;
    out.accepted = s.accepted;
    out.duplicate = s.duplicate;
    out.conflict = s.conflict;
    out.rejected = s.rejected;
    out.expired = s.expired;
    out.foreign = s.foreign;
    if (s.oldest_pending_hour != 0)
        out.oldestPendingHour = mpmqt::fromUnix(s.oldest_pending_hour);
    out.secondsToFirstExpiry = s.seconds_to_first_expiry;
    return out;
}

QList<OutboxSlot> Outbox::slotsOfHour(const QDateTime &hour)
{
    QList<OutboxSlot> out;
    if (!opened())
        return out;
    if (!hour.isValid()) {
        fail(MPM_ERR_INVALID_ARGUMENT, QStringLiteral("slotsOfHour: the hour is not a valid date and time"));
        return out;
    }
    SlotIter it(mpm_outbox_slots_of_hour(m_outbox, hour.toSecsSinceEpoch()));
    if (!it) {
        fail(QStringLiteral("slotsOfHour"));
        return out;
    }
    while (const mpm_outbox_slot * const s = mpm_outbox_slot_iter_next(it.get()))
        out.append(copySlot(s));
    return out;
}

} // namespace MarketplaceMetering
} // namespace QtAws
