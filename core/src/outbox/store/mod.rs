//! The outbox's store: one SQLite file, owned by one process at a time, read and written only
//! by the writer thread. `open` checks its settings and schema; the other files are the
//! statements of one job each.

mod lock;
mod open;
pub(crate) mod record;
mod schema;
mod slots;

pub use open::{check_settings, open};
pub use slots::{Claimed, Completion};

use rusqlite::Connection;

use super::model::{LatePolicy, Mode};

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

pub struct Store {
    pub(crate) conn: Connection,
    pub(crate) ctx: Ctx,
    // Held for the store's life: dropping it lets the next process in.
    _lock: lock::StoreLock,
}
