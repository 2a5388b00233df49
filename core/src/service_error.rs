//! Errors the service answers with: which modeled exception, its raw code and message, and the
//! HTTP facts around it. The code is read the way awsJson1.1 clients do: the
//! `x-amzn-ErrorType` header first, then the body's `code` or `__type`; a namespace before `#`
//! and anything after `:` are dropped ("aws.protocoltests#FooError:http://..." is "FooError").

use serde::Deserialize;

macro_rules! service_error_kinds {
    ($($variant:ident => $code:literal),+ $(,)?) => {
        /// One value per exception in the model, plus `Unknown` for any other code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ServiceErrorKind {
            $(#[doc = concat!("`", $code, "`.")] $variant,)+
            /// A code the model does not have (a newer exception, or a generic AWS one such as
            /// `AccessDeniedException`); `ServiceError::code` has it.
            Unknown
        }

        impl ServiceErrorKind {
            /// Every modeled kind, in the model's alphabetical order.
            pub const MODELED: &'static [ServiceErrorKind] = &[$(ServiceErrorKind::$variant),+];

            /// The kind of a trimmed code (`"ThrottlingException"`); `Unknown` for any other.
            pub fn from_code(code: &str) -> Self {
                match code { $($code => ServiceErrorKind::$variant,)+ _ => ServiceErrorKind::Unknown }
            }

            /// The model's shape name, or "Unknown".
            pub fn code(self) -> &'static str {
                match self { $(ServiceErrorKind::$variant => $code,)+ ServiceErrorKind::Unknown => "Unknown" }
            }
        }
    };
}

service_error_kinds! {
    CustomerNotEntitled => "CustomerNotEntitledException",
    DisabledApi => "DisabledApiException",
    DuplicateRequest => "DuplicateRequestException",
    ExpiredToken => "ExpiredTokenException",
    IdempotencyConflict => "IdempotencyConflictException",
    InternalServiceError => "InternalServiceErrorException",
    InvalidCustomerIdentifier => "InvalidCustomerIdentifierException",
    InvalidEndpointRegion => "InvalidEndpointRegionException",
    InvalidLicense => "InvalidLicenseException",
    InvalidProductCode => "InvalidProductCodeException",
    InvalidPublicKeyVersion => "InvalidPublicKeyVersionException",
    InvalidRegion => "InvalidRegionException",
    InvalidTag => "InvalidTagException",
    InvalidToken => "InvalidTokenException",
    InvalidUsageAllocations => "InvalidUsageAllocationsException",
    InvalidUsageDimension => "InvalidUsageDimensionException",
    PlatformNotSupported => "PlatformNotSupportedException",
    Throttling => "ThrottlingException",
    TimestampOutOfBounds => "TimestampOutOfBoundsException",
}

/// An error answer from the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// Which modeled exception, for matching; `Unknown` keeps the code in `code`.
    pub kind: ServiceErrorKind,
    /// The code as sent, after trimming the namespace and any `:` suffix.
    pub code: String,
    /// The service's human-readable message, when it sent one; the client takes any secret
    /// out of it before returning it.
    pub message: Option<String>,
}

#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(rename = "__type")]
    type_: Option<String>,
    code: Option<String>,
    #[serde(alias = "Message", alias = "errorMessage")]
    message: Option<String>,
}

/// Trims `ns#Code:extra` to `Code`.
fn sanitize_code(raw: &str) -> &str {
    let raw = raw.split(':').next().unwrap_or(raw);
    raw.rsplit('#').next().unwrap_or(raw).trim()
}

/// Reads an error answer. Returns None when neither a header nor a JSON body names an error
/// code (an HTML 500 page, an empty 503): the caller reports that as an invalid response.
pub fn parse_service_error(header_type: Option<&str>, body: &[u8]) -> Option<ServiceError> {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let body = parsed.unwrap_or_default();
    let raw = header_type
        .filter(|s| !s.trim().is_empty())
        .or(body.code.as_deref())
        .or(body.type_.as_deref())?;
    let code = sanitize_code(raw);
    if code.is_empty() {
        return None;
    }
    Some(ServiceError {
        kind: ServiceErrorKind::from_code(code),
        code: code.to_string(),
        message: body.message,
    })
}

/// Codes the AWS SDKs treat as throttling, for the retry policy.
pub fn is_throttling_code(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "ProvisionedThroughputExceededException"
            | "TransactionInProgressException"
            | "RequestLimitExceeded"
            | "BandwidthLimitExceeded"
            | "LimitExceededException"
            | "RequestThrottled"
            | "SlowDown"
            | "PriorRequestNotComplete"
            | "EC2ThrottledException"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds are the model's exceptions, no more, no fewer: read back from
    /// spec/service-2.json (the C enum is checked against these kinds in the mpmeter crate).
    #[test]
    fn the_kinds_are_the_models_exceptions() {
        let model: serde_json::Value =
            serde_json::from_str(include_str!("../../spec/service-2.json")).unwrap();
        let mut in_model: Vec<&str> = model["shapes"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, shape)| shape["exception"] == serde_json::Value::Bool(true))
            .map(|(name, _)| name.as_str())
            .collect();
        in_model.sort_unstable();
        let mut ours: Vec<&str> = ServiceErrorKind::MODELED.iter().map(|k| k.code()).collect();
        ours.sort_unstable();
        assert_eq!(ours, in_model);
    }

    #[test]
    fn nineteen_modeled_kinds() {
        assert_eq!(ServiceErrorKind::MODELED.len(), 19);
        for k in ServiceErrorKind::MODELED {
            assert_eq!(ServiceErrorKind::from_code(k.code()), *k);
        }
    }

    #[test]
    fn header_wins_over_body() {
        let e = parse_service_error(
            Some("ThrottlingException:http://internal.amazon.com/"),
            br#"{"__type":"InvalidTokenException","message":"m"}"#,
        )
        .unwrap();
        assert_eq!(e.kind, ServiceErrorKind::Throttling);
        assert_eq!(e.message.as_deref(), Some("m"));
    }

    #[test]
    fn body_forms() {
        let cases: &[(&[u8], &str, Option<&str>)] = &[
            (br#"{"__type":"com.amazonaws.marketplacemetering#InvalidTokenException","message":"bad"}"#, "InvalidTokenException", Some("bad")),
            (br#"{"code":"ExpiredTokenException","Message":"old"}"#, "ExpiredTokenException", Some("old")),
            (br#"{"__type":"DuplicateRequestException","errorMessage":"dup"}"#, "DuplicateRequestException", Some("dup")),
            (br#"{"code":"A","__type":"B"}"#, "A", None),
            (br#"{"__type":"SomethingNew"}"#, "SomethingNew", None),
        ];
        for (body, code, msg) in cases {
            let e = parse_service_error(None, body).unwrap();
            assert_eq!(e.code, *code);
            assert_eq!(e.message.as_deref(), *msg);
        }
        let unknown = parse_service_error(None, br#"{"__type":"SomethingNew"}"#).unwrap();
        assert_eq!(unknown.kind, ServiceErrorKind::Unknown);
    }

    #[test]
    fn html_and_empty_bodies_are_not_service_errors() {
        assert!(parse_service_error(None, b"<html>500 Internal Server Error</html>").is_none());
        assert!(parse_service_error(None, b"").is_none());
        assert!(parse_service_error(None, b"{}").is_none());
        assert!(parse_service_error(Some(""), b"[1,2]").is_none());
    }
}
