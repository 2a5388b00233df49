//! Recording: aggregation, event dedupe, sealing and the late-usage policy at pinned instants.

use super::*;

fn usage_aggregates_per_customer_dimension_and_hour_exactly(b: Backend) {
    let t = utc(2026, 12, 1, 10, 30);
    let h = Harness::on(b, "aggregate", t, |_| {});
    for q in ["0.1", "0.2", "1", "0.000001"] {
        assert_eq!(
            h.record("c1", "users", t, q, None).unwrap(),
            Recorded::Counted
        );
    }
    h.record("c2", "users", t - 600, "5", None).unwrap();
    h.record("c1", "hosts", t, "2", None).unwrap();
    let slots = h.slots(utc(2026, 12, 1, 10, 0));
    let q: Vec<_> = slots
        .iter()
        .map(|s| {
            (
                s.customer.as_str(),
                s.dimension.as_str(),
                s.quantity_millionths,
            )
        })
        .collect();
    assert_eq!(
        q,
        vec![
            ("c1", "hosts", 2_000_000),
            ("c1", "users", 1_300_001),
            ("c2", "users", 5_000_000)
        ]
    );
    assert!(slots
        .iter()
        .all(|s| s.state == SlotState::Open && s.hour == utc(2026, 12, 1, 10, 0)));
}

fn an_event_id_counts_once_even_after_delivery(b: Backend) {
    let t = utc(2026, 12, 1, 10, 30);
    let h = Harness::on(b, "dedupe", t, |_| {});
    assert_eq!(
        h.record("c1", "users", t, "3", Some("e1")).unwrap(),
        Recorded::Counted
    );
    assert_eq!(
        h.record("c1", "users", t, "3", Some("e1")).unwrap(),
        Recorded::AlreadyKnown
    );
    // Another quantity or even another hour under the same id is still the same event.
    assert_eq!(
        h.record("c1", "users", t - 3600, "9", Some("e1")).unwrap(),
        Recorded::AlreadyKnown
    );
    let many = vec![
        Event {
            customer: Some("c1".into()),
            dimension: "users".into(),
            usage_time: t,
            quantity: "1".into(),
            event_id: Some("e2".into()),
        },
        Event {
            customer: Some("c1".into()),
            dimension: "users".into(),
            usage_time: t,
            quantity: "1".into(),
            event_id: Some("e2".into()),
        },
    ];
    assert_eq!(
        h.outbox.record_batch(&many).unwrap(),
        vec![Recorded::Counted, Recorded::AlreadyKnown]
    );
    h.clock.set_secs(utc(2026, 12, 1, 11, 10));
    h.flush();
    let s = &h.slots(utc(2026, 12, 1, 10, 0))[0];
    assert_eq!(
        (s.state, s.quantity_millionths),
        (SlotState::Accepted, 4_000_000)
    );
    assert_eq!(
        h.record("c1", "users", t, "3", Some("e1")).unwrap(),
        Recorded::AlreadyKnown
    );
    assert!(
        h.slots(utc(2026, 12, 1, 11, 0)).is_empty(),
        "a known event was counted again"
    );
}

fn an_hour_is_sealed_only_after_its_delay_and_late_usage_rolls_into_the_current_hour(b: Backend) {
    let t = utc(2026, 12, 1, 10, 30);
    let h = Harness::on(b, "seal-delay", t, |o| o.seal_delay_seconds = 300);
    let hour = utc(2026, 12, 1, 10, 0);
    h.record("c1", "users", t, "1", None).unwrap();
    // 11:04: the hour is over but inside its delay: a late source still counts in its hour.
    h.clock.set_secs(utc(2026, 12, 1, 11, 4));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        h.record("c1", "users", t, "1", None).unwrap(),
        Recorded::Counted
    );
    assert_eq!(h.slots(hour)[0].state, SlotState::Open);
    assert_eq!(h.fake.batch_count(), 0);
    // 11:05: sealed and sent; its quantity never changes again.
    h.clock.set_secs(utc(2026, 12, 1, 11, 5));
    let r = h.reports(1);
    assert_eq!(r.len(), 1);
    assert_eq!(
        (r[0].hour, r[0].quantity_millionths, r[0].state),
        (hour, 2_000_000, SlotState::Accepted)
    );
    assert_eq!(
        h.record("c1", "users", t, "4", Some("late-1")).unwrap(),
        Recorded::RolledIntoCurrentHour
    );
    assert_eq!(h.slots(hour)[0].quantity_millionths, 2_000_000);
    let now = &h.slots(utc(2026, 12, 1, 11, 0))[0];
    assert_eq!(
        (now.state, now.quantity_millionths),
        (SlotState::Open, 4_000_000)
    );
    // The audit keeps the link from the late event to the slot it went into.
    let link = (
        h.query_i64("SELECT from_hour FROM late_usage WHERE event_id = 'late-1'"),
        h.query_i64("SELECT to_slot_id FROM late_usage WHERE event_id = 'late-1'"),
    );
    assert_eq!(link, (hour, now.id));
}

fn late_usage_refused_by_policy(b: Backend) {
    let t = utc(2026, 12, 1, 10, 30);
    let h = Harness::on(b, "refuse", t, |o| o.late_policy = LatePolicy::Refuse);
    h.record("c1", "users", t, "1", Some("a")).unwrap();
    h.outbox.seal_now(Some("c1")).unwrap();
    let e = h.record("c1", "users", t, "1", Some("b")).unwrap_err();
    assert!(matches!(e, OutboxError::Late(_)), "{e:?}");
    // Refused usage leaves no trace: its event id can be recorded once the policy allows.
    let known = h.query_i64("SELECT count(*) FROM events WHERE event_id = 'b'");
    assert_eq!(known, 0);
}

fn late_usage_is_never_rolled_across_a_month(b: Backend) {
    // New Year: 2026-12-31 23:00's slot is sealed at 2027-01-01 00:05.
    let h = Harness::on(b, "month", utc(2026, 12, 31, 23, 30), |_| {});
    h.record("c1", "users", utc(2026, 12, 31, 23, 30), "1", None)
        .unwrap();
    h.clock.set_secs(utc(2027, 1, 1, 0, 10));
    h.flush();
    let e = h
        .record("c1", "users", utc(2026, 12, 31, 23, 40), "1", None)
        .unwrap_err();
    assert!(
        matches!(&e, OutboxError::Late(m) if m.contains("month")),
        "{e:?}"
    );
    assert!(h.slots(utc(2027, 1, 1, 0, 0)).is_empty());
}

fn a_late_source_inside_the_window_counts_in_its_own_hour_until_the_month_closes(b: Backend) {
    // 05:59 on the 1st: an hour of the month before with no slot yet still counts in its
    // own hour; at 06:00 its month is closed and the usage is late (and not rolled).
    let h = Harness::on(b, "month-six", utc(2026, 12, 1, 5, 59), |_| {});
    let last = utc(2026, 11, 30, 23, 0);
    assert_eq!(
        h.record("c1", "users", last + 60, "1", None).unwrap(),
        Recorded::Counted
    );
    h.clock.set_secs(utc(2026, 12, 1, 6, 0));
    assert!(matches!(
        h.record("c2", "users", last + 60, "1", None),
        Err(OutboxError::Late(_))
    ));
    h.clock.set_secs(utc(2026, 12, 1, 6, 1));
    assert!(matches!(
        h.record("c3", "users", last + 60, "1", None),
        Err(OutboxError::Late(_))
    ));
}

fn bad_events_are_refused_with_a_reason(b: Backend) {
    let t = utc(2028, 2, 29, 12, 0);
    let h = Harness::on(b, "bad", t, |_| {});
    let bad = |c: Option<&str>, d: &str, ut: i64, q: &str| {
        h.outbox
            .record(&Event {
                customer: c.map(str::to_string),
                dimension: d.into(),
                usage_time: ut,
                quantity: q.into(),
                event_id: None,
            })
            .unwrap_err()
    };
    assert!(
        matches!(bad(None, "users", t, "1"), OutboxError::InvalidArgument(m) if m.contains("customer"))
    );
    assert!(
        matches!(bad(Some("c"), "", t, "1"), OutboxError::InvalidArgument(m) if m.contains("dimension"))
    );
    assert!(
        matches!(bad(Some("c"), "users", t + 3600, "1"), OutboxError::InvalidArgument(m) if m.contains("future"))
    );
    assert!(
        matches!(bad(Some("c"), "users", t, "1.0000001"), OutboxError::InvalidArgument(m) if m.contains("6 fraction"))
    );
    assert!(matches!(
        bad(Some("c"), "users", t, "-1"),
        OutboxError::InvalidArgument(_)
    ));
    // A batch is all or nothing, and says which event was bad.
    let evs = vec![
        Event {
            customer: Some("c".into()),
            dimension: "users".into(),
            usage_time: t,
            quantity: "1".into(),
            event_id: None,
        },
        Event {
            customer: Some("c".into()),
            dimension: "users".into(),
            usage_time: t,
            quantity: "x".into(),
            event_id: None,
        },
    ];
    assert!(
        matches!(h.outbox.record_batch(&evs), Err(OutboxError::InvalidArgument(m)) if m.starts_with("event 1"))
    );
    assert!(h.slots(t).is_empty());
    // A slot's total is capped at AWS's limit.
    h.record("c", "users", t, "2147483647", None).unwrap();
    assert!(
        matches!(h.record("c", "users", t, "1", None), Err(OutboxError::InvalidArgument(m)) if m.contains("exceed"))
    );
}

on_both!(
    usage_aggregates_per_customer_dimension_and_hour_exactly,
    an_event_id_counts_once_even_after_delivery,
    an_hour_is_sealed_only_after_its_delay_and_late_usage_rolls_into_the_current_hour,
    late_usage_refused_by_policy,
    late_usage_is_never_rolled_across_a_month,
    a_late_source_inside_the_window_counts_in_its_own_hour_until_the_month_closes,
    bad_events_are_refused_with_a_reason,
);
