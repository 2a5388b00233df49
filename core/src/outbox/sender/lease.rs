//! Keeping a lease on claimed slots while their request runs (shared stores only): renewed
//! every third of its length; given up (the future ends) when another sender took a slot, or
//! when no renewal succeeded for most of the lease (the database is away, so the lease may
//! already have passed to another sender).

use std::time::Duration;

use tokio::time::Instant;

use crate::outbox::model::OutboxError;
use crate::outbox::store::Claimed;
use crate::outbox::writer::Writer;

/// Returns when the lease on `claimed` is lost; runs until dropped otherwise.
pub async fn keep(writer: &Writer, claimed: &Claimed, lease_ms: i64) {
    let lease = Duration::from_millis(lease_ms.max(1) as u64);
    let every = lease / 3;
    // Renewals are trusted for 5/6 of the lease from when they were sent: the margin covers
    // the database's and this process's clocks running at slightly different speeds.
    let trust = lease * 5 / 6;
    let mut valid_until = Instant::now() + trust;
    loop {
        tokio::time::sleep(every.min(valid_until.saturating_duration_since(Instant::now()))).await;
        let sent = Instant::now();
        let c = claimed.clone();
        match writer.call_async(move |s| s.renew(&c)).await {
            Ok(true) => valid_until = sent + trust,
            Ok(false) | Err(OutboxError::Closed) => return,
            Err(_) if Instant::now() >= valid_until => return,
            Err(_) => {}
        }
    }
}
