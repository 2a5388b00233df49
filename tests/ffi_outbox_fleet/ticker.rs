//! The fleet's clock: the proof's shared clock word (sim.rs), read by every worker's outbox
//! through its test clock, moving at real speed so that leases and the rate budget keep their
//! real meaning, plus jumps the parent makes (an hour at a time) so hours are sealed and
//! delivered in seconds. The emulator's clock is pinned at the same instant every 20 ms.

use crate::sim::{EmuAdmin, SharedClock};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Ticker {
    jumped: Arc<AtomicI64>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Ticker {
    pub fn start(clock: Arc<SharedClock>, emu: EmuAdmin) -> Ticker {
        let jumped = Arc::new(AtomicI64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (j, s) = (jumped.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let base = clock.now_ms();
            let real = Instant::now();
            while !s.load(Ordering::SeqCst) {
                let now = base + real.elapsed().as_millis() as i64 + j.load(Ordering::SeqCst);
                clock.set_ms(now);
                emu.set_clock_ms(now);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Ticker {
            jumped,
            stop,
            thread: Some(thread),
        }
    }

    /// Moves the clock `ms` ahead at once (within one tick).
    pub fn jump_ms(&self, ms: i64) {
        self.jumped.fetch_add(ms, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
