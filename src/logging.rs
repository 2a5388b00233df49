//! The library's `tracing` subscriber: the core emits events, this delivers them to stderr
//! (`MPM_LOG=error|warn|info|debug|trace`, read once, at first use) and to the callback of
//! `mpm_set_log_callback`. Written on `tracing-core` directly (no tracing-subscriber): it
//! needs no spans, no filtering syntax and no formatting layer.
//!
//! Hot path: each callsite's interest is cached as always/never from the levels wanted, and
//! rebuilt when they change, so an event nobody wants costs one relaxed load and a branch,
//! and its fields are never formatted. The core's own events (targets `mpmeter*`) pass at
//! every level; other crates' (aws-config, hyper, ...) only at warn and error.
//!
//! Every line goes through `mpmeter_core::redact::message` (patterns and the size cap) before
//! it is written or handed to the callback; the core redacts the known secret values of the
//! credentials in use where it emits error texts.

use std::ffi::{c_char, c_void, CString};
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::RwLock;

use once_cell::sync::Lazy;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

pub(crate) const OFF: u32 = 0;
pub(crate) const ERROR: u32 = 1;
pub(crate) const WARN: u32 = 2;
pub(crate) const INFO: u32 = 3;
pub(crate) const DEBUG: u32 = 4;
pub(crate) const TRACE: u32 = 5;

/// The C callback: level, target, message, userdata.
pub type LogFn = extern "C" fn(u32, *const c_char, *const c_char, *mut c_void);

struct Sink {
    min_level: u32,
    f: LogFn,
    userdata: usize,
}

/// The stderr logger's level, from MPM_LOG at first use (off when unset or unknown).
static STDERR_LEVEL: Lazy<u32> = Lazy::new(|| {
    std::env::var("MPM_LOG")
        .ok()
        .and_then(|v| parse_level(&v))
        .unwrap_or(OFF)
});
static CALLBACK: RwLock<Option<Sink>> = RwLock::new(None);
static CALLBACK_LEVEL: AtomicU32 = AtomicU32::new(OFF);
/// Whether this subscriber is the process's global one (false when a Rust program linking
/// the rlib installed its own first).
static INSTALLED: Lazy<bool> =
    Lazy::new(|| tracing::dispatcher::set_global_default(tracing::Dispatch::new(Logger)).is_ok());

thread_local! {
    /// Set while this thread delivers an event: events raised by the callback itself are
    /// dropped, and it cannot replace the callback (that would wait for itself).
    static DELIVERING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// "error", "WARN", "debug", ... (also "warning", "off", "0" to "5").
pub fn parse_level(s: &str) -> Option<u32> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "off" | "none" | "0" => OFF,
        "error" | "1" => ERROR,
        "warn" | "warning" | "2" => WARN,
        "info" | "3" => INFO,
        "debug" | "4" => DEBUG,
        "trace" | "5" => TRACE,
        _ => return None,
    })
}

/// Installs the subscriber (once) and reads MPM_LOG (once). Cheap after the first call.
pub fn init() {
    Lazy::force(&STDERR_LEVEL);
    Lazy::force(&INSTALLED);
}

pub fn in_callback() -> bool {
    DELIVERING.with(|d| d.get())
}

/// Replaces the callback (None removes it). When this returns, the previous callback is no
/// longer running and is never called again.
pub fn set_callback(min_level: u32, f: Option<LogFn>, userdata: *mut c_void) {
    init();
    let sink = f.map(|f| Sink {
        min_level,
        f,
        userdata: userdata as usize,
    });
    let level = sink.as_ref().map_or(OFF, |s| s.min_level);
    *CALLBACK.write().unwrap_or_else(|p| p.into_inner()) = sink;
    CALLBACK_LEVEL.store(level, Ordering::SeqCst);
    tracing::callsite::rebuild_interest_cache();
}

fn level_number(l: &Level) -> u32 {
    match *l {
        Level::ERROR => ERROR,
        Level::WARN => WARN,
        Level::INFO => INFO,
        Level::DEBUG => DEBUG,
        Level::TRACE => TRACE,
    }
}

fn max_level() -> u32 {
    (*STDERR_LEVEL).max(CALLBACK_LEVEL.load(Ordering::Relaxed))
}

fn wanted(meta: &Metadata<'_>) -> bool {
    let mut max = max_level();
    if !meta.target().starts_with("mpmeter") {
        max = max.min(WARN);
    }
    level_number(meta.level()) <= max
}

struct Logger;

impl Subscriber for Logger {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if wanted(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        wanted(meta)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(match max_level() {
            OFF => LevelFilter::OFF,
            ERROR => LevelFilter::ERROR,
            WARN => LevelFilter::WARN,
            INFO => LevelFilter::INFO,
            DEBUG => LevelFilter::DEBUG,
            _ => LevelFilter::TRACE,
        })
    }

    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        if in_callback() {
            return;
        }
        let meta = event.metadata();
        let level = level_number(meta.level());
        let mut fields = Fields::default();
        event.record(&mut fields);
        let text = if fields.rest.is_empty() {
            fields.message
        } else if fields.message.is_empty() {
            fields.rest.trim_start().to_string()
        } else {
            fields.message + &fields.rest
        };
        let line = mpmeter_core::redact::message(&text, &[]);
        if level <= *STDERR_LEVEL {
            let out = format!(
                "{} {:5} {}: {}\n",
                utc_now(),
                meta.level(),
                meta.target(),
                line
            );
            let _ = std::io::stderr().lock().write_all(out.as_bytes());
        }
        if level <= CALLBACK_LEVEL.load(Ordering::Relaxed) {
            deliver(level, meta.target(), &line);
        }
    }
}

fn deliver(level: u32, target: &str, line: &str) {
    let guard = CALLBACK.read().unwrap_or_else(|p| p.into_inner());
    let Some(sink) = guard.as_ref().filter(|s| level <= s.min_level) else {
        return;
    };
    let c = |s: &str| CString::new(s.replace('\0', " ")).unwrap_or_default();
    let (target, message) = (c(target), c(line));
    DELIVERING.with(|d| d.set(true));
    (sink.f)(
        level,
        target.as_ptr(),
        message.as_ptr(),
        sink.userdata as *mut c_void,
    );
    DELIVERING.with(|d| d.set(false));
}

/// The message, then ` name=value` for every other field (values with spaces quoted).
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else if value.is_empty() || value.contains(char::is_whitespace) {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        } else {
            let _ = write!(self.rest, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let mut v = String::new();
            let _ = write!(v, "{value:?}");
            self.record_str(field, &v);
        }
    }
}

/// Now as `2026-12-01T20:00:00.123Z`.
fn utc_now() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn levels_parse() {
        assert_eq!(super::parse_level("DEBUG"), Some(super::DEBUG));
        assert_eq!(super::parse_level(" warning "), Some(super::WARN));
        assert_eq!(super::parse_level("loud"), None);
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let t = super::utc_now();
        assert_eq!(t.len(), 24, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'), "{t}");
    }
}
