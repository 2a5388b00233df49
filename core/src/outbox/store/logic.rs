//! The rules on top of the storage statements, written once for both backends: recording
//! (the event_id dedupe, the slot of the event's hour, the late-usage policy), completing a
//! request (terminal states, the outage schedule, the attempt log, fencing by epoch), and the
//! stats. Each runs inside the writer's transaction.

use super::{Added, Completion, Result, Store};
use crate::outbox::model::{LatePolicy, Mode, OutboxError, Recorded, SlotState, SlotView, Stats};
use crate::outbox::{quantity, windows};

/// An event checked and converted by `Outbox::record` before it reaches the writer.
#[derive(Debug, Clone)]
pub struct Usage {
    /// Customer (SaaS) or machine identity.
    pub customer: String,
    /// The dimension, checked.
    pub dimension: String,
    /// The start of the event's hour, Unix seconds.
    pub hour: i64,
    /// The quantity in millionths of a unit.
    pub millionths: i64,
    /// The caller's key, checked.
    pub event_id: Option<String>,
}

/// The outage schedule: 1 s, 2 s, 4 s ... up to the maximum pause, and never so long that
/// the last try would miss the window.
pub fn retry_pause_ms(failures: i64, deadline: i64, now_ms: i64, max_backoff_s: i64) -> i64 {
    let pause_s = (1_i64 << failures.min(20)).min(max_backoff_s.max(1));
    let last_chance_ms = (deadline - 60) * 1000;
    (now_ms + pause_s * 1000).min(last_chance_ms.max(now_ms + 1000))
}

fn exceeds() -> OutboxError {
    OutboxError::InvalidArgument(format!(
        "the hour's quantity would exceed {} (AWS's limit for one record)",
        quantity::format(quantity::MAX_MILLIONTHS)
    ))
}

impl dyn Store + '_ {
    /// The records of one group, each an outcome of its own: first every one that is the
    /// common case together (`record_commons`: one round trip on PostgreSQL), then the others
    /// one by one the long way, each in a savepoint (a refusal undoes only its own writes).
    pub fn record_group(&self, usages: &[Usage]) -> Vec<Result<Recorded>> {
        let now_s = match self.now_ms() {
            Ok(ms) => ms.div_euclid(1000),
            Err(e) => return usages.iter().map(|_| Err(e.clone())).collect(),
        };
        let mutated = crate::outbox::mutation::on("no_event_dedupe")
            || crate::outbox::mutation::on("late_into_sealed");
        let common: Vec<usize> = (0..usages.len())
            .filter(|&i| {
                let u = &usages[i];
                !mutated
                    && u.hour <= windows::hour_of(now_s)
                    && now_s < windows::deadline(self.ctx().mode, u.hour)
            })
            .collect();
        let picked: Vec<&Usage> = common.iter().map(|&i| &usages[i]).collect();
        let mut out: Vec<Option<Result<Recorded>>> = (0..usages.len()).map(|_| None).collect();
        match self.record_commons(&picked, now_s) {
            Ok(done) => {
                for (&i, d) in common.iter().zip(done) {
                    out[i] = d.map(Ok);
                }
            }
            // The transaction is unusable: every record of the group fails with it.
            Err(e) => return usages.iter().map(|_| Err(e.clone())).collect(),
        }
        for (i, slot) in out.iter_mut().enumerate() {
            if slot.is_none() {
                *slot = Some(self.in_savepoint(|| self.record(&usages[i], now_s)));
            }
        }
        out.into_iter()
            .map(|o| o.unwrap_or_else(|| unreachable!("filled above")))
            .collect()
    }

    /// Runs `f` in a savepoint: its writes kept when it succeeds, undone when it fails.
    pub(crate) fn in_savepoint<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.savepoint()?;
        let out = f();
        let kept = self.end_savepoint(out.is_ok());
        match (out, kept) {
            (Ok(v), Ok(())) => Ok(v),
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
        }
    }

    /// Records one usage at `now_s` (the store's instant).
    pub fn record(&self, usage: &Usage, now_s: i64) -> Result<Recorded> {
        if usage.hour > windows::hour_of(now_s) {
            return Err(OutboxError::InvalidArgument(format!(
                "usage_time in hour {} is in a future hour (now is {now_s})",
                usage.hour
            )));
        }
        // MUTATION no_event_dedupe (outbox-mutations feature only): the id is not looked at.
        let dedupe = !crate::outbox::mutation::on("no_event_dedupe");
        let create = now_s < windows::deadline(self.ctx().mode, usage.hour);
        let mutated = !dedupe || crate::outbox::mutation::on("late_into_sealed");
        if create && !mutated {
            if let Some(done) = self.record_common(usage, now_s)? {
                return Ok(done);
            }
        }
        if let (Some(id), true) = (&usage.event_id, dedupe) {
            // Taken first, so two recorders of one id (two processes on PostgreSQL) cannot
            // both count it: the second waits for the first and finds it known.
            if !self.take_event_id(id, usage.millionths, now_s)? {
                return Ok(Recorded::AlreadyKnown);
            }
        }
        let (slot_id, how) = match self.add_to_open(usage, usage.hour, create, now_s)? {
            Added::Open(id) => (id, Recorded::Counted),
            Added::Full => return Err(exceeds()),
            // MUTATION late_into_sealed (outbox-mutations feature only): the sealed slot grows.
            Added::NotOpen if crate::outbox::mutation::on("late_into_sealed") => {
                if self.add_to_any(usage, usage.hour)? {
                    return Ok(Recorded::Counted);
                }
                (
                    self.late_slot(usage, now_s)?,
                    Recorded::RolledIntoCurrentHour,
                )
            }
            Added::NotOpen => (
                self.late_slot(usage, now_s)?,
                Recorded::RolledIntoCurrentHour,
            ),
        };
        if let (Some(id), true) = (&usage.event_id, dedupe) {
            self.link_event(id, slot_id)?;
        }
        if how == Recorded::RolledIntoCurrentHour {
            self.log_late(usage, slot_id, now_s)?;
        }
        Ok(how)
    }

    /// The slot of the current hour for usage whose own slot is sealed (or whose window
    /// closed), by policy; never across a month boundary. The usage is added to it.
    fn late_slot(&self, usage: &Usage, now_s: i64) -> Result<i64> {
        let current = windows::hour_of(now_s);
        let what = format!(
            "usage for hour {} ({} / {})",
            usage.hour,
            crate::quote::quote(&usage.customer),
            crate::quote::quote(&usage.dimension)
        );
        if self.ctx().late_policy == LatePolicy::Refuse {
            return Err(OutboxError::Late(format!(
                "{what} is late: its slot is sealed or its window closed, and the late-usage policy refuses it"
            )));
        }
        if windows::month_of(usage.hour) != windows::month_of(current) {
            return Err(OutboxError::Late(format!(
                "{what} is late and its month is over: it is never rolled into another month"
            )));
        }
        match self.add_to_open(usage, current, true, now_s)? {
            Added::Open(id) => Ok(id),
            Added::Full => Err(exceeds()),
            Added::NotOpen => Err(OutboxError::Late(format!(
                "{what} is late, and the current hour's slot is sealed too (seal-now): refused"
            ))),
        }
    }

    /// Takes the oldest due slots for one request: up to 25 of one product (SaaS), or one
    /// (machine mode).
    pub fn claim_batch(&self, now_ms: i64) -> Result<super::Claimed> {
        let limit = match self.ctx().mode {
            Mode::Saas => 25,
            Mode::Machine => 1,
        };
        self.claim(now_ms, limit)
    }

    /// Writes what a request did to each slot (only for slots whose claim `epochs` still
    /// hold: a worker that lost its lease cannot overwrite a newer state), and the attempt
    /// log; returns the slots that became terminal by this call.
    pub fn complete(
        &self,
        now_ms: i64,
        request_id: Option<&str>,
        done: &[(i64, Completion)],
        epochs: &[(i64, i64)],
    ) -> Result<Vec<SlotView>> {
        let now_s = now_ms.div_euclid(1000);
        // MUTATION no_epoch_fence (outbox-mutations feature only): a stale claim still writes.
        let fence = !crate::outbox::mutation::on("no_epoch_fence");
        let mut terminal = Vec::new();
        for (id, c) in done {
            let epoch = match epochs.iter().find(|(i, _)| i == id) {
                Some(&(_, e)) if fence => e,
                _ => -1,
            };
            let (applied, outcome) = match c {
                Completion::Terminal {
                    state,
                    metering_record_id,
                    reason,
                } => {
                    let ok = self.set_terminal(
                        *id,
                        epoch,
                        *state,
                        metering_record_id.as_deref(),
                        reason.as_deref(),
                        now_s,
                    )?;
                    if ok {
                        terminal.push(*id);
                    }
                    let outcome = match reason {
                        Some(r) => format!("{}: {r}", state.name()),
                        None => state.name().to_string(),
                    };
                    (ok, outcome)
                }
                Completion::Retry { reason, in_doubt } => {
                    let (failures, deadline) = self.failures_and_deadline(*id)?;
                    let next =
                        retry_pause_ms(failures, deadline, now_ms, self.ctx().max_backoff_seconds);
                    let ok = self.set_retry(*id, epoch, next, *in_doubt)?;
                    (ok, format!("retry: {reason}"))
                }
                Completion::Bisected { reason } => {
                    (true, format!("batch refused, bisected: {reason}"))
                }
            };
            let outcome = if applied {
                outcome
            } else {
                format!("not applied (the claim was lost to another sender): {outcome}")
            };
            self.log_attempt(*id, now_ms, request_id, &outcome)?;
        }
        #[cfg(test)]
        if fail_complete::take() {
            return Err(OutboxError::Store(
                "commit failed (injected by a test after the writes)".into(),
            ));
        }
        self.views(&terminal)
    }

    /// `Outbox::stats` at `now_s`: foreign slots counted apart, the oldest pending hour and
    /// the seconds to the first expiry (-1 when nothing is pending).
    pub fn stats(&self, now_s: i64) -> Result<Stats> {
        let mut s = Stats {
            seconds_to_first_expiry: -1,
            ..Stats::default()
        };
        let mut oldest: Option<i64> = None;
        let mut first_deadline: Option<i64> = None;
        for r in self.state_counts()? {
            if r.foreign && !r.state.is_terminal() {
                s.foreign += r.count;
                continue;
            }
            let n = r.count;
            match r.state {
                SlotState::Open => s.open += n,
                SlotState::Sealed | SlotState::Sending => s.pending += n,
                SlotState::Accepted => s.accepted += n,
                SlotState::Duplicate => s.duplicate += n,
                SlotState::Conflict => s.conflict += n,
                SlotState::Rejected => s.rejected += n,
                SlotState::Expired => s.expired += n,
            }
            if !r.state.is_terminal() {
                oldest = Some(oldest.map_or(r.oldest_hour, |o| o.min(r.oldest_hour)));
                first_deadline =
                    Some(first_deadline.map_or(r.first_deadline, |o| o.min(r.first_deadline)));
            }
        }
        s.oldest_pending_hour = oldest.unwrap_or(0);
        if let Some(d) = first_deadline {
            s.seconds_to_first_expiry = (d - now_s).max(0);
        }
        Ok(s)
    }
}

/// The reason written on an expired slot.
pub fn expiry_reason(deadline: i64) -> String {
    format!(
        "the acceptance window closed at {deadline} (Unix seconds) before the slot was delivered"
    )
}

/// Tests: the next N `complete` calls on this thread (the store's writer thread: set it from a
/// writer call) fail after their writes, as a transaction whose commit failed.
#[cfg(test)]
pub mod fail_complete {
    use std::cell::Cell;

    thread_local! {
        static LEFT: Cell<u32> = const { Cell::new(0) };
    }

    /// The next `n` calls on this thread fail.
    pub fn set(n: u32) {
        LEFT.with(|l| l.set(n));
    }

    /// Whether this call fails (and one fault fewer is left).
    pub fn take() -> bool {
        LEFT.with(|l| {
            let n = l.get();
            l.set(n.saturating_sub(1));
            n > 0
        })
    }
}
