//! The outbox's store, behind one trait with two backends: an embedded SQLite file owned by
//! one process (`sqlite`), or a PostgreSQL schema shared by a fleet (`postgres`, the cargo
//! feature of the same name). A store is read and written only by the writer thread. The
//! trait holds the storage statements; the rules that use them (the late-usage policy, the
//! outage schedule, the stats) are written once, in `logic.rs`.

mod logic;
#[cfg(test)]
pub use logic::fail_complete;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;

pub use logic::{retry_pause_ms, Usage};
pub use sqlite::check_settings;

use super::model::{LatePolicy, Mode, OutboxError, Recorded, SlotState, SlotView};

/// What every statement needs to know about the outbox it serves.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The outbox's mode; a store made in one mode refuses the other.
    pub mode: Mode,
    /// The product every slot of this outbox is billed to.
    pub product: String,
    /// Machine mode: the identity slots are recorded under and sent for.
    pub identity: Option<String>,
    /// Seconds after an hour ends before its slots are sealed.
    pub seal_delay: i64,
    /// What becomes of usage for a sealed slot.
    pub late_policy: LatePolicy,
    /// The outage schedule's longest pause, seconds.
    pub max_backoff_seconds: i64,
}

impl Ctx {
    /// Only this machine's slots are sent in machine mode.
    pub fn scope(&self) -> Option<&str> {
        match self.mode {
            Mode::Machine => self.identity.as_deref(),
            Mode::Saas => None,
        }
    }

    /// A slot recorded under another machine identity (a copied store): never sent.
    pub fn is_foreign(&self, customer: &str) -> bool {
        self.mode == Mode::Machine && self.identity.as_deref() != Some(customer)
    }
}

/// Slots taken for one request.
#[derive(Debug, Clone, Default)]
pub struct Claimed {
    /// The slots, now sending, oldest first; `in_doubt` and `epochs` run parallel to it.
    pub slots: Vec<SlotView>,
    /// Whether a slot's last send ended without an answer (its fate unknown).
    pub in_doubt: Vec<bool>,
    /// Each slot's claim counter: a completion is written only while it still matches.
    pub epochs: Vec<i64>,
    /// A shared store's lease on the slots, to renew during a long request (None: the store
    /// belongs to this process and nobody else can take them).
    pub lease: Option<Lease>,
}

/// Who holds claimed slots, and for how long after each claim or renewal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// This process's name on the lease (host, pid and a random part).
    pub holder: String,
    /// How long the lease lasts after each claim or renewal, milliseconds.
    pub ms: i64,
}

/// What became of one slot after a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// Done: the slot's final state.
    Terminal {
        /// Accepted, duplicate, conflict, rejected or expired.
        state: SlotState,
        /// AWS's id of the record, when it took it.
        metering_record_id: Option<String>,
        /// AWS's reason, for a refusal.
        reason: Option<String>,
    },
    /// Back to sealed, tried again after the outage schedule's pause; `in_doubt` when the
    /// request may have reached AWS.
    Retry {
        /// What went wrong, for the attempt log.
        reason: String,
        /// The request may have been recorded by AWS (no answer came).
        in_doubt: bool,
    },
    /// Refused as part of a batch that is being bisected: logged, the slot stays sending.
    Bisected {
        /// AWS's refusal of the whole batch, for the attempt log.
        reason: String,
    },
}

/// What adding usage to a slot found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Added to the open slot with this id.
    Open(i64),
    /// The slot is open but would exceed AWS's limit for one record.
    Full,
    /// The slot is sealed (or later), or absent and not to be created.
    NotOpen,
}

/// One row of the stats: slots of one state, ours or another machine's.
#[derive(Debug, Clone, Copy)]
pub struct StateCount {
    /// The state counted.
    pub state: SlotState,
    /// Slots of another machine identity (a copied store).
    pub foreign: bool,
    /// How many slots.
    pub count: u64,
    /// The earliest hour among them, Unix seconds.
    pub oldest_hour: i64,
    /// The earliest deadline among them, Unix seconds.
    pub first_deadline: i64,
}

/// One entry of the append-only attempt log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// When the answer (or its absence) was written, Unix milliseconds by the store's clock.
    pub at_ms: i64,
    /// AWS's `x-amzn-RequestId`, when an answer came: what AWS support asks for.
    pub request_id: Option<String>,
    /// What came of it, in words ("accepted", "retry: ThrottlingException: ...").
    pub outcome: String,
}

/// What a store statement returns.
pub type Result<T> = std::result::Result<T, OutboxError>;
/// The future of an async store call.
pub type FutResult<'a, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send + 'a>>;

/// One request budget shared by every process of a fleet.
pub trait FleetBudget: Send + Sync {
    /// Takes the fleet's next request turn, `interval_us` after the one before, and says how
    /// long to wait for it.
    fn reserve(&self, interval_us: i64) -> FutResult<'_, std::time::Duration>;
}

/// A backend: its session, its recording statements and its slot statements. Every
/// statement runs inside the transaction the writer began.
pub trait Store: Session + Recording + Slots {}

impl<T: Session + Recording + Slots> Store for T {}

/// The connection and its transactions; `now_ms` is the instant the rules of the current
/// transaction use.
pub trait Session: Send {
    /// The outbox this store serves.
    fn ctx(&self) -> &Ctx;
    /// Now, for the current transaction: the outbox's clock, or the database's.
    fn now_ms(&self) -> Result<i64>;

    /// Starts the writer's transaction (one per group of calls).
    fn begin(&self) -> Result<()>;
    /// Commits it: durable when this returns Ok (what `record`'s guarantee rests on).
    fn commit(&self) -> Result<()>;
    /// Undoes it. Nothing to return: when ROLLBACK itself fails the connection is gone or
    /// the transaction already ended, and either way none of it was committed.
    fn rollback(&self);
    /// Starts a savepoint, so one call of a group can fail without undoing the others.
    fn savepoint(&self) -> Result<()>;
    /// Ends the savepoint: its writes kept when `keep`, undone otherwise.
    fn end_savepoint(&self, keep: bool) -> Result<()>;
    /// A shared store's rate budget for the whole fleet (None: the sender paces itself).
    fn fleet_budget(&self) -> Option<std::sync::Arc<dyn FleetBudget>>;
    /// After `commit` failed: true when the database ended the transaction to resolve a
    /// conflict with another process's (PostgreSQL's deadlock_detected or
    /// serialization_failure). Nothing of it was written, and the same work run again in a
    /// new transaction may well go through. A single-writer store never conflicts.
    fn lost_to_conflict(&self) -> bool {
        false
    }

    /// Tests only: runs SQL that both backends understand; returns the rows changed.
    #[cfg(test)]
    fn exec(&self, sql: &str) -> Result<u64>;
    /// Tests only: the first column of the first row, as an integer.
    #[cfg(test)]
    fn query_i64(&self, sql: &str) -> Result<i64>;
}

/// Recording usage.
pub trait Recording: Session {
    /// The common case in one statement, for a backend where each statement is a round
    /// trip: the event id (if any) claimed and the usage added to the open slot of its own
    /// hour, created if absent. Some(Counted or AlreadyKnown) when that is what happened;
    /// None when it is not the common case and nothing was written (the rules then take the
    /// long way through the statements below).
    fn record_common(&self, _u: &Usage, _now_s: i64) -> Result<Option<Recorded>> {
        Ok(None)
    }
    /// `record_common` for many records at once (PostgreSQL sends them all before reading
    /// the first answer). An error leaves the transaction unusable.
    fn record_commons(&self, us: &[&Usage], now_s: i64) -> Result<Vec<Option<Recorded>>> {
        us.iter().map(|u| self.record_common(u, now_s)).collect()
    }
    /// Claims `event_id` for this event; false when it was recorded before.
    fn take_event_id(&self, event_id: &str, millionths: i64, now_s: i64) -> Result<bool>;
    /// Points a claimed event id at the slot its usage went into.
    fn link_event(&self, event_id: &str, slot_id: i64) -> Result<()>;
    /// Adds the usage to the open slot of its key at `hour`, creating the slot (with its
    /// deadline) if it is absent and `create` holds.
    fn add_to_open(&self, u: &Usage, hour: i64, create: bool, now_s: i64) -> Result<Added>;
    /// The `late_into_sealed` mutation only: adds to the slot whatever its state.
    fn add_to_any(&self, u: &Usage, hour: i64) -> Result<bool>;
    /// The audit link from late usage to the slot it was rolled into.
    fn log_late(&self, u: &Usage, to_slot: i64, now_s: i64) -> Result<()>;
}

/// The slot state machine and the queries.
pub trait Slots: Session {
    /// Seals the open slots whose hour ended at least `delay` seconds before `now_s`; with a
    /// customer, every open slot of that customer (seal-now), current hour included. In
    /// machine mode each gets its ClientToken now, so every resend is the same request.
    fn seal(&self, now_s: i64, delay: Option<i64>, customer: Option<&str>) -> Result<usize>;
    /// Due slots back to "try now" (flush).
    fn retry_now(&self) -> Result<()>;
    /// Marks expired every undelivered slot of ours whose window closed; returns those this
    /// call marked.
    fn sweep(&self, now_s: i64) -> Result<Vec<SlotView>>;
    /// Takes the oldest due slots (at most `limit`, one product) and marks them sending.
    fn claim(&self, now_ms: i64, limit: usize) -> Result<Claimed>;
    /// Extends the lease of claimed slots (from the database's real time); false when any of
    /// them was taken by another.
    fn renew(&self, claimed: &Claimed) -> Result<bool>;
    /// Writes a terminal state, only while the claim `epoch` holds; false if it did not.
    fn set_terminal(
        &self,
        id: i64,
        epoch: i64,
        state: SlotState,
        metering_record_id: Option<&str>,
        reason: Option<&str>,
        now_s: i64,
    ) -> Result<bool>;
    /// (failures so far, deadline) of a slot, for the outage schedule.
    fn failures_and_deadline(&self, id: i64) -> Result<(i64, i64)>;
    /// Back to sealed until `next_ms`, only while the claim `epoch` holds.
    fn set_retry(&self, id: i64, epoch: i64, next_ms: i64, in_doubt: bool) -> Result<bool>;
    /// Appends to the slot's attempt log (`Attempt`).
    fn log_attempt(
        &self,
        id: i64,
        at_ms: i64,
        request_id: Option<&str>,
        outcome: &str,
    ) -> Result<()>;

    /// The slots with these ids, in the order given.
    fn views(&self, ids: &[i64]) -> Result<Vec<SlotView>>;
    /// Every slot of an hour, in key order.
    fn slots_of_hour(&self, hour: i64) -> Result<Vec<SlotView>>;
    /// Undelivered slots of ours that are due for sending (flush waits for none).
    fn pending_due(&self) -> Result<u64>;
    /// Slots per state (and ours or foreign), for the stats.
    fn state_counts(&self) -> Result<Vec<StateCount>>;
    /// The attempt log of one slot, oldest first.
    fn attempts(&self, slot_id: i64) -> Result<Vec<Attempt>>;
}
