//! Stub AWS credential endpoints on 127.0.0.1 for the credentials tests: STS (AssumeRole,
//! AssumeRoleWithWebIdentity), ECS/EKS container credentials and IMDSv2. Each hands out
//! numbered session credentials (AKID prefix + counter) and records the requests it saw.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

pub type Handler = Box<dyn Fn(&Request, u32) -> Reply + Send + Sync>;

impl Reply {
    /// A redirect to `location` with an empty body.
    pub fn redirect(status: u16, location: &str) -> Self {
        Reply {
            status,
            content_type: "text/plain",
            body: String::new(),
            headers: vec![("Location".into(), location.to_string())],
        }
    }
}

/// A running stub; `issued()` counts credentials handed out.
pub struct Stub {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Request>>>,
    issued: Arc<Mutex<u32>>,
}

impl Stub {
    pub fn issued(&self) -> u32 {
        *self.issued.lock().unwrap()
    }
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

/// Session credentials number `n` of a stub: (akid, secret, token).
pub fn creds(prefix: &str, n: u32) -> (String, String, String) {
    (
        format!("{prefix}{n:04}"),
        format!("stub-secret-{prefix}-{n}-DO-NOT-LEAK"),
        format!("stub-token-{prefix}-{n}"),
    )
}

pub fn iso8601(t: SystemTime) -> String {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A stub answering every request with `handler`'s reply (the counter is the number of
/// credentials issued so far plus one).
pub fn start(handler: Handler) -> Stub {
    start_with(handler, None)
}

/// The same over HTTPS, with the test certificate for 127.0.0.1 in tests/data (trust
/// `tests/data/test-ca.pem`).
pub fn start_tls(handler: Handler) -> Stub {
    let data = super::workspace::test_data();
    let read = |f: &str| std::fs::read(data.join(f)).expect("test TLS material");
    use rustls::pki_types::pem::PemObject;
    let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&read("localhost-cert.pem"))
        .collect::<Result<Vec<_>, _>>()
        .expect("certificate PEM");
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(&read("localhost-key.pem"))
        .expect("key PEM");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server certificate");
    start_with(handler, Some(Arc::new(config)))
}

fn start_with(handler: Handler, tls: Option<Arc<rustls::ServerConfig>>) -> Stub {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind stub");
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let issued = Arc::new(Mutex::new(0u32));
    let (r, i) = (Arc::clone(&requests), Arc::clone(&issued));
    let handler = Arc::new(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (h, r, i) = (Arc::clone(&handler), Arc::clone(&r), Arc::clone(&i));
            let tls = tls.clone();
            std::thread::spawn(move || match tls {
                None => serve(stream, h, r, i),
                Some(config) => {
                    let Ok(conn) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    serve(rustls::StreamOwned::new(conn, stream), h, r, i)
                }
            });
        }
    });
    Stub {
        url,
        requests,
        issued,
    }
}

fn serve<S: Read + Write>(
    stream: S,
    handler: Arc<Handler>,
    log: Arc<Mutex<Vec<Request>>>,
    issued: Arc<Mutex<u32>>,
) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let mut headers = Vec::new();
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap_or(0);
                }
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let req = Request {
            method,
            path,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        log.lock().unwrap().push(req.clone());
        let n = *issued.lock().unwrap() + 1;
        let reply = handler(&req, n);
        if reply.status == 200 && reply.body.contains(&creds("", n).1[..10]) {
            *issued.lock().unwrap() = n;
        }
        let mut head = format!(
            "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
            reply.status,
            reply.content_type,
            reply.body.len()
        );
        for (k, v) in &reply.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let out = reader.get_mut();
        if out.write_all(head.as_bytes()).is_err()
            || out.write_all(reply.body.as_bytes()).is_err()
            || out.flush().is_err()
        {
            return;
        }
    }
}

fn ok(content_type: &'static str, body: String) -> Reply {
    Reply {
        status: 200,
        content_type,
        body,
        headers: Vec::new(),
    }
}

/// STS answering AssumeRole and AssumeRoleWithWebIdentity (awsQuery XML) with credentials
/// `prefix`NNNN valid for `ttl`.
pub fn sts(prefix: &'static str, ttl: Duration) -> Stub {
    start(Box::new(move |req, n| {
        let action = if req.body.contains("Action=AssumeRoleWithWebIdentity") {
            "AssumeRoleWithWebIdentity"
        } else if req.body.contains("Action=AssumeRole") {
            "AssumeRole"
        } else {
            return Reply {
                status: 400,
                content_type: "text/xml",
                body: "<Error/>".into(),
                headers: Vec::new(),
            };
        };
        let (akid, secret, token) = creds(prefix, n);
        let exp = iso8601(SystemTime::now() + ttl);
        ok("text/xml", format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
             <Credentials><AccessKeyId>{akid}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
             <SessionToken>{token}</SessionToken><Expiration>{exp}</Expiration></Credentials>\
             <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\
             <AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser>\
             </{action}Result><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata>\
             </{action}Response>"
        ))
    }))
}

fn json_creds(prefix: &str, n: u32, ttl: Duration, imds: bool) -> String {
    let (akid, secret, token) = creds(prefix, n);
    let exp = iso8601(SystemTime::now() + ttl);
    let extra = if imds {
        format!(
            "\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"LastUpdated\":\"{}\",",
            iso8601(SystemTime::now())
        )
    } else {
        String::new()
    };
    format!(
        "{{{extra}\"AccessKeyId\":\"{akid}\",\"SecretAccessKey\":\"{secret}\",\
         \"Token\":\"{token}\",\"Expiration\":\"{exp}\"}}"
    )
}

/// ECS/EKS container credentials at any path; the Authorization header is recorded.
pub fn container(prefix: &'static str, ttl: Duration) -> Stub {
    start(Box::new(move |_req, n| {
        ok("application/json", json_creds(prefix, n, ttl, false))
    }))
}

/// IMDSv2: a session token from PUT /latest/api/token (required on every other request),
/// the role name, then the role's credentials.
pub fn imds(prefix: &'static str, ttl: Duration) -> Stub {
    start(Box::new(move |req, n| {
        const TOKEN: &str = "stub-imds-session-token";
        const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";
        if req.method == "PUT" && req.path == "/latest/api/token" {
            let mut r = ok("text/plain", TOKEN.into());
            r.headers.push((
                "x-aws-ec2-metadata-token-ttl-seconds".into(),
                "21600".into(),
            ));
            return r;
        }
        if req.header("x-aws-ec2-metadata-token") != Some(TOKEN) {
            return Reply {
                status: 401,
                content_type: "text/plain",
                body: String::new(),
                headers: Vec::new(),
            };
        }
        match req.path.as_str() {
            ROLE_PATH => ok("text/plain", "stub-instance-role".into()),
            p if p == format!("{ROLE_PATH}stub-instance-role") => {
                ok("application/json", json_creds(prefix, n, ttl, true))
            }
            "/latest/meta-data/placement/region" => ok("text/plain", "eu-west-3".into()),
            _ => Reply {
                status: 404,
                content_type: "text/plain",
                body: String::new(),
                headers: Vec::new(),
            },
        }
    }))
}

/// A stub a redirect points at in the redirect tests: it answers like the service, so a
/// followed redirect would read as metered usage.
pub fn service_lookalike() -> Stub {
    start(Box::new(|_, _| Reply {
        status: 200,
        content_type: "application/x-amz-json-1.1",
        body: r#"{"MeteringRecordId":"not-from-aws"}"#.into(),
        headers: Vec::new(),
    }))
}

/// A stub (https with the test certificate when `tls`) answering every request with a
/// `status` redirect to `to`/elsewhere.
pub fn redirecting(status: u16, to: &str, tls: bool) -> Stub {
    let location = format!("{to}/elsewhere");
    let handler: Handler = Box::new(move |_, _| Reply::redirect(status, &location));
    if tls {
        start_tls(handler)
    } else {
        start(handler)
    }
}
