//! Caches what a provider returned and fetches again ahead of expiry, as the SDKs' identity
//! cache does. One fetch runs at a time; concurrent callers wait for it and share its result.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::RwLock;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;

use super::keys;
use crate::redact;

/// Credentials refresh when less than this is left before they expire.
pub const REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);
/// When a refresh fails, credentials with at least this left are still used.
const STILL_USABLE: Duration = Duration::from_secs(10);
/// Credentials without an expiry are read again after this (environment, files).
const NO_EXPIRY_REUSE: Duration = Duration::from_secs(15 * 60);

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a fetch returned: the keys and the name of the provider that supplied them.
pub struct Fetched {
    pub credentials: Credentials,
    pub provider: String,
}

/// A source that can be asked for credentials; errors never carry secrets.
pub trait Fetch: Send + Sync {
    fn fetch(&self) -> BoxFuture<'_, Result<Fetched, String>>;
}

/// Which provider supplied the credentials in use and when they expire: never the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsInfo {
    /// The provider that supplied them: a chain link's name (`Source::name`), "static",
    /// "callback", or the name given to `from_named_provider`.
    pub provider: String,
    /// When they expire; None for keys that do not (static keys, most environment keys).
    pub expiry: Option<SystemTime>,
}

struct Entry {
    credentials: Credentials,
    info: CredentialsInfo,
    fetched_at: SystemTime,
}

pub struct CachedFetch {
    fetch: Box<dyn Fetch>,
    entry: tokio::sync::Mutex<Option<Entry>>,
    info: RwLock<Option<CredentialsInfo>>,
    /// The credentials of `entry`, readable without waiting for a fetch in progress: whose
    /// secrets are taken out of messages.
    last: RwLock<Option<Credentials>>,
    refresh_ahead: Duration,
}

impl fmt::Debug for CachedFetch {
    // The keys stay out: only the provider and the expiry are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedFetch")
            .field("last", &self.info())
            .finish_non_exhaustive()
    }
}

impl CachedFetch {
    pub fn new(fetch: Box<dyn Fetch>) -> Self {
        Self::with_refresh_ahead(fetch, REFRESH_AHEAD)
    }

    pub fn with_refresh_ahead(fetch: Box<dyn Fetch>, refresh_ahead: Duration) -> Self {
        Self {
            fetch,
            entry: tokio::sync::Mutex::new(None),
            info: RwLock::new(None),
            last: RwLock::new(None),
            refresh_ahead,
        }
    }

    /// The provider and expiry of the credentials last fetched, if any.
    pub fn info(&self) -> Option<CredentialsInfo> {
        self.info.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The credentials last fetched, if any.
    pub fn last_credentials(&self) -> Option<Credentials> {
        self.last.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn is_fresh(&self, e: &Entry, now: SystemTime) -> bool {
        match e.info.expiry {
            Some(exp) => now + self.refresh_ahead < exp,
            None => now < e.fetched_at + NO_EXPIRY_REUSE,
        }
    }

    /// Cached credentials while fresh, else a new fetch; a failed refresh falls back to
    /// credentials that are still valid for a while. Keys that break the limits of
    /// `keys.rs` count as a failed fetch. Every error leaves here redacted and bounded.
    pub async fn get(&self) -> Result<Credentials, String> {
        let mut entry = self.entry.lock().await;
        let now = SystemTime::now();
        if let Some(e) = entry.as_ref().filter(|e| self.is_fresh(e, now)) {
            return Ok(e.credentials.clone());
        }
        let fetched =
            self.fetch
                .fetch()
                .await
                .and_then(|f| match keys::check_credentials(&f.credentials) {
                    Ok(()) => Ok(f),
                    Err(m) => Err(format!(
                        "the {} provider gave unusable keys: {m}",
                        f.provider
                    )),
                });
        let fetched = fetched.map_err(|m| {
            let known = entry.as_ref().map(|e| &e.credentials);
            redact::message(&m, &known.map(redact::known_secrets).unwrap_or_default())
        });
        match fetched {
            Ok(f) => {
                let info = CredentialsInfo {
                    provider: f.provider,
                    expiry: f.credentials.expiry(),
                };
                // The provider and expiry only: never the keys.
                tracing::info!(
                    provider = %info.provider,
                    expiry = %info.expiry.map(httpdate::fmt_http_date).unwrap_or_else(|| "none".into()),
                    refresh = entry.is_some(),
                    "credentials resolved"
                );
                *self.info.write().unwrap_or_else(|p| p.into_inner()) = Some(info.clone());
                *self.last.write().unwrap_or_else(|p| p.into_inner()) = Some(f.credentials.clone());
                *entry = Some(Entry {
                    credentials: f.credentials.clone(),
                    info,
                    fetched_at: now,
                });
                Ok(f.credentials)
            }
            Err(msg) => match entry.as_ref() {
                Some(e) if e.info.expiry.map_or(true, |exp| now + STILL_USABLE < exp) => {
                    tracing::warn!(
                        provider = %e.info.provider,
                        error = %msg,
                        "credentials refresh failed; the cached ones are still valid and used"
                    );
                    Ok(e.credentials.clone())
                }
                _ => {
                    tracing::warn!(error = %msg, "credentials could not be resolved");
                    Err(msg)
                }
            },
        }
    }
}
