//! RegisterUsage: a paid container product checks at start-up that the buyer is entitled to
//! run it, and gets a signed token that proves it.

use serde::{Deserialize, Serialize};

/// A RegisterUsage request.
///
/// ```
/// use mpmeter_core::model::RegisterUsageInput;
/// use mpmeter_core::validate::validate_register_usage;
///
/// let input = RegisterUsageInput {
///     product_code: Some("demo-product".into()),
///     public_key_version: Some(1),
///     nonce: Some("task-7f3c".into()),
/// };
/// assert!(validate_register_usage(&input).is_ok());
/// let v0 = RegisterUsageInput { public_key_version: Some(0), ..input };
/// assert_eq!(validate_register_usage(&v0).unwrap_err().member, "PublicKeyVersion");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegisterUsageInput {
    /// The product's code as AWS Marketplace gave it. Required; at most 255 characters of
    /// `[-a-zA-Z0-9/=:_.@]`.
    #[serde(rename = "ProductCode", skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
    /// Which of AWS Marketplace's public keys the answer's signature is to verify with (1 for
    /// the first). Required; 1 to 2147483647.
    #[serde(rename = "PublicKeyVersion", skip_serializing_if = "Option::is_none")]
    pub public_key_version: Option<i32>,
    /// Up to 255 characters the service puts into the signed token, so the product can tell
    /// its own registration from a replayed one (e.g. the task's id).
    #[serde(rename = "Nonce", skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// A successful RegisterUsage answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RegisterUsageOutput {
    /// Set only when the requested public key version has expired: when its key was rotated,
    /// as Unix seconds (verify with a newer `public_key_version`).
    #[serde(
        rename = "PublicKeyRotationTimestamp",
        default,
        deserialize_with = "super::epoch::de_opt"
    )]
    pub public_key_rotation_timestamp: Option<i64>,
    /// The signed token (a JWT) that proves the entitlement; always `Some` in an output the
    /// client returns (an answer without it is `Error::InvalidResponse`).
    #[serde(rename = "Signature", default)]
    pub signature: Option<String>,
}
