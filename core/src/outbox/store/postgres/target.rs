//! Where the fleet's store is: a `postgres://` URL (libpq's form, parsed by tokio-postgres)
//! plus the outbox's own `schema=` parameter, and the schema's name checked. The password
//! never leaves this module in any text: errors go through the core's redaction, and the
//! URL is shown with its user info masked.

use std::fmt;

use crate::outbox::model::OutboxError;
use crate::redact;

/// The schema when neither the URL nor the options name one.
pub const DEFAULT_SCHEMA: &str = "mpmeter";

/// A parsed and checked fleet store address. Debug output masks the password.
#[derive(Clone)]
pub struct Target {
    /// The connection settings from the URL (host, port, database, user, TLS mode).
    pub config: tokio_postgres::Config,
    /// The schema's name, checked: safe to write into SQL quoted.
    pub schema: String,
    /// The URL with its user info masked, for messages.
    pub shown: String,
    /// The password as written in the URL and percent-decoded: replaced in every message.
    secrets: Vec<String>,
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Target")
            .field("url", &self.shown)
            .field("schema", &self.schema)
            .finish_non_exhaustive()
    }
}

fn invalid(m: String) -> OutboxError {
    OutboxError::InvalidArgument(m)
}

/// A schema name the outbox accepts: lower-case letters, digits and `_`, at most 63 bytes
/// (PostgreSQL's limit), not starting with a digit nor with `pg_` (reserved).
pub fn check_schema(name: &str) -> Result<(), OutboxError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && !name.starts_with("pg_")
        && name.bytes().next().is_some_and(|b| !b.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(invalid(format!(
            "the PostgreSQL schema {} must be 1 to 63 lower-case letters, digits or _, not starting with a digit or pg_",
            crate::quote::quote(name)
        )));
    }
    Ok(())
}

/// The URL's password, as written and percent-decoded.
fn passwords(url: &str) -> Vec<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let Some((userinfo, _)) = authority.rsplit_once('@') else {
        return vec![];
    };
    let Some((_, pw)) = userinfo.split_once(':') else {
        return vec![];
    };
    let mut out = vec![pw.to_string()];
    let decoded = percent_decode(pw);
    if decoded != pw {
        out.push(decoded);
    }
    out.retain(|p| !p.is_empty());
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).and_then(|&c| hex(c)),
            b.get(i + 2).and_then(|&c| hex(c)),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Target {
    /// Parses `url`; `schema=NAME` in its query names the schema (else `schema`, else
    /// `mpmeter`).
    pub fn parse(url: &str, schema: Option<&str>) -> Result<Self, OutboxError> {
        let secrets = passwords(url);
        let shown = redact::message(url, &secrets.iter().map(String::as_str).collect::<Vec<_>>());
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(invalid(format!(
                "a PostgreSQL store is a postgres:// or postgresql:// URL (got {shown})"
            )));
        }
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (url, None),
        };
        let mut from_url = None;
        let mut kept = Vec::new();
        for pair in query.into_iter().flat_map(|q| q.split('&')) {
            match pair.split_once('=') {
                Some(("schema", v)) => from_url = Some(percent_decode(v)),
                _ => kept.push(pair),
            }
        }
        let libpq_url = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let mut config: tokio_postgres::Config =
            libpq_url.parse().map_err(|e: tokio_postgres::Error| {
                invalid(format!(
                    "the PostgreSQL URL {shown} is not valid: {}",
                    redact_with(&secrets, &e.to_string())
                ))
            })?;
        let schema = from_url
            .or_else(|| schema.map(str::to_string))
            .unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
        check_schema(&schema)?;
        if config.get_application_name().is_none() {
            config.application_name("mpmeter-outbox");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(5));
        }
        // A server that vanished (a host down, a network cut) is noticed within a minute.
        config.keepalives_idle(std::time::Duration::from_secs(20));
        config.tcp_user_timeout(std::time::Duration::from_secs(30));
        Ok(Self {
            config,
            schema,
            shown,
            secrets,
        })
    }

    /// `text` with the password (and any URL user info) masked.
    pub fn redact(&self, text: &str) -> String {
        redact_with(&self.secrets, text)
    }

    /// A store error about this target, its text redacted.
    pub fn error(&self, what: &str, e: &dyn std::fmt::Display) -> OutboxError {
        OutboxError::Store(self.redact(&format!("{what} ({}): {e}", self.shown)))
    }
}

fn redact_with(secrets: &[String], text: &str) -> String {
    redact::message(
        text,
        &secrets.iter().map(String::as_str).collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let t = Target::parse(
            "postgres://fleet:s3cr%40t-pw-long@db.example:5433/metering?schema=billing&sslmode=disable",
            None,
        )
        .unwrap();
        assert_eq!(t.schema, "billing");
        assert_eq!(t.config.get_ports(), &[5433]);
        for text in [
            format!("{t:?}"),
            t.shown.clone(),
            t.redact("auth s3cr@t-pw-long failed"),
        ] {
            assert!(!text.contains("s3cr"), "{text}");
        }
        let e = Target::parse("postgres://u:hunter2-long@h/db?bogus=1", None).unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("bogus"), "{e}");
    }

    #[test]
    fn schema_from_the_url_the_options_or_the_default() {
        let t = |url: &str, o: Option<&str>| Target::parse(url, o).map(|t| t.schema);
        assert_eq!(t("postgres://h/db", None).unwrap(), "mpmeter");
        assert_eq!(t("postgres://h/db", Some("fleet_a")).unwrap(), "fleet_a");
        assert_eq!(t("postgres://h/db?schema=b", Some("fleet_a")).unwrap(), "b");
        for bad in ["", "A", "pg_x", "1a", "a-b", "a\"b"] {
            assert!(
                matches!(
                    t("postgres://h/db", Some(bad)),
                    Err(OutboxError::InvalidArgument(_))
                ),
                "{bad:?}"
            );
        }
        assert!(t("mysql://h/db", None).is_err());
    }
}
