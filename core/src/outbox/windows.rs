//! AWS's time rules for a slot, all in Unix seconds UTC: which hour a usage belongs to, when an
//! hour is sealed, and until when AWS accepts it (24 h for BatchMeterUsage, 6 h for MeterUsage,
//! and never after 06:00 UTC on the 1st for an hour of the month before).

use super::model::Mode;

/// Seconds in an hour: the unit AWS meters in, and the width of a slot.
pub const HOUR: i64 = 3600;

/// The start of the hour holding `t`.
pub fn hour_of(t: i64) -> i64 {
    t.div_euclid(HOUR) * HOUR
}

/// Days since 1970-01-01 to (year, month 1-12, day) (Howard Hinnant's civil_from_days).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) to days since 1970-01-01 (days_from_civil).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month) of the instant `t`.
pub fn month_of(t: i64) -> (i64, u32) {
    let (y, m, _) = civil_from_days(t.div_euclid(86_400));
    (y, m)
}

/// 00:00 UTC on the 1st of the month after the one holding `t`.
pub fn next_month_start(t: i64) -> i64 {
    let (y, m) = month_of(t);
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    days_from_civil(y, m, 1) * 86_400
}

/// How long after its hour starts AWS takes a record stamped at that hour.
pub fn window_seconds(mode: Mode) -> i64 {
    match mode {
        Mode::Saas => 24 * HOUR,
        Mode::Machine => 6 * HOUR,
    }
}

/// The first instant at which AWS no longer takes the slot of `hour` (exclusive deadline).
pub fn deadline(mode: Mode, hour: i64) -> i64 {
    (hour + window_seconds(mode)).min(next_month_start(hour) + 6 * HOUR)
}

/// When the slot of `hour` is sealed: `delay` seconds after the hour ends.
pub fn seal_at(hour: i64, delay: i64) -> i64 {
    hour + HOUR + delay
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unix seconds of a UTC date and time.
    pub(crate) fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> i64 {
        days_from_civil(y, mo, d) * 86_400 + h * HOUR + mi * 60
    }

    #[test]
    fn civil_dates() {
        assert_eq!(utc(1970, 1, 1, 0, 0), 0);
        assert_eq!(utc(2026, 12, 1, 0, 0), 1_796_083_200);
        assert_eq!(month_of(utc(2028, 2, 29, 23, 59)), (2028, 2));
        assert_eq!(
            next_month_start(utc(2028, 2, 29, 23, 0)),
            utc(2028, 3, 1, 0, 0)
        );
        assert_eq!(
            next_month_start(utc(2026, 12, 31, 23, 0)),
            utc(2027, 1, 1, 0, 0)
        );
    }

    #[test]
    fn last_hour_of_a_month_closes_at_six_on_the_first() {
        let h = utc(2026, 11, 30, 23, 0);
        assert_eq!(deadline(Mode::Saas, h), utc(2026, 12, 1, 6, 0));
        // MeterUsage's 6 hours end earlier than the month rule.
        assert_eq!(deadline(Mode::Machine, h), utc(2026, 12, 1, 5, 0));
        // New Year and a leap day.
        assert_eq!(
            deadline(Mode::Saas, utc(2026, 12, 31, 23, 0)),
            utc(2027, 1, 1, 6, 0)
        );
        assert_eq!(
            deadline(Mode::Saas, utc(2028, 2, 29, 23, 0)),
            utc(2028, 3, 1, 6, 0)
        );
        assert_eq!(
            deadline(Mode::Saas, utc(2028, 2, 29, 3, 0)),
            utc(2028, 3, 1, 3, 0)
        );
        // An hour in the middle of a month keeps its 24 hours.
        assert_eq!(
            deadline(Mode::Saas, utc(2026, 12, 1, 5, 0)),
            utc(2026, 12, 2, 5, 0)
        );
    }

    #[test]
    fn sealing_time() {
        let h = utc(2026, 12, 1, 5, 0);
        assert_eq!(seal_at(h, 300), utc(2026, 12, 1, 6, 5));
        assert_eq!(hour_of(utc(2026, 12, 1, 5, 59) + 59), h);
    }
}
