//! The background sender, a task on the runtime the application's library gives: seals the
//! hours that are due, marks expired slots, claims the oldest due slots, sends them inside the
//! rate limit, and writes what became of them. It owns no runtime and no thread. On a shared
//! store (PostgreSQL) the claim is a lease, renewed while the request runs and given up when
//! it cannot be renewed, and the rate limit is the fleet's, one budget in the database.

mod batch;
mod lease;
mod machine;
mod rate;
pub mod status;
mod transport;

pub use batch::{deliver as deliver_batch, usage_record};
pub use machine::meter_usage_input;
pub use transport::{Fut, Transport};

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::model::{CrashHook, CrashPoint, Mode, OutboxError, SlotView};
use super::store::{Claimed, Completion, FleetBudget};
use super::writer::Writer;
use rate::RateLimit;

/// What the sender, `flush` and `close` share.
pub struct Shared {
    /// The store's writer thread, through which every read and write goes.
    pub writer: Writer,
    /// Where requests go (the client, or a test's fake).
    pub transport: Arc<dyn Transport>,
    /// Which operation delivers.
    pub mode: Mode,
    /// `Options::seal_delay_seconds`.
    pub seal_delay: i64,
    /// How long the sender sleeps when nothing wakes it.
    pub idle_tick: Duration,
    /// The crash tests' hook.
    pub crash: Option<CrashHook>,
    /// Terminal slots for the callback thread; None tells it to stop.
    pub reports: Option<std::sync::mpsc::Sender<Option<SlotView>>>,
    rate: RateLimit,
    /// The store is shared by a fleet: the rate budget is the fleet's.
    budget: Option<Arc<dyn FleetBudget>>,
    /// Wakes the sender at once (a seal-now, a flush, a PostgreSQL NOTIFY).
    pub wake: tokio::sync::Notify,
    /// Set by `close`: the sender stops and every call fails as closed.
    pub closing: AtomicBool,
    progress: (Mutex<u64>, Condvar),
    /// Requests sent so far (`Outbox::requests_sent`).
    pub requests: AtomicU64,
}

impl Shared {
    /// The state of a sender not yet started. `per_second` is the request rate: this
    /// process's own pacing, or the spacing of turns in the fleet's `budget` on a shared store.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        writer: Writer,
        transport: Arc<dyn Transport>,
        mode: Mode,
        seal_delay: i64,
        per_second: f64,
        budget: Option<Arc<dyn FleetBudget>>,
        idle_tick: Duration,
        crash: Option<CrashHook>,
        reports: Option<std::sync::mpsc::Sender<Option<SlotView>>>,
    ) -> Self {
        Self {
            writer,
            transport,
            mode,
            seal_delay,
            idle_tick,
            crash,
            reports,
            rate: RateLimit::new(per_second),
            budget,
            wake: tokio::sync::Notify::new(),
            closing: AtomicBool::new(false),
            progress: (Mutex::new(0), Condvar::new()),
            requests: AtomicU64::new(0),
        }
    }

    fn hook(&self, p: CrashPoint) {
        if let Some(h) = &self.crash {
            h(p);
        }
    }

    fn report(&self, slots: Vec<SlotView>) {
        if let Some(tx) = &self.reports {
            for s in slots {
                let _ = tx.send(Some(s));
            }
        }
    }

    /// Tells the callback thread to stop after the reports already queued.
    pub fn stop_reports(&self) {
        if let Some(tx) = &self.reports {
            let _ = tx.send(None);
        }
    }

    /// Wakes `flush` waiters: something changed.
    fn bump(&self) {
        let (m, c) = &self.progress;
        *m.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        c.notify_all();
    }

    /// Waits for the next change, at most `timeout`.
    pub fn wait_progress(&self, timeout: Duration) {
        let (m, c) = &self.progress;
        let g = m.lock().unwrap_or_else(|p| p.into_inner());
        let _ = c.wait_timeout(g, timeout);
    }
}

/// The sender's loop; returns when the outbox closes.
pub async fn run(sh: Arc<Shared>) {
    while !sh.closing.load(Ordering::SeqCst) {
        let delay = sh.seal_delay;
        let step = sh
            .writer
            .call_async(move |s| {
                let now_ms = s.now_ms()?;
                let now_s = now_ms.div_euclid(1000);
                s.seal(now_s, Some(delay), None)?;
                let expired = s.sweep(now_s)?;
                Ok((expired, s.claim_batch(now_ms)?, now_s))
            })
            .await;
        let (expired, mut claimed, now_s) = match step {
            Ok(v) => v,
            Err(OutboxError::Closed) => break,
            Err(_) => {
                tokio::time::sleep(sh.idle_tick).await;
                continue;
            }
        };
        sh.report(expired);
        if claimed.slots.is_empty() {
            sh.bump();
            tokio::select! {
                _ = sh.wake.notified() => {}
                _ = tokio::time::sleep(sh.idle_tick) => {}
            }
            continue;
        }
        sh.hook(CrashPoint::AfterClaim);
        // MUTATION resend_current_time (outbox-mutations feature only): a resend is stamped
        // with the current time instead of its sealed hour.
        if crate::outbox::mutation::on("resend_current_time") {
            for s in claimed.slots.iter_mut().filter(|s| s.attempts > 1) {
                s.hour = now_s;
            }
        }
        let results = match &claimed.lease {
            None => send(&sh, &claimed).await,
            // A lease that cannot be renewed is given up with the request: another sender
            // may own the slots by now, and only it may write their outcome.
            Some(lease) => tokio::select! {
                r = send(&sh, &claimed) => r,
                () = lease::keep(&sh.writer, &claimed, lease.ms) => vec![],
            },
        };
        let epochs: Vec<(i64, i64)> = claimed
            .slots
            .iter()
            .zip(&claimed.epochs)
            .map(|(s, e)| (s.id, *e))
            .collect();
        for (request_id, done) in results {
            write_outcome(&sh, request_id, done, &epochs).await;
        }
        sh.bump();
    }
    sh.bump();
}

/// Pause before writing an outcome again, doubling from `Shared::idle_tick` up to this.
const MAX_OUTCOME_PAUSE: Duration = Duration::from_secs(1);

/// Writes what AWS answered for one request, again and again while the store fails (a
/// session that ended, a server away, a busy disk), until it is written or the outbox closes.
/// The answer is the only record of what AWS billed: dropping it would leave its slots
/// "sending" until their lease passed (or the next open), to be sent again, and on a shared
/// store a stale answer would leave no trace of its fencing. Written late, a stale answer is
/// still refused by the epoch fence and logged as not applied.
async fn write_outcome(
    sh: &Shared,
    request_id: Option<String>,
    done: Vec<(i64, Completion)>,
    epochs: &[(i64, i64)],
) {
    let job = Arc::new((request_id, done, epochs.to_vec()));
    let mut pause = sh.idle_tick.max(Duration::from_millis(1));
    let mut failures = 0u32;
    loop {
        let j = Arc::clone(&job);
        let r = sh
            .writer
            .call_async(move |s| {
                let now_ms = s.now_ms()?;
                s.complete(now_ms, j.0.as_deref(), &j.1, &j.2)
            })
            .await;
        let e = match r {
            Ok(terminal) => {
                if failures > 0 {
                    tracing::info!(target: "mpmeter::outbox", failures, "AWS's answer was written after the store failed");
                }
                sh.report(terminal);
                return;
            }
            Err(e) => e,
        };
        failures += 1;
        let closing = matches!(e, OutboxError::Closed) || sh.closing.load(Ordering::SeqCst);
        if closing {
            // Its slots stay "sending": the next open (or, on a shared store, the lease's
            // end) sends them again, in doubt, and AWS answers a resend with the same record.
            tracing::warn!(target: "mpmeter::outbox", slots = job.1.len(), error = %e, "the outbox closed before AWS's answer was written: its slots are sent again, in doubt");
            return;
        }
        if failures == 1 || failures % 10 == 0 {
            tracing::warn!(target: "mpmeter::outbox", slots = job.1.len(), failures, error = %e, "AWS's answer could not be written yet: trying again");
        }
        // A wake cuts the pause short only for a close: records arriving must not turn the
        // pause into a busy loop against a failing store.
        let sleep = tokio::time::sleep(pause);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => break,
                _ = sh.wake.notified() => if sh.closing.load(Ordering::SeqCst) { break },
            }
        }
        pause = (pause * 2).min(MAX_OUTCOME_PAUSE);
    }
}

/// Sends the claimed slots: a batch (bisected if refused) or one MeterUsage call.
async fn send(sh: &Shared, claimed: &Claimed) -> Vec<batch::RequestResult> {
    match sh.mode {
        Mode::Saas => {
            batch::deliver(
                &*sh.transport,
                &claimed.slots,
                &claimed.in_doubt,
                || pace(sh),
                || async { sh.hook(CrashPoint::AfterSend) },
            )
            .await
        }
        Mode::Machine => {
            if !pace(sh).await {
                return vec![];
            }
            let r = machine::deliver(&*sh.transport, &claimed.slots[0], claimed.in_doubt[0]).await;
            sh.hook(CrashPoint::AfterSend);
            vec![r]
        }
    }
}

/// Waits for this request's turn: the process's own spacing, or the fleet's budget in the
/// database. False when the fleet's budget cannot be read (the database is away): nothing is
/// sent then, since sending could exceed the fleet's rate.
async fn pace(sh: &Shared) -> bool {
    let ok = match &sh.budget {
        Some(budget) => fleet_turn(sh, &**budget).await,
        None => {
            sh.rate.acquire().await;
            true
        }
    };
    if ok {
        sh.requests.fetch_add(1, Ordering::Relaxed);
    }
    ok
}

/// Tries for a turn while the budget's connection fails, 200 ms apart.
const BUDGET_TRIES: u32 = 10;

/// A turn missed by more than this (the process was descheduled or stopped, the answer was
/// slow) is given up and a new one taken: a late request could meet the next ones' and
/// exceed the rate.
const LATE_TURN: Duration = Duration::from_millis(25);

/// The fleet's turns are 20% wider than 1/N. A request reaches AWS some time after its turn
/// (up to `LATE_TURN`, then signing and the way there, which a loaded machine stretches), and
/// N + 1 of them fall in one second only if the first of them took 0.2 s longer on its way
/// than the last. At 5% a 50 ms difference was enough: the fleet bench saw 11 in a second.
fn fleet_interval_us(sh: &Shared) -> i64 {
    sh.rate.interval_us() * 120 / 100
}

async fn fleet_turn(sh: &Shared, budget: &dyn FleetBudget) -> bool {
    let interval_us = fleet_interval_us(sh);
    let mut failures = 0;
    loop {
        let asked = tokio::time::Instant::now();
        let wait = match budget.reserve(interval_us).await {
            Ok(w) => w,
            // A terminated session is made again at once; a server away for longer leaves
            // the claimed slots to their lease.
            Err(_) if failures < BUDGET_TRIES => {
                failures += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            Err(_) => return false,
        };
        // The turn was taken somewhere between asking and the answer: waiting from the
        // answer is never early, and late by at most the way there and back.
        let answered = tokio::time::Instant::now();
        let turn = answered + wait;
        tokio::time::sleep_until(turn).await;
        if answered - asked <= LATE_TURN && tokio::time::Instant::now() <= turn + LATE_TURN {
            return true;
        }
    }
}
