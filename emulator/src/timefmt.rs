//! Calendar arithmetic for the formats the service speaks (SigV4's basic
//! ISO-8601, RFC 3339 in the ledger). Hand-written so the emulator does not
//! pull a date-time crate into the workspace lock for four small functions.

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// (year, month, day) for days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

struct Parts {
    y: i64,
    mo: u32,
    d: u32,
    h: i64,
    mi: i64,
    s: i64,
}

fn split(epoch_secs: i64) -> Parts {
    let days = epoch_secs.div_euclid(86400);
    let rem = epoch_secs.rem_euclid(86400);
    let (y, mo, d) = civil_from_days(days);
    Parts {
        y,
        mo,
        d,
        h: rem / 3600,
        mi: (rem % 3600) / 60,
        s: rem % 60,
    }
}

/// `20260101T000000Z`, the X-Amz-Date format.
pub fn amz_date(epoch_secs: i64) -> String {
    let p = split(epoch_secs);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        p.y, p.mo, p.d, p.h, p.mi, p.s
    )
}

/// Parses `YYYYMMDDTHHMMSSZ`; None when it is not exactly that shape.
pub fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let (y, mo, d) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (h, mi, sec) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * 86400 + h * 3600 + mi * 60 + sec)
}

/// RFC 3339 with milliseconds, e.g. `2026-01-01T00:00:00.000Z`.
pub fn rfc3339_millis(epoch_ms: i64) -> String {
    let p = split(epoch_ms.div_euclid(1000));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        p.y,
        p.mo,
        p.d,
        p.h,
        p.mi,
        p.s,
        epoch_ms.rem_euclid(1000)
    )
}

/// Epoch seconds of 00:00 UTC on the first day of the month containing `epoch_secs`.
pub fn month_start(epoch_secs: i64) -> i64 {
    let p = split(epoch_secs);
    days_from_civil(p.y, p.mo, 1) * 86400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_amz_date() {
        let t = parse_amz_date("20260101T001000Z").unwrap();
        assert_eq!(t, 1767226200);
        assert_eq!(amz_date(t), "20260101T001000Z");
        assert!(parse_amz_date("2026-01-01T00:10:00Z").is_none());
        assert!(parse_amz_date("20261301T000000Z").is_none());
    }

    #[test]
    fn formats_rfc3339_and_month_start() {
        assert_eq!(rfc3339_millis(1767226200123), "2026-01-01T00:10:00.123Z");
        assert_eq!(month_start(1767226200 + 40 * 86400), 1769904000);
        assert_eq!(
            rfc3339_millis(1769904000 * 1000),
            "2026-02-01T00:00:00.000Z"
        );
    }
}
