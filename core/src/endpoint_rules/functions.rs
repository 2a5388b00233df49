//! The rule set's built-in functions (Smithy's standard library and `aws.partition`), and the
//! URL parser that also checks explicit endpoints.

use std::net::{Ipv4Addr, Ipv6Addr};

use once_cell::sync::Lazy;
use regex_lite::Regex;
use serde_json::Value;

use super::partitions::{Partition, DEFAULT_PARTITION_ID, PARTITIONS};
use super::{internal, EndpointError};

/// The functions `call` knows, as the rule set names them.
pub(super) const NAMES: &[&str] = &[
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

/// Calls the built-in `name` with evaluated arguments (None: unset). None means "unset".
pub(super) fn call(
    name: &str,
    args: &[Option<Value>],
    table: &PartitionTable,
) -> Result<Option<Value>, EndpointError> {
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
            .and_then(|r| table.resolve(&r))
            .map(partition_value),
        "isValidHostLabel" => {
            str_arg(0).map(|s| Value::Bool(is_valid_host_label(&s, bool_arg(1).unwrap_or(false))))
        }
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
        other => {
            let known = NAMES.join(", ");
            return Err(internal(&format!(
                "unsupported function {other} (known: {known})"
            )));
        }
    };
    Ok(out)
}

pub(super) static PARTITION_TABLE: Lazy<PartitionTable> =
    Lazy::new(|| PartitionTable::new(PARTITIONS));

/// Partitions with their regexes compiled (once).
pub(super) struct PartitionTable {
    partitions: &'static [Partition],
    regexes: Vec<Regex>,
}

impl PartitionTable {
    pub(super) fn new(partitions: &'static [Partition]) -> Self {
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
    pub(super) fn find(&self, region: &str) -> Option<&'static Partition> {
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
    pub(super) fn resolve(&self, region: &str) -> Option<&'static Partition> {
        self.find(region).or_else(|| {
            self.partitions
                .iter()
                .find(|p| p.id == DEFAULT_PARTITION_ID)
        })
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
pub(super) fn get_attr(value: &Value, path: &str) -> Option<Value> {
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
pub(super) struct ParsedUrl<'a> {
    scheme: &'a str,
    authority: &'a str,
    path: &'a str,
    is_ip: bool,
}

impl ParsedUrl<'_> {
    pub(super) fn to_value(&self) -> Value {
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
pub(super) fn parse_url(s: &str) -> Option<ParsedUrl<'_>> {
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

    #[test]
    fn every_name_is_a_function() {
        for name in NAMES {
            assert!(call(name, &[], &PARTITION_TABLE).is_ok(), "{name}");
        }
        assert!(call("nope", &[], &PARTITION_TABLE).is_err());
    }

    #[test]
    fn helpers() {
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
}
