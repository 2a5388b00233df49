//! The kill loop, one for both modes (mode.rs says what differs): rounds of a child recording
//! the seeded stream, killed at a random instant or at a pinned point, against an emulator
//! that drops answers after committing them, throttles, fails and leaves records
//! unprocessed; then the faults heal, a last child re-records what was in doubt and flushes,
//! and verdict.rs holds its account and the emulator's ledger against what was acknowledged.

use crate::mode::{ProofMode, COPIED_FROM, COPY_MACHINE};
use crate::sim::*;
use crate::verdict::{self, Final};
use crate::{emulator, env_u64, tmpdir, Proc};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct LoopCfg {
    pub name: &'static str,
    pub mode: ProofMode,
    pub rounds: u64,
    pub vfs: bool,
    /// synchronous=NORMAL (the test-only setting; only with the VFS).
    pub normal: bool,
    pub seed: u64,
    /// Simulated time runs this many times faster than real time.
    pub speed: f64,
    /// Machine mode: from this round on, the first round after which [`COPIED_FROM`]'s store
    /// holds undelivered slots has it copied to [`COPY_MACHINE`], which every later child opens.
    pub copy_from_round: Option<u64>,
}

#[derive(Debug, Default)]
pub struct LoopReport {
    pub acked: u64,
    pub rounds_random: u64,
    pub rounds_hook: u64,
    pub hook_fired: u64,
    /// The round after which the store was copied, and its undelivered slots then.
    pub copied: Option<(u64, u64)>,
    pub ledger_entries: usize,
    pub slots: usize,
    pub stats: Vec<String>,
    pub requests: serde_json::Value,
    pub secs: f64,
}

fn parse_ack(line: &str, next: &mut u64, seed: u64) -> Result<(), String> {
    let mut f = line.split(' ');
    f.next();
    let i: u64 = f.next().unwrap().parse().unwrap();
    if i != *next {
        return Err(format!("ACK out of order: {i}, expected {next}"));
    }
    let e = event(seed, i);
    let (c, d, q, id) = (f.next(), f.next(), f.next(), f.next());
    if (c, d, q, id)
        != (
            Some(e.customer),
            Some(e.dimension),
            Some(e.quantity().as_str()),
            Some(e.event_id.as_str()),
        )
    {
        return Err(format!("ACK {line} does not match the stream"));
    }
    *next += 1;
    Ok(())
}

/// Copies `from`'s store (the child is dead: the files are at rest) to the copy machine's
/// name; returns how many of its slots are not terminal, which the copy must never send.
fn copy_store(mode: ProofMode, dir: &Path) -> u64 {
    let from = dir.join(mode.store_file(COPIED_FROM));
    let to = dir.join(mode.store_file(COPY_MACHINE));
    for suffix in ["", "-wal"] {
        let src = format!("{}{suffix}", from.display());
        let dst = format!("{}{suffix}", to.display());
        let _ = std::fs::remove_file(&dst);
        if Path::new(&src).exists() {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
    let conn = rusqlite::Connection::open(&to).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM slots WHERE state IN (0, 1, 2)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    n as u64
}

pub fn kill_loop(cfg: &LoopCfg) -> Result<LoopReport, String> {
    let started = Instant::now();
    let dir = tmpdir(cfg.name);
    let (emu, admin) = emulator();
    let clock = Arc::new(SharedClock::create(&dir.join("clock"), T0_MS + 60_000));
    admin.set_clock_ms(clock.now_ms());
    // Injected conflicts: AWS already holds another quantity for the conflict customer's (or
    // machine's) first hour (users and hosts), so the outbox's slots for them must end as
    // conflicts.
    for d in ["users", "hosts"] {
        cfg.mode.inject_conflict(
            &admin,
            CONFLICT_CUSTOMER,
            d,
            T0_MS / 1000,
            INJECTED_CONFLICT_QUANTITY,
        );
    }
    admin.admin("POST", "/__mpm/rate_limit", r#"{"per_second": 10}"#);
    admin.admin(
        "POST",
        "/__mpm/faults",
        r#"[{"mode":"drop_after_commit","fraction":0.25},
            {"mode":"throttle","fraction":0.1},
            {"mode":"internal","fraction":0.1},
            {"mode":"drop","fraction":0.05},
            {"mode":"unprocessed","fraction":0.1}]"#,
    );
    // Time stands still until the conflict customer's events are acknowledged: they must be
    // in the hour where the conflicting quantity waits, however slowly a loaded machine starts
    // the first children.
    let driver = Driver::start(clock.clone(), admin.clone(), cfg.speed);
    let mut report = LoopReport::default();
    let base_env = |start: u64, copied: bool| -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("MPM_PROOF_ROLE", "record".to_string()),
            ("MPM_PROOF_MODE", cfg.mode.as_str().to_string()),
            ("MPM_PROOF_DIR", dir.display().to_string()),
            ("MPM_PROOF_ENDPOINT", emu.url.clone()),
            ("MPM_PROOF_CLOCK", dir.join("clock").display().to_string()),
            ("MPM_PROOF_SEED", cfg.seed.to_string()),
            ("MPM_PROOF_START", start.to_string()),
            ("MPM_PROOF_VFS", if cfg.vfs { "1" } else { "0" }.to_string()),
            ("MPM_PROOF_COPY", if copied { "1" } else { "0" }.to_string()),
        ];
        if cfg.normal {
            v.push(("MPM_OUTBOX_TEST_SYNCHRONOUS", "NORMAL".to_string()));
        }
        v
    };
    let mut next = 0u64;
    for round in 0..cfg.rounds {
        let r = splitmix(cfg.seed.wrapping_mul(31).wrapping_add(round));
        let mut envs = base_env(next, report.copied.is_some());
        // One round in two dies by the crash hook at a pinned point, the others at a random
        // instant.
        let hook = match r % 6 {
            0 => Some(format!("after_commit:{}", 1 + (r >> 8) % 15)),
            1 => Some(format!("after_claim:{}", 1 + (r >> 8) % 3)),
            2 => Some(format!("after_send:{}", 1 + (r >> 8) % 3)),
            _ => None,
        };
        let deadline = match &hook {
            Some(h) => {
                envs.push(("MPM_OUTBOX_CRASH_AT", h.clone()));
                report.rounds_hook += 1;
                Duration::from_millis(700)
            }
            None => {
                report.rounds_random += 1;
                Duration::from_millis(20 + (r >> 16) % 300)
            }
        };
        let mut p = Proc::spawn(&envs);
        let t = Instant::now();
        while t.elapsed() < deadline && !p.exited() {
            std::thread::sleep(Duration::from_millis(2));
        }
        if hook.is_some() && p.exited() {
            report.hook_fired += 1;
        }
        for line in p.kill() {
            if line.starts_with("ACK ") {
                parse_ack(&line, &mut next, cfg.seed)?;
            } else if line.starts_with("ERR ") || line.starts_with("OPENFAIL") {
                return Err(format!("round {round}: {line}"));
            }
        }
        if next >= CONFLICT_EVENTS {
            driver.release();
        }
        if report.copied.is_none() && cfg.copy_from_round.is_some_and(|c| round >= c) {
            let undelivered = copy_store(cfg.mode, &dir);
            if undelivered > 0 {
                report.copied = Some((round, undelivered));
            }
        }
    }
    if cfg.copy_from_round.is_some() && report.copied.is_none() {
        return Err("the store was never copied with undelivered slots in it".into());
    }
    // Heal, then a last child re-records what was in doubt and flushes once every hour is over.
    admin.admin("DELETE", "/__mpm/faults", "");
    let frozen = driver.freeze();
    let flush_at = frozen + 2 * 3600 * 1000;
    let mut envs = base_env(next, report.copied.is_some());
    envs.push(("MPM_PROOF_END", (next + 1).to_string()));
    envs.push(("MPM_PROOF_FLUSH_AT", flush_at.to_string()));
    let p = Proc::spawn(&envs);
    let t = Instant::now();
    let mut lines = Vec::new();
    let mut moved = false;
    while t.elapsed() < Duration::from_secs(150) {
        match p.lines.recv_timeout(Duration::from_millis(50)) {
            Ok(l) => {
                if l == "RECORDED" && !moved {
                    clock.set_ms(flush_at);
                    admin.set_clock_ms(flush_at);
                    moved = true;
                }
                let done = l == "DONE" || l.starts_with("ERR") || l.starts_with("OPENFAIL");
                lines.push(l);
                if done {
                    break;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(_) => break,
        }
    }
    lines.extend(p.kill());
    drop(driver);
    for l in &lines {
        if l.starts_with("ACK ") {
            parse_ack(l, &mut next, cfg.seed)?;
        }
    }
    report.acked = next;
    report.secs = started.elapsed().as_secs_f64();
    let fin = Final::parse(&lines);
    report.stats = fin.stats.iter().map(|s| s.join(" ")).collect();
    report.slots = fin.slots.len();
    let ledger = admin.ledger();
    report.ledger_entries = ledger.len();
    report.requests = admin.admin("GET", "/__mpm/requests", "");
    let problems = verdict::problems(cfg, &report, &fin, &lines, &ledger, next);
    let _ = std::fs::remove_dir_all(&dir);
    if problems.is_empty() {
        Ok(report)
    } else {
        Err(format!("{} ({report:?})", problems.join(" | ")))
    }
}

pub fn rounds(default: u64) -> u64 {
    env_u64("MPM_PROOF_ROUNDS", default)
}
