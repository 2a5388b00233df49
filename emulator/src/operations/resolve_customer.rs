//! ResolveCustomer: a registration token from the buyer's browser resolves
//! to the customer, product, account, license and agreement.

use super::{parse, Ctx};
use crate::errors::ApiError;
use crate::state::read;
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    registration_token: String,
}

pub fn handle(ctx: &Ctx<'_>, body: Value) -> Result<Value, ApiError> {
    let input: Input = parse(body)?;
    let world = read(&ctx.state.world);
    let token = world.tokens.get(&input.registration_token).ok_or_else(|| {
        ApiError::client("InvalidTokenException", "Registration token is invalid.")
    })?;
    if token.expired {
        return Err(ApiError::client(
            "ExpiredTokenException",
            "The submitted registration token has expired.",
        ));
    }
    // Members the token does not define are left out, as the service does
    // for new integrations (no CustomerIdentifier).
    let mut out = Map::new();
    let mut put = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            out.insert(k.into(), Value::String(v.clone()));
        }
    };
    put("CustomerIdentifier", &token.customer_identifier);
    put("ProductCode", &token.product_code);
    put("CustomerAWSAccountId", &token.account_id);
    put("LicenseArn", &token.license_arn);
    if let Some(a) = &token.agreement_id {
        out.insert("Metadata".into(), serde_json::json!({"AgreementId": a}));
    }
    Ok(Value::Object(out))
}
