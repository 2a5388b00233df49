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

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses RFC 3339 in UTC, `YYYY-MM-DDTHH:MM:SS[.fff…]Z`, into epoch
/// milliseconds (digits past the millisecond are dropped). None for any
/// other shape or a date that does not exist (2027-02-29).
pub fn parse_rfc3339_millis(s: &str) -> Option<i64> {
    let s = s.strip_suffix('Z').or_else(|| s.strip_suffix('z'))?;
    let (date, time) = s.split_once(['T', 't'])?;
    let (hms, frac) = match time.split_once('.') {
        Some((hms, frac)) => (hms, Some(frac)),
        None => (time, None),
    };
    let num = |t: &str, len: usize| -> Option<i64> {
        (t.len() == len && t.bytes().all(|c| c.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let mut d = date.split('-');
    let (y, mo, day) = (num(d.next()?, 4)?, num(d.next()?, 2)?, num(d.next()?, 2)?);
    let mut t = hms.split(':');
    let (h, mi, sec) = (num(t.next()?, 2)?, num(t.next()?, 2)?, num(t.next()?, 2)?);
    if d.next().is_some() || t.next().is_some() {
        return None;
    }
    if !(1..=12).contains(&mo) || day < 1 || day > days_in_month(y, mo as u32) as i64 {
        return None;
    }
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let ms = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()) => {
            format!("{:0<3}", &f[..f.len().min(3)]).parse().ok()?
        }
        Some(_) => return None,
    };
    let secs = days_from_civil(y, mo as u32, day as u32) * 86400 + h * 3600 + mi * 60 + sec;
    Some(secs * 1000 + ms)
}

/// An instant given on the command line or to the admin API: RFC 3339 in UTC
/// (`2026-12-01T06:00:00Z`) or Unix seconds (`1796104800`, `1796104800.5`).
pub fn parse_instant_millis(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(ms) = parse_rfc3339_millis(s) {
        return Some(ms);
    }
    let secs: f64 = s.parse().ok()?;
    (secs.is_finite() && (0.0..=253_402_300_799.0).contains(&secs))
        .then(|| (secs * 1000.0).round() as i64)
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
    fn parses_rfc3339_and_unix_seconds() {
        assert_eq!(
            parse_rfc3339_millis("2026-12-01T06:00:00Z"),
            Some(1_796_104_800_000)
        );
        assert_eq!(
            parse_rfc3339_millis("2026-12-01T06:00:00.25Z"),
            Some(1_796_104_800_250)
        );
        assert_eq!(
            parse_rfc3339_millis("2028-02-29T23:30:00.123456Z"),
            Some(1_835_479_800_123)
        );
        for bad in [
            "2027-02-29T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-12-01T24:00:00Z",
            "2026-12-01T06:00:00",
            "2026-12-01T06:00:00+01:00",
            "2026-12-01 06:00:00Z",
            "2026-12-1T06:00:00Z",
            "2026-12-01T06:00:00.Z",
        ] {
            assert_eq!(parse_rfc3339_millis(bad), None, "{bad}");
        }
        assert_eq!(
            parse_rfc3339_millis("2000-02-29T00:00:00Z"),
            Some(days_from_civil(2000, 2, 29) * 86_400_000)
        );
        assert_eq!(parse_instant_millis("1796104800"), Some(1_796_104_800_000));
        assert_eq!(
            parse_instant_millis(" 1796104800.5 "),
            Some(1_796_104_800_500)
        );
        assert_eq!(parse_instant_millis("-1"), None);
        assert_eq!(parse_instant_millis("soon"), None);
    }

    #[test]
    fn leap_days_and_year_ends() {
        let feb29 = parse_rfc3339_millis("2028-02-29T23:59:59Z").unwrap() / 1000;
        assert_eq!(rfc3339_millis(feb29 * 1000), "2028-02-29T23:59:59.000Z");
        assert_eq!(amz_date(feb29 + 1), "20280301T000000Z");
        assert_eq!(
            month_start(feb29),
            parse_rfc3339_millis("2028-02-01T00:00:00Z").unwrap() / 1000
        );
        assert_eq!(month_start(feb29 + 1), feb29 + 1);
        assert_eq!(parse_amz_date("20280229T235959Z"), Some(feb29));
        let new_year = parse_rfc3339_millis("2027-01-01T00:00:00Z").unwrap() / 1000;
        assert_eq!(
            rfc3339_millis((new_year - 1) * 1000),
            "2026-12-31T23:59:59.000Z"
        );
        assert_eq!(
            month_start(new_year - 1),
            parse_rfc3339_millis("2026-12-01T00:00:00Z").unwrap() / 1000
        );
        assert_eq!(month_start(new_year), new_year);
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
