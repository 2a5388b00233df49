//! Where a client's credentials come from: static keys, the SDKs' default provider chain, one
//! profile, a platform's only accepted source (strict mode), or an application's callback.
//! Every source is cached and refreshed ahead of expiry, and can say which provider supplied
//! the credentials in use and when they expire, never the keys. `Anonymous` sends unsigned
//! requests, as QtAws's `AwsAnonymousCredentials` did.

mod cache;
mod callback;
mod chain;
mod http_client;
mod keys;

use crate::error::{error_chain, Error};
use crate::redact;
use std::fmt;
use std::sync::Arc;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;

pub use cache::{CredentialsInfo, REFRESH_AHEAD};
pub use callback::CallbackFn;
pub use chain::{ChainOptions, Platform, Source};
pub use http_client::ReqwestHttpClient;
pub use keys::check as check_keys;

use cache::{BoxFuture, CachedFetch, Fetch, Fetched};

/// Where a client gets the keys it signs with. Cloning is cheap and shares the cache, so a
/// source given to several clients fetches once for all of them. Debug output shows the kind
/// of source only, never a key.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use aws_credential_types::Credentials;
/// use mpmeter_core::credentials::{ChainOptions, CredentialsSource, Platform};
///
/// # async fn run() -> Result<(), String> {
/// // Static keys: checked now, so a malformed key fails here rather than at the first call.
/// let fixed = CredentialsSource::try_basic("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", None)?;
/// assert_eq!(fixed.kind(), "static");
///
/// // The AWS SDKs' default chain, with a shorter IMDS timeout than the default 1 s.
/// let chain = CredentialsSource::default_chain(ChainOptions {
///     imds_connect_timeout: Duration::from_millis(300),
///     ..Default::default()
/// });
///
/// // One named profile of ~/.aws/config and ~/.aws/credentials.
/// let profile = CredentialsSource::profile(Some("metering"), ChainOptions::default());
///
/// // On ECS, only the task role: a missing role is an error, never a fallback to other keys.
/// let ecs = CredentialsSource::for_platform(Platform::Ecs, ChainOptions::default());
///
/// // The application's own secret store; runs on a blocking thread, one call at a time.
/// let vault = CredentialsSource::callback(Arc::new(|| {
///     Ok(Credentials::new("AKIAIOSFODNN7EXAMPLE", "secret", None, None, "vault"))
/// }));
///
/// // Resolving fetches (and caches) the keys; `info` then says who supplied them.
/// chain.resolve().await?;
/// if let Some(info) = chain.info() {
///     println!("credentials from {} (expire {:?})", info.provider, info.expiry);
/// }
/// # let _ = (profile, ecs, vault);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub enum CredentialsSource {
    /// No credentials: requests go unsigned (the service refuses them; for tests and
    /// emulators that do not check signatures).
    Anonymous,
    /// A cached provider: every constructor but `Anonymous` makes one.
    Provider(Provider),
}

/// A cached credentials provider; clones share the cache.
#[derive(Clone)]
pub struct Provider {
    kind: String,
    cache: Arc<CachedFetch>,
}

impl Provider {
    fn new(kind: impl Into<String>, fetch: impl Fetch + 'static) -> Self {
        Self {
            kind: kind.into(),
            cache: Arc::new(CachedFetch::new(Box::new(fetch))),
        }
    }
}

impl fmt::Debug for CredentialsSource {
    // Never prints key material: only which kind of source this is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsSource::Anonymous => f.write_str("CredentialsSource::Anonymous"),
            CredentialsSource::Provider(p) => write!(f, "CredentialsSource::Provider({})", p.kind),
        }
    }
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("kind", &self.kind)
            .field("last", &self.cache.info())
            .finish()
    }
}

/// Any aws-credential-types provider, named for `CredentialsInfo`.
struct External {
    name: String,
    provider: SharedCredentialsProvider,
}

impl Fetch for External {
    fn fetch(&self) -> BoxFuture<'_, Result<Fetched, String>> {
        Box::pin(async move {
            let credentials = self
                .provider
                .provide_credentials()
                .await
                .map_err(|e| error_chain(&e))?;
            Ok(Fetched {
                credentials,
                provider: self.name.clone(),
            })
        })
    }
}

impl CredentialsSource {
    /// Static keys, with a session token for temporary credentials; an error (naming the
    /// field, never its value) for keys that break the limits of `keys.rs`: empty, too long,
    /// or holding CR, LF or another control character.
    pub fn try_basic(
        access_key_id: &str,
        secret: &str,
        session_token: Option<&str>,
    ) -> Result<Self, String> {
        keys::check(access_key_id, secret, session_token)?;
        Ok(Self::basic(access_key_id, secret, session_token))
    }

    /// As `try_basic`, for keys known to be well formed (constants, tests). Keys that break
    /// the limits are still refused, by every resolve, with `try_basic`'s message.
    pub fn basic(access_key_id: &str, secret: &str, session_token: Option<&str>) -> Self {
        let creds = Credentials::new(
            access_key_id,
            secret,
            session_token.map(str::to_string),
            None,
            "mpmeter-basic",
        );
        Self::from_named_provider("static", creds)
    }

    /// Any `aws-credential-types` provider (an SDK's own, or one of the application's), cached
    /// and refreshed like the built-in sources; `info` reports it as "custom".
    pub fn from_provider(p: impl ProvideCredentials + 'static) -> Self {
        Self::from_named_provider("custom", p)
    }

    /// As `from_provider`, with the name `kind` and `info` report (never put a secret in it:
    /// it appears in logs).
    pub fn from_named_provider(name: &str, p: impl ProvideCredentials + 'static) -> Self {
        let fetch = External {
            name: name.to_string(),
            provider: SharedCredentialsProvider::new(p),
        };
        CredentialsSource::Provider(Provider::new(name, fetch))
    }

    /// The SDKs' default chain: environment, profile (with assume-role and
    /// credential_process), web identity, container (ECS/EKS), IMDS. Lazy: nothing is read
    /// or fetched until credentials are first needed.
    pub fn default_chain(options: ChainOptions) -> Self {
        CredentialsSource::Provider(Provider::new(
            "default-chain",
            chain::Chain::default_chain(options),
        ))
    }

    /// One profile of the shared config files (None: AWS_PROFILE, else "default").
    pub fn profile(name: Option<&str>, mut options: ChainOptions) -> Self {
        options.profile = name.map(str::to_string).or(options.profile);
        CredentialsSource::Provider(Provider::new(
            "profile",
            chain::Chain::profile_only(options),
        ))
    }

    /// Only the source AWS accepts for metering on `platform`; any failure is an error,
    /// never a fallback to another source.
    pub fn for_platform(platform: Platform, options: ChainOptions) -> Self {
        CredentialsSource::Provider(Provider::new(
            format!("platform-{}", platform.name()),
            chain::Chain::for_platform(platform, options),
        ))
    }

    /// An application's own secret store, asked through `f` on a blocking thread, one call
    /// at a time.
    pub fn callback(f: CallbackFn) -> Self {
        CredentialsSource::Provider(Provider::new("callback", callback::Callback::new(f)))
    }

    /// What kind of source this is: "anonymous", "static", "default-chain", "profile",
    /// "platform-EC2", "callback", ...
    pub fn kind(&self) -> &str {
        match self {
            CredentialsSource::Anonymous => "anonymous",
            CredentialsSource::Provider(p) => &p.kind,
        }
    }

    /// The provider and expiry of the credentials last resolved (None before the first).
    pub fn info(&self) -> Option<CredentialsInfo> {
        match self {
            CredentialsSource::Anonymous => None,
            CredentialsSource::Provider(p) => p.cache.info(),
        }
    }

    /// The credentials last resolved (None before the first, and for anonymous requests):
    /// whose secrets `core::redact` takes out of messages. Never fetches.
    pub(crate) fn last_credentials(&self) -> Option<Credentials> {
        match self {
            CredentialsSource::Anonymous => None,
            CredentialsSource::Provider(p) => p.cache.last_credentials(),
        }
    }

    /// `e` with the secrets of the credentials resolved last taken out of every text it
    /// carries (`core::redact`), for an error about to leave the core.
    pub fn redact_error(&self, e: Error) -> Error {
        let last = self.last_credentials();
        redact::error(
            e,
            &last.as_ref().map(redact::known_secrets).unwrap_or_default(),
        )
    }

    /// The credentials to sign with now, or None for anonymous requests. Error texts name
    /// providers and reasons, never secrets.
    pub async fn resolve(&self) -> Result<Option<Credentials>, String> {
        match self {
            CredentialsSource::Anonymous => Ok(None),
            CredentialsSource::Provider(p) => p.cache.get().await.map(Some),
        }
    }
}
