//! Recording in SQL: the event_id claim, the upsert that only touches an open slot
//! (`ON CONFLICT ... DO UPDATE ... WHERE state = 0`: a slot sealed by another process a moment
//! ago is never grown), the late-usage audit. The rules that use them are in `store/logic.rs`.

use super::PgStore;
use crate::outbox::model::{OutboxError, Recorded};
use crate::outbox::store::{Added, Recording, Usage};
use crate::outbox::{quantity, windows};

/// The common case of `record` in one statement. known: the id was recorded before
/// (committed). up: the open slot grown or made. ev: the id claimed for it; not claimed only
/// when another transaction claimed the same id meanwhile (it committed while this one
/// waited for the slot's row).
const RECORD_COMMON: &str = "WITH known AS (SELECT EXISTS (SELECT 1 FROM {s}events WHERE event_id = $6::text) AS k), \
             up AS (INSERT INTO {s}slots AS s (product, customer, dimension, hour, quantity, state, deadline, created_at) \
               SELECT $1, $2, $3, $4, $5, 0, $7, $8 FROM known WHERE NOT known.k \
               ON CONFLICT (product, customer, dimension, hour) DO UPDATE SET quantity = s.quantity + excluded.quantity \
               WHERE s.state = 0 AND s.quantity + excluded.quantity <= $9 RETURNING s.id), \
             ev AS (INSERT INTO {s}events (event_id, slot_id, quantity, recorded_at) \
               SELECT $6, up.id, $5, $8 FROM up WHERE $6::text IS NOT NULL \
               ON CONFLICT (event_id) DO NOTHING RETURNING 1) \
             SELECT (SELECT k FROM known), (SELECT id FROM up), EXISTS (SELECT 1 FROM ev)";

impl PgStore {
    /// The parameters of `RECORD_COMMON` for one usage.
    fn common_params<'a>(
        &'a self,
        u: &'a Usage,
        deadline: &'a i64,
        now_s: &'a i64,
    ) -> [&'a (dyn tokio_postgres::types::ToSql + Sync); 9] {
        [
            &self.ctx.product,
            &u.customer,
            &u.dimension,
            &u.hour,
            &u.millionths,
            &u.event_id,
            deadline,
            now_s,
            &quantity::MAX_MILLIONTHS,
        ]
    }

    /// What the common statement's row says, taking a lost claim's quantity back out.
    fn common_outcome(
        &self,
        u: &Usage,
        r: &tokio_postgres::Row,
    ) -> Result<Option<Recorded>, OutboxError> {
        let (known, slot, claimed): (bool, Option<i64>, bool) = (r.get(0), r.get(1), r.get(2));
        match slot {
            _ if known => Ok(Some(Recorded::AlreadyKnown)),
            None => Ok(None),
            Some(id) if u.event_id.is_some() && !claimed => {
                // Counted by the other transaction: take this one's quantity back out (this
                // transaction holds the slot's row, so it is still open).
                self.run(
                    "UPDATE {s}slots SET quantity = quantity - $2 WHERE id = $1",
                    &[&id, &u.millionths],
                )?;
                Ok(Some(Recorded::AlreadyKnown))
            }
            Some(_) => Ok(Some(Recorded::Counted)),
        }
    }

    /// What blocked an upsert that changed nothing: a sealed slot, or a full one.
    fn why_not_added(&self, u: &Usage, hour: i64) -> Result<Added, OutboxError> {
        let rows = self.rows(
            "SELECT state FROM {s}slots WHERE product = $1 AND customer = $2 AND dimension = $3 AND hour = $4",
            &[&self.ctx.product, &u.customer, &u.dimension, &hour],
        )?;
        Ok(match rows.first().map(|r| r.get::<_, i16>(0)) {
            Some(0) => Added::Full,
            _ => Added::NotOpen,
        })
    }
}

impl Recording for PgStore {
    fn record_common(&self, u: &Usage, now_s: i64) -> Result<Option<Recorded>, OutboxError> {
        let deadline = windows::deadline(self.ctx.mode, u.hour);
        // known: the id was recorded before (committed). up: the open slot grown or made.
        // ev: the id claimed for it; not claimed only when another transaction claimed the
        // same id meanwhile (it committed while this one waited for the slot's row).
        let rows = self.rows(RECORD_COMMON, &self.common_params(u, &deadline, &now_s))?;
        self.common_outcome(u, &rows[0])
    }

    fn record_commons(
        &self,
        us: &[&Usage],
        now_s: i64,
    ) -> Result<Vec<Option<Recorded>>, OutboxError> {
        if us.len() < 2 {
            return us.iter().map(|u| self.record_common(u, now_s)).collect();
        }
        let st = self.statement(RECORD_COMMON)?;
        let client = self.client()?;
        let pending = self.pending.take();
        let deadlines: Vec<i64> = us
            .iter()
            .map(|u| windows::deadline(self.ctx.mode, u.hour))
            .collect();
        let params: Vec<_> = us
            .iter()
            .zip(&deadlines)
            .map(|(u, d)| self.common_params(u, d, &now_s))
            .collect();
        let rows = self.block("PostgreSQL outbox store", async {
            let queries = params.iter().map(|p| client.query(&st, p));
            super::pipelined(&client, &pending, queries).await
        })?;
        us.iter()
            .zip(rows)
            .map(|(u, r)| match r.first() {
                Some(row) => self.common_outcome(u, row),
                None => Err(OutboxError::Store(
                    "the record statement gave no row".into(),
                )),
            })
            .collect()
    }

    fn take_event_id(
        &self,
        event_id: &str,
        millionths: i64,
        now_s: i64,
    ) -> Result<bool, OutboxError> {
        // A concurrent recorder of the same id makes this wait for its commit, then find it.
        let n = self.run(
            "INSERT INTO {s}events (event_id, slot_id, quantity, recorded_at) VALUES ($1, 0, $2, $3) \
             ON CONFLICT (event_id) DO NOTHING",
            &[&event_id, &millionths, &now_s],
        )?;
        Ok(n == 1)
    }

    fn link_event(&self, event_id: &str, slot_id: i64) -> Result<(), OutboxError> {
        self.run(
            "UPDATE {s}events SET slot_id = $2 WHERE event_id = $1",
            &[&event_id, &slot_id],
        )?;
        Ok(())
    }

    fn add_to_open(
        &self,
        u: &Usage,
        hour: i64,
        create: bool,
        now_s: i64,
    ) -> Result<Added, OutboxError> {
        let rows = if create {
            let deadline = windows::deadline(self.ctx.mode, hour);
            self.rows(
                "INSERT INTO {s}slots AS s (product, customer, dimension, hour, quantity, state, deadline, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 0, $6, $7) \
                 ON CONFLICT (product, customer, dimension, hour) DO UPDATE SET quantity = s.quantity + excluded.quantity \
                 WHERE s.state = 0 AND s.quantity + excluded.quantity <= $8 RETURNING s.id",
                &[
                    &self.ctx.product,
                    &u.customer,
                    &u.dimension,
                    &hour,
                    &u.millionths,
                    &deadline,
                    &now_s,
                    &quantity::MAX_MILLIONTHS,
                ],
            )?
        } else {
            self.rows(
                "UPDATE {s}slots SET quantity = quantity + $5 WHERE product = $1 AND customer = $2 \
                 AND dimension = $3 AND hour = $4 AND state = 0 AND quantity + $5 <= $6 RETURNING id",
                &[
                    &self.ctx.product,
                    &u.customer,
                    &u.dimension,
                    &hour,
                    &u.millionths,
                    &quantity::MAX_MILLIONTHS,
                ],
            )?
        };
        match rows.first() {
            Some(r) => Ok(Added::Open(r.get(0))),
            None => self.why_not_added(u, hour),
        }
    }

    fn add_to_any(&self, u: &Usage, hour: i64) -> Result<bool, OutboxError> {
        let n = self.run(
            "UPDATE {s}slots SET quantity = quantity + $5 WHERE product = $1 AND customer = $2 \
             AND dimension = $3 AND hour = $4",
            &[
                &self.ctx.product,
                &u.customer,
                &u.dimension,
                &hour,
                &u.millionths,
            ],
        )?;
        Ok(n > 0)
    }

    fn log_late(&self, u: &Usage, to_slot: i64, now_s: i64) -> Result<(), OutboxError> {
        self.run(
            "INSERT INTO {s}late_usage (from_hour, to_slot_id, quantity, event_id, recorded_at) \
             VALUES ($1, $2, $3, $4, $5)",
            &[&u.hour, &to_slot, &u.millionths, &u.event_id, &now_s],
        )?;
        Ok(())
    }
}
