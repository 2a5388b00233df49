//! The errors an AWS client sees: awsJson error bodies
//! `{"__type": "<Code>", "message": "..."}` with the service's HTTP status.

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// Modeled client-side exceptions are all HTTP 400.
    pub fn client(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(400, code, message)
    }

    pub fn serialization(message: impl Into<String>) -> ApiError {
        ApiError::client("SerializationException", message)
    }

    pub fn unknown_operation(message: impl Into<String>) -> ApiError {
        ApiError::client("UnknownOperationException", message)
    }

    /// AWS's aggregated validation message:
    /// "N validation error(s) detected: <e1>; <e2>".
    pub fn validation(errors: &[String]) -> ApiError {
        let n = errors.len();
        let noun = if n == 1 { "error" } else { "errors" };
        ApiError::client(
            "ValidationException",
            format!("{n} validation {noun} detected: {}", errors.join("; ")),
        )
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(403, code, message)
    }

    pub fn internal() -> ApiError {
        ApiError::new(
            500,
            "InternalServiceErrorException",
            "An internal error has occurred. Retry your request.",
        )
    }

    pub fn throttling() -> ApiError {
        ApiError::client("ThrottlingException", "Rate exceeded")
    }

    pub fn body(&self) -> String {
        serde_json::json!({"__type": self.code, "message": self.message}).to_string()
    }
}
