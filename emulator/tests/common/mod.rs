//! Shared test harness: an in-process emulator on 127.0.0.1:0 and a client
//! that signs with the AWS SDK's own SigV4 implementation (aws-sigv4), so
//! the emulator's hand-written verifier is checked against the real thing.
//!
//! Time: every emulator started here has its clock pinned at [`NOW`] unless a
//! test says otherwise, and [`Signer::default`] signs at that instant, so no
//! test depends on the date or hour it runs at. [`now_secs`] and
//! [`past_hour`] are relative to [`NOW`], never to the system clock.
#![allow(dead_code)]

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use mpm_emulator::world::World;
use mpm_emulator::{Options, Running};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const LICENSE: &str = "arn:aws:license-manager::111122223333:license:l-demo0000000000000000001";

/// The instant the harness pins every emulator at: 2026-06-17T14:25:30Z, a
/// mid-month afternoon well away from any month, day or hour boundary.
pub const NOW: i64 = 1_781_706_330;

/// Epoch seconds of an RFC 3339 UTC instant, e.g. `at("2026-12-01T06:00:00Z")`.
pub fn at(rfc3339: &str) -> f64 {
    mpm_emulator::timefmt::parse_rfc3339_millis(rfc3339)
        .unwrap_or_else(|| panic!("bad instant {rfc3339}")) as f64
        / 1000.0
}

pub fn system_time(epoch_secs: f64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs_f64(epoch_secs)
}

pub fn default_options() -> Options {
    let mut world = World::defaults();
    let c = World::default_credential();
    world.credentials.insert(c.access_key_id.clone(), c);
    Options {
        settings: mpm_emulator::state::Settings {
            auth: true,
            region: None,
            verbose: false,
        },
        world,
        clock_now_ms: Some(NOW * 1000),
        ..Options::default()
    }
}

pub struct Emu {
    pub addr: SocketAddr,
    pub running: Running,
    pub http: reqwest::Client,
}

impl Drop for Emu {
    fn drop(&mut self) {
        self.running.shutdown();
    }
}

pub async fn start() -> Emu {
    start_with(|_| {}).await
}

pub async fn start_with(f: impl FnOnce(&mut Options)) -> Emu {
    let mut opts = default_options();
    f(&mut opts);
    let running = mpm_emulator::start("127.0.0.1:0".parse().unwrap(), opts)
        .await
        .expect("emulator starts");
    Emu {
        addr: running.addr,
        running,
        http: reqwest::Client::new(),
    }
}

/// The harness's "now": [`NOW`], where the emulators' clocks stand.
pub fn now_secs() -> f64 {
    NOW as f64
}

/// How to sign a request; defaults to the emulator's default test key.
#[derive(Clone)]
pub struct Signer {
    pub akid: String,
    pub secret: String,
    pub token: Option<String>,
    pub region: String,
    pub service: String,
    pub time: SystemTime,
}

impl Default for Signer {
    fn default() -> Signer {
        Signer {
            akid: AKID.into(),
            secret: SECRET.into(),
            token: None,
            region: "us-east-1".into(),
            service: "aws-marketplace".into(),
            time: system_time(NOW as f64),
        }
    }
}

impl Signer {
    /// Signs `secs` away from [`NOW`].
    pub fn shifted(secs: i64) -> Signer {
        Signer::at((NOW + secs) as f64)
    }

    /// Signs at this instant (epoch seconds).
    pub fn at(epoch_secs: f64) -> Signer {
        Signer {
            time: system_time(epoch_secs),
            ..Signer::default()
        }
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["__type"].as_str().unwrap_or("")
    }
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }
    /// Asserts an AWS error: status, `__type`, and a message fragment.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str, fragment: &str) {
        assert_eq!(self.status, status, "status of {}", self.text);
        assert_eq!(self.code(), code, "code of {}", self.text);
        assert!(
            self.message().contains(fragment),
            "message {:?} lacks {fragment:?}",
            self.message()
        );
    }
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected success, got {}", self.text);
        &self.body
    }
}

pub fn api_request(url: &str, op: &str, body: &str) -> http::Request<String> {
    http::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("AWSMPMeteringService.{op}"))
        .body(body.to_string())
        .unwrap()
}

pub fn sign_request(req: &mut http::Request<String>, s: &Signer) {
    let identity = Credentials::new(&s.akid, &s.secret, s.token.clone(), None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&s.region)
        .name(&s.service)
        .time(s.time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap().to_string()))
        .collect();
    let uri = req.uri().to_string();
    let signable = SignableRequest::new(
        req.method().as_str(),
        &uri,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(req.body().as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    instructions.apply_to_request_http1x(req);
}

impl Emu {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub async fn send(&self, req: http::Request<String>) -> Result<Reply, reqwest::Error> {
        let req = reqwest::Request::try_from(req).unwrap();
        let resp = self.http.execute(req).await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await?;
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            headers,
            text,
            body,
        })
    }

    pub async fn call_raw(&self, op: &str, body: &str, s: &Signer) -> Reply {
        let mut req = api_request(&self.url(), op, body);
        sign_request(&mut req, s);
        self.send(req).await.expect("response")
    }

    pub async fn call_as(&self, op: &str, body: Value, s: &Signer) -> Reply {
        self.call_raw(op, &body.to_string(), s).await
    }

    pub async fn call(&self, op: &str, body: Value) -> Reply {
        self.call_as(op, body, &Signer::default()).await
    }

    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("http://{}{path}", self.addr);
        let mut rb = self
            .http
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
        if let Some(b) = body {
            rb = rb.body(b.to_string());
        }
        let resp = rb.send().await.unwrap();
        assert!(
            resp.status().is_success(),
            "admin {method} {path}: {}",
            resp.status()
        );
        serde_json::from_str(&resp.text().await.unwrap()).unwrap()
    }

    /// Pins the emulator's clock at `epoch_secs` through the admin API (the
    /// offset goes back to 0).
    pub async fn set_now(&self, epoch_secs: f64) {
        let v = self
            .admin("POST", "/__mpm/clock", Some(json!({"now": epoch_secs})))
            .await;
        assert_eq!(v["now"].as_f64(), Some(epoch_secs), "{v}");
    }

    /// Calls with the clock pinned at `epoch_secs`, signed at that instant.
    pub async fn call_at(&self, epoch_secs: f64, op: &str, body: Value) -> Reply {
        self.set_now(epoch_secs).await;
        self.call_as(op, body, &Signer::at(epoch_secs)).await
    }

    pub async fn ledger(&self) -> Vec<Value> {
        self.admin("GET", "/__mpm/ledger", None)
            .await
            .as_array()
            .unwrap()
            .clone()
    }
}

pub fn meter(dimension: &str, ts: f64, qty: Value) -> Value {
    let mut v =
        json!({"ProductCode": "demo-product", "Timestamp": ts, "UsageDimension": dimension});
    match qty {
        Value::String(_) => v["UsageQuantityAsDecimal"] = qty,
        Value::Null => {}
        q => v["UsageQuantity"] = q,
    }
    v
}

pub fn record(customer: &str, dimension: &str, ts: f64, qty: i64) -> Value {
    json!({"CustomerIdentifier": customer, "Dimension": dimension, "Timestamp": ts, "Quantity": qty})
}

/// A time `secs` into the hour before [`NOW`]'s (13:00:00Z + secs): in the
/// past and inside every acceptance window, and two values share an hour key.
pub fn past_hour(secs: f64) -> f64 {
    (now_secs() / 3600.0).floor() * 3600.0 - 3600.0 + secs
}
