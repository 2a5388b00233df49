//! Timestamps for test requests that fit the service's windows on any date.

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The middle of the hour before the one in which the test process first asked: one instant
/// per process, so records stamped `past_hour() - h * 3600` keep their hour keys however the
/// wall clock moves meanwhile (two `now()`s can straddle an hour boundary). For h <= 4 they
/// are 30 min to 5 h 30 min old: inside MeterUsage's 6 hours and BatchMeterUsage's 24, and
/// never in a closed previous month (that takes more than 6 hours), on any date.
pub fn past_hour() -> i64 {
    static AT: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *AT.get_or_init(|| now() / 3600 * 3600 - 1800)
}
