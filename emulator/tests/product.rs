//! The emulator as a product: signals, options from the environment, and
//! RegisterUsage's RS256 signature verified with the public key it serves.
mod common;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use ring::signature::{RsaPublicKeyComponents, UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The binary with `args` and only the `env` given among the MPM_EMULATOR_* variables.
fn spawn_env(args: &[&str], env: &[(&str, &str)]) -> (Proc, u16) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"));
    for (k, _) in std::env::vars() {
        if k.starts_with("MPM_EMULATOR_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let re = regex::Regex::new(r"^listening on http://127\.0\.0\.1:(\d+)\n$").unwrap();
    let port = re.captures(&line).unwrap_or_else(|| panic!("{line:?}"))[1]
        .parse()
        .unwrap();
    (Proc(child), port)
}

async fn emu_on(port: u16) -> Emu {
    let mut emu = start().await;
    emu.addr = format!("127.0.0.1:{port}").parse().unwrap();
    emu
}

fn stops_within_a_second_on(signal: &str) {
    let (mut p, port) = spawn_env(&["--listen", "127.0.0.1:0"], &[]);
    // Serving, with a connection left open (keep-alive would hold a graceful stop).
    let _conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &p.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let sent = Instant::now();
    loop {
        if let Some(st) = p.0.try_wait().unwrap() {
            assert_eq!(st.code(), Some(0), "{signal}: {st:?}");
            break;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(1),
            "{signal}: still running after 1 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn sigterm_stops_it_within_a_second_with_status_0() {
    stops_within_a_second_on("TERM");
}

#[test]
fn sigint_stops_it_within_a_second_with_status_0() {
    stops_within_a_second_on("INT");
}

#[test]
fn every_option_has_an_environment_variable() {
    let cmd = mpm_emulator::cli::Cli::command_with_env();
    let mut n = 0;
    for a in cmd.get_arguments() {
        let Some(long) = a.get_long() else { continue };
        if long == "help" || long == "version" {
            continue;
        }
        let env = a
            .get_env()
            .unwrap_or_else(|| panic!("--{long} has no variable"));
        assert_eq!(env.to_str().unwrap(), mpm_emulator::cli::env_name(long));
        n += 1;
    }
    assert!(n >= 10, "{n} options");
    // And --help names them.
    let out = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for v in [
        "MPM_EMULATOR_LISTEN",
        "MPM_EMULATOR_CLOCK_NOW",
        "MPM_EMULATOR_SIGNING_ALG",
    ] {
        assert!(help.contains(v), "{v} not in --help");
    }
}

#[tokio::test]
async fn options_from_the_environment() {
    let (_p, port) = spawn_env(
        &[],
        &[
            ("MPM_EMULATOR_LISTEN", "127.0.0.1:0"),
            ("MPM_EMULATOR_CLOCK_NOW", "2026-06-17T14:25:30Z"),
            ("MPM_EMULATOR_FAULT", "throttle:1;internal:1"),
            ("MPM_EMULATOR_SIGNING_ALG", "hs256"),
            ("MPM_EMULATOR_NO_AUTH", "true"),
        ],
    );
    let emu = emu_on(port).await;
    let clock = emu.admin("GET", "/__mpm/clock", None).await;
    assert_eq!(clock["pinned"], "2026-06-17T14:25:30.000Z", "{clock}");
    let faults = emu.admin("GET", "/__mpm/faults", None).await;
    assert_eq!(faults.as_array().unwrap().len(), 2, "{faults}");
    emu.admin("DELETE", "/__mpm/faults", None).await;
    // No auth: an unsigned request is served.
    let req = api_request(
        &emu.url(),
        "RegisterUsage",
        &json!({"ProductCode": "demo-product", "PublicKeyVersion": 1}).to_string(),
    );
    let r = emu.send(req).await.unwrap();
    let sig = r.ok()["Signature"].as_str().unwrap().to_string();
    assert_eq!(jwt_header(&sig)["alg"], "HS256");

    // The command line wins over the variable.
    let (_p, port) = spawn_env(
        &["--listen", "127.0.0.1:0", "--signing-alg", "rs256"],
        &[
            ("MPM_EMULATOR_SIGNING_ALG", "hs256"),
            ("MPM_EMULATOR_CLOCK_NOW", &NOW.to_string()),
        ],
    );
    let emu = emu_on(port).await;
    let r = emu
        .call(
            "RegisterUsage",
            json!({"ProductCode": "demo-product", "PublicKeyVersion": 1}),
        )
        .await;
    assert_eq!(
        jwt_header(r.ok()["Signature"].as_str().unwrap())["alg"],
        "RS256"
    );
}

#[test]
fn a_bad_variable_is_refused_naming_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_mpm-emulator"))
        .env("MPM_EMULATOR_LISTEN", "not-an-address")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not-an-address"), "{err}");
}

fn jwt_header(jwt: &str) -> Value {
    let h = jwt.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap()
}

/// The PKCS#1 RSAPublicKey inside a SubjectPublicKeyInfo (DER): the content of
/// the BIT STRING after the AlgorithmIdentifier.
fn spki_rsa_public_key(der: &[u8]) -> &[u8] {
    fn header(d: &[u8]) -> (u8, usize, usize) {
        let tag = d[0];
        let (len, hl) = if d[1] < 0x80 {
            (d[1] as usize, 2)
        } else {
            let n = (d[1] & 0x7f) as usize;
            (
                d[2..2 + n].iter().fold(0, |a, b| a << 8 | *b as usize),
                2 + n,
            )
        };
        (tag, len, hl)
    }
    let (t, _, hl) = header(der);
    assert_eq!(t, 0x30);
    let inner = &der[hl..];
    let (t, alen, ahl) = header(inner);
    assert_eq!(t, 0x30);
    let bits = &inner[ahl + alen..];
    let (t, blen, bhl) = header(bits);
    assert_eq!(t, 0x03);
    assert_eq!(bits[bhl], 0, "no unused bits");
    &bits[bhl + 1..bhl + blen]
}

#[tokio::test]
async fn register_usage_rs256_verifies_with_the_served_public_key() {
    let emu = start().await;
    let r = emu
        .call(
            "RegisterUsage",
            json!({"ProductCode": "demo-product", "PublicKeyVersion": 1, "Nonce": "n-1"}),
        )
        .await;
    let jwt = r.ok()["Signature"].as_str().unwrap().to_string();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header = jwt_header(&jwt);
    assert_eq!(header, json!({"alg": "RS256", "typ": "JWT", "kid": "1"}));
    let signing_input = format!("{}.{}", parts[0], parts[1]);
    let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();

    // The PEM.
    let resp = emu
        .http
        .get(format!("{}__mpm/public-key", emu.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/x-pem-file");
    let pem = resp.text().await.unwrap();
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki_rsa_public_key(&der))
        .verify(signing_input.as_bytes(), &sig)
        .expect("verifies with the PEM");

    // The JWK Set, found by the JWT's kid.
    let jwks = emu.admin("GET", "/__mpm/jwks.json", None).await;
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .unwrap_or_else(|| panic!("no kid 1 in {jwks}"));
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["alg"], "RS256");
    let n = URL_SAFE_NO_PAD.decode(key["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(key["e"].as_str().unwrap()).unwrap();
    assert_eq!(n.len(), 256, "2048-bit modulus");
    RsaPublicKeyComponents { n: &n, e: &e }
        .verify(&RSA_PKCS1_2048_8192_SHA256, signing_input.as_bytes(), &sig)
        .expect("verifies with the JWK");

    // A tampered payload does not.
    let mut forged = signing_input.clone().into_bytes();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    assert!(RsaPublicKeyComponents { n: &n, e: &e }
        .verify(&RSA_PKCS1_2048_8192_SHA256, &forged, &sig)
        .is_err());

    // An independent implementation: openssl, where installed.
    if Command::new("openssl").arg("version").output().is_ok() {
        let dir = std::env::temp_dir().join(format!("mpm-rs256-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("pub.pem"), &pem).unwrap();
        std::fs::write(dir.join("sig"), &sig).unwrap();
        std::fs::write(dir.join("data"), &signing_input).unwrap();
        let out = Command::new("openssl")
            .current_dir(&dir)
            .args([
                "dgst",
                "-sha256",
                "-verify",
                "pub.pem",
                "-signature",
                "sig",
                "data",
            ])
            .output()
            .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
