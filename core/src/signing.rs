//! SigV4 for each attempt, through aws-sigv4. Signing is redone on every attempt so a retry
//! carries a fresh date and, after a clock-skew correction, the corrected one.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;

/// The signing name of the service (`signingName` in the model).
pub const SIGNING_NAME: &str = "aws-marketplace";

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
}
