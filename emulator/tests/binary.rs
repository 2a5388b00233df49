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

/// The binary with its clock pinned at the harness's [`NOW`] unless `args`
/// pin it elsewhere, so the helpers' signatures fit it.
fn spawn(args: &[&str]) -> (Proc, String) {
    let now = NOW.to_string();
    let pin = ["--clock-now", now.as_str()];
    let pin = if args.contains(&"--clock-now") {
        &[][..]
    } else {
        &pin[..]
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
        .args(["--listen", "127.0.0.1:0"])
        .args(pin)
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
        "--clock-now",
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
    for (args, error) in [
        (["--fault", "explode:1"], "unknown fault mode"),
        (["--clock-now", "2027-02-29T00:00:00Z"], "expected RFC 3339"),
        (["--clock-now", "tomorrow"], "expected RFC 3339"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(error),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `--clock-now` pins the clock (with `--clock-offset` on top): the time
/// rules, the Date header and the signature check all read it.
#[tokio::test]
async fn clock_now_pins_the_clock() {
    let (_p, line) = spawn(&[
        "--clock-now",
        "2028-03-01T05:00:00Z",
        "--clock-offset",
        "3540",
    ]);
    let emu = emu_at(&line).await;
    let now = at("2028-03-01T05:59:00Z");
    let clock = emu.admin("GET", "/__mpm/clock", None).await;
    assert_eq!(clock["now"], json!(now));
    assert_eq!(clock["now_rfc3339"], "2028-03-01T05:59:00.000Z");
    assert_eq!(clock["pinned"], "2028-03-01T05:00:00.000Z");
    assert_eq!(clock["offset_seconds"], 3540);
    // Still inside the previous month's grace period: a 29 February record is taken.
    let feb29 = at("2028-02-29T23:30:00Z");
    let batch = json!({"ProductCode": "demo-product",
        "UsageRecords": [record("demo-customer-1", "users", feb29, 1)]});
    let r = emu
        .call_as("BatchMeterUsage", batch.clone(), &Signer::at(now))
        .await;
    assert_eq!(r.ok()["Results"][0]["Status"], "Success");
    assert_eq!(r.headers["date"], "Wed, 01 Mar 2028 05:59:00 GMT");
    // The clock stands still until told otherwise.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        emu.admin("GET", "/__mpm/clock", None).await["now"],
        json!(now)
    );
    // Moved past 06:00 through the admin API, the same record is refused.
    let later = at("2028-03-01T06:00:00Z");
    emu.set_now(later).await;
    emu.call_as("BatchMeterUsage", batch, &Signer::at(later))
        .await
        .assert_error(
            400,
            "TimestampOutOfBoundsException",
            "previous billing month",
        );
}

#[tokio::test]
async fn verbose_logs_requests_to_stderr_only() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
        .args(["--listen", "127.0.0.1:0", "--verbose"])
        .args(["--clock-now", &NOW.to_string()])
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
