//! What the sender sends through: the core `Client` (its retry policy applies per call), or a
//! fake in tests.

use std::future::Future;
use std::pin::Pin;

use crate::client::Client;
use crate::error::Outcome;
use crate::model::{
    BatchMeterUsageInput, BatchMeterUsageOutput, MeterUsageInput, MeterUsageOutput,
};

pub type Fut<'a, T> = Pin<Box<dyn Future<Output = Outcome<T>> + Send + 'a>>;

pub trait Transport: Send + Sync + 'static {
    fn batch_meter_usage(&self, input: BatchMeterUsageInput) -> Fut<'_, BatchMeterUsageOutput>;
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
