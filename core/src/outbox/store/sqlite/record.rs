//! Recording in SQL: the event_id claim, the upsert into an open slot, the late-usage audit.
//! The rules that use them are in `store/logic.rs`.

use rusqlite::{params, OptionalExtension};

use super::SqliteStore;
use crate::outbox::model::OutboxError;
use crate::outbox::store::{Added, Recording, Usage};
use crate::outbox::{quantity, windows};

impl Recording for SqliteStore {
    fn take_event_id(
        &self,
        event_id: &str,
        millionths: i64,
        now_s: i64,
    ) -> Result<bool, OutboxError> {
        let n = self
            .conn
            .prepare_cached(
                "INSERT INTO events (event_id, slot_id, quantity, recorded_at) VALUES (?1, 0, ?2, ?3) \
                 ON CONFLICT (event_id) DO NOTHING",
            )?
            .execute(params![event_id, millionths, now_s])?;
        Ok(n == 1)
    }

    fn link_event(&self, event_id: &str, slot_id: i64) -> Result<(), OutboxError> {
        self.conn
            .prepare_cached("UPDATE events SET slot_id = ?2 WHERE event_id = ?1")?
            .execute(params![event_id, slot_id])?;
        Ok(())
    }

    fn add_to_open(
        &self,
        u: &Usage,
        hour: i64,
        create: bool,
        now_s: i64,
    ) -> Result<Added, OutboxError> {
        let key = params![self.ctx.product, u.customer, u.dimension, hour];
        let row: Option<(i64, i64, i64)> = self
            .conn
            .prepare_cached(
                "SELECT id, state, quantity FROM slots WHERE product = ?1 AND customer = ?2 AND dimension = ?3 AND hour = ?4",
            )?
            .query_row(key, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let id = match row {
            Some((_, state, _)) if state != 0 => return Ok(Added::NotOpen),
            Some((_, _, q)) if q + u.millionths > quantity::MAX_MILLIONTHS => {
                return Ok(Added::Full)
            }
            Some((id, _, _)) => id,
            None if !create => return Ok(Added::NotOpen),
            None => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO slots (product, customer, dimension, hour, quantity, state, deadline, created_at) \
                         VALUES (?1, ?2, ?3, ?4, 0, 0, ?5, ?6)",
                    )?
                    .execute(params![
                        self.ctx.product,
                        u.customer,
                        u.dimension,
                        hour,
                        windows::deadline(self.ctx.mode, hour),
                        now_s
                    ])?;
                self.conn.last_insert_rowid()
            }
        };
        self.conn
            .prepare_cached(
                "UPDATE slots SET quantity = quantity + ?2 WHERE id = ?1 AND state = 0",
            )?
            .execute(params![id, u.millionths])?;
        Ok(Added::Open(id))
    }

    fn add_to_any(&self, u: &Usage, hour: i64) -> Result<bool, OutboxError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE slots SET quantity = quantity + ?5 WHERE product = ?1 AND customer = ?2 AND dimension = ?3 AND hour = ?4",
            )?
            .execute(params![self.ctx.product, u.customer, u.dimension, hour, u.millionths])?;
        Ok(n > 0)
    }

    fn log_late(&self, u: &Usage, to_slot: i64, now_s: i64) -> Result<(), OutboxError> {
        self.conn
            .prepare_cached(
                "INSERT INTO late_usage (from_hour, to_slot_id, quantity, event_id, recorded_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![u.hour, to_slot, u.millionths, u.event_id, now_s])?;
        Ok(())
    }
}
