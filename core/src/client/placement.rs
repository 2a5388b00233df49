//! Which region and endpoint a client is made for. The caller's values come first, then the
//! environment's (`EnvSettings`: AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, IMDS
//! when asked for; AWS_ENDPOINT_URL_MARKETPLACE_METERING, AWS_ENDPOINT_URL, the profile's
//! endpoints), and an endpoint given without a region signs for `DEFAULT_ENDPOINT_REGION`.

use crate::env_config::EnvSettings;
use crate::error::Error;

/// The signing region of a client made from an endpoint alone, until its region is set.
pub const DEFAULT_ENDPOINT_REGION: &str = "us-east-1";

/// The region a client signs for and the explicit endpoint it calls, if any (else the
/// region's endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The region requests are signed for (and, without `endpoint`, sent to).
    pub region: String,
    /// The URL to call instead of the region's endpoint.
    pub endpoint: Option<String>,
}

impl Placement {
    /// Chooses by the precedence of the module doc; an error when no region is known.
    pub fn choose(
        region: Option<String>,
        endpoint: Option<String>,
        env: Option<&EnvSettings>,
    ) -> Result<Self, Error> {
        let endpoint = endpoint.or_else(|| {
            env.and_then(|e| e.endpoint.as_ref())
                .map(|e| e.value.clone())
        });
        let region = region
            .or_else(|| env.and_then(|e| e.region.as_ref()).map(|r| r.value.clone()))
            .or_else(|| {
                endpoint
                    .as_ref()
                    .map(|_| DEFAULT_ENDPOINT_REGION.to_string())
            })
            .ok_or_else(|| {
                Error::Endpoint(
                    "no region: pass one, or set AWS_REGION, AWS_DEFAULT_REGION or the \
                     profile's region (on EC2 without these, pass the instance's region)"
                        .into(),
                )
            })?;
        Ok(Self { region, endpoint })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env_config::Sourced;

    fn sourced(v: &str) -> Option<Sourced<String>> {
        Some(Sourced {
            value: v.into(),
            source: "test".into(),
        })
    }

    fn choose(
        region: Option<&str>,
        endpoint: Option<&str>,
        env: Option<&EnvSettings>,
    ) -> Result<(String, Option<String>), Error> {
        Placement::choose(region.map(Into::into), endpoint.map(Into::into), env)
            .map(|p| (p.region, p.endpoint))
    }

    #[test]
    fn the_callers_values_win_then_the_environments_then_the_default() {
        let env = EnvSettings {
            region: sourced("eu-west-1"),
            endpoint: sourced("http://env:1"),
            ..Default::default()
        };
        let ours = (
            String::from("ap-south-1"),
            Some(String::from("http://ours:1")),
        );
        assert_eq!(
            choose(Some("ap-south-1"), Some("http://ours:1"), Some(&env)).unwrap(),
            ours
        );
        assert_eq!(
            choose(None, None, Some(&env)).unwrap(),
            ("eu-west-1".into(), Some("http://env:1".into()))
        );
        let no_region = EnvSettings {
            endpoint: sourced("http://env:1"),
            ..Default::default()
        };
        assert_eq!(
            choose(None, None, Some(&no_region)).unwrap().0,
            DEFAULT_ENDPOINT_REGION
        );
        assert_eq!(
            choose(None, Some("http://x:1"), None).unwrap().0,
            DEFAULT_ENDPOINT_REGION
        );
        assert_eq!(
            choose(Some("ca-west-1"), None, None).unwrap(),
            ("ca-west-1".into(), None)
        );
    }

    #[test]
    fn no_region_anywhere_is_an_endpoint_error_that_says_where_to_set_one() {
        match choose(None, None, Some(&EnvSettings::default())) {
            Err(Error::Endpoint(m)) => assert!(m.contains("AWS_REGION"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
