//! Settings a client is built with. Defaults follow the AWS SDKs.

use std::time::Duration;

use crate::core::retry::RetryConfig;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a TCP/TLS connection.
    pub connect: Duration,
    /// One attempt, from sending to the last byte of the answer.
    pub attempt: Duration,
    /// The whole operation, retries and backoff included.
    pub operation: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_millis(3100),
            attempt: Duration::from_secs(30),
            operation: Duration::from_secs(120),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    pub timeouts: Timeouts,
    pub retry: RetryConfig,
    /// Appended to the user agent as `app/<id>` (AWS_SDK_UA_APP_ID in the SDKs).
    pub app_id: Option<String>,
    pub use_fips: bool,
    pub use_dual_stack: bool,
    /// HTTP attempts on the wire at once per client (open connections); more calls may be in
    /// flight, queued for a slot.
    pub max_connections: usize,
}

/// Connections per client by default: enough for hourly metering bursts, well under the
/// file-descriptor limit of a host application.
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 128;

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeouts: Timeouts::default(),
            retry: RetryConfig::default(),
            app_id: None,
            use_fips: false,
            use_dual_stack: false,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// The product name and version sent in `User-Agent`.
pub fn user_agent(app_id: Option<&str>) -> String {
    let base = format!(
        "mpmeter/{} os/{} lang/rust",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    );
    match app_id {
        Some(id) => format!("{base} app/{id}"),
        None => base,
    }
}
