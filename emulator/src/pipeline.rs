//! The awsJson1.1 pipeline one API request goes through, one step per
//! function, in the order the service's front end applies them:
//!
//! 1. [`operation_of`]: the operation named by `X-Amz-Target`;
//! 2. [`check_protocol`]: a POST of `/` with the awsJson1.1 content type;
//! 3. [`authenticate`]: the SigV4 signature, and so the caller;
//! 4. [`inject_fault`]: a pending fault for the operation, if one fires;
//! 5. [`read_input`]: the JSON body, checked against the service model;
//! 6. [`operations::handle`]: the operation itself.
//!
//! A step either hands on what the next needs or ends the request with an
//! [`Outcome`]; [`Outcome::respond`] turns that into the answer.

use crate::errors::ApiError;
use crate::faults::{Fault, FaultMode};
use crate::model::{MODEL, OPERATIONS};
use crate::operations::{self, Ctx};
use crate::response::{error_response, html_response, json_response, Resp, CONTENT_TYPE};
use crate::sigv4_verify::{self, Verifier};
use crate::state::{lock, read, AppState};
use crate::world::DEFAULT_CALLER_ACCOUNT;
use bytes::Bytes;
use http::request::Parts;
use http::Response;
use http_body_util::Full;
use serde_json::Value;
use std::time::Duration;

/// How a request ends.
pub enum Outcome {
    /// The operation's result.
    Ok(Value),
    /// An AWS error; Some(ms) adds `x-amz-retry-after`.
    Err(ApiError, Option<u64>),
    /// A non-AWS HTML page (what a load balancer or proxy answers).
    Html(u16, &'static str),
    /// The connection closes without an answer.
    Drop,
    /// The operation ran (and committed what it records), then the connection closes without
    /// an answer (the `drop_after_commit` fault).
    DropAfterCommit,
}

impl From<ApiError> for Outcome {
    fn from(e: ApiError) -> Outcome {
        Outcome::Err(e, None)
    }
}

impl Outcome {
    /// The label the request is counted under (`GET /__mpm/requests`) and
    /// the answer. A dropped connection gets an empty answer no one sees.
    pub fn respond(self, state: &AppState) -> (String, Resp) {
        match self {
            Outcome::Ok(v) => (
                "Success".to_string(),
                json_response(state, 200, v.to_string()),
            ),
            Outcome::Err(e, retry_after) => {
                (e.code.to_string(), error_response(state, &e, retry_after))
            }
            Outcome::Html(status, mode) => (mode.to_string(), html_response(state, status)),
            Outcome::Drop => ("drop".to_string(), Response::new(Full::default())),
            Outcome::DropAfterCommit => (
                "drop_after_commit".to_string(),
                Response::new(Full::default()),
            ),
        }
    }
}

/// Runs one API request through the pipeline: the operation's name
/// ("Unknown" when none is named) and how the request ended.
pub async fn run(state: &AppState, parts: &Parts, body: &Bytes) -> (&'static str, Outcome) {
    let operation = match operation_of(parts) {
        Ok(op) => op,
        Err(e) => return ("Unknown", e.into()),
    };
    match serve(state, operation, parts, body).await {
        Ok(v) => {
            if operation == "BatchMeterUsage" {
                lock(&state.stats).count_record_statuses(&v);
            }
            (operation, Outcome::Ok(v))
        }
        Err(outcome) => (operation, outcome),
    }
}

/// Steps 2 to 6, for a request that names an operation.
async fn serve(
    state: &AppState,
    operation: &'static str,
    parts: &Parts,
    body: &Bytes,
) -> Result<Value, Outcome> {
    check_protocol(parts)?;
    let caller = authenticate(state, parts, body)?;
    rate_limit(state, parts, &caller)?;
    let fault = inject_fault(state, operation).await?;
    let drop_after_commit = fault
        .as_ref()
        .is_some_and(|f| f.mode == FaultMode::DropAfterCommit);
    let fault = fault.filter(|_| !drop_after_commit);
    let input = read_input(operation, body)?;
    let ctx = Ctx {
        state,
        access_key_id: caller.access_key_id,
        account_id: caller.account_id,
        // Read after any delay so time rules use the moment of processing.
        now_ms: state.clock.now_ms(),
        fault,
    };
    let v = operations::handle(&ctx, operation, input)?;
    if drop_after_commit {
        return Err(Outcome::DropAfterCommit);
    }
    Ok(v)
}

/// The service quota per account and region (`--rate-limit`, `POST /__mpm/rate_limit`; off by
/// default): ThrottlingException once the caller's bucket is empty.
fn rate_limit(state: &AppState, parts: &Parts, caller: &Caller) -> Result<(), ApiError> {
    let region = crate::rate_limit::region_of(&parts.headers).unwrap_or_default();
    if lock(&state.rate_limit).admit(&caller.account_id, &region) {
        Ok(())
    } else {
        Err(ApiError::throttling())
    }
}

/// The operation `X-Amz-Target` names (`AWSMPMeteringService.MeterUsage`).
fn operation_of(parts: &Parts) -> Result<&'static str, ApiError> {
    let target = header(parts, "x-amz-target");
    target
        .strip_prefix(MODEL.target_prefix.as_str())
        .and_then(|t| t.strip_prefix('.'))
        .and_then(|op| OPERATIONS.iter().find(|o| **o == op).copied())
        .ok_or_else(|| {
            ApiError::unknown_operation(if target.is_empty() {
                "Missing X-Amz-Target header.".to_string()
            } else {
                format!("Unknown operation '{target}'.")
            })
        })
}

/// AWS's awsJson front end only dispatches POSTs of `/` with its content
/// type; anything else does not name an operation it knows.
fn check_protocol(parts: &Parts) -> Result<(), ApiError> {
    let content_type = header(parts, "content-type");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case(CONTENT_TYPE) {
        return Err(ApiError::unknown_operation(format!(
            "Content-Type must be {CONTENT_TYPE}, got '{content_type}'."
        )));
    }
    if parts.method != http::Method::POST || parts.uri.path() != "/" {
        return Err(ApiError::unknown_operation(format!(
            "{} {} is not an operation; use POST /.",
            parts.method,
            parts.uri.path()
        )));
    }
    Ok(())
}

/// Who sent a request.
struct Caller {
    /// The signing access key id.
    access_key_id: String,
    /// The AWS account of that key (the buyer for MeterUsage/RegisterUsage).
    account_id: String,
}

/// Verifies the SigV4 signature against the world's credentials (unless
/// `--no-auth`, where the access key id of the `Authorization` header, if
/// readable, still names the caller).
fn authenticate(state: &AppState, parts: &Parts, body: &Bytes) -> Result<Caller, ApiError> {
    let world = read(&state.world);
    let access_key_id = if state.settings.auth {
        let verifier = Verifier {
            credentials: &world.credentials,
            region: state.settings.region.as_deref(),
            now_secs: state.clock.now_ms().div_euclid(1000),
        };
        let req = sigv4_verify::Request {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &parts.headers,
            body,
        };
        verifier.verify(&req)?.access_key_id
    } else {
        sigv4_verify::access_key_of(&parts.headers).unwrap_or_else(|| "anonymous".into())
    };
    let account_id = world
        .credentials
        .get(&access_key_id)
        .and_then(|c| c.account_id.clone())
        .unwrap_or_else(|| DEFAULT_CALLER_ACCOUNT.into());
    Ok(Caller {
        access_key_id,
        account_id,
    })
}

/// Fires the first pending fault for `operation`, if any: most end the
/// request the way the service or the network in front of it fails; a delay
/// waits, then lets the request go on. A fault the operation itself applies
/// (`unprocessed`) is returned for it.
async fn inject_fault(state: &AppState, operation: &str) -> Result<Option<Fault>, Outcome> {
    let fault = lock(&state.faults).take(operation);
    let Some(f) = fault else {
        return Ok(None);
    };
    match f.mode {
        FaultMode::Throttle => Err(ApiError::throttling().into()),
        FaultMode::RetryAfter => Err(Outcome::Err(ApiError::throttling(), f.retry_after_ms)),
        FaultMode::Internal => Err(ApiError::internal().into()),
        FaultMode::Http503 => Err(Outcome::Html(503, "http503")),
        FaultMode::Html500 => Err(Outcome::Html(500, "html500")),
        FaultMode::Drop => Err(Outcome::Drop),
        FaultMode::Delay => {
            tokio::time::sleep(Duration::from_millis(f.delay_ms.unwrap_or(0))).await;
            Ok(None)
        }
        // The operation runs; the answer is then dropped (metered, but the client never heard).
        FaultMode::Unprocessed | FaultMode::DropAfterCommit => Ok(Some(f)),
        // Skew moves the clock when added; it never waits for a request.
        FaultMode::Skew => Ok(None),
    }
}

/// The JSON body, checked against the operation's input shape.
fn read_input(operation: &str, body: &Bytes) -> Result<Value, ApiError> {
    let value = if body.iter().all(u8::is_ascii_whitespace) {
        // awsJson treats an empty body as an empty input structure.
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(body)
            .map_err(|e| ApiError::serialization(format!("Malformed JSON body: {e}")))?
    };
    MODEL.check_input(operation, &value)?;
    Ok(value)
}

fn header<'a>(parts: &'a Parts, name: &str) -> &'a str {
    parts
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}
