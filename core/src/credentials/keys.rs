//! Which keys are accepted, checked when credentials are made (static keys, a callback's
//! answer, anything a provider of the chain returns), never later at signing time. Messages
//! name the field and the rule, never the value.
//!
//! Limits:
//! - access key id: 1 to 128 bytes, IAM's `AccessKeyIdType` (16 to 128 characters; mpmeter
//!   does not insist on 16, since emulators and tests use short ids);
//! - secret key: 1 to 128 bytes; AWS's are 40 characters, IAM and STS document no larger
//!   form, and 128 leaves room for other SigV4 services' emulators;
//! - session token: at most 16 KiB. STS documents no maximum (and asks clients not to assume
//!   one); real tokens are a few hundred bytes to ~2 KiB with session tags or IRSA, and a
//!   header past 16 KiB is refused by every common HTTP front end anyway;
//! - no control character (CR, LF, TAB, any byte below 0x20, DEL) in any of them: they
//!   would break or forge the HTTP headers the keys are written into.

use aws_credential_types::Credentials;

pub const MAX_ACCESS_KEY_ID_BYTES: usize = 128;
pub const MAX_SECRET_KEY_BYTES: usize = 128;
pub const MAX_SESSION_TOKEN_BYTES: usize = 16 * 1024;

/// Checks one field; `name` is what the caller calls it ("secret_key").
fn field(name: &str, value: &str, max: usize, required: bool) -> Result<(), String> {
    if required && value.is_empty() {
        return Err(format!("{name} must not be empty"));
    }
    if value.len() > max {
        return Err(format!(
            "{name} is {} bytes long; at most {max} are accepted",
            value.len()
        ));
    }
    if let Some(i) = value.bytes().position(|b| b.is_ascii_control()) {
        return Err(format!(
            "{name} holds a control character (CR, LF or another below 0x20, or DEL) at \
             byte {i}; keys must be printable"
        ));
    }
    Ok(())
}

/// Checks static keys as given by a caller (an empty token means none).
pub fn check(
    access_key_id: &str,
    secret_key: &str,
    session_token: Option<&str>,
) -> Result<(), String> {
    field(
        "access_key_id",
        access_key_id,
        MAX_ACCESS_KEY_ID_BYTES,
        true,
    )?;
    field("secret_key", secret_key, MAX_SECRET_KEY_BYTES, true)?;
    match session_token {
        Some(t) => field("session_token", t, MAX_SESSION_TOKEN_BYTES, false),
        None => Ok(()),
    }
}

/// Checks credentials a provider returned.
pub fn check_credentials(c: &Credentials) -> Result<(), String> {
    check(c.access_key_id(), c.secret_access_key(), c.session_token())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_control_characters() {
        assert!(check("AKID", "secret", Some("token")).is_ok());
        assert!(check("AKID", "secret", None).is_ok());
        assert!(check("AKID", "s", Some(&"t".repeat(MAX_SESSION_TOKEN_BYTES))).is_ok());
        for (akid, secret, token, needle) in [
            ("", "s", None, "access_key_id must not be empty"),
            ("AKID", "", None, "secret_key must not be empty"),
            (
                "AKID\r\n",
                "s",
                None,
                "access_key_id holds a control character",
            ),
            (
                "AKID",
                "se\ncret",
                None,
                "secret_key holds a control character",
            ),
            (
                "AKID",
                "s",
                Some("to\rken"),
                "session_token holds a control character",
            ),
            (
                "AKID",
                "s",
                Some("to\u{7f}"),
                "session_token holds a control character",
            ),
        ] {
            let e = check(akid, secret, token).unwrap_err();
            assert!(e.contains(needle), "{e}");
        }
        let long = "k".repeat(129);
        assert!(check(&long, "s", None).unwrap_err().contains("129 bytes"));
        assert!(check("AKID", &long, None)
            .unwrap_err()
            .contains("secret_key is 129"));
        let token = "t".repeat(MAX_SESSION_TOKEN_BYTES + 1);
        assert!(check("AKID", "s", Some(&token))
            .unwrap_err()
            .contains("at most 16384"));
    }
}
