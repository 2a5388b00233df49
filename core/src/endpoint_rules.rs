//! Region -> service URL, as the service's Smithy endpoint rule set says.
//!
//! The rule set (`spec/endpoint-rule-set-1.json`) is embedded and run by a
//! small evaluator instead of being re-coded by hand, so updating the file is
//! all it takes to follow a change AWS makes to it. `aws.partition` reads the
//! table in `partitions.rs`.
//!
//! On top of the rule set, mpmeter refuses (before any URL is built) a region
//! that is not a single RFC 1123 host label, and an explicit endpoint that is
//! not an absolute http(s) URL with a host: the rule set pastes both verbatim
//! into the URL, so "us-east-1/../x" or "evil.com#" would otherwise steer
//! signed requests to another host or path. Sizes are checked first: a region
//! of more than `MAX_REGION_LEN` bytes or an endpoint of more than
//! `MAX_ENDPOINT_LEN` is refused before anything else reads it, and messages
//! quote inputs only through `core::quote` (a short prefix, user info redacted).

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use once_cell::sync::Lazy;
use regex_lite::Regex;
use serde_json::{Map, Value};

use super::partitions::{Partition, DEFAULT_PARTITION_ID, PARTITIONS};
use super::quote::quote;

// `partitions` is private to `core`; the FFI region tests need the list.
pub use super::partitions::{all_regions, RegionInfo};

/// Longest region accepted: one RFC 1123 host label.
pub const MAX_REGION_LEN: usize = 63;
/// Longest explicit endpoint URL accepted: the de facto URL limit of browsers and HTTP
/// front ends; a metering endpoint (scheme, host, port, a short path) needs far less.
pub const MAX_ENDPOINT_LEN: usize = 2048;

/// Inputs of the rule set (its parameters Region, UseFIPS, UseDualStack, Endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointParams {
    pub region: Option<String>,
    pub use_fips: bool,
    pub use_dual_stack: bool,
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

static RULE_SET: Lazy<Value> = Lazy::new(|| {
    serde_json::from_str(include_str!("../../spec/endpoint-rule-set-1.json"))
        .expect("spec/endpoint-rule-set-1.json is valid JSON")
});

static PARTITION_TABLE: Lazy<PartitionTable> = Lazy::new(|| PartitionTable::new(PARTITIONS));

/// Partitions with their regexes compiled (once).
struct PartitionTable {
    partitions: &'static [Partition],
    regexes: Vec<Regex>,
}

impl PartitionTable {
    fn new(partitions: &'static [Partition]) -> Self {
        let regexes = partitions
            .iter()
            .map(|p| Regex::new(p.region_regex).expect("partition regionRegex compiles"))
            .collect();
        PartitionTable {
            partitions,
            regexes,
        }
    }

    /// Listed regions win over regexes, as in the SDKs' implementations.
    fn find(&self, region: &str) -> Option<&'static Partition> {
        let listed = self
            .partitions
            .iter()
            .find(|p| p.regions.iter().any(|r| r.name == region));
        listed.or_else(|| {
            self.partitions
                .iter()
                .zip(&self.regexes)
                .find(|(_, re)| re.is_match(region))
                .map(|(p, _)| p)
        })
    }

    /// `aws.partition`: like `find`, but unknown names get the default partition.
    fn resolve(&self, region: &str) -> Option<&'static Partition> {
        self.find(region).or_else(|| {
            self.partitions
                .iter()
                .find(|p| p.id == DEFAULT_PARTITION_ID)
        })
    }
}

fn resolve_with(params: &EndpointParams, table: &PartitionTable) -> Result<String, EndpointError> {
    if let Some(region) = &params.region {
        check_region(region)?;
    }
    if let Some(endpoint) = &params.endpoint {
        check_endpoint(endpoint)?;
    }
    let rule_set = &*RULE_SET;
    let scope = bind_parameters(&rule_set["parameters"], params)?;
    let eval = Evaluator { table };
    match eval.rules(as_array(&rule_set["rules"])?, &scope)? {
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

/// Maps the rule set's parameters to our inputs by their `builtIn`, then
/// applies the declared defaults.
fn bind_parameters(
    declared: &Value,
    params: &EndpointParams,
) -> Result<HashMap<String, Value>, EndpointError> {
    let declared = declared
        .as_object()
        .ok_or_else(|| internal("rule set has no parameters object"))?;
    let mut scope = HashMap::new();
    for (name, spec) in declared {
        let given = match spec["builtIn"].as_str() {
            Some("AWS::Region") => params.region.clone().map(Value::String),
            Some("AWS::UseFIPS") => Some(Value::Bool(params.use_fips)),
            Some("AWS::UseDualStack") => Some(Value::Bool(params.use_dual_stack)),
            Some("SDK::Endpoint") => params.endpoint.clone().map(Value::String),
            _ => None,
        };
        let value = given.or_else(|| spec.get("default").cloned());
        match value {
            Some(v) => {
                scope.insert(name.clone(), v);
            }
            None if spec["required"] == Value::Bool(true) => {
                return Err(EndpointError(format!("missing required parameter {name}")));
            }
            None => {}
        }
    }
    Ok(scope)
}

fn internal(what: &str) -> EndpointError {
    EndpointError(format!("endpoint rule set: {what}"))
}

fn as_array(v: &Value) -> Result<&[Value], EndpointError> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| internal("expected an array"))
}

enum Outcome {
    Endpoint(String),
    Error(String),
}

type Scope = HashMap<String, Value>;

struct Evaluator<'a> {
    table: &'a PartitionTable,
}

impl Evaluator<'_> {
    /// First rule whose conditions hold decides; None when none does.
    fn rules(&self, rules: &[Value], scope: &Scope) -> Result<Option<Outcome>, EndpointError> {
        for rule in rules {
            let mut local = scope.clone();
            if !self.conditions_hold(as_array(&rule["conditions"])?, &mut local)? {
                continue;
            }
            return match rule["type"].as_str() {
                Some("endpoint") => {
                    let url = self.string(&rule["endpoint"]["url"], &local)?;
                    Ok(Some(Outcome::Endpoint(url)))
                }
                Some("error") => Ok(Some(Outcome::Error(self.string(&rule["error"], &local)?))),
                // A tree whose conditions held is terminal: falling out of it
                // is a gap in the rule set (the SDKs treat it the same way).
                Some("tree") => match self.rules(as_array(&rule["rules"])?, &local)? {
                    Some(outcome) => Ok(Some(outcome)),
                    None => Err(internal("no rule of a matching tree rule matched")),
                },
                _ => Err(internal("unknown rule type")),
            };
        }
        Ok(None)
    }

    /// A condition holds when its function gives `true` or, for non-boolean
    /// results, any set value; `assign` binds that value for later rules.
    fn conditions_hold(
        &self,
        conditions: &[Value],
        scope: &mut Scope,
    ) -> Result<bool, EndpointError> {
        for condition in conditions {
            let value = self.expr(condition, scope)?;
            let holds = !matches!(value, None | Some(Value::Null) | Some(Value::Bool(false)));
            if !holds {
                return Ok(false);
            }
            if let (Some(name), Some(v)) = (condition["assign"].as_str(), value) {
                scope.insert(name.to_string(), v);
            }
        }
        Ok(true)
    }

    fn string(&self, expr: &Value, scope: &Scope) -> Result<String, EndpointError> {
        match self.expr(expr, scope)? {
            Some(Value::String(s)) => Ok(s),
            _ => Err(internal("expected a string")),
        }
    }

    /// Evaluates an argument: a string template, a literal, a `ref` or a `fn`
    /// call. None means "unset".
    fn expr(&self, expr: &Value, scope: &Scope) -> Result<Option<Value>, EndpointError> {
        match expr {
            Value::String(s) => Ok(Some(Value::String(self.template(s, scope)?))),
            Value::Bool(_) | Value::Number(_) => Ok(Some(expr.clone())),
            Value::Object(o) if o.contains_key("ref") => {
                let name = o["ref"].as_str().ok_or_else(|| internal("bad ref"))?;
                Ok(scope.get(name).cloned())
            }
            Value::Object(o) if o.contains_key("fn") => self.call(o, scope),
            _ => Err(internal("unsupported expression")),
        }
    }

    fn call(
        &self,
        call: &Map<String, Value>,
        scope: &Scope,
    ) -> Result<Option<Value>, EndpointError> {
        let name = call["fn"].as_str().ok_or_else(|| internal("bad fn"))?;
        let args = call
            .get("argv")
            .map(as_array)
            .transpose()?
            .unwrap_or_default()
            .iter()
            .map(|a| self.expr(a, scope))
            .collect::<Result<Vec<_>, _>>()?;
        let arg = |i: usize| args.get(i).cloned().flatten();
        let str_arg = |i: usize| match arg(i) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let bool_arg = |i: usize| arg(i).and_then(|v| v.as_bool());
        let out = match name {
            "isSet" => Some(Value::Bool(arg(0).is_some_and(|v| !v.is_null()))),
            "not" => bool_arg(0).map(|b| Value::Bool(!b)),
            "booleanEquals" => Some(Value::Bool(matches!(
                (bool_arg(0), bool_arg(1)),
                (Some(a), Some(b)) if a == b
            ))),
            "stringEquals" => Some(Value::Bool(matches!(
                (str_arg(0), str_arg(1)),
                (Some(a), Some(b)) if a == b
            ))),
            "getAttr" => match (arg(0), str_arg(1)) {
                (Some(v), Some(path)) => get_attr(&v, &path),
                _ => None,
            },
            "aws.partition" => str_arg(0)
                .and_then(|r| self.table.resolve(&r))
                .map(partition_value),
            "isValidHostLabel" => str_arg(0)
                .map(|s| Value::Bool(is_valid_host_label(&s, bool_arg(1).unwrap_or(false)))),
            "parseURL" => str_arg(0).and_then(|s| parse_url(&s).map(|u| u.to_value())),
            "substring" => match (str_arg(0), arg(1), arg(2), bool_arg(3)) {
                (Some(s), Some(start), Some(stop), Some(rev)) => {
                    let (start, stop) = (start.as_u64(), stop.as_u64());
                    match (start, stop) {
                        (Some(a), Some(b)) => substring(&s, a as usize, b as usize, rev),
                        _ => None,
                    }
                }
                _ => None,
            },
            "uriEncode" => str_arg(0).map(|s| Value::String(uri_encode(&s))),
            other => return Err(internal(&format!("unsupported function {other}"))),
        };
        Ok(out)
    }

    /// Expands `{Name}` and `{Name#attr.path}`; `{{` and `}}` are literal braces.
    fn template(&self, s: &str, scope: &Scope) -> Result<String, EndpointError> {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(i) = rest.find(['{', '}']) {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                out.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('}') {
                return Err(internal("unbalanced '}' in template"));
            }
            let end = tail
                .find('}')
                .ok_or_else(|| internal("unclosed '{' in template"))?;
            let inner = &tail[1..end];
            let (name, path) = match inner.split_once('#') {
                Some((n, p)) => (n, Some(p)),
                None => (inner, None),
            };
            let value = scope.get(name).cloned();
            let value = match path {
                Some(p) => value.and_then(|v| get_attr(&v, p)),
                None => value,
            };
            match value {
                Some(Value::String(v)) => out.push_str(&v),
                Some(Value::Bool(b)) => out.push_str(if b { "true" } else { "false" }),
                _ => return Err(internal(&format!("template value {inner} is unset"))),
            }
            rest = &tail[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// The object `aws.partition` returns: the partition's `outputs`.
fn partition_value(p: &Partition) -> Value {
    let o = &p.outputs;
    serde_json::json!({
        "name": o.name,
        "dnsSuffix": o.dns_suffix,
        "dualStackDnsSuffix": o.dual_stack_dns_suffix,
        "supportsFIPS": o.supports_fips,
        "supportsDualStack": o.supports_dual_stack,
        "implicitGlobalRegion": o.implicit_global_region,
    })
}

/// `getAttr` paths: `a.b`, `a[0]`, `a.b[1]`.
fn get_attr(value: &Value, path: &str) -> Option<Value> {
    let mut current = value.clone();
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, idx)) => (k, Some(idx.strip_suffix(']')?.parse::<usize>().ok()?)),
            None => (part, None),
        };
        if !key.is_empty() {
            current = current.get(key)?.clone();
        }
        if let Some(i) = index {
            current = current.get(i)?.clone();
        }
    }
    (!current.is_null()).then_some(current)
}

/// Smithy `isValidHostLabel`, ASCII only.
fn is_valid_host_label(s: &str, allow_subdomains: bool) -> bool {
    if allow_subdomains {
        return s.split('.').all(|l| is_valid_host_label(l, false));
    }
    (1..=63).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Smithy `substring`: None unless `start < stop <= len` and all ASCII.
fn substring(s: &str, start: usize, stop: usize, reverse: bool) -> Option<Value> {
    if !s.is_ascii() || start >= stop || stop > s.len() {
        return None;
    }
    let (a, b) = if reverse {
        (s.len() - stop, s.len() - start)
    } else {
        (start, stop)
    };
    Some(Value::String(s[a..b].to_string()))
}

/// Percent-encodes all but RFC 3986 unreserved characters.
fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An absolute http(s) URL, as `parseURL` sees it.
#[derive(Debug, PartialEq, Eq)]
struct ParsedUrl<'a> {
    scheme: &'a str,
    authority: &'a str,
    path: &'a str,
    is_ip: bool,
}

impl ParsedUrl<'_> {
    fn to_value(&self) -> Value {
        let normalized = if self.path.ends_with('/') {
            self.path.to_string()
        } else {
            format!("{}/", self.path)
        };
        serde_json::json!({
            "scheme": self.scheme,
            "authority": self.authority,
            "path": self.path,
            "normalizedPath": normalized,
            "isIp": self.is_ip,
        })
    }
}

/// Accepts `http(s)://host[:port][/path]`, host being a DNS name, an IPv4
/// address or a bracketed IPv6 address. User info, query and fragment are
/// refused: a custom endpoint has no use for them, and `user@host` or `#`
/// are classic ways to make a URL point elsewhere than it seems to.
fn parse_url(s: &str) -> Option<ParsedUrl<'_>> {
    let (scheme, rest) = s.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    if rest.contains(['?', '#', '@', '\\']) {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (host, port, is_ip) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (ip, after) = bracketed.split_once(']')?;
        ip.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (ip, port, true)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        if !is_valid_host_label(host, true) {
            return None;
        }
        (host, port, host.parse::<Ipv4Addr>().is_ok())
    };
    if host.is_empty() {
        return None;
    }
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err() {
            return None;
        }
    }
    // Leave character-level validity of the path to the http crate, which
    // the request is built with anyway.
    http::Uri::try_from(s).ok()?;
    Some(ParsedUrl {
        scheme,
        authority,
        path,
        is_ip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partitions::PartitionOutputs;

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

    #[test]
    fn templates_and_helpers() {
        let eval = Evaluator {
            table: &PARTITION_TABLE,
        };
        let mut scope = Scope::new();
        scope.insert("R".into(), Value::String("x".into()));
        scope.insert("P".into(), serde_json::json!({"a": {"b": ["u", "v"]}}));
        assert_eq!(
            eval.template("{{R}}-{R}.{P#a.b[1]}", &scope).unwrap(),
            "{R}-x.v"
        );
        assert!(eval.template("{Nope}", &scope).is_err());
        assert!(eval.template("{R", &scope).is_err());
        assert_eq!(
            substring("abcdef", 0, 4, false),
            Some(Value::String("abcd".into()))
        );
        assert_eq!(
            substring("abcdef", 0, 4, true),
            Some(Value::String("cdef".into()))
        );
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(uri_encode("a b/c"), "a%20b%2Fc");
        assert!(is_valid_host_label("a.b-c", true));
        assert!(!is_valid_host_label("a.b-c", false));
        let u = parse_url("https://example.com:8443/base").unwrap();
        assert_eq!(u.authority, "example.com:8443");
        assert_eq!(u.to_value()["normalizedPath"], "/base/");
        assert!(parse_url("http://10.0.0.1/").unwrap().is_ip);
    }

    #[test]
    fn embedded_rule_set_uses_only_supported_functions() {
        fn walk(v: &Value, found: &mut Vec<String>) {
            match v {
                Value::Object(o) => {
                    if let Some(Value::String(f)) = o.get("fn") {
                        found.push(f.clone());
                    }
                    o.values().for_each(|c| walk(c, found));
                }
                Value::Array(a) => a.iter().for_each(|c| walk(c, found)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        walk(&RULE_SET, &mut found);
        let supported = [
            "isSet",
            "not",
            "booleanEquals",
            "stringEquals",
            "getAttr",
            "aws.partition",
            "isValidHostLabel",
            "parseURL",
            "substring",
            "uriEncode",
        ];
        for f in found {
            assert!(supported.contains(&f.as_str()), "unsupported function {f}");
        }
    }
}
