//! Deliberate bugs, for proving that the outbox's proof catches them (issue 10, item 8;
//! `scripts/test-outbox-mutations.sh`). Compiled in only with the cargo feature
//! `outbox-mutations` (never in a normal build, where [`on`] is a constant `false` and every
//! hook folds away); with it, `MPM_OUTBOX_MUTATION` names the one bug to switch on:
//!
//! - `resend_current_time`: a resend carries the current time instead of the sealed hour
//!   (sender/mod.rs);
//! - `late_into_sealed`: late usage is added to its sealed slot instead of the current hour's
//!   (store/logic.rs);
//! - `no_event_dedupe`: a known event_id is counted again (store/logic.rs);
//! - `no_epoch_fence`: a completion from a sender that lost its claim (its lease expired and
//!   another sender took the slots) is written anyway, over the newer state (store/logic.rs;
//!   PostgreSQL only: a SQLite store has one sender).

/// Whether the mutation `name` is switched on.
#[cfg(feature = "outbox-mutations")]
pub fn on(name: &str) -> bool {
    std::env::var("MPM_OUTBOX_MUTATION").is_ok_and(|v| v == name)
}

/// Whether the mutation `name` is switched on: never, without the `outbox-mutations` feature.
#[cfg(not(feature = "outbox-mutations"))]
#[inline(always)]
pub fn on(_name: &str) -> bool {
    false
}
