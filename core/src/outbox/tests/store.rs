//! The store: one process per file, the settings read back, resumption of claimed slots.

use super::*;

#[test]
fn a_second_open_of_the_same_store_is_refused_clearly() {
    let h = Harness::new("locked", utc(2026, 12, 1, 8, 0), |_| {});
    let reports = Arc::new(Mutex::new(vec![]));
    let e = Outbox::open(
        &h.path,
        options(&h.clock, &reports),
        Fake::new(),
        runtime().handle(),
    )
    .err()
    .unwrap();
    assert!(
        matches!(&e, OutboxError::Locked(m) if m.contains("in use")),
        "{e:?}"
    );
    // The first one goes on working, and once closed the file can be opened again.
    h.record("c1", "users", utc(2026, 12, 1, 8, 0), "1", None)
        .unwrap();
    h.outbox.close(Duration::from_secs(1));
    let again = Outbox::open(
        &h.path,
        options(&h.clock, &reports),
        Fake::new(),
        runtime().handle(),
    )
    .unwrap();
    assert_eq!(
        again.slots_of_hour(utc(2026, 12, 1, 8, 0)).unwrap()[0].quantity_millionths,
        1_000_000
    );
}

/// The child of the two-process test: holds the store until its stdin closes.
#[test]
fn lock_holder_child() {
    let Ok(path) = std::env::var("MPM_OUTBOX_LOCK_CHILD") else {
        return;
    };
    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 8, 0)));
    let reports = Arc::new(Mutex::new(vec![]));
    let _o = Outbox::open(
        std::path::Path::new(&path),
        options(&clock, &reports),
        Fake::new(),
        runtime().handle(),
    )
    .unwrap();
    println!("HOLDING");
    let mut s = String::new();
    let _ = std::io::stdin().read_line(&mut s);
}

#[test]
fn another_process_holding_the_store_is_refused_and_its_death_frees_it() {
    use std::io::{BufRead, BufReader};
    let path = store_path("two-process");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "outbox::tests::store::lock_holder_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MPM_OUTBOX_LOCK_CHILD", &path)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("HOLDING") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the child did not open the store"
        );
    }
    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 8, 0)));
    let reports = Arc::new(Mutex::new(vec![]));
    let e = Outbox::open(
        &path,
        options(&clock, &reports),
        Fake::new(),
        runtime().handle(),
    )
    .err()
    .unwrap();
    assert!(matches!(e, OutboxError::Locked(_)), "{e:?}");
    child.kill().unwrap();
    child.wait().unwrap();
    Outbox::open(
        &path,
        options(&clock, &reports),
        Fake::new(),
        runtime().handle(),
    )
    .unwrap();
}

#[test]
fn settings_that_do_not_hold_are_refused_at_open() {
    // An in-memory database cannot do WAL: read back, refused.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    let e = crate::outbox::store::check_settings(&conn, 2).unwrap_err();
    assert!(e.to_string().contains("journal_mode=WAL"), "{e}");
    // A store whose synchronous level reads back as anything but what is required.
    let path = store_path("sync");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    let e = crate::outbox::store::check_settings(&conn, 2).unwrap_err();
    assert!(e.to_string().contains("synchronous=2"), "{e}");
    // Through open: the memdb VFS has no WAL.
    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 8, 0)));
    let reports = Arc::new(Mutex::new(vec![]));
    let o = Options {
        sqlite_vfs: Some("memdb".into()),
        ..options(&clock, &reports)
    };
    let e = Outbox::open(&store_path("memdb"), o, Fake::new(), runtime().handle())
        .err()
        .unwrap();
    assert!(
        matches!(&e, OutboxError::Store(m) if m.contains("WAL")),
        "{e:?}"
    );
    let o = Options {
        sqlite_vfs: Some("no-such-vfs".into()),
        ..options(&clock, &reports)
    };
    assert!(matches!(
        Outbox::open(&store_path("novfs"), o, Fake::new(), runtime().handle()),
        Err(OutboxError::Store(_))
    ));
}

#[test]
fn a_slot_claimed_when_the_process_died_is_resent_after_open() {
    let t = utc(2026, 12, 1, 8, 10);
    let h = Harness::new("resume", t, |_| {});
    h.record("c1", "users", t, "1", None).unwrap();
    // As if the process died between claim and completion.
    h.outbox
        .shared
        .writer
        .call(false, |s| {
            s.seal(i64::MAX / 4, None, None)?;
            s.exec("UPDATE slots SET state = 2")
        })
        .unwrap();
    let path = h.path.clone();
    h.outbox.close(Duration::from_secs(1));
    drop(h);
    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 9, 10)));
    let reports = Arc::new(Mutex::new(vec![]));
    let fake = Fake::new();
    let o = Outbox::open(
        &path,
        options(&clock, &reports),
        fake.clone(),
        runtime().handle(),
    )
    .unwrap();
    o.flush(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(fake.batch_count(), 1);
    assert_eq!(o.slots_of_hour(t).unwrap()[0].state, SlotState::Duplicate);
}

#[test]
fn a_store_made_in_one_mode_is_refused_in_the_other() {
    let h = Harness::new("mode", utc(2026, 12, 1, 8, 0), |_| {});
    let path = h.path.clone();
    h.outbox.close(Duration::from_secs(1));
    drop(h);
    let clock = Arc::new(ManualClock::at_secs(utc(2026, 12, 1, 8, 0)));
    let reports = Arc::new(Mutex::new(vec![]));
    let o = Options {
        mode: Mode::Machine,
        machine_identity: Some("x".into()),
        ..options(&clock, &reports)
    };
    let e = Outbox::open(&path, o, Fake::new(), runtime().handle())
        .err()
        .unwrap();
    assert!(
        matches!(&e, OutboxError::Store(m) if m.contains("saas mode")),
        "{e:?}"
    );
}
