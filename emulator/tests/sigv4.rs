//! Signature checks: every failure answers with AWS's code and message.
mod common;
use common::*;
use serde_json::json;

fn resolve() -> serde_json::Value {
    json!({"RegistrationToken": "demo-registration-token"})
}

#[tokio::test]
async fn signed_request_succeeds_with_aws_headers() {
    let emu = start().await;
    let r = emu.call("ResolveCustomer", resolve()).await;
    r.ok();
    assert_eq!(r.headers["content-type"], "application/x-amz-json-1.1");
    let id = r.headers["x-amzn-requestid"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    let date = r.headers["date"].to_str().unwrap();
    let t = httpdate::parse_http_date(date).unwrap();
    let diff = t
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        - now_secs();
    assert!(diff.abs() < 5.0, "{date}");
}

#[tokio::test]
async fn missing_authorization() {
    let emu = start().await;
    let req = api_request(&emu.url(), "ResolveCustomer", &resolve().to_string());
    let r = emu.send(req).await.unwrap();
    r.assert_error(
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    );
}

#[tokio::test]
async fn wrong_secret() {
    let emu = start().await;
    let s = Signer {
        secret: "not-the-secret".into(),
        ..Signer::default()
    };
    let r = emu.call_as("ResolveCustomer", resolve(), &s).await;
    r.assert_error(
        403,
        "InvalidSignatureException",
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    );
}

#[tokio::test]
async fn body_changed_after_signing() {
    let emu = start().await;
    let mut req = api_request(&emu.url(), "ResolveCustomer", &resolve().to_string());
    sign_request(&mut req, &Signer::default());
    *req.body_mut() = json!({"RegistrationToken": "other"}).to_string();
    let r = emu.send(req).await.unwrap();
    r.assert_error(
        403,
        "InvalidSignatureException",
        "does not match the signature you provided",
    );
}

#[tokio::test]
async fn unknown_access_key() {
    let emu = start().await;
    let s = Signer {
        akid: "AKIDUNKNOWN000000000".into(),
        ..Signer::default()
    };
    let r = emu.call_as("ResolveCustomer", resolve(), &s).await;
    r.assert_error(
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    );
}

#[tokio::test]
async fn stale_date_reports_skew_like_aws() {
    let emu = start().await;
    let r = emu
        .call_as("ResolveCustomer", resolve(), &Signer::shifted(-600))
        .await;
    r.assert_error(403, "InvalidSignatureException", "Signature expired: ");
    let re = regex::Regex::new(
        r"^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 5 min\.\)$",
    )
    .unwrap();
    let caps = re
        .captures(r.message())
        .unwrap_or_else(|| panic!("{}", r.message()));
    let parse = |s: &str| mpm_emulator::timefmt::parse_amz_date(s).unwrap();
    assert_eq!(parse(&caps[3]) - parse(&caps[2]), 300);
    let skew = parse(&caps[3]) - parse(&caps[1]);
    assert!((599..=602).contains(&skew), "{skew}");
}

#[tokio::test]
async fn future_date() {
    let emu = start().await;
    let r = emu
        .call_as("ResolveCustomer", resolve(), &Signer::shifted(600))
        .await;
    r.assert_error(
        403,
        "InvalidSignatureException",
        "Signature not yet current: ",
    );
    assert!(r.message().contains("+ 5 min.)"));
}

#[tokio::test]
async fn small_skew_is_accepted() {
    let emu = start().await;
    emu.call_as("ResolveCustomer", resolve(), &Signer::shifted(-240))
        .await
        .ok();
    emu.call_as("ResolveCustomer", resolve(), &Signer::shifted(240))
        .await
        .ok();
}

#[tokio::test]
async fn wrong_service_in_scope() {
    let emu = start().await;
    let s = Signer {
        service: "execute-api".into(),
        ..Signer::default()
    };
    let r = emu.call_as("ResolveCustomer", resolve(), &s).await;
    r.assert_error(
        403,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'aws-marketplace'.",
    );
}

#[tokio::test]
async fn any_valid_region_unless_restricted() {
    let emu = start().await;
    let eu = Signer {
        region: "eu-west-1".into(),
        ..Signer::default()
    };
    emu.call_as("ResolveCustomer", resolve(), &eu).await.ok();
    let bogus = Signer {
        region: "moon".into(),
        ..Signer::default()
    };
    let r = emu.call_as("ResolveCustomer", resolve(), &bogus).await;
    r.assert_error(
        403,
        "InvalidSignatureException",
        "Credential should be scoped to a valid region",
    );

    let emu = start_with(|o| o.settings.region = Some("us-east-1".into())).await;
    emu.call("ResolveCustomer", resolve()).await.ok();
    let r = emu.call_as("ResolveCustomer", resolve(), &eu).await;
    r.assert_error(403, "InvalidSignatureException", "not 'eu-west-1'");
}

#[tokio::test]
async fn session_token_required_when_configured() {
    let emu = start_with(|o| {
        let c = mpm_emulator::world::Credential::parse("ASIATEMP:tempsecret:the-token").unwrap();
        o.world.credentials.insert(c.access_key_id.clone(), c);
    })
    .await;
    let base = Signer {
        akid: "ASIATEMP".into(),
        secret: "tempsecret".into(),
        ..Signer::default()
    };
    let r = emu.call_as("ResolveCustomer", resolve(), &base).await;
    r.assert_error(
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    );
    let wrong = Signer {
        token: Some("other-token".into()),
        ..base.clone()
    };
    let r = emu.call_as("ResolveCustomer", resolve(), &wrong).await;
    r.assert_error(403, "UnrecognizedClientException", "security token");
    let right = Signer {
        token: Some("the-token".into()),
        ..base
    };
    emu.call_as("ResolveCustomer", resolve(), &right).await.ok();
    // A long-term key must not carry a token.
    let extra = Signer {
        token: Some("x".into()),
        ..Signer::default()
    };
    let r = emu.call_as("ResolveCustomer", resolve(), &extra).await;
    r.assert_error(403, "UnrecognizedClientException", "security token");
}

#[tokio::test]
async fn malformed_authorization_header() {
    let emu = start().await;
    let mut req = api_request(&emu.url(), "ResolveCustomer", &resolve().to_string());
    req.headers_mut().insert(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/aws-marketplace/aws4_request"
            .parse()
            .unwrap(),
    );
    req.headers_mut()
        .insert("x-amz-date", "20260101T000000Z".parse().unwrap());
    let r = emu.send(req).await.unwrap();
    r.assert_error(
        403,
        "IncompleteSignatureException",
        "Authorization header requires 'Signature' parameter.",
    );
}

#[tokio::test]
async fn no_auth_mode_accepts_unsigned_requests() {
    let emu = start_with(|o| o.settings.auth = false).await;
    let req = api_request(&emu.url(), "ResolveCustomer", &resolve().to_string());
    emu.send(req).await.unwrap().ok();
}

#[tokio::test]
async fn emulator_clock_offset_drives_expiry_and_date_header() {
    let emu = start_with(|o| o.clock_offset_seconds = 3600).await;
    let r = emu.call("ResolveCustomer", resolve()).await;
    r.assert_error(403, "InvalidSignatureException", "Signature expired");
    let date = httpdate::parse_http_date(r.headers["date"].to_str().unwrap()).unwrap();
    let shift = date
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        - now_secs();
    assert!((3590.0..3610.0).contains(&shift), "{shift}");
    // A client that corrected its clock from the Date header gets through.
    emu.call_as("ResolveCustomer", resolve(), &Signer::shifted(3600))
        .await
        .ok();
}
