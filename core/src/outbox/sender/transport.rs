//! What the sender sends through: the core `Client` (its retry policy applies per call), or a
//! fake in tests.

use std::future::Future;
use std::pin::Pin;

use crate::client::Client;
use crate::error::Outcome;
use crate::model::{
    BatchMeterUsageInput, BatchMeterUsageOutput, MeterUsageInput, MeterUsageOutput,
};

/// The future of one call: the operation's outcome, with its HTTP facts.
pub type Fut<'a, T> = Pin<Box<dyn Future<Output = Outcome<T>> + Send + 'a>>;

/// How the outbox's sender reaches AWS: the two operations it sends. `Client` is the real
/// one; another implementation lets an application test its metering without the network.
///
/// A complete run on a clock the test moves: the usage of one hour, sealed and delivered once
/// the hour is over, through a transport that accepts every record.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
/// use mpmeter_core::error::{Outcome, ResponseMeta};
/// use mpmeter_core::model::*;
/// use mpmeter_core::outbox::{Event, ManualClock, Options, Outbox, SlotState, Transport};
/// use mpmeter_core::outbox::sender::Fut;
///
/// /// Accepts every record, as AWS would.
/// struct AcceptAll;
/// impl Transport for AcceptAll {
///     fn batch_meter_usage(&self, input: BatchMeterUsageInput) -> Fut<'_, BatchMeterUsageOutput> {
///         let records = input.usage_records.into_iter().enumerate();
///         let results = records.map(|(i, r)| UsageRecordResult {
///             usage_record: Some(r),
///             metering_record_id: Some(format!("record-{i}")),
///             status: Some(UsageRecordResultStatus::Success),
///         });
///         let out = BatchMeterUsageOutput { results: results.collect(), ..Default::default() };
///         Box::pin(async move { Outcome { result: Ok(out), meta: ResponseMeta::default() } })
///     }
///     fn meter_usage(&self, _: MeterUsageInput) -> Fut<'_, MeterUsageOutput> {
///         unreachable!("a SaaS outbox sends BatchMeterUsage only")
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let hour = 1_767_225_600; // 2026-01-01T00:00:00Z
/// let clock = Arc::new(ManualClock::at_secs(hour + 600));
/// let reported = Arc::new(Mutex::new(Vec::new()));
/// let seen = Arc::clone(&reported);
/// let options = Options {
///     product_code: Some("demo-product".into()),
///     clock: clock.clone(),
///     on_terminal: Some(Arc::new(move |slot| seen.lock().unwrap().push(slot.clone()))),
///     ..Default::default()
/// };
/// let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
/// let dir = std::env::temp_dir().join(format!("mpmeter-doc-outbox-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let store = dir.join("store.db");
/// let outbox = Outbox::open(&store, options, Arc::new(AcceptAll), runtime.handle())?;
///
/// for (quantity, id) in [("2", "e1"), ("0.5", "e2"), ("2", "e1")] {
///     outbox.record(&Event {
///         customer: Some("111122223333".into()),
///         dimension: "api_calls".into(),
///         usage_time: hour + 120,
///         quantity: quantity.into(),
///         event_id: Some(id.into()),
///     })?;
/// }
/// assert_eq!(outbox.stats()?.open, 1); // one slot for the hour; e1 counted once
///
/// clock.set_secs(hour + 3600 + 1); // the hour is over: flush seals and sends it
/// outbox.flush(Some(Duration::from_secs(30)))?;
/// let slots = outbox.slots_of_hour(hour)?;
/// assert_eq!(slots.len(), 1);
/// assert_eq!(slots[0].state, SlotState::Accepted);
/// assert_eq!(slots[0].quantity_millionths, 2_500_000);
/// assert_eq!(slots[0].metering_record_id.as_deref(), Some("record-0"));
///
/// outbox.close(Duration::from_secs(5)); // after it, every report has been delivered
/// let reported = reported.lock().unwrap();
/// assert_eq!(reported.len(), 1);
/// assert_eq!(reported[0].state, SlotState::Accepted);
/// # drop(outbox);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Sends one BatchMeterUsage request (SaaS mode): at most 25 records of one product. The
    /// answer's results and unprocessed records decide each slot's fate.
    fn batch_meter_usage(&self, input: BatchMeterUsageInput) -> Fut<'_, BatchMeterUsageOutput>;
    /// Sends one MeterUsage request (machine mode): one slot, with the ClientToken chosen at
    /// seal so that every resend is the same request.
    fn meter_usage(&self, input: MeterUsageInput) -> Fut<'_, MeterUsageOutput>;
}

impl Transport for Client {
    fn batch_meter_usage(&self, input: BatchMeterUsageInput) -> Fut<'_, BatchMeterUsageOutput> {
        Box::pin(async move { Client::batch_meter_usage(self, &input).await })
    }
    fn meter_usage(&self, input: MeterUsageInput) -> Fut<'_, MeterUsageOutput> {
        Box::pin(async move { Client::meter_usage(self, &input).await })
    }
}
