//! One HTTP attempt: sign, send, read the answer. No retry logic lives here.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;

use crate::core::model::Operation;
use crate::core::signing::sign_headers;

/// The largest answer read into memory; the service's biggest (25 echoed records) is far below.
const MAX_BODY: usize = 8 * 1024 * 1024;
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// An HTTP answer, whatever its status.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub request_id: Option<String>,
    pub error_type: Option<String>,
    pub date: Option<SystemTime>,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// Why an attempt got no HTTP answer.
#[derive(Debug)]
pub enum AttemptError {
    Signing(String),
    Transport(String),
    Timeout(String),
}

pub struct AttemptRequest<'a> {
    pub op: Operation,
    pub url: &'a str,
    pub region: &'a str,
    pub credentials: Option<&'a Credentials>,
    pub body: &'a [u8],
    pub invocation_id: &'a str,
    pub attempt: u32,
    pub max_attempts: u32,
    pub signing_time: SystemTime,
}

fn header_str(h: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn describe(e: &reqwest::Error) -> String {
    crate::core::error::error_chain(e)
}

fn map_reqwest(e: reqwest::Error) -> AttemptError {
    if e.is_timeout() {
        AttemptError::Timeout(describe(&e))
    } else {
        AttemptError::Transport(describe(&e))
    }
}

pub async fn send_attempt(
    http: &reqwest::Client,
    req: AttemptRequest<'_>,
) -> Result<RawResponse, AttemptError> {
    let sdk_request = format!("attempt={}; max={}", req.attempt, req.max_attempts);
    let mut headers: Vec<(String, String)> = vec![
        ("content-type".into(), CONTENT_TYPE.into()),
        ("x-amz-target".into(), req.op.target().into()),
        ("amz-sdk-invocation-id".into(), req.invocation_id.into()),
        ("amz-sdk-request".into(), sdk_request),
    ];
    if let Some(creds) = req.credentials {
        let to_sign: Vec<(&str, &str)> = headers
            .iter()
            .filter(|(k, _)| k != "amz-sdk-request")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let signed = sign_headers(
            creds,
            req.region,
            req.url,
            &to_sign,
            req.body,
            req.signing_time,
        )
        .map_err(AttemptError::Signing)?;
        headers.extend(signed);
    }
    let mut builder = http.post(req.url).body(req.body.to_vec());
    for (k, v) in &headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let resp = builder.send().await.map_err(map_reqwest)?;
    let status = resp.status().as_u16();
    let h = resp.headers();
    let request_id =
        header_str(h, "x-amzn-requestid").or_else(|| header_str(h, "x-amz-request-id"));
    let error_type = header_str(h, "x-amzn-errortype");
    let date = header_str(h, "date").and_then(|d| httpdate::parse_http_date(&d).ok());
    let retry_after = header_str(h, "x-amz-retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis);
    if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(AttemptError::Transport(format!(
            "answer of {} bytes is over the {MAX_BODY}-byte limit",
            resp.content_length().unwrap_or(0)
        )));
    }
    let mut body = Vec::new();
    let mut resp = resp;
    while let Some(chunk) = resp.chunk().await.map_err(map_reqwest)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(AttemptError::Transport(format!(
                "answer is over the {MAX_BODY}-byte limit"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawResponse {
        status,
        request_id,
        error_type,
        date,
        retry_after,
        body,
    })
}
