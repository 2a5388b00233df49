//! The slot state machine in SQL: seal (quantity frozen, ClientToken chosen), claim (oldest
//! first, one product per batch), complete (terminal, or back to sealed with a backoff), the
//! sweeper, and the queries.

use rusqlite::{params, Row};

use super::Store;
use crate::outbox::model::{Mode, OutboxError, SlotState, SlotView, Stats};

/// Slots taken for one request.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub slots: Vec<SlotView>,
    /// Whether a slot's last send ended without an answer (its fate unknown).
    pub in_doubt: Vec<bool>,
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

const VIEW_COLUMNS: &str = "id, product, customer, dimension, hour, quantity, state, \
     metering_record_id, reason, client_token, attempts, deadline";

impl Store {
    /// Only this machine's slots are sent in machine mode: `?1 IS NULL OR customer = ?1`.
    fn scope(&self) -> Option<&str> {
        match self.ctx.mode {
            Mode::Machine => self.ctx.identity.as_deref(),
            Mode::Saas => None,
        }
    }

    fn view(&self, r: &Row<'_>) -> rusqlite::Result<SlotView> {
        let customer: String = r.get(2)?;
        let foreign = self.ctx.mode == Mode::Machine
            && self.ctx.identity.as_deref() != Some(customer.as_str());
        Ok(SlotView {
            id: r.get(0)?,
            product: r.get(1)?,
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
            foreign,
        })
    }

    /// Seals the open slots whose hour ended at least `delay` seconds before `now_s`; with a
    /// customer, every open slot of that customer (seal-now), current hour included. In
    /// machine mode each gets its ClientToken now, so every resend is the same request.
    pub fn seal(
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

    /// Due slots back to "try now" (flush).
    pub fn retry_now(&self) -> Result<(), OutboxError> {
        self.conn
            .execute("UPDATE slots SET next_attempt_ms = 0 WHERE state = 1", [])?;
        Ok(())
    }

    /// Marks expired every undelivered slot of ours whose window closed; returns them.
    pub fn sweep(&self, now_s: i64) -> Result<Vec<SlotView>, OutboxError> {
        let ids: Vec<i64> = {
            let mut st = self.conn.prepare_cached(
                "SELECT id FROM slots WHERE state IN (0, 1) AND deadline <= ?1 AND (?2 IS NULL OR customer = ?2)",
            )?;
            let rows = st.query_map(params![now_s, self.scope()], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for id in &ids {
            self.conn.prepare_cached(
                "UPDATE slots SET state = 7, finished_at = ?2, reason = 'the acceptance window closed at ' || deadline || ' (Unix seconds) before the slot was delivered' WHERE id = ?1",
            )?
            .execute(params![id, now_s])?;
        }
        self.views(&ids)
    }

    /// Takes the oldest due slots for one request: up to 25 of one product (SaaS), or one
    /// (machine mode), and marks them sending.
    pub fn claim(&self, now_ms: i64) -> Result<Claimed, OutboxError> {
        let now_s = now_ms.div_euclid(1000);
        let limit = match self.ctx.mode {
            Mode::Saas => 25,
            Mode::Machine => 1,
        };
        let rows: Vec<(i64, String, bool)> = {
            let mut st = self.conn.prepare_cached(
                "SELECT id, product, in_doubt FROM slots WHERE state = 1 AND next_attempt_ms <= ?1 \
                 AND deadline > ?2 AND (?3 IS NULL OR customer = ?3) ORDER BY hour, id LIMIT 200",
            )?;
            let rows = st.query_map(params![now_ms, now_s, self.scope()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let Some(product) = rows.first().map(|r| r.1.clone()) else {
            return Ok(Claimed {
                slots: vec![],
                in_doubt: vec![],
            });
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
        })
    }

    /// Writes what a request did to each slot, and the attempt log; returns the slots that
    /// became terminal.
    pub fn complete(
        &self,
        now_ms: i64,
        request_id: Option<&str>,
        done: &[(i64, Completion)],
    ) -> Result<Vec<SlotView>, OutboxError> {
        let now_s = now_ms.div_euclid(1000);
        let mut terminal = Vec::new();
        for (id, c) in done {
            let outcome = match c {
                Completion::Terminal {
                    state,
                    metering_record_id,
                    reason,
                } => {
                    self.conn.prepare_cached(
                        "UPDATE slots SET state = ?2, metering_record_id = ?3, reason = ?4, finished_at = ?5 \
                         WHERE id = ?1 AND state = 2",
                    )?
                    .execute(params![id, *state as i64, metering_record_id, reason, now_s])?;
                    terminal.push(*id);
                    match reason {
                        Some(r) => format!("{}: {r}", state.name()),
                        None => state.name().to_string(),
                    }
                }
                Completion::Retry { reason, in_doubt } => {
                    self.retry_later(*id, now_ms, *in_doubt)?;
                    format!("retry: {reason}")
                }
                Completion::Bisected { reason } => format!("batch refused, bisected: {reason}"),
            };
            self.conn
                .prepare_cached(
                    "INSERT INTO attempts (slot_id, at_ms, request_id, outcome) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, now_ms, request_id, outcome])?;
        }
        self.views(&terminal)
    }

    /// The outage schedule: 1 s, 2 s, 4 s ... up to the maximum pause, and never so long
    /// that the last try would miss the window.
    fn retry_later(&self, id: i64, now_ms: i64, in_doubt: bool) -> Result<(), OutboxError> {
        let (failures, deadline): (i64, i64) = self
            .conn
            .prepare_cached("SELECT failures, deadline FROM slots WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let pause_s = (1_i64 << failures.min(20)).min(self.ctx.max_backoff_seconds.max(1));
        let last_chance_ms = (deadline - 60) * 1000;
        let next = (now_ms + pause_s * 1000).min(last_chance_ms.max(now_ms + 1000));
        self.conn
            .prepare_cached(
                "UPDATE slots SET state = 1, failures = failures + 1, next_attempt_ms = ?2, \
             in_doubt = max(in_doubt, ?3) WHERE id = ?1 AND state = 2",
            )?
            .execute(params![id, next, in_doubt as i64])?;
        Ok(())
    }

    pub fn views(&self, ids: &[i64]) -> Result<Vec<SlotView>, OutboxError> {
        let mut st = self
            .conn
            .prepare_cached(&format!("SELECT {VIEW_COLUMNS} FROM slots WHERE id = ?1"))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(st.query_row([id], |r| self.view(r))?);
        }
        Ok(out)
    }

    /// Every slot of an hour, in key order.
    pub fn slots_of_hour(&self, hour: i64) -> Result<Vec<SlotView>, OutboxError> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {VIEW_COLUMNS} FROM slots WHERE hour = ?1 ORDER BY product, customer, dimension"
        ))?;
        let rows = st.query_map([hour], |r| self.view(r))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Undelivered slots of ours that are due for sending (flush waits for none).
    pub fn pending_due(&self) -> Result<u64, OutboxError> {
        let n: i64 = self.conn.prepare_cached(
            "SELECT count(*) FROM slots WHERE state IN (1, 2) AND (?1 IS NULL OR customer = ?1)",
        )?
        .query_row(params![self.scope()], |r| r.get(0))?;
        Ok(n as u64)
    }

    pub fn stats(&self, now_s: i64) -> Result<Stats, OutboxError> {
        let mut s = Stats {
            seconds_to_first_expiry: -1,
            ..Stats::default()
        };
        let mut st = self.conn.prepare_cached(
            "SELECT state, (?1 IS NOT NULL AND customer != ?1) AS foreign_, count(*), min(hour), min(deadline) \
             FROM slots GROUP BY state, foreign_",
        )?;
        let identity = match self.ctx.mode {
            Mode::Machine => self.ctx.identity.as_deref(),
            Mode::Saas => None,
        };
        let mut rows = st.query(params![identity])?;
        let mut oldest: Option<i64> = None;
        let mut first_deadline: Option<i64> = None;
        while let Some(r) = rows.next()? {
            let state = SlotState::from_i64(r.get(0)?).unwrap_or(SlotState::Sealed);
            let foreign: bool = r.get::<_, Option<i64>>(1)?.unwrap_or(0) != 0;
            let n: u64 = r.get::<_, i64>(2)? as u64;
            if foreign && !state.is_terminal() {
                s.foreign += n;
                continue;
            }
            match state {
                SlotState::Open => s.open += n,
                SlotState::Sealed | SlotState::Sending => s.pending += n,
                SlotState::Accepted => s.accepted += n,
                SlotState::Duplicate => s.duplicate += n,
                SlotState::Conflict => s.conflict += n,
                SlotState::Rejected => s.rejected += n,
                SlotState::Expired => s.expired += n,
            }
            if !state.is_terminal() {
                let h: i64 = r.get(3)?;
                let d: i64 = r.get(4)?;
                oldest = Some(oldest.map_or(h, |o| o.min(h)));
                first_deadline = Some(first_deadline.map_or(d, |o| o.min(d)));
            }
        }
        s.oldest_pending_hour = oldest.unwrap_or(0);
        if let Some(d) = first_deadline {
            s.seconds_to_first_expiry = (d - now_s).max(0);
        }
        Ok(s)
    }
}
