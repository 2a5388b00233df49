//! The kill loop's verdicts: the last child's account (flush, stats and every slot of every
//! outbox) and the emulator's ledger, held against what was acknowledged.
//!
//! Per (customer or machine, dimension) the ledger holds exactly the acknowledged sum, each
//! event_id once; per (customer or machine, dimension, hour) it holds at most one record, and
//! exactly the one the outbox's slot of that hour says was accepted (same quantity, same
//! MeteringRecordId); the only conflicts are the two injected; every slot is terminal; the copy
//! of another machine's store delivers its own usage and never a slot of the other machine.

use std::collections::BTreeMap;

use crate::api::{
    MPM_OUTBOX_STATE_ACCEPTED, MPM_OUTBOX_STATE_CONFLICT, MPM_OUTBOX_STATE_DUPLICATE,
};
use crate::kill_loop::{LoopCfg, LoopReport};
use crate::mode::{ProofMode, COPY_MACHINE};
use crate::sim::*;

/// `SLOT name key dimension hour state quantity record_id foreign`
#[derive(Debug)]
pub struct SlotLine {
    pub outbox: String,
    pub key: String,
    pub dimension: String,
    pub hour: i64,
    pub state: u32,
    pub millionths: i64,
    pub record_id: Option<String>,
    pub foreign: bool,
}

/// What the last child printed.
#[derive(Debug, Default)]
pub struct Final {
    /// `FLUSH name rc message`
    pub flushes: Vec<(String, String)>,
    /// `STATS name open pending accepted duplicate conflict rejected expired foreign`
    pub stats: Vec<Vec<String>>,
    pub slots: Vec<SlotLine>,
    /// `OWN name dimension quantity`: the copy machine's own event.
    pub own: Option<(String, String, i64)>,
}

impl Final {
    pub fn parse(lines: &[String]) -> Final {
        let mut f = Final::default();
        for l in lines {
            let w: Vec<&str> = l.split(' ').collect();
            match w[0] {
                "FLUSH" if w.len() >= 3 => f.flushes.push((w[1].into(), w[2..].join(" "))),
                "STATS" => f.stats.push(w[1..].iter().map(|s| s.to_string()).collect()),
                "OWN" if w.len() == 4 => {
                    f.own = Some((w[1].into(), w[2].into(), parse_millionths(w[3])))
                }
                "SLOT" if w.len() == 9 => f.slots.push(SlotLine {
                    outbox: w[1].into(),
                    key: w[2].into(),
                    dimension: w[3].into(),
                    hour: w[4].parse().unwrap(),
                    state: w[5].parse().unwrap(),
                    millionths: parse_millionths(w[6]),
                    record_id: (w[7] != "-").then(|| w[7].to_string()),
                    foreign: w[8] == "1",
                }),
                _ => {}
            }
        }
        f
    }
}

/// Stats of one outbox, by name.
struct Counts {
    open: u64,
    pending: u64,
    conflict: u64,
    rejected: u64,
    expired: u64,
    foreign: u64,
}

fn counts(s: &[String]) -> Option<Counts> {
    let n: Vec<u64> = s
        .get(1..9)?
        .iter()
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    Some(Counts {
        open: n[0],
        pending: n[1],
        conflict: n[4],
        rejected: n[5],
        expired: n[6],
        foreign: n[7],
    })
}

pub fn problems(
    cfg: &LoopCfg,
    report: &LoopReport,
    fin: &Final,
    lines: &[String],
    ledger: &[serde_json::Value],
    acked: u64,
) -> Vec<String> {
    let mode = cfg.mode;
    let mut problems = Vec::new();
    let recorders = mode.recorders(report.copied.is_some());
    if acked <= CONFLICT_EVENTS {
        problems.push(format!(
            "only {acked} events acknowledged: the loop did not get going"
        ));
    }
    // Per key: the acknowledged sum, once.
    let mut want = expected(cfg.seed, acked);
    if let Some((name, d, q)) = &fin.own {
        *want.entry((name.clone(), d.clone())).or_insert(0) += q;
    } else if report.copied.is_some() {
        problems.push("the copy machine did not record its own usage".into());
    }
    if let Err(e) = compare(
        &want,
        &billed_by(ledger, &[CONFLICT_CUSTOMER], |e| mode.ledger_name(e)),
    ) {
        problems.push(e);
    }
    // Every outbox flushed.
    let flushed: Vec<&str> = fin
        .flushes
        .iter()
        .filter(|f| f.1.starts_with("0 ") || f.1 == "0")
        .map(|f| f.0.as_str())
        .collect();
    if flushed != recorders {
        let errors: Vec<&String> = lines
            .iter()
            .filter(|l| l.starts_with("FLUSH") || l.starts_with("ERR") || l.starts_with("OPENFAIL"))
            .collect();
        problems.push(format!("final flush of {recorders:?}: {errors:?}"));
    }
    problems.extend(stats_problems(mode, report, fin, &recorders));
    problems.extend(ledger_problems(mode, report, ledger));
    problems.extend(reconcile(mode, fin, ledger));
    problems
}

fn stats_problems(
    mode: ProofMode,
    report: &LoopReport,
    fin: &Final,
    recorders: &[&str],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut conflicts = 0;
    for name in recorders {
        let Some(c) = fin
            .stats
            .iter()
            .find(|s| s.first().map(String::as_str) == Some(name))
            .and_then(|s| counts(s))
        else {
            problems.push(format!("no STATS of {name} from the final run"));
            continue;
        };
        if c.open != 0 || c.pending != 0 {
            problems.push(format!(
                "{name}: slots not terminal: {} open, {} pending",
                c.open, c.pending
            ));
        }
        if c.rejected != 0 || c.expired != 0 {
            problems.push(format!(
                "{name}: {} rejected, {} expired",
                c.rejected, c.expired
            ));
        }
        let conflict_here = mode == ProofMode::Saas || *name == CONFLICT_CUSTOMER;
        if !conflict_here && c.conflict != 0 {
            problems.push(format!("{name}: {} conflicts, none injected", c.conflict));
        }
        conflicts += c.conflict;
        // The copy holds the other machine's undelivered slots: reported, never sent.
        let foreign = match report.copied {
            Some((_, n)) if *name == COPY_MACHINE => n,
            _ => 0,
        };
        if c.foreign != foreign {
            problems.push(format!(
                "{name}: {} slots of another machine reported, {foreign} expected",
                c.foreign
            ));
        }
    }
    if conflicts != 2 {
        problems.push(format!("{conflicts} conflicts, 2 injected"));
    }
    problems
}

fn ledger_problems(
    mode: ProofMode,
    report: &LoopReport,
    ledger: &[serde_json::Value],
) -> Vec<String> {
    let mut problems = Vec::new();
    let conflict_entries: Vec<_> = ledger
        .iter()
        .filter(|e| mode.ledger_name(e) == CONFLICT_CUSTOMER)
        .collect();
    if conflict_entries.len() != 2
        || conflict_entries
            .iter()
            .any(|e| e["quantity"] != INJECTED_CONFLICT_QUANTITY)
    {
        problems.push(format!(
            "the conflict {}'s ledger: {conflict_entries:?}",
            if mode == ProofMode::Saas {
                "customer"
            } else {
                "machine"
            }
        ));
    }
    let answers = mode.conflict_answers(&report.requests);
    if answers < 2 {
        problems.push(format!(
            "{answers} conflict answers, expected at least the 2 injected"
        ));
    }
    // A ClientToken sent again with other parameters: a sealed quantity changed.
    let token_conflicts = report.requests["operations"]["MeterUsage"]["outcomes"]
        ["IdempotencyConflictException"]
        .as_u64()
        .unwrap_or(0);
    if token_conflicts != 0 {
        problems.push(format!("{token_conflicts} IdempotencyConflict answers"));
    }
    let (used, never) = mode.operations();
    let calls = |op: &str| {
        report.requests["operations"][op]["total"]
            .as_u64()
            .unwrap_or(0)
    };
    if calls(never) != 0 || calls(used) == 0 {
        problems.push(format!(
            "{} {never} and {} {used} calls in {} mode",
            calls(never),
            calls(used),
            mode.as_str()
        ));
    }
    problems
}

/// Hour by hour: the ledger holds at most one record per (name, dimension, hour), and it is
/// the one the outbox's own slot of that hour reports.
fn reconcile(mode: ProofMode, fin: &Final, ledger: &[serde_json::Value]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut billed: BTreeMap<(String, String, i64), Vec<(i64, String)>> = BTreeMap::new();
    for e in ledger {
        let key = (
            mode.ledger_name(e),
            e["dimension"].as_str().unwrap_or("").to_string(),
            e["hour"].as_i64().unwrap_or(-1),
        );
        billed.entry(key).or_default().push((
            parse_millionths(e["quantity"].as_str().unwrap_or("0")),
            e["metering_record_id"].as_str().unwrap_or("").to_string(),
        ));
    }
    for (k, v) in &billed {
        if v.len() != 1 {
            problems.push(format!("{k:?} billed {} times: {v:?}", v.len()));
        }
    }
    let mut matched = 0;
    for s in fin.slots.iter().filter(|s| !s.foreign) {
        let key = (s.key.clone(), s.dimension.clone(), s.hour);
        let entry = billed.get(&key).and_then(|v| v.first());
        let ok = match s.state {
            MPM_OUTBOX_STATE_ACCEPTED | MPM_OUTBOX_STATE_DUPLICATE => {
                entry.is_some_and(|(q, id)| {
                    *q == s.millionths && s.record_id.as_ref().is_none_or(|r| r == id)
                })
            }
            MPM_OUTBOX_STATE_CONFLICT => {
                entry.is_some_and(|(q, _)| *q == parse_millionths(INJECTED_CONFLICT_QUANTITY))
            }
            _ => false,
        };
        if ok {
            matched += 1;
        } else {
            problems.push(format!("slot {s:?} against the ledger's {entry:?}"));
        }
    }
    if matched != billed.len() {
        problems.push(format!(
            "{} ledger records, {matched} of them matched by the outbox's slots",
            billed.len()
        ));
    }
    // The copy's slots of the other machine are reported as foreign, never as its own.
    for s in fin.slots.iter().filter(|s| s.outbox == COPY_MACHINE) {
        if s.foreign != (s.key != COPY_MACHINE) {
            problems.push(format!("the copy reports {s:?}"));
        }
    }
    problems
}
