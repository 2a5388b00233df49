//! Shared state of a running emulator.

use crate::clock::Clock;
use crate::faults::Faults;
use crate::idempotency::Store;
use crate::stats::Stats;
use crate::world::World;
use std::sync::{Mutex, RwLock};

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Verify SigV4 signatures (off with `--no-auth`).
    pub auth: bool,
    /// Only this region is accepted in credential scopes.
    pub region: Option<String>,
    /// Log one line per request to stderr.
    pub verbose: bool,
}

#[derive(Debug)]
pub struct AppState {
    pub settings: Settings,
    pub world: RwLock<World>,
    pub clock: Clock,
    pub faults: Mutex<Faults>,
    pub store: Mutex<Store>,
    pub stats: Mutex<Stats>,
    /// The per account and region request quota (`--rate-limit`, `POST /__mpm/rate_limit`).
    pub rate_limit: Mutex<crate::rate_limit::RateLimiter>,
    /// When each API request arrived (`GET /__mpm/arrivals`): the rate clients really send.
    pub arrivals: Mutex<crate::arrivals::Arrivals>,
}

/// Locks that survive a panicked holder: state stays usable for later requests.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn read<T>(m: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(|e| e.into_inner())
}

pub fn write<T>(m: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(|e| e.into_inner())
}
