//! Group commit throughput (run with `--ignored --release`; numbers in the README).

use super::*;

fn event(i: usize, t: i64) -> Event {
    Event {
        customer: Some(format!("c{}", i % 50)),
        dimension: "users".into(),
        usage_time: t,
        quantity: "1".into(),
        event_id: Some(format!("e{i}")),
    }
}

#[test]
#[ignore]
fn group_commit_throughput() {
    throughput(Backend::Sqlite);
}

/// The same into PostgreSQL (one process; the fleet's bench runs three).
#[cfg(feature = "postgres")]
#[test]
#[ignore]
fn group_commit_throughput_postgres() {
    throughput(Backend::Postgres);
}

fn throughput(b: Backend) {
    let t = utc(2026, 12, 1, 8, 10);
    let h = Arc::new(Harness::on(b, "perf", t, |_| {}));
    let run = |threads: usize, per: usize, batch: usize| {
        let t0 = std::time::Instant::now();
        let hs: Vec<_> = (0..threads)
            .map(|k| {
                let h = Arc::clone(&h);
                std::thread::spawn(move || {
                    for j in 0..per / batch {
                        let base = (k * per + j * batch) * 7 + batch * threads * per * 13;
                        if batch == 1 {
                            h.outbox.record(&event(base, t)).unwrap();
                        } else {
                            let evs: Vec<_> = (0..batch).map(|n| event(base + n, t)).collect();
                            h.outbox.record_batch(&evs).unwrap();
                        }
                    }
                })
            })
            .collect();
        for x in hs {
            x.join().unwrap();
        }
        (threads * per) as f64 / t0.elapsed().as_secs_f64()
    };
    let single = run(1, 500, 1);
    let sixteen = run(16, 1000, 1);
    let batched = run(16, 10_000, 100);
    println!("{b:?}: durable records/s: 1 thread {single:.0}, 16 threads {sixteen:.0}, 16 threads x batches of 100 {batched:.0}");
}
