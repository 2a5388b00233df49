//! The region of the EC2 instance this runs on, from IMDSv2. Asked for only when the caller
//! says so: making a client never touches the network, and off EC2 this would only time out.

use std::time::Duration;

use aws_config::imds;
use aws_config::provider_config::ProviderConfig;

use crate::credentials::ReqwestHttpClient;
use crate::error::error_chain;

const REGION_PATH: &str = "/latest/meta-data/placement/region";

/// Reads the instance's region (AWS_EC2_METADATA_SERVICE_ENDPOINT and the other IMDS settings
/// of the environment apply), with one attempt bounded by `timeout`.
pub async fn region_from_imds(timeout: Duration) -> Result<String, String> {
    let pc = ProviderConfig::without_region().with_http_client(ReqwestHttpClient::default());
    let client = imds::Client::builder()
        .configure(&pc)
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .max_attempts(1)
        .build();
    let region = tokio::time::timeout(timeout * 3, client.get(REGION_PATH))
        .await
        .map_err(|_| format!("IMDS gave no region within {} ms", timeout.as_millis() * 3))?
        .map_err(|e| format!("IMDS region lookup failed: {}", error_chain(&e)))?;
    let region = region.as_ref().trim().to_string();
    if region.is_empty() {
        return Err("IMDS answered with an empty region".into());
    }
    Ok(region)
}
