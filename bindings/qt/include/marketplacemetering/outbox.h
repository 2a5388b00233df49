// QtAws::MarketplaceMetering::Outbox: usage recorded durably on local disk, delivered by the
// library, each slot's fate a Qt signal. A QObject over mpmeter's mpm_outbox (OUTBOX.md):
// record() returns only once the usage is committed to the store (SQLite, WAL,
// synchronous=FULL; it survives kill -9 and, on a disk that honours fsync, a power cut) and
// never touches the network; the library adds usage up per (customer, dimension, hour),
// seals each hour, sends it inside AWS's rules from its own threads and reports the slot.
//
// Signals come on the Outbox's thread (the thread it lives in), from its event loop: the
// library's callback thread only copies the slot and posts it (a queued call); it never
// touches a Qt object. Every function may be called from any thread; the failing ones
// return false (or an empty value) and leave the C library's code and message in
// errorCode() and errorString().
#ifndef MPM_QT_OUTBOX_H
#define MPM_QT_OUTBOX_H

#include "qtawsmarketplacemeteringglobal.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QObject>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>

struct mpm_outbox;
struct mpm_outbox_slot;

namespace QtAws {
namespace MarketplaceMetering {

class MarketplaceMeteringClient;

/// One slot (product, customer or machine, dimension, hour), a snapshot. `quantity` is the
/// exact decimal text ("2.5"); `state` an Outbox::SlotState.
struct QTAWSMARKETPLACEMETERING_EXPORT OutboxSlot {
    QString productCode;
    QString customer;   ///< The customer (SaaS) or the machine identity (machine mode).
    QString dimension;
    QDateTime hour;     ///< UTC start of the hour: also the timestamp sent.
    QString quantity;
    int state = 0;
    QString meteringRecordId;   ///< AWS's, once accepted; null before.
    QString reason;             ///< Why it was rejected, conflicted or expired; null otherwise.
    int attempts = 0;
    bool isForeign = false;     ///< Recorded under another machine identity: never sent.
};

/// Slots per state, and what is coming: watch secondsToFirstExpiry (-1: nothing pending) to
/// see an expiry coming (an outage, credentials that stopped working).
struct QTAWSMARKETPLACEMETERING_EXPORT OutboxStats {
    quint64 open = 0, pending = 0, accepted = 0, duplicate = 0, conflict = 0, rejected = 0,
            expired = 0, foreign = 0;
    QDateTime oldestPendingHour;   ///< Null when nothing is undelivered.
    qint64 secondsToFirstExpiry = -1;
};

/// One event of Outbox::recordBatch: the arguments of Outbox::record.
struct QTAWSMARKETPLACEMETERING_EXPORT OutboxEvent {
    QString customer;    ///< Null in machine mode.
    QString dimension;
    QString quantity;    ///< Exact decimal text, at most 6 fraction digits ("3", "2.5").
    QDateTime usageTime; ///< Selects the hour; null: now (on the outbox's clock).
    QString eventId;     ///< Null, or the caller's key: recorded again, it counts nothing.
};

class QTAWSMARKETPLACEMETERING_EXPORT Outbox : public QObject {
    Q_OBJECT

public:
    /// The values of the C library's MPM_OUTBOX_MODE_*, _LATE_* and _STATE_* constants.
    enum Mode { SaasMode = 0, MachineMode = 1 };
    Q_ENUM(Mode)
    enum LatePolicy { RollIntoCurrentHour = 0, RefuseLateUsage = 1 };
    Q_ENUM(LatePolicy)
    enum SlotState {
        Open = 0, Sealed = 1, Sending = 2,
        Accepted = 3, Duplicate = 4, Conflict = 5, Rejected = 6, Expired = 7,   // terminal
    };
    Q_ENUM(SlotState)

    /// The settings of mpm_outbox_options, with the library's defaults when left alone.
    struct Options {
        QString productCode;               ///< Required.
        int mode = SaasMode;               ///< SaasMode: BatchMeterUsage; MachineMode: MeterUsage.
        qint64 sealDelaySeconds = -1;      ///< After an hour ends, 0 to 86400; -1: 300.
        int latePolicy = RollIntoCurrentHour;
        int maxRequestsPerSecond = 0;      ///< 1 to 1000; 0: 10, AWS's limit.
        QString machineIdentity;           ///< Machine mode; null: ask the metadata services.
        /// For tests and simulations only: the time every rule reads, in Unix ms, instead of
        /// the system clock. Called from several library threads: fast and thread-safe.
        std::function<qint64()> nowUnixMs;
    };

    /// Opens or creates the store file `storePath` (a local disk, not NFS; one process per
    /// file), or in fleet mode a postgres:// URL (see mpm_outbox_open in mpmeter.h), and
    /// starts delivering through `client`'s region, endpoint, credentials and
    /// configuration as they are now (the outbox keeps its own reference to the library
    /// client, so `client` may be deleted or changed afterwards). `client` is not owned.
    /// On failure isOpen() is false and errorCode()/errorString() say why.
    Outbox(MarketplaceMeteringClient * client, const QString &storePath, const Options &options,
           QObject * parent = nullptr);
    /// Closes at once if still open (as close(0)): nothing recorded is lost. No other thread
    /// may be calling this outbox meanwhile.
    ~Outbox() override;

    bool isOpen() const;
    /// The mpm_result of the last failure (0: none yet), and the library's message for it.
    int errorCode() const;
    QString errorString() const;

    /// Durable when it returns true. `customer`: a CustomerIdentifier or a 12-digit AWS
    /// account id (SaaS), null in machine mode. `quantity`: exact decimal text. A null
    /// `usageTime` means now. False for bad input, late usage the policy refuses, a closed
    /// outbox or a store error.
    bool record(const QString &customer, const QString &dimension, const QString &quantity,
                const QDateTime &usageTime = QDateTime(), const QString &eventId = QString());
    /// All the events in one transaction, or (false; the message names the event) none.
    bool recordBatch(const QList<OutboxEvent> &events);
    /// Seals now the open slots of `customer` (null: every customer; machine mode: this
    /// machine's), the current hour included, and starts sending them.
    bool sealNow(const QString &customer = QString());
    /// Seals the hours that are over, sends what is due and blocks until nothing is pending
    /// or `timeoutMs` passes (-1: no limit): false then, with MPM_ERR_WAIT_TIMEOUT (delivery
    /// goes on). The signals of the slots it settled follow from the event loop.
    bool flush(int timeoutMs = -1);
    /// Stops delivering within `timeoutMs` (-1: no limit), posts the signals already due and
    /// releases the store for the next open; what is not delivered stays there. Calls after
    /// it fail with MPM_ERR_OUTBOX_CLOSED; closing twice is harmless. Fine from a slot
    /// connected to the signals below: they never run on the library's thread.
    bool close(int timeoutMs = 10000);

    /// Counts per state; all zero with errorCode() set on failure.
    OutboxStats stats();
    /// Every slot of the hour holding `hour`, for reconciliation; empty on failure too
    /// (then errorCode() is set).
    QList<OutboxSlot> slotsOfHour(const QDateTime &hour);

Q_SIGNALS:
    /// Exactly one of these per slot that reaches a terminal state, in order, then terminal().
    void accepted(const QtAws::MarketplaceMetering::OutboxSlot &slot);
    /// Accepted; an earlier send whose answer was lost may be the one that counted.
    void acceptedEarlier(const QtAws::MarketplaceMetering::OutboxSlot &slot);
    /// AWS holds another quantity for this hour.
    void conflict(const QtAws::MarketplaceMetering::OutboxSlot &slot);
    void rejected(const QtAws::MarketplaceMetering::OutboxSlot &slot, const QString &reason);
    /// AWS's window closed before it was delivered.
    void expired(const QtAws::MarketplaceMetering::OutboxSlot &slot);
    /// Every terminal state, after its own signal.
    void terminal(const QtAws::MarketplaceMetering::OutboxSlot &slot);

private:
    Q_DISABLE_COPY(Outbox)
    static void onTerminal(const mpm_outbox_slot * slot, void * userdata);
    static int64_t clockThunk(void * userdata);
    void deliver(const OutboxSlot &slot);
    bool fail(const QString &what);
    bool fail(int code, const QString &message);
    bool opened();

    mutable QMutex m_mutex;   // Guards the errors (m_outbox is set once, in the constructor).
    mpm_outbox * m_outbox = nullptr;
    std::unique_ptr<std::function<qint64()>> m_clock;   // Outlives m_outbox.
    int m_errorCode = 0;
    QString m_errorString;
    int m_openCode = 0;      // Why the open failed, kept for every later call.
    QString m_openError;
};

} // namespace MarketplaceMetering
} // namespace QtAws

Q_DECLARE_METATYPE(QtAws::MarketplaceMetering::OutboxSlot)

#endif
