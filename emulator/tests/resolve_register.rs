//! ResolveCustomer and RegisterUsage.
mod common;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};

#[tokio::test]
async fn resolve_customer() {
    let emu = start().await;
    let r = emu
        .call(
            "ResolveCustomer",
            json!({"RegistrationToken": "demo-registration-token"}),
        )
        .await;
    assert_eq!(
        r.ok(),
        &json!({
            "CustomerIdentifier": "demo-customer-1",
            "ProductCode": "demo-product",
            "CustomerAWSAccountId": "111122223333",
            "LicenseArn": LICENSE,
            "Metadata": {"AgreementId": "agmt-demo-0001"}
        })
    );
    emu.call(
        "ResolveCustomer",
        json!({"RegistrationToken": "expired-registration-token"}),
    )
    .await
    .assert_error(400, "ExpiredTokenException", "expired");
    emu.call("ResolveCustomer", json!({"RegistrationToken": "whatever"}))
        .await
        .assert_error(
            400,
            "InvalidTokenException",
            "Registration token is invalid.",
        );
}

/// HS256 only when asked for (`--signing-alg hs256`); RS256, the default, is
/// tested in product.rs against the served public key.
#[tokio::test]
async fn register_usage_returns_a_verifiable_hs256_jwt_when_asked() {
    let emu = start_with(|o| o.world.signing_alg = mpm_emulator::world::SigningAlg::Hs256).await;
    let r = emu
        .call(
            "RegisterUsage",
            json!({"ProductCode": "demo-product", "PublicKeyVersion": 1, "Nonce": "n-123"}),
        )
        .await;
    let body = r.ok();
    // The harness pins the clock mid-June: the key rotates on 1 July.
    let rotation = body["PublicKeyRotationTimestamp"].as_f64().unwrap();
    assert_eq!(rotation, at("2026-07-01T00:00:00Z"), "{rotation}");
    let sig = body["Signature"].as_str().unwrap();
    let parts: Vec<&str> = sig.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
    let payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(payload["productCode"], "demo-product");
    assert_eq!(payload["publicKeyVersion"], 1);
    assert_eq!(payload["nonce"], "n-123");
    assert_eq!(payload["customerIdentifier"], "demo-customer-1");
    assert_eq!(payload["awsAccountId"], "111122223333");
    assert_eq!(payload["timestamp"], "2026-06-17T14:25:30.000Z");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"mpm-emulator-register-usage-key").unwrap();
    mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap())
        .expect("signature verifies");
}

#[tokio::test]
async fn register_usage_errors() {
    let emu = start().await;
    emu.call(
        "RegisterUsage",
        json!({"ProductCode": "demo-product", "PublicKeyVersion": 2}),
    )
    .await
    .assert_error(
        400,
        "InvalidPublicKeyVersionException",
        "Public Key version 2 is invalid.",
    );
    emu.call(
        "RegisterUsage",
        json!({"ProductCode": "nope", "PublicKeyVersion": 1}),
    )
    .await
    .assert_error(400, "InvalidProductCodeException", "'nope'");
    emu.admin(
        "POST",
        "/__mpm/config",
        Some(json!({"register_usage_error": "PlatformNotSupportedException"})),
    )
    .await;
    emu.call(
        "RegisterUsage",
        json!({"ProductCode": "demo-product", "PublicKeyVersion": 1}),
    )
    .await
    .assert_error(
        400,
        "PlatformNotSupportedException",
        "does not support metering usage from the underlying platform",
    );
    emu.admin(
        "POST",
        "/__mpm/config",
        Some(json!({"register_usage_error": "CustomerNotEntitledException"})),
    )
    .await;
    emu.call(
        "RegisterUsage",
        json!({"ProductCode": "demo-product", "PublicKeyVersion": 1}),
    )
    .await
    .assert_error(400, "CustomerNotEntitledException", "valid subscription");
    emu.admin(
        "POST",
        "/__mpm/config",
        Some(json!({"register_usage_error": null})),
    )
    .await;
    emu.call(
        "RegisterUsage",
        json!({"ProductCode": "demo-product", "PublicKeyVersion": 1}),
    )
    .await
    .ok();
}

#[tokio::test]
async fn configured_key_versions_and_tokens() {
    let emu = start().await;
    emu.admin(
        "POST",
        "/__mpm/config",
        Some(json!({
            "products": [{"code": "container-product", "dimensions": ["vcpu"], "public_key_versions": [1, 2]}],
            "registration_tokens": [{"token": "new-style", "product_code": "container-product", "account_id": "444455556666", "license_arn": LICENSE}]
        })),
    )
    .await;
    // The default caller's account (demo-customer-1) is not subscribed to the new product.
    let register = json!({"ProductCode": "container-product", "PublicKeyVersion": 2});
    emu.call("RegisterUsage", register.clone())
        .await
        .assert_error(400, "CustomerNotEntitledException", "container-product");
    let metering = json!({"ProductCode": "container-product", "Timestamp": past_hour(1.0), "UsageDimension": "vcpu"});
    emu.call("MeterUsage", metering.clone()).await.assert_error(
        400,
        "CustomerNotEntitledException",
        "container-product",
    );
    emu.admin(
        "POST",
        "/__mpm/config",
        Some(json!({"customers": [{"identifier": "demo-customer-1", "account_id": "111122223333", "subscriptions": ["demo-product", "container-product"]}]})),
    )
    .await;
    emu.call("RegisterUsage", register).await.ok();
    emu.call("MeterUsage", metering).await.ok();
    emu.call(
        "RegisterUsage",
        json!({"ProductCode": "container-product", "PublicKeyVersion": 3}),
    )
    .await
    .assert_error(400, "InvalidPublicKeyVersionException", "3");
    let r = emu
        .call("ResolveCustomer", json!({"RegistrationToken": "new-style"}))
        .await;
    assert!(r.ok().get("CustomerIdentifier").is_none());
    assert_eq!(r.ok()["CustomerAWSAccountId"], "444455556666");
}
