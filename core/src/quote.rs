//! Caller input quoted into an error message, always through `quote`: at most
//! `QUOTE_MAX_CHARS` characters, escaped like a Rust string literal (so CR, LF and other
//! control characters cannot split or forge a log line), secrets redacted (`core::redact`),
//! and the input's full size when it was cut: `"us-east-1aaaa…"… (104857600 bytes)`. A
//! message never grows with its input.

use super::redact;

/// Characters of an input shown in a message.
pub const QUOTE_MAX_CHARS: usize = 64;
/// Only this much of an input is scanned for secrets; inputs that may hold one (URLs) are
/// refused well before this size.
const SCAN_BYTES: usize = 4096;

/// `input` quoted for a message (see the module doc).
pub fn quote(input: &str) -> String {
    let scanned = redact::prefix(input, SCAN_BYTES);
    let mut clean = redact::patterns(scanned);
    if scanned.len() < input.len() {
        // User info ending past the scanned part would not be recognised: show none of it.
        if let Some(i) = clean.find("://") {
            clean = clean[..i + 3].to_string().into();
        }
    }
    let mut chars = clean.chars();
    let shown: String = chars.by_ref().take(QUOTE_MAX_CHARS).collect();
    if chars.next().is_none() && scanned.len() == input.len() && shown.len() == input.len() {
        format!("{shown:?}")
    } else {
        format!("{shown:?}… ({} bytes)", input.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_inputs_are_quoted_whole_and_escaped() {
        assert_eq!(quote("eu-west-1"), r#""eu-west-1""#);
        assert_eq!(quote("a\r\nb"), r#""a\r\nb""#);
    }

    #[test]
    fn long_inputs_show_a_prefix_and_their_size() {
        let q = quote(&"a".repeat(100_000_000));
        assert_eq!(q, format!("{:?}… (100000000 bytes)", "a".repeat(64)));
    }

    #[test]
    fn secrets_in_inputs_are_redacted_before_cutting() {
        let url = format!("http://user:{}@host/", "p".repeat(100));
        assert_eq!(
            quote(&url),
            format!("{:?}… ({} bytes)", "http://***@host/", url.len())
        );
        let huge = format!("http://user:{}@host/", "p".repeat(10_000));
        assert_eq!(quote(&huge), format!("\"http://\"… ({} bytes)", huge.len()));
    }
}
