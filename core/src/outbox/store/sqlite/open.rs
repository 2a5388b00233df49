//! Opening a store: the lock, SQLite with the settings durability needs (WAL,
//! `synchronous=FULL`) read back and enforced, the schema migrated, claimed slots resumed,
//! and the mode and machine identity checked against what the store was made with.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::lock::StoreLock;
use super::{schema, SqliteStore};
use crate::outbox::clock::Clock;
use crate::outbox::model::{Mode, OutboxError};
use crate::outbox::store::Ctx;

/// Opens or creates the store at `path`.
pub fn open(
    path: &Path,
    vfs: Option<&str>,
    synchronous: i64,
    ctx: Ctx,
    clock: std::sync::Arc<dyn Clock>,
) -> Result<SqliteStore, OutboxError> {
    let lock = StoreLock::acquire(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match vfs {
        Some(v) => Connection::open_with_flags_and_vfs(path, flags, v),
        None => Connection::open_with_flags(path, flags),
    }
    .map_err(|e| {
        OutboxError::Store(format!(
            "cannot open the outbox store {}: {e}",
            path.display()
        ))
    })?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", synchronous)?;
    check_settings(&conn, synchronous)?;
    schema::migrate(&conn)?;
    check_binding(&conn, &ctx)?;
    // A slot claimed when the last process died may or may not have reached AWS: send it
    // again (the same bytes; AWS's idempotency makes that safe) and remember the doubt.
    conn.execute(
        "UPDATE slots SET state = 1, in_doubt = 1 WHERE state = 2",
        [],
    )?;
    Ok(SqliteStore {
        conn,
        ctx,
        clock,
        now: std::cell::Cell::new(None),
        _lock: lock,
    })
}

/// Reads back the settings durability rests on; refuses the store if they do not hold (a VFS
/// or filesystem without WAL, an in-memory database).
pub fn check_settings(conn: &Connection, synchronous: i64) -> Result<(), OutboxError> {
    let journal: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    if !journal.eq_ignore_ascii_case("wal") {
        return Err(OutboxError::Store(format!(
            "the outbox store must use journal_mode=WAL, but SQLite reports {journal:?}: \
             refused (a local disk file is needed)"
        )));
    }
    let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0))?;
    if sync != synchronous {
        return Err(OutboxError::Store(format!(
            "the outbox store must use synchronous={synchronous} (FULL is 2), but SQLite \
             reports {sync}: refused"
        )));
    }
    Ok(())
}

/// A store belongs to one mode and product, and in machine mode to one machine: slots of
/// another identity (the store was copied) stay in it, reported and never sent.
fn check_binding(conn: &Connection, ctx: &Ctx) -> Result<(), OutboxError> {
    let get = |k: &str| -> Result<Option<String>, OutboxError> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [k], |r| r.get(0))
            .optional()?)
    };
    let set = |k: &str, v: &str| -> Result<(), OutboxError> {
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) \
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [k, v],
        )?;
        Ok(())
    };
    match get("mode")? {
        Some(m) if m != ctx.mode.as_str() => {
            return Err(OutboxError::Store(format!(
                "this store was made in {m} mode; it cannot be opened in {} mode",
                ctx.mode.as_str()
            )))
        }
        Some(_) => {}
        None => set("mode", ctx.mode.as_str())?,
    }
    if ctx.mode == Mode::Machine {
        if let Some(id) = &ctx.identity {
            set("last_identity", id)?;
        }
    }
    Ok(())
}
