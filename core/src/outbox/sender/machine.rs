//! Machine-mode delivery: one MeterUsage call per slot, with the ClientToken chosen at seal,
//! so a resend is the same request and AWS answers it with the same MeteringRecordId.

use super::batch::RequestResult;
use super::status::{accepted, verdict, CallVerdict};
use super::transport::Transport;
use crate::model::MeterUsageInput;
use crate::outbox::model::SlotView;
use crate::outbox::quantity;
use crate::outbox::store::Completion;

/// The MeterUsage request of a sealed machine-mode slot: the whole-number quantity when it is
/// one, else the decimal form, and the slot's ClientToken; the same bytes on every resend.
pub fn meter_usage_input(slot: &SlotView) -> MeterUsageInput {
    let m = slot.quantity_millionths;
    let whole = m % quantity::SCALE == 0;
    MeterUsageInput {
        product_code: Some(slot.product.clone()),
        timestamp: Some(slot.hour),
        usage_dimension: Some(slot.dimension.clone()),
        usage_quantity: whole.then(|| (m / quantity::SCALE) as i32),
        usage_quantity_as_decimal: (!whole).then(|| quantity::format(m)),
        client_token: slot.client_token.clone(),
        ..Default::default()
    }
}

pub async fn deliver<T: Transport + ?Sized>(
    transport: &T,
    slot: &SlotView,
    in_doubt: bool,
) -> RequestResult {
    let out = transport.meter_usage(meter_usage_input(slot)).await;
    let c = match out.result {
        Ok(o) => accepted(o.metering_record_id, in_doubt),
        Err(e) => match verdict(&e, out.meta.http_status) {
            CallVerdict::Refused { state, reason } => Completion::Terminal {
                state,
                metering_record_id: None,
                reason: Some(reason),
            },
            CallVerdict::Outage { reason, in_doubt } => Completion::Retry { reason, in_doubt },
        },
    };
    (out.meta.request_id, vec![(slot.id, c)])
}
