//! The slot state machine in SQL for a fleet: seal, the sweeper, and claims that are leases:
//! `FOR UPDATE SKIP LOCKED` (two senders never wait for each other nor take the same slot),
//! a holder and an expiry on the database's clock, and an epoch bumped by every claim. A
//! completion or renewal is written only while its epoch still holds, so a sender that lost
//! its lease (stopped, cut off) cannot overwrite what the next one did. A sending slot whose
//! lease expired is due again, in doubt (its request may have reached AWS). Leases run on the
//! database's real clock (`clock_timestamp()`) even under a test clock: they measure how
//! long a sender has been silent, in real seconds, while a test's clock may run hours a
//! second.

use tokio_postgres::Row;

use super::PgStore;
use crate::outbox::model::{OutboxError, SlotState, SlotView};
use crate::outbox::store::logic::expiry_reason;
use crate::outbox::store::{Attempt, Claimed, Slots, StateCount};

type R<T> = Result<T, OutboxError>;

/// The database's real time in ms, for leases: the start of the statement, one instant for
/// every row it touches. (`clock_timestamp()` is read again for each row: one claim gave its
/// slots lease ends a millisecond apart, and a claim by another process at that millisecond
/// took some of them over and left the rest, splitting one batch in two. `now()` would be the
/// transaction's start, stale inside a writer group.)
macro_rules! db_now_ms {
    () => {
        "(extract(epoch from statement_timestamp()) * 1000)::int8"
    };
}

/// The columns of a `SlotView`, in `view`'s order.
macro_rules! view_columns {
    () => {
        "id, product, customer, dimension, hour, quantity, state, metering_record_id, reason, \
         client_token, attempts, deadline"
    };
}

fn view(r: &Row) -> SlotView {
    SlotView {
        id: r.get(0),
        product: r.get(1),
        customer: r.get(2),
        dimension: r.get(3),
        hour: r.get(4),
        quantity_millionths: r.get(5),
        state: SlotState::from_i64(i64::from(r.get::<_, i16>(6))).unwrap_or(SlotState::Sealed),
        metering_record_id: r.get(7),
        reason: r.get(8),
        client_token: r.get(9),
        attempts: r.get(10),
        deadline: r.get(11),
        // Machine mode is refused on PostgreSQL: no slot is another machine's.
        foreign: false,
    }
}

impl PgStore {
    fn notify(&self) -> R<()> {
        // Delivered at commit to every process LISTENing (polling covers those that cannot).
        self.rows("SELECT pg_notify($1, '')", &[&self.channel])?;
        Ok(())
    }
}

impl Slots for PgStore {
    fn seal(&self, now_s: i64, delay: Option<i64>, customer: Option<&str>) -> R<usize> {
        let n = self.run(
            "UPDATE {s}slots SET state = 1, sealed_at = $2 WHERE state = 0 \
             AND ($1::int8 IS NULL OR hour <= $2::int8 - 3600 - $1::int8) AND ($3::text IS NULL OR customer = $3)",
            &[&delay, &now_s, &customer],
        )?;
        if n > 0 {
            self.notify()?;
        }
        Ok(n as usize)
    }

    fn retry_now(&self) -> R<()> {
        let n = self.run(
            "UPDATE {s}slots SET next_attempt_ms = 0 WHERE state = 1 AND next_attempt_ms > 0 AND product = $1",
            &[&self.ctx.product],
        )?;
        if n > 0 {
            self.notify()?;
        }
        Ok(())
    }

    fn sweep(&self, now_s: i64) -> R<Vec<SlotView>> {
        let due = self.rows(
            concat!(
                "SELECT id, deadline FROM {s}slots WHERE deadline <= $1 AND state IN (0, 1, 2) \
                 AND (state IN (0, 1) OR (state = 2 AND lease_until_ms <= ",
                db_now_ms!(),
                ")) FOR UPDATE SKIP LOCKED"
            ),
            &[&now_s],
        )?;
        let mut ids = Vec::with_capacity(due.len());
        for r in &due {
            let (id, deadline): (i64, i64) = (r.get(0), r.get(1));
            self.run(
                "UPDATE {s}slots SET state = 7, finished_at = $2, reason = $3, lease_holder = NULL WHERE id = $1",
                &[&id, &now_s, &expiry_reason(deadline)],
            )?;
            ids.push(id);
        }
        self.views(&ids)
    }

    fn claim(&self, now_ms: i64, limit: usize) -> R<Claimed> {
        let now_s = now_ms.div_euclid(1000);
        let lease = self.lease();
        let rows = self.rows(
            concat!(
                "WITH picked AS (SELECT id FROM {s}slots WHERE product = $1 AND deadline > $3 \
                 AND ((state = 1 AND next_attempt_ms <= $2) OR (state = 2 AND lease_until_ms <= ",
                db_now_ms!(),
                ")) ORDER BY hour, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
                 UPDATE {s}slots s SET state = 2, attempts = s.attempts + 1, epoch = s.epoch + 1, \
                 in_doubt = (s.in_doubt OR s.state = 2), lease_holder = $5, lease_until_ms = ",
                db_now_ms!(),
                " + $6::int8 FROM picked WHERE s.id = picked.id RETURNING s.in_doubt, s.epoch, ",
                "s.id, s.product, s.customer, s.dimension, s.hour, s.quantity, s.state, \
                 s.metering_record_id, s.reason, s.client_token, s.attempts, s.deadline"
            ),
            &[
                &self.ctx.product,
                &now_ms,
                &now_s,
                &(limit as i64),
                &lease.holder,
                &lease.ms,
            ],
        )?;
        let mut got: Vec<(SlotView, bool, i64)> = rows
            .iter()
            .map(|r| {
                let v = SlotView {
                    id: r.get(2),
                    product: r.get(3),
                    customer: r.get(4),
                    dimension: r.get(5),
                    hour: r.get(6),
                    quantity_millionths: r.get(7),
                    state: SlotState::Sending,
                    metering_record_id: r.get(9),
                    reason: r.get(10),
                    client_token: r.get(11),
                    attempts: r.get(12),
                    deadline: r.get(13),
                    foreign: false,
                };
                (v, r.get(0), r.get(1))
            })
            .collect();
        // Oldest first, as the batch is built.
        got.sort_by_key(|(v, _, _)| (v.hour, v.id));
        Ok(Claimed {
            in_doubt: got.iter().map(|g| g.1).collect(),
            epochs: got.iter().map(|g| g.2).collect(),
            slots: got.into_iter().map(|g| g.0).collect(),
            lease: Some(lease),
        })
    }

    fn renew(&self, claimed: &Claimed) -> R<bool> {
        let ids: Vec<i64> = claimed.slots.iter().map(|s| s.id).collect();
        let n = self.run(
            concat!(
                "UPDATE {s}slots s SET lease_until_ms = ",
                db_now_ms!(),
                " + $3::int8 FROM unnest($1::int8[], $2::int8[]) AS c(id, epoch) \
                 WHERE s.id = c.id AND s.epoch = c.epoch AND s.state = 2"
            ),
            &[&ids, &claimed.epochs, &self.lease_ms],
        )?;
        Ok(n as usize == ids.len())
    }

    fn set_terminal(
        &self,
        id: i64,
        epoch: i64,
        state: SlotState,
        metering_record_id: Option<&str>,
        reason: Option<&str>,
        now_s: i64,
    ) -> R<bool> {
        let n = self.run(
            "UPDATE {s}slots SET state = $2, metering_record_id = $3, reason = $4, finished_at = $5, \
             lease_holder = NULL WHERE id = $1 AND ($6::int8 < 0 OR (state = 2 AND epoch = $6))",
            &[&id, &(state as i16), &metering_record_id, &reason, &now_s, &epoch],
        )?;
        Ok(n > 0)
    }

    fn failures_and_deadline(&self, id: i64) -> R<(i64, i64)> {
        let rows = self.rows(
            "SELECT failures, deadline FROM {s}slots WHERE id = $1",
            &[&id],
        )?;
        let r = rows
            .first()
            .ok_or_else(|| OutboxError::Store(format!("outbox store: slot {id} is gone")))?;
        Ok((r.get(0), r.get(1)))
    }

    fn set_retry(&self, id: i64, epoch: i64, next_ms: i64, in_doubt: bool) -> R<bool> {
        let n = self.run(
            "UPDATE {s}slots SET state = 1, failures = failures + 1, next_attempt_ms = $2, \
             in_doubt = (in_doubt OR $3::bool), lease_holder = NULL \
             WHERE id = $1 AND ($4::int8 < 0 OR (state = 2 AND epoch = $4))",
            &[&id, &next_ms, &in_doubt, &epoch],
        )?;
        Ok(n > 0)
    }

    fn log_attempt(&self, id: i64, at_ms: i64, request_id: Option<&str>, outcome: &str) -> R<()> {
        self.run(
            "INSERT INTO {s}attempts (slot_id, at_ms, request_id, outcome, holder) VALUES ($1, $2, $3, $4, $5)",
            &[&id, &at_ms, &request_id, &outcome, &self.holder],
        )?;
        Ok(())
    }

    fn views(&self, ids: &[i64]) -> R<Vec<SlotView>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let ids_v = ids.to_vec();
        let rows = self.rows(
            concat!(
                "SELECT ",
                view_columns!(),
                " FROM {s}slots WHERE id = ANY($1)"
            ),
            &[&ids_v],
        )?;
        let mut all: Vec<SlotView> = rows.iter().map(view).collect();
        all.sort_by_key(|v| ids.iter().position(|i| *i == v.id));
        Ok(all)
    }

    fn slots_of_hour(&self, hour: i64) -> R<Vec<SlotView>> {
        // Byte order, as SQLite sorts: the same listing whatever the database's collation.
        let rows = self.rows(
            concat!(
                "SELECT ",
                view_columns!(),
                " FROM {s}slots WHERE hour = $1 \
                 ORDER BY product COLLATE \"C\", customer COLLATE \"C\", dimension COLLATE \"C\""
            ),
            &[&hour],
        )?;
        Ok(rows.iter().map(view).collect())
    }

    fn pending_due(&self) -> R<u64> {
        let rows = self.rows(
            "SELECT count(*) FROM {s}slots WHERE state IN (1, 2) AND product = $1",
            &[&self.ctx.product],
        )?;
        Ok(rows[0].get::<_, i64>(0) as u64)
    }

    fn state_counts(&self) -> R<Vec<StateCount>> {
        let rows = self.rows(
            "SELECT state, count(*), min(hour), min(deadline) FROM {s}slots WHERE product = $1 GROUP BY state",
            &[&self.ctx.product],
        )?;
        Ok(rows
            .iter()
            .map(|r| StateCount {
                state: SlotState::from_i64(i64::from(r.get::<_, i16>(0)))
                    .unwrap_or(SlotState::Sealed),
                foreign: false,
                count: r.get::<_, i64>(1) as u64,
                oldest_hour: r.get(2),
                first_deadline: r.get(3),
            })
            .collect())
    }

    fn attempts(&self, slot_id: i64) -> R<Vec<Attempt>> {
        let rows = self.rows(
            "SELECT at_ms, request_id, outcome FROM {s}attempts WHERE slot_id = $1 ORDER BY id",
            &[&slot_id],
        )?;
        Ok(rows
            .iter()
            .map(|r| Attempt {
                at_ms: r.get(0),
                request_id: r.get(1),
                outcome: r.get(2),
            })
            .collect())
    }
}
