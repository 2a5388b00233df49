//! AWS Signature Version 4 verification, done by hand so every failure can
//! answer with the code and message the real service uses (clients key
//! their behaviour on them, e.g. "Signature expired" triggers skew correction).
//! The canonical request is rebuilt from what arrived: method, path, query,
//! the headers named in SignedHeaders, and the SHA-256 of the body.

use crate::errors::ApiError;
use crate::timefmt::{amz_date, parse_amz_date};
use crate::world::Credential;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use regex::Regex;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::LazyLock;

pub const SERVICE: &str = "aws-marketplace";
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// Allowed difference between X-Amz-Date and the emulator clock.
const MAX_SKEW_SECS: i64 = 300;

static REGION_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$").unwrap());

/// Who signed the request.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub access_key_id: String,
    pub region: String,
}

pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

pub struct Verifier<'a> {
    pub credentials: &'a BTreeMap<String, Credential>,
    /// When set, the only region accepted in the credential scope.
    pub region: Option<&'a str>,
    pub now_secs: i64,
}

fn invalid_sig(msg: impl Into<String>) -> ApiError {
    ApiError::forbidden("InvalidSignatureException", msg)
}

fn incomplete(msg: impl Into<String>) -> ApiError {
    ApiError::forbidden("IncompleteSignatureException", msg)
}

fn unrecognized() -> ApiError {
    ApiError::forbidden(
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

struct AuthHeader<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<AuthHeader<'_>, ApiError> {
    let (alg, rest) = value.split_once(' ').unwrap_or((value, ""));
    if alg != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{alg}'. Only {ALGORITHM} is supported."
        )));
    }
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').unwrap_or((part.trim(), ""));
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    let mut missing = Vec::new();
    for (name, v) in [
        ("Credential", credential),
        ("Signature", signature),
        ("SignedHeaders", signed_headers),
    ] {
        if v.is_none_or(str::is_empty) {
            missing.push(format!("Authorization header requires '{name}' parameter."));
        }
    }
    if !missing.is_empty() {
        return Err(incomplete(missing.join(" ")));
    }
    Ok(AuthHeader {
        credential: credential.unwrap_or_default(),
        signed_headers: signed_headers.unwrap_or_default(),
        signature: signature.unwrap_or_default(),
    })
}

/// The access key id named in the Authorization header, if one can be read
/// (used as the caller identity when signature checks are off).
pub fn access_key_of(headers: &HeaderMap) -> Option<String> {
    let auth = parse_authorization(header(headers, "authorization")?).ok()?;
    auth.credential.split('/').next().map(String::from)
}

impl Verifier<'_> {
    pub fn verify(&self, req: &Request<'_>) -> Result<Caller, ApiError> {
        let Some(auth_value) = header(req.headers, "authorization") else {
            return Err(ApiError::forbidden(
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            ));
        };
        let auth = parse_authorization(auth_value)?;
        let scope: Vec<&str> = auth.credential.split('/').collect();
        if scope.len() != 5 {
            return Err(incomplete(format!(
                "Credential should be of the form AKID/YYYYMMDD/region/{SERVICE}/aws4_request, got '{}'.",
                auth.credential
            )));
        }
        let (akid, scope_date, region, service, terminator) =
            (scope[0], scope[1], scope[2], scope[3], scope[4]);

        let (request_time, amz) = match header(req.headers, "x-amz-date") {
            Some(d) => (parse_amz_date(d), d.to_string()),
            None => match header(req.headers, "date") {
                Some(d) => {
                    let t = httpdate::parse_http_date(d).ok().and_then(|t| {
                        t.duration_since(std::time::UNIX_EPOCH)
                            .ok()
                            .map(|d| d.as_secs() as i64)
                    });
                    (t, t.map(amz_date).unwrap_or_default())
                }
                None => {
                    return Err(incomplete(
                        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
                    ))
                }
            },
        };
        let Some(request_time) = request_time else {
            return Err(incomplete(format!(
                "Date must be in ISO-8601 'basic format'. Got '{amz}'. See http://en.wikipedia.org/wiki/ISO_8601"
            )));
        };
        if scope_date != &amz[..8] {
            return Err(invalid_sig(format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{}', from '{amz}'.",
                &amz[..8]
            )));
        }
        if terminator != "aws4_request" {
            return Err(invalid_sig(format!(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
            )));
        }
        if service != SERVICE {
            return Err(invalid_sig(format!(
                "Credential should be scoped to correct service: '{SERVICE}'. "
            )));
        }
        let region_ok = REGION_RE.is_match(region) && self.region.is_none_or(|r| r == region);
        if !region_ok {
            return Err(invalid_sig(format!(
                "Credential should be scoped to a valid region, not '{region}'. "
            )));
        }

        let cred = self.credentials.get(akid).ok_or_else(unrecognized)?;
        let sent_token = header(req.headers, "x-amz-security-token");
        if sent_token != cred.session_token.as_deref() {
            return Err(unrecognized());
        }

        let now = self.now_secs;
        if request_time < now - MAX_SKEW_SECS {
            return Err(invalid_sig(format!(
                "Signature expired: {amz} is now earlier than {} ({} - 5 min.)",
                amz_date(now - MAX_SKEW_SECS),
                amz_date(now)
            )));
        }
        if request_time > now + MAX_SKEW_SECS {
            return Err(invalid_sig(format!(
                "Signature not yet current: {amz} is still later than {} ({} + 5 min.)",
                amz_date(now + MAX_SKEW_SECS),
                amz_date(now)
            )));
        }

        let signed: Vec<String> = auth
            .signed_headers
            .split(';')
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        if !signed.iter().any(|h| h == "host" || h == ":authority") {
            return Err(invalid_sig(
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
            ));
        }

        let body_hash = hex::encode(Sha256::digest(req.body));
        if let Some(claimed) = header(req.headers, "x-amz-content-sha256") {
            if claimed != "UNSIGNED-PAYLOAD" && !claimed.eq_ignore_ascii_case(&body_hash) {
                return Err(invalid_sig(
                    "The provided 'x-amz-content-sha256' header does not match what was computed.",
                ));
            }
        }
        let payload_hash = match header(req.headers, "x-amz-content-sha256") {
            Some("UNSIGNED-PAYLOAD") => "UNSIGNED-PAYLOAD".to_string(),
            _ => body_hash,
        };

        let canonical = canonical_request(req, &signed, &payload_hash);
        let scope_str = format!("{scope_date}/{region}/{service}/aws4_request");
        let string_to_sign = format!(
            "{ALGORITHM}\n{amz}\n{scope_str}\n{}",
            hex::encode(Sha256::digest(canonical.as_bytes()))
        );
        let key = signing_key(&cred.secret_access_key, scope_date, region, service);
        let expected = hex::encode(hmac(&key, string_to_sign.as_bytes()));
        if !constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
            return Err(invalid_sig(format!(
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n"
            )));
        }
        Ok(Caller {
            access_key_id: akid.to_string(),
            region: region.to_string(),
        })
    }
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k = hmac(&k, region.as_bytes());
    let k = hmac(&k, service.as_bytes());
    hmac(&k, b"aws4_request")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// RFC 3986 unreserved characters stay, everything else is %XX (upper-case).
fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn canonical_request(req: &Request<'_>, signed: &[String], payload_hash: &str) -> String {
    // Non-S3 services encode the (already encoded) path once more.
    let path = if req.path.is_empty() { "/" } else { req.path };
    let canonical_uri = uri_encode(path, true);
    let mut pairs: Vec<(String, String)> = req
        .query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), false),
                uri_encode(&percent_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let mut headers = String::new();
    for name in signed {
        let values: Vec<String> = req
            .headers
            .get_all(name.as_str())
            .iter()
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes())
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    format!(
        "{}\n{canonical_uri}\n{query}\n{headers}\n{}\n{payload_hash}",
        req.method,
        signed.join(";")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_aws() {
        assert_eq!(uri_encode("a b/c~", true), "a%20b/c~");
        assert_eq!(uri_encode("a/b", false), "a%2Fb");
        assert_eq!(percent_decode("a%2Fb+c"), "a/b c");
    }

    #[test]
    fn aws_documented_signing_key() {
        // From AWS's SigV4 documentation example.
        let k = signing_key(
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(k),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }
}
