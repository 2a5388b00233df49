//! The schema and its migrations. `schema_version` holds the version the file is at; each
//! migration moves it one step, inside the transaction that changes the tables. A file from a
//! newer library is refused rather than guessed at.

use rusqlite::Connection;

use crate::outbox::model::OutboxError;

/// Each entry takes the schema from version i to i + 1.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE slots (
         id INTEGER PRIMARY KEY,
         product TEXT NOT NULL,
         customer TEXT NOT NULL,
         dimension TEXT NOT NULL,
         hour INTEGER NOT NULL,
         quantity INTEGER NOT NULL,
         state INTEGER NOT NULL,
         deadline INTEGER NOT NULL,
         client_token TEXT,
         metering_record_id TEXT,
         reason TEXT,
         attempts INTEGER NOT NULL DEFAULT 0,
         failures INTEGER NOT NULL DEFAULT 0,
         next_attempt_ms INTEGER NOT NULL DEFAULT 0,
         in_doubt INTEGER NOT NULL DEFAULT 0,
         created_at INTEGER NOT NULL,
         sealed_at INTEGER,
         finished_at INTEGER,
         UNIQUE (product, customer, dimension, hour)
     );
     CREATE INDEX slots_by_state ON slots (state, hour);
     CREATE INDEX slots_by_hour ON slots (hour);
     CREATE TABLE events (
         event_id TEXT PRIMARY KEY,
         slot_id INTEGER NOT NULL,
         quantity INTEGER NOT NULL,
         recorded_at INTEGER NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE late_usage (
         id INTEGER PRIMARY KEY,
         from_hour INTEGER NOT NULL,
         to_slot_id INTEGER NOT NULL,
         quantity INTEGER NOT NULL,
         event_id TEXT,
         recorded_at INTEGER NOT NULL
     );
     CREATE TABLE attempts (
         id INTEGER PRIMARY KEY,
         slot_id INTEGER NOT NULL,
         at_ms INTEGER NOT NULL,
         request_id TEXT,
         outcome TEXT NOT NULL
     );
     CREATE INDEX attempts_by_slot ON attempts (slot_id);",
];

pub fn version(conn: &Connection) -> Result<i64, OutboxError> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    let v: Option<i64> =
        conn.query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))?;
    Ok(v.unwrap_or(0))
}

pub fn migrate(conn: &Connection) -> Result<(), OutboxError> {
    migrate_with(conn, MIGRATIONS)
}

fn migrate_with(conn: &Connection, migrations: &[&str]) -> Result<(), OutboxError> {
    let mut v = version(conn)?;
    if v > migrations.len() as i64 {
        return Err(OutboxError::Store(format!(
            "the outbox store has schema version {v}, newer than this library's {}: refused \
             (open it with a newer mpmeter)",
            migrations.len()
        )));
    }
    while (v as usize) < migrations.len() {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let step = conn
            .execute_batch(migrations[v as usize])
            .and_then(|()| conn.execute("DELETE FROM schema_version", []).map(drop))
            .and_then(|()| {
                conn.execute("INSERT INTO schema_version (version) VALUES (?1)", [v + 1])
                    .map(drop)
            });
        match step {
            Ok(()) => conn.execute_batch("COMMIT")?,
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(OutboxError::Store(format!(
                    "outbox store migration to version {} failed: {e}",
                    v + 1
                )));
            }
        }
        v += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_step_by_step_and_refuses_newer() {
        let conn = Connection::open_in_memory().unwrap();
        migrate_with(&conn, &MIGRATIONS[..1]).unwrap();
        assert_eq!(version(&conn).unwrap(), 1);
        let next = [MIGRATIONS[0], "ALTER TABLE slots ADD COLUMN note TEXT"];
        migrate_with(&conn, &next).unwrap();
        assert_eq!(version(&conn).unwrap(), 2);
        conn.execute("UPDATE slots SET note = 'x'", []).unwrap();
        // Opening again does nothing; a library that knows fewer versions refuses.
        migrate_with(&conn, &next).unwrap();
        let err = migrate_with(&conn, &MIGRATIONS[..1]).unwrap_err();
        assert!(err.to_string().contains("newer than this library"), "{err}");
    }

    #[test]
    fn a_failed_migration_leaves_the_version() {
        let conn = Connection::open_in_memory().unwrap();
        let bad = [MIGRATIONS[0], "ALTER TABLE nosuch ADD COLUMN x"];
        assert!(migrate_with(&conn, &bad).is_err());
        assert_eq!(version(&conn).unwrap(), 1);
    }
}
