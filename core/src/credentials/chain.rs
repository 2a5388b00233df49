//! The SDKs' default credential provider chain, built from aws-config's providers, with each
//! link named so that the error says which providers were tried and why each was skipped.
//! Nothing is read or fetched until the first request: building a chain does no I/O.

use std::error::Error as _;
use std::time::Duration;

use aws_config::ecs::EcsCredentialsProvider;
use aws_config::environment::credentials::EnvironmentVariableCredentialsProvider;
use aws_config::imds;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_types::region::Region;

use super::cache::{BoxFuture, Fetch, Fetched};
use super::http_client::ReqwestHttpClient;
use crate::env_config::EnvSettings;

/// The platforms whose metering calls AWS accepts only from one credential source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// The instance profile role, from IMDS.
    Ec2,
    /// The task role, from the ECS container credentials endpoint.
    Ecs,
    /// IAM roles for service accounts: web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN).
    EksIrsa,
}

impl Platform {
    /// The platform as messages and `CredentialsSource::kind` name it: "EC2", "ECS" or
    /// "EKS_IRSA".
    pub fn name(self) -> &'static str {
        match self {
            Platform::Ec2 => "EC2",
            Platform::Ecs => "ECS",
            Platform::EksIrsa => "EKS_IRSA",
        }
    }

    fn source(self) -> Source {
        match self {
            Platform::Ec2 => Source::Imds,
            Platform::Ecs => Source::Container,
            Platform::EksIrsa => Source::WebIdentity,
        }
    }
}

/// One link of the chain; its name is what `CredentialsInfo::provider` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
    Environment,
    /// The shared config and credentials files: keys, assume-role (through STS) and
    /// `credential_process`.
    Profile,
    /// AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, exchanged with STS (EKS IRSA).
    WebIdentity,
    /// The ECS or EKS Pod Identity credentials endpoint
    /// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI).
    Container,
    /// The EC2 instance profile role, from IMDSv2.
    Imds,
}

impl Source {
    /// The link's name in `CredentialsInfo::provider` and in messages ("environment",
    /// "profile", "web-identity", "container", "imds").
    pub fn name(self) -> &'static str {
        match self {
            Source::Environment => "environment",
            Source::Profile => "profile",
            Source::WebIdentity => "web-identity",
            Source::Container => "container",
            Source::Imds => "imds",
        }
    }
}

/// The SDKs' order. (Not an associated const: cbindgen would declare `Source` in the C header.)
const DEFAULT_ORDER: [Source; 5] = [
    Source::Environment,
    Source::Profile,
    Source::WebIdentity,
    Source::Container,
    Source::Imds,
];

/// Settings of a chain: the profile, and the IMDS timeouts (short, as on EC2 an answer comes
/// in milliseconds and elsewhere none comes at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainOptions {
    /// The profile to read; None means AWS_PROFILE, else "default".
    pub profile: Option<String>,
    /// How long to wait for a connection to IMDS (default 1 s); AWS_METADATA_SERVICE_TIMEOUT
    /// wins when set. Off EC2 nothing answers, so this bounds the chain's last step.
    pub imds_connect_timeout: Duration,
    /// How long to wait for IMDS's answer once connected (default 1 s);
    /// AWS_METADATA_SERVICE_TIMEOUT wins when set.
    pub imds_read_timeout: Duration,
    /// Attempts per IMDS request, the first included (default 1);
    /// AWS_METADATA_SERVICE_NUM_ATTEMPTS wins when set.
    pub imds_attempts: u32,
}

impl Default for ChainOptions {
    fn default() -> Self {
        Self {
            profile: None,
            imds_connect_timeout: Duration::from_secs(1),
            imds_read_timeout: Duration::from_secs(1),
            imds_attempts: 1,
        }
    }
}

/// An ordered list of providers, built on first use.
pub struct Chain {
    sources: Vec<Source>,
    options: ChainOptions,
    strict: Option<Platform>,
    links: tokio::sync::OnceCell<Vec<(Source, SharedCredentialsProvider)>>,
}

impl Chain {
    pub fn default_chain(options: ChainOptions) -> Self {
        Self::new(DEFAULT_ORDER.to_vec(), options, None)
    }

    pub fn profile_only(options: ChainOptions) -> Self {
        Self::new(vec![Source::Profile], options, None)
    }

    pub fn for_platform(platform: Platform, options: ChainOptions) -> Self {
        Self::new(vec![platform.source()], options, Some(platform))
    }

    fn new(sources: Vec<Source>, options: ChainOptions, strict: Option<Platform>) -> Self {
        Self {
            sources,
            options,
            strict,
            links: tokio::sync::OnceCell::new(),
        }
    }

    async fn links(&self) -> &[(Source, SharedCredentialsProvider)] {
        self.links.get_or_init(|| async { self.build() }).await
    }

    /// Builds the providers. Reads the environment and config files (the region STS is called
    /// in, the IMDS settings) but makes no network call.
    fn build(&self) -> Vec<(Source, SharedCredentialsProvider)> {
        let settings = EnvSettings::load(self.options.profile.as_deref()).ok();
        let region = settings
            .as_ref()
            .and_then(|s| s.region.as_ref())
            .map(|r| Region::new(r.value.clone()));
        let mut pc = ProviderConfig::without_region()
            .with_http_client(ReqwestHttpClient::default())
            .with_region(region);
        if let Some(s) = &settings {
            pc = pc
                .with_use_fips(s.use_fips.as_ref().map(|v| v.value))
                .with_use_dual_stack(s.use_dual_stack.as_ref().map(|v| v.value));
        }
        let (imds_timeout, imds_attempts) = match &settings {
            Some(s) => (
                s.imds_timeout.as_ref().map(|v| v.value),
                s.imds_attempts.as_ref().map(|v| v.value),
            ),
            None => (None, None),
        };
        let profile = self.options.profile.clone().or_else(|| {
            settings
                .as_ref()
                .map(|s| s.profile.clone())
                .filter(|p| p != "default")
        });
        self.sources
            .iter()
            .map(|&source| {
                let p = match source {
                    Source::Environment => {
                        SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new())
                    }
                    Source::Profile => {
                        let mut b = ProfileFileCredentialsProvider::builder().configure(&pc);
                        if let Some(name) = &profile {
                            b = b.profile_name(name);
                        }
                        SharedCredentialsProvider::new(b.build())
                    }
                    Source::WebIdentity => SharedCredentialsProvider::new(
                        WebIdentityTokenCredentialsProvider::builder()
                            .configure(&pc)
                            .build(),
                    ),
                    Source::Container => SharedCredentialsProvider::new(
                        EcsCredentialsProvider::builder().configure(&pc).build(),
                    ),
                    Source::Imds => {
                        let client = imds::Client::builder()
                            .configure(&pc)
                            .connect_timeout(imds_timeout.unwrap_or(self.options.imds_connect_timeout))
                            .read_timeout(imds_timeout.unwrap_or(self.options.imds_read_timeout))
                            .max_attempts(imds_attempts.unwrap_or(self.options.imds_attempts))
                            .build();
                        SharedCredentialsProvider::new(
                            ImdsCredentialsProvider::builder()
                                .configure(&pc)
                                .imds_client(client)
                                .build(),
                        )
                    }
                };
                (source, p)
            })
            .collect()
    }

    async fn run(&self) -> Result<Fetched, String> {
        let mut skipped = Vec::new();
        for (source, provider) in self.links().await {
            match provider.provide_credentials().await {
                Ok(credentials) => {
                    return Ok(Fetched {
                        credentials,
                        provider: source.name().to_string(),
                    })
                }
                Err(e @ CredentialsError::CredentialsNotLoaded(_)) if self.strict.is_none() => {
                    skipped.push(format!("{}: {}", source.name(), reason(&e)));
                }
                Err(e) => {
                    return Err(self.failure(*source, &skipped, &e));
                }
            }
        }
        Err(format!(
            "no credentials found; providers tried in order: {}",
            skipped.join("; ")
        ))
    }

    fn failure(&self, source: Source, skipped: &[String], e: &CredentialsError) -> String {
        if let Some(p) = self.strict {
            return format!(
                "strict {} mode: metering calls on {} must be signed with credentials from \
                 the {} provider, which gave none ({}); no other source (environment keys, \
                 profiles, node or instance roles) is used in this mode",
                p.name(),
                p.name(),
                source.name(),
                reason(e)
            );
        }
        let mut msg = format!("the {} provider failed: {}", source.name(), reason(e));
        if !skipped.is_empty() {
            msg.push_str(&format!(" (skipped before it: {})", skipped.join("; ")));
        }
        msg
    }
}

/// The error's causes joined, without the generic top line of "not loaded" errors. The
/// providers' errors never carry secrets.
fn reason(e: &CredentialsError) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !matches!(e, CredentialsError::CredentialsNotLoaded(_)) {
        parts.push(e.to_string());
    }
    let mut src = e.source();
    while let Some(s) = src {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        src = s.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
    }
    parts.join(": ")
}

impl Fetch for Chain {
    fn fetch(&self) -> BoxFuture<'_, Result<Fetched, String>> {
        Box::pin(self.run())
    }
}
