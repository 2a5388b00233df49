//! Exact decimal quantities. The service compares quantities by value
//! (17 == 17.0 == 17.00) and allocation sums must match exactly, so
//! quantities are held as integer millionths: the model allows at most six
//! fractional digits and ten integer digits, which i128 holds with room for
//! summing thousands of allocations.

use std::fmt;

const SCALE: i128 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Decimal(i128);

impl Decimal {
    pub const ZERO: Decimal = Decimal(0);

    pub fn from_int(v: i64) -> Decimal {
        Decimal(v as i128 * SCALE)
    }

    /// Parses a non-negative decimal with at most six fractional digits
    /// (the shape the model's pattern already enforces). None otherwise.
    pub fn parse(s: &str) -> Option<Decimal> {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        if int.is_empty() || int.len() > 20 || frac.len() > 6 || s.ends_with('.') {
            return None;
        }
        if !int.bytes().all(|c| c.is_ascii_digit()) || !frac.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let i: i128 = int.parse().ok()?;
        let mut f: i128 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        for _ in frac.len()..6 {
            f *= 10;
        }
        Some(Decimal(i * SCALE + f))
    }

    pub fn checked_add(self, o: Decimal) -> Option<Decimal> {
        self.0.checked_add(o.0).map(Decimal)
    }
}

/// Normalized form: no trailing fractional zeros, no trailing dot ("17.5", "17").
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let int = self.0 / SCALE;
        let frac = self.0 % SCALE;
        if frac == 0 {
            return write!(f, "{int}");
        }
        let digits = format!("{frac:06}");
        write!(f, "{int}.{}", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_by_value() {
        assert_eq!(Decimal::parse("17"), Decimal::parse("17.00"));
        assert_eq!(Decimal::parse("17.0").unwrap(), Decimal::from_int(17));
        assert_ne!(Decimal::parse("17.000001"), Decimal::parse("17"));
        assert_eq!(Decimal::parse("0.1").unwrap().to_string(), "0.1");
        assert_eq!(Decimal::parse("0.000001").unwrap().to_string(), "0.000001");
        assert_eq!(
            Decimal::parse("1234567890.123400").unwrap().to_string(),
            "1234567890.1234"
        );
        assert!(Decimal::parse("1.").is_none());
        assert!(Decimal::parse("1.1234567").is_none());
        assert!(Decimal::parse("-1").is_none());
    }

    #[test]
    fn sums_exactly() {
        let a = Decimal::parse("0.1").unwrap();
        let b = Decimal::parse("0.2").unwrap();
        assert_eq!(a.checked_add(b), Decimal::parse("0.3"));
    }
}
