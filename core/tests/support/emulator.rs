//! Starts `mpm-emulator` on a free loopback port for one test and stops it afterwards.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

pub struct Emulator {
    child: Child,
    pub url: String,
    addr: String,
}

fn binary() -> PathBuf {
    if let Some(p) = std::env::var_os("MPM_EMULATOR") {
        return PathBuf::from(p);
    }
    // The workspace root (the nearest directory holding Cargo.lock), whichever crate's tests
    // run; found here rather than through `workspace` so this file can be included alone.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|p| p.join("Cargo.lock").exists())
        .expect("the workspace root holds Cargo.lock")
        .to_path_buf();
    let bin = root.join("target/debug/mpm-emulator");
    assert!(
        bin.exists(),
        "{} is missing: build it first with `cargo build -p mpm-emulator` (make test does)",
        bin.display()
    );
    bin
}

impl Emulator {
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(binary())
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start mpm-emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the emulator's first line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        let addr = url.trim_start_matches("http://").to_string();
        Emulator { child, url, addr }
    }

    /// A plain HTTP/1.1 request to the admin endpoint; returns (status, body).
    pub fn admin(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        let mut s = TcpStream::connect(&self.addr).expect("connect to emulator");
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("send admin request");
        let mut resp = String::new();
        s.read_to_string(&mut resp).expect("read admin answer");
        let status = resp[9..12].parse().expect("status code");
        let body = resp
            .split_once("\r\n\r\n")
            .map(|x| x.1)
            .unwrap_or("")
            .to_string();
        (status, decode_chunked(&body))
    }

    pub fn ledger(&self) -> serde_json::Value {
        let (status, body) = self.admin("GET", "/__mpm/ledger", "");
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).expect("ledger JSON")
    }

    pub fn fault(&self, json: &str) {
        let (status, body) = self.admin("POST", "/__mpm/faults", json);
        assert!(status < 300, "fault not accepted: {status} {body}");
    }
}

/// Undoes chunked transfer encoding when the admin answer used it.
fn decode_chunked(body: &str) -> String {
    let first = body.lines().next().unwrap_or("");
    if first.is_empty()
        || !first.chars().all(|c| c.is_ascii_hexdigit())
        || body.trim_start().starts_with(['{', '['])
    {
        return body.to_string();
    }
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    out
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
