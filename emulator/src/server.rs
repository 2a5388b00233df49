//! HTTP/1.1 front end (hyper, keep-alive): starts the listener, reads each
//! request's body (at most 1 MB), routes `/__mpm/*` to the admin API
//! (admin.rs) and everything else through the awsJson1.1 pipeline
//! (pipeline.rs), then counts the outcome, notes when the request arrived (arrivals.rs) and
//! logs it with `--verbose`.

use crate::admin;
use crate::arrivals::Arrival;
use crate::clock::Clock;
use crate::errors::ApiError;
use crate::faults::{Fault, FaultMode, Faults};
use crate::idempotency::Store;
use crate::ledger::Ledger;
use crate::pipeline;
use crate::response::{error_response, Resp};
use crate::state::{lock, AppState, Settings};
use crate::stats::Stats;
use crate::world::World;
use http::Request;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// "Each request must be less than 1 MB in size."
const MAX_BODY: usize = 1024 * 1024;

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
    /// Requests a second per account and region before ThrottlingException; 0: no limit.
    pub rate_limit_per_second: u32,
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
        rate_limit: Mutex::new(crate::rate_limit::RateLimiter::new(
            opts.rate_limit_per_second,
        )),
        arrivals: Mutex::new(crate::arrivals::Arrivals::default()),
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
    // Stamped before the body is read: the moment the request reached the service.
    let arrived_ms = lock(&state.arrivals).now_ms();
    let arrived_clock_ms = state.clock.now_ms();
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
        return Ok(admin::handle(
            &state,
            &parts.method,
            path,
            parts.uri.query(),
            &body,
        ));
    }
    let (operation, outcome) = pipeline::run(&state, &parts, &body).await;
    let (label, resp) = outcome.respond(&state);
    lock(&state.stats).count(operation, &label);
    lock(&state.arrivals).add(Arrival {
        at_ms: arrived_ms,
        clock_ms: arrived_clock_ms,
        operation: operation.to_string(),
        outcome: label.clone(),
    });
    if state.settings.verbose {
        eprintln!(
            "{operation} {} {label} {:.1}ms",
            resp.status().as_u16(),
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    if label == "drop" || label == "drop_after_commit" {
        return Err(DropConnection);
    }
    Ok(resp)
}
