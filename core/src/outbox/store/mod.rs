//! The outbox's store, behind one trait with two backends: an embedded SQLite file owned by
//! one process (`sqlite`), or a PostgreSQL schema shared by a fleet (`postgres`, the cargo
//! feature of the same name). A store is read and written only by the writer thread. The
//! trait holds the storage statements; the rules that use them (the late-usage policy, the
//! outage schedule, the stats) are written once, in `logic.rs`.

mod logic;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;

pub use logic::{retry_pause_ms, Usage};
pub use sqlite::check_settings;

use super::model::{LatePolicy, Mode, OutboxError, Recorded, SlotState, SlotView};

/// What every statement needs to know about the outbox it serves.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub mode: Mode,
    pub product: String,
    /// Machine mode: the identity slots are recorded under and sent for.
    pub identity: Option<String>,
    pub seal_delay: i64,
    pub late_policy: LatePolicy,
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
    pub holder: String,
    pub ms: i64,
}

/// What became of one slot after a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    Terminal {
        state: SlotState,
        metering_record_id: Option<String>,
        reason: Option<String>,
    },
    /// Back to sealed, tried again after the outage schedule's pause; `in_doubt` when the
    /// request may have reached AWS.
    Retry { reason: String, in_doubt: bool },
    /// Refused as part of a batch that is being bisected: logged, the slot stays sending.
    Bisected { reason: String },
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
    pub state: SlotState,
    pub foreign: bool,
    pub count: u64,
    pub oldest_hour: i64,
    pub first_deadline: i64,
}

/// One entry of the append-only attempt log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub at_ms: i64,
    pub request_id: Option<String>,
    pub outcome: String,
}

pub type Result<T> = std::result::Result<T, OutboxError>;
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
    fn ctx(&self) -> &Ctx;
    /// Now, for the current transaction: the outbox's clock, or the database's.
    fn now_ms(&self) -> Result<i64>;

    fn begin(&self) -> Result<()>;
    fn commit(&self) -> Result<()>;
    fn rollback(&self);
    fn savepoint(&self) -> Result<()>;
    /// Ends the savepoint: its writes kept when `keep`, undone otherwise.
    fn end_savepoint(&self, keep: bool) -> Result<()>;
    /// A shared store's rate budget for the whole fleet (None: the sender paces itself).
    fn fleet_budget(&self) -> Option<std::sync::Arc<dyn FleetBudget>>;

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
    /// Extends the lease of claimed slots; false when any of them was taken by another.
    fn renew(&self, claimed: &Claimed, now_ms: i64) -> Result<bool>;
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
    fn log_attempt(
        &self,
        id: i64,
        at_ms: i64,
        request_id: Option<&str>,
        outcome: &str,
    ) -> Result<()>;

    fn views(&self, ids: &[i64]) -> Result<Vec<SlotView>>;
    /// Every slot of an hour, in key order.
    fn slots_of_hour(&self, hour: i64) -> Result<Vec<SlotView>>;
    /// Undelivered slots of ours that are due for sending (flush waits for none).
    fn pending_due(&self) -> Result<u64>;
    fn state_counts(&self) -> Result<Vec<StateCount>>;
    /// The attempt log of one slot, oldest first.
    fn attempts(&self, slot_id: i64) -> Result<Vec<Attempt>>;
}
