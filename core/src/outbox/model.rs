//! The outbox's vocabulary: modes, slot states, events, what a slot looks like from outside,
//! the options and the errors.

use std::sync::Arc;
use std::time::Duration;

use super::clock::{Clock, SystemClock};

/// Which operation delivers the usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// BatchMeterUsage, per customer.
    Saas,
    /// MeterUsage from this EC2 instance / ECS task / EKS pod.
    Machine,
}

impl Mode {
    /// The mode as the store records it ("saas", "machine"): a store opened in one mode
    /// refuses the other.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Saas => "saas",
            Mode::Machine => "machine",
        }
    }
}

/// A slot's state. The numbers are stored and are the C enum's values: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlotState {
    /// Still taking usage.
    Open = 0,
    /// Quantity frozen; waiting to be sent.
    Sealed = 1,
    /// Claimed by the sender; on the wire or about to be.
    Sending = 2,
    /// AWS took it (terminal).
    Accepted = 3,
    /// AWS took it, and an earlier send of ours whose answer was lost may be the one that
    /// counted (terminal; billed once either way).
    Duplicate = 4,
    /// AWS holds another quantity for this hour (terminal).
    Conflict = 5,
    /// AWS refused it; the reason is kept (terminal).
    Rejected = 6,
    /// AWS's acceptance window closed before it was delivered (terminal).
    Expired = 7,
}

impl SlotState {
    /// Every state, in the order of their numbers.
    pub const ALL: [SlotState; 8] = [
        SlotState::Open,
        SlotState::Sealed,
        SlotState::Sending,
        SlotState::Accepted,
        SlotState::Duplicate,
        SlotState::Conflict,
        SlotState::Rejected,
        SlotState::Expired,
    ];

    /// The state stored as `v`; None for a number no state has (a newer store).
    pub fn from_i64(v: i64) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| *s as i64 == v)
    }

    /// Whether the slot is done: accepted, duplicate, conflict, rejected or expired; a
    /// terminal slot never changes again and was reported once to the terminal callback.
    pub fn is_terminal(self) -> bool {
        (self as u8) >= SlotState::Accepted as u8
    }

    /// The state in lower case ("accepted"), as logs and the bindings name it.
    pub fn name(self) -> &'static str {
        match self {
            SlotState::Open => "open",
            SlotState::Sealed => "sealed",
            SlotState::Sending => "sending",
            SlotState::Accepted => "accepted",
            SlotState::Duplicate => "duplicate",
            SlotState::Conflict => "conflict",
            SlotState::Rejected => "rejected",
            SlotState::Expired => "expired",
        }
    }
}

/// What happens to usage for a slot that is already sealed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatePolicy {
    /// Added to the current hour's slot (same month only); the audit keeps the link.
    RollIntoCurrentHour,
    /// `record` refuses it.
    Refuse,
}

/// One usage event as the application records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// CustomerIdentifier or 12-digit CustomerAWSAccountId (SaaS mode); None in machine mode.
    pub customer: Option<String>,
    /// One of the product's dimensions: 1 to 255 bytes, no control characters.
    pub dimension: String,
    /// Unix seconds; selects the hour.
    pub usage_time: i64,
    /// Decimal string, at most 6 fraction digits.
    pub quantity: String,
    /// The caller's key: recording it again counts nothing.
    pub event_id: Option<String>,
}

/// What `record` did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Added to the slot of its own hour.
    Counted,
    /// Its slot was sealed: added to the current hour's slot.
    RolledIntoCurrentHour,
    /// Its event_id was known: nothing counted.
    AlreadyKnown,
}

/// A slot as queries and callbacks show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotView {
    /// The slot's id in the store, stable for its life (`Outbox::attempts` takes it).
    pub id: i64,
    /// The product code the slot is billed to.
    pub product: String,
    /// Customer (SaaS) or machine identity (machine mode).
    pub customer: String,
    /// The dimension, as recorded.
    pub dimension: String,
    /// Unix seconds of the hour's start; also the timestamp sent.
    pub hour: i64,
    /// The hour's usage in millionths of a unit (2.5 is 2500000); frozen once sealed.
    pub quantity_millionths: i64,
    /// Where the slot is in its life.
    pub state: SlotState,
    /// AWS's id of the metering record, once accepted.
    pub metering_record_id: Option<String>,
    /// AWS's reason for a rejection or conflict, or why it expired.
    pub reason: Option<String>,
    /// MeterUsage's ClientToken, chosen at seal.
    pub client_token: Option<String>,
    /// Sends so far.
    pub attempts: i64,
    /// First instant AWS no longer takes it, Unix seconds (24 h after the hour for
    /// BatchMeterUsage, 6 h for MeterUsage, 06:00 UTC on the 1st at a month's end).
    pub deadline: i64,
    /// Recorded under another machine identity (a copied store): reported, never sent.
    pub foreign: bool,
}

/// Counts and the view of what is coming.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Slots still taking usage (the current hour, and hours within the seal delay).
    pub open: u64,
    /// Sealed or sending.
    pub pending: u64,
    /// Slots AWS accepted.
    pub accepted: u64,
    /// Slots AWS had from an earlier send of ours (billed once).
    pub duplicate: u64,
    /// Slots for which AWS holds another quantity: the difference was not billed.
    pub conflict: u64,
    /// Slots AWS refused, with its reason (`SlotView::reason`).
    pub rejected: u64,
    /// Slots whose window closed before they were delivered: usage lost, and said so.
    pub expired: u64,
    /// Unix seconds of the oldest hour not yet delivered (open, sealed or sending), 0 if none.
    pub oldest_pending_hour: i64,
    /// Seconds until the first undelivered slot expires, -1 if none.
    pub seconds_to_first_expiry: i64,
    /// Slots of another machine identity: never sent.
    pub foreign: u64,
}

/// The test hook points (MPM_OUTBOX_CRASH_AT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    /// After a `record` transaction committed, before `record` returns.
    AfterCommit,
    /// After slots were claimed for sending, before the request goes out.
    AfterClaim,
    /// After AWS answered, before the outcome is written.
    AfterSend,
}

impl CrashPoint {
    /// The point as MPM_OUTBOX_CRASH_AT names it.
    pub fn name(self) -> &'static str {
        match self {
            CrashPoint::AfterCommit => "after_commit",
            CrashPoint::AfterClaim => "after_claim",
            CrashPoint::AfterSend => "after_send",
        }
    }
}

/// Called at each `CrashPoint` the outbox passes (the crash tests kill the process there);
/// never set outside tests.
pub type CrashHook = Arc<dyn Fn(CrashPoint) + Send + Sync>;
/// Called once for every slot that reaches a terminal state, on the outbox's own thread
/// (`mpmeter-outbox-callbacks`, one at a time, in the order the states were written); a panic
/// in it is caught and the next report still comes. `close` waits for the queued ones.
pub type TerminalCallback = Arc<dyn Fn(&SlotView) + Send + Sync>;

/// How an outbox runs. `Default` gives the documented defaults.
#[derive(Clone)]
pub struct Options {
    /// SaaS (BatchMeterUsage per customer, the default) or machine (MeterUsage).
    pub mode: Mode,
    /// The product every slot is billed to. Required: 1 to 255 bytes.
    pub product_code: Option<String>,
    /// Seconds after an hour ends before it is sealed (default 300), 0 to 86400: the time
    /// late reports have to reach their own hour.
    pub seal_delay_seconds: i64,
    /// What becomes of usage for a slot already sealed (default: rolled into the current hour).
    pub late_policy: LatePolicy,
    /// Requests a second at most (default 10, AWS's limit per account and region), above 0
    /// and at most 1000; on PostgreSQL, for the whole fleet.
    pub max_requests_per_second: f64,
    /// Machine mode: this machine's identity; detected from the metadata services if None.
    pub machine_identity: Option<String>,
    /// For testing: open SQLite with this VFS.
    pub sqlite_vfs: Option<String>,
    /// For testing only: the synchronous level to set and require (2 = FULL, the default).
    pub sqlite_synchronous: i64,
    /// What time it is for every rule (default `SystemClock`); a `ManualClock` in tests.
    pub clock: Arc<dyn Clock>,
    /// For testing: called at each crash point.
    pub crash_hook: Option<CrashHook>,
    /// Called once per slot that reaches a terminal state (see `TerminalCallback`).
    pub on_terminal: Option<TerminalCallback>,
    /// How often the sender looks for work when nothing wakes it (default 250 ms).
    pub idle_tick: Duration,
    /// Longest pause between tries during an outage (default 300 s).
    pub max_backoff_seconds: i64,
    /// PostgreSQL: the schema of the outbox's tables (default `mpmeter`; a `schema=` in the
    /// URL wins).
    pub postgres_schema: Option<String>,
    /// PostgreSQL: how long claimed slots stay with this process without a renewal; another
    /// process resumes them after that (default 30 s, renewed every third of it; real
    /// seconds on the database's clock, whatever `clock` says).
    pub lease_seconds: i64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mode: Mode::Saas,
            product_code: None,
            seal_delay_seconds: 300,
            late_policy: LatePolicy::RollIntoCurrentHour,
            max_requests_per_second: 10.0,
            machine_identity: None,
            sqlite_vfs: None,
            sqlite_synchronous: 2,
            clock: Arc::new(SystemClock),
            crash_hook: None,
            on_terminal: None,
            idle_tick: Duration::from_millis(250),
            max_backoff_seconds: 300,
            postgres_schema: None,
            lease_seconds: 30,
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("mode", &self.mode)
            .field("product_code", &self.product_code)
            .field("seal_delay_seconds", &self.seal_delay_seconds)
            .field("late_policy", &self.late_policy)
            .field("max_requests_per_second", &self.max_requests_per_second)
            .field("machine_identity", &self.machine_identity)
            .field("sqlite_vfs", &self.sqlite_vfs)
            .field("postgres_schema", &self.postgres_schema)
            .field("lease_seconds", &self.lease_seconds)
            .finish_non_exhaustive()
    }
}

/// What can go wrong with an outbox call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxError {
    /// A bad argument or option.
    InvalidArgument(String),
    /// The store cannot be opened, read or written, or its settings do not hold.
    Store(String),
    /// Another process (or outbox) holds the store.
    Locked(String),
    /// Usage refused: its slot is sealed and the policy refuses, or its month is closed.
    Late(String),
    /// The outbox was closed.
    Closed,
    /// Machine mode without a machine identity.
    Identity(String),
    /// A wait ended at its timeout.
    TimedOut(String),
}

impl std::fmt::Display for OutboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutboxError::InvalidArgument(m)
            | OutboxError::Store(m)
            | OutboxError::Locked(m)
            | OutboxError::Late(m)
            | OutboxError::Identity(m)
            | OutboxError::TimedOut(m) => f.write_str(m),
            OutboxError::Closed => f.write_str("the outbox is closed"),
        }
    }
}

impl std::error::Error for OutboxError {}

impl From<rusqlite::Error> for OutboxError {
    fn from(e: rusqlite::Error) -> Self {
        OutboxError::Store(format!("outbox store: {e}"))
    }
}
