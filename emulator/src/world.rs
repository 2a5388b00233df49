//! The world the emulator serves: the products, customers, licenses,
//! registration tokens and accepted credentials of the emulated marketplace. Built-in defaults are relied on by other
//! parts of the project (examples, client tests), so they are fixed values.
//! A JSON config (file or admin endpoint) merges into them: entries with the
//! same key replace, new keys are added, `"replace_defaults": true` starts
//! from an empty world instead.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const DEFAULT_ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
pub const DEFAULT_SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const DEFAULT_PRODUCT: &str = "demo-product";
pub const DEFAULT_LICENSE_ARN: &str =
    "arn:aws:license-manager::111122223333:license:l-demo0000000000000000001";
/// Account assumed for a credential that names none (the caller of
/// MeterUsage/RegisterUsage is the buyer's role in the real service).
pub const DEFAULT_CALLER_ACCOUNT: &str = "111122223333";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Product {
    pub code: String,
    pub dimensions: Vec<String>,
    #[serde(default = "default_key_versions")]
    pub public_key_versions: Vec<i64>,
}

fn default_key_versions() -> Vec<i64> {
    vec![1]
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Customer {
    pub identifier: String,
    pub account_id: String,
    /// Product codes the customer is subscribed to.
    #[serde(default)]
    pub subscriptions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct License {
    pub arn: String,
    pub product_code: String,
    pub account_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RegistrationToken {
    pub token: String,
    #[serde(default)]
    pub expired: bool,
    #[serde(default)]
    pub customer_identifier: Option<String>,
    #[serde(default)]
    pub product_code: Option<String>,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub license_arn: Option<String>,
    #[serde(default)]
    pub agreement_id: Option<String>,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Credential {
    pub access_key_id: String,
    pub secret_access_key: String,
    #[serde(default)]
    pub session_token: Option<String>,
    /// The AWS account the key belongs to (RegisterUsage/MeterUsage caller).
    #[serde(default)]
    pub account_id: Option<String>,
}

// Secrets must never reach logs, so Debug shows the key id only.
impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credential({})", self.access_key_id)
    }
}

impl Credential {
    /// `AKID:SECRET[:TOKEN]`. The secret may not contain ':' (AWS secrets never do).
    pub fn parse(s: &str) -> Result<Credential, String> {
        let mut parts = s.splitn(3, ':');
        let (id, secret) = match (parts.next(), parts.next()) {
            (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => (id, secret),
            _ => return Err("expected AKID:SECRET[:TOKEN]".into()),
        };
        Ok(Credential {
            access_key_id: id.into(),
            secret_access_key: secret.into(),
            session_token: parts.next().filter(|t| !t.is_empty()).map(String::from),
            account_id: None,
        })
    }
}

/// Error RegisterUsage answers with regardless of entitlement, to test
/// clients' handling of these start-up failures.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub enum RegisterUsageError {
    PlatformNotSupportedException,
    CustomerNotEntitledException,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct World {
    pub products: BTreeMap<String, Product>,
    pub customers: BTreeMap<String, Customer>,
    pub licenses: BTreeMap<String, License>,
    pub tokens: BTreeMap<String, RegistrationToken>,
    #[serde(skip)]
    pub credentials: BTreeMap<String, Credential>,
    pub register_usage_error: Option<RegisterUsageError>,
    /// HMAC key of RegisterUsage signatures when `signing_alg` is HS256.
    #[serde(skip)]
    pub signing_key: String,
    /// How RegisterUsage signs: RS256 with the test key pair of `rs256` (default),
    /// or HS256 with `signing_key` (`--signing-alg hs256`).
    #[serde(skip)]
    pub signing_alg: SigningAlg,
}

/// The JWS algorithm of RegisterUsage signatures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "UPPERCASE")]
pub enum SigningAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256, the emulator's test key pair (public key served).
    #[default]
    #[value(name = "rs256", alias = "RS256")]
    Rs256,
    /// HMAC-SHA256 with the shared secret `signing_key` (the emulator's old behaviour).
    #[value(name = "hs256", alias = "HS256")]
    Hs256,
}

/// The JSON accepted by `--config` and `POST /__mpm/config`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigPatch {
    #[serde(default)]
    pub replace_defaults: bool,
    #[serde(default)]
    pub products: Vec<Product>,
    #[serde(default)]
    pub customers: Vec<Customer>,
    #[serde(default)]
    pub licenses: Vec<License>,
    #[serde(default)]
    pub registration_tokens: Vec<RegistrationToken>,
    #[serde(default)]
    pub credentials: Vec<Credential>,
    /// Absent: unchanged; null: cleared; a name: RegisterUsage fails with it.
    #[serde(default, deserialize_with = "some_option")]
    pub register_usage_error: Option<Option<RegisterUsageError>>,
    #[serde(default)]
    pub signing_key: Option<String>,
    /// "RS256" or "HS256".
    #[serde(default)]
    pub signing_alg: Option<SigningAlg>,
}

fn some_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl World {
    pub fn defaults() -> World {
        let mut w = World {
            signing_key: "mpm-emulator-register-usage-key".into(),
            ..World::default()
        };
        w.products.insert(
            DEFAULT_PRODUCT.into(),
            Product {
                code: DEFAULT_PRODUCT.into(),
                dimensions: vec!["users".into(), "hosts".into(), "data_gb".into()],
                public_key_versions: vec![1],
            },
        );
        for (id, acct, subscribed) in [
            ("demo-customer-1", "111122223333", true),
            ("demo-customer-2", "444455556666", true),
            ("unsubscribed-customer", "777788889999", false),
        ] {
            w.customers.insert(
                id.into(),
                Customer {
                    identifier: id.into(),
                    account_id: acct.into(),
                    subscriptions: if subscribed {
                        vec![DEFAULT_PRODUCT.into()]
                    } else {
                        vec![]
                    },
                },
            );
        }
        w.licenses.insert(
            DEFAULT_LICENSE_ARN.into(),
            License {
                arn: DEFAULT_LICENSE_ARN.into(),
                product_code: DEFAULT_PRODUCT.into(),
                account_id: "111122223333".into(),
            },
        );
        w.tokens.insert(
            "demo-registration-token".into(),
            RegistrationToken {
                token: "demo-registration-token".into(),
                expired: false,
                customer_identifier: Some("demo-customer-1".into()),
                product_code: Some(DEFAULT_PRODUCT.into()),
                account_id: Some("111122223333".into()),
                license_arn: Some(DEFAULT_LICENSE_ARN.into()),
                agreement_id: Some("agmt-demo-0001".into()),
            },
        );
        w.tokens.insert(
            "expired-registration-token".into(),
            RegistrationToken {
                token: "expired-registration-token".into(),
                expired: true,
                customer_identifier: None,
                product_code: None,
                account_id: None,
                license_arn: None,
                agreement_id: None,
            },
        );
        w
    }

    pub fn default_credential() -> Credential {
        Credential {
            access_key_id: DEFAULT_ACCESS_KEY.into(),
            secret_access_key: DEFAULT_SECRET_KEY.into(),
            session_token: None,
            account_id: None,
        }
    }

    pub fn apply(&mut self, patch: ConfigPatch) {
        if patch.replace_defaults {
            let key = std::mem::take(&mut self.signing_key);
            let creds = std::mem::take(&mut self.credentials);
            *self = World {
                signing_key: key,
                signing_alg: self.signing_alg,
                credentials: creds,
                ..World::default()
            };
        }
        for p in patch.products {
            self.products.insert(p.code.clone(), p);
        }
        for c in patch.customers {
            self.customers.insert(c.identifier.clone(), c);
        }
        for l in patch.licenses {
            self.licenses.insert(l.arn.clone(), l);
        }
        for t in patch.registration_tokens {
            self.tokens.insert(t.token.clone(), t);
        }
        for c in patch.credentials {
            self.credentials.insert(c.access_key_id.clone(), c);
        }
        if let Some(e) = patch.register_usage_error {
            self.register_usage_error = e;
        }
        if let Some(k) = patch.signing_key {
            self.signing_key = k;
        }
        if let Some(a) = patch.signing_alg {
            self.signing_alg = a;
        }
    }

    pub fn customer_by_account(&self, account: &str) -> Option<&Customer> {
        self.customers.values().find(|c| c.account_id == account)
    }

    /// JSON view for `GET /__mpm/config`: credentials by key id only.
    pub fn public_view(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        v["credentials"] = self
            .credentials
            .values()
            .map(|c| {
                serde_json::json!({
                    "access_key_id": c.access_key_id,
                    "has_session_token": c.session_token.is_some(),
                    "account_id": c.account_id,
                })
            })
            .collect();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_credentials() {
        let c = Credential::parse("AK:SECRET/x:TOK").unwrap();
        assert_eq!(c.session_token.as_deref(), Some("TOK"));
        assert!(Credential::parse("AK").is_err());
        assert!(!format!("{c:?}").contains("SECRET"));
    }

    #[test]
    fn patch_merges_and_clears() {
        let mut w = World::defaults();
        let patch: ConfigPatch = serde_json::from_str(
            r#"{"products":[{"code":"p2","dimensions":["d"]}],"register_usage_error":"PlatformNotSupportedException"}"#,
        )
        .unwrap();
        w.apply(patch);
        assert_eq!(w.products["p2"].public_key_versions, vec![1]);
        assert!(w.products.contains_key(DEFAULT_PRODUCT));
        assert!(w.register_usage_error.is_some());
        w.apply(serde_json::from_str(r#"{"register_usage_error":null}"#).unwrap());
        assert!(w.register_usage_error.is_none());
        w.apply(serde_json::from_str(r#"{"replace_defaults":true}"#).unwrap());
        assert!(w.products.is_empty());
    }
}
