//! The fleet's store: the outbox's tables in one schema of the seller's PostgreSQL, shared
//! by any number of processes. Each process has one connection, owned by its writer thread
//! (group commit: one transaction for every caller waiting), driven by tokio-postgres on the
//! library's runtime. What differs from SQLite is only here: the database's clock decides
//! (`now()`), claims are leases fenced by an epoch, the rate budget is a row (`budget.rs`,
//! on a connection of its own), and a lost
//! connection is made again with a backoff (a `record` meanwhile fails, clearly).

mod budget;
mod listen;
mod record;
mod schema;
mod slots;
mod target;
mod tls;

pub use listen::listen;
pub use target::{check_schema, Target, DEFAULT_SCHEMA};

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Row, Statement};

use super::{Ctx, FleetBudget, Lease, Result, Session};
use crate::outbox::clock::Clock;
use crate::outbox::model::OutboxError;

/// Longest wait for one statement: a server that stopped answering is a lost connection.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);
/// A transaction of this process left idle this long is ended by the server (see `begin`).
const IDLE_IN_TRANSACTION: Duration = Duration::from_secs(10);
/// Pauses between connection attempts while the server is away: from the first to the last.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

const SAVEPOINT: &str = "SAVEPOINT job; ";

/// Sends `pending` (if any) and then `next` without waiting in between: both requests leave
/// in this order on the one connection (tokio-postgres sends a request when its future is
/// first polled) and are answered in one round trip.
async fn after_pending<T>(
    client: &Client,
    pending: &str,
    next: impl Future<Output = std::result::Result<T, tokio_postgres::Error>>,
) -> (
    std::result::Result<(), tokio_postgres::Error>,
    std::result::Result<T, tokio_postgres::Error>,
) {
    if pending.is_empty() {
        return (Ok(()), next.await);
    }
    let mut first = std::pin::pin!(client.batch_execute(pending));
    let mut early = None;
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(v) = first.as_mut().poll(cx) {
            early = Some(v);
        }
        std::task::Poll::Ready(())
    })
    .await;
    let first = async {
        match early {
            Some(v) => v,
            None => first.await,
        }
    };
    tokio::join!(first, next)
}

/// Sends `pending` (if any) and then every query, all before reading the first answer (one
/// round trip for all: they leave in this order, as each future is first polled in order),
/// then collects the answers. The first error is the outcome (the transaction is then
/// unusable anyway).
async fn pipelined<'a, T, F>(
    client: &'a Client,
    pending: &'a str,
    queries: impl Iterator<Item = F>,
) -> std::result::Result<Vec<T>, tokio_postgres::Error>
where
    F: Future<Output = std::result::Result<T, tokio_postgres::Error>> + 'a,
{
    type Early<T> = Option<std::result::Result<T, tokio_postgres::Error>>;
    let mut first = (!pending.is_empty()).then(|| Box::pin(client.batch_execute(pending)));
    let mut futs: Vec<_> = queries.map(Box::pin).collect();
    let mut first_early: Early<()> = None;
    let mut early: Vec<Early<T>> = futs.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        if let Some(f) = first.as_mut() {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(cx) {
                first_early = Some(v);
            }
        }
        for (f, e) in futs.iter_mut().zip(early.iter_mut()) {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(cx) {
                *e = Some(v);
            }
        }
        std::task::Poll::Ready(())
    })
    .await;
    if let Some(f) = first {
        match first_early {
            Some(v) => v?,
            None => f.await?,
        }
    }
    let mut out = Vec::with_capacity(futs.len());
    for (f, e) in futs.into_iter().zip(early) {
        out.push(match e {
            Some(v) => v?,
            None => f.await?,
        });
    }
    Ok(out)
}

struct Conn {
    client: Arc<Client>,
    /// Prepared statements by their SQL template (one round trip each after the first).
    prepared: HashMap<&'static str, Statement>,
}

/// When the next connection attempt may be made, and what the last one said.
struct Outage {
    next_try: Instant,
    backoff: Duration,
    last_error: String,
}

/// An open PostgreSQL store: the writer thread's connection (reconnected with backoff), this
/// process's name on its leases, and the schema its tables are in; any number of processes
/// open one on the same schema.
pub struct PgStore {
    target: Target,
    ctx: Ctx,
    clock: Arc<dyn Clock>,
    rt: tokio::runtime::Handle,
    /// This process's name on its leases and attempts: host, pid and a random part.
    holder: String,
    lease_ms: i64,
    /// `"schema".`, the prefix of every table in the SQL.
    prefix: String,
    channel: String,
    conn: RefCell<Option<Conn>>,
    /// Savepoint statements to send before the next statement, in the same round trip.
    pending: RefCell<String>,
    budget: Arc<budget::PgBudget>,
    outage: RefCell<Option<Outage>>,
    now: Cell<Option<i64>>,
    /// The current transaction was ended by the server to resolve a deadlock or a
    /// serialization failure (see `Session::lost_to_conflict`).
    conflict: Cell<bool>,
}

/// SQLSTATEs of a transaction the server ended to resolve a conflict between transactions:
/// serialization_failure, deadlock_detected.
const CONFLICT_STATES: [&str; 2] = ["40001", "40P01"];

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "host".into())
}

impl PgStore {
    /// Connects, creates or migrates the schema (under an advisory lock, so concurrent opens
    /// of an empty database make one schema) and checks that it was made for this mode.
    pub fn open(
        target: Target,
        ctx: Ctx,
        clock: Arc<dyn Clock>,
        rt: tokio::runtime::Handle,
        lease_seconds: i64,
    ) -> Result<Self> {
        let prefix = format!("\"{}\".", target.schema);
        let channel = format!("mpmeter_{}", target.schema);
        let uuid = uuid::Uuid::new_v4().simple().to_string();
        let budget = Arc::new(budget::PgBudget::new(target.clone()));
        let store = Self {
            holder: format!("{}:{}:{}", hostname(), std::process::id(), &uuid[..8]),
            lease_ms: lease_seconds * 1000,
            target,
            ctx,
            clock,
            rt,
            prefix,
            channel,
            conn: RefCell::new(None),
            pending: RefCell::new(String::new()),
            budget,
            outage: RefCell::new(None),
            now: Cell::new(None),
            conflict: Cell::new(false),
        };
        let conn = store.connect().map_err(|e| store.open_error(e))?;
        *store.conn.borrow_mut() = Some(conn);
        store.check_fsync()?;
        schema::migrate(&store)?;
        Ok(store)
    }

    /// A server that does not fsync loses committed transactions when it crashes: refused,
    /// as a SQLite store below synchronous=FULL is.
    fn check_fsync(&self) -> Result<()> {
        let rows = self.rows("SELECT current_setting('fsync')", &[])?;
        let fsync: String = rows.first().map(|r| r.get(0)).unwrap_or_default();
        if fsync != "on" {
            return Err(OutboxError::Store(format!(
                "the PostgreSQL server at {} runs with fsync={fsync}: committed usage would not \
                 survive its crash; refused (fsync must be on)",
                self.target.shown
            )));
        }
        Ok(())
    }

    fn open_error(&self, e: OutboxError) -> OutboxError {
        match e {
            OutboxError::Store(m) => {
                OutboxError::Store(format!("cannot open the PostgreSQL outbox store: {m}"))
            }
            other => other,
        }
    }

    /// Runs a future of this connection on the library's runtime, at most
    /// `STATEMENT_TIMEOUT`.
    fn block<T>(
        &self,
        what: &str,
        f: impl Future<Output = std::result::Result<T, tokio_postgres::Error>>,
    ) -> Result<T> {
        let out = self
            .rt
            .block_on(async { tokio::time::timeout(STATEMENT_TIMEOUT, f).await });
        match out {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.pg_error(what, &e)),
            Err(_) => {
                self.lost();
                Err(self.target.error(
                    what,
                    &format!("no answer within {} s", STATEMENT_TIMEOUT.as_secs()),
                ))
            }
        }
    }

    /// A database error as the outbox says it; a connection that broke is dropped, to be
    /// made again at the next transaction.
    fn pg_error(&self, what: &str, e: &tokio_postgres::Error) -> OutboxError {
        let broken = e.is_closed()
            || self
                .conn
                .borrow()
                .as_ref()
                .is_some_and(|c| c.client.is_closed())
            || e.as_db_error().is_some_and(|d| {
                // admin_shutdown, crash_shutdown, cannot_connect_now: the server is going.
                matches!(d.code().code(), "57P01" | "57P02" | "57P03")
            });
        if broken {
            self.lost();
        }
        if e.as_db_error()
            .is_some_and(|d| CONFLICT_STATES.contains(&d.code().code()))
        {
            self.conflict.set(true);
        }
        let text = pg_text(e);
        if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
            return OutboxError::Store(self.target.redact(&format!(
                "{what}: the PostgreSQL role lacks a permission on schema {} ({text}): it needs \
                 to create the schema (CREATE on the database), or USAGE and CREATE on a schema \
                 made beforehand (README: Running on a fleet)",
                self.target.schema
            )));
        }
        self.target.error(what, &text)
    }

    fn lost(&self) {
        self.conn.borrow_mut().take();
    }

    fn connect(&self) -> Result<Conn> {
        let tls = tls::MakeRustls::get().map_err(OutboxError::Store)?;
        let config = self.target.config.clone();
        let rt = self.rt.clone();
        let (client, connection) = self
            .rt
            .block_on(async { tokio::time::timeout(STATEMENT_TIMEOUT, config.connect(tls)).await })
            .map_err(|_| {
                self.target
                    .error("cannot connect to PostgreSQL", &"timed out")
            })?
            .map_err(|e| {
                self.target
                    .error("cannot connect to PostgreSQL", &pg_text(&e))
            })?;
        rt.spawn(async move {
            // Ends when the connection does; the client then reports itself closed.
            let _ = connection.await;
        });
        Ok(Conn {
            client: Arc::new(client),
            prepared: HashMap::new(),
        })
    }

    /// A connection for the next transaction: the one there is, or a new one unless the
    /// last attempt failed less than the backoff ago.
    fn ensure_connected(&self) -> Result<()> {
        let alive = self
            .conn
            .borrow()
            .as_ref()
            .is_some_and(|c| !c.client.is_closed());
        if alive {
            return Ok(());
        }
        self.lost();
        if let Some(o) = self.outage.borrow().as_ref() {
            if Instant::now() < o.next_try {
                return Err(OutboxError::Store(format!(
                    "the PostgreSQL outbox store is unreachable, nothing was written (next \
                     connection attempt in {} ms): {}",
                    o.next_try
                        .saturating_duration_since(Instant::now())
                        .as_millis(),
                    o.last_error
                )));
            }
        }
        match self.connect() {
            Ok(c) => {
                *self.conn.borrow_mut() = Some(c);
                self.outage.borrow_mut().take();
                tracing::info!(target: "mpmeter::outbox", store = %self.target.shown, "reconnected to PostgreSQL");
                Ok(())
            }
            Err(e) => {
                let mut o = self.outage.borrow_mut();
                let backoff = o
                    .as_ref()
                    .map_or(FIRST_BACKOFF, |o| (o.backoff * 2).min(MAX_BACKOFF));
                let text = e.to_string();
                tracing::warn!(target: "mpmeter::outbox", error = %text, "PostgreSQL unreachable");
                *o = Some(Outage {
                    next_try: Instant::now() + backoff,
                    backoff,
                    last_error: text.clone(),
                });
                Err(OutboxError::Store(format!(
                    "the PostgreSQL outbox store is unreachable, nothing was written: {text}"
                )))
            }
        }
    }

    /// The statement for an SQL template, prepared once per connection. `{s}` in a
    /// template stands for the schema.
    fn statement(&self, sql: &'static str) -> Result<Statement> {
        if let Some(st) = self
            .conn
            .borrow()
            .as_ref()
            .and_then(|c| c.prepared.get(sql).cloned())
        {
            return Ok(st);
        }
        // A transaction left aborted by a failed job takes no new statement until the
        // pending ROLLBACK TO has run.
        if !self.pending.borrow().is_empty() {
            self.batch("")?;
        }
        let client = self.client()?;
        let text = sql.replace("{s}", &self.prefix);
        let st = self.block("PostgreSQL outbox store", client.prepare(&text))?;
        if let Some(c) = self.conn.borrow_mut().as_mut() {
            c.prepared.insert(sql, st.clone());
        }
        Ok(st)
    }

    fn client(&self) -> Result<Arc<Client>> {
        self.conn
            .borrow()
            .as_ref()
            .map(|c| Arc::clone(&c.client))
            .ok_or_else(|| {
                OutboxError::Store(
                    "the connection to PostgreSQL was lost during the transaction: nothing of it \
                     was written"
                        .into(),
                )
            })
    }

    /// Runs a query and returns its rows.
    fn rows(&self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let st = self.statement(sql)?;
        let client = self.client()?;
        let pending = self.pending.take();
        self.block("PostgreSQL outbox store", async {
            let (before, out) = after_pending(&client, &pending, client.query(&st, params)).await;
            before.and(out)
        })
    }

    /// Runs a statement and returns how many rows it changed.
    fn run(&self, sql: &'static str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let st = self.statement(sql)?;
        let client = self.client()?;
        let pending = self.pending.take();
        self.block("PostgreSQL outbox store", async {
            let (before, out) = after_pending(&client, &pending, client.execute(&st, params)).await;
            before.and(out)
        })
    }

    /// Runs SQL text without parameters (transaction control, DDL), `{s}` standing for the
    /// schema, after the savepoint statements still pending.
    fn batch(&self, sql: &str) -> Result<()> {
        let client = self.client()?;
        let text = format!(
            "{}{}",
            self.pending.take(),
            sql.replace("{s}", &self.prefix)
        );
        self.block("PostgreSQL outbox store", client.batch_execute(&text))
    }

    fn lease(&self) -> Lease {
        Lease {
            holder: self.holder.clone(),
            ms: self.lease_ms,
        }
    }
}

impl Session for PgStore {
    fn ctx(&self) -> &Ctx {
        &self.ctx
    }
    fn now_ms(&self) -> Result<i64> {
        if let Some(t) = self.now.get() {
            return Ok(t);
        }
        let t = if self.clock.is_system() {
            // The transaction's start on the server's clock: every server of the fleet
            // agrees on it, whatever their own clocks say.
            let rows = self.rows("SELECT (extract(epoch from now()) * 1000)::int8", &[])?;
            rows[0].get::<_, i64>(0)
        } else {
            self.clock.now_ms()
        };
        self.now.set(Some(t));
        Ok(t)
    }
    fn begin(&self) -> Result<()> {
        self.now.set(None);
        self.conflict.set(false);
        self.pending.take();
        self.ensure_connected()?;
        // Sent with the first statement: a lost connection shows there, as an error of
        // every job of the group. A process stopped mid-transaction (SIGSTOP, a VM paused)
        // would hold its rows' locks and stall every other process's records on them: the
        // server ends such a transaction after IDLE_IN_TRANSACTION (set per transaction,
        // so it holds behind a transaction pooler too).
        // synchronous_commit on: COMMIT returns once the WAL is on disk, whatever the server's
        // default (a commit that returned must survive the server's crash: `record` is
        // durable on return).
        self.pending.borrow_mut().push_str(&format!(
            "BEGIN; SET LOCAL synchronous_commit TO on; \
             SET LOCAL idle_in_transaction_session_timeout = {}; ",
            IDLE_IN_TRANSACTION.as_millis()
        ));
        Ok(())
    }
    fn commit(&self) -> Result<()> {
        self.now.set(None);
        if self.conflict.get() {
            // A conflict inside a job's savepoint was not undone to the savepoint (see
            // `end_savepoint`): the whole transaction is given up, so that the writer runs
            // every job of it again, rather than commit the others without this one. The
            // caller rolls back, as after any failed commit.
            return Err(OutboxError::Store(
                "commit failed: PostgreSQL ended the transaction to resolve a conflict \
                 (deadlock) with another process's; nothing of it was written"
                    .into(),
            ));
        }
        // The last job's RELEASE goes with the COMMIT; a savepoint statement that failed
        // fails the commit, so no job of the group is told its writes are durable.
        self.batch("COMMIT").map_err(|e| match e {
            OutboxError::Store(m) => OutboxError::Store(format!("commit failed: {m}")),
            other => other,
        })
    }
    fn rollback(&self) {
        self.now.set(None);
        self.pending.take();
        let _ = self.batch("ROLLBACK");
    }
    // Savepoints are sent with the job's first statement (or the commit), not in round trips
    // of their own: a group of small jobs costs one round trip per statement.
    fn savepoint(&self) -> Result<()> {
        self.pending.borrow_mut().push_str(SAVEPOINT);
        Ok(())
    }
    fn end_savepoint(&self, keep: bool) -> Result<()> {
        let mut p = self.pending.borrow_mut();
        if p.ends_with(SAVEPOINT) {
            // The job ran no statement: nothing to keep or undo.
            let n = p.len() - SAVEPOINT.len();
            p.truncate(n);
        } else if self.conflict.get() {
            // Not undone to the savepoint: the transaction stays failed and `commit` gives
            // it up whole, for the writer to run again (a deadlock resolves on a retry).
        } else if keep {
            p.push_str("RELEASE SAVEPOINT job; ");
        } else {
            p.push_str("ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job; ");
        }
        Ok(())
    }
    fn fleet_budget(&self) -> Option<Arc<dyn FleetBudget>> {
        Some(Arc::clone(&self.budget) as Arc<dyn FleetBudget>)
    }
    fn lost_to_conflict(&self) -> bool {
        self.conflict.get()
    }
    #[cfg(test)]
    fn exec(&self, sql: &str) -> Result<u64> {
        let client = self.client()?;
        self.batch(&format!(
            "SET LOCAL search_path TO \"{}\"",
            self.target.schema
        ))?;
        self.block("test", async { client.execute(sql, &[]).await })
    }
    #[cfg(test)]
    fn query_i64(&self, sql: &str) -> Result<i64> {
        let client = self.client()?;
        self.batch(&format!(
            "SET LOCAL search_path TO \"{}\"",
            self.target.schema
        ))?;
        let row = self.block("test", async { client.query_one(sql, &[]).await })?;
        Ok(row.get::<_, i64>(0))
    }
}

/// The server's own message and SQLSTATE when it sent one (tokio-postgres's `Display` says
/// only "db error": a wrong password would read as nothing in particular), else the error.
pub(super) fn pg_text(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} (SQLSTATE {})", d.message(), d.code().code()),
        None => e.to_string(),
    }
}
