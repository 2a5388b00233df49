//! Test-control API under `/__mpm/` on the API port. No AWS client calls
//! it and it takes no authentication: the emulator is for local testing.
// Admin handlers return ready responses as their error type; the size of
// that type does not matter on this cold path.
#![allow(clippy::result_large_err)]

use crate::config::ConfigPatch;
use crate::faults::{Fault, FaultMode};
use crate::server::Resp;
use crate::state::{lock, read, write, AppState};
use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode};
use http_body_util::Full;
use serde_json::{json, Value};

/// One line per route, served at `GET /__mpm/` and printed by `--help`.
pub const ROUTES: &str = "\
GET    /__mpm/health    liveness, emulator time and clock offset
GET    /__mpm/ledger    JSON array of accepted metering records
DELETE /__mpm/ledger    forget all records and idempotency state (truncates --ledger-file)
POST   /__mpm/reset     clear ledger, idempotency state, faults, request counts, clock offset
GET    /__mpm/faults    pending faults
POST   /__mpm/faults    add fault(s): {\"mode\":\"throttle\",\"count\":2,\"operation\":\"MeterUsage\"} or an array
DELETE /__mpm/faults    remove all pending faults
GET    /__mpm/config    products, customers, licenses, tokens, credential key ids
POST   /__mpm/config    merge a config patch (same JSON as --config)
GET    /__mpm/requests  requests seen per operation and outcome
DELETE /__mpm/requests  reset those counts
GET    /__mpm/clock     clock offset in seconds
POST   /__mpm/clock     set the offset: {\"offset_seconds\": N}";

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

fn parse_body(body: &Bytes) -> Result<Value, Resp> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(body).map_err(|e| bad_request(format!("malformed JSON: {e}")))
}

pub fn handle(state: &AppState, method: &Method, path: &str, body: &Bytes) -> Resp {
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
            state.clock.set_offset_seconds(0);
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
        ("GET", "/__mpm/clock") => {
            respond(200, json!({"offset_seconds": state.clock.offset_seconds()}))
        }
        ("POST", "/__mpm/clock") => {
            let v = match parsed() {
                Ok(v) => v,
                Err(r) => return r,
            };
            match v.get("offset_seconds").and_then(Value::as_i64) {
                Some(s) => {
                    state.clock.set_offset_seconds(s);
                    respond(200, json!({"offset_seconds": s}))
                }
                None => bad_request("expected {\"offset_seconds\": <integer>}"),
            }
        }
        _ => respond(
            404,
            json!({"error": format!("no admin route {m} {path}"), "routes": ROUTES.lines().collect::<Vec<_>>()}),
        ),
    }
}
