//! Settings from the environment and the shared config files, read as the AWS SDKs read them:
//! region, endpoint, FIPS/dual-stack, app id, retries, CA bundle, IMDS settings. Each value
//! says where it came from. Reading does file I/O only, never a network call.

use std::borrow::Cow;
use std::time::Duration;

use aws_runtime::env_config::property::PropertiesKey;
use aws_types::os_shim_internal::{Env, Fs};

use super::quote::quote;
use super::redact;

/// The service id of Marketplace Metering in the SDKs' configuration
/// (AWS_ENDPOINT_URL_MARKETPLACE_METERING, `[services]` key `marketplace_metering`).
const SERVICE_ENV_SUFFIX: &str = "MARKETPLACE_METERING";
const SERVICE_PROFILE_KEYS: [&str; 2] = ["marketplace_metering", "marketplace-metering"];

/// A value and where it came from ("environment variable AWS_REGION", "profile \"dev\"").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    /// The value, parsed and checked.
    pub value: T,
    /// Where it was read, in words fit for a message (it names the variable or the profile
    /// key, never shows another value).
    pub source: String,
}

/// How failed attempts are retried. Only "standard" is implemented: "legacy" and "adaptive"
/// (the SDKs' client-side rate limiting) are parsed so that they can be refused by name,
/// never run as standard behind the caller's back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryMode {
    /// The SDKs' standard mode (`retry::RetryConfig`): the only one `EnvSettings::load` accepts.
    Standard,
    /// The SDKs' legacy mode: refused.
    Legacy,
    /// Standard plus client-side rate limiting: refused rather than run as standard.
    Adaptive,
}

/// Why a retry mode other than standard is refused (`value` as given, `source` where from).
pub fn unsupported_retry_mode(value: &str, source: &str) -> String {
    format!(
        "retry mode {} (from {source}) is not supported: this library implements the SDKs' \
         \"standard\" mode only (adaptive's client-side rate limiting and the legacy mode \
         are not implemented); set it to standard or remove it",
        quote(value.trim())
    )
}

impl RetryMode {
    /// Reads a mode name as AWS_RETRY_MODE spells it, case and surrounding blanks ignored;
    /// None for any other word.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "standard" => Some(Self::Standard),
            "legacy" => Some(Self::Legacy),
            "adaptive" => Some(Self::Adaptive),
            _ => None,
        }
    }
}

/// What the environment and the selected profile say, each value with its source; `None`
/// where nothing sets it. Variables win over the profile, as in the SDKs. A value that is set
/// but malformed makes `load` fail with a message naming where it came from.
///
/// ```
/// use mpmeter_core::env_config::EnvSettings;
///
/// // Reads AWS_REGION, AWS_PROFILE, ~/.aws/config ...; never the network.
/// match EnvSettings::load(None) {
///     Ok(s) => println!("{}", s.describe()),
///     Err(e) => eprintln!("bad configuration: {e}"),
/// }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvSettings {
    /// The selected profile: the override, else AWS_PROFILE, else "default".
    pub profile: String,
    /// AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` (or IMDS's, once
    /// `set_region_from_imds` gave one).
    pub region: Option<Sourced<String>>,
    /// AWS_ENDPOINT_URL_MARKETPLACE_METERING, else AWS_ENDPOINT_URL, else the profile's
    /// `[services]` section for marketplace_metering, else its `endpoint_url`.
    /// None when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's
    /// ignore_configured_endpoint_urls) is true.
    pub endpoint: Option<Sourced<String>>,
    /// AWS_USE_FIPS_ENDPOINT or `use_fips_endpoint` (`true`/`false`, any case).
    pub use_fips: Option<Sourced<bool>>,
    /// AWS_USE_DUALSTACK_ENDPOINT or `use_dualstack_endpoint` (`true`/`false`, any case).
    pub use_dual_stack: Option<Sourced<bool>>,
    /// AWS_SDK_UA_APP_ID or `sdk_ua_app_id`, for the user agent (checked when a client takes
    /// it: `ClientConfig::set_app_id`).
    pub app_id: Option<Sourced<String>>,
    /// AWS_MAX_ATTEMPTS or `max_attempts`: 1 or more here, at most `MAX_ATTEMPTS_LIMIT` once
    /// a client takes it.
    pub max_attempts: Option<Sourced<u32>>,
    /// AWS_RETRY_MODE or `retry_mode`: only ever `Standard` (any other mode fails `load`).
    pub retry_mode: Option<Sourced<RetryMode>>,
    /// AWS_CA_BUNDLE or `ca_bundle`: the path of a PEM file trusted besides the built-in roots.
    pub ca_bundle: Option<Sourced<String>>,
    /// AWS_METADATA_SERVICE_TIMEOUT or `metadata_service_timeout`: whole seconds, 1 or more;
    /// both the connect and the read timeout of each IMDS request.
    pub imds_timeout: Option<Sourced<Duration>>,
    /// AWS_METADATA_SERVICE_NUM_ATTEMPTS or `metadata_service_num_attempts`: 1 or more.
    pub imds_attempts: Option<Sourced<u32>>,
    /// Things worth telling the user (a retry mode run as standard, an ignored endpoint).
    pub notes: Vec<String>,
}

struct Reader<'a> {
    env: &'a Env,
    profiles: Option<&'a aws_config::profile::ProfileSet>,
    profile: &'a str,
}

impl Reader<'_> {
    fn env(&self, key: &str) -> Option<Sourced<String>> {
        self.env
            .get(key)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|value| Sourced {
                value,
                source: format!("environment variable {key}"),
            })
    }

    fn profile(&self, key: &str) -> Option<Sourced<String>> {
        let value = self.profiles?.get(key)?;
        Some(Sourced {
            value: value.to_string(),
            source: format!("profile \"{}\" key {key}", self.profile),
        })
    }

    /// Environment first, then the profile: the SDKs' precedence.
    fn get(&self, env_key: &str, profile_key: &str) -> Option<Sourced<String>> {
        self.env(env_key).or_else(|| self.profile(profile_key))
    }

    /// `[services NAME]` section named by the profile's `services` key, sub-key of the service.
    fn service_profile(&self, key: &str) -> Option<Sourced<String>> {
        let profiles = self.profiles?;
        let section = profiles.get("services")?;
        SERVICE_PROFILE_KEYS.iter().find_map(|service| {
            let k = PropertiesKey::builder()
                .section_key("services")
                .section_name(section)
                .property_name(*service)
                .sub_property_name(key)
                .build()
                .ok()?;
            let v = profiles.other_sections().get(&k)?;
            Some(Sourced {
                value: v.to_string(),
                source: format!(
                    "[services {section}] {service}.{key} (profile \"{}\")",
                    self.profile
                ),
            })
        })
    }
}

fn parse_bool(v: Sourced<String>) -> Result<Sourced<bool>, String> {
    let value = match v.value.trim().to_ascii_lowercase().as_str() {
        "true" => true,
        "false" => false,
        _ => {
            return Err(format!(
                "{} must be true or false (got {})",
                v.source,
                quote(&v.value)
            ))
        }
    };
    Ok(Sourced {
        value,
        source: v.source,
    })
}

fn parse_positive(v: Sourced<String>) -> Result<Sourced<u32>, String> {
    match v.value.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(Sourced {
            value: n,
            source: v.source,
        }),
        _ => Err(format!(
            "{} must be a whole number of 1 or more (got {})",
            v.source,
            quote(&v.value)
        )),
    }
}

fn transpose<T, U>(
    v: Option<Sourced<T>>,
    f: impl FnOnce(Sourced<T>) -> Result<U, String>,
) -> Result<Option<U>, String> {
    v.map(f).transpose()
}

/// Polls a future that never waits (the SDK's file reads are synchronous underneath), so
/// settings can be read from any thread, inside a runtime or not.
fn run_ready<F: std::future::Future>(fut: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let waker = Waker::noop();
    let mut cx = Context::from_waker(waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::yield_now();
    }
}

impl EnvSettings {
    /// Reads the process environment and the shared config files (AWS_CONFIG_FILE,
    /// AWS_SHARED_CREDENTIALS_FILE or ~/.aws). `profile` overrides AWS_PROFILE.
    pub fn load(profile: Option<&str>) -> Result<Self, String> {
        Self::load_from(&Env::real(), &Fs::real(), profile)
    }

    /// As `load`, from a given environment and file system (tests use fakes).
    pub fn load_from(env: &Env, fs: &Fs, profile: Option<&str>) -> Result<Self, String> {
        let override_name = profile.map(|p| Cow::Owned(p.to_string()));
        #[allow(deprecated)]
        let files = aws_config::profile::profile_file::ProfileFiles::default();
        let loaded = run_ready(aws_config::profile::load(fs, env, &files, override_name));
        let profiles = match loaded {
            Ok(p) => Some(p),
            // No files at all is normal; a file that does not parse is the user's to fix.
            Err(e @ aws_config::profile::ProfileFileLoadError::ParseError { .. }) => {
                let cause = std::error::Error::source(&e).map(|c| c.to_string());
                return Err(format!(
                    "the shared config files cannot be read: {e}: {}",
                    cause.unwrap_or_default()
                ));
            }
            Err(_) => None,
        };
        let selected = profiles
            .as_ref()
            .map(|p| p.selected_profile().to_string())
            .or_else(|| profile.map(str::to_string))
            .or_else(|| env.get("AWS_PROFILE").ok())
            .unwrap_or_else(|| "default".to_string());
        if let (Some(p), Some(name)) = (&profiles, profile) {
            if p.get_profile(name).is_none() {
                return Err(format!(
                    "profile {} is not defined in the shared config files",
                    quote(name)
                ));
            }
        }
        let r = Reader {
            env,
            profiles: profiles
                .as_ref()
                .filter(|p| p.get_profile(&selected).is_some()),
            profile: &selected,
        };
        let mut s = EnvSettings {
            profile: selected.clone(),
            region: r
                .env("AWS_REGION")
                .or_else(|| r.env("AWS_DEFAULT_REGION"))
                .or_else(|| r.profile("region")),
            use_fips: transpose(
                r.get("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"),
                parse_bool,
            )?,
            use_dual_stack: transpose(
                r.get("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"),
                parse_bool,
            )?,
            app_id: r.get("AWS_SDK_UA_APP_ID", "sdk_ua_app_id"),
            max_attempts: transpose(r.get("AWS_MAX_ATTEMPTS", "max_attempts"), parse_positive)?,
            ca_bundle: r.get("AWS_CA_BUNDLE", "ca_bundle"),
            imds_attempts: transpose(
                r.get(
                    "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                    "metadata_service_num_attempts",
                ),
                parse_positive,
            )?,
            ..Default::default()
        };
        if let Some(v) = r.get("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout") {
            let secs = parse_positive(v)?;
            s.imds_timeout = Some(Sourced {
                value: Duration::from_secs(u64::from(secs.value)),
                source: secs.source,
            });
        }
        if let Some(v) = r.get("AWS_RETRY_MODE", "retry_mode") {
            let mode = RetryMode::parse(&v.value).ok_or_else(|| {
                format!(
                    "{} must be standard, legacy or adaptive (got {})",
                    v.source,
                    quote(&v.value)
                )
            })?;
            if mode != RetryMode::Standard {
                return Err(unsupported_retry_mode(&v.value, &v.source));
            }
            s.retry_mode = Some(Sourced {
                value: mode,
                source: v.source,
            });
        }
        let ignore = transpose(
            r.get(
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                "ignore_configured_endpoint_urls",
            ),
            parse_bool,
        )?;
        let endpoint = r
            .env(&format!("AWS_ENDPOINT_URL_{SERVICE_ENV_SUFFIX}"))
            .or_else(|| r.env("AWS_ENDPOINT_URL"))
            .or_else(|| r.service_profile("endpoint_url"))
            .or_else(|| r.profile("endpoint_url"));
        match (ignore, endpoint) {
            (Some(i), Some(e)) if i.value => s.notes.push(format!(
                "the endpoint from {} is ignored ({} is true)",
                e.source, i.source
            )),
            (_, e) => s.endpoint = e,
        }
        Ok(s)
    }

    /// Whether a region was found (the environment or a profile): a region from the EC2
    /// instance metadata service is used only when none was, as the SDKs order them.
    pub fn has_region(&self) -> bool {
        self.region.is_some()
    }

    /// Takes the region IMDS gave unless the environment or a profile named one.
    pub fn set_region_from_imds(&mut self, region: String) {
        if !self.has_region() {
            self.region = Some(Sourced {
                value: region,
                source: "the EC2 instance metadata service (IMDS)".into(),
            });
        }
    }

    /// One line per value and its source, for logs and `mpm_config_describe`.
    pub fn describe(&self) -> String {
        let mut lines = vec![format!("profile: {}", self.profile)];
        let mut add = |name: &str, v: Option<(String, &str)>| {
            if let Some((value, source)) = v {
                lines.push(format!("{name}: {value} (from {source})"));
            }
        };
        add(
            "region",
            self.region
                .as_ref()
                .map(|v| (v.value.clone(), v.source.as_str())),
        );
        add(
            "endpoint",
            self.endpoint
                .as_ref()
                .map(|v| (v.value.clone(), v.source.as_str())),
        );
        add(
            "use_fips",
            self.use_fips
                .as_ref()
                .map(|v| (v.value.to_string(), v.source.as_str())),
        );
        add(
            "use_dual_stack",
            self.use_dual_stack
                .as_ref()
                .map(|v| (v.value.to_string(), v.source.as_str())),
        );
        add(
            "app_id",
            self.app_id
                .as_ref()
                .map(|v| (v.value.clone(), v.source.as_str())),
        );
        add(
            "max_attempts",
            self.max_attempts
                .as_ref()
                .map(|v| (v.value.to_string(), v.source.as_str())),
        );
        add(
            "ca_bundle",
            self.ca_bundle
                .as_ref()
                .map(|v| (v.value.clone(), v.source.as_str())),
        );
        for n in &self.notes {
            lines.push(format!("note: {n}"));
        }
        // Values are shown as set, but never a URL's user info or a labelled secret.
        redact::message(&lines.join("\n"), &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(env: &[(&str, &str)], config: &str) -> Result<EnvSettings, String> {
        let env = Env::from_slice(env);
        let fs = Fs::from_slice(&[("/cfg", config)]);
        EnvSettings::load_from(&env, &fs, None)
    }

    const BASE: &[(&str, &str)] = &[
        ("AWS_CONFIG_FILE", "/cfg"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/none"),
    ];

    #[test]
    fn environment_wins_over_the_profile() {
        let mut env = BASE.to_vec();
        env.push(("AWS_REGION", "eu-west-1"));
        let s = load(&env, "[default]\nregion = us-west-2\n").unwrap();
        let r = s.region.unwrap();
        assert_eq!(r.value, "eu-west-1");
        assert_eq!(r.source, "environment variable AWS_REGION");
        let s = load(BASE, "[default]\nregion = us-west-2\n").unwrap();
        assert_eq!(s.region.unwrap().source, "profile \"default\" key region");
    }

    #[test]
    fn region_falls_back_to_aws_default_region() {
        let mut env = BASE.to_vec();
        env.push(("AWS_DEFAULT_REGION", "ap-south-1"));
        assert_eq!(load(&env, "").unwrap().region.unwrap().value, "ap-south-1");
    }

    #[test]
    fn endpoint_precedence_and_ignore() {
        let cfg = "[default]\nendpoint_url = http://global-profile\nservices = s\n\
                   [services s]\nmarketplace_metering =\n  endpoint_url = http://service-profile\n";
        assert_eq!(
            load(BASE, cfg).unwrap().endpoint.unwrap().value,
            "http://service-profile"
        );
        let mut env = BASE.to_vec();
        env.push(("AWS_ENDPOINT_URL", "http://global-env"));
        assert_eq!(
            load(&env, cfg).unwrap().endpoint.unwrap().value,
            "http://global-env"
        );
        env.push((
            "AWS_ENDPOINT_URL_MARKETPLACE_METERING",
            "http://service-env",
        ));
        let e = load(&env, cfg).unwrap().endpoint.unwrap();
        assert_eq!(e.value, "http://service-env");
        assert_eq!(
            e.source,
            "environment variable AWS_ENDPOINT_URL_MARKETPLACE_METERING"
        );
        env.push(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));
        let s = load(&env, cfg).unwrap();
        assert!(s.endpoint.is_none());
        assert!(s.notes[0].contains("ignored"), "{:?}", s.notes);
    }

    #[test]
    fn flags_retries_and_errors() {
        let cfg = "[default]\nuse_fips_endpoint = true\nmax_attempts = 5\nretry_mode = standard\n";
        let s = load(BASE, cfg).unwrap();
        assert!(s.use_fips.unwrap().value);
        assert_eq!(s.max_attempts.unwrap().value, 5);
        assert_eq!(s.retry_mode.unwrap().value, RetryMode::Standard);
        // Adaptive and legacy are refused, by name and source, never run as standard.
        for mode in ["adaptive", "legacy"] {
            let cfg = format!("[default]\nretry_mode = {mode}\n");
            let e = load(BASE, &cfg).unwrap_err();
            assert!(e.contains(mode) && e.contains("not supported"), "{e}");
            let mut env = BASE.to_vec();
            env.push(("AWS_RETRY_MODE", mode));
            let e = load(&env, "").unwrap_err();
            assert!(
                e.contains("AWS_RETRY_MODE") && e.contains("standard"),
                "{e}"
            );
        }
        let mut env = BASE.to_vec();
        env.push(("AWS_USE_DUALSTACK_ENDPOINT", "yes"));
        assert!(load(&env, "")
            .unwrap_err()
            .contains("AWS_USE_DUALSTACK_ENDPOINT"));
        let mut env = BASE.to_vec();
        env.push(("AWS_MAX_ATTEMPTS", "0"));
        assert!(load(&env, "").unwrap_err().contains("AWS_MAX_ATTEMPTS"));
    }

    #[test]
    fn selected_profile_and_missing_profile() {
        let cfg = "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-central-1\n";
        let mut env = BASE.to_vec();
        env.push(("AWS_PROFILE", "dev"));
        let s = load(&env, cfg).unwrap();
        assert_eq!(s.profile, "dev");
        assert_eq!(s.region.unwrap().value, "eu-central-1");
        let env = Env::from_slice(BASE);
        let fs = Fs::from_slice(&[("/cfg", cfg)]);
        let err = EnvSettings::load_from(&env, &fs, Some("nope")).unwrap_err();
        assert!(err.contains("\"nope\""), "{err}");
    }

    #[test]
    fn messages_quote_a_short_prefix_of_the_value() {
        let huge = "y".repeat(1_000_000);
        for key in [
            "AWS_USE_FIPS_ENDPOINT",
            "AWS_MAX_ATTEMPTS",
            "AWS_RETRY_MODE",
        ] {
            let mut env = BASE.to_vec();
            env.push((key, &huge));
            let err = load(&env, "").unwrap_err();
            assert!(
                err.contains(key) && err.contains("(1000000 bytes)"),
                "{err:.300}"
            );
            assert!(err.len() < 200, "{key}: {} bytes", err.len());
        }
        let env = Env::from_slice(BASE);
        let fs = Fs::from_slice(&[("/cfg", "[default]\n")]);
        let err = EnvSettings::load_from(&env, &fs, Some(&huge)).unwrap_err();
        assert!(err.len() < 200, "profile: {} bytes", err.len());
    }
}
