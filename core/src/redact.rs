//! Secrets out of every text the library hands out: response error messages, the last error,
//! credentials errors, `mpm_config_describe` (and any future log line). Whatever the text's
//! origin (the service's signature-mismatch message quotes the canonical request with its
//! `x-amz-security-token`, a credential_process's stderr is copied into its error, a URL may
//! carry `user:password@`), it goes through `message` where it leaves the core:
//!
//! 1. Known values: the secret key and session token of the credentials in use are replaced
//!    wherever they occur, also percent-encoded. A value shorter than `MIN_KNOWN_SECRET_LEN`
//!    is not replaced by value: replacing "abc" everywhere would mangle the whole message,
//!    and no real AWS secret is that short (secret keys are 40 characters, session tokens
//!    hundreds). Pass 2 still catches such a value wherever it is labelled.
//! 2. Patterns, whatever the credentials: the value after `x-amz-security-token:` or
//!    `X-Amz-Security-Token=`; JSON (`"SecretAccessKey":"…"`, `"SessionToken"`, `"Token"`),
//!    XML (`<SecretAccessKey>`) and INI/environment (`aws_secret_access_key = …`) fields of a
//!    secret key or session token; URL user info (`scheme://user:pass@` → `scheme://***@`,
//!    up to the last `@` before a space or quote, so a password holding `/` or `@` is
//!    covered too, at the price of over-redacting the rare URL with `@` in its path).
//!
//! The access key id is not a secret (AWS echoes it in every signature error) and is kept.
//! Then the text is cut to `MAX_MESSAGE_BYTES`.

use std::borrow::Cow;

use aws_credential_types::Credentials;
use once_cell::sync::Lazy;
use regex_lite::Regex;

use crate::error::Error;
use crate::service_error::ServiceError;

/// What a secret is replaced with.
pub const REDACTED: &str = "***";
/// Known secrets shorter than this are not replaced by value (see the module doc).
pub const MIN_KNOWN_SECRET_LEN: usize = 8;
/// Longest message handed out; the rest is cut, with the original size said.
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024;
/// Only this much of a longer text is scanned (it is cut to `MAX_MESSAGE_BYTES` anyway).
const SCAN_BYTES: usize = 64 * 1024;

/// Each pattern keeps its label (group 1) and replaces the value after it.
static PATTERNS: Lazy<Vec<(Regex, &str)>> = Lazy::new(|| {
    [
        // Canonical request line and query parameter.
        (r#"(?i)(x-amz-security-token\s*[:=]\s*)[^\s&'"<>,;]+"#, "${1}***"),
        // JSON fields (credential_process, container and IMDS answers).
        (
            r#"(?i)("(?:aws_?)?(?:secret_?access_?key|secret_?key|session_?token|security_?token|token)"\s*:\s*")[^"]*"#,
            "${1}***",
        ),
        // XML elements (STS answers).
        (r"(?i)(<(?:SecretAccessKey|SessionToken|SecurityToken|Token)>)[^<]*", "${1}***"),
        // INI files, environment variables, query strings.
        (
            r#"(?i)\b((?:aws_secret_access_key|aws_session_token|aws_security_token|secretaccesskey|sessiontoken)\s*[=:]\s*['"]?)[^\s'"&,;<>]+"#,
            "${1}***",
        ),
        // URL user info.
        (r#"(?i)\b([a-z][a-z0-9+.-]*://)[^\s'"<>]*@"#, "${1}***@"),
    ]
    .into_iter()
    .map(|(p, with)| (Regex::new(p).expect("redaction pattern compiles"), with))
    .collect()
});

/// The secrets of `credentials` worth replacing by value: the secret key and session token.
pub fn known_secrets(credentials: &Credentials) -> Vec<&str> {
    let mut v = vec![credentials.secret_access_key()];
    v.extend(credentials.session_token());
    v
}

/// `text` with `known` secrets and every pattern redacted, cut to `MAX_MESSAGE_BYTES`.
pub fn message(text: &str, known: &[&str]) -> String {
    let scanned = prefix(text, SCAN_BYTES);
    let mut out = Cow::Borrowed(scanned);
    for secret in known.iter().filter(|s| s.len() >= MIN_KNOWN_SECRET_LEN) {
        for form in [Cow::Borrowed(*secret), percent_encoded(secret)] {
            if out.contains(form.as_ref()) {
                out = Cow::Owned(out.replace(form.as_ref(), REDACTED));
            }
        }
    }
    let out = patterns(&out);
    if out.len() <= MAX_MESSAGE_BYTES && scanned.len() == text.len() {
        return out.into_owned();
    }
    let suffix = format!("… (cut; {} bytes in all)", text.len());
    let keep = prefix(&out, MAX_MESSAGE_BYTES.saturating_sub(suffix.len()));
    format!("{keep}{suffix}")
}

/// `text` with every pattern redacted (no known values, no cut).
pub fn patterns(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for (re, with) in PATTERNS.iter() {
        if re.is_match(&out) {
            out = Cow::Owned(re.replace_all(&out, *with).into_owned());
        }
    }
    out
}

/// `e` with `message` applied to every text it carries.
pub fn error(e: Error, known: &[&str]) -> Error {
    let m = |s: String| message(&s, known);
    match e {
        Error::InvalidRequest(mut v) => {
            v.member = m(v.member);
            v.reason = m(v.reason);
            Error::InvalidRequest(v)
        }
        Error::Endpoint(s) => Error::Endpoint(m(s)),
        Error::Credentials(s) => Error::Credentials(m(s)),
        Error::Signing(s) => Error::Signing(m(s)),
        Error::Transport(s) => Error::Transport(m(s)),
        Error::Timeout(s) => Error::Timeout(m(s)),
        Error::Cancelled => Error::Cancelled,
        Error::Service(se) => Error::Service(ServiceError {
            kind: se.kind,
            code: m(se.code),
            message: se.message.map(m),
        }),
        Error::InvalidResponse(s) => Error::InvalidResponse(m(s)),
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub(crate) fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `s` as it appears in a query string (RFC 3986 unreserved characters kept).
fn percent_encoded(s: &str) -> Cow<'_, str> {
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJH+/token==";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    #[test]
    fn known_values_are_replaced_also_percent_encoded() {
        let text = format!("a {SECRET} b {} c", percent_encoded(TOKEN));
        let out = message(&text, &[SECRET, TOKEN]);
        assert_eq!(out, "a *** b *** c");
    }

    #[test]
    fn short_known_values_do_not_mangle_the_message() {
        let text = "the request signature we calculated does not match";
        assert_eq!(message(text, &["a", "the", "es"]), text);
    }

    #[test]
    fn labelled_values_are_redacted_whatever_their_origin() {
        let cases = [
            (
                "host:h\nx-amz-security-token:TOK/abc+=\nx-amz-date:1",
                "host:h\nx-amz-security-token:***\nx-amz-date:1",
            ),
            (
                "?X-Amz-Security-Token=TOK%2Fabc&X-Amz-Date=1",
                "?X-Amz-Security-Token=***&X-Amz-Date=1",
            ),
            (
                r#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"s3cr/t","SessionToken":"t0k"}"#,
                r#"{"Version":1,"AccessKeyId":"AKID","SecretAccessKey":"***","SessionToken":"***"}"#,
            ),
            (
                r#"{"Token" : "t0k", "secret_access_key":"x"}"#,
                r#"{"Token" : "***", "secret_access_key":"***"}"#,
            ),
            (
                "<SecretAccessKey>s3cr/t</SecretAccessKey><SessionToken>t</SessionToken>",
                "<SecretAccessKey>***</SecretAccessKey><SessionToken>***</SessionToken>",
            ),
            (
                "aws_secret_access_key = s3cr/t\nAWS_SESSION_TOKEN='t0k'",
                "aws_secret_access_key = ***\nAWS_SESSION_TOKEN='***'",
            ),
            (
                "url \"http://user:pa/ss@w@host:1/p\" x",
                "url \"http://***@host:1/p\" x",
            ),
            (
                "https://user@h and socks5://u:p@h2",
                "https://***@h and socks5://***@h2",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(message(text, &[]), want, "{text}");
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "session_token must not contain control characters",
            "Check your AWS Secret Access Key and signing method.",
            "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=abc",
            "endpoint http://127.0.0.1:8080/ refused",
        ] {
            assert_eq!(message(text, &[]), text);
        }
    }

    #[test]
    fn long_messages_are_cut_and_say_their_size() {
        let text = "é".repeat(100_000);
        let out = message(&text, &[]);
        assert!(out.len() <= MAX_MESSAGE_BYTES, "{}", out.len());
        assert!(
            out.ends_with("… (cut; 200000 bytes in all)"),
            "{}",
            &out[out.len() - 40..]
        );
    }
}
