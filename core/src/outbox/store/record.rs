//! Recording usage: the event_id dedupe, the slot of the event's hour, and the late-usage
//! policy for a slot that is already sealed. Runs inside the writer's transaction.

use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::outbox::model::{LatePolicy, OutboxError, Recorded, SlotState};
use crate::outbox::{quantity, windows};

/// An event checked and converted by `Outbox::record` before it reaches the writer.
#[derive(Debug, Clone)]
pub struct Usage {
    /// Customer (SaaS) or machine identity.
    pub customer: String,
    pub dimension: String,
    pub hour: i64,
    pub millionths: i64,
    pub event_id: Option<String>,
}

impl Store {
    pub fn record(&self, usage: &Usage, now_s: i64) -> Result<Recorded, OutboxError> {
        // MUTATION no_event_dedupe (outbox-mutations feature only): the lookup is skipped.
        let dedupe = !crate::outbox::mutation::on("no_event_dedupe");
        if let (Some(id), true) = (&usage.event_id, dedupe) {
            let known: Option<i64> = self
                .conn
                .prepare_cached("SELECT 1 FROM events WHERE event_id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if known.is_some() {
                return Ok(Recorded::AlreadyKnown);
            }
        }
        let current = windows::hour_of(now_s);
        let (slot_id, how) = match self.slot_state(usage, usage.hour)? {
            Some((id, SlotState::Open)) => (id, Recorded::Counted),
            // MUTATION late_into_sealed (outbox-mutations feature only): the sealed slot grows.
            Some((id, _)) if crate::outbox::mutation::on("late_into_sealed") => {
                self.conn
                    .prepare_cached("UPDATE slots SET quantity = quantity + ?2 WHERE id = ?1")?
                    .execute(params![id, usage.millionths])?;
                return Ok(Recorded::Counted);
            }
            None if now_s < windows::deadline(self.ctx.mode, usage.hour) => {
                (self.new_slot(usage, usage.hour, now_s)?, Recorded::Counted)
            }
            _ => (
                self.late_slot(usage, current, now_s)?,
                Recorded::RolledIntoCurrentHour,
            ),
        };
        self.add(slot_id, usage.millionths)?;
        if let (Some(id), true) = (&usage.event_id, dedupe) {
            self.conn
                .prepare_cached(
                    "INSERT INTO events (event_id, slot_id, quantity, recorded_at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, slot_id, usage.millionths, now_s])?;
        }
        if how == Recorded::RolledIntoCurrentHour {
            self.conn
                .prepare_cached(
                    "INSERT INTO late_usage (from_hour, to_slot_id, quantity, event_id, recorded_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![usage.hour, slot_id, usage.millionths, usage.event_id, now_s])?;
        }
        Ok(how)
    }

    /// The slot of the current hour for usage whose own slot is sealed (or whose window
    /// closed), by policy; never across a month boundary.
    fn late_slot(&self, usage: &Usage, current: i64, now_s: i64) -> Result<i64, OutboxError> {
        let what = format!(
            "usage for hour {} ({} / {})",
            usage.hour,
            crate::quote::quote(&usage.customer),
            crate::quote::quote(&usage.dimension)
        );
        if self.ctx.late_policy == LatePolicy::Refuse {
            return Err(OutboxError::Late(format!(
                "{what} is late: its slot is sealed or its window closed, and the late-usage policy refuses it"
            )));
        }
        if windows::month_of(usage.hour) != windows::month_of(current) {
            return Err(OutboxError::Late(format!(
                "{what} is late and its month is over: it is never rolled into another month"
            )));
        }
        match self.slot_state(usage, current)? {
            Some((id, SlotState::Open)) => Ok(id),
            None => self.new_slot(usage, current, now_s),
            Some(_) => Err(OutboxError::Late(format!(
                "{what} is late, and the current hour's slot is sealed too (seal-now): refused"
            ))),
        }
    }

    fn slot_state(&self, u: &Usage, hour: i64) -> Result<Option<(i64, SlotState)>, OutboxError> {
        let row: Option<(i64, i64)> = self
            .conn
            .prepare_cached(
                "SELECT id, state FROM slots WHERE product = ?1 AND customer = ?2 AND dimension = ?3 AND hour = ?4",
            )?
            .query_row(params![self.ctx.product, u.customer, u.dimension, hour], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(row.map(|(id, s)| (id, SlotState::from_i64(s).unwrap_or(SlotState::Sealed))))
    }

    fn new_slot(&self, u: &Usage, hour: i64, now_s: i64) -> Result<i64, OutboxError> {
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
        Ok(self.conn.last_insert_rowid())
    }

    fn add(&self, slot_id: i64, millionths: i64) -> Result<(), OutboxError> {
        let n = self
            .conn
            .prepare_cached(
                "UPDATE slots SET quantity = quantity + ?2 WHERE id = ?1 AND state = 0 AND quantity + ?2 <= ?3",
            )?
            .execute(params![slot_id, millionths, quantity::MAX_MILLIONTHS])?;
        if n == 0 {
            return Err(OutboxError::InvalidArgument(format!(
                "the hour's quantity would exceed {} (AWS's limit for one record)",
                quantity::format(quantity::MAX_MILLIONTHS)
            )));
        }
        Ok(())
    }
}
