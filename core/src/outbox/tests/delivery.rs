//! Delivery: batches of at most 25 oldest first, statuses to terminal states, bisecting a
//! whole-batch refusal, unprocessed records, outages until the window closes, machine mode.

use super::*;

fn customers(i: &BatchMeterUsageInput) -> Vec<String> {
    i.usage_records
        .iter()
        .map(|r| r.customer_identifier.clone().unwrap())
        .collect()
}

fn batches_of_25_oldest_first_with_the_sealed_hour_as_timestamp(b: Backend) {
    let start = utc(2026, 12, 1, 8, 10);
    // A long seal delay: only the flush seals, so both hours go out together.
    let h = Harness::on(b, "batches", start, |o| o.seal_delay_seconds = 7200);
    h.record("old", "users", start, "2.5", None).unwrap();
    h.clock.set_secs(utc(2026, 12, 1, 9, 20));
    for i in 0..30 {
        h.record(
            &format!("c{i:02}"),
            "users",
            utc(2026, 12, 1, 9, 15),
            "1",
            None,
        )
        .unwrap();
    }
    h.clock.set_secs(utc(2026, 12, 1, 10, 30));
    h.flush();
    let b = h.fake.batches.lock().unwrap().clone();
    assert_eq!(b.len(), 2);
    assert_eq!(b[0].usage_records.len(), 25);
    assert_eq!(customers(&b[0])[0], "old", "oldest hour first");
    assert_eq!(
        b[0].usage_records[0].timestamp,
        Some(utc(2026, 12, 1, 8, 0))
    );
    assert_eq!(
        b[0].usage_records[0].quantity_as_decimal.as_deref(),
        Some("2.5")
    );
    assert_eq!(b[0].usage_records[1].quantity, Some(1));
    assert!(b.iter().all(|x| x.product_code.as_deref() == Some("prod")));
    let s = h.outbox.stats().unwrap();
    assert_eq!((s.accepted, s.pending, s.open), (31, 0, 0));
    assert_eq!(h.reports(31).len(), 31);
    let slot = &h.slots(utc(2026, 12, 1, 8, 0))[0];
    assert_eq!(
        slot.metering_record_id.as_deref(),
        Some(&*format!("mr-old-{}", utc(2026, 12, 1, 8, 0)))
    );
}

fn per_record_statuses_become_terminal_states_and_unprocessed_go_back(b: Backend) {
    let t = utc(2026, 12, 1, 8, 10);
    let h = Harness::on(b, "statuses", t, |_| {});
    for c in ["ok", "dup", "unsub", "unproc", "missing"] {
        h.record(c, "users", t, "1", None).unwrap();
    }
    let calls = Arc::new(Mutex::new(0));
    let c2 = calls.clone();
    h.fake.on_batch(move |i| {
        let mut n = c2.lock().unwrap();
        *n += 1;
        let mut out = all_succeed(i)?;
        if *n > 1 {
            return Ok(out);
        }
        out.results.retain(|r| {
            !matches!(
                r.usage_record
                    .as_ref()
                    .unwrap()
                    .customer_identifier
                    .as_deref(),
                Some("unproc" | "missing")
            )
        });
        for r in &mut out.results {
            match r
                .usage_record
                .as_ref()
                .unwrap()
                .customer_identifier
                .as_deref()
            {
                Some("dup") => r.status = Some(UsageRecordResultStatus::DuplicateRecord),
                Some("unsub") => r.status = Some(UsageRecordResultStatus::CustomerNotSubscribed),
                _ => {}
            }
        }
        let rec = |c: &str| {
            i.usage_records
                .iter()
                .find(|r| r.customer_identifier.as_deref() == Some(c))
                .unwrap()
                .clone()
        };
        out.unprocessed_records = vec![rec("unproc"), rec("missing")];
        out.missing_from_answer = 1;
        Ok(out)
    });
    h.clock.set_secs(utc(2026, 12, 1, 9, 10));
    let _ = h.outbox.flush(Some(Duration::from_secs(1)));
    // The unprocessed ones wait out a pause on the (pinned) clock, then go again.
    h.clock.advance_secs(5);
    h.flush();
    let st: Vec<_> = h
        .slots(utc(2026, 12, 1, 8, 0))
        .iter()
        .map(|s| (s.customer.clone(), s.state))
        .collect();
    assert_eq!(
        st,
        vec![
            ("dup".into(), SlotState::Conflict),
            ("missing".into(), SlotState::Duplicate),
            ("ok".into(), SlotState::Accepted),
            ("unproc".into(), SlotState::Accepted),
            ("unsub".into(), SlotState::Rejected),
        ]
    );
    let unsub = h
        .slots(utc(2026, 12, 1, 8, 0))
        .into_iter()
        .find(|s| s.customer == "unsub")
        .unwrap();
    assert_eq!(unsub.reason.as_deref(), Some("CustomerNotSubscribed"));
    // The resend carried the same records, byte for byte.
    let b = h.fake.batches.lock().unwrap().clone();
    assert_eq!(b.len(), 2);
    for r in &b[1].usage_records {
        assert!(b[0].usage_records.contains(r));
    }
}

fn a_whole_batch_refusal_is_bisected_to_the_bad_record(b: Backend) {
    let t = utc(2026, 12, 1, 8, 10);
    let h = Harness::on(b, "bisect", t, |_| {});
    for i in 0..10 {
        h.record(&format!("c{i}"), "users", t, "1", None).unwrap();
    }
    h.fake.on_batch(|i| {
        if customers(i).iter().any(|c| c == "c6") {
            Err(service("TimestampOutOfBoundsException"))
        } else {
            all_succeed(i)
        }
    });
    h.clock.set_secs(utc(2026, 12, 1, 9, 10));
    h.flush();
    let slots = h.slots(utc(2026, 12, 1, 8, 0));
    for s in &slots {
        let want = if s.customer == "c6" {
            SlotState::Rejected
        } else {
            SlotState::Accepted
        };
        assert_eq!(s.state, want, "{}", s.customer);
    }
    let bad = slots.iter().find(|s| s.customer == "c6").unwrap().clone();
    assert!(
        bad.reason
            .as_deref()
            .unwrap()
            .starts_with("TimestampOutOfBoundsException"),
        "{:?}",
        bad.reason
    );
    // 10 -> 5+5 -> 2+3 -> 1+2 -> 1+1: a handful of calls, not one per record.
    assert!(h.fake.batch_count() <= 9, "{}", h.fake.batch_count());
    // The attempt log keeps every request the bad record was in.
    let logged = h
        .outbox
        .attempts(bad.id)
        .unwrap()
        .iter()
        .filter(|a| a.outcome.starts_with("batch refused, bisected"))
        .count();
    assert!(logged >= 3, "{logged}");
}

fn an_outage_retries_until_the_window_closes_then_expires_and_reports(b: Backend) {
    let t = utc(2026, 12, 1, 8, 10);
    let h = Harness::on(b, "outage", t, |o| o.max_backoff_seconds = 600);
    h.record("c1", "users", t, "1", None).unwrap();
    h.fake
        .on_batch(|_| Err(service("InternalServiceErrorException")));
    h.clock.set_secs(utc(2026, 12, 1, 9, 10));
    assert!(matches!(
        h.outbox.flush(Some(Duration::from_millis(300))),
        Err(OutboxError::TimedOut(_))
    ));
    let s = h.outbox.stats().unwrap();
    assert_eq!(
        (s.pending, s.oldest_pending_hour),
        (1, utc(2026, 12, 1, 8, 0))
    );
    assert_eq!(
        s.seconds_to_first_expiry,
        utc(2026, 12, 2, 8, 0) - utc(2026, 12, 1, 9, 10)
    );
    // Hours of outage: the sender keeps trying on its schedule.
    for _ in 0..5 {
        let before = h.fake.batch_count();
        h.clock.advance_secs(4 * 3600);
        let t0 = std::time::Instant::now();
        // The retry is sent, and its outcome written (back to sealed) before the clock moves
        // on: a pause counted from a later instant would not be due yet.
        let retried = || {
            h.fake.batch_count() > before
                && h.slots(utc(2026, 12, 1, 8, 0))[0].state == SlotState::Sealed
        };
        while !retried() && t0.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(h.fake.batch_count() > before, "no retry after the pause");
    }
    let tries = h.fake.batch_count();
    // The window closes: expired, reported, and never sent again.
    h.clock.set_secs(utc(2026, 12, 2, 8, 0));
    let r = h.reports(1);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].state, SlotState::Expired);
    assert!(r[0].reason.as_deref().unwrap().contains("window closed"));
    let s = h.outbox.stats().unwrap();
    assert_eq!(
        (s.expired, s.pending, s.seconds_to_first_expiry),
        (1, 0, -1)
    );
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(h.fake.batch_count(), tries);
}

fn back_after_an_outage_everything_is_delivered(b: Backend) {
    let t = utc(2026, 12, 1, 8, 10);
    let h = Harness::on(b, "heal", t, |_| {});
    for i in 0..3 {
        h.record(&format!("c{i}"), "users", t, "1", None).unwrap();
    }
    h.fake
        .on_batch(|_| Err(Error::Transport("connection refused".into())));
    h.clock.set_secs(utc(2026, 12, 1, 9, 10));
    let _ = h.outbox.flush(Some(Duration::from_millis(200)));
    // The failed send happened and its outcome is written (a loaded machine may need longer
    // than the flush above), so the next send is a resend.
    h.wait_until(|| {
        h.fake.batch_count() >= 1
            && h.slots(utc(2026, 12, 1, 8, 0))
                .iter()
                .all(|s| s.state == SlotState::Sealed)
    });
    h.fake.on_batch(all_succeed);
    h.clock.advance_secs(3 * 3600);
    h.flush();
    let s = h.outbox.stats().unwrap();
    // Sent before without an answer: the fate of those sends is unknown, so "duplicate".
    assert_eq!((s.duplicate + s.accepted, s.expired, s.pending), (3, 0, 0));
    assert_eq!(s.duplicate, 3);
}

#[test]
fn machine_mode_sends_meter_usage_with_the_token_chosen_at_seal() {
    let t = utc(2028, 2, 29, 22, 10);
    let h = Harness::new("machine", t, |o| {
        o.mode = Mode::Machine;
        o.machine_identity = Some("ec2-instance:i-1".into());
    });
    let rec = |q: &str| {
        h.outbox.record(&Event {
            customer: None,
            dimension: "hosts".into(),
            usage_time: t,
            quantity: q.into(),
            event_id: None,
        })
    };
    rec("1").unwrap();
    rec("0.5").unwrap();
    assert!(matches!(
        h.record("c", "hosts", t, "1", None),
        Err(OutboxError::InvalidArgument(_))
    ));
    h.fake.on_meter(|_| Err(Error::Timeout("no answer".into())));
    h.clock.set_secs(utc(2028, 2, 29, 23, 10));
    let _ = h.outbox.flush(Some(Duration::from_millis(200)));
    // The unanswered send happened and is written back (a loaded machine may need longer
    // than the flush above), so the next one is a resend.
    h.wait_until(|| {
        !h.fake.meters.lock().unwrap().is_empty() && h.slots(t)[0].state == SlotState::Sealed
    });
    h.fake.on_meter(|i| {
        Ok(MeterUsageOutput {
            metering_record_id: Some(format!("mr-{}", i.client_token.clone().unwrap())),
        })
    });
    h.clock.advance_secs(60);
    h.flush();
    let m = h.fake.meters.lock().unwrap().clone();
    assert!(m.len() >= 2);
    assert!(
        m.windows(2).all(|w| w[0] == w[1]),
        "a resend differs: {m:?}"
    );
    assert_eq!(m[0].timestamp, Some(utc(2028, 2, 29, 22, 0)));
    assert_eq!(m[0].usage_quantity_as_decimal.as_deref(), Some("1.5"));
    let s = &h.slots(t)[0];
    assert_eq!(s.customer, "ec2-instance:i-1");
    assert_eq!(s.state, SlotState::Duplicate);
    assert_eq!(
        s.metering_record_id,
        Some(format!("mr-{}", m[0].client_token.clone().unwrap()))
    );
}

#[test]
fn a_store_copied_to_another_machine_never_sends_the_other_machines_slots() {
    let t = utc(2026, 12, 1, 8, 10);
    let path = store_path("copied");
    let clock = Arc::new(ManualClock::at_secs(t));
    let reports = Arc::new(Mutex::new(vec![]));
    let opts = |id: &str| Options {
        mode: Mode::Machine,
        machine_identity: Some(id.into()),
        ..options(&clock, &reports)
    };
    let fake = Fake::new();
    let a = Outbox::open(
        &path,
        opts("ec2-instance:i-a"),
        fake.clone(),
        runtime().handle(),
    )
    .unwrap();
    a.record(&Event {
        customer: None,
        dimension: "hosts".into(),
        usage_time: t,
        quantity: "1".into(),
        event_id: None,
    })
    .unwrap();
    a.close(Duration::from_secs(1));
    drop(a);
    let b = Outbox::open(
        &path,
        opts("ec2-instance:i-b"),
        fake.clone(),
        runtime().handle(),
    )
    .unwrap();
    clock.set_secs(utc(2026, 12, 1, 9, 10));
    b.flush(Some(Duration::from_secs(5))).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    assert!(
        fake.meters.lock().unwrap().is_empty(),
        "sent another machine's usage"
    );
    let s = b.stats().unwrap();
    assert_eq!((s.foreign, s.pending, s.open), (1, 0, 0));
    assert!(b.slots_of_hour(t).unwrap()[0].foreign);
    // Even after its window: reported as foreign, not silently expired as ours.
    clock.set_secs(utc(2026, 12, 2, 9, 0));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(b.stats().unwrap().foreign, 1);
}

fn the_last_hour_of_a_month_is_sent_until_six_on_the_first_and_expires_then(b: Backend) {
    // 2027-01-01 05:59: the sender still sends 2026-12-31 23:00; at 06:00 it is expired.
    for (at, want) in [
        (utc(2027, 1, 1, 5, 59), SlotState::Accepted),
        (utc(2027, 1, 1, 6, 0), SlotState::Expired),
        (utc(2027, 1, 1, 6, 1), SlotState::Expired),
    ] {
        let h = Harness::on(b, "newyear", utc(2026, 12, 31, 23, 30), |_| {});
        h.record("c1", "users", utc(2026, 12, 31, 23, 30), "1", None)
            .unwrap();
        h.clock.set_secs(at);
        let r = h.reports(1);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].state, want, "at {at}");
    }
}

on_both!(
    batches_of_25_oldest_first_with_the_sealed_hour_as_timestamp,
    per_record_statuses_become_terminal_states_and_unprocessed_go_back,
    a_whole_batch_refusal_is_bisected_to_the_bad_record,
    an_outage_retries_until_the_window_closes_then_expires_and_reports,
    back_after_an_outage_everything_is_delivered,
    the_last_hour_of_a_month_is_sent_until_six_on_the_first_and_expires_then,
    an_answer_the_store_fails_to_write_is_written_again_not_sent_again,
);

/// AWS answered, and writing its answer failed (a session that ended, a server away, a busy
/// disk: here the writes are made and undone, as by a commit that failed). The answer is
/// written again until it holds: every slot accepted with AWS's record id, one request, one
/// attempt each, one report each. Dropped (as it was), the slots stayed "sending" and the flush
/// ran out of time.
fn an_answer_the_store_fails_to_write_is_written_again_not_sent_again(b: Backend) {
    let hour = utc(2026, 12, 1, 8, 0);
    let h = Harness::on(b, "outcome-again", hour + 600, |_| {});
    for n in 0..3 {
        h.record(
            &format!("c{n}"),
            "users",
            hour + 60,
            "1",
            Some(&format!("e{n}")),
        )
        .unwrap();
    }
    h.outbox
        .shared
        .writer
        .call(false, |_| {
            crate::outbox::store::fail_complete::set(3);
            Ok(())
        })
        .unwrap();
    h.clock.set_secs(hour + 3600 + 400);
    h.flush();
    assert_eq!(h.fake.batch_count(), 1, "the slots were sent again");
    let slots = h.slots(hour);
    assert_eq!(slots.len(), 3, "{slots:?}");
    for s in &slots {
        assert_eq!(s.state, SlotState::Accepted, "{s:?}");
        let c = &s.customer;
        assert_eq!(
            s.metering_record_id.as_deref(),
            Some(format!("mr-{c}-{hour}").as_str())
        );
        let log = h.outbox.attempts(s.id).unwrap();
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].outcome, "accepted", "{log:?}");
    }
    let reports = h.reports(3);
    assert_eq!(reports.len(), 3, "{reports:?}");
    // The writer thread's faults are used up: none is left for another test.
    let left = h
        .outbox
        .shared
        .writer
        .call(false, |_| Ok(crate::outbox::store::fail_complete::take()))
        .unwrap();
    assert!(!left, "a fault was left over: fewer writes than expected");
}
