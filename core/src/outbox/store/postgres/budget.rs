//! The fleet's rate budget: one row, `next_us`, the earliest instant (database clock, µs) of
//! the next request. Each request takes the turn at `max(next_us, now)` and moves the row one
//! interval on, so the whole fleet keeps to N requests a second however many processes send.
//! It has a connection of its own, off the writer's group commit (a turn taken behind a
//! group's fsync would come back late), and commits without waiting for the disk: a turn
//! lost in a crash costs nothing.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio_postgres::{Client, SimpleQueryMessage};

use super::tls::MakeRustls;
use super::Target;
use crate::outbox::model::OutboxError;
use crate::outbox::store::{FleetBudget, FutResult};

pub struct PgBudget {
    target: Target,
    client: Mutex<Option<Client>>,
}

impl PgBudget {
    pub fn new(target: Target) -> Self {
        Self {
            target,
            client: Mutex::new(None),
        }
    }

    async fn reserve_now(&self, interval_us: i64) -> Result<Duration, OutboxError> {
        let mut guard = self.client.lock().await;
        if guard.as_ref().is_none_or(Client::is_closed) {
            let tls = MakeRustls::get().map_err(OutboxError::Store)?;
            let (client, connection) = self.target.config.connect(tls).await.map_err(|e| {
                self.target
                    .error("the fleet's rate budget", &super::pg_text(&e))
            })?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            *guard = Some(client);
        }
        let Some(client) = guard.as_ref() else {
            unreachable!("connected above")
        };
        // One round trip: the turn is taken and committed together.
        let sql = format!(
            "BEGIN; SET LOCAL synchronous_commit TO off; \
             WITH now AS (SELECT (extract(epoch from clock_timestamp()) * 1000000)::int8 AS us) \
             UPDATE \"{schema}\".rate_budget b SET next_us = greatest(b.next_us, now.us) + {interval_us} \
             FROM now WHERE b.name = 'requests' RETURNING b.next_us - {interval_us} - now.us; COMMIT",
            schema = self.target.schema
        );
        let out = client.simple_query(&sql).await;
        let messages = match out {
            Ok(m) => m,
            Err(e) => {
                if e.is_closed() || client.is_closed() {
                    guard.take();
                }
                return Err(self
                    .target
                    .error("the fleet's rate budget", &super::pg_text(&e)));
            }
        };
        let wait_us = messages
            .iter()
            .find_map(|m| match m {
                SimpleQueryMessage::Row(r) => r.get(0).and_then(|v| v.parse::<i64>().ok()),
                _ => None,
            })
            .ok_or_else(|| OutboxError::Store("the fleet's rate budget row is missing".into()))?;
        Ok(Duration::from_micros(wait_us.max(0) as u64))
    }
}

impl FleetBudget for PgBudget {
    fn reserve(&self, interval_us: i64) -> FutResult<'_, Duration> {
        Box::pin(self.reserve_now(interval_us))
    }
}
