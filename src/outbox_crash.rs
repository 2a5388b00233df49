//! For testing only: `MPM_OUTBOX_CRASH_AT=after_commit|after_claim|after_send[:N]` makes the
//! process die by SIGKILL (not abort: no handler, no unwinding, no flush) the Nth time (default
//! the first) it passes that point, in any of its outboxes, as a power cut or `kill -9` would.
//! The kill loop of the proof harness uses it to stop the process exactly between two durable
//! steps (in machine mode its children run one outbox per machine: one count for all).
//! `MPM_OUTBOX_CRASH_SIGNAL=STOP` makes the hook stop the process (SIGSTOP) there instead of
//! killing it: the fleet test holds a worker stopped right after AWS answered, past its lease,
//! then lets it go on (SIGCONT) to write an outcome that must be fenced off.
//!
//! `MPM_OUTBOX_TEST_SYNCHRONOUS=NORMAL` opens the store with synchronous=NORMAL instead of FULL,
//! so the power-loss test can show that FULL is what saves the acknowledged usage. Never in
//! production: it gives up guarantee 1.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How often the process passed each point, counted across its outboxes.
static PASSED: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];

fn passed(p: CrashPoint) -> &'static AtomicU64 {
    &PASSED[match p {
        CrashPoint::AfterCommit => 0,
        CrashPoint::AfterClaim => 1,
        CrashPoint::AfterSend => 2,
    }]
}

use mpmeter_core::outbox::{CrashHook, CrashPoint};

/// Parses "after_send:3".
pub fn parse(spec: &str) -> Result<(CrashPoint, u64), String> {
    let (name, n) = match spec.split_once(':') {
        Some((a, b)) => (
            a,
            b.parse::<u64>()
                .map_err(|_| format!("bad count in {spec:?}"))?,
        ),
        None => (spec, 1),
    };
    let point = [
        CrashPoint::AfterCommit,
        CrashPoint::AfterClaim,
        CrashPoint::AfterSend,
    ]
    .into_iter()
    .find(|p| p.name() == name)
    .ok_or_else(|| {
        format!(
            "MPM_OUTBOX_CRASH_AT={spec:?}: expected after_commit, after_claim or after_send[:N]"
        )
    })?;
    if n == 0 {
        return Err(format!("MPM_OUTBOX_CRASH_AT={spec:?}: N counts from 1"));
    }
    Ok((point, n))
}

/// The hook the environment asks for, if any.
pub fn from_env() -> Result<Option<CrashHook>, String> {
    let Ok(spec) = std::env::var("MPM_OUTBOX_CRASH_AT") else {
        return Ok(None);
    };
    if spec.is_empty() {
        return Ok(None);
    }
    let (point, n) = parse(&spec)?;
    let signal = match std::env::var("MPM_OUTBOX_CRASH_SIGNAL").as_deref() {
        Err(_) | Ok("") | Ok("KILL") => libc::SIGKILL,
        Ok("STOP") => libc::SIGSTOP,
        Ok(other) => {
            return Err(format!(
                "MPM_OUTBOX_CRASH_SIGNAL={other:?}: expected KILL or STOP"
            ))
        }
    };
    Ok(Some(Arc::new(move |p: CrashPoint| {
        if p == point && passed(p).fetch_add(1, Ordering::SeqCst) + 1 == n {
            // SAFETY: kill(2) on our own pid with a valid signal number. After SIGSTOP it
            // returns once someone sends SIGCONT, and the outbox goes on from this point.
            unsafe {
                libc::kill(libc::getpid(), signal);
            }
        }
    })))
}

/// The synchronous level the environment asks for (2 = FULL unless told NORMAL).
pub fn synchronous_from_env() -> i64 {
    match std::env::var("MPM_OUTBOX_TEST_SYNCHRONOUS").as_deref() {
        Ok("NORMAL") | Ok("normal") | Ok("1") => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(parse("after_commit").unwrap(), (CrashPoint::AfterCommit, 1));
        assert_eq!(parse("after_send:7").unwrap(), (CrashPoint::AfterSend, 7));
        assert!(parse("after_lunch").is_err());
        assert!(parse("after_claim:0").is_err());
        assert!(parse("after_claim:x").is_err());
    }
}
