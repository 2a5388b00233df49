//! Settings a client is built with. Defaults follow the AWS SDKs. The setters check each
//! value; the C API's setters and the settings read from the environment both go through
//! them, so a value refused from C is refused from AWS_MAX_ATTEMPTS or a profile too.

use std::time::Duration;

use crate::endpoint_rules::MAX_ENDPOINT_LEN;
use crate::env_config::EnvSettings;
use crate::http_policy::user_agent;
use crate::quote::quote;
use crate::retry::RetryConfig;

/// The most attempts an operation may make, the first included.
pub const MAX_ATTEMPTS_LIMIT: u32 = 20;
/// The longest application id the user agent carries, in characters.
pub const MAX_APP_ID_CHARS: usize = 50;

/// How long a call may take, at three levels. Set through `ClientConfig`'s setters, which
/// refuse anything under 1 ms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a TCP/TLS connection (default 3.1 s, as the SDKs).
    pub connect: Duration,
    /// One attempt, from sending to the last byte of the answer (default 30 s); a timed-out
    /// attempt is retried.
    pub attempt: Duration,
    /// The whole operation, retries and backoff included (default 120 s); its expiry ends
    /// the call with `Error::Timeout`.
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

/// Settings a client is built with; `Default` is what the AWS SDKs default to. Prefer the
/// setters to writing the fields: they check the value and say what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// Connect, attempt and operation timeouts.
    pub timeouts: Timeouts,
    /// Attempts per operation (`set_max_attempts`).
    pub retry: RetryConfig,
    /// Appended to the user agent as `app/<id>` (AWS_SDK_UA_APP_ID in the SDKs).
    pub app_id: Option<String>,
    /// The region's FIPS endpoint (`metering.marketplace-fips.{region}...`); an error for a
    /// partition without one, and with an explicit endpoint (the rule set's).
    pub use_fips: bool,
    /// The region's dual-stack (IPv4 and IPv6) endpoint (`...api.aws` in the aws partition);
    /// an error for a partition without one, and with an explicit endpoint.
    pub use_dual_stack: bool,
    /// HTTP attempts on the wire at once per client (open connections); more calls may be in
    /// flight, queued for a slot.
    pub max_connections: usize,
    /// Which proxy calls go through (`set_proxy`).
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
        /// `http://` or `https://`, at most `MAX_ENDPOINT_LEN` bytes.
        url: String,
        /// Hosts reached directly, comma-separated (`localhost,.internal,10.0.0.0/8`).
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
    /// The time allowed to open a connection (TCP and TLS); at least 1 ms.
    pub fn set_connect_timeout(&mut self, t: Duration) -> Result<(), String> {
        self.timeouts.connect = at_least_a_millisecond(t, "the connect timeout")?;
        Ok(())
    }

    /// The time allowed for one attempt; at least 1 ms.
    pub fn set_attempt_timeout(&mut self, t: Duration) -> Result<(), String> {
        self.timeouts.attempt = at_least_a_millisecond(t, "the attempt timeout")?;
        Ok(())
    }

    /// The time allowed for a whole operation, retries included; at least 1 ms.
    pub fn set_operation_timeout(&mut self, t: Duration) -> Result<(), String> {
        self.timeouts.operation = at_least_a_millisecond(t, "the operation timeout")?;
        Ok(())
    }

    /// Attempts per operation, the first included: 1 (no retries) to `MAX_ATTEMPTS_LIMIT`.
    pub fn set_max_attempts(&mut self, attempts: u32) -> Result<(), String> {
        if !(1..=MAX_ATTEMPTS_LIMIT).contains(&attempts) {
            return Err(format!(
                "max attempts must be 1 to {MAX_ATTEMPTS_LIMIT} (got {attempts})"
            ));
        }
        self.retry.max_attempts = attempts;
        Ok(())
    }

    /// The application id sent as `app/<id>` in the user agent: at most `MAX_APP_ID_CHARS`
    /// characters, no spaces or control characters; None or "" removes it.
    pub fn set_app_id(&mut self, id: Option<&str>) -> Result<(), String> {
        let id = id.filter(|s| !s.is_empty());
        if let Some(id) = id {
            if id.chars().count() > MAX_APP_ID_CHARS
                || id.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return Err(format!(
                    "app_id {} must be at most {MAX_APP_ID_CHARS} characters without spaces",
                    quote(id)
                ));
            }
        }
        self.app_id = id.map(str::to_string);
        Ok(())
    }

    /// The proxy calls go through. A proxy URL is http:// or https://, at most
    /// `MAX_ENDPOINT_LEN` bytes, and must be one the HTTP client accepts; on error nothing
    /// changes.
    pub fn set_proxy(&mut self, proxy: Proxy) -> Result<(), String> {
        if let Proxy::Url { url, .. } = &proxy {
            if url.len() > MAX_ENDPOINT_LEN {
                return Err(format!(
                    "the proxy URL {} is longer than {MAX_ENDPOINT_LEN} bytes",
                    quote(url)
                ));
            }
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err("the proxy URL must start with http:// or https://".into());
            }
        }
        let mut next = self.clone();
        next.proxy = proxy;
        // Built once to know the HTTP client accepts it; the client builds its own.
        let _checked = next.http_builder()?;
        *self = next;
        Ok(())
    }

    /// Trusts the certificates of a PEM bundle besides the built-in roots; a bundle without
    /// a certificate is refused.
    pub fn add_ca_pem(&mut self, pem: Vec<u8>) -> Result<(), String> {
        parse_pem_bundle(&pem)?;
        self.extra_root_pems.push(pem);
        Ok(())
    }

    /// `add_ca_pem` with the bundle read from `path` now.
    pub fn add_ca_file(&mut self, path: &str) -> Result<(), String> {
        let pem = std::fs::read(path)
            .map_err(|e| format!("cannot read the CA bundle {}: {e}", quote(path)))?;
        self.add_ca_pem(pem)
            .map_err(|e| format!("{e} ({})", quote(path)))
    }

    /// Applies the client settings read from the environment and the shared config files
    /// (app id, FIPS, dual-stack, max attempts, CA bundle) through the setters above, so they
    /// meet the same checks; an error names the value's source. On error `self` may hold the
    /// settings applied before the one refused: apply to a copy to keep the original.
    pub fn apply_env(&mut self, env: &EnvSettings) -> Result<(), String> {
        fn from(source: &str) -> impl Fn(String) -> String + '_ {
            move |e| format!("{e} (from {source})")
        }
        if let Some(v) = &env.app_id {
            self.set_app_id(Some(&v.value)).map_err(from(&v.source))?;
        }
        if let Some(v) = &env.use_fips {
            self.use_fips = v.value;
        }
        if let Some(v) = &env.use_dual_stack {
            self.use_dual_stack = v.value;
        }
        if let Some(v) = &env.max_attempts {
            self.set_max_attempts(v.value).map_err(from(&v.source))?;
        }
        if let Some(v) = &env.ca_bundle {
            self.add_ca_file(&v.value).map_err(from(&v.source))?;
        }
        Ok(())
    }

    /// A reqwest builder with the connect timeout, user agent, proxy and extra roots. It never
    /// follows a redirect: AWS endpoints do not redirect, and following one would re-send (or,
    /// on 301/302/303, silently drop) a signed body and hand the session token to another origin.
    pub fn http_builder(&self) -> Result<reqwest::ClientBuilder, String> {
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // Retries are the client's own (core::retry); reqwest's layer would copy every
            // request in case it retried a refused HTTP/2 stream.
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .connect_timeout(self.timeouts.connect)
            .user_agent(user_agent(self.app_id.as_deref()));
        match &self.proxy {
            // No proxy in the environment: none to match, ever.
            Proxy::FromEnvironment if !proxy_in_environment() => b = b.no_proxy(),
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

fn at_least_a_millisecond(t: Duration, what: &str) -> Result<Duration, String> {
    if t < Duration::from_millis(1) {
        return Err(format!("{what} must be at least 1 ms"));
    }
    Ok(t)
}

/// Whether the environment names a proxy reqwest would use (it reads these variables).
fn proxy_in_environment() -> bool {
    [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env_config::Sourced;

    fn from_env<T>(value: T, var: &str) -> Option<Sourced<T>> {
        Some(Sourced {
            value,
            source: format!("environment variable {var}"),
        })
    }

    #[test]
    fn setters_refuse_what_the_model_of_a_client_does_not_allow() {
        let mut c = ClientConfig::default();
        assert!(c.set_max_attempts(0).is_err());
        assert!(c.set_max_attempts(MAX_ATTEMPTS_LIMIT + 1).is_err());
        assert!(c.set_max_attempts(MAX_ATTEMPTS_LIMIT).is_ok());
        assert_eq!(c.retry.max_attempts, MAX_ATTEMPTS_LIMIT);
        assert!(c.set_app_id(Some("has space")).is_err());
        assert!(c
            .set_app_id(Some(&"a".repeat(MAX_APP_ID_CHARS + 1)))
            .is_err());
        assert!(c.set_app_id(Some("my-saas/1.2")).is_ok());
        assert!(c.set_app_id(Some("")).is_ok());
        assert_eq!(c.app_id, None);
        assert!(c.set_connect_timeout(Duration::ZERO).is_err());
        assert!(c
            .set_proxy(Proxy::Url {
                url: "socks5://h:1".into(),
                no_proxy: None
            })
            .is_err());
        assert_eq!(
            c.proxy,
            Proxy::FromEnvironment,
            "a refused proxy changes nothing"
        );
        assert!(c.add_ca_pem(b"no certificate here".to_vec()).is_err());
        assert!(c.extra_root_pems.is_empty());
    }

    /// The environment goes through the same setters: AWS_MAX_ATTEMPTS=100 and an app id with
    /// a space are refused as `mpm_config_set_*` refuses them, naming where they came from.
    #[test]
    fn the_environment_goes_through_the_same_checks() {
        let env = EnvSettings {
            max_attempts: from_env(100, "AWS_MAX_ATTEMPTS"),
            ..Default::default()
        };
        let err = ClientConfig::default().apply_env(&env).unwrap_err();
        assert_eq!(
            err,
            "max attempts must be 1 to 20 (got 100) (from environment variable AWS_MAX_ATTEMPTS)"
        );
        let env = EnvSettings {
            app_id: from_env("my app".to_string(), "AWS_SDK_UA_APP_ID"),
            ..Default::default()
        };
        let err = ClientConfig::default().apply_env(&env).unwrap_err();
        assert!(
            err.contains("without spaces")
                && err.ends_with("(from environment variable AWS_SDK_UA_APP_ID)"),
            "{err}"
        );
        let env = EnvSettings {
            max_attempts: from_env(7, "AWS_MAX_ATTEMPTS"),
            app_id: from_env("ok-app".to_string(), "AWS_SDK_UA_APP_ID"),
            use_fips: from_env(true, "AWS_USE_FIPS_ENDPOINT"),
            ..Default::default()
        };
        let mut c = ClientConfig::default();
        c.apply_env(&env).unwrap();
        assert_eq!(
            (c.retry.max_attempts, c.app_id.as_deref(), c.use_fips),
            (7, Some("ok-app"), true)
        );
    }
}
