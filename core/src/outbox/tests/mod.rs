//! The outbox's unit tests: a fake transport and a manual clock pinned at chosen instants.
//! The tests of rules both stores share run on each (`on_both!`): SQLite in a temporary
//! file, PostgreSQL in a fresh database of the harness's server (core/tests/support).

/// Runs each named `fn(Backend)` as a test per store: `sqlite::NAME` and `postgres::NAME`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(crate::outbox::tests::Backend::Sqlite) } )*
        }
        #[cfg(feature = "postgres")]
        mod postgres {
            $( #[test] fn $name() {
                if crate::outbox::tests::skip_postgres() { return; }
                super::$name(crate::outbox::tests::Backend::Postgres)
            } )*
        }
    };
}

mod delivery;
mod perf;
#[cfg(feature = "postgres")]
mod postgres;
mod record;
mod store;

/// The harness's PostgreSQL server (one per test binary, a database per test).
#[cfg(feature = "postgres")]
#[path = "../../../tests/support/postgres.rs"]
#[allow(dead_code)]
pub mod pg_support;

/// MPM_SKIP_POSTGRES=1: the PostgreSQL tests pass without running (said on stderr). Without
/// it a server that cannot start fails them.
#[cfg(feature = "postgres")]
pub fn skip_postgres() -> bool {
    let skip = std::env::var("MPM_SKIP_POSTGRES").is_ok_and(|v| v == "1");
    if skip {
        eprintln!("PostgreSQL test skipped (MPM_SKIP_POSTGRES=1)");
    }
    skip
}

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub enum Backend {
    Sqlite,
    Postgres,
}

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;
use crate::error::{Error, Outcome, ResponseMeta};
use crate::model::{
    BatchMeterUsageInput, BatchMeterUsageOutput, MeterUsageInput, MeterUsageOutput,
    UsageRecordResult, UsageRecordResultStatus,
};
use crate::service_error::{ServiceError, ServiceErrorKind};

/// Unix seconds of a UTC date and time.
pub fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> i64 {
    // Days from civil, as windows.rs has it.
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let m = i64::from(mo);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400 + h * 3600 + mi * 60
}

type BatchFn = dyn Fn(&BatchMeterUsageInput) -> Result<BatchMeterUsageOutput, Error> + Send + Sync;
type MeterFn = dyn Fn(&MeterUsageInput) -> Result<MeterUsageOutput, Error> + Send + Sync;

/// Answers like AWS unless told otherwise, and keeps every request.
pub struct Fake {
    pub batches: Mutex<Vec<BatchMeterUsageInput>>,
    pub meters: Mutex<Vec<MeterUsageInput>>,
    pub batch: Mutex<Box<BatchFn>>,
    pub meter: Mutex<Box<MeterFn>>,
}

pub fn all_succeed(i: &BatchMeterUsageInput) -> Result<BatchMeterUsageOutput, Error> {
    Ok(BatchMeterUsageOutput {
        results: i
            .usage_records
            .iter()
            .map(|r| UsageRecordResult {
                usage_record: Some(r.clone()),
                metering_record_id: Some(format!(
                    "mr-{}-{}",
                    r.customer_identifier.clone().unwrap_or_default(),
                    r.timestamp.unwrap()
                )),
                status: Some(UsageRecordResultStatus::Success),
            })
            .collect(),
        ..Default::default()
    })
}

pub fn service(code: &str) -> Error {
    Error::Service(ServiceError {
        kind: ServiceErrorKind::from_code(code),
        code: code.into(),
        message: Some("from the fake".into()),
    })
}

impl Fake {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            batches: Mutex::new(vec![]),
            meters: Mutex::new(vec![]),
            batch: Mutex::new(Box::new(all_succeed)),
            meter: Mutex::new(Box::new(|i| {
                Ok(MeterUsageOutput {
                    metering_record_id: Some(format!(
                        "mr-{}",
                        i.client_token.clone().unwrap_or_default()
                    )),
                })
            })),
        })
    }
    pub fn on_batch(
        &self,
        f: impl Fn(&BatchMeterUsageInput) -> Result<BatchMeterUsageOutput, Error>
            + Send
            + Sync
            + 'static,
    ) {
        *self.batch.lock().unwrap() = Box::new(f);
    }
    pub fn on_meter(
        &self,
        f: impl Fn(&MeterUsageInput) -> Result<MeterUsageOutput, Error> + Send + Sync + 'static,
    ) {
        *self.meter.lock().unwrap() = Box::new(f);
    }
    pub fn batch_count(&self) -> usize {
        self.batches.lock().unwrap().len()
    }
}

fn meta() -> ResponseMeta {
    ResponseMeta {
        http_status: 200,
        request_id: Some("req-1".into()),
        attempts: 1,
    }
}

impl Transport for Fake {
    fn batch_meter_usage(
        &self,
        input: BatchMeterUsageInput,
    ) -> sender::Fut<'_, BatchMeterUsageOutput> {
        let result = (self.batch.lock().unwrap())(&input);
        self.batches.lock().unwrap().push(input);
        Box::pin(async move {
            Outcome {
                result,
                meta: meta(),
            }
        })
    }
    fn meter_usage(&self, input: MeterUsageInput) -> sender::Fut<'_, MeterUsageOutput> {
        let result = (self.meter.lock().unwrap())(&input);
        self.meters.lock().unwrap().push(input);
        Box::pin(async move {
            Outcome {
                result,
                meta: meta(),
            }
        })
    }
}

pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// A fresh store path in a temporary directory of its own.
pub fn store_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "mpm-outbox-{}-{name}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("outbox.db")
}

pub struct Harness {
    pub outbox: Outbox,
    pub fake: Arc<Fake>,
    pub clock: Arc<ManualClock>,
    pub reports: Arc<Mutex<Vec<SlotView>>>,
    pub path: PathBuf,
    /// The database of a PostgreSQL harness, held until the outbox is closed (fields drop
    /// in order).
    #[cfg(feature = "postgres")]
    _pg: Option<pg_support::Postgres>,
}

/// A fresh PostgreSQL database: fails loudly when no server can start (MPM_SKIP_POSTGRES=1
/// skips, and then the test passes without running: said on stderr).
#[cfg(feature = "postgres")]
pub fn fresh_database() -> Option<pg_support::Postgres> {
    pg_support::Postgres::start()
}

pub fn options(clock: &Arc<ManualClock>, reports: &Arc<Mutex<Vec<SlotView>>>) -> Options {
    let r = Arc::clone(reports);
    Options {
        product_code: Some("prod".into()),
        clock: clock.clone(),
        on_terminal: Some(Arc::new(move |s: &SlotView| {
            r.lock().unwrap().push(s.clone())
        })),
        idle_tick: Duration::from_millis(10),
        max_requests_per_second: 1000.0,
        ..Options::default()
    }
}

impl Harness {
    pub fn new(name: &str, at: i64, tweak: impl FnOnce(&mut Options)) -> Self {
        Self::on(Backend::Sqlite, name, at, tweak)
    }

    /// A harness on `backend`, its clock at `at`.
    pub fn on(backend: Backend, name: &str, at: i64, tweak: impl FnOnce(&mut Options)) -> Self {
        let clock = Arc::new(ManualClock::at_secs(at));
        let reports = Arc::new(Mutex::new(vec![]));
        let mut o = options(&clock, &reports);
        tweak(&mut o);
        let fake = Fake::new();
        let path = store_path(name);
        #[cfg(feature = "postgres")]
        let mut pg = None;
        let outbox = match backend {
            Backend::Sqlite => Outbox::open(&path, o, fake.clone(), runtime().handle()).unwrap(),
            #[cfg(feature = "postgres")]
            Backend::Postgres => {
                let db = fresh_database().expect("PostgreSQL skipped (MPM_SKIP_POSTGRES=1)");
                let url = db.url();
                pg = Some(db);
                Outbox::open_postgres(&url, o, fake.clone(), runtime().handle()).unwrap()
            }
            #[cfg(not(feature = "postgres"))]
            Backend::Postgres => unreachable!("built without the postgres feature"),
        };
        Self {
            outbox,
            fake,
            clock,
            reports,
            path,
            #[cfg(feature = "postgres")]
            _pg: pg,
        }
    }

    pub fn record(
        &self,
        customer: &str,
        dim: &str,
        t: i64,
        q: &str,
        id: Option<&str>,
    ) -> Result<Recorded, OutboxError> {
        self.outbox.record(&Event {
            customer: Some(customer.into()),
            dimension: dim.into(),
            usage_time: t,
            quantity: q.into(),
            event_id: id.map(str::to_string),
        })
    }

    /// An integer the store holds (SQL both backends understand).
    pub fn query_i64(&self, sql: &'static str) -> i64 {
        self.outbox
            .shared
            .writer
            .call(false, move |s| s.query_i64(sql))
            .unwrap()
    }

    pub fn slots(&self, hour: i64) -> Vec<SlotView> {
        self.outbox.slots_of_hour(hour).unwrap()
    }

    pub fn flush(&self) {
        self.outbox.flush(Some(Duration::from_secs(10))).unwrap();
    }

    /// Waits until `cond` holds, at most 10 s (then fails).
    pub fn wait_until(&self, cond: impl Fn() -> bool) {
        let t0 = std::time::Instant::now();
        while !cond() {
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "waited 10 s in vain"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until `n` terminal reports arrived.
    pub fn reports(&self, n: usize) -> Vec<SlotView> {
        let t0 = std::time::Instant::now();
        loop {
            let r = self.reports.lock().unwrap().clone();
            if r.len() >= n || t0.elapsed() > Duration::from_secs(10) {
                return r;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
