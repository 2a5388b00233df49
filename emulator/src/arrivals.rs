//! When each API request arrived, so a test can measure the request rate a client (or a fleet
//! of them) really sends: "never more than 10 requests in any second", checked over every
//! 1-second window, not only over whole seconds of the calendar.
//!
//! Arrival times are on the **real** (monotonic) clock, in milliseconds since the emulator
//! started, like the rate limit's buckets: the emulator's clock may stand still or jump hours
//! in a test, while a rate is a count per real second. The emulator clock's reading is kept
//! beside each, for matching a request to the hour it was about. Admin routes are not counted.
//! At most [`CAPACITY`] arrivals are kept (a test's worth); later ones are counted as dropped.

use serde::Serialize;
use std::time::Instant;

/// Arrivals kept before new ones are only counted (about 28 hours at 10 a second).
pub const CAPACITY: usize = 1_000_000;

#[derive(Debug, Clone, Serialize)]
pub struct Arrival {
    /// Milliseconds since the emulator started, on the real monotonic clock.
    pub at_ms: u64,
    /// The emulator's clock at arrival (epoch milliseconds).
    pub clock_ms: i64,
    pub operation: String,
    /// "Success", an error code, or a fault mode (as `GET /__mpm/requests` counts them).
    pub outcome: String,
}

#[derive(Debug)]
pub struct Arrivals {
    started: Instant,
    list: Vec<Arrival>,
    dropped: u64,
}

impl Default for Arrivals {
    fn default() -> Arrivals {
        Arrivals {
            started: Instant::now(),
            list: Vec::new(),
            dropped: 0,
        }
    }
}

/// The busiest window of a set of arrivals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Busiest {
    /// Requests in the busiest window.
    pub count: usize,
    /// Where that window starts (`at_ms` of its first request).
    pub start_ms: u64,
}

impl Arrivals {
    /// Milliseconds since the emulator started: what a request arriving now is stamped with.
    pub fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    pub fn add(&mut self, a: Arrival) {
        if self.list.len() < CAPACITY {
            self.list.push(a);
        } else {
            self.dropped += 1;
        }
    }

    pub fn list(&self) -> &[Arrival] {
        &self.list
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn clear(&mut self) {
        self.list.clear();
        self.dropped = 0;
    }

    /// The most arrivals in any window of `window_ms` (every window [t, t + window_ms) that
    /// starts at an arrival: a busiest window can always be moved to start at one).
    pub fn busiest(&self, window_ms: u64) -> Busiest {
        let mut at: Vec<u64> = self.list.iter().map(|a| a.at_ms).collect();
        // Requests are added when they finish, so a slow one comes after faster later ones.
        at.sort_unstable();
        let mut best = Busiest {
            count: 0,
            start_ms: 0,
        };
        let mut end = 0;
        for (i, &t) in at.iter().enumerate() {
            while end < at.len() && at[end] < t.saturating_add(window_ms) {
                end += 1;
            }
            if end - i > best.count {
                best = Busiest {
                    count: end - i,
                    start_ms: t,
                };
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: &[u64]) -> Arrivals {
        let mut a = Arrivals::default();
        for &t in ms {
            a.add(Arrival {
                at_ms: t,
                clock_ms: 0,
                operation: "BatchMeterUsage".into(),
                outcome: "Success".into(),
            });
        }
        a
    }

    #[test]
    fn the_busiest_window_need_not_start_on_a_whole_second() {
        // 5 in [0, 1000) and 5 in [1000, 2000), but 7 within [600, 1600).
        let a = at(&[0, 100, 600, 700, 900, 1000, 1100, 1300, 1500, 1900]);
        assert_eq!(
            a.busiest(1000),
            Busiest {
                count: 7,
                start_ms: 600
            }
        );
        // A window is half-open: 1000 ms after a request is the next window.
        assert_eq!(at(&[0, 1000]).busiest(1000).count, 1);
        assert_eq!(at(&[]).busiest(1000).count, 0);
    }

    #[test]
    fn order_of_adding_does_not_matter() {
        assert_eq!(at(&[900, 0, 500, 2000]).busiest(1000).count, 3);
    }

    #[test]
    fn beyond_capacity_arrivals_are_counted_as_dropped() {
        let mut a = Arrivals::default();
        for _ in 0..CAPACITY + 3 {
            a.add(Arrival {
                at_ms: 0,
                clock_ms: 0,
                operation: String::new(),
                outcome: String::new(),
            });
        }
        assert_eq!(a.list().len(), CAPACITY);
        assert_eq!(a.dropped(), 3);
        a.clear();
        assert_eq!((a.list().len(), a.dropped()), (0, 0));
    }
}
