//! Exact quantities. The service compares quantities by value (17 == 17.0 == 17.00) and
//! allocations must sum to the record's quantity exactly, so they are counted in millionths
//! (the model allows 10 integer and 6 fractional digits), never as floating point.

/// A quantity in millionths of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(u128);

impl Quantity {
    /// An integer quantity; None when negative (the model's quantities are 0 or more).
    pub fn from_integer(v: i32) -> Option<Self> {
        u128::try_from(v).ok().map(|v| Quantity(v * 1_000_000))
    }

    /// Parses a string that already matched the model's decimal pattern; None for anything
    /// with more than 10 integer or 6 fractional digits or a non-digit.
    pub fn from_decimal(s: &str) -> Option<Self> {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() || int.len() > 10 || frac.len() > 6 {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let int: u128 = int.parse().ok()?;
        let frac_digits: u128 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        let scale = 10u128.pow(6 - frac.len() as u32);
        Some(Quantity(int * 1_000_000 + frac_digits * scale))
    }

    /// The sum, None on overflow (not reachable with the model's caps, checked anyway).
    pub fn checked_add(self, other: Quantity) -> Option<Quantity> {
        self.0.checked_add(other.0).map(Quantity)
    }

    /// No usage: what an unset quantity counts as.
    pub fn zero() -> Self {
        Quantity(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_by_value() {
        assert_eq!(
            Quantity::from_decimal("17"),
            Quantity::from_decimal("17.00")
        );
        assert_eq!(Quantity::from_decimal("17"), Quantity::from_integer(17));
        assert_ne!(
            Quantity::from_decimal("0.1"),
            Quantity::from_decimal("0.01")
        );
        assert_eq!(
            Quantity::from_decimal("0.1")
                .unwrap()
                .checked_add(Quantity::from_decimal("0.2").unwrap()),
            Quantity::from_decimal("0.3")
        );
        assert_eq!(Quantity::from_integer(-1), None);
        assert_eq!(Quantity::from_decimal("1.1234567"), None);
    }
}
