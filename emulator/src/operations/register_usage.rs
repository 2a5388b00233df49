//! RegisterUsage: entitlement check for paid container products, answered
//! with a JWT signed RS256 with the emulator's test key pair (`crate::rs256`,
//! public key at `GET /__mpm/public-key` and `/__mpm/jwks.json`; the real
//! service signs with a Marketplace key whose version the caller names), or
//! HS256 with the shared `signing_key` when `--signing-alg hs256` asks for it.

use super::{invalid_product, parse, Ctx};
use crate::errors::ApiError;
use crate::state::read;
use crate::timefmt::{month_start, rfc3339_millis};
use crate::world::{RegisterUsageError, SigningAlg};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Sha256;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    product_code: String,
    public_key_version: i64,
    nonce: Option<String>,
}

pub fn handle(ctx: &Ctx<'_>, body: Value) -> Result<Value, ApiError> {
    let input: Input = parse(body)?;
    let world = read(&ctx.state.world);
    if let Some(e) = world.register_usage_error {
        return Err(match e {
            RegisterUsageError::PlatformNotSupportedException => ApiError::client(
                "PlatformNotSupportedException",
                "AWS Marketplace does not support metering usage from the underlying platform. Currently, Amazon ECS, Amazon EKS, and AWS Fargate are supported.",
            ),
            RegisterUsageError::CustomerNotEntitledException => not_entitled(&input.product_code),
        });
    }
    let product = world
        .products
        .get(&input.product_code)
        .ok_or_else(|| invalid_product(&input.product_code))?;
    if !product
        .public_key_versions
        .contains(&input.public_key_version)
    {
        return Err(ApiError::client(
            "InvalidPublicKeyVersionException",
            format!(
                "Public Key version {} is invalid.",
                input.public_key_version
            ),
        ));
    }
    let customer = world.customer_by_account(&ctx.account_id);
    if customer.is_some_and(|c| !c.subscriptions.contains(&product.code)) {
        return Err(not_entitled(&product.code));
    }

    let alg = match world.signing_alg {
        SigningAlg::Rs256 => "RS256",
        SigningAlg::Hs256 => "HS256",
    };
    let header = json!({"alg": alg, "typ": "JWT", "kid": input.public_key_version.to_string()});
    let payload = json!({
        "productCode": product.code,
        "publicKeyVersion": input.public_key_version,
        "nonce": input.nonce,
        "customerIdentifier": customer.map(|c| c.identifier.clone()),
        "awsAccountId": ctx.account_id,
        "timestamp": rfc3339_millis(ctx.now_ms),
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(payload.to_string())
    );
    let signature = match world.signing_alg {
        SigningAlg::Rs256 => URL_SAFE_NO_PAD.encode(crate::rs256::sign(signing_input.as_bytes())),
        SigningAlg::Hs256 => {
            let mut mac = Hmac::<Sha256>::new_from_slice(world.signing_key.as_bytes())
                .expect("HMAC takes any key length");
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
    };
    // The key "rotates" at the start of next month.
    let now_secs = ctx.now_ms.div_euclid(1000);
    let rotation = month_start(month_start(now_secs) + 32 * 86400);
    Ok(json!({
        "Signature": format!("{signing_input}.{signature}"),
        "PublicKeyRotationTimestamp": rotation,
    }))
}

fn not_entitled(product: &str) -> ApiError {
    ApiError::client(
        "CustomerNotEntitledException",
        format!("The customer does not have a valid subscription for product '{product}'."),
    )
}
