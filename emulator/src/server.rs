//! HTTP/1.1 front end (hyper, keep-alive): routes `/__mpm/*` to the admin
//! API and everything else through the awsJson1.1 pipeline:
//! target & content type -> SigV4 -> injected faults -> body -> model check
//! -> operation.

use crate::admin;
use crate::clock::Clock;
use crate::errors::ApiError;
use crate::faults::{Fault, FaultMode, Faults};
use crate::idempotency::Store;
use crate::ledger::Ledger;
use crate::model::MODEL;
use crate::operations::{self, Ctx};
use crate::sigv4_verify::{self, Verifier};
use crate::state::{lock, read, AppState, Settings};
use crate::stats::Stats;
use crate::world::{World, DEFAULT_CALLER_ACCOUNT};
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub const OPERATIONS: [&str; 4] = [
    "BatchMeterUsage",
    "MeterUsage",
    "RegisterUsage",
    "ResolveCustomer",
];
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// "Each request must be less than 1 MB in size."
const MAX_BODY: usize = 1024 * 1024;

pub type Resp = Response<Full<Bytes>>;

/// Everything needed to start an emulator.
#[derive(Debug, Default)]
pub struct Options {
    pub settings: Settings,
    pub world: World,
    pub ledger_file: Option<PathBuf>,
    pub faults: Vec<Fault>,
    pub clock_offset_seconds: i64,
    /// Pin the clock at this instant (epoch ms, before the offset); None: the system clock.
    pub clock_now_ms: Option<i64>,
}

pub struct Running {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    task: JoinHandle<()>,
}

impl Running {
    /// Completes only if the accept loop stops (it does not on its own).
    pub async fn wait(self) {
        let _ = self.task.await;
    }

    pub fn shutdown(&self) {
        self.task.abort();
    }
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

pub async fn start(listen: SocketAddr, opts: Options) -> std::io::Result<Running> {
    let ledger = Ledger::open(opts.ledger_file.as_deref())?;
    let clock = Clock::default();
    clock.set_offset_seconds(opts.clock_offset_seconds);
    clock.pin_ms(opts.clock_now_ms);
    let mut faults = Faults::default();
    for f in opts.faults {
        match (f.mode, f.offset_seconds) {
            (FaultMode::Skew, Some(s)) => clock.set_offset_seconds(s),
            _ => faults.add(f),
        }
    }
    let state = Arc::new(AppState {
        settings: opts.settings,
        world: RwLock::new(opts.world),
        clock,
        faults: Mutex::new(faults),
        store: Mutex::new(Store::new(ledger)),
        stats: Mutex::new(Stats::default()),
    });
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let st = state.clone();
    let task = tokio::spawn(async move { accept_loop(listener, st).await });
    Ok(Running { addr, state, task })
}

async fn accept_loop(listener: TcpListener, state: Arc<AppState>) {
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            // Out of file descriptors and the like: back off, keep serving.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let st = state.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| handle(st.clone(), req));
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

async fn handle(state: Arc<AppState>, req: Request<Incoming>) -> Result<Resp, DropConnection> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            let e = ApiError::new(
                413,
                "RequestEntityTooLargeException",
                format!("Request must be smaller than {MAX_BODY} bytes."),
            );
            return Ok(error_response(&state, &e, None));
        }
    };
    let path = parts.uri.path();
    if path == "/__mpm" || path.starts_with("/__mpm/") {
        return Ok(admin::handle(&state, &parts.method, path, &body));
    }
    let (operation, outcome) = api(&state, &parts, &body).await;
    let (label, resp) = match outcome {
        Outcome::Ok(v) => (
            "Success".to_string(),
            json_response(&state, 200, v.to_string()),
        ),
        Outcome::Err(e, retry_after) => {
            (e.code.to_string(), error_response(&state, &e, retry_after))
        }
        Outcome::Html(status, mode) => (mode.to_string(), html_response(&state, status)),
        Outcome::Drop => ("drop".to_string(), Response::new(Full::default())),
    };
    lock(&state.stats).count(operation, &label);
    if state.settings.verbose {
        eprintln!(
            "{operation} {} {label} {:.1}ms",
            resp.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    if label == "drop" {
        return Err(DropConnection);
    }
    Ok(resp)
}

enum Outcome {
    Ok(Value),
    /// An AWS error; Some(ms) adds `x-amz-retry-after`.
    Err(ApiError, Option<u64>),
    /// A non-AWS HTML page (what a load balancer or proxy answers).
    Html(u16, &'static str),
    Drop,
}

async fn api(
    state: &AppState,
    parts: &http::request::Parts,
    body: &Bytes,
) -> (&'static str, Outcome) {
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let operation = target
        .strip_prefix(MODEL.target_prefix.as_str())
        .and_then(|t| t.strip_prefix('.'))
        .and_then(|op| OPERATIONS.iter().find(|o| **o == op).copied());
    let Some(operation) = operation else {
        let e = ApiError::unknown_operation(if target.is_empty() {
            "Missing X-Amz-Target header.".to_string()
        } else {
            format!("Unknown operation '{target}'.")
        });
        return ("Unknown", Outcome::Err(e, None));
    };
    let err = |e: ApiError| (operation, Outcome::Err(e, None));
    // AWS's awsJson front end only dispatches POSTs of its content type;
    // anything else does not name an operation it knows.
    let content_type = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case(CONTENT_TYPE) {
        return err(ApiError::unknown_operation(format!(
            "Content-Type must be {CONTENT_TYPE}, got '{content_type}'."
        )));
    }
    if parts.method != http::Method::POST || parts.uri.path() != "/" {
        return err(ApiError::unknown_operation(format!(
            "{} {} is not an operation; use POST /.",
            parts.method,
            parts.uri.path()
        )));
    }

    let now_ms = state.clock.now_ms();
    let (access_key_id, account_id) = {
        let world = read(&state.world);
        let access_key_id = if state.settings.auth {
            let verifier = Verifier {
                credentials: &world.credentials,
                region: state.settings.region.as_deref(),
                now_secs: now_ms.div_euclid(1000),
            };
            let req = sigv4_verify::Request {
                method: parts.method.as_str(),
                path: parts.uri.path(),
                query: parts.uri.query(),
                headers: &parts.headers,
                body,
            };
            match verifier.verify(&req) {
                Ok(c) => c.access_key_id,
                Err(e) => return err(e),
            }
        } else {
            sigv4_verify::access_key_of(&parts.headers).unwrap_or_else(|| "anonymous".into())
        };
        let account = world
            .credentials
            .get(&access_key_id)
            .and_then(|c| c.account_id.clone())
            .unwrap_or_else(|| DEFAULT_CALLER_ACCOUNT.into());
        (access_key_id, account)
    };

    let fault = lock(&state.faults).take(operation);
    let mut unprocessed = None;
    if let Some(f) = fault {
        match f.mode {
            FaultMode::Throttle => return err(ApiError::throttling()),
            FaultMode::RetryAfter => {
                return (
                    operation,
                    Outcome::Err(ApiError::throttling(), f.retry_after_ms),
                )
            }
            FaultMode::Internal => return err(ApiError::internal()),
            FaultMode::Http503 => return (operation, Outcome::Html(503, "http503")),
            FaultMode::Html500 => return (operation, Outcome::Html(500, "html500")),
            FaultMode::Drop => return (operation, Outcome::Drop),
            FaultMode::Delay => {
                tokio::time::sleep(Duration::from_millis(f.delay_ms.unwrap_or(0))).await
            }
            FaultMode::Unprocessed => unprocessed = Some(f),
            FaultMode::Skew => {}
        }
    }

    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        // awsJson treats an empty body as an empty input structure.
        Value::Object(Default::default())
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return err(ApiError::serialization(format!("Malformed JSON body: {e}"))),
        }
    };
    if let Err(e) = MODEL.check_input(operation, &value) {
        return err(e);
    }
    let ctx = Ctx {
        state,
        access_key_id,
        account_id,
        // Read after any delay so time rules use the moment of processing.
        now_ms: state.clock.now_ms(),
        fault: unprocessed,
    };
    let result = match operation {
        "MeterUsage" => operations::meter_usage::handle(&ctx, value),
        "BatchMeterUsage" => operations::batch_meter_usage::handle(&ctx, value),
        "ResolveCustomer" => operations::resolve_customer::handle(&ctx, value),
        _ => operations::register_usage::handle(&ctx, value),
    };
    match result {
        Ok(v) => (operation, Outcome::Ok(v)),
        Err(e) => err(e),
    }
}

fn base_response(state: &AppState, status: u16, content_type: &'static str, body: String) -> Resp {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert("content-type", HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        h.insert("x-amzn-requestid", v);
    }
    if let Ok(v) = HeaderValue::from_str(&state.clock.http_date()) {
        h.insert("date", v);
    }
    resp
}

pub fn json_response(state: &AppState, status: u16, body: String) -> Resp {
    base_response(state, status, CONTENT_TYPE, body)
}

fn error_response(state: &AppState, e: &ApiError, retry_after_ms: Option<u64>) -> Resp {
    let mut resp = json_response(state, e.status, e.body());
    if let Some(ms) = retry_after_ms {
        resp.headers_mut()
            .insert("x-amz-retry-after", HeaderValue::from(ms));
    }
    resp
}

fn html_response(state: &AppState, status: u16) -> Resp {
    let reason = if status == 503 {
        "Service Unavailable"
    } else {
        "Internal Server Error"
    };
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n<body><h1>{status} {reason}</h1><p>The server could not handle the request.</p></body></html>\n"
    );
    base_response(state, status, "text/html", body)
}
