//! What can go wrong with a call, as the core reports it. The FFI layer maps each variant onto
//! its own result code; messages never contain key material.

use std::fmt;

use super::service_error::ServiceError;
use super::validate::ValidationError;

/// Why a call failed. Only `Service` means the service answered with an error (it has the
/// exception's name); every other variant has no service code. A call that fails with
/// `InvalidRequest`, `Endpoint` or `Credentials` sent nothing.
///
/// ```
/// use mpmeter_core::error::Error;
/// use mpmeter_core::service_error::ServiceErrorKind;
///
/// fn explain(e: &Error) -> String {
///     match e {
///         // The service's exception: its name as sent, and which modeled kind it is.
///         Error::Service(s) if s.kind == ServiceErrorKind::Throttling => {
///             format!("throttled even after the retries: {}", s.code)
///         }
///         Error::Service(s) => format!("the service refused: {} {:?}", s.code, s.message),
///         Error::InvalidRequest(v) => format!("fix member {}: {}", v.member, v.reason),
///         other => format!("no answer from the service: {other}"),
///     }
/// }
/// assert_eq!(explain(&Error::Cancelled), "no answer from the service: cancelled");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The request breaks the model; nothing was sent.
    InvalidRequest(ValidationError),
    /// No URL could be made from the client's region or endpoint.
    Endpoint(String),
    /// The credentials provider could not supply credentials.
    Credentials(String),
    /// The request could not be signed.
    Signing(String),
    /// Connecting, sending or receiving failed.
    Transport(String),
    /// The attempt or operation timed out.
    Timeout(String),
    /// The caller cancelled the call.
    Cancelled,
    /// The service answered with an error.
    Service(ServiceError),
    /// The service's answer could not be read (an HTML error page, malformed JSON).
    InvalidResponse(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(v) => write!(f, "invalid request: {v}"),
            Error::Endpoint(m) => write!(f, "endpoint: {m}"),
            Error::Credentials(m) => write!(f, "credentials: {m}"),
            Error::Signing(m) => write!(f, "signing: {m}"),
            Error::Transport(m) => write!(f, "transport: {m}"),
            Error::Timeout(m) => write!(f, "timeout: {m}"),
            Error::Cancelled => f.write_str("cancelled"),
            Error::Service(e) => match &e.message {
                Some(m) => write!(f, "{}: {m}", e.code),
                None => f.write_str(&e.code),
            },
            Error::InvalidResponse(m) => write!(f, "invalid response: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// HTTP facts of a call, kept whether it succeeded or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseMeta {
    /// Status of the last HTTP answer, 0 when none arrived.
    pub http_status: u16,
    /// `x-amzn-RequestId` of the last answer.
    pub request_id: Option<String>,
    /// How many attempts were sent.
    pub attempts: u32,
}

/// The result of one operation together with its HTTP facts.
#[derive(Debug, Clone)]
pub struct Outcome<T> {
    /// The operation's output, or why it failed (after every retry the policy allowed).
    pub result: Result<T, Error>,
    /// Status, request id and attempts: set on failure too, so a failed call can be quoted to
    /// AWS support by its request id.
    pub meta: ResponseMeta,
}

/// An error and its sources in one line ("error sending request: connection refused"), since
/// the outermost message alone often hides the cause.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}
