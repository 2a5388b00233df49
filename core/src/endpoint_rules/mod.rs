//! Region -> service URL, as the service's Smithy endpoint rule set says.
//!
//! The rule set (`spec/endpoint-rule-set-1.json`) is embedded and run by a
//! small evaluator (`evaluator`) instead of being re-coded by hand, so updating
//! the file is all it takes to follow a change AWS makes to it. The rule set's
//! built-in functions are in `functions`; `aws.partition` reads the table in
//! `partitions`. This file is the public API.
//!
//! On top of the rule set, mpmeter refuses (before any URL is built) a region
//! that is not a single RFC 1123 host label, and an explicit endpoint that is
//! not an absolute http(s) URL with a host: the rule set pastes both verbatim
//! into the URL, so "us-east-1/../x" or "evil.com#" would otherwise steer
//! signed requests to another host or path. Sizes are checked first: a region
//! of more than `MAX_REGION_LEN` bytes or an endpoint of more than
//! `MAX_ENDPOINT_LEN` is refused before anything else reads it, and messages
//! quote inputs only through `core::quote` (a short prefix, user info redacted).

mod evaluator;
mod functions;
mod partitions;

use std::fmt;

use super::quote::quote;
use evaluator::Outcome;
use functions::{parse_url, PartitionTable, PARTITION_TABLE};

// `partitions` is private; the FFI region tests need the list.
pub use partitions::{all_regions, RegionInfo};

/// Longest region accepted: one RFC 1123 host label.
pub const MAX_REGION_LEN: usize = 63;
/// Longest explicit endpoint URL accepted: the de facto URL limit of browsers and HTTP
/// front ends; a metering endpoint (scheme, host, port, a short path) needs far less.
pub const MAX_ENDPOINT_LEN: usize = 2048;

/// Inputs of the rule set (its parameters Region, UseFIPS, UseDualStack, Endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointParams {
    /// The region, at most `MAX_REGION_LEN` bytes; None makes the rules answer "Missing
    /// Region" unless `endpoint` is set.
    pub region: Option<String>,
    /// The FIPS endpoint; an error where the partition has none or with `endpoint`.
    pub use_fips: bool,
    /// The dual-stack endpoint; an error where the partition has none or with `endpoint`.
    pub use_dual_stack: bool,
    /// An explicit URL, returned as given once checked (at most `MAX_ENDPOINT_LEN` bytes).
    pub endpoint: Option<String>,
}

/// Why no URL could be resolved. For the rule set's own errors the message is
/// the rule set's text verbatim (e.g. "Invalid Configuration: Missing Region").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError(pub String);

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EndpointError {}

/// A flaw of the rule set itself (or of this evaluator), not of the caller's input.
fn internal(what: &str) -> EndpointError {
    EndpointError(format!("endpoint rule set: {what}"))
}

/// Resolves the service URL for `params`.
pub fn resolve_endpoint(params: &EndpointParams) -> Result<String, EndpointError> {
    resolve_with(params, &PARTITION_TABLE)
}

/// The partition id ("aws", "aws-cn", ...) a region belongs to, if any.
///
/// Unlike `aws.partition`, which falls back to "aws" for any name, this
/// answers None for a name that is neither listed nor matches a regex.
pub fn partition_of(region: &str) -> Option<&'static str> {
    PARTITION_TABLE.find(region).map(|p| p.id)
}

fn resolve_with(params: &EndpointParams, table: &PartitionTable) -> Result<String, EndpointError> {
    if let Some(region) = &params.region {
        check_region(region)?;
    }
    if let Some(endpoint) = &params.endpoint {
        check_endpoint(endpoint)?;
    }
    match evaluator::evaluate(params, table)? {
        Some(Outcome::Endpoint(url)) => {
            // The rule set only pastes validated pieces together; checking the
            // result anyway keeps a future rule-set change from slipping by.
            if parse_url(&url).is_none() {
                return Err(EndpointError(format!(
                    "endpoint rules produced an invalid URL {}",
                    quote(&url)
                )));
            }
            Ok(url)
        }
        Some(Outcome::Error(message)) => Err(EndpointError(message)),
        None => Err(EndpointError(
            "no endpoint rule matched these parameters".into(),
        )),
    }
}

/// mpmeter policy: a region is one RFC 1123 host label.
pub fn check_region(region: &str) -> Result<(), EndpointError> {
    if region.len() > MAX_REGION_LEN {
        return Err(EndpointError(format!(
            "invalid region {}: longer than {MAX_REGION_LEN} bytes",
            quote(region)
        )));
    }
    let ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(EndpointError(format!(
            "invalid region {}: a region must be 1-63 characters of \
             a-z, A-Z, 0-9 and '-', not starting or ending with '-'",
            quote(region)
        )))
    }
}

/// mpmeter policy: an explicit endpoint is an absolute http(s) URL with a host, of at most
/// `MAX_ENDPOINT_LEN` bytes.
pub fn check_endpoint(endpoint: &str) -> Result<(), EndpointError> {
    if endpoint.len() > MAX_ENDPOINT_LEN {
        return Err(EndpointError(format!(
            "invalid endpoint URL {}: longer than {MAX_ENDPOINT_LEN} bytes",
            quote(endpoint)
        )));
    }
    match parse_url(endpoint) {
        Some(_) => Ok(()),
        None => Err(EndpointError(format!(
            "invalid endpoint URL {}: expected an absolute http:// or \
             https:// URL with a host (optional port and path; no user info, \
             query or fragment)",
            quote(endpoint)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::functions::PartitionTable;
    use super::partitions::{Partition, PartitionOutputs};
    use super::*;

    fn params(
        region: Option<&str>,
        fips: bool,
        dual: bool,
        endpoint: Option<&str>,
    ) -> EndpointParams {
        EndpointParams {
            region: region.map(str::to_string),
            use_fips: fips,
            use_dual_stack: dual,
            endpoint: endpoint.map(str::to_string),
        }
    }

    fn region(r: &str, fips: bool, dual: bool) -> Result<String, EndpointError> {
        resolve_endpoint(&params(Some(r), fips, dual, None))
    }

    fn err(msg: &str) -> Result<String, EndpointError> {
        Err(EndpointError(msg.to_string()))
    }

    fn ok(url: &str) -> Result<String, EndpointError> {
        Ok(url.to_string())
    }

    /// Expected values worked out by reading the rule set and partitions.json:
    /// aws, aws-cn and aws-us-gov use the "metering-marketplace." host for
    /// plain dual-stack; aws-eusc uses it for the plain endpoint; every other
    /// case is "metering.marketplace[-fips].{Region}.{suffix}".
    /// Columns: (neither, dual-stack, FIPS, FIPS + dual-stack).
    const TABLE: &[(&str, &str, [&str; 4])] = &[
        (
            "us-east-1",
            "aws",
            [
                "https://metering.marketplace.us-east-1.amazonaws.com",
                "https://metering-marketplace.us-east-1.api.aws",
                "https://metering.marketplace-fips.us-east-1.amazonaws.com",
                "https://metering.marketplace-fips.us-east-1.api.aws",
            ],
        ),
        (
            "eu-west-1",
            "aws",
            [
                "https://metering.marketplace.eu-west-1.amazonaws.com",
                "https://metering-marketplace.eu-west-1.api.aws",
                "https://metering.marketplace-fips.eu-west-1.amazonaws.com",
                "https://metering.marketplace-fips.eu-west-1.api.aws",
            ],
        ),
        (
            "cn-north-1",
            "aws-cn",
            [
                "https://metering.marketplace.cn-north-1.amazonaws.com.cn",
                "https://metering-marketplace.cn-north-1.api.amazonwebservices.com.cn",
                "https://metering.marketplace-fips.cn-north-1.amazonaws.com.cn",
                "https://metering.marketplace-fips.cn-north-1.api.amazonwebservices.com.cn",
            ],
        ),
        (
            "us-gov-west-1",
            "aws-us-gov",
            [
                "https://metering.marketplace.us-gov-west-1.amazonaws.com",
                "https://metering-marketplace.us-gov-west-1.api.aws",
                "https://metering.marketplace-fips.us-gov-west-1.amazonaws.com",
                "https://metering.marketplace-fips.us-gov-west-1.api.aws",
            ],
        ),
        (
            "us-iso-east-1",
            "aws-iso",
            [
                "https://metering.marketplace.us-iso-east-1.c2s.ic.gov",
                "https://metering.marketplace.us-iso-east-1.api.aws.ic.gov",
                "https://metering.marketplace-fips.us-iso-east-1.c2s.ic.gov",
                "https://metering.marketplace-fips.us-iso-east-1.api.aws.ic.gov",
            ],
        ),
        (
            "us-isob-east-1",
            "aws-iso-b",
            [
                "https://metering.marketplace.us-isob-east-1.sc2s.sgov.gov",
                "https://metering.marketplace.us-isob-east-1.api.aws.scloud",
                "https://metering.marketplace-fips.us-isob-east-1.sc2s.sgov.gov",
                "https://metering.marketplace-fips.us-isob-east-1.api.aws.scloud",
            ],
        ),
        (
            "eu-isoe-west-1",
            "aws-iso-e",
            [
                "https://metering.marketplace.eu-isoe-west-1.cloud.adc-e.uk",
                "https://metering.marketplace.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
                "https://metering.marketplace-fips.eu-isoe-west-1.cloud.adc-e.uk",
                "https://metering.marketplace-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
            ],
        ),
        (
            "us-isof-south-1",
            "aws-iso-f",
            [
                "https://metering.marketplace.us-isof-south-1.csp.hci.ic.gov",
                "https://metering.marketplace.us-isof-south-1.api.aws.hci.ic.gov",
                "https://metering.marketplace-fips.us-isof-south-1.csp.hci.ic.gov",
                "https://metering.marketplace-fips.us-isof-south-1.api.aws.hci.ic.gov",
            ],
        ),
        (
            "eusc-de-east-1",
            "aws-eusc",
            [
                "https://metering-marketplace.eusc-de-east-1.amazonaws.eu",
                "https://metering.marketplace.eusc-de-east-1.api.amazonwebservices.eu",
                "https://metering.marketplace-fips.eusc-de-east-1.amazonaws.eu",
                "https://metering.marketplace-fips.eusc-de-east-1.api.amazonwebservices.eu",
            ],
        ),
    ];

    #[test]
    fn regions_resolve_per_rule_set_in_every_partition() {
        for (name, partition, [plain, dual, fips, fips_dual]) in TABLE {
            assert_eq!(region(name, false, false), ok(plain), "{name}");
            assert_eq!(region(name, false, true), ok(dual), "{name} dual-stack");
            assert_eq!(region(name, true, false), ok(fips), "{name} FIPS");
            assert_eq!(region(name, true, true), ok(fips_dual), "{name} FIPS+DS");
            assert_eq!(partition_of(name), Some(*partition), "{name}");
        }
    }

    #[test]
    fn unlisted_regions_follow_the_regexes() {
        assert_eq!(partition_of("us-east-9"), Some("aws"));
        assert_eq!(partition_of("cn-south-7"), Some("aws-cn"));
        assert_eq!(partition_of("us-gov-south-3"), Some("aws-us-gov"));
        assert_eq!(partition_of("us-isob-north-2"), Some("aws-iso-b"));
        assert_eq!(partition_of("eusc-de-west-2"), Some("aws-eusc"));
        assert_eq!(partition_of("aws-global"), Some("aws"));
        assert_eq!(
            region("cn-south-7", false, false),
            ok("https://metering.marketplace.cn-south-7.amazonaws.com.cn")
        );
        assert_eq!(
            region("us-gov-south-3", false, true),
            ok("https://metering-marketplace.us-gov-south-3.api.aws")
        );
    }

    #[test]
    fn unknown_names_fall_back_to_aws_like_the_rule_set() {
        // aws.partition answers "aws" for any name, so the rule set builds
        // an amazonaws.com URL; partition_of tells the caller it is unknown.
        assert_eq!(partition_of("moon-base-1x"), None);
        assert_eq!(partition_of("localhost"), None);
        assert_eq!(
            region("localhost", false, false),
            ok("https://metering.marketplace.localhost.amazonaws.com")
        );
    }

    #[test]
    fn missing_region_is_the_rule_sets_error() {
        for (f, d) in [(false, false), (true, false), (false, true), (true, true)] {
            assert_eq!(
                resolve_endpoint(&params(None, f, d, None)),
                err("Invalid Configuration: Missing Region")
            );
        }
    }

    #[test]
    fn regions_that_are_not_host_labels_are_refused_before_any_url() {
        let bad = [
            "",
            "us-east-1/../x",
            "a b",
            "evil.com#",
            "us-east-1.evil.com",
            "-us-east-1",
            "us-east-1-",
            "us_east_1",
            "us-east-1\n",
            "us-east-1:443",
            "us-east-1?x",
            "ús-east-1",
            &"a".repeat(64),
        ];
        for r in bad {
            for (f, d) in [(false, false), (true, true)] {
                let got = region(r, f, d).expect_err(r);
                assert!(got.0.starts_with("invalid region"), "{r:?}: {got}");
            }
            // Also with an explicit endpoint: the region still signs requests.
            let got = resolve_endpoint(&params(Some(r), false, false, Some("https://example.com")));
            assert!(got.is_err(), "{r:?}");
        }
        assert!(region(&"a".repeat(63), false, false).is_ok());
    }

    #[test]
    fn explicit_endpoints() {
        let with =
            |e: &str, f: bool, d: bool| resolve_endpoint(&params(Some("us-east-1"), f, d, Some(e)));
        assert_eq!(
            with("http://127.0.0.1:8080", false, false),
            ok("http://127.0.0.1:8080")
        );
        assert_eq!(
            with("https://example.com/base", false, false),
            ok("https://example.com/base")
        );
        assert_eq!(
            with("https://example.com/base/", false, false),
            ok("https://example.com/base/")
        );
        assert_eq!(
            with("http://[::1]:9000/x", false, false),
            ok("http://[::1]:9000/x")
        );
        assert_eq!(
            with("http://localhost", false, false),
            ok("http://localhost")
        );
        assert_eq!(
            with("http://127.0.0.1:8080", true, false),
            err("Invalid Configuration: FIPS and custom endpoint are not supported")
        );
        assert_eq!(
            with("http://127.0.0.1:8080", true, true),
            err("Invalid Configuration: FIPS and custom endpoint are not supported")
        );
        assert_eq!(
            with("https://example.com/base", false, true),
            err("Invalid Configuration: Dualstack and custom endpoint are not supported")
        );
        // The region is not needed when the endpoint is explicit.
        assert_eq!(
            resolve_endpoint(&params(None, false, false, Some("https://example.com"))),
            ok("https://example.com")
        );
    }

    #[test]
    fn malformed_explicit_endpoints_are_refused() {
        let bad = [
            "",
            "example.com",
            "/relative/path",
            "ftp://example.com",
            "https://",
            "https:///path",
            "https://user:pw@example.com",
            "https://example.com@evil.com",
            "https://example.com?x=1",
            "https://example.com#frag",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://example.com:",
            "https://example.com:99999",
            "https://example.com:80:80",
            "https://[::1",
            "https://[nothost]:80",
            "https://-bad.example.com",
            "https://example..com",
            "https://ex_ample.com",
            "https:\\\\example.com",
        ];
        for e in bad {
            let got =
                resolve_endpoint(&params(Some("us-east-1"), false, false, Some(e))).expect_err(e);
            assert!(got.0.starts_with("invalid endpoint URL"), "{e:?}: {got}");
        }
    }

    /// The partitions' "does not support" branches cannot be reached with
    /// today's data (every partition supports both), so run the same rule
    /// set against older data where the ISO partitions lacked dual-stack
    /// (botocore's partitions.json before the ISO dual-stack suffixes) and a
    /// made-up partition without FIPS.
    static LIMITED: &[Partition] = &[
        Partition {
            id: "aws-iso",
            region_regex: r"^us\-iso\-\w+\-\d+$",
            regions: &[],
            outputs: PartitionOutputs {
                name: "aws-iso",
                dns_suffix: "c2s.ic.gov",
                dual_stack_dns_suffix: "c2s.ic.gov",
                supports_fips: true,
                supports_dual_stack: false,
                implicit_global_region: "us-iso-east-1",
            },
        },
        Partition {
            id: "aws",
            region_regex: r"^(us|eu)\-\w+\-\d+$",
            regions: &[],
            outputs: PartitionOutputs {
                name: "aws",
                dns_suffix: "example.test",
                dual_stack_dns_suffix: "ds.example.test",
                supports_fips: false,
                supports_dual_stack: true,
                implicit_global_region: "us-east-1",
            },
        },
    ];

    #[test]
    fn partitions_lacking_fips_or_dual_stack_give_the_rule_sets_errors() {
        let table = PartitionTable::new(LIMITED);
        let run = |r: &str, f: bool, d: bool| resolve_with(&params(Some(r), f, d, None), &table);
        assert_eq!(
            run("us-iso-east-1", true, true),
            err("FIPS and DualStack are enabled, but this partition does not support one or both")
        );
        assert_eq!(
            run("us-iso-east-1", false, true),
            err("DualStack is enabled but this partition does not support DualStack")
        );
        assert_eq!(
            run("us-iso-east-1", true, false),
            ok("https://metering.marketplace-fips.us-iso-east-1.c2s.ic.gov")
        );
        assert_eq!(
            run("us-east-1", true, false),
            err("FIPS is enabled but this partition does not support FIPS")
        );
        assert_eq!(
            run("us-east-1", true, true),
            err("FIPS and DualStack are enabled, but this partition does not support one or both")
        );
        // aws + dual-stack without FIPS is matched before any support check.
        assert_eq!(
            run("us-east-1", false, true),
            ok("https://metering-marketplace.us-east-1.ds.example.test")
        );
    }

    #[test]
    fn error_displays_its_message() {
        let e = EndpointError("boom".into());
        assert_eq!(e.to_string(), "boom");
        let _: &dyn std::error::Error = &e;
    }
}
