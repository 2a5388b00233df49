//! The built binary: first stdout line, options, --help.
mod common;
use common::*;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Proc, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (Proc(child), line)
}

async fn emu_at(line: &str) -> Emu {
    let re = regex::Regex::new(r"^listening on http://127\.0\.0\.1:(\d+)\n$").unwrap();
    let port: u16 = re.captures(line).unwrap_or_else(|| panic!("{line:?}"))[1]
        .parse()
        .unwrap();
    // Reuse the client helpers against the external process; the in-process
    // emulator started alongside is idle.
    let mut emu = start().await;
    emu.addr = format!("127.0.0.1:{port}").parse().unwrap();
    emu
}

#[tokio::test]
async fn prints_address_and_serves() {
    let (_p, line) = spawn(&["--fault", "throttle:1"]);
    let emu = emu_at(&line).await;
    assert_eq!(
        emu.admin("GET", "/__mpm/health", None).await["status"],
        "ok"
    );
    let body = json!({"RegistrationToken": "demo-registration-token"});
    emu.call("ResolveCustomer", body.clone())
        .await
        .assert_error(400, "ThrottlingException", "Rate exceeded");
    emu.call("ResolveCustomer", body).await.ok();
}

#[tokio::test]
async fn credentials_config_and_no_default_key() {
    let dir = std::env::temp_dir().join(format!("mpm-cfg-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("config.json");
    std::fs::write(
        &cfg,
        json!({"products": [{"code": "cfg-product", "dimensions": ["seats"]}],
               "customers": [{"identifier": "demo-customer-1", "account_id": "111122223333", "subscriptions": ["cfg-product"]}]})
        .to_string(),
    )
    .unwrap();
    let (_p, line) = spawn(&[
        "--credentials",
        "AKIDCLI0000000000001:cli-secret",
        "--config",
        cfg.to_str().unwrap(),
        "--region",
        "us-west-2",
    ]);
    let emu = emu_at(&line).await;
    let s = Signer {
        akid: "AKIDCLI0000000000001".into(),
        secret: "cli-secret".into(),
        region: "us-west-2".into(),
        ..Signer::default()
    };
    let body = json!({"ProductCode": "cfg-product", "Timestamp": past_hour(1.0), "UsageDimension": "seats", "UsageQuantity": 1});
    emu.call_as("MeterUsage", body.clone(), &s).await.ok();
    // Given --credentials, the built-in example key is not accepted.
    let default_key = Signer {
        region: "us-west-2".into(),
        ..Signer::default()
    };
    emu.call_as("MeterUsage", body, &default_key)
        .await
        .assert_error(403, "UnrecognizedClientException", "security token");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn help_documents_options_and_admin_api() {
    let out = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--listen",
        "--credentials",
        "--region",
        "--no-auth",
        "--config",
        "--fault",
        "--clock-offset",
        "--ledger-file",
        "--verbose",
        "/__mpm/health",
        "/__mpm/ledger",
        "/__mpm/reset",
        "/__mpm/faults",
        "/__mpm/config",
        "/__mpm/requests",
        "/__mpm/clock",
        "AKIAIOSFODNN7EXAMPLE",
        "demo-registration-token",
        "unprocessed",
        "retry_after",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn bad_arguments_fail() {
    let out = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
        .args(["--fault", "explode:1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown fault mode"));
}

#[tokio::test]
async fn verbose_logs_requests_to_stderr_only() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
        .args(["--listen", "127.0.0.1:0", "--verbose"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let stderr = child.stderr.take().unwrap();
    let proc = Proc(child);
    let emu = emu_at(&line).await;
    let body = json!({"RegistrationToken": "demo-registration-token"});
    emu.call("ResolveCustomer", body).await.ok();
    drop(proc);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert_eq!(rest, "", "nothing but the address on stdout");
    let mut log = String::new();
    std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut log).unwrap();
    assert!(log.contains("ResolveCustomer 200 Success"), "{log}");
    assert!(!log.contains("wJalrXUtnFEMI"), "no secrets in logs");
}
