//! Where a client's credentials come from. Any `ProvideCredentials` implementation fits (static
//! keys, or a provider chain), so providers stay interchangeable; `Anonymous` sends unsigned
//! requests, as QtAws's `AwsAnonymousCredentials` did.

use std::fmt;

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;

#[derive(Clone)]
pub enum CredentialsSource {
    Anonymous,
    Provider(SharedCredentialsProvider),
}

impl fmt::Debug for CredentialsSource {
    // Never prints key material: only which kind of source this is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsSource::Anonymous => f.write_str("CredentialsSource::Anonymous"),
            CredentialsSource::Provider(_) => f.write_str("CredentialsSource::Provider(..)"),
        }
    }
}

impl CredentialsSource {
    /// Static keys, with a session token for temporary credentials.
    pub fn basic(access_key_id: &str, secret: &str, session_token: Option<&str>) -> Self {
        let creds = Credentials::new(
            access_key_id,
            secret,
            session_token.map(str::to_string),
            None,
            "mpmeter-basic",
        );
        CredentialsSource::Provider(SharedCredentialsProvider::new(creds))
    }

    pub fn from_provider(p: impl ProvideCredentials + 'static) -> Self {
        CredentialsSource::Provider(SharedCredentialsProvider::new(p))
    }

    /// The credentials to sign with now, or None for anonymous requests. The error text
    /// comes from the provider, which does not put secrets in its errors.
    pub async fn resolve(&self) -> Result<Option<Credentials>, String> {
        match self {
            CredentialsSource::Anonymous => Ok(None),
            CredentialsSource::Provider(p) => {
                p.provide_credentials().await.map(Some).map_err(|e| {
                    use std::error::Error as _;
                    let mut msg = e.to_string();
                    let mut src = e.source();
                    while let Some(s) = src {
                        msg.push_str(": ");
                        msg.push_str(&s.to_string());
                        src = s.source();
                    }
                    msg
                })
            }
        }
    }
}
