//! The RegisterUsage signing key: RS256 (RSASSA-PKCS1-v1_5 with SHA-256) with
//! a 2048-bit test key pair checked in at `emulator/keys/`. The public half is
//! served at `GET /__mpm/public-key` (PEM, SubjectPublicKeyInfo) and
//! `GET /__mpm/jwks.json` (a JWK Set), so a product can run its real
//! signature verification against the emulator.
//!
//! The key is a TEST key: its private half is public (it is in this
//! repository). Never trust it outside tests.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RsaPublicKeyComponents, RSA_PKCS1_SHA256};
use serde_json::{json, Value};
use std::sync::OnceLock;

/// The private key, PKCS#8 PEM.
pub const PRIVATE_KEY_PEM: &str = include_str!("../keys/register-usage-test-key.pem");
/// The public key, SubjectPublicKeyInfo PEM (what `openssl pkey -pubout` prints).
pub const PUBLIC_KEY_PEM: &str = include_str!("../keys/register-usage-test-key.pub.pem");
/// The `kid` of the key in the JWK Set when no version names it.
pub const KEY_ID: &str = "mpm-emulator-test-1";

fn pem_body(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD
        .decode(b64.trim())
        .expect("checked-in PEM is base64")
}

fn key_pair() -> &'static RsaKeyPair {
    static KEY: OnceLock<RsaKeyPair> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaKeyPair::from_pkcs8(&pem_body(PRIVATE_KEY_PEM)).expect("checked-in PKCS#8 RSA key")
    })
}

/// The RS256 signature of `signing_input` (the JWS `header.payload`).
pub fn sign(signing_input: &[u8]) -> Vec<u8> {
    let kp = key_pair();
    let mut sig = vec![0u8; kp.public().modulus_len()];
    kp.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        signing_input,
        &mut sig,
    )
    .expect("RSA signing");
    sig
}

/// One JWK (RFC 7517) for the public key under `kid`.
pub fn jwk(kid: &str) -> Value {
    let c: RsaPublicKeyComponents<Vec<u8>> = key_pair().public().into();
    json!({
        "kty": "RSA",
        "use": "sig",
        "alg": "RS256",
        "kid": kid,
        "n": URL_SAFE_NO_PAD.encode(&c.n),
        "e": URL_SAFE_NO_PAD.encode(&c.e),
    })
}

/// The JWK Set: the key under [`KEY_ID`] and under each public key version
/// in `versions` (the `kid` of the JWTs RegisterUsage answers), one key for all.
pub fn jwks(versions: impl IntoIterator<Item = i64>) -> Value {
    let mut kids: Vec<String> = versions.into_iter().map(|v| v.to_string()).collect();
    kids.sort();
    kids.dedup();
    let mut keys = vec![jwk(KEY_ID)];
    keys.extend(kids.iter().map(|k| jwk(k)));
    json!({ "keys": keys })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

    #[test]
    fn the_served_pem_is_the_private_keys_public_half() {
        // SPKI DER ends with the BIT STRING holding the PKCS#1 RSAPublicKey.
        let spki = pem_body(PUBLIC_KEY_PEM);
        let pkcs1 = key_pair().public().as_ref();
        assert!(spki.ends_with(pkcs1));
        let sig = sign(b"a.b");
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pkcs1)
            .verify(b"a.b", &sig)
            .unwrap();
    }
}
