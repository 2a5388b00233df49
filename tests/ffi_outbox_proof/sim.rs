//! The pieces the proof's parent and children share: the simulated clock (a shared memory
//! word both the outbox's clock callback and the parent read), the seeded event stream, the
//! emulator driven through its admin API, and the ledger check.

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// 2026-06-10T00:00:00Z: mid-month, far from any month's end (BatchMeterUsage's month rule)
/// whatever the real date; the emulator runs with `--no-auth`, so no signature ties it to the
/// real clock.
pub const T0_MS: i64 = 1_781_049_600_000;

pub const CUSTOMERS: [&str; 4] = ["cust-a", "cust-b", "cust-c", "cust-d"];
pub const CONFLICT_CUSTOMER: &str = "cust-conflict";
pub const DIMENSIONS: [&str; 3] = ["users", "hosts", "data_gb"];
/// Events 0..CONFLICT_EVENTS are for [`CONFLICT_CUSTOMER`] in the first hour, where the test
/// injects another quantity first: two conflicts (users, hosts), and no others, are expected.
pub const CONFLICT_EVENTS: u64 = 8;
pub const INJECTED_CONFLICT_QUANTITY: &str = "999999";

// ---------------------------------------------------------------- the simulated clock

/// A Unix-ms word in a file mapped shared by the parent and every child: the parent moves it,
/// the outbox in the child reads it through `mpm_outbox_options_set_clock`.
pub struct SharedClock {
    ptr: *mut AtomicI64,
}

unsafe impl Send for SharedClock {}
unsafe impl Sync for SharedClock {}

impl SharedClock {
    pub fn create(path: &Path, ms: i64) -> SharedClock {
        std::fs::write(path, ms.to_ne_bytes()).unwrap();
        SharedClock::map(path)
    }

    pub fn map(path: &Path) -> SharedClock {
        use std::os::fd::AsRawFd;
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .unwrap_or_else(|e| panic!("clock file {}: {e}", path.display()));
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                8,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                f.as_raw_fd(),
                0,
            )
        };
        assert_ne!(p, libc::MAP_FAILED, "mmap clock");
        SharedClock {
            ptr: p as *mut AtomicI64,
        }
    }

    pub fn now_ms(&self) -> i64 {
        unsafe { (*self.ptr).load(Ordering::SeqCst) }
    }

    pub fn set_ms(&self, ms: i64) {
        unsafe { (*self.ptr).store(ms, Ordering::SeqCst) }
    }

    pub fn as_userdata(&self) -> *mut std::ffi::c_void {
        self.ptr as *mut std::ffi::c_void
    }
}

/// The outbox's clock callback: the shared word.
pub extern "C" fn clock_callback(userdata: *mut std::ffi::c_void) -> i64 {
    unsafe { (*(userdata as *const AtomicI64)).load(Ordering::SeqCst) }
}

/// Runs simulated time at `speed` × real time from `start_ms`, writing it to the shared word and
/// pinning the emulator's clock at the same instant every 20 ms, until frozen. It starts held
/// (standing still) until [`Driver::release`].
pub struct Driver {
    pub clock: Arc<SharedClock>,
    stop: Arc<AtomicBool>,
    frozen: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Driver {
    pub fn start(clock: Arc<SharedClock>, emu: EmuAdmin, speed: f64) -> Driver {
        let stop = Arc::new(AtomicBool::new(false));
        let frozen = Arc::new(AtomicBool::new(true));
        let (c, s, fz) = (clock.clone(), stop.clone(), frozen.clone());
        let thread = std::thread::spawn(move || {
            let mut base = c.now_ms();
            let mut real = Instant::now();
            while !s.load(Ordering::SeqCst) {
                if fz.load(Ordering::SeqCst) {
                    base = c.now_ms();
                    real = Instant::now();
                } else {
                    let now = base + (real.elapsed().as_secs_f64() * 1000.0 * speed) as i64;
                    c.set_ms(now);
                    emu.set_clock_ms(now);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Driver {
            clock,
            stop,
            frozen,
            thread: Some(thread),
        }
    }

    /// Lets simulated time run from where it stands (again and again: a no-op once running).
    pub fn release(&self) {
        self.frozen.store(false, Ordering::SeqCst);
    }

    /// Stops simulated time where it is (the emulator too) and returns that instant.
    pub fn freeze(&self) -> i64 {
        self.frozen.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(60));
        self.clock.now_ms()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ---------------------------------------------------------------- the event stream

pub fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ev {
    pub customer: &'static str,
    pub dimension: &'static str,
    pub millionths: i64,
    pub event_id: String,
    /// Stamped 3 hours before now: its hour is sealed, so it is late usage.
    pub late: bool,
    /// The application records an earlier event again (same event_id): it must count nothing.
    pub repeat_of: Option<u64>,
}

impl Ev {
    pub fn quantity(&self) -> String {
        format_millionths(self.millionths)
    }
}

pub fn format_millionths(m: i64) -> String {
    let s = format!("{}.{:06}", m / 1_000_000, m % 1_000_000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub fn parse_millionths(s: &str) -> i64 {
    let (i, f) = s.split_once('.').unwrap_or((s, ""));
    let mut frac = f.to_string();
    while frac.len() < 6 {
        frac.push('0');
    }
    i.parse::<i64>().unwrap() * 1_000_000 + frac[..6].parse::<i64>().unwrap()
}

/// Event `i` of the stream of `seed`: deterministic, so a restarted child re-creates exactly
/// the event it was recording when it was killed (same event_id).
pub fn event(seed: u64, i: u64) -> Ev {
    let r = splitmix(seed ^ i.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let millionths = (((r >> 24) % 20) as i64 + 1) * 250_000;
    if i < CONFLICT_EVENTS {
        return Ev {
            customer: CONFLICT_CUSTOMER,
            dimension: DIMENSIONS[(i % 2) as usize],
            millionths,
            event_id: format!("ev-{seed}-{i}"),
            late: false,
            repeat_of: None,
        };
    }
    if i > CONFLICT_EVENTS + 5 && (r >> 40) % 17 == 0 {
        let j = i - 1 - (r >> 48) % 5;
        let orig = event(seed, j);
        return Ev {
            repeat_of: Some(orig.repeat_of.unwrap_or(j)),
            ..orig
        };
    }
    Ev {
        customer: CUSTOMERS[(r % 4) as usize],
        dimension: DIMENSIONS[((r >> 8) % 3) as usize],
        millionths,
        event_id: format!("ev-{seed}-{i}"),
        late: (r >> 16) % 10 == 0,
        repeat_of: None,
    }
}

/// What the acknowledged events add up to per (customer, dimension), each event_id once.
pub fn expected(seed: u64, acked: u64) -> BTreeMap<(String, String), i64> {
    let mut seen = HashSet::new();
    let mut out = BTreeMap::new();
    for i in 0..acked {
        let e = event(seed, i);
        if e.customer == CONFLICT_CUSTOMER || !seen.insert(e.event_id.clone()) {
            continue;
        }
        *out.entry((e.customer.to_string(), e.dimension.to_string()))
            .or_insert(0) += e.millionths;
    }
    out
}

// ---------------------------------------------------------------- the emulator

/// The emulator's admin API and unsigned API calls (it runs with `--no-auth`).
#[derive(Clone)]
pub struct EmuAdmin {
    pub addr: String,
}

impl EmuAdmin {
    pub fn request(&self, method: &str, path: &str, headers: &str, body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).expect("connect to emulator");
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut resp = Vec::new();
        let _ = s.read_to_end(&mut resp);
        let resp = String::from_utf8_lossy(&resp).to_string();
        let status = resp.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        let body = resp.split_once("\r\n\r\n").map(|x| x.1).unwrap_or("");
        (status, dechunk(body))
    }

    pub fn admin(&self, method: &str, path: &str, body: &str) -> serde_json::Value {
        let (status, body) = self.request(method, path, "Content-Type: application/json\r\n", body);
        assert!(
            (200..300).contains(&status),
            "admin {method} {path}: {status} {body}"
        );
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null)
    }

    pub fn set_clock_ms(&self, ms: i64) {
        let body = format!("{{\"now\": {}.{:03}}}", ms / 1000, ms % 1000);
        let _ = self.request("POST", "/__mpm/clock", "", &body);
    }

    /// An unsigned BatchMeterUsage of one record (the emulator runs with --no-auth).
    pub fn batch_meter(&self, customer: &str, dimension: &str, ts: i64, quantity: &str) -> String {
        let body = serde_json::json!({
            "ProductCode": "demo-product",
            "UsageRecords": [{"CustomerIdentifier": customer, "Dimension": dimension,
                              "Timestamp": ts, "QuantityAsDecimal": quantity}]
        })
        .to_string();
        let (status, body) = self.request(
            "POST",
            "/",
            "Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSMPMeteringService.BatchMeterUsage\r\n",
            &body,
        );
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A MeterUsage of `quantity` as the machine of `access_key` (unsigned: the emulator runs
    /// with --no-auth and names the caller by the Authorization header's key).
    pub fn meter_usage(&self, access_key: &str, dimension: &str, ts: i64, quantity: &str) {
        let body = serde_json::json!({
            "ProductCode": "demo-product", "UsageDimension": dimension,
            "Timestamp": ts, "UsageQuantityAsDecimal": quantity
        })
        .to_string();
        let (status, body) = self.request(
            "POST",
            "/",
            &format!(
                "Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSMPMeteringService.MeterUsage\r\n\
                 Authorization: AWS4-HMAC-SHA256 Credential={access_key}/20260610/us-east-1/aws-marketplace/aws4_request, SignedHeaders=host, Signature=00\r\n"
            ),
            &body,
        );
        assert_eq!(status, 200, "{body}");
    }

    pub fn ledger(&self) -> Vec<serde_json::Value> {
        self.admin("GET", "/__mpm/ledger", "")
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The customers of the stream, subscribed to demo-product.
    pub fn configure(&self) {
        let mut customers: Vec<serde_json::Value> = CUSTOMERS
            .iter()
            .chain(std::iter::once(&CONFLICT_CUSTOMER))
            .enumerate()
            .map(|(n, c)| {
                serde_json::json!({"identifier": c, "account_id": format!("2000000000{n:02}"),
                                   "subscriptions": ["demo-product"]})
            })
            .collect();
        customers.push(
            serde_json::json!({"identifier": "cust-old", "account_id": "200000000099",
                                          "subscriptions": ["demo-product"]}),
        );
        self.admin(
            "POST",
            "/__mpm/config",
            &serde_json::json!({ "customers": customers }).to_string(),
        );
    }
}

fn dechunk(body: &str) -> String {
    let t = body.trim_start();
    if t.starts_with('{') || t.starts_with('[') || t.is_empty() {
        return body.to_string();
    }
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// Billed per (customer, dimension) in the ledger, the customers of `skip` left out.
pub fn billed(ledger: &[serde_json::Value], skip: &[&str]) -> BTreeMap<(String, String), i64> {
    billed_by(ledger, skip, |e| {
        e["customer_identifier"].as_str().unwrap_or("").to_string()
    })
}

/// Billed per (name, dimension) in the ledger, `name_of` naming an entry's customer or
/// machine, the names in `skip` left out.
pub fn billed_by(
    ledger: &[serde_json::Value],
    skip: &[&str],
    name_of: impl Fn(&serde_json::Value) -> String,
) -> BTreeMap<(String, String), i64> {
    let mut out = BTreeMap::new();
    for e in ledger {
        let c = name_of(e);
        if skip.contains(&c.as_str()) {
            continue;
        }
        let d = e["dimension"].as_str().unwrap_or("").to_string();
        *out.entry((c, d)).or_insert(0) += parse_millionths(e["quantity"].as_str().unwrap());
    }
    out
}

/// Compares what was billed with what was acknowledged, key by key.
pub fn compare(
    expected: &BTreeMap<(String, String), i64>,
    billed: &BTreeMap<(String, String), i64>,
) -> Result<(), String> {
    let mut diffs = Vec::new();
    let keys: std::collections::BTreeSet<_> = expected.keys().chain(billed.keys()).collect();
    for k in keys {
        let e = expected.get(k).copied().unwrap_or(0);
        let b = billed.get(k).copied().unwrap_or(0);
        if e != b {
            diffs.push(format!(
                "{}/{}: acknowledged {} billed {} ({})",
                k.0,
                k.1,
                format_millionths(e),
                format_millionths(b),
                if b < e { "LOST" } else { "BILLED TWICE" }
            ));
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("; "))
    }
}
