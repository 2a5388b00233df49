//! A minimal HTTP/1.1 keep-alive mock of the Metering Service for the HTTP bench: one thread
//! (a tokio current_thread runtime; the script pins it to one CPU with taskset), canned
//! MeterUsage/BatchMeterUsage answers built once at start, an x-amzn-RequestId on every answer,
//! no signature check, no parsing beyond the request line, Content-Length and X-Amz-Target.
//!
//!   mock-server [--port P] [--timestamp UNIX]    prints "listening on http://127.0.0.1:P"

#[path = "../http_common.rs"]
mod common;

use std::rc::Rc;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn answer(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/x-amz-json-1.1\r\n\
         x-amzn-requestid: {REQUEST_ID}\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

struct Canned {
    meter: Vec<u8>,
    batch: Vec<u8>,
    unknown: Vec<u8>,
}

fn find(h: &[u8], pat: &[u8]) -> Option<usize> {
    h.windows(pat.len()).position(|w| w == pat)
}

/// The value of header `name` (lowercase) in a header block, compared case-insensitively.
fn header<'a>(head: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    for line in head.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > name.len()
            && line[name.len()] == b':'
            && line[..name.len()].eq_ignore_ascii_case(name)
        {
            let v = &line[name.len() + 1..];
            let start = v.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(v.len());
            return Some(&v[start..]);
        }
    }
    None
}

async fn serve(mut s: TcpStream, canned: Rc<Canned>) {
    let _ = s.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut out: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut tmp = vec![0u8; 64 * 1024];
    loop {
        // Answer every complete request in the buffer (pipelining allowed), then write once.
        loop {
            let Some(end) = find(&buf, b"\r\n\r\n") else { break };
            let head = &buf[..end];
            let len: usize = header(head, b"content-length")
                .and_then(|v| std::str::from_utf8(v).ok())
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() < end + 4 + len {
                break;
            }
            let target = header(head, b"x-amz-target").unwrap_or(b"");
            let a = if target == METER_TARGET.as_bytes() {
                &canned.meter
            } else if target == BATCH_TARGET.as_bytes() {
                &canned.batch
            } else {
                &canned.unknown
            };
            out.extend_from_slice(a);
            buf.drain(..end + 4 + len);
        }
        if !out.is_empty() {
            if s.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
        match s.read(&mut tmp).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
        }
    }
}

fn main() {
    let mut port = 0u16;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut ts = now - now % 3600;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let v = it.next().unwrap_or_else(|| die(&format!("{a} needs a value")));
        match a.as_str() {
            "--port" => port = v.parse().unwrap_or_else(|_| die("bad port")),
            "--timestamp" => ts = v.parse().unwrap_or_else(|_| die("bad timestamp")),
            _ => die(&format!("unknown argument {a}")),
        }
    }
    let canned = Rc::new(Canned {
        meter: answer(&meter_answer()),
        batch: answer(&batch_answer(ts)),
        unknown: {
            let body = r#"{"__type":"UnknownOperationException","message":"unknown target"}"#;
            format!(
                "HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\n\
                 x-amzn-requestid: {REQUEST_ID}\r\nx-amzn-errortype: UnknownOperationException\r\n\
                 content-length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
        },
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async move {
        let l = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        println!("listening on http://{}", l.local_addr().unwrap());
        use std::io::Write;
        std::io::stdout().flush().unwrap();
        loop {
            let (s, _) = match l.accept().await {
                Ok(x) => x,
                Err(_) => continue,
            };
            tokio::task::spawn_local(serve(s, canned.clone()));
        }
    });
}
