use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResolveCustomerInput {
    #[serde(rename = "RegistrationToken", skip_serializing_if = "Option::is_none")]
    pub registration_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ResolveCustomerOutput {
    #[serde(rename = "CustomerIdentifier", default)]
    pub customer_identifier: Option<String>,
    #[serde(rename = "ProductCode", default)]
    pub product_code: Option<String>,
    #[serde(rename = "CustomerAWSAccountId", default)]
    pub customer_aws_account_id: Option<String>,
    #[serde(rename = "LicenseArn", default)]
    pub license_arn: Option<String>,
    #[serde(rename = "Metadata", default)]
    pub metadata: Option<ResolveCustomerMetadata>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ResolveCustomerMetadata {
    #[serde(rename = "AgreementId", default)]
    pub agreement_id: Option<String>,
}
