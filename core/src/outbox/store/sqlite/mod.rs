//! The embedded store: one SQLite file, owned by one process at a time (a lock file), WAL and
//! `synchronous=FULL` read back at open. `open` checks the settings and the schema; the other
//! files are the statements of one trait each.

mod lock;
mod open;
mod record;
mod schema;
mod slots;

pub use open::{check_settings, open};

use std::cell::Cell;
use std::sync::Arc;

use rusqlite::Connection;

use super::{Ctx, Result, Session};
use crate::outbox::clock::Clock;
use crate::outbox::model::OutboxError;

/// An open SQLite store: the connection, held only by the writer thread, and the lock file
/// that keeps every other process (and outbox) out while it lives.
pub struct SqliteStore {
    pub(crate) conn: Connection,
    pub(crate) ctx: Ctx,
    clock: Arc<dyn Clock>,
    /// The instant of the current transaction, read once at its first use.
    now: Cell<Option<i64>>,
    // Held for the store's life: dropping it lets the next process in.
    _lock: lock::StoreLock,
}

fn err(e: rusqlite::Error) -> OutboxError {
    OutboxError::Store(format!("outbox store: {e}"))
}

impl Session for SqliteStore {
    fn ctx(&self) -> &Ctx {
        &self.ctx
    }
    fn now_ms(&self) -> Result<i64> {
        let t = self.now.get().unwrap_or_else(|| self.clock.now_ms());
        self.now.set(Some(t));
        Ok(t)
    }
    fn begin(&self) -> Result<()> {
        self.now.set(None);
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(err)
    }
    fn commit(&self) -> Result<()> {
        self.now.set(None);
        self.conn
            .execute_batch("COMMIT")
            .map_err(|e| OutboxError::Store(format!("outbox store: commit failed: {e}")))
    }
    fn rollback(&self) {
        self.now.set(None);
        let _ = self.conn.execute_batch("ROLLBACK");
    }
    fn savepoint(&self) -> Result<()> {
        self.conn.execute_batch("SAVEPOINT job").map_err(err)
    }
    fn end_savepoint(&self, keep: bool) -> Result<()> {
        let sql = if keep {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        self.conn.execute_batch(sql).map_err(err)
    }
    fn fleet_budget(&self) -> Option<Arc<dyn crate::outbox::store::FleetBudget>> {
        None
    }
    #[cfg(test)]
    fn exec(&self, sql: &str) -> Result<u64> {
        Ok(self.conn.execute(sql, []).map_err(err)? as u64)
    }
    #[cfg(test)]
    fn query_i64(&self, sql: &str) -> Result<i64> {
        self.conn.query_row(sql, [], |r| r.get(0)).map_err(err)
    }
}
