//! The fleet's event streams: the proof's seeded stream (late usage and repeated event_ids
//! included; sim.rs) spread over 200 customers, so that each hour of the fleet is several
//! batches and delivery runs against the rate limit; and what the acknowledged events add up
//! to per (customer, dimension).

use crate::sim::{self, format_millionths, splitmix};
use std::collections::{BTreeMap, HashSet};

/// The proof's first events are for its injected conflicts; the fleet has none.
pub const FIRST_EVENT: u64 = sim::CONFLICT_EVENTS;
pub const CUSTOMERS: u64 = 200;

pub fn customer_name(n: u64) -> String {
    format!("fleet-{n:03}")
}

pub struct FleetEvent {
    pub customer: String,
    pub dimension: &'static str,
    pub millionths: i64,
    pub quantity: String,
    pub event_id: String,
    pub late: bool,
}

/// Event `i` of the stream of `seed`. Its customer follows from its event_id, so a repeated
/// event (same event_id) is for the same customer, as in the proof's stream.
pub fn fleet_event(seed: u64, i: u64) -> FleetEvent {
    let e = sim::event(seed, i);
    let original: u64 = e
        .event_id
        .rsplit('-')
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(i);
    FleetEvent {
        customer: customer_name(splitmix(seed ^ original.wrapping_mul(0x9E37)) % CUSTOMERS),
        dimension: e.dimension,
        millionths: e.millionths,
        quantity: format_millionths(e.millionths),
        event_id: e.event_id,
        late: e.late,
    }
}

/// The sum of the acknowledged events per (customer, dimension), each event_id once, for
/// streams given as (seed, first event not acknowledged).
pub fn expected(streams: &[(u64, u64)]) -> BTreeMap<(String, String), i64> {
    let mut seen = HashSet::new();
    let mut out = BTreeMap::new();
    for &(seed, next) in streams {
        for i in FIRST_EVENT..next {
            let e = fleet_event(seed, i);
            if seen.insert(e.event_id.clone()) {
                *out.entry((e.customer, e.dimension.to_string()))
                    .or_insert(0) += e.millionths;
            }
        }
    }
    out
}

#[test]
fn repeats_keep_their_customer_and_streams_spread_over_the_customers() {
    let mut customers = HashSet::new();
    for i in FIRST_EVENT..2000 {
        let e = fleet_event(7, i);
        let plain = sim::event(7, i);
        if let Some(j) = plain.repeat_of {
            assert_eq!(fleet_event(7, j).customer, e.customer);
        }
        customers.insert(e.customer);
    }
    assert!(customers.len() > 150, "{} customers", customers.len());
    // Two streams never share an event_id.
    let a: HashSet<_> = (FIRST_EVENT..500)
        .map(|i| fleet_event(1, i).event_id)
        .collect();
    assert!((FIRST_EVENT..500).all(|i| !a.contains(&fleet_event(2, i).event_id)));
}
