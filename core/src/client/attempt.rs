//! One HTTP attempt: sign, send, read the answer. No retry logic lives here.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;

use crate::model::Operation;
use crate::signing::{Signer, ToSign};

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
    /// The `Location` header, for the message when a 3xx is refused.
    pub location: Option<String>,
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
    pub url: &'a reqwest::Url,
    pub signer: &'a Signer,
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
    crate::error::error_chain(e)
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
    use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE as CT};
    static TARGET: HeaderName = HeaderName::from_static("x-amz-target");
    static INVOCATION: HeaderName = HeaderName::from_static("amz-sdk-invocation-id");
    static SDK_REQUEST: HeaderName = HeaderName::from_static("amz-sdk-request");
    static AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
    static TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
    let value = |v: &str| {
        HeaderValue::from_str(v)
            .map_err(|_| AttemptError::Signing("a header value is not valid".into()))
    };
    let mut headers = HeaderMap::with_capacity(8);
    headers.insert(CT, HeaderValue::from_static(CONTENT_TYPE));
    headers.insert(TARGET.clone(), HeaderValue::from_static(req.op.target()));
    headers.insert(INVOCATION.clone(), value(req.invocation_id)?);
    if let Some(creds) = req.credentials {
        let to_sign = ToSign {
            region: req.region,
            url: req.url,
            content_type: CONTENT_TYPE,
            target: req.op.target(),
            invocation_id: req.invocation_id,
            body: req.body,
        };
        let signed = req
            .signer
            .sign(creds, &to_sign, req.signing_time)
            .map_err(AttemptError::Signing)?;
        let owned = |v: String| {
            HeaderValue::try_from(v)
                .map_err(|_| AttemptError::Signing("a header value is not valid".into()))
        };
        headers.insert(reqwest::header::AUTHORIZATION, owned(signed.authorization)?);
        headers.insert(AMZ_DATE.clone(), owned(signed.amz_date)?);
        if let Some(t) = signed.security_token {
            headers.insert(TOKEN.clone(), owned(t)?);
        }
    }
    // Not signed: it changes with every attempt and is only for the service's metrics.
    let sdk_request = format!("attempt={}; max={}", req.attempt, req.max_attempts);
    headers.insert(SDK_REQUEST.clone(), value(&sdk_request)?);
    let builder = http
        .post(req.url.clone())
        .headers(headers)
        .body(req.body.to_vec());
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
    let location = header_str(h, "location");
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
        location,
        body,
    })
}
