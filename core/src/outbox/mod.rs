//! The durable outbox: usage recorded once is billed exactly once, whatever crashes.
//!
//! `record` commits usage to the store before it returns: a local SQLite file (WAL,
//! `synchronous=FULL`, one process) or, in fleet mode, a PostgreSQL schema that any number of
//! processes record into and deliver from (`store/postgres`). Usage is aggregated per
//! (product, customer or machine, dimension, hour) in exact millionths. Each hour is sealed
//! (its quantity frozen) a delay after it ends; a background sender on the runtime the caller
//! gives delivers sealed slots by BatchMeterUsage (SaaS) or MeterUsage (machine mode),
//! byte-identical on every resend, and every slot ends in one terminal state: accepted,
//! duplicate, conflict, rejected or expired. A SQLite store must be on a local disk (locks and
//! fsync do not hold on NFS) and is used by one process at a time.

pub mod clock;
pub mod identity;
pub mod model;
pub mod mutation;
pub mod quantity;
pub mod sender;
pub mod store;
pub mod windows;
mod writer;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use clock::{Clock, ManualClock, SystemClock};
pub use model::{
    CrashHook, CrashPoint, Event, LatePolicy, Mode, Options, OutboxError, Recorded, SlotState,
    SlotView, Stats, TerminalCallback,
};
pub use sender::Transport;

use sender::Shared;
use store::{Ctx, Usage};
use writer::WriterThread;

/// An open outbox. Safe to share between threads. Its calls block (they wait for the store's
/// writer thread), so call them from ordinary threads or `spawn_blocking`, not from a task of
/// the runtime it delivers on.
///
/// A SaaS product records each customer's usage as it happens; the outbox aggregates it per
/// customer, dimension and hour, seals each hour 5 minutes after it ends, and delivers it by
/// BatchMeterUsage through the client, reporting what became of every slot.
///
/// ```no_run
/// use std::path::Path;
/// use std::sync::Arc;
/// use std::time::Duration;
/// use mpmeter_core::client::{Client, ClientConfig};
/// use mpmeter_core::credentials::{ChainOptions, CredentialsSource};
/// use mpmeter_core::outbox::{Event, Options, Outbox, OutboxError, Recorded, TerminalCallback};
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
/// let client = Client::new(
///     "us-east-1",
///     None,
///     CredentialsSource::default_chain(ChainOptions::default()),
///     ClientConfig::default(),
/// )?;
/// // Every slot ends in one terminal state, reported once, on the outbox's callback thread.
/// let on_terminal: TerminalCallback = Arc::new(|slot| {
///     println!(
///         "{} {} hour {}: {} {:?} {:?}",
///         slot.customer, slot.dimension, slot.hour, slot.state.name(),
///         slot.metering_record_id, slot.reason
///     );
/// });
/// let options = Options {
///     product_code: Some("demo-product".into()),
///     on_terminal: Some(on_terminal),
///     ..Default::default()
/// };
/// // Returns at once: it never waits for the network. The client is the transport.
/// let store = Path::new("/var/lib/demo/metering.db");
/// let outbox = Outbox::open(store, options, Arc::new(client), runtime.handle())?;
///
/// let now = std::time::UNIX_EPOCH.elapsed()?.as_secs() as i64;
/// let event = Event {
///     customer: Some("111122223333".into()), // a CustomerAWSAccountId
///     dimension: "api_calls".into(),
///     usage_time: now,
///     quantity: "2.5".into(),
///     event_id: Some("request-8f2e".into()),
/// };
/// // Durable when it returns; the same event_id again counts nothing.
/// assert_eq!(outbox.record(&event)?, Recorded::Counted);
/// assert_eq!(outbox.record(&event)?, Recorded::AlreadyKnown);
///
/// // Many events in one transaction: all or none.
/// let batch: Vec<Event> = (0..3)
///     .map(|i| Event { event_id: Some(format!("job-{i}")), ..event.clone() })
///     .collect();
/// outbox.record_batch(&batch)?;
///
/// // Usage for an hour already sealed: rolled into the current hour by default, refused
/// // with `LatePolicy::Refuse`.
/// match outbox.record(&Event { usage_time: now - 3 * 3600, event_id: None, ..event.clone() }) {
///     Ok(r) => println!("late usage: {r:?}"),
///     Err(OutboxError::Late(why)) => eprintln!("refused: {why}"),
///     Err(e) => return Err(e.into()),
/// }
///
/// // The customer leaves: seal their slots now, current hour included.
/// outbox.seal_now(Some("111122223333"))?;
/// // Send what is due and wait for it (at most 30 s).
/// if let Err(OutboxError::TimedOut(m)) = outbox.flush(Some(Duration::from_secs(30))) {
///     eprintln!("{m}");
/// }
///
/// let stats = outbox.stats()?;
/// println!(
///     "{} pending; oldest pending hour {}; first expiry in {} s",
///     stats.pending, stats.oldest_pending_hour, stats.seconds_to_first_expiry
/// );
/// // Reconciliation: every slot of this hour, with its state and AWS's record id.
/// for slot in outbox.slots_of_hour(now)? {
///     let (who, what, state) = (&slot.customer, &slot.dimension, slot.state.name());
///     println!("{who} {what}: {} millionths, {state}", slot.quantity_millionths);
/// }
/// // What is not delivered stays in the store for the next open.
/// outbox.close(Duration::from_secs(5));
/// # Ok(())
/// # }
/// ```
///
/// `Transport` shows a complete run without the network, on a clock the test moves.
pub struct Outbox {
    shared: Arc<Shared>,
    ctx: Ctx,
    writer: Mutex<Option<WriterThread>>,
    sender: Mutex<Option<(tokio::task::AbortHandle, mpsc::Receiver<()>)>>,
    /// PostgreSQL: the LISTEN task that wakes the sender.
    listener: Mutex<Option<tokio::task::AbortHandle>>,
    dispatcher: Mutex<Option<JoinHandle<()>>>,
    dispatcher_thread: Option<std::thread::ThreadId>,
}

fn check_text(what: &str, s: &str, max: usize) -> Result<(), OutboxError> {
    if s.is_empty() || s.len() > max || s.chars().any(char::is_control) {
        return Err(OutboxError::InvalidArgument(format!(
            "{what} must be 1 to {max} bytes without control characters (got {})",
            crate::quote::quote(s)
        )));
    }
    Ok(())
}

/// A fleet lease's length: 5 s (a request's round trip with room to renew) to an hour.
pub fn check_lease_seconds(seconds: i64) -> Result<(), OutboxError> {
    if !(5..=3600).contains(&seconds) {
        return Err(OutboxError::InvalidArgument(format!(
            "the lease must be 5 to 3600 seconds (got {seconds})"
        )));
    }
    Ok(())
}

/// Checks the options every store needs and makes the context of its statements.
fn check_options(options: &Options) -> Result<Ctx, OutboxError> {
    let product = options
        .product_code
        .clone()
        .ok_or_else(|| OutboxError::InvalidArgument("the outbox needs a product code".into()))?;
    check_text("product code", &product, 255)?;
    let identity = match options.mode {
        Mode::Saas => None,
        Mode::Machine => {
            let id = options.machine_identity.clone().ok_or_else(|| {
                OutboxError::Identity("machine mode needs this machine's identity".into())
            })?;
            check_text("machine identity", &id, 1024)?;
            Some(id)
        }
    };
    if !(options.max_requests_per_second > 0.0 && options.max_requests_per_second <= 1000.0) {
        return Err(OutboxError::InvalidArgument(format!(
            "the rate limit must be above 0 and at most 1000 requests a second (got {})",
            options.max_requests_per_second
        )));
    }
    if !(0..=86_400).contains(&options.seal_delay_seconds) {
        return Err(OutboxError::InvalidArgument(format!(
            "the seal delay must be 0 to 86400 seconds (got {})",
            options.seal_delay_seconds
        )));
    }
    check_lease_seconds(options.lease_seconds)?;
    Ok(Ctx {
        mode: options.mode,
        product,
        identity,
        seal_delay: options.seal_delay_seconds,
        late_policy: options.late_policy,
        max_backoff_seconds: options.max_backoff_seconds,
    })
}

impl Outbox {
    /// Opens or creates the SQLite store at `path`, resumes unfinished slots and starts the
    /// sender on `runtime`. Never waits for the network (machine mode needs
    /// `machine_identity` set: see `identity::detect`).
    pub fn open(
        path: &Path,
        options: Options,
        transport: Arc<dyn Transport>,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Self, OutboxError> {
        let ctx = check_options(&options)?;
        let (path, vfs, sync) = (
            path.to_path_buf(),
            options.sqlite_vfs.clone(),
            options.sqlite_synchronous,
        );
        let (c, clock) = (ctx.clone(), options.clock.clone());
        Self::start(ctx, options, transport, runtime, move || {
            let s = store::sqlite::open(&path, vfs.as_deref(), sync, c, clock)?;
            Ok(Box::new(s) as Box<dyn store::Store>)
        })
    }

    /// Opens the PostgreSQL store at `url` (fleet mode: any number of processes record into
    /// it and deliver from it), creating or migrating its schema, and starts the sender on
    /// `runtime`, whose threads also carry the database connections. SaaS mode only.
    #[cfg(feature = "postgres")]
    pub fn open_postgres(
        url: &str,
        options: Options,
        transport: Arc<dyn Transport>,
        runtime: &tokio::runtime::Handle,
    ) -> Result<Self, OutboxError> {
        if options.mode == Mode::Machine {
            return Err(OutboxError::InvalidArgument(
                "machine mode is not available on a PostgreSQL store: MeterUsage must be sent \
                 by the machine that recorded the usage; give each machine a SQLite store"
                    .into(),
            ));
        }
        let ctx = check_options(&options)?;
        let target = store::postgres::Target::parse(url, options.postgres_schema.as_deref())?;
        let listen_target = target.clone();
        let (c, clock, rt, lease) = (
            ctx.clone(),
            options.clock.clone(),
            runtime.clone(),
            options.lease_seconds,
        );
        let outbox = Self::start(ctx, options, transport, runtime, move || {
            let s = store::postgres::PgStore::open(target, c, clock, rt, lease)?;
            Ok(Box::new(s) as Box<dyn store::Store>)
        })?;
        let wake = Arc::clone(&outbox.shared);
        let listener = runtime.spawn(store::postgres::listen(listen_target, move || {
            wake.wake.notify_one()
        }));
        *lock(&outbox.listener) = Some(listener.abort_handle());
        Ok(outbox)
    }

    fn start(
        ctx: Ctx,
        options: Options,
        transport: Arc<dyn Transport>,
        runtime: &tokio::runtime::Handle,
        open: impl FnOnce() -> Result<Box<dyn store::Store>, OutboxError> + Send + 'static,
    ) -> Result<Self, OutboxError> {
        let writer = WriterThread::start(open, options.crash_hook.clone())?;
        let budget = writer.writer.call(false, |s| Ok(s.fleet_budget()))?;
        let (reports, dispatcher) = match options.on_terminal.clone() {
            Some(cb) => {
                let (tx, rx) = mpsc::channel::<Option<SlotView>>();
                let join = std::thread::Builder::new()
                    .name("mpmeter-outbox-callbacks".into())
                    .spawn(move || {
                        for s in rx.iter().map_while(|m| m) {
                            let _ =
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| cb(&s)));
                        }
                    })
                    .map_err(|e| {
                        OutboxError::Store(format!("cannot start the callback thread: {e}"))
                    })?;
                (Some(tx), Some(join))
            }
            None => (None, None),
        };
        let shared = Arc::new(Shared::new(
            writer.writer.clone(),
            transport,
            options.mode,
            options.seal_delay_seconds,
            options.max_requests_per_second,
            budget,
            options.idle_tick,
            options.crash_hook.clone(),
            reports,
        ));
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let task_shared = Arc::clone(&shared);
        let task = runtime.spawn(async move {
            let _done = done_tx;
            sender::run(task_shared).await;
        });
        Ok(Self {
            shared,
            ctx,
            writer: Mutex::new(Some(writer)),
            sender: Mutex::new(Some((task.abort_handle(), done_rx))),
            listener: Mutex::new(None),
            dispatcher_thread: dispatcher.as_ref().map(|j| j.thread().id()),
            dispatcher: Mutex::new(dispatcher),
        })
    }

    fn writer(&self) -> Result<writer::Writer, OutboxError> {
        if self.shared.closing.load(Ordering::SeqCst) {
            return Err(OutboxError::Closed);
        }
        Ok(self.shared.writer.clone())
    }

    /// Checks an event and converts it for the store (which checks its time: the store's
    /// clock decides what the current hour is).
    fn usage(&self, e: &Event) -> Result<Usage, OutboxError> {
        let customer = match (self.ctx.mode, &e.customer) {
            (Mode::Saas, Some(c)) => {
                check_text("customer", c, 255)?;
                c.clone()
            }
            (Mode::Saas, None) => {
                return Err(OutboxError::InvalidArgument(
                    "customer must not be NULL in SaaS mode".into(),
                ))
            }
            (Mode::Machine, None) => self.ctx.identity.clone().unwrap_or_default(),
            (Mode::Machine, Some(_)) => {
                return Err(OutboxError::InvalidArgument(
                    "customer must be NULL in machine mode (usage is this machine's)".into(),
                ))
            }
        };
        check_text("dimension", &e.dimension, 255)?;
        if let Some(id) = &e.event_id {
            check_text("event_id", id, 255)?;
        }
        let millionths = quantity::parse(&e.quantity).map_err(OutboxError::InvalidArgument)?;
        if e.usage_time < 0 {
            return Err(OutboxError::InvalidArgument(format!(
                "usage_time {} is before 1970",
                e.usage_time
            )));
        }
        Ok(Usage {
            customer,
            dimension: e.dimension.clone(),
            hour: windows::hour_of(e.usage_time),
            millionths,
            event_id: e.event_id.clone(),
        })
    }

    /// Records one event; durable when it returns Ok. Never touches the network.
    pub fn record(&self, e: &Event) -> Result<Recorded, OutboxError> {
        let u = self.usage(e)?;
        self.writer()?.record(u)
    }

    /// Records many events in one transaction: all of them, or none (the error names the
    /// first bad one).
    pub fn record_batch(&self, events: &[Event]) -> Result<Vec<Recorded>, OutboxError> {
        let usages = events
            .iter()
            .enumerate()
            .map(|(i, e)| self.usage(e).map_err(|err| at_index(i, err)))
            .collect::<Result<Vec<_>, _>>()?;
        self.writer()?.call(true, move |s| {
            let now_s = now_s(s)?;
            usages
                .iter()
                .enumerate()
                .map(|(i, u)| s.record(u, now_s).map_err(|err| at_index(i, err)))
                .collect()
        })
    }

    /// Seals now every open slot of `customer` (SaaS; None: every customer), or of this
    /// machine, current hour included, and wakes the sender. Returns how many were sealed.
    pub fn seal_now(&self, customer: Option<&str>) -> Result<usize, OutboxError> {
        let customer = match self.ctx.mode {
            Mode::Machine => self.ctx.identity.clone(),
            Mode::Saas => customer.map(str::to_string),
        };
        let n = self
            .writer()?
            .call(false, move |s| s.seal(now_s(s)?, None, customer.as_deref()))?;
        self.shared.wake.notify_one();
        Ok(n)
    }

    /// Seals every hour that is over and waits until nothing due is pending, at most
    /// `timeout` (None: no limit).
    pub fn flush(&self, timeout: Option<Duration>) -> Result<(), OutboxError> {
        let deadline = timeout.map(|t| Instant::now() + t);
        self.writer()?.call(false, move |s| {
            s.seal(now_s(s)?, Some(0), None)?;
            s.retry_now()
        })?;
        loop {
            self.shared.wake.notify_one();
            if self.writer()?.call(false, |s| s.pending_due())? == 0 {
                return Ok(());
            }
            let wait = match deadline {
                None => Duration::from_millis(100),
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Err(OutboxError::TimedOut(
                            "flush: slots are still pending at the timeout (see the stats)".into(),
                        ));
                    }
                    (d - now).min(Duration::from_millis(100))
                }
            };
            self.shared.wait_progress(wait);
        }
    }

    /// Counts by state, the oldest hour not yet delivered and the time left before the first
    /// expiry, at the store's now.
    pub fn stats(&self) -> Result<Stats, OutboxError> {
        self.writer()?.call(false, move |s| s.stats(now_s(s)?))
    }

    /// The attempt log of one slot (its audit: when, AWS's request id, what came of it).
    pub fn attempts(&self, slot_id: i64) -> Result<Vec<store::Attempt>, OutboxError> {
        self.writer()?.call(false, move |s| s.attempts(slot_id))
    }

    /// Every slot of the hour holding `hour` (reconciliation).
    pub fn slots_of_hour(&self, hour: i64) -> Result<Vec<SlotView>, OutboxError> {
        let h = windows::hour_of(hour);
        self.writer()?.call(false, move |s| s.slots_of_hour(h))
    }

    /// How many requests the sender made (for tests and the bench).
    pub fn requests_sent(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// Stops the sender within `timeout` (a request still on the wire is abandoned: its slots
    /// are resent on the next open), closes the store and lets the callback thread finish.
    /// Idempotent.
    pub fn close(&self, timeout: Duration) {
        self.shared.closing.store(true, Ordering::SeqCst);
        self.shared.wake.notify_one();
        if let Some(l) = lock(&self.listener).take() {
            l.abort();
        }
        if let Some((abort, done)) = lock(&self.sender).take() {
            if done.recv_timeout(timeout).is_err() {
                abort.abort();
                // The task ends at its next await; its writer calls then fail as closed.
                let _ = done.recv_timeout(Duration::from_secs(5));
            }
        }
        if let Some(mut w) = lock(&self.writer).take() {
            w.stop();
        }
        // The callback thread delivers what is queued, then ends; no callback runs after
        // this returns. Never joined from itself (a callback that closes the outbox).
        self.shared.stop_reports();
        if let Some(j) = lock(&self.dispatcher).take() {
            if Some(std::thread::current().id()) != self.dispatcher_thread {
                let _ = j.join();
            }
        }
    }
}

/// The store's instant for this transaction, in seconds.
fn now_s(s: &dyn store::Store) -> Result<i64, OutboxError> {
    Ok(s.now_ms()?.div_euclid(1000))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn at_index(i: usize, e: OutboxError) -> OutboxError {
    let m = |s: String| format!("event {i}: {s}");
    match e {
        OutboxError::InvalidArgument(s) => OutboxError::InvalidArgument(m(s)),
        OutboxError::Late(s) => OutboxError::Late(m(s)),
        other => other,
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        self.close(Duration::ZERO);
    }
}
