//! ResolveCustomer: a SaaS product turns the registration token a buyer's browser brings from
//! AWS Marketplace into who the buyer is.

use serde::{Deserialize, Serialize};

/// A ResolveCustomer request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResolveCustomerInput {
    /// The token AWS Marketplace posted to the product's registration page
    /// (the form field `x-amzn-marketplace-token`). Required, not empty.
    #[serde(rename = "RegistrationToken", skip_serializing_if = "Option::is_none")]
    pub registration_token: Option<String>,
}

/// Who the buyer is. Always carries `customer_identifier` or `customer_aws_account_id` (an
/// answer with neither is `Error::InvalidResponse`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ResolveCustomerOutput {
    /// The buyer's id for `UsageRecord::customer_identifier` (legacy integrations; new SaaS
    /// integrations get none).
    #[serde(rename = "CustomerIdentifier", default)]
    pub customer_identifier: Option<String>,
    /// The product the buyer subscribed to: check it is yours, and meter with it.
    #[serde(rename = "ProductCode", default)]
    pub product_code: Option<String>,
    /// The buyer's AWS account id, for `UsageRecord::customer_aws_account_id`.
    #[serde(rename = "CustomerAWSAccountId", default)]
    pub customer_aws_account_id: Option<String>,
    /// The buyer's license, for `UsageRecord::license_arn`. Store it with the account id:
    /// BatchMeterUsage needs both for every record.
    #[serde(rename = "LicenseArn", default)]
    pub license_arn: Option<String>,
    /// More about the subscription (the agreement).
    #[serde(rename = "Metadata", default)]
    pub metadata: Option<ResolveCustomerMetadata>,
}

/// What ResolveCustomer says about the buyer's subscription.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ResolveCustomerMetadata {
    /// The AWS Marketplace agreement the buyer accepted, for the Agreement APIs.
    #[serde(rename = "AgreementId", default)]
    pub agreement_id: Option<String>,
}
