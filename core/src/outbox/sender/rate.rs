//! At most N requests a second (AWS's limit per account and region is 10): requests are
//! spaced by 1/N second.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

pub struct RateLimit {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

impl RateLimit {
    pub fn new(per_second: f64) -> Self {
        Self {
            interval: Duration::from_secs_f64(1.0 / per_second),
            next: Mutex::new(None),
        }
    }

    /// The spacing between two requests, in microseconds.
    pub fn interval_us(&self) -> i64 {
        self.interval.as_micros() as i64
    }

    /// Waits for this request's turn.
    pub async fn acquire(&self) {
        let mut next = self.next.lock().await;
        let now = Instant::now();
        let at = next.map_or(now, |n| n.max(now));
        *next = Some(at + self.interval);
        drop(next);
        tokio::time::sleep_until(at).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn requests_are_spaced() {
        let r = RateLimit::new(50.0);
        let t0 = Instant::now();
        for _ in 0..11 {
            r.acquire().await;
        }
        let took = t0.elapsed();
        assert!(
            took >= Duration::from_millis(200) && took < Duration::from_millis(400),
            "{took:?}"
        );
    }
}
