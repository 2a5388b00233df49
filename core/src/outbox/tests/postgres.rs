//! What only the fleet's store does: claims fenced by epochs, leases taken over after they
//! expire, two claimers that never take the same slot, one rate budget for every process,
//! concurrent opens of an empty database, schema and permission checks, secrets kept out of
//! messages, and connection loss survived. Each test has a database of its own on the
//! harness's server (core/tests/support/postgres.rs); a server that cannot start fails them.

use super::pg_support::Postgres;
use super::*;
use crate::outbox::store::postgres::{PgStore, Target};
use crate::outbox::store::{Completion, Session, Store, Usage};

/// The shortest lease: takeovers are waited for in real time (leases run on the database's
/// real clock, not the test's).
const LEASE_S: i64 = 5;

fn db() -> Option<Postgres> {
    if skip_postgres() {
        return None;
    }
    fresh_database()
}

fn ctx() -> Ctx {
    Ctx {
        mode: Mode::Saas,
        product: "prod".into(),
        identity: None,
        seal_delay: 300,
        late_policy: LatePolicy::RollIntoCurrentHour,
        max_backoff_seconds: 300,
    }
}

/// A store of its own on `url` (as a second process would have), on a test clock.
fn store(url: &str, clock: &Arc<ManualClock>) -> PgStore {
    let target = Target::parse(url, None).unwrap();
    let clock: Arc<dyn Clock> = clock.clone();
    PgStore::open(target, ctx(), clock, runtime().handle().clone(), LEASE_S).unwrap()
}

/// Runs `f` in one transaction of `s`, committed.
fn tx<T>(s: &PgStore, f: impl FnOnce(&dyn Store) -> T) -> T {
    s.begin().unwrap();
    let out = f(s);
    s.commit().unwrap();
    out
}

fn usage(customer: &str, hour: i64) -> Usage {
    Usage {
        customer: customer.into(),
        dimension: "users".into(),
        hour,
        millionths: 1_000_000,
        event_id: None,
    }
}

fn accepted() -> Completion {
    Completion::Terminal {
        state: SlotState::Accepted,
        metering_record_id: Some("mr".into()),
        reason: None,
    }
}

/// Records one slot per customer at `hour` and seals them.
fn sealed_slots(s: &PgStore, hour: i64, customers: usize, now_s: i64) {
    tx(s, |s| {
        for c in 0..customers {
            s.record(&usage(&format!("c{c:02}"), hour), hour + 60)
                .unwrap();
        }
        s.seal(now_s, Some(0), None).unwrap();
    });
}

#[test]
fn a_completion_from_a_lost_lease_is_refused_and_the_next_sender_takes_over() {
    let Some(pg) = db() else { return };
    let hour = utc(2026, 12, 1, 8, 0);
    let clock = Arc::new(ManualClock::at_secs(hour + 3700));
    let (a, b) = (store(&pg.url(), &clock), store(&pg.url(), &clock));
    sealed_slots(&a, hour, 1, hour + 3700);
    let now_ms = |c: &ManualClock| c.now_ms();
    let first = tx(&a, |s| s.claim_batch(now_ms(&clock)).unwrap());
    assert_eq!(first.slots.len(), 1);
    let id = first.slots[0].id;
    // Inside A's lease nobody else may take the slot, however far the test's clock moves.
    clock.advance_secs(3600);
    assert!(tx(&b, |s| s.claim_batch(now_ms(&clock)).unwrap())
        .slots
        .is_empty());
    // A stalls past its lease: B resumes the slot, in doubt (A's request may have gone out).
    std::thread::sleep(Duration::from_millis(LEASE_S as u64 * 1000 + 300));
    let second = tx(&b, |s| s.claim_batch(now_ms(&clock)).unwrap());
    assert_eq!(second.slots.len(), 1);
    assert!(second.in_doubt[0], "a taken-over slot is in doubt");
    assert!(second.epochs[0] > first.epochs[0]);
    // A cannot renew, and its late completion is refused and logged as not applied.
    assert!(!tx(&a, |s| s.renew(&first).unwrap()));
    let stale = [(id, first.epochs[0])];
    let terminal = tx(&a, |s| {
        s.complete(now_ms(&clock), Some("req-a"), &[(id, accepted())], &stale)
            .unwrap()
    });
    assert!(terminal.is_empty(), "a stale completion was applied");
    let state = tx(&a, |s| s.views(&[id]).unwrap()[0].state);
    assert_eq!(state, SlotState::Sending);
    let retry = Completion::Retry {
        reason: "late".into(),
        in_doubt: false,
    };
    tx(&a, |s| {
        s.complete(now_ms(&clock), None, &[(id, retry)], &stale)
            .unwrap()
    });
    assert_eq!(
        tx(&a, |s| s.views(&[id]).unwrap()[0].state),
        SlotState::Sending
    );
    // B's completion holds, and is the one reported.
    let current = [(id, second.epochs[0])];
    let terminal = tx(&b, |s| {
        s.complete(now_ms(&clock), Some("req-b"), &[(id, accepted())], &current)
            .unwrap()
    });
    assert_eq!(terminal.len(), 1);
    assert_eq!(terminal[0].state, SlotState::Accepted);
    let log = tx(&b, |s| s.attempts(id).unwrap());
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log[0].outcome.starts_with("not applied"), "{log:?}");
    assert!(log[1].outcome.starts_with("not applied"), "{log:?}");
    assert_eq!(log[2].outcome, "accepted");
}

/// One claim is one lease: every slot it takes gets the same lease end, so another process
/// takes the batch over whole, never a part of it (the database's time was once read per row,
/// and a takeover at the millisecond between two rows split one batch into two requests).
/// 40 claims of 25 slots; with the time read per row (`clock_timestamp()`) the first claim
/// already spanned two lease ends, in each of 4 runs.
#[test]
fn a_claims_slots_share_one_lease_end() {
    let Some(pg) = db() else { return };
    let hour = utc(2026, 12, 1, 8, 0);
    let clock = Arc::new(ManualClock::at_secs(hour + 3700));
    let a = store(&pg.url(), &clock);
    sealed_slots(&a, hour, 25, hour + 3700);
    for round in 0..40 {
        let claimed = tx(&a, |s| s.claim_batch(clock.now_ms()).unwrap());
        assert_eq!(claimed.slots.len(), 25, "round {round}");
        let ends =
            pg.sql("SELECT count(DISTINCT lease_until_ms) FROM mpmeter.slots WHERE state = 2");
        assert_eq!(ends, "1", "round {round}: one claim, several lease ends");
        pg.sql("UPDATE mpmeter.slots SET state = 1, next_attempt_ms = 0");
    }
}

#[test]
fn two_claimers_at_once_never_take_the_same_slot_nor_wait_for_each_other() {
    let Some(pg) = db() else { return };
    let hour = utc(2026, 12, 1, 8, 0);
    let clock = Arc::new(ManualClock::at_secs(hour + 3700));
    let (a, b) = (store(&pg.url(), &clock), store(&pg.url(), &clock));
    sealed_slots(&a, hour, 30, hour + 3700);
    // A's claim is not committed yet: its rows are locked, and B skips them.
    a.begin().unwrap();
    let ca = (&a as &dyn Store).claim_batch(clock.now_ms()).unwrap();
    let t0 = std::time::Instant::now();
    let cb = tx(&b, |s| s.claim_batch(clock.now_ms()).unwrap());
    let waited = t0.elapsed();
    a.commit().unwrap();
    assert_eq!((ca.slots.len(), cb.slots.len()), (25, 5));
    assert!(
        waited < Duration::from_secs(5),
        "B waited {waited:?} for A's locks"
    );
    let mut ids: Vec<i64> = ca.slots.iter().chain(&cb.slots).map(|s| s.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30, "a slot was claimed twice");
    // Oldest first within each claim, and one product per batch.
    assert!(ca
        .slots
        .windows(2)
        .all(|w| (w[0].hour, w[0].id) < (w[1].hour, w[1].id)));
    assert!(ca
        .slots
        .iter()
        .chain(&cb.slots)
        .all(|s| s.product == "prod"));
    // Nothing is left to claim while both leases hold.
    assert!(tx(&b, |s| s.claim_batch(clock.now_ms()).unwrap())
        .slots
        .is_empty());
}

#[test]
fn two_outboxes_share_one_rate_budget() {
    let Some(pg) = db() else { return };
    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 8, 0)));
    let interval = Duration::from_millis(20);
    let stores = [store(&pg.url(), &clock), store(&pg.url(), &clock)];
    let budgets: Vec<_> = stores
        .iter()
        .map(|s| s.fleet_budget().expect("a shared store has one"))
        .collect();
    let take = |b: &Arc<dyn crate::outbox::store::FleetBudget>| {
        let wait = runtime()
            .block_on(b.reserve(interval.as_micros() as i64))
            .unwrap();
        std::thread::sleep(wait);
    };
    // Connected, and the budget's last turn long past.
    budgets.iter().for_each(take);
    std::thread::sleep(interval * 2);
    // Each store takes 15 turns from its own thread, as two processes would, waiting for
    // each: the last of the 30 turns comes 29 intervals after the first at the earliest
    // (two budgets, one per store, would take 14).
    let t0 = std::time::Instant::now();
    std::thread::scope(|sc| {
        for b in &budgets {
            sc.spawn(move || (0..15).for_each(|_| take(b)));
        }
    });
    let took = t0.elapsed();
    assert!(took >= interval * 29, "{took:?}");
    assert!(took < interval * 29 + Duration::from_secs(2), "{took:?}");
}

#[test]
fn opens_at_once_on_an_empty_database_make_one_schema() {
    let Some(pg) = db() else { return };
    let url = pg.url();
    let opened: Vec<Result<Outbox, OutboxError>> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                sc.spawn(move || {
                    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 8, 0)));
                    let reports = Arc::new(Mutex::new(vec![]));
                    Outbox::open_postgres(
                        &url,
                        options(&clock, &reports),
                        Fake::new(),
                        runtime().handle(),
                    )
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for o in &opened {
        assert!(o.is_ok(), "{:?}", o.as_ref().err());
    }
    assert_eq!(pg.sql("SELECT count(*) FROM mpmeter.schema_version"), "1");
    assert_eq!(pg.sql("SELECT version FROM mpmeter.schema_version"), "1");
    assert_eq!(
        pg.sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mpmeter'"),
        "7"
    );
    assert_eq!(pg.sql("SELECT count(*) FROM mpmeter.rate_budget"), "1");
}

fn open_err(url: &str, tweak: impl FnOnce(&mut Options)) -> OutboxError {
    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 8, 0)));
    let reports = Arc::new(Mutex::new(vec![]));
    let mut o = options(&clock, &reports);
    tweak(&mut o);
    Outbox::open_postgres(url, o, Fake::new(), runtime().handle())
        .err()
        .expect("the open should fail")
}

#[test]
fn a_newer_schema_a_missing_permission_and_machine_mode_are_refused_clearly() {
    let Some(pg) = db() else { return };
    drop(open_err_or_open(&pg.url()));
    pg.sql("UPDATE mpmeter.schema_version SET version = 99");
    let e = open_err(&pg.url(), |_| {});
    assert!(
        matches!(&e, OutboxError::Store(m) if m.contains("newer than this library")),
        "{e:?}"
    );
    // A role that may neither create a schema nor use one made for it.
    let password = "limited-role-password-7f3a";
    pg.sql(&format!(
        "CREATE ROLE limited LOGIN PASSWORD '{password}'; \
         REVOKE CREATE ON DATABASE {db} FROM PUBLIC; REVOKE ALL ON SCHEMA public FROM PUBLIC",
        db = pg.database()
    ));
    let limited = format!(
        "postgres://limited:{password}@127.0.0.1:{}/{}?schema=fleet",
        pg.port(),
        pg.database()
    );
    let e = open_err(&limited, |_| {});
    let m = e.to_string();
    assert!(
        matches!(&e, OutboxError::Store(_))
            && m.contains("lacks a permission")
            && m.contains("CREATE"),
        "{e:?}"
    );
    assert!(!m.contains(password), "{m}");
    // A schema made beforehand by an admin, with USAGE and CREATE granted: the role opens it.
    pg.sql("CREATE SCHEMA fleet; GRANT USAGE, CREATE ON SCHEMA fleet TO limited");
    drop(open_err_or_open(&limited));
    let e = open_err(&pg.url(), |o| {
        o.mode = Mode::Machine;
        o.machine_identity = Some("ec2-instance:i-1".into());
    });
    assert!(
        matches!(&e, OutboxError::InvalidArgument(m) if m.contains("machine mode")),
        "{e:?}"
    );
}

fn open_err_or_open(url: &str) -> Outbox {
    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 8, 0)));
    let reports = Arc::new(Mutex::new(vec![]));
    Outbox::open_postgres(
        url,
        options(&clock, &reports),
        Fake::new(),
        runtime().handle(),
    )
    .unwrap()
}

#[test]
fn the_password_is_in_no_error_and_no_debug_output() {
    let Some(pg) = db() else { return };
    let pw = pg.password().to_string();
    let wrong = pg.url().replace(&pw, "wrong-password-1234");
    let e = open_err(&wrong, |_| {});
    assert!(matches!(e, OutboxError::Store(_)), "{e:?}");
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("wrong-password-1234"), "{shown}");
    // Nobody listening: the error names the server, not the password.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let e = open_err(
        &format!("postgres://mpm:{pw}@127.0.0.1:{port}/x?connect_timeout=2"),
        |_| {},
    );
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("127.0.0.1"), "{shown}");
    assert!(!shown.contains(&pw), "{shown}");
    let t = Target::parse(&pg.url(), None).unwrap();
    assert!(!format!("{t:?}").contains(&pw));
}

#[test]
fn a_terminated_session_and_a_server_restart_are_survived() {
    if skip_postgres() {
        return;
    }
    let pg = Postgres::start_own().expect("a server of its own");
    let hour = utc(2026, 12, 1, 8, 0);
    let clock = Arc::new(ManualClock::at_secs(hour + 600));
    let reports = Arc::new(Mutex::new(vec![]));
    let fake = Fake::new();
    let o = Outbox::open_postgres(
        &pg.url(),
        options(&clock, &reports),
        fake.clone(),
        runtime().handle(),
    )
    .unwrap();
    let rec = |n: usize| {
        o.record(&Event {
            customer: Some(format!("c{n}")),
            dimension: "users".into(),
            usage_time: hour + 60,
            quantity: "1".into(),
            event_id: Some(format!("e{n}")),
        })
    };
    // Every record either returns Ok (and counts) or says the store failed; retried with its
    // event id until it is Ok, as an application would.
    let record_until_ok = |n: usize, within: Duration| {
        let t0 = std::time::Instant::now();
        loop {
            match rec(n) {
                Ok(_) => return,
                Err(OutboxError::Store(m)) => {
                    assert!(!m.contains(pg.password()), "{m}");
                    assert!(t0.elapsed() < within, "record {n} kept failing: {m}");
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => panic!("{e:?}"),
            }
        }
    };
    record_until_ok(0, Duration::from_secs(5));
    assert!(pg.terminate_backends() >= 1);
    for n in 1..5 {
        record_until_ok(n, Duration::from_secs(10));
    }
    pg.stop();
    let e = rec(100).unwrap_err();
    assert!(
        matches!(&e, OutboxError::Store(m) if m.contains("PostgreSQL")),
        "{e:?}"
    );
    pg.start_again();
    for n in 5..10 {
        record_until_ok(n, Duration::from_secs(15));
    }
    // Each counted once, whatever failed in between; then all delivered.
    clock.set_secs(hour + 3600 + 400);
    o.flush(Some(Duration::from_secs(20))).unwrap();
    let slots = o.slots_of_hour(hour).unwrap();
    assert_eq!(slots.len(), 10, "{slots:?}");
    assert!(slots
        .iter()
        .all(|s| s.quantity_millionths == 1_000_000 && s.state == SlotState::Accepted));
    assert_eq!(
        pg.sql("SELECT count(*) FROM mpmeter.events WHERE event_id = 'e100'"),
        "0",
        "a record that failed was written"
    );
}

/// A transport that takes every request and never answers: a sender stuck mid-request.
struct Stalled(std::sync::atomic::AtomicUsize);

impl Transport for Stalled {
    fn batch_meter_usage(&self, _: BatchMeterUsageInput) -> sender::Fut<'_, BatchMeterUsageOutput> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(std::future::pending())
    }
    fn meter_usage(&self, _: MeterUsageInput) -> sender::Fut<'_, MeterUsageOutput> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(std::future::pending())
    }
}

#[test]
fn a_dead_senders_slots_are_resumed_by_another_process_after_its_lease() {
    let Some(pg) = db() else { return };
    let hour = utc(2026, 12, 1, 8, 0);
    let clock = Arc::new(ManualClock::at_secs(hour + 600));
    let (reports_a, reports_b) = (Arc::new(Mutex::new(vec![])), Arc::new(Mutex::new(vec![])));
    let stalled = Arc::new(Stalled(Default::default()));
    let leased = |r: &Arc<Mutex<Vec<SlotView>>>| Options {
        lease_seconds: LEASE_S,
        ..options(&clock, r)
    };
    let a = Outbox::open_postgres(
        &pg.url(),
        leased(&reports_a),
        stalled.clone(),
        runtime().handle(),
    )
    .unwrap();
    for c in 0..3 {
        a.record(&Event {
            customer: Some(format!("c{c}")),
            dimension: "users".into(),
            usage_time: hour + 60,
            quantity: "2".into(),
            event_id: None,
        })
        .unwrap();
    }
    // Sealed and due: A claims the slots and its request hangs; then A dies without a word.
    clock.set_secs(hour + 3600 + 400);
    let t0 = std::time::Instant::now();
    while stalled.0.load(std::sync::atomic::Ordering::SeqCst) == 0 {
        assert!(t0.elapsed() < Duration::from_secs(10), "A never sent");
        std::thread::sleep(Duration::from_millis(5));
    }
    a.close(Duration::ZERO);
    let fake = Fake::new();
    let b = Outbox::open_postgres(
        &pg.url(),
        leased(&reports_b),
        fake.clone(),
        runtime().handle(),
    )
    .unwrap();
    // Inside A's lease B leaves them alone; after it, B resumes and delivers them, in doubt.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(fake.batch_count(), 0, "B took slots A still held");
    b.flush(Some(Duration::from_secs(LEASE_S as u64 + 10)))
        .unwrap();
    let slots = b.slots_of_hour(hour).unwrap();
    assert_eq!(slots.len(), 3);
    assert!(slots.iter().all(|s| s.state == SlotState::Duplicate
        && s.attempts == 2
        && s.quantity_millionths == 2_000_000));
    let sent = fake.batches.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].usage_records.len(), 3);
    assert!(sent[0]
        .usage_records
        .iter()
        .all(|r| r.timestamp == Some(hour)));
    // The process that delivered reports them; the dead one never did.
    let t0 = std::time::Instant::now();
    while reports_b.lock().unwrap().len() < 3 && t0.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(reports_b.lock().unwrap().len(), 3);
    assert!(reports_a.lock().unwrap().is_empty());
}

#[test]
fn a_transaction_left_open_by_a_stopped_process_stops_blocking_others() {
    let Some(pg) = db() else { return };
    let hour = utc(2026, 12, 1, 8, 0);
    let clock = Arc::new(ManualClock::at_secs(hour + 600));
    let (a, b) = (store(&pg.url(), &clock), store(&pg.url(), &clock));
    // A grows the slot and stops before its commit (as under SIGSTOP): it holds the row.
    a.begin().unwrap();
    (&a as &dyn Store)
        .record(&usage("c1", hour), hour + 600)
        .unwrap();
    // B's record of the same slot waits for the row, until the server ends A's idle
    // transaction; then it goes through, and A's uncommitted usage is gone.
    let t0 = std::time::Instant::now();
    let r = tx(&b, |s| s.record(&usage("c1", hour), hour + 600));
    let waited = t0.elapsed();
    assert_eq!(r.unwrap(), Recorded::Counted);
    assert!(waited < Duration::from_secs(25), "waited {waited:?}");
    assert!(
        a.commit().is_err(),
        "the stopped transaction was still committed"
    );
    a.rollback();
    let q = tx(&b, |s| {
        s.slots_of_hour(hour).unwrap()[0].quantity_millionths
    });
    assert_eq!(q, 1_000_000);
}

#[test]
fn a_seal_in_one_process_wakes_the_sender_of_another() {
    let Some(pg) = db() else { return };
    let hour = utc(2026, 12, 1, 8, 0);
    let clock = Arc::new(ManualClock::at_secs(hour + 3700));
    let reports = Arc::new(Mutex::new(vec![]));
    let fake = Fake::new();
    // B would not look for work for a minute by itself.
    let b = Outbox::open_postgres(
        &pg.url(),
        Options {
            idle_tick: Duration::from_secs(60),
            ..options(&clock, &reports)
        },
        fake.clone(),
        runtime().handle(),
    )
    .unwrap();
    // B's first look found nothing and it sleeps; its LISTEN is up.
    std::thread::sleep(Duration::from_millis(1000));
    let a = store(&pg.url(), &clock);
    sealed_slots(&a, hour, 2, hour + 3700);
    let t0 = std::time::Instant::now();
    while fake.batch_count() == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "the NOTIFY did not wake the other sender"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(fake.batches.lock().unwrap()[0].usage_records.len(), 2);
    b.close(Duration::from_secs(1));
}

#[test]
fn every_transaction_commits_durably_whatever_the_servers_default() {
    let Some(pg) = db() else { return };
    // A database whose default does not wait for the disk at commit.
    pg.sql(&format!(
        "ALTER DATABASE {} SET synchronous_commit = off",
        pg.database()
    ));
    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 8, 0)));
    let s = store(&pg.url(), &clock);
    let on = tx(&s, |s| {
        s.query_i64("SELECT CASE WHEN current_setting('synchronous_commit') = 'on' THEN 1::int8 ELSE 0::int8 END")
            .unwrap()
    });
    assert_eq!(on, 1, "a transaction ran with synchronous_commit off");
    assert_eq!(pg.sql("SHOW synchronous_commit"), "off");
}

#[test]
fn records_from_many_threads_share_round_trips_and_count_each_event_once() {
    if skip_postgres() {
        return;
    }
    let t = utc(2026, 12, 1, 8, 10);
    let h = Harness::on(Backend::Postgres, "many-threads", t, |_| {});
    // 8 threads record 200 distinct events between them, each event twice (by two threads):
    // concurrent records share a group, whose statements go out together.
    let counted = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for k in 0..8 {
            let (h, counted) = (&h, &counted);
            sc.spawn(move || {
                for n in 0..50 {
                    let id = (k % 4) * 50 + n;
                    let r = h
                        .record(
                            &format!("c{}", id % 10),
                            "users",
                            t,
                            "1",
                            Some(&format!("e{id}")),
                        )
                        .unwrap();
                    if r == Recorded::Counted {
                        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert_eq!(counted.load(std::sync::atomic::Ordering::SeqCst), 200);
    let slots = h.slots(utc(2026, 12, 1, 8, 0));
    assert_eq!(slots.len(), 10);
    assert!(
        slots.iter().all(|s| s.quantity_millionths == 20_000_000),
        "{slots:?}"
    );
}

#[test]
fn a_group_ended_by_a_deadlock_with_another_process_is_run_again() {
    let Some(pg) = db() else { return };
    let hour = utc(2026, 12, 1, 8, 0);
    let clock = Arc::new(ManualClock::at_secs(hour + 600));
    let reports = Arc::new(Mutex::new(vec![]));
    let w = Arc::new(
        Outbox::open_postgres(
            &pg.url(),
            options(&clock, &reports),
            Fake::new(),
            runtime().handle(),
        )
        .unwrap(),
    );
    let event = |customer: &str| Event {
        customer: Some(customer.into()),
        dimension: "users".into(),
        usage_time: hour + 600,
        quantity: "1".into(),
        event_id: None,
    };
    let other = store(&pg.url(), &clock);
    // The other process holds c2's slot; this one's group takes c1's, then waits for c2's;
    // the other then wants c1's: a deadlock, which PostgreSQL resolves by ending the
    // transaction whose check finds it first, normally this group's (it waited first). When
    // it ends the other's instead, that one retries here, until this group was the one.
    let mut rounds = 0;
    let batch = loop {
        rounds += 1;
        assert!(
            rounds <= 5,
            "PostgreSQL never ended this outbox's transaction"
        );
        other.begin().unwrap();
        (&other as &dyn Store)
            .record(&usage("c2", hour), hour + 600)
            .unwrap();
        let w2 = Arc::clone(&w);
        let events = vec![event("c1"), event("c2")];
        let group = std::thread::spawn(move || w2.record_batch(&events));
        std::thread::sleep(Duration::from_millis(400));
        let r = (&other as &dyn Store).record(&usage("c1", hour), hour + 600);
        let committed = r.is_ok() && other.commit().is_ok();
        if !committed {
            other.rollback();
        }
        let batch = group.join().unwrap();
        if committed {
            break batch;
        }
        batch.unwrap();
    };
    assert_eq!(
        batch.unwrap(),
        vec![Recorded::Counted, Recorded::Counted],
        "the group was not run again after the deadlock"
    );
    let q: Vec<(String, i64)> = tx(&other, |s| {
        s.slots_of_hour(hour)
            .unwrap()
            .into_iter()
            .map(|v| (v.customer, v.quantity_millionths))
            .collect()
    });
    let want = 1_000_000 * (rounds as i64 + 1);
    let mut q = q;
    q.sort();
    assert_eq!(q, vec![("c1".into(), want), ("c2".into(), want)]);
    w.close(Duration::from_secs(1));
}
