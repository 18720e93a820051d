//! The local stack's CloudWatch metrics: what Lambda and SQS would publish for the pipeline,
//! computed from what the stack saw, and `GetMetricData` to read them, spoken as the SDKs speak
//! it today (Smithy RPC v2 CBOR for botocore and the AWS SDK for Rust; `awsJson1_0` too).
//!
//! - The function publishes, per invocation, `AWS/Lambda` `Invocations`, `Errors` (function
//!   errors), `Duration` (milliseconds) and `ConcurrentExecutions`, with the dimension
//!   `FunctionName` (see `lambda::LambdaFunction`). It is never throttled locally, so
//!   `Throttles` has no datapoints.
//! - SQS publishes per queue (dimension `QueueName`) `NumberOfMessagesSent`, `-Received`,
//!   `-Deleted` as one total a minute, and samples `ApproximateNumberOfMessagesVisible`,
//!   `-NotVisible`, `-Delayed` and `ApproximateAgeOfOldestMessage` (see [`GaugeSource`]): every
//!   minute, and whenever GetMetricData is asked, so the newest datapoint is current.
//!
//! `models` holds the store and GetMetricData's rules, `responses` the wire, `errors` AWS's errors.

pub mod errors;
pub mod models;
mod responses;

use crate::wire::{JsonProtocol, JsonService, ServiceFuture};
use models::{EpochMillis, MetricKey, MetricStore};
use serde_json::Value;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The `X-Amz-Target` prefix of CloudWatch's JSON protocol, and the service name in its Smithy
/// RPC v2 CBOR paths (`/service/GraniteServiceVersion20100801/operation/GetMetricData`).
pub const TARGET_PREFIX: &str = "GraniteServiceVersion20100801";
pub const PROTOCOL: JsonProtocol = JsonProtocol::V1_0;
/// The members of CloudWatch's answers that are timestamps (tagged in CBOR).
pub const TIMESTAMP_MEMBERS: &[&str] = &["Timestamps"];
/// How often the gauges are sampled: AWS's services publish their metrics every minute.
pub const SAMPLE_INTERVAL: Duration = Duration::from_secs(60);

/// One sample of a gauge: its metric, unit and value.
#[derive(Debug, Clone, PartialEq)]
pub struct GaugeSample {
    pub key: MetricKey,
    pub unit: &'static str,
    pub value: f64,
}

/// Something whose state CloudWatch samples (a queue's depth and oldest message), rather than
/// being told each event.
pub trait GaugeSource: Send + Sync + 'static {
    fn sample(&self, now: EpochMillis) -> Vec<GaugeSample>;
}

/// Milliseconds since the epoch, now.
pub fn now_millis() -> EpochMillis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as EpochMillis)
}

/// The local CloudWatch: the metric store, and the gauges it samples.
#[derive(Default)]
pub struct CloudWatchService {
    store: Mutex<MetricStore>,
    /// Weak: the sources (SQS) also hold this service, to count their events.
    gauges: Mutex<Vec<Weak<dyn GaugeSource>>>,
}

impl CloudWatchService {
    pub fn new() -> Self {
        Self::default()
    }

    fn store(&self) -> MutexGuard<'_, MetricStore> {
        // The store is consistent between calls, so a panic elsewhere leaves it usable.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records one datapoint of a metric (see [`MetricStore::observe`]).
    pub fn observe(&self, key: MetricKey, unit: &'static str, value: f64, at: EpochMillis) {
        self.store().observe(key, unit, value, at);
    }

    /// Adds to a metric's total of the minute (see [`MetricStore::add_to_minute`]).
    pub fn add_to_minute(&self, key: MetricKey, unit: &'static str, amount: f64, at: EpochMillis) {
        self.store().add_to_minute(key, unit, amount, at);
    }

    /// Samples `source` from now on.
    pub fn add_gauge_source(&self, source: &Arc<dyn GaugeSource>) {
        self.gauges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::downgrade(source));
    }

    /// Takes one sample of every gauge.
    pub fn sample_gauges(&self, now: EpochMillis) {
        let sources: Vec<Arc<dyn GaugeSource>> = {
            let mut gauges = self.gauges.lock().unwrap_or_else(PoisonError::into_inner);
            gauges.retain(|g| g.strong_count() > 0);
            gauges.iter().filter_map(Weak::upgrade).collect()
        };
        // Sampled outside the store's lock: a source takes its own.
        let samples: Vec<GaugeSample> = sources.iter().flat_map(|s| s.sample(now)).collect();
        let mut store = self.store();
        for sample in samples {
            store.observe(sample.key, sample.unit, sample.value, now);
        }
    }

    /// Samples the gauges every [`SAMPLE_INTERVAL`] for as long as the service lives.
    pub fn spawn_sampler(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let service = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(SAMPLE_INTERVAL);
            loop {
                ticks.tick().await;
                let Some(service) = service.upgrade() else { return };
                service.sample_gauges(now_millis());
            }
        })
    }
}

impl JsonService for CloudWatchService {
    fn call<'a>(&'a self, operation: &'a str, input: Value) -> ServiceFuture<'a, Value> {
        Box::pin(async move { responses::handle(self, operation, input) })
    }
}
