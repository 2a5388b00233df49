//! The fleet's schema and its migrations, made under a transaction-scoped advisory lock so
//! that processes opening an empty database at once make it once. `schema_version` holds the
//! version; a schema from a newer library is refused rather than guessed at, and a missing
//! permission is said as such (see `PgStore::pg_error`).

use super::PgStore;
use crate::outbox::model::OutboxError;
use crate::outbox::store::{Result, Session};

/// Each entry takes the schema from version i to i + 1; `{s}` is the schema.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1
    "CREATE TABLE {s}meta (key text PRIMARY KEY, value text NOT NULL);
     CREATE TABLE {s}slots (
         id bigserial PRIMARY KEY,
         product text NOT NULL,
         customer text NOT NULL,
         dimension text NOT NULL,
         hour int8 NOT NULL,
         quantity int8 NOT NULL,
         state int2 NOT NULL,
         deadline int8 NOT NULL,
         client_token text,
         metering_record_id text,
         reason text,
         attempts int8 NOT NULL DEFAULT 0,
         failures int8 NOT NULL DEFAULT 0,
         next_attempt_ms int8 NOT NULL DEFAULT 0,
         in_doubt boolean NOT NULL DEFAULT false,
         created_at int8 NOT NULL,
         sealed_at int8,
         finished_at int8,
         epoch int8 NOT NULL DEFAULT 0,
         lease_holder text,
         lease_until_ms int8 NOT NULL DEFAULT 0,
         UNIQUE (product, customer, dimension, hour)
     );
     -- Every sender's loop reads these (claim, seal, sweep): partial indexes keep them small
     -- while delivered slots pile up.
     CREATE INDEX slots_due ON {s}slots (product, hour, id) WHERE state IN (1, 2);
     CREATE INDEX slots_open ON {s}slots (hour) WHERE state = 0;
     CREATE INDEX slots_expiring ON {s}slots (deadline) WHERE state IN (0, 1, 2);
     CREATE INDEX slots_by_hour ON {s}slots (hour);
     CREATE TABLE {s}events (
         event_id text PRIMARY KEY,
         slot_id int8 NOT NULL,
         quantity int8 NOT NULL,
         recorded_at int8 NOT NULL
     );
     CREATE TABLE {s}late_usage (
         id bigserial PRIMARY KEY,
         from_hour int8 NOT NULL,
         to_slot_id int8 NOT NULL,
         quantity int8 NOT NULL,
         event_id text,
         recorded_at int8 NOT NULL
     );
     CREATE TABLE {s}attempts (
         id bigserial PRIMARY KEY,
         slot_id int8 NOT NULL,
         at_ms int8 NOT NULL,
         request_id text,
         outcome text NOT NULL,
         holder text NOT NULL
     );
     CREATE INDEX attempts_by_slot ON {s}attempts (slot_id);
     CREATE TABLE {s}rate_budget (name text PRIMARY KEY, next_us int8 NOT NULL);
     INSERT INTO {s}rate_budget (name, next_us) VALUES ('requests', 0);",
];

/// Makes or migrates the schema, then checks the mode it was made for.
pub fn migrate(store: &PgStore) -> Result<()> {
    migrate_with(store, MIGRATIONS)
}

pub(super) fn migrate_with(store: &PgStore, migrations: &[&str]) -> Result<()> {
    store.batch("BEGIN")?;
    let done = steps(store, migrations).and_then(|()| store.batch("COMMIT"));
    if done.is_err() {
        store.rollback();
    }
    done
}

fn steps(store: &PgStore, migrations: &[&str]) -> Result<()> {
    let schema = store.target.schema.clone();
    // Held until the transaction ends: one migrating process at a time per schema.
    store.rows(
        "SELECT pg_advisory_xact_lock(hashtext('mpmeter outbox schema'), hashtext($1))",
        &[&schema],
    )?;
    let exists = !store
        .rows("SELECT 1 FROM pg_namespace WHERE nspname = $1", &[&schema])?
        .is_empty();
    if !exists {
        // CREATE SCHEMA needs CREATE on the database; a schema made beforehand needs none.
        store.batch(&format!("CREATE SCHEMA \"{schema}\""))?;
    }
    store.batch("CREATE TABLE IF NOT EXISTS {s}schema_version (version int4 NOT NULL)")?;
    let v: Option<i32> = store
        .rows("SELECT max(version) FROM {s}schema_version", &[])?
        .first()
        .and_then(|r| r.get(0));
    let mut v = i64::from(v.unwrap_or(0));
    if v > migrations.len() as i64 {
        return Err(OutboxError::Store(format!(
            "the PostgreSQL outbox schema {schema} has version {v}, newer than this library's {}: \
             refused (open it with a newer mpmeter)",
            migrations.len()
        )));
    }
    while (v as usize) < migrations.len() {
        store
            .batch(migrations[v as usize])
            .and_then(|()| store.batch("DELETE FROM {s}schema_version"))
            .and_then(|()| {
                store.batch(&format!(
                    "INSERT INTO {{s}}schema_version (version) VALUES ({})",
                    v + 1
                ))
            })
            .map_err(|e| {
                OutboxError::Store(format!(
                    "outbox schema {schema}: migration to version {} failed: {e}",
                    v + 1
                ))
            })?;
        v += 1;
    }
    check_mode(store)
}

/// A schema belongs to one mode (SaaS: the only one a fleet has, for now).
fn check_mode(store: &PgStore) -> Result<()> {
    let mode = store.ctx.mode.as_str();
    store.run(
        "INSERT INTO {s}meta (key, value) VALUES ('mode', $1) ON CONFLICT (key) DO NOTHING",
        &[&mode],
    )?;
    let rows = store.rows("SELECT value FROM {s}meta WHERE key = 'mode'", &[])?;
    let made: String = rows.first().map(|r| r.get(0)).unwrap_or_default();
    if made != mode {
        return Err(OutboxError::Store(format!(
            "the PostgreSQL outbox schema {} was made in {made} mode; it cannot be opened in {mode} mode",
            store.target.schema
        )));
    }
    Ok(())
}
