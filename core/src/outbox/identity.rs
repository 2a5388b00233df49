//! Machine mode: the identity slots are bound to. From the metadata services, in this order:
//! the ECS task ARN (task metadata endpoint v4), the EKS pod (namespace/name from the service
//! account mount and HOSTNAME), the EC2 instance id (IMDSv2). Each with short timeouts; the
//! application may give one instead.

use std::time::Duration;

use aws_config::imds;
use aws_config::provider_config::ProviderConfig;

use crate::credentials::ReqwestHttpClient;
use crate::error::error_chain;

const NAMESPACE_FILE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/// Finds this machine's identity: `ecs-task:<arn>`, `eks-pod:<namespace>/<pod>` or
/// `ec2-instance:<id>`.
pub async fn detect(timeout: Duration) -> Result<String, String> {
    if let Ok(uri) = std::env::var("ECS_CONTAINER_METADATA_URI_V4") {
        return ecs_task(&uri, timeout)
            .await
            .map(|arn| format!("ecs-task:{arn}"));
    }
    if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() {
        if let (Ok(ns), Ok(pod)) = (
            std::fs::read_to_string(NAMESPACE_FILE),
            std::env::var("HOSTNAME"),
        ) {
            return Ok(format!("eks-pod:{}/{}", ns.trim(), pod.trim()));
        }
    }
    ec2_instance(timeout)
        .await
        .map(|id| format!("ec2-instance:{id}"))
}

async fn ecs_task(uri: &str, timeout: Duration) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("ECS task metadata: {e}"))?;
    let body = client
        .get(format!("{}/task", uri.trim_end_matches('/')))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| format!("ECS task metadata: {}", error_chain(&e)))?
        .bytes()
        .await
        .map_err(|e| format!("ECS task metadata: {e}"))?;
    let v: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| format!("ECS task metadata is not JSON: {e}"))?;
    v.get("TaskARN")
        .and_then(|a| a.as_str())
        .map(str::to_string)
        .ok_or_else(|| "ECS task metadata has no TaskARN".into())
}

async fn ec2_instance(timeout: Duration) -> Result<String, String> {
    let pc = ProviderConfig::without_region().with_http_client(ReqwestHttpClient::default());
    let client = imds::Client::builder()
        .configure(&pc)
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .max_attempts(1)
        .build();
    let id = tokio::time::timeout(timeout * 3, client.get("/latest/meta-data/instance-id"))
        .await
        .map_err(|_| {
            format!(
                "IMDS gave no instance id within {} ms",
                timeout.as_millis() * 3
            )
        })?
        .map_err(|e| format!("IMDS instance id lookup failed: {}", error_chain(&e)))?;
    let id = id.as_ref().trim().to_string();
    if id.is_empty() {
        return Err("IMDS answered with an empty instance id".into());
    }
    Ok(id)
}
