//! Quantities are exact: integers in millionths, parsed from and printed as decimal strings
//! with at most 6 fraction digits. No float ever holds a quantity.

/// Millionths in one unit.
pub const SCALE: i64 = 1_000_000;
/// The largest quantity AWS takes in one record (its `Quantity` range), in millionths.
pub const MAX_MILLIONTHS: i64 = 2_147_483_647 * SCALE;

/// Parses "3", "2.5", "0.000001" into millionths. Refuses signs, exponents, more than 6
/// fraction digits and anything above 2147483647.
pub fn parse(s: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "quantity {} is not a decimal number with at most 6 fraction digits between 0 and 2147483647",
            crate::quote::quote(s)
        )
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty()
        || int.len() > 10
        || frac.len() > 6
        || (s.contains('.') && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let int: i64 = int.parse().map_err(|_| bad())?;
    let mut f: i64 = 0;
    for (i, b) in frac.bytes().enumerate() {
        f += i64::from(b - b'0') * 10_i64.pow(5 - i as u32);
    }
    let v = int * SCALE + f;
    if v > MAX_MILLIONTHS {
        return Err(bad());
    }
    Ok(v)
}

/// Prints millionths as the shortest exact decimal ("3", "2.5").
pub fn format(m: i64) -> String {
    let (int, frac) = (m / SCALE, m % SCALE);
    if frac == 0 {
        return int.to_string();
    }
    let f = format!("{frac:06}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_round_trip() {
        for (s, m) in [
            ("3", 3_000_000),
            ("2.5", 2_500_000),
            ("0.000001", 1),
            ("0", 0),
        ] {
            assert_eq!(parse(s).unwrap(), m, "{s}");
            assert_eq!(format(m), s);
        }
        assert_eq!(parse("2147483647").unwrap(), MAX_MILLIONTHS);
        assert_eq!(format(parse("1.10").unwrap()), "1.1");
        // 0.1 + 0.2 is exactly 0.3 here.
        assert_eq!(format(parse("0.1").unwrap() + parse("0.2").unwrap()), "0.3");
    }

    #[test]
    fn refused() {
        for s in [
            "",
            "-1",
            "+1",
            "1e3",
            "1.",
            ".5",
            "0.0000001",
            "2147483648",
            "1,5",
            " 1",
            "١",
        ] {
            assert!(parse(s).is_err(), "{s:?} accepted");
        }
    }
}
