//! The slot state machine in SQL: seal (quantity frozen, ClientToken chosen), claim (oldest
//! first, one product per batch), complete (terminal, or back to sealed), the sweeper, and the
//! queries. One process owns the file, so a claim needs no lease and no fence: `epoch` is
//! ignored, and slots left sending by a dead process are resumed at open.

use rusqlite::{params, Row};

use super::SqliteStore;
use crate::outbox::model::{Mode, OutboxError, SlotState, SlotView};
use crate::outbox::store::logic::expiry_reason;
use crate::outbox::store::{Attempt, Claimed, Slots, StateCount};

const VIEW_COLUMNS: &str = "id, product, customer, dimension, hour, quantity, state, \
     metering_record_id, reason, client_token, attempts, deadline";

impl SqliteStore {
    fn view(&self, r: &Row<'_>) -> rusqlite::Result<SlotView> {
        let customer: String = r.get(2)?;
        Ok(SlotView {
            id: r.get(0)?,
            product: r.get(1)?,
            foreign: self.ctx.is_foreign(&customer),
            customer,
            dimension: r.get(3)?,
            hour: r.get(4)?,
            quantity_millionths: r.get(5)?,
            state: SlotState::from_i64(r.get(6)?).unwrap_or(SlotState::Sealed),
            metering_record_id: r.get(7)?,
            reason: r.get(8)?,
            client_token: r.get(9)?,
            attempts: r.get(10)?,
            deadline: r.get(11)?,
        })
    }
}

impl Slots for SqliteStore {
    fn seal(
        &self,
        now_s: i64,
        delay: Option<i64>,
        customer: Option<&str>,
    ) -> Result<usize, OutboxError> {
        let ids: Vec<i64> = {
            let mut st = self.conn.prepare_cached(
                "SELECT id FROM slots WHERE state = 0 AND (?1 IS NULL OR hour + 3600 + ?1 <= ?2) \
                 AND (?3 IS NULL OR customer = ?3)",
            )?;
            let rows = st.query_map(params![delay, now_s, customer], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let machine = self.ctx.mode == Mode::Machine;
        let mut up = self.conn.prepare_cached(
            "UPDATE slots SET state = 1, sealed_at = ?2, client_token = ?3 WHERE id = ?1 AND state = 0",
        )?;
        for id in &ids {
            let token = machine.then(|| uuid::Uuid::new_v4().to_string());
            up.execute(params![id, now_s, token])?;
        }
        Ok(ids.len())
    }

    fn retry_now(&self) -> Result<(), OutboxError> {
        self.conn
            .execute("UPDATE slots SET next_attempt_ms = 0 WHERE state = 1", [])?;
        Ok(())
    }

    fn sweep(&self, now_s: i64) -> Result<Vec<SlotView>, OutboxError> {
        let due: Vec<(i64, i64)> = {
            let mut st = self.conn.prepare_cached(
                "SELECT id, deadline FROM slots WHERE state IN (0, 1) AND deadline <= ?1 AND (?2 IS NULL OR customer = ?2)",
            )?;
            let rows = st.query_map(params![now_s, self.ctx.scope()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        for (id, deadline) in &due {
            self.conn
                .prepare_cached(
                    "UPDATE slots SET state = 7, finished_at = ?2, reason = ?3 WHERE id = ?1",
                )?
                .execute(params![id, now_s, expiry_reason(*deadline)])?;
        }
        let ids: Vec<i64> = due.iter().map(|d| d.0).collect();
        self.views(&ids)
    }

    fn claim(&self, now_ms: i64, limit: usize) -> Result<Claimed, OutboxError> {
        let now_s = now_ms.div_euclid(1000);
        let rows: Vec<(i64, String, bool)> = {
            let mut st = self.conn.prepare_cached(
                "SELECT id, product, in_doubt FROM slots WHERE state = 1 AND next_attempt_ms <= ?1 \
                 AND deadline > ?2 AND (?3 IS NULL OR customer = ?3) ORDER BY hour, id LIMIT 200",
            )?;
            let rows = st.query_map(params![now_ms, now_s, self.ctx.scope()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let Some(product) = rows.first().map(|r| r.1.clone()) else {
            return Ok(Claimed::default());
        };
        let picked: Vec<&(i64, String, bool)> =
            rows.iter().filter(|r| r.1 == product).take(limit).collect();
        for (id, _, _) in &picked {
            self.conn
                .prepare_cached(
                    "UPDATE slots SET state = 2, attempts = attempts + 1 WHERE id = ?1",
                )?
                .execute([id])?;
        }
        let ids: Vec<i64> = picked.iter().map(|r| r.0).collect();
        Ok(Claimed {
            slots: self.views(&ids)?,
            in_doubt: picked.iter().map(|r| r.2).collect(),
            epochs: vec![0; ids.len()],
            lease: None,
        })
    }

    fn renew(&self, _claimed: &Claimed) -> Result<bool, OutboxError> {
        Ok(true)
    }

    fn set_terminal(
        &self,
        id: i64,
        _epoch: i64,
        state: SlotState,
        metering_record_id: Option<&str>,
        reason: Option<&str>,
        now_s: i64,
    ) -> Result<bool, OutboxError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE slots SET state = ?2, metering_record_id = ?3, reason = ?4, finished_at = ?5 \
                 WHERE id = ?1 AND state = 2",
            )?
            .execute(params![id, state as i64, metering_record_id, reason, now_s])?;
        Ok(n > 0)
    }

    fn failures_and_deadline(&self, id: i64) -> Result<(i64, i64), OutboxError> {
        Ok(self
            .conn
            .prepare_cached("SELECT failures, deadline FROM slots WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn set_retry(
        &self,
        id: i64,
        _epoch: i64,
        next_ms: i64,
        in_doubt: bool,
    ) -> Result<bool, OutboxError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE slots SET state = 1, failures = failures + 1, next_attempt_ms = ?2, \
                 in_doubt = max(in_doubt, ?3) WHERE id = ?1 AND state = 2",
            )?
            .execute(params![id, next_ms, in_doubt as i64])?;
        Ok(n > 0)
    }

    fn log_attempt(
        &self,
        id: i64,
        at_ms: i64,
        request_id: Option<&str>,
        outcome: &str,
    ) -> Result<(), OutboxError> {
        self.conn
            .prepare_cached(
                "INSERT INTO attempts (slot_id, at_ms, request_id, outcome) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, at_ms, request_id, outcome])?;
        Ok(())
    }

    fn views(&self, ids: &[i64]) -> Result<Vec<SlotView>, OutboxError> {
        let mut st = self
            .conn
            .prepare_cached(&format!("SELECT {VIEW_COLUMNS} FROM slots WHERE id = ?1"))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(st.query_row([id], |r| self.view(r))?);
        }
        Ok(out)
    }

    fn slots_of_hour(&self, hour: i64) -> Result<Vec<SlotView>, OutboxError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {VIEW_COLUMNS} FROM slots WHERE hour = ?1 ORDER BY product, customer, dimension"
        ))?;
        let rows = st.query_map([hour], |r| self.view(r))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn pending_due(&self) -> Result<u64, OutboxError> {
        let n: i64 = self.conn.prepare_cached(
            "SELECT count(*) FROM slots WHERE state IN (1, 2) AND (?1 IS NULL OR customer = ?1)",
        )?
        .query_row(params![self.ctx.scope()], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn state_counts(&self) -> Result<Vec<StateCount>, OutboxError> {
        let mut st = self.conn.prepare_cached(
            "SELECT state, (?1 IS NOT NULL AND customer != ?1) AS foreign_, count(*), min(hour), min(deadline) \
             FROM slots GROUP BY state, foreign_",
        )?;
        let rows = st.query_map(params![self.ctx.scope()], |r| {
            Ok(StateCount {
                state: SlotState::from_i64(r.get(0)?).unwrap_or(SlotState::Sealed),
                foreign: r.get::<_, Option<i64>>(1)?.unwrap_or(0) != 0,
                count: r.get::<_, i64>(2)? as u64,
                oldest_hour: r.get(3)?,
                first_deadline: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn attempts(&self, slot_id: i64) -> Result<Vec<Attempt>, OutboxError> {
        let mut st = self.conn.prepare_cached(
            "SELECT at_ms, request_id, outcome FROM attempts WHERE slot_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([slot_id], |r| {
            Ok(Attempt {
                at_ms: r.get(0)?,
                request_id: r.get(1)?,
                outcome: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
