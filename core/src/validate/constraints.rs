//! One check per constrained shape of the model (spec/service-2.json): lengths, ranges and
//! patterns. Request setters call these on each value; the whole-request checks reuse them.
//! Lengths count Unicode scalar values, as Smithy's `@length` does for strings.

use once_cell::sync::Lazy;
use regex_lite::Regex;

/// Why a value breaks its shape's constraint, in words fit for an error message.
pub type Violation = String;

fn length(value: &str, min: usize, max: Option<usize>) -> Result<(), Violation> {
    let n = value.chars().count();
    if n < min {
        return Err(format!("must have length at least {min} (got {n})"));
    }
    match max {
        Some(max) if n > max => Err(format!("must have length at most {max} (got {n})")),
        _ => Ok(()),
    }
}

fn pattern(value: &str, re: &Regex, shown: &str) -> Result<(), Violation> {
    if re.is_match(value) {
        Ok(())
    } else {
        Err(format!("must match the pattern {shown}"))
    }
}

macro_rules! model_regex {
    ($name:ident, $re:expr) => {
        static $name: Lazy<Regex> = Lazy::new(|| Regex::new($re).expect("model pattern compiles"));
    };
}

const PRODUCT_CODE_RE: &str = r"^[-a-zA-Z0-9/=:_.@]*$";
const DECIMAL_RE: &str = r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,6})?$";
const ACCOUNT_ID_RE: &str = r"^[0-9]+$";
const TAG_RE: &str = r"^[a-zA-Z0-9+ -=._:\/@]+$";
const LICENSE_ARN_RE: &str = r"^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$";

model_regex!(DECIMAL, DECIMAL_RE);
model_regex!(ACCOUNT_ID, ACCOUNT_ID_RE);
model_regex!(TAG, TAG_RE);
model_regex!(LICENSE_ARN, LICENSE_ARN_RE);

/// The characters of PRODUCT_CODE_RE, checked without the regex engine: every call checks a
/// product code (twice: setter and request), and the engine cost more than signing it.
fn is_product_code_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'/' | b'=' | b':' | b'_' | b'.' | b'@')
}

/// ProductCode: at most 255 characters of `[-a-zA-Z0-9/=:_.@]` (empty passes the model;
/// the whole-request checks make the member required where the model does).
pub fn product_code(v: &str) -> Result<(), Violation> {
    length(v, 0, Some(255))?;
    if v.bytes().all(is_product_code_byte) {
        Ok(())
    } else {
        Err(format!("must match the pattern {PRODUCT_CODE_RE}"))
    }
}

/// UsageDimension (MeterUsage.UsageDimension, UsageRecord.Dimension).
pub fn usage_dimension(v: &str) -> Result<(), Violation> {
    length(v, 1, Some(255))
}

/// UsageQuantity and AllocatedUsageQuantity: 0 ..= 2147483647.
pub fn quantity(v: i64) -> Result<(), Violation> {
    if (0..=i32::MAX as i64).contains(&v) {
        Ok(())
    } else {
        Err(format!("must be between 0 and 2147483647 (got {v})"))
    }
}

/// The decimal-string quantities (UsageQuantityAsDecimal, QuantityAsDecimal,
/// AllocatedUsageQuantityAsDecimal).
pub fn decimal_quantity(v: &str) -> Result<(), Violation> {
    length(v, 1, Some(17))?;
    pattern(v, &DECIMAL, DECIMAL_RE)
}

/// ClientToken: 1 to 64 characters.
pub fn client_token(v: &str) -> Result<(), Violation> {
    length(v, 1, Some(64))
}

/// CustomerIdentifier: at most 255 characters.
pub fn customer_identifier(v: &str) -> Result<(), Violation> {
    length(v, 0, Some(255))
}

/// CustomerAWSAccountId: 1 to 255 digits.
pub fn customer_aws_account_id(v: &str) -> Result<(), Violation> {
    length(v, 1, Some(255))?;
    pattern(v, &ACCOUNT_ID, ACCOUNT_ID_RE)
}

/// LicenseArn: an ARN `arn:aws*:service:region:account:resource` of the model's pattern
/// (a resource of up to 1024 characters).
pub fn license_arn(v: &str) -> Result<(), Violation> {
    pattern(
        v,
        &LICENSE_ARN,
        "of a license ARN (arn:aws:license-manager::...)",
    )
}

/// Tag.Key: 1 to 100 characters of `[a-zA-Z0-9+ -=._:/@]`.
pub fn tag_key(v: &str) -> Result<(), Violation> {
    length(v, 1, Some(100))?;
    pattern(v, &TAG, TAG_RE)
}

/// Tag.Value: 1 to 256 characters of `[a-zA-Z0-9+ -=._:/@]`.
pub fn tag_value(v: &str) -> Result<(), Violation> {
    length(v, 1, Some(256))?;
    pattern(v, &TAG, TAG_RE)
}

/// RegistrationToken is a NonEmptyString.
pub fn registration_token(v: &str) -> Result<(), Violation> {
    length(v, 1, None)
}

/// PublicKeyVersion is a VersionInteger: at least 1.
pub fn public_key_version(v: i64) -> Result<(), Violation> {
    if (1..=i32::MAX as i64).contains(&v) {
        Ok(())
    } else {
        Err(format!("must be between 1 and 2147483647 (got {v})"))
    }
}

/// RegisterUsage's Nonce: at most 255 characters.
pub fn nonce(v: &str) -> Result<(), Violation> {
    length(v, 0, Some(255))
}

/// Timestamps are taken as Unix seconds; the model has no bound, but a negative time or one
/// past year 9999 is a caller's mistake, never a real usage hour.
pub fn timestamp(v: i64) -> Result<(), Violation> {
    if (0..=253_402_300_799).contains(&v) {
        Ok(())
    } else {
        Err(format!(
            "must be Unix seconds between 0 and 253402300799 (got {v})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_code_check_is_the_model_pattern() {
        let re = Regex::new(PRODUCT_CODE_RE).unwrap();
        let alphabet: Vec<char> = (0u8..128)
            .map(char::from)
            .chain(['é', '\u{2028}', '中'])
            .collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..40 {
            for _ in 0..200 {
                let s: String = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // Mostly allowed characters, so that long matches happen too.
                        if seed % 4 == 0 {
                            alphabet[(seed >> 8) as usize % alphabet.len()]
                        } else {
                            b"aZ09-/=:_.@"[(seed >> 8) as usize % 11] as char
                        }
                    })
                    .collect();
                assert_eq!(product_code(&s).is_ok(), re.is_match(&s), "{s:?}");
            }
        }
        for c in (0u8..128).map(char::from) {
            let s = format!("ab{c}cd");
            assert_eq!(product_code(&s).is_ok(), re.is_match(&s), "{s:?}");
            assert_eq!(
                product_code(&format!("{c}\n")).is_ok(),
                re.is_match(&format!("{c}\n"))
            );
        }
    }

    #[test]
    fn product_code_pattern_and_length() {
        assert!(product_code("demo-product").is_ok());
        assert!(product_code("").is_ok());
        assert!(product_code("a b").is_err());
        assert!(product_code(&"a".repeat(256)).is_err());
    }

    #[test]
    fn decimal_quantity_follows_model() {
        for ok in ["0", "17", "17.42", "1234567890.123456", "0.5"] {
            assert!(decimal_quantity(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "01",
            "1.",
            ".5",
            "-1",
            "1e3",
            "12345678901",
            "1.1234567",
            "1,5",
        ] {
            assert!(decimal_quantity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn integer_ranges() {
        assert!(quantity(0).is_ok());
        assert!(quantity(2_147_483_647).is_ok());
        assert!(quantity(-1).is_err());
        assert!(quantity(2_147_483_648).is_err());
        assert!(public_key_version(0).is_err());
        assert!(public_key_version(1).is_ok());
    }

    #[test]
    fn tags_and_ids() {
        assert!(tag_key("team").is_ok());
        assert!(tag_key("").is_err());
        assert!(tag_key("bad\u{e9}").is_err());
        assert!(tag_value(&"v".repeat(257)).is_err());
        assert!(customer_aws_account_id("111122223333").is_ok());
        assert!(customer_aws_account_id("12a").is_err());
        assert!(license_arn("arn:aws:license-manager::111122223333:license:l-abc").is_ok());
        assert!(license_arn("not-an-arn").is_err());
        assert!(client_token(&"t".repeat(65)).is_err());
        assert!(usage_dimension("").is_err());
        assert!(usage_dimension(&"\u{e9}".repeat(255)).is_ok());
        assert!(timestamp(-1).is_err());
    }
}
