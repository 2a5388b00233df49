//! Where a client sends its calls and as whom: region, endpoint and credentials. The QtAws API
//! lets all three change on a live client, so calls take a snapshot when they start.

use crate::credentials::CredentialsSource;
use crate::endpoint_rules::{check_endpoint, check_region, resolve_endpoint, EndpointParams};
use crate::quote::quote;
use crate::redact;
use crate::signing::Signer;

/// A snapshot of where calls go and as whom; `Client::target` gives the current one. Debug
/// output shows no secret (the credentials print their kind only).
#[derive(Debug, Clone)]
pub struct Target {
    /// The region requests are signed for.
    pub region: String,
    /// The URL calls go to: the explicit endpoint when one was set, else the resolved one.
    pub endpoint: String,
    /// `endpoint` parsed once, since every attempt needs it.
    pub url: reqwest::Url,
    /// The endpoint the caller set, which overrides the region's.
    pub explicit_endpoint: Option<String>,
    /// Who calls are signed as.
    pub credentials: CredentialsSource,
    /// How requests to `url` are signed, with the cached signing key.
    pub signer: Signer,
}

impl Target {
    /// Resolves the endpoint for `region` (or checks `explicit_endpoint`) with the endpoint
    /// rules; an error (no secret in it) for an unknown region form, a FIPS or dual-stack
    /// endpoint the partition lacks, or a malformed URL.
    pub fn new(
        region: &str,
        explicit_endpoint: Option<&str>,
        credentials: CredentialsSource,
        use_fips: bool,
        use_dual_stack: bool,
    ) -> Result<Self, String> {
        // Endpoint errors leave the core here: whatever made them, no secret goes with them.
        let endpoint = resolve(region, explicit_endpoint, use_fips, use_dual_stack)
            .map_err(|m| redact::message(&m, &[]))?;
        let url = reqwest::Url::parse(&endpoint).map_err(|e| {
            let m = format!("endpoint {} is not a valid URL: {e}", quote(&endpoint));
            redact::message(&m, &[])
        })?;
        Ok(Self {
            region: region.to_string(),
            endpoint,
            signer: Signer::new(&url),
            url,
            explicit_endpoint: explicit_endpoint.map(str::to_string),
            credentials,
        })
    }
}

/// The URL for a region, or the explicit endpoint once checked. An explicit endpoint keeps the
/// region only as the signing region.
pub fn resolve(
    region: &str,
    explicit_endpoint: Option<&str>,
    use_fips: bool,
    use_dual_stack: bool,
) -> Result<String, String> {
    // Absurd inputs are refused before they are copied or parsed.
    check_region(region).map_err(|e| e.to_string())?;
    if let Some(url) = explicit_endpoint {
        check_endpoint(url).map_err(|e| e.to_string())?;
    }
    // The region is always checked: it is signed into every request.
    resolve_endpoint(&EndpointParams {
        region: Some(region.to_string()),
        use_fips: use_fips && explicit_endpoint.is_none(),
        use_dual_stack: use_dual_stack && explicit_endpoint.is_none(),
        endpoint: None,
    })
    .map_err(|e| e.to_string())
    .and_then(|regional| match explicit_endpoint {
        None => Ok(regional),
        Some(url) => resolve_endpoint(&EndpointParams {
            region: Some(region.to_string()),
            use_fips,
            use_dual_stack,
            endpoint: Some(url.to_string()),
        })
        .map_err(|e| e.to_string()),
    })
}
