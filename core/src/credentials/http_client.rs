//! The HTTP client aws-config's providers (STS, IMDS, ECS) talk through: our own reqwest, so
//! the library carries one TLS stack (rustls with ring) and no hyper-rustls/aws-lc-rs of
//! aws-config's default client.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

/// Largest credentials answer read (they are a few KiB).
const MAX_BODY: usize = 1024 * 1024;

/// A `HttpClient` over reqwest. Proxies from the environment apply to STS; metadata
/// endpoints on loopback and link-local addresses are always reached directly.
#[derive(Debug, Clone, Default)]
pub struct ReqwestHttpClient {
    /// One pair of reqwest clients per connect timeout the providers ask for.
    clients: Arc<Mutex<HashMap<Option<Duration>, Pair>>>,
}

#[derive(Debug, Clone)]
struct Pair {
    proxied: reqwest::Client,
    direct: reqwest::Client,
}

impl ReqwestHttpClient {
    fn pair(&self, connect: Option<Duration>) -> Result<Pair, reqwest::Error> {
        let mut map = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(p) = map.get(&connect) {
            return Ok(p.clone());
        }
        let build = |direct: bool| {
            // Never follow a redirect: STS, IMDS and the container endpoints do not redirect,
            // and following one would hand a token (IMDS session, container authorization,
            // web identity) to whatever origin the Location names.
            let mut b = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(crate::http_policy::user_agent(None));
            if let Some(t) = connect {
                b = b.connect_timeout(t);
            }
            if direct {
                b = b.no_proxy();
            }
            b.build()
        };
        let pair = Pair {
            proxied: build(false)?,
            direct: build(true)?,
        };
        map.insert(connect, pair.clone());
        Ok(pair)
    }
}

/// Loopback, link-local (IMDS 169.254.169.254, ECS 169.254.170.2) and the EKS pod identity
/// agent's fd00:ec2::23 are never behind a proxy.
fn is_metadata_host(uri: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(uri) else {
        return false;
    };
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    else {
        return false;
    };
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_link_local(),
        IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

#[derive(Debug)]
struct Connector {
    pair: Pair,
    read_timeout: Option<Duration>,
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let client = if is_metadata_host(request.uri()) {
            self.pair.direct.clone()
        } else {
            self.pair.proxied.clone()
        };
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move { send(client, request, read_timeout).await })
    }
}

async fn send(
    client: reqwest::Client,
    request: HttpRequest,
    read_timeout: Option<Duration>,
) -> Result<HttpResponse, ConnectorError> {
    let method = reqwest::Method::from_bytes(request.method().as_bytes())
        .map_err(|e| ConnectorError::user(e.into()))?;
    let mut builder = client.request(method, request.uri());
    for (name, value) in request.headers().iter() {
        builder = builder.header(name, value);
    }
    if let Some(t) = read_timeout {
        builder = builder.timeout(t);
    }
    let body = request
        .body()
        .bytes()
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let resp = builder.body(body).send().await.map_err(map_error)?;
    let status = resp.status().as_u16();
    if (300..400).contains(&status) {
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        return Err(ConnectorError::other(
            crate::http_policy::redirect_refused(status, location.as_deref()).into(),
            None,
        ));
    }
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.map_err(map_error)?;
    if bytes.len() > MAX_BODY {
        return Err(ConnectorError::other(
            format!("answer of {} bytes is too large", bytes.len()).into(),
            None,
        ));
    }
    let status = StatusCode::try_from(status).map_err(|e| ConnectorError::other(e.into(), None))?;
    let mut out = HttpResponse::new(status, SdkBody::from(bytes.to_vec()));
    for (name, value) in headers.iter() {
        if let Ok(v) = value.to_str() {
            out.headers_mut()
                .append(name.as_str().to_string(), v.to_string());
        }
    }
    Ok(out)
}

fn map_error(e: reqwest::Error) -> ConnectorError {
    if e.is_timeout() {
        ConnectorError::timeout(e.into())
    } else if e.is_connect() || e.is_request() {
        ConnectorError::io(e.into())
    } else {
        ConnectorError::other(e.into(), None)
    }
}

impl HttpClient for ReqwestHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        match self.pair(settings.connect_timeout()) {
            Ok(pair) => SharedHttpConnector::new(Connector {
                pair,
                read_timeout: settings.read_timeout(),
            }),
            Err(e) => {
                let msg = format!("cannot build the HTTP client: {e}");
                SharedHttpConnector::new(Broken(msg))
            }
        }
    }
}

/// Stands in when reqwest cannot be built (no TLS roots): every call fails with the reason.
#[derive(Debug)]
struct Broken(String);

impl HttpConnector for Broken {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        let msg = self.0.clone();
        HttpConnectorFuture::new(async move { Err(ConnectorError::other(msg.into(), None)) })
    }
}

#[cfg(test)]
mod tests {
    use super::is_metadata_host;

    #[test]
    fn metadata_hosts_bypass_proxies() {
        assert!(is_metadata_host("http://169.254.169.254/latest/api/token"));
        assert!(is_metadata_host("http://169.254.170.2/v2/credentials/x"));
        assert!(is_metadata_host("http://127.0.0.1:8080/creds"));
        assert!(is_metadata_host("http://[fd00:ec2::23]/creds"));
        assert!(is_metadata_host("http://localhost:1/"));
        assert!(!is_metadata_host("https://sts.us-east-1.amazonaws.com/"));
        assert!(!is_metadata_host("https://10.0.0.1/"));
    }
}
