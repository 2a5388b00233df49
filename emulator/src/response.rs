//! The answers of the API port: awsJson1.1 results and errors, with the
//! headers the service sends (`x-amzn-requestid`, `date` on the emulator's
//! clock), and the HTML pages a load balancer or proxy in front of it sends.

use crate::errors::ApiError;
use crate::state::AppState;
use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::Full;

/// A complete answer, body included.
pub type Resp = Response<Full<Bytes>>;

/// The awsJson1.1 media type, of requests and answers alike.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

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

/// An AWS error; `retry_after_ms` adds `x-amz-retry-after`.
pub fn error_response(state: &AppState, e: &ApiError, retry_after_ms: Option<u64>) -> Resp {
    let mut resp = json_response(state, e.status, e.body());
    if let Some(ms) = retry_after_ms {
        resp.headers_mut()
            .insert("x-amz-retry-after", HeaderValue::from(ms));
    }
    resp
}

/// A non-AWS HTML page: 503 Service Unavailable, else 500 Internal Server Error.
pub fn html_response(state: &AppState, status: u16) -> Resp {
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
