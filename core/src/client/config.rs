//! Settings a client is built with. Defaults follow the AWS SDKs.

use std::time::Duration;

use crate::retry::RetryConfig;

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
    pub proxy: Proxy,
    /// Certificates trusted besides the built-in roots, each a PEM bundle (AWS_CA_BUNDLE).
    pub extra_root_pems: Vec<Vec<u8>>,
}

/// Which HTTP(S) proxy calls go through. Debug output hides the URL's user info.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Proxy {
    /// HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (either case), as curl reads them.
    #[default]
    FromEnvironment,
    /// Straight to the endpoint, whatever the environment says.
    None,
    /// This proxy URL (credentials may be in it: `http://user:pass@host:port`), except for
    /// the hosts of `no_proxy` (NO_PROXY syntax).
    Url {
        url: String,
        no_proxy: Option<String>,
    },
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Proxy::FromEnvironment => f.write_str("FromEnvironment"),
            Proxy::None => f.write_str("None"),
            Proxy::Url { url, no_proxy } => f
                .debug_struct("Url")
                .field("url", &crate::redact::message(url, &[]))
                .field("no_proxy", no_proxy)
                .finish(),
        }
    }
}

/// Connections per client by default: enough for hourly metering bursts, well under the
/// file-descriptor limit of a host application.
pub const DEFAULT_MAX_CONNECTIONS: usize = 128;

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            timeouts: Timeouts::default(),
            retry: RetryConfig::default(),
            app_id: None,
            use_fips: false,
            use_dual_stack: false,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            proxy: Proxy::default(),
            extra_root_pems: Vec::new(),
        }
    }
}

impl ClientConfig {
    /// A reqwest builder with the connect timeout, user agent, proxy and extra roots. It never
    /// follows a redirect: AWS endpoints do not redirect, and following one would re-send (or,
    /// on 301/302/303, silently drop) a signed body and hand the session token to another origin.
    pub fn http_builder(&self) -> Result<reqwest::ClientBuilder, String> {
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.timeouts.connect)
            .user_agent(user_agent(self.app_id.as_deref()));
        match &self.proxy {
            Proxy::FromEnvironment => {}
            Proxy::None => b = b.no_proxy(),
            Proxy::Url { url, no_proxy } => {
                let p = reqwest::Proxy::all(url.as_str())
                    .map_err(|e| {
                        format!(
                            "proxy URL is not valid: {}",
                            redact_userinfo(url, &e.to_string())
                        )
                    })?
                    .no_proxy(no_proxy.as_deref().and_then(reqwest::NoProxy::from_string));
                b = b.proxy(p);
            }
        }
        for pem in &self.extra_root_pems {
            for cert in parse_pem_bundle(pem)? {
                b = b.add_root_certificate(cert);
            }
        }
        Ok(b)
    }
}

/// The certificates of a PEM bundle; an error if it holds none or one is unreadable.
pub fn parse_pem_bundle(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    let certs = reqwest::Certificate::from_pem_bundle(pem)
        .map_err(|e| format!("the CA bundle is not valid PEM: {e}"))?;
    if certs.is_empty() {
        return Err("the CA bundle holds no certificate (BEGIN CERTIFICATE)".into());
    }
    Ok(certs)
}

/// A proxy URL's password must not reach an error message.
fn redact_userinfo(url: &str, msg: &str) -> String {
    match url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
    {
        Some((userinfo, _)) if !userinfo.is_empty() => msg.replace(userinfo, "***"),
        _ => msg.to_string(),
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
