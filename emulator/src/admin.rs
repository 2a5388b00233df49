//! Test-control API under `/__mpm/` on the API port. No AWS client calls
//! it and it takes no authentication: the emulator is for local testing.
// Admin handlers return ready responses as their error type; the size of
// that type does not matter on this cold path.
#![allow(clippy::result_large_err)]

use crate::faults::{Fault, FaultMode};
use crate::response::Resp;
use crate::state::{lock, read, write, AppState};
use crate::timefmt::{parse_instant_millis, rfc3339_millis};
use crate::world::ConfigPatch;
use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode};
use http_body_util::Full;
use serde_json::{json, Value};

/// One line per route, served at `GET /__mpm/` and printed by `--help`.
pub const ROUTES: &str = "\
GET    /__mpm/health    liveness, emulator time and clock offset
GET    /__mpm/ledger    JSON array of accepted metering records
DELETE /__mpm/ledger    forget all records and idempotency state (truncates --ledger-file)
POST   /__mpm/reset     clear ledger, idempotency state, faults, request counts, arrivals, clock offset and pin
GET    /__mpm/faults    pending faults
POST   /__mpm/faults    add fault(s): {\"mode\":\"throttle\",\"count\":2,\"operation\":\"MeterUsage\"} or an array
DELETE /__mpm/faults    remove all pending faults
GET    /__mpm/config    products, customers, licenses, tokens, credential key ids
GET    /__mpm/public-key  RegisterUsage's RS256 public key, PEM (SubjectPublicKeyInfo)
GET    /__mpm/jwks.json   the same key as a JWK Set (kid: each public key version, and mpm-emulator-test-1)
POST   /__mpm/config    merge a config patch (same JSON as --config)
GET    /__mpm/requests  requests seen per operation and outcome
DELETE /__mpm/requests  reset those counts
GET    /__mpm/arrivals  each API request's arrival (real ms since start, emulator clock), the busiest 1 s window (?window_ms=N)
DELETE /__mpm/arrivals  forget them
GET    /__mpm/clock     emulator time, offset in seconds, pinned instant (or null)
POST   /__mpm/clock     set the offset {\"offset_seconds\": N} and/or pin the clock {\"now\": \"2026-12-01T06:00:00Z\"} (null: system clock), or {\"advance_seconds\": N}
GET    /__mpm/rate_limit  requests a second allowed per account and region (0: no limit), requests throttled
POST   /__mpm/rate_limit  {\"per_second\": 10} turns the quota on (0: off)";

fn respond(status: u16, v: Value) -> Resp {
    let mut resp = Response::new(Full::new(Bytes::from(v.to_string())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    resp
}

fn bad_request(msg: impl std::fmt::Display) -> Resp {
    respond(400, json!({"error": msg.to_string()}))
}

fn clear_store(state: &AppState) -> Result<(), Resp> {
    lock(&state.store).clear().map_err(|e| {
        respond(
            500,
            json!({"error": format!("cannot truncate ledger file: {e}")}),
        )
    })
}

/// Skew faults move the clock at once; the rest wait for requests.
fn add_fault(state: &AppState, v: Value) -> Result<(), String> {
    let f: Fault = serde_json::from_value(v).map_err(|e| e.to_string())?;
    let f = f.normalize()?;
    if f.mode == FaultMode::Skew {
        state
            .clock
            .set_offset_seconds(f.offset_seconds.unwrap_or(0));
    } else {
        lock(&state.faults).add(f);
    }
    Ok(())
}

fn clock_view(state: &AppState) -> Value {
    let now_ms = state.clock.now_ms();
    json!({
        "now": now_ms as f64 / 1000.0,
        "now_rfc3339": rfc3339_millis(now_ms),
        "offset_seconds": state.clock.offset_seconds(),
        "pinned": state.clock.pinned_ms().map(rfc3339_millis),
    })
}

/// `POST /__mpm/clock`: `offset_seconds` and/or `now` (RFC 3339 in UTC or
/// Unix seconds; null unpins). Pinning without an offset clears the offset,
/// so the clock then reads exactly `now`. Nothing changes on a bad request.
fn set_clock(state: &AppState, v: &Value) -> Result<(), String> {
    const USAGE: &str = "expected {\"offset_seconds\": <integer>} and/or {\"now\": \"2026-12-01T06:00:00Z\" | <Unix seconds> | null}";
    let obj = v.as_object().ok_or(USAGE)?;
    // {"advance_seconds": N}: N seconds pass at once (the pinned instant moves, or the offset
    // grows): how a test makes hours pass in seconds.
    if let Some(a) = obj.get("advance_seconds") {
        let a = a
            .as_i64()
            .filter(|_| obj.len() == 1)
            .ok_or("expected {\"advance_seconds\": <integer>} alone")?;
        match state.clock.pinned_ms() {
            Some(p) => state
                .clock
                .pin_ms(Some(p.saturating_add(a.saturating_mul(1000)))),
            None => state
                .clock
                .set_offset_seconds(state.clock.offset_seconds().saturating_add(a)),
        }
        return Ok(());
    }
    if obj.is_empty() || obj.keys().any(|k| k != "offset_seconds" && k != "now") {
        return Err(USAGE.into());
    }
    let offset = match obj.get("offset_seconds") {
        None => None,
        Some(o) => Some(o.as_i64().ok_or(USAGE)?),
    };
    let pin = match obj.get("now") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(
            parse_instant_millis(s).ok_or_else(|| format!("bad \"now\" '{s}': {USAGE}"))?,
        )),
        Some(n @ Value::Number(_)) => Some(Some(
            parse_instant_millis(&n.to_string())
                .ok_or_else(|| format!("bad \"now\" {n}: {USAGE}"))?,
        )),
        Some(_) => return Err(USAGE.into()),
    };
    if let Some(p) = pin {
        state.clock.pin_ms(p);
        if offset.is_none() {
            state.clock.set_offset_seconds(0);
        }
    }
    if let Some(o) = offset {
        state.clock.set_offset_seconds(o);
    }
    Ok(())
}

fn rate_limit_view(state: &AppState) -> Value {
    let r = lock(&state.rate_limit);
    json!({"per_second": r.per_second(), "throttled": r.throttled()})
}

/// `?window_ms=N` of `GET /__mpm/arrivals` (default 1000: a second).
fn window_ms(query: Option<&str>) -> Result<u64, String> {
    const USAGE: &str = "expected ?window_ms=<positive integer>";
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return Ok(1000);
    };
    q.strip_prefix("window_ms=")
        .and_then(|v| v.parse().ok())
        .filter(|&w| w > 0)
        .ok_or_else(|| USAGE.to_string())
}

fn arrivals_view(state: &AppState, window_ms: u64) -> Value {
    let a = lock(&state.arrivals);
    let busiest = a.busiest(window_ms);
    json!({
        "now_ms": a.now_ms(),
        "window_ms": window_ms,
        "busiest": busiest.count,
        "busiest_start_ms": busiest.start_ms,
        "dropped": a.dropped(),
        "arrivals": a.list(),
    })
}

fn parse_body(body: &Bytes) -> Result<Value, Resp> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| bad_request(format!("malformed JSON: {e}")))
}

pub fn handle(
    state: &AppState,
    method: &Method,
    path: &str,
    query: Option<&str>,
    body: &Bytes,
) -> Resp {
    let route = path.trim_end_matches('/');
    let m = method.as_str();
    let parsed = || parse_body(body);
    match (m, route) {
        ("GET", "/__mpm") => respond(200, json!({"routes": ROUTES.lines().collect::<Vec<_>>()})),
        ("GET", "/__mpm/health") => respond(
            200,
            json!({
                "status": "ok",
                "now": state.clock.now_ms() as f64 / 1000.0,
                "clock_offset_seconds": state.clock.offset_seconds(),
                "clock_pinned": state.clock.pinned_ms().map(rfc3339_millis),
                "ledger_fsyncs": lock(&state.store).ledger.syncs(),
            }),
        ),
        ("GET", "/__mpm/ledger") => {
            let store = lock(&state.store);
            respond(
                200,
                serde_json::to_value(store.ledger.entries()).unwrap_or_default(),
            )
        }
        ("DELETE", "/__mpm/ledger") => match clear_store(state) {
            Ok(()) => respond(200, json!({"cleared": "ledger"})),
            Err(r) => r,
        },
        ("POST", "/__mpm/reset") => {
            if let Err(r) = clear_store(state) {
                return r;
            }
            lock(&state.faults).clear();
            lock(&state.stats).clear();
            lock(&state.arrivals).clear();
            lock(&state.rate_limit).reset();
            state.clock.set_offset_seconds(0);
            state.clock.pin_ms(None);
            respond(200, json!({"reset": true}))
        }
        ("GET", "/__mpm/faults") => respond(200, json!(lock(&state.faults).list())),
        ("POST", "/__mpm/faults") => {
            let v = match parsed() {
                Ok(v) => v,
                Err(r) => return r,
            };
            let items = match v {
                Value::Array(a) => a,
                other => vec![other],
            };
            for item in items {
                if let Err(e) = add_fault(state, item) {
                    return bad_request(e);
                }
            }
            respond(200, json!(lock(&state.faults).list()))
        }
        ("DELETE", "/__mpm/faults") => {
            lock(&state.faults).clear();
            respond(200, json!([]))
        }
        ("GET", "/__mpm/config") => respond(200, read(&state.world).public_view()),
        ("GET", "/__mpm/public-key") => {
            let mut resp = Response::new(Full::new(Bytes::from_static(
                crate::rs256::PUBLIC_KEY_PEM.as_bytes(),
            )));
            resp.headers_mut().insert(
                "content-type",
                HeaderValue::from_static("application/x-pem-file"),
            );
            resp
        }
        ("GET", "/__mpm/jwks.json") => {
            let world = read(&state.world);
            let versions = world
                .products
                .values()
                .flat_map(|p| p.public_key_versions.iter().copied());
            respond(200, crate::rs256::jwks(versions))
        }
        ("POST", "/__mpm/config") => {
            let patch: ConfigPatch = match parsed().and_then(|v| {
                serde_json::from_value(v).map_err(|e| bad_request(format!("bad config: {e}")))
            }) {
                Ok(p) => p,
                Err(r) => return r,
            };
            let mut world = write(&state.world);
            world.apply(patch);
            respond(200, world.public_view())
        }
        ("GET", "/__mpm/requests") => respond(200, json!(*lock(&state.stats))),
        ("DELETE", "/__mpm/requests") => {
            lock(&state.stats).clear();
            respond(200, json!({"cleared": "requests"}))
        }
        ("GET", "/__mpm/arrivals") => match window_ms(query) {
            Ok(w) => respond(200, arrivals_view(state, w)),
            Err(e) => bad_request(e),
        },
        ("DELETE", "/__mpm/arrivals") => {
            lock(&state.arrivals).clear();
            respond(200, json!({"cleared": "arrivals"}))
        }
        ("GET", "/__mpm/clock") => respond(200, clock_view(state)),
        ("GET", "/__mpm/rate_limit") => respond(200, rate_limit_view(state)),
        ("POST", "/__mpm/rate_limit") => {
            let v = match parsed() {
                Ok(v) => v,
                Err(r) => return r,
            };
            let n = v
                .as_object()
                .filter(|o| o.len() == 1)
                .and_then(|o| o.get("per_second"))
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok());
            match n {
                Some(n) => {
                    lock(&state.rate_limit).set(n);
                    respond(200, rate_limit_view(state))
                }
                None => bad_request("expected {\"per_second\": <non-negative integer>}"),
            }
        }
        ("POST", "/__mpm/clock") => {
            let v = match parsed() {
                Ok(v) => v,
                Err(r) => return r,
            };
            match set_clock(state, &v) {
                Ok(()) => respond(200, clock_view(state)),
                Err(e) => bad_request(e),
            }
        }
        _ => respond(
            404,
            json!({"error": format!("no admin route {m} {path}"), "routes": ROUTES.lines().collect::<Vec<_>>()}),
        ),
    }
}
