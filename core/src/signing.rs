//! SigV4 for each attempt. Signing is redone on every attempt so a retry carries a fresh date
//! and, after a clock-skew correction, the corrected one.
//!
//! Two paths, one result. The fixed request shape every operation sends (POST to the
//! endpoint's root, the headers amz-sdk-invocation-id, content-type, host, x-amz-date,
//! x-amz-security-token when there is a session token, x-amz-target) has its canonical request
//! built here directly, and the signature made with aws-sigv4's own `calculate_signature` from
//! a signing key that aws-sigv4's `generate_signing_key` derives once per (secret, UTC date,
//! region, service) and [`Signer`] caches. Any other shape (an endpoint with a path or a query,
//! header values that need normalising) goes through aws-sigv4's `sign`. A test checks the two
//! byte for byte over many endpoints.

use std::fmt;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

/// The signing name of the service (`signingName` in the model).
pub const SIGNING_NAME: &str = "aws-marketplace";
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The headers signing adds. `security_token` borrows from the credentials.
#[derive(Debug, PartialEq, Eq)]
pub struct Signed {
    /// The `Authorization` header: algorithm, credential scope, signed headers, signature.
    pub authorization: String,
    /// The `X-Amz-Date` header the signature covers, `YYYYMMDDTHHMMSSZ` (UTC).
    pub amz_date: String,
    /// The `X-Amz-Security-Token` header: the session token of temporary credentials.
    pub security_token: Option<String>,
}

/// What an attempt signs besides the credentials and the time.
pub struct ToSign<'a> {
    /// The signing region (credential scope).
    pub region: &'a str,
    /// The endpoint the request is POSTed to.
    pub url: &'a reqwest::Url,
    /// The `Content-Type` header (`application/x-amz-json-1.1`).
    pub content_type: &'a str,
    /// The `X-Amz-Target` header (`Operation::target`).
    pub target: &'a str,
    /// The `amz-sdk-invocation-id` header: one UUID per call, the same on every attempt.
    pub invocation_id: &'a str,
    /// The request body, hashed into the signature.
    pub body: &'a [u8],
}

/// Per endpoint: whether the fixed shape applies (and its Host value), and the cached signing
/// key. Its Debug output shows neither the key nor the secret it was derived from.
pub struct Signer {
    /// The signed Host value when the endpoint fits the fixed shape; None: aws-sigv4's `sign`.
    host: Option<String>,
    key: Mutex<Option<CachedKey>>,
}

struct CachedKey {
    secret: String,
    day: u64,
    region: String,
    key: [u8; 32],
}

impl Drop for CachedKey {
    fn drop(&mut self) {
        // Best effort: the derived key does not outlive its slot in memory we own.
        for b in self.key.iter_mut() {
            *b = 0;
        }
        std::hint::black_box(&self.key);
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("fixed_shape", &self.host.is_some())
            .finish_non_exhaustive()
    }
}

impl Clone for Signer {
    /// The clone starts with an empty key cache.
    fn clone(&self) -> Self {
        Self {
            host: self.host.clone(),
            key: Mutex::new(None),
        }
    }
}

impl Signer {
    /// A signer for requests to `url`, with an empty key cache.
    pub fn new(url: &reqwest::Url) -> Self {
        Self {
            host: fixed_shape_host(url),
            key: Mutex::new(None),
        }
    }

    /// Signs one attempt: the fixed shape here, anything else through aws-sigv4's `sign`.
    pub fn sign(
        &self,
        credentials: &Credentials,
        req: &ToSign<'_>,
        time: SystemTime,
    ) -> Result<Signed, String> {
        match &self.host {
            Some(host) if header_value_is_plain(credentials.session_token().unwrap_or("")) => {
                Ok(self.sign_fixed(host, credentials, req, time))
            }
            _ => sign_with_aws_sigv4(credentials, req, time),
        }
    }

    /// The signing key for this secret, day and region, derived by aws-sigv4 when it changes.
    fn signing_key(&self, secret: &str, day: u64, region: &str, time: SystemTime) -> [u8; 32] {
        let mut slot = self.key.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = slot.as_ref() {
            if k.day == day && k.region == region && k.secret == secret {
                return k.key;
            }
        }
        let derived = v4::generate_signing_key(secret, time, region, SIGNING_NAME);
        let mut key = [0u8; 32];
        key.copy_from_slice(derived.as_ref());
        *slot = Some(CachedKey {
            secret: secret.to_string(),
            day,
            region: region.to_string(),
            key,
        });
        key
    }

    fn sign_fixed(
        &self,
        host: &str,
        credentials: &Credentials,
        req: &ToSign<'_>,
        time: SystemTime,
    ) -> Signed {
        let secs = time
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let day = secs / 86_400;
        let amz_date = format_amz_date(secs);
        let date = &amz_date[..8];
        let token = credentials.session_token();
        let signed_headers = if token.is_some() {
            "amz-sdk-invocation-id;content-type;host;x-amz-date;x-amz-security-token;x-amz-target"
        } else {
            "amz-sdk-invocation-id;content-type;host;x-amz-date;x-amz-target"
        };

        let mut hex = [0u8; 64];
        let mut cr = String::with_capacity(
            320 + host.len() + req.invocation_id.len() + token.map_or(0, str::len),
        );
        cr.push_str("POST\n/\n\namz-sdk-invocation-id:");
        cr.push_str(req.invocation_id);
        cr.push_str("\ncontent-type:");
        cr.push_str(req.content_type);
        cr.push_str("\nhost:");
        cr.push_str(host);
        cr.push_str("\nx-amz-date:");
        cr.push_str(&amz_date);
        if let Some(t) = token {
            cr.push_str("\nx-amz-security-token:");
            cr.push_str(t);
        }
        cr.push_str("\nx-amz-target:");
        cr.push_str(req.target);
        cr.push_str("\n\n");
        cr.push_str(signed_headers);
        cr.push('\n');
        cr.push_str(hex_digest(req.body, &mut hex));

        let mut sts = String::with_capacity(160 + req.region.len());
        sts.push_str(ALGORITHM);
        sts.push('\n');
        sts.push_str(&amz_date);
        sts.push('\n');
        let scope_start = sts.len();
        sts.push_str(date);
        sts.push('/');
        sts.push_str(req.region);
        sts.push('/');
        sts.push_str(SIGNING_NAME);
        sts.push_str("/aws4_request");
        let scope_end = sts.len();
        sts.push('\n');
        sts.push_str(hex_digest(cr.as_bytes(), &mut hex));

        let key = self.signing_key(credentials.secret_access_key(), day, req.region, time);
        let signature = v4::calculate_signature(key, sts.as_bytes());

        let akid = credentials.access_key_id();
        let mut authorization = String::with_capacity(
            ALGORITHM.len()
                + 48
                + akid.len()
                + (scope_end - scope_start)
                + signed_headers.len()
                + 64,
        );
        authorization.push_str(ALGORITHM);
        authorization.push_str(" Credential=");
        authorization.push_str(akid);
        authorization.push('/');
        authorization.push_str(&sts[scope_start..scope_end]);
        authorization.push_str(", SignedHeaders=");
        authorization.push_str(signed_headers);
        authorization.push_str(", Signature=");
        authorization.push_str(&signature);
        Signed {
            authorization,
            amz_date,
            security_token: token.map(str::to_string),
        }
    }
}

/// The Host value aws-sigv4 signs for `url` when the request is the fixed shape: the root
/// path, no query, no fragment, no user info; None otherwise.
fn fixed_shape_host(url: &reqwest::Url) -> Option<String> {
    if url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
        || !matches!(url.scheme(), "http" | "https")
    {
        return None;
    }
    let host = url.host_str()?;
    if host.is_empty() || !header_value_is_plain(host) {
        return None;
    }
    // `Url` drops the scheme's default port, as aws-sigv4 does when it signs Host.
    Some(match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    })
}

/// A value aws-sigv4 would sign as it is: visible ASCII and single inner spaces only (it trims
/// and collapses spaces, and refuses what is not a header value).
fn header_value_is_plain(v: &str) -> bool {
    !v.starts_with(' ')
        && !v.ends_with(' ')
        && !v.contains("  ")
        && v.bytes().all(|b| (0x20..0x7f).contains(&b))
}

fn hex_digest<'a>(data: &[u8], out: &'a mut [u8; 64]) -> &'a str {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // ring's SHA-256 (assembly, SHA extensions where the CPU has them): rustls already builds it.
    let d = ring::digest::digest(&ring::digest::SHA256, data);
    let d = d.as_ref();
    for (i, b) in d.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 15) as usize];
    }
    std::str::from_utf8(out).expect("hex is ASCII")
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the epoch (UTC).
fn format_amz_date(secs: u64) -> String {
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    let mut b = *b"00000000T000000Z";
    let mut put = |at: usize, width: usize, mut v: u64| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y.clamp(0, 9999) as u64);
    put(4, 2, u64::from(m));
    put(6, 2, u64::from(d));
    put(9, 2, rem / 3600);
    put(11, 2, rem / 60 % 60);
    put(13, 2, rem % 60);
    String::from_utf8(b.to_vec()).expect("digits are ASCII")
}

/// Howard Hinnant's days-to-civil: (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// aws-sigv4's `sign` for any request shape.
fn sign_with_aws_sigv4(
    credentials: &Credentials,
    req: &ToSign<'_>,
    time: SystemTime,
) -> Result<Signed, String> {
    let headers = [
        ("content-type", req.content_type),
        ("x-amz-target", req.target),
        ("amz-sdk-invocation-id", req.invocation_id),
    ];
    let h = sign_headers(
        credentials,
        req.region,
        req.url.as_str(),
        &headers,
        req.body,
        time,
    )?;
    let mut signed = Signed {
        authorization: String::new(),
        amz_date: String::new(),
        security_token: None,
    };
    for (k, v) in h {
        if k.eq_ignore_ascii_case("authorization") {
            signed.authorization = v;
        } else if k.eq_ignore_ascii_case("x-amz-date") {
            signed.amz_date = v;
        } else if k.eq_ignore_ascii_case("x-amz-security-token") {
            signed.security_token = Some(v);
        } else {
            return Err("signing produced an unexpected header".into());
        }
    }
    if signed.authorization.is_empty() || signed.amz_date.is_empty() {
        return Err("signing produced no Authorization or X-Amz-Date".into());
    }
    Ok(signed)
}

/// Returns the headers to add (Authorization, X-Amz-Date, X-Amz-Security-Token when the
/// credentials carry a session token). The error text never contains key material.
pub fn sign_headers(
    credentials: &Credentials,
    region: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    time: SystemTime,
) -> Result<Vec<(String, String)>, String> {
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SIGNING_NAME)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| format!("cannot build signing parameters: {e}"))?
        .into();
    let signable = SignableRequest::new(
        "POST",
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| format!("request cannot be signed: {e}"))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| format!("signing failed: {e}"))?
        .into_parts();
    Ok(instructions
        .headers()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn signs_with_service_name_region_and_token() {
        let creds = Credentials::new("AKID", "SECRET", Some("TOKEN".into()), None, "test");
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = sign_headers(
            &creds,
            "eu-west-1",
            "https://metering.marketplace.eu-west-1.amazonaws.com/",
            &[("content-type", "application/x-amz-json-1.1")],
            b"{}",
            t,
        )
        .unwrap();
        let get = |n: &str| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.clone())
        };
        let auth = get("authorization").unwrap();
        assert!(
            auth.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKID/20231114/eu-west-1/aws-marketplace/aws4_request"
            ),
            "{auth}"
        );
        assert!(auth.contains("content-type"));
        assert_eq!(get("x-amz-date").unwrap(), "20231114T221320Z");
        assert_eq!(get("x-amz-security-token").unwrap(), "TOKEN");
        assert!(!auth.contains("SECRET"));
    }

    #[test]
    fn dates_match_the_calendar() {
        assert_eq!(format_amz_date(0), "19700101T000000Z");
        assert_eq!(format_amz_date(951_782_400), "20000229T000000Z");
        assert_eq!(format_amz_date(1_700_000_000), "20231114T221320Z");
        assert_eq!(format_amz_date(4_102_444_799), "20991231T235959Z");
        // Every day for 200 years, against aws-sigv4's own formatting (through `sign`).
        let creds = Credentials::new("AKID", "S", None, None, "t");
        let url = reqwest::Url::parse("https://h.example/").unwrap();
        for day in (0..73_000u64).step_by(37) {
            let secs = day * 86_400 + (day * 7919) % 86_400;
            let req = ToSign {
                region: "us-east-1",
                url: &url,
                content_type: "c",
                target: "t",
                invocation_id: "i",
                body: b"",
            };
            let s =
                sign_with_aws_sigv4(&creds, &req, UNIX_EPOCH + Duration::from_secs(secs)).unwrap();
            assert_eq!(format_amz_date(secs), s.amz_date, "day {day}");
        }
    }

    /// The fixed-shape path and aws-sigv4's `sign` agree byte for byte over endpoints (schemes,
    /// default and other ports, IPv4/IPv6/names), regions, tokens or none, bodies, times; the
    /// cached key is reused and re-derived when the day, region or secret changes.
    #[test]
    fn fixed_shape_matches_aws_sigv4_byte_for_byte() {
        let urls = [
            "https://metering.marketplace.us-east-1.amazonaws.com",
            "https://metering.marketplace.us-east-1.amazonaws.com/",
            "https://metering.marketplace.eu-west-1.amazonaws.com:443/",
            "https://metering-fips.marketplace.us-gov-west-1.amazonaws.com:8443/",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:80/",
            "http://127.0.0.1:443/",
            "https://127.0.0.1:80",
            "http://localhost:1/",
            "http://[::1]:9000/",
            "https://[2001:db8::1]/",
            "http://Example.COM:65535/",
            "https://metering.marketplace.cn-north-1.amazonaws.com.cn/",
            "http://a-b.c_d.example:8000/",
        ];
        let regions = [
            "us-east-1",
            "eu-west-1",
            "cn-north-1",
            "us-gov-west-1",
            "ap-southeast-5",
        ];
        let tokens = [
            None,
            Some("FwoGZXIvYXdzEJr//////////wEaDM+token/with=all+base64=="),
            Some("a b"),
        ];
        let bodies: [&[u8]; 3] = [b"", b"{}", br#"{"ProductCode":"p","UsageQuantity":1}"#];
        let targets = [
            "AWSMPMeteringService.MeterUsage",
            "AWSMPMeteringService.BatchMeterUsage",
        ];
        let mut n = 0;
        for (ui, u) in urls.iter().enumerate() {
            let url = reqwest::Url::parse(u).unwrap();
            let signer = Signer::new(&url);
            assert!(signer.host.is_some(), "{u} should take the fixed path");
            for (ri, region) in regions.iter().enumerate() {
                for (ti, token) in tokens.iter().enumerate() {
                    let secret = if ti == 2 {
                        "other/secret+KEY"
                    } else {
                        "wJalrXUtnFEMI/K7MDENG"
                    };
                    let creds =
                        Credentials::new("AKIDEXAMPLE", secret, token.map(String::from), None, "t");
                    for (bi, body) in bodies.iter().enumerate() {
                        let secs = 1_700_000_000 + (ui * 86_399 + ri * 3_601 + bi * 86_400) as u64;
                        let time = UNIX_EPOCH + Duration::from_secs(secs);
                        let req = ToSign {
                            region,
                            url: &url,
                            content_type: "application/x-amz-json-1.1",
                            target: targets[(ui + bi) % 2],
                            invocation_id: "8b5c0e6a-1f3d-4b2a-9c7e-0d4f2a1b3c5d",
                            body,
                        };
                        let ours = signer.sign(&creds, &req, time).unwrap();
                        let theirs = sign_with_aws_sigv4(&creds, &req, time).unwrap();
                        assert_eq!(ours, theirs, "{u} {region} {token:?} {bi}");
                        n += 1;
                    }
                }
            }
        }
        assert!(n > 600);
    }

    #[test]
    fn other_shapes_go_through_aws_sigv4() {
        for u in [
            "https://h.example/prefix",
            "https://h.example/a/../b/",
            "https://h.example/?x=1",
            "https://h.example/#f",
            "https://user:pw@h.example/",
        ] {
            let url = reqwest::Url::parse(u).unwrap();
            let signer = Signer::new(&url);
            assert!(signer.host.is_none(), "{u}");
            let creds = Credentials::new("AKID", "SECRET", None, None, "t");
            let req = ToSign {
                region: "us-east-1",
                url: &url,
                content_type: "application/x-amz-json-1.1",
                target: "AWSMPMeteringService.MeterUsage",
                invocation_id: "id",
                body: b"{}",
            };
            let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
            assert_eq!(
                signer.sign(&creds, &req, t).unwrap(),
                sign_with_aws_sigv4(&creds, &req, t).unwrap()
            );
        }
    }

    #[test]
    fn the_cache_never_shows_the_secret_or_key() {
        let url = reqwest::Url::parse("https://h.example/").unwrap();
        let signer = Signer::new(&url);
        let creds = Credentials::new("AKID", "TOPSECRETVALUE", None, None, "t");
        let req = ToSign {
            region: "us-east-1",
            url: &url,
            content_type: "c",
            target: "t",
            invocation_id: "i",
            body: b"",
        };
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        signer.sign(&creds, &req, t).unwrap();
        let key = signer.key.lock().unwrap().as_ref().unwrap().key;
        let shown = format!("{signer:?} {signer:#?} {:?}", signer.clone());
        assert!(!shown.contains("TOPSECRET"), "{shown}");
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        assert!(
            !shown.contains(&hex) && !shown.contains(&format!("{}", key[0])),
            "{shown}"
        );
        // A new day, region or secret derives a new key.
        let k1 = signer.signing_key("TOPSECRETVALUE", 19_675, "us-east-1", t);
        let k2 = signer.signing_key(
            "TOPSECRETVALUE",
            19_676,
            "us-east-1",
            t + Duration::from_secs(86_400),
        );
        let k3 = signer.signing_key(
            "OTHER",
            19_676,
            "us-east-1",
            t + Duration::from_secs(86_400),
        );
        let k4 = signer.signing_key(
            "OTHER",
            19_676,
            "eu-west-1",
            t + Duration::from_secs(86_400),
        );
        assert!(k1 != k2 && k2 != k3 && k3 != k4);
    }
}
