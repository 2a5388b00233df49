use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegisterUsageInput {
    #[serde(rename = "ProductCode", skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
    #[serde(rename = "PublicKeyVersion", skip_serializing_if = "Option::is_none")]
    pub public_key_version: Option<i32>,
    #[serde(rename = "Nonce", skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RegisterUsageOutput {
    #[serde(
        rename = "PublicKeyRotationTimestamp",
        default,
        deserialize_with = "super::epoch::de_opt"
    )]
    pub public_key_rotation_timestamp: Option<i64>,
    #[serde(rename = "Signature", default)]
    pub signature: Option<String>,
}
