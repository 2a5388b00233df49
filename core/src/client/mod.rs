//! The async client: one per endpoint and identity, safe to share between threads and calls.

mod attempt;
mod config;
mod output;
mod placement;
mod prepare;
mod reconcile;
mod send;
mod target;

pub use crate::http_policy::{redirect_refused, user_agent};
pub use config::{
    parse_pem_bundle, ClientConfig, Proxy, Timeouts, MAX_APP_ID_CHARS, MAX_ATTEMPTS_LIMIT,
};
pub use output::{parse_output, OperationOutput};
pub use placement::{Placement, DEFAULT_ENDPOINT_REGION};
pub use prepare::{
    prepare_batch_meter_usage, prepare_meter_usage, prepare_register_usage,
    prepare_resolve_customer, PreparedCall,
};
pub use reconcile::check_output;
pub use target::Target;

use std::sync::atomic::AtomicI64;
use std::sync::{Arc, RwLock};

use crate::credentials::CredentialsSource;
use crate::error::{Error, Outcome};
use crate::model::{
    BatchMeterUsageInput, BatchMeterUsageOutput, MeterUsageInput, MeterUsageOutput,
    RegisterUsageInput, RegisterUsageOutput, ResolveCustomerInput, ResolveCustomerOutput,
};
use crate::retry::RetryQuota;

/// A Marketplace Metering client. Cloning is cheap and shares the connection pool, the retry
/// quota, the learned clock skew and the metrics. Its operations are `async` and need a tokio
/// runtime with the time driver (the client owns none); each returns an [`Outcome`] whether
/// it succeeded or not.
///
/// Building one: a region (the endpoint follows from it), or an explicit endpoint URL (a
/// local emulator, a VPC endpoint), the credentials, and the settings.
///
/// ```
/// use std::time::Duration;
/// use mpmeter_core::client::{Client, ClientConfig, Proxy};
/// use mpmeter_core::credentials::{ChainOptions, CredentialsSource};
///
/// // Nothing here touches the network: credentials and connections wait for the first call.
/// let mut config = ClientConfig::default();
/// config.set_operation_timeout(Duration::from_secs(30))?; // retries included
/// config.set_max_attempts(5)?;
/// config.set_app_id(Some("billing-agent/2.1"))?;
/// config.set_proxy(Proxy::None)?;
///
/// // The region's own endpoint (https://metering.marketplace.eu-west-1.amazonaws.com).
/// let aws = Client::new(
///     "eu-west-1",
///     None,
///     CredentialsSource::default_chain(ChainOptions::default()),
///     config.clone(),
/// )?;
/// assert_eq!(aws.target().endpoint, "https://metering.marketplace.eu-west-1.amazonaws.com");
///
/// // An explicit endpoint; the region is then only what requests are signed for.
/// let local = Client::new(
///     "us-east-1",
///     Some("http://127.0.0.1:8080"),
///     CredentialsSource::try_basic("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", None)?,
///     config,
/// )?;
/// assert_eq!(local.target().region, "us-east-1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Built from the environment as an AWS SDK would be (AWS_REGION, AWS_ENDPOINT_URL...,
/// AWS_MAX_ATTEMPTS, the profile), with the caller's values first:
///
/// ```no_run
/// use mpmeter_core::client::{Client, ClientConfig, Placement};
/// use mpmeter_core::credentials::{ChainOptions, CredentialsSource};
/// use mpmeter_core::env_config::EnvSettings;
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let env = EnvSettings::load(None)?;
/// let place = Placement::choose(None, None, Some(&env))?;
/// let mut config = ClientConfig::default();
/// config.apply_env(&env)?;
/// let credentials = CredentialsSource::default_chain(ChainOptions {
///     profile: Some(env.profile.clone()),
///     ..Default::default()
/// });
/// let client = Client::new(&place.region, place.endpoint.as_deref(), credentials, config)?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    config: ClientConfig,
    target: RwLock<Arc<Target>>,
    quota: RetryQuota,
    /// Server time minus local time in seconds, learned from answers (clock-skew correction).
    skew_seconds: AtomicI64,
    /// Attempts on the wire at once; the rest wait their turn.
    connections: tokio::sync::Semaphore,
    metrics: crate::metrics::ClientMetrics,
    /// Some(bound) while the region is still to come from IMDS at the first call.
    region_from_imds: tokio::sync::Mutex<Option<std::time::Duration>>,
    region_pending: std::sync::atomic::AtomicBool,
}

impl Client {
    /// A client for a region (or an explicit endpoint URL, which overrides the region's).
    /// Makes no network call.
    pub fn new(
        region: &str,
        endpoint: Option<&str>,
        credentials: CredentialsSource,
        config: ClientConfig,
    ) -> Result<Self, Error> {
        let target = Target::new(
            region,
            endpoint,
            credentials,
            config.use_fips,
            config.use_dual_stack,
        )
        .map_err(Error::Endpoint)?;
        let mut http = config.http_builder().map_err(Error::Transport)?;
        if target.url.scheme() == "http" {
            // No HTTP/2 over plain http (it would need prior knowledge): one protocol less.
            http = http.http1_only();
        }
        let http = http
            .pool_idle_timeout(std::time::Duration::from_secs(50))
            .build()
            .map_err(|e| Error::Transport(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                target: RwLock::new(Arc::new(target)),
                quota: RetryQuota::default(),
                skew_seconds: AtomicI64::new(0),
                connections: tokio::sync::Semaphore::new(config.max_connections.max(1)),
                metrics: Default::default(),
                region_from_imds: tokio::sync::Mutex::new(None),
                region_pending: std::sync::atomic::AtomicBool::new(false),
                config,
            }),
        })
    }

    /// The client's counters and latency so far (shared by its clones).
    pub fn metrics(&self) -> crate::metrics::MetricsSnapshot {
        self.inner.metrics.snapshot()
    }

    /// The settings the client was built with (they cannot change on a live client).
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The region, endpoint and credentials calls started now would use.
    pub fn target(&self) -> Arc<Target> {
        self.inner
            .target
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn update_target(&self, f: impl FnOnce(&Target) -> Result<Target, Error>) -> Result<(), Error> {
        let mut guard = self.inner.target.write().unwrap_or_else(|p| p.into_inner());
        let next = f(&guard)?;
        *guard = Arc::new(next);
        Ok(())
    }

    /// Changes the region; the endpoint follows unless one was set explicitly.
    pub fn set_region(&self, region: &str) -> Result<(), Error> {
        let cfg = &self.inner.config;
        self.update_target(|t| {
            Target::new(
                region,
                t.explicit_endpoint.as_deref(),
                t.credentials.clone(),
                cfg.use_fips,
                cfg.use_dual_stack,
            )
            .map_err(Error::Endpoint)
        })?;
        // A region set explicitly wins over one still to come from IMDS.
        self.inner
            .region_pending
            .store(false, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// A client for when nothing names a region: its region comes from the EC2 instance
    /// metadata service (IMDSv2) at its first call, each lookup bounded by `imds_timeout`
    /// (the SDKs' last step of the region chain). Making it makes no network call; until
    /// then it reports the placeholder region `DEFAULT_ENDPOINT_REGION`. A failed lookup fails
    /// that call (Error::Endpoint) and the next call asks again; `set_region` cancels it.
    pub fn new_with_region_from_imds(
        credentials: CredentialsSource,
        config: ClientConfig,
        imds_timeout: std::time::Duration,
    ) -> Result<Self, Error> {
        let client = Self::new(DEFAULT_ENDPOINT_REGION, None, credentials, config)?;
        *client
            .inner
            .region_from_imds
            .try_lock()
            .expect("a new client's lock is free") = Some(imds_timeout);
        client
            .inner
            .region_pending
            .store(true, std::sync::atomic::Ordering::Release);
        Ok(client)
    }

    /// Whether the region is still to come from IMDS (see `new_with_region_from_imds`).
    pub fn region_pending(&self) -> bool {
        self.inner
            .region_pending
            .load(std::sync::atomic::Ordering::Acquire)
    }

    /// Asks IMDS for the region once (concurrent first calls wait for the same lookup).
    pub(crate) async fn resolve_pending_region(&self) -> Result<(), Error> {
        let mut pending = self.inner.region_from_imds.lock().await;
        let Some(timeout) = *pending else {
            return Ok(());
        };
        if !self.region_pending() {
            *pending = None;
            return Ok(());
        }
        match crate::imds_region::region_from_imds(timeout).await {
            Ok(region) => {
                self.set_region(&region)?;
                *pending = None;
                tracing::info!(region = %region, "region from the EC2 instance metadata service");
                Ok(())
            }
            Err(m) => {
                tracing::warn!(error = %m, "no region: IMDS gave none");
                Err(Error::Endpoint(format!(
                    "no region: none is configured (AWS_REGION, AWS_DEFAULT_REGION, the \
                     profile's region) and the EC2 instance metadata service gave none: {m}"
                )))
            }
        }
    }

    /// Sets an explicit endpoint URL, overriding the region's.
    pub fn set_endpoint(&self, endpoint: &str) -> Result<(), Error> {
        let cfg = &self.inner.config;
        self.update_target(|t| {
            Target::new(
                &t.region,
                Some(endpoint),
                t.credentials.clone(),
                cfg.use_fips,
                cfg.use_dual_stack,
            )
            .map_err(Error::Endpoint)
        })
    }

    /// Replaces the credentials; calls already started keep the ones they began with.
    pub fn set_credentials(&self, credentials: CredentialsSource) {
        let _ = self.update_target(|t| {
            Ok(Target {
                credentials,
                ..t.clone()
            })
        });
    }

    /// MeterUsage: one hour of one dimension. The request is checked first (an invalid one
    /// fails with `Error::InvalidRequest` and sends nothing) and given a ClientToken when it
    /// has none, which every retry repeats, so a retried call meters once.
    ///
    /// ```no_run
    /// use mpmeter_core::error::Error;
    /// use mpmeter_core::model::MeterUsageInput;
    /// use mpmeter_core::service_error::ServiceErrorKind;
    /// # async fn run(client: &mpmeter_core::client::Client) {
    /// let outcome = client
    ///     .meter_usage(&MeterUsageInput {
    ///         product_code: Some("demo-product".into()),
    ///         timestamp: Some(1_767_225_600),
    ///         usage_dimension: Some("users".into()),
    ///         usage_quantity: Some(3),
    ///         ..Default::default()
    ///     })
    ///     .await;
    /// // The request id names the call to AWS support, success or not (None: no answer).
    /// let request_id = outcome.meta.request_id.as_deref().unwrap_or("none");
    /// match outcome.result {
    ///     Ok(out) => println!("metered: record {:?} (request {request_id})", out.metering_record_id),
    ///     Err(Error::Service(e)) if e.kind == ServiceErrorKind::TimestampOutOfBounds => {
    ///         eprintln!("too late to meter that hour: {:?}", e.message)
    ///     }
    ///     // `code` is the exception's name as the service sent it, known to the model or not.
    ///     Err(Error::Service(e)) => eprintln!(
    ///         "{} (HTTP {}, request {request_id}): {:?}",
    ///         e.code, outcome.meta.http_status, e.message
    ///     ),
    ///     Err(e) => eprintln!("no answer after {} attempts: {e}", outcome.meta.attempts),
    /// }
    /// # }
    /// ```
    pub async fn meter_usage(&self, input: &MeterUsageInput) -> Outcome<MeterUsageOutput> {
        self.call(prepare_meter_usage(input), |o| match o {
            OperationOutput::MeterUsage(v) => Some(v),
            _ => None,
        })
        .await
    }

    /// BatchMeterUsage: up to 25 records. A success means the service answered, not that
    /// every record was metered: read each result's status, and send `unprocessed_records`
    /// again later (records the answer left out are among them, counted by
    /// `missing_from_answer`).
    ///
    /// ```no_run
    /// use mpmeter_core::model::{BatchMeterUsageInput, UsageRecord, UsageRecordResultStatus};
    /// # async fn run(client: &mpmeter_core::client::Client) -> Result<(), mpmeter_core::error::Error> {
    /// let input = BatchMeterUsageInput {
    ///     usage_records: vec![UsageRecord {
    ///         timestamp: Some(1_767_225_600),
    ///         customer_aws_account_id: Some("111122223333".into()),
    ///         license_arn: Some("arn:aws:license-manager::111122223333:license:l-0123".into()),
    ///         dimension: Some("api_calls".into()),
    ///         quantity: Some(120),
    ///         ..Default::default()
    ///     }],
    ///     product_code: None,
    /// };
    /// let out = client.batch_meter_usage(&input).await.result?;
    /// for r in &out.results {
    ///     match &r.status {
    ///         Some(UsageRecordResultStatus::Success) => {}
    ///         other => eprintln!("not metered: {other:?} for {:?}", r.usage_record),
    ///     }
    /// }
    /// if !out.unprocessed_records.is_empty() {
    ///     let retry = BatchMeterUsageInput { usage_records: out.unprocessed_records, ..input };
    ///     client.batch_meter_usage(&retry).await.result?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn batch_meter_usage(
        &self,
        input: &BatchMeterUsageInput,
    ) -> Outcome<BatchMeterUsageOutput> {
        self.call(prepare_batch_meter_usage(input), |o| match o {
            OperationOutput::BatchMeterUsage(v) => Some(v),
            _ => None,
        })
        .await
    }

    /// ResolveCustomer: the registration token a buyer brought to the product's page, to the
    /// buyer's account, license and product. An expired or forged token fails with
    /// `ServiceErrorKind::ExpiredToken` or `InvalidToken`.
    ///
    /// ```no_run
    /// use mpmeter_core::model::ResolveCustomerInput;
    /// # async fn run(client: &mpmeter_core::client::Client, token_from_the_form: String) -> Result<(), mpmeter_core::error::Error> {
    /// let who = client
    ///     .resolve_customer(&ResolveCustomerInput { registration_token: Some(token_from_the_form) })
    ///     .await
    ///     .result?;
    /// println!(
    ///     "account {:?}, license {:?}, product {:?}",
    ///     who.customer_aws_account_id, who.license_arn, who.product_code
    /// );
    /// # Ok(())
    /// # }
    /// ```
    pub async fn resolve_customer(
        &self,
        input: &ResolveCustomerInput,
    ) -> Outcome<ResolveCustomerOutput> {
        self.call(prepare_resolve_customer(input), |o| match o {
            OperationOutput::ResolveCustomer(v) => Some(v),
            _ => None,
        })
        .await
    }

    /// RegisterUsage: a paid container product's entitlement check at start-up; the answer's
    /// signature is a JWT the product verifies with AWS Marketplace's public key.
    ///
    /// ```no_run
    /// use mpmeter_core::error::Error;
    /// use mpmeter_core::model::RegisterUsageInput;
    /// use mpmeter_core::service_error::ServiceErrorKind;
    /// # async fn run(client: &mpmeter_core::client::Client) {
    /// let outcome = client
    ///     .register_usage(&RegisterUsageInput {
    ///         product_code: Some("demo-product".into()),
    ///         public_key_version: Some(1),
    ///         nonce: None,
    ///     })
    ///     .await;
    /// match outcome.result {
    ///     Ok(out) => println!("entitled; token {} bytes", out.signature.map_or(0, |s| s.len())),
    ///     Err(Error::Service(e)) if e.kind == ServiceErrorKind::CustomerNotEntitled => {
    ///         eprintln!("not entitled: stop the product")
    ///     }
    ///     Err(e) => eprintln!("cannot check the entitlement: {e}"),
    /// }
    /// # }
    /// ```
    pub async fn register_usage(&self, input: &RegisterUsageInput) -> Outcome<RegisterUsageOutput> {
        self.call(prepare_register_usage(input), |o| match o {
            OperationOutput::RegisterUsage(v) => Some(v),
            _ => None,
        })
        .await
    }

    async fn call<T>(
        &self,
        prepared: Result<PreparedCall, crate::validate::ValidationError>,
        pick: impl FnOnce(OperationOutput) -> Option<T>,
    ) -> Outcome<T> {
        let prepared = match prepared {
            Ok(p) => p,
            Err(v) => {
                let error = Error::InvalidRequest(v);
                self.inner.metrics.start().finish(Some(&error));
                tracing::warn!(error = %error, "call refused before sending");
                return Outcome {
                    result: Err(error),
                    meta: Default::default(),
                };
            }
        };
        let out = self.send(&prepared).await;
        Outcome {
            result: out
                .result
                .map(|o| pick(o).expect("the output matches the operation sent")),
            meta: out.meta,
        }
    }
}
