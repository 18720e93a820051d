//! The SQS event source mapping: pollers that gather batches from a queue, invoke the
//! function with them, and delete what succeeded, by Lambda's rules.
//!
//! - batches of up to `BatchSize`; above 10 a batching window is required, and the window
//!   (which starts with the first message) bounds how long a batch is gathered;
//! - `ScalingConfig.MaximumConcurrency` pollers run at once, each batch on its own instance;
//! - with `ReportBatchItemFailures`, only the reported records stay on the queue; an
//!   `itemIdentifier` that is empty or not in the batch fails the whole batch, as on AWS;
//! - a function error (crash, timeout, unhandled) fails the whole batch. Failed records are not
//!   touched: they come back after the visibility timeout, and the queue's redrive policy moves
//!   them to the DLQ after `maxReceiveCount` receives.

use super::instance::InvocationResult;
use super::LambdaFunction;
use crate::wire::{AwsError, ServiceFuture};
use custctl_rules::{read_batch_response, BatchVerdict};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, watch};

/// A message as the mapping receives it from the queue.
#[derive(Debug, Clone)]
pub struct QueueMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    pub md5_of_body: String,
    /// System attributes (ApproximateReceiveCount, SentTimestamp, SenderId, ...).
    pub attributes: BTreeMap<String, String>,
    /// Message attributes in the Lambda event's shape.
    pub message_attributes: serde_json::Value,
}

/// What the mapping needs from the queue service.
pub trait QueueSource: Send + Sync + 'static {
    fn receive<'a>(&'a self, queue_name: &'a str, max: usize, wait: Duration) -> ServiceFuture<'a, Vec<QueueMessage>>;
    fn delete(&self, queue_name: &str, receipt_handle: &str) -> Result<(), AwsError>;
    /// Makes a received message visible again at once (visibility timeout 0).
    fn release(&self, queue_name: &str, receipt_handle: &str) -> Result<(), AwsError>;
    /// The queue's visibility timeout in seconds, if the queue exists.
    fn visibility_timeout(&self, queue_name: &str) -> Option<u32>;
}

/// The mapping's settings, changed by UpdateEventSourceMapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingSettings {
    pub enabled: bool,
    pub batch_size: u32,
    pub batching_window_secs: u32,
    pub maximum_concurrency: u32,
    pub report_batch_item_failures: bool,
}

impl Default for MappingSettings {
    fn default() -> Self {
        MappingSettings {
            enabled: true,
            batch_size: 10,
            batching_window_secs: 0,
            maximum_concurrency: 5,
            report_batch_item_failures: true,
        }
    }
}

impl MappingSettings {
    /// Lambda's rules for an SQS mapping; the messages are AWS's.
    pub fn validate(&self, fifo: bool) -> Result<(), AwsError> {
        let invalid = |m: String| Err(AwsError::client("InvalidParameterValueException", m));
        let max_batch = if fifo { 10 } else { 10_000 };
        if self.batch_size == 0 || self.batch_size > max_batch {
            return invalid(format!(
                "BatchSize must be between 1 and {max_batch} for this event source"
            ));
        }
        if self.batch_size > 10 && self.batching_window_secs == 0 {
            return invalid(
                "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
                    .into(),
            );
        }
        if self.batching_window_secs > 300 {
            return invalid("MaximumBatchingWindowInSeconds must be between 0 and 300".into());
        }
        if !(2..=1000).contains(&self.maximum_concurrency) {
            return invalid("ScalingConfig.MaximumConcurrency must be between 2 and 1000".into());
        }
        Ok(())
    }
}

/// AWS refuses a mapping whose queue would make messages visible again while the function
/// may still be working on them.
pub fn check_visibility_timeout(visibility_timeout_secs: u32, function_timeout: Duration) -> Result<(), AwsError> {
    let function_secs = function_timeout.as_secs();
    if u64::from(visibility_timeout_secs) < function_secs {
        return Err(AwsError::client(
            "InvalidParameterValueException",
            format!("Queue visibility timeout: {visibility_timeout_secs} seconds is less than Function timeout: {function_secs} seconds"),
        ));
    }
    Ok(())
}

/// What happened to a batch, for the live view of `custctl local up`.
#[derive(Debug, Clone)]
pub enum MappingEvent {
    Invoked {
        request_id: String,
        message_ids: Vec<String>,
        cold_start: bool,
        function_error: Option<String>,
    },
    Deleted {
        message_id: String,
        request_id: String,
    },
    /// The mapping cannot read its queue (deleted, for one); said once per change of reason.
    Problem {
        reason: String,
    },
    WillRetry {
        message_id: String,
        request_id: String,
        reason: String,
    },
}

/// One SQS -> function mapping and its pollers.
pub struct EventSourceMapping {
    pub uuid: String,
    pub queue_arn: String,
    pub queue_name: String,
    pub function: Arc<LambdaFunction>,
    settings: watch::Sender<MappingSettings>,
    last_modified: Mutex<f64>,
    events: broadcast::Sender<crate::Stamped<MappingEvent>>,
    pollers: Arc<AtomicUsize>,
    queues: Arc<dyn QueueSource>,
    region: String,
    /// `LastProcessingResult`: "No records processed", "OK", or "PROBLEM: ..." as Lambda
    /// reports it, so that a queue that went away is seen in the mapping, not only in silence.
    last_processing_result: Mutex<String>,
}

impl EventSourceMapping {
    /// Creates the mapping and starts its pollers.
    pub fn start(
        uuid: String,
        queue_arn: String,
        function: Arc<LambdaFunction>,
        settings: MappingSettings,
        queues: Arc<dyn QueueSource>,
    ) -> Arc<Self> {
        let queue_name = queue_arn.rsplit(':').next().unwrap_or_default().to_string();
        let region = queue_arn.split(':').nth(3).unwrap_or("us-east-1").to_string();
        let mapping = Arc::new(EventSourceMapping {
            uuid,
            queue_arn,
            queue_name,
            function,
            settings: watch::channel(settings).0,
            last_modified: Mutex::new(now_epoch_secs()),
            events: broadcast::channel(4096).0,
            pollers: Arc::new(AtomicUsize::new(0)),
            queues,
            region,
            last_processing_result: Mutex::new(NO_RECORDS_PROCESSED.to_string()),
        });
        mapping.spawn_missing_pollers();
        mapping
    }

    pub fn settings(&self) -> MappingSettings {
        self.settings.borrow().clone()
    }

    pub fn last_modified(&self) -> f64 {
        *self.last_modified.lock().expect("mapping poisoned")
    }

    pub fn last_processing_result(&self) -> String {
        self.last_processing_result.lock().expect("mapping poisoned").clone()
    }

    /// Records the outcome of a poll or an invocation; a new problem is also said as an event.
    fn set_last_processing_result(&self, result: String) {
        let mut last = self.last_processing_result.lock().expect("mapping poisoned");
        if *last != result {
            if let Some(reason) = result.strip_prefix("PROBLEM: ") {
                let _ = self.events.send(crate::Stamped::new(MappingEvent::Problem {
                    reason: reason.to_string(),
                }));
            }
            *last = result;
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<crate::Stamped<MappingEvent>> {
        self.events.subscribe()
    }

    /// Applies new settings: a disabled mapping polls nothing; concurrency grows or shrinks.
    pub fn update(self: &Arc<Self>, settings: MappingSettings) {
        *self.last_modified.lock().expect("mapping poisoned") = now_epoch_secs();
        self.settings.send_replace(settings);
        self.spawn_missing_pollers();
    }

    fn spawn_missing_pollers(self: &Arc<Self>) {
        let wanted = self.settings().maximum_concurrency as usize;
        loop {
            let running = self.pollers.load(Ordering::SeqCst);
            if running >= wanted {
                return;
            }
            if self
                .pollers
                .compare_exchange(running, running + 1, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                let mapping = Arc::downgrade(self);
                tokio::spawn(poll_loop(mapping, running));
            }
        }
    }

    /// Gathers one batch by the mapping's rules; empty when nothing arrived or settings changed.
    async fn gather_batch(&self, settings: &MappingSettings) -> Vec<QueueMessage> {
        let mut batch: Vec<QueueMessage> = Vec::new();
        let mut changed = self.settings.subscribe();
        let mut window_ends: Option<Instant> = None;
        loop {
            let wanted = (settings.batch_size as usize - batch.len()).min(10);
            let wait = match window_ends {
                None => Duration::from_secs(20),
                Some(end) => end.saturating_duration_since(Instant::now()),
            };
            let received = tokio::select! {
                r = self.queues.receive(&self.queue_name, wanted, wait) => match r {
                    Ok(messages) => messages,
                    Err(err) => {
                        // The queue is gone (or not there yet): say so in the mapping, and poll
                        // again later, not in a hot loop.
                        self.set_last_processing_result(format!(
                            "PROBLEM: Lambda cannot receive messages from {}: {}: {}",
                            self.queue_arn, err.short_code(), err.message
                        ));
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        return batch;
                    }
                },
                _ = changed.changed() => return batch,
            };
            if !received.is_empty() && window_ends.is_none() {
                window_ends = Some(Instant::now() + Duration::from_secs(settings.batching_window_secs.into()));
            }
            batch.extend(received);
            let window_over = window_ends.is_some_and(|end| Instant::now() >= end);
            if batch.len() >= settings.batch_size as usize || (window_ends.is_some() && window_over) {
                return batch;
            }
        }
    }

    /// The event record Lambda makes of one SQS message, serialized.
    fn record_for(&self, m: &QueueMessage) -> String {
        serde_json::json!({
            "messageId": m.message_id,
            "receiptHandle": m.receipt_handle,
            "body": m.body,
            "attributes": m.attributes,
            "messageAttributes": m.message_attributes,
            "md5OfBody": m.md5_of_body,
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.region,
        })
        .to_string()
    }

    /// A gathered batch is passed to the function in as many invocations as its events need to
    /// stay within the synchronous payload limit (see [`split_by_payload`]).
    async fn process_batch(&self, batch: Vec<QueueMessage>, settings: &MappingSettings) {
        let records: Vec<String> = batch.iter().map(|m| self.record_for(m)).collect();
        let sizes: Vec<usize> = records.iter().map(String::len).collect();
        let mut batch = batch.into_iter();
        let mut records = records.into_iter();
        for part in split_by_payload(&sizes, MAX_EVENT_BYTES) {
            let messages: Vec<QueueMessage> = batch.by_ref().take(part).collect();
            let event = format!(
                "{{\"Records\":[{}]}}",
                records.by_ref().take(part).collect::<Vec<_>>().join(",")
            );
            self.invoke_with(messages, event, settings).await;
        }
    }

    /// One invocation with `event` (the records of `batch`), then each message deleted or left
    /// for a retry by the function's answer.
    async fn invoke_with(&self, batch: Vec<QueueMessage>, event: String, settings: &MappingSettings) {
        let record = self.function.invoke(event.into()).await;
        let request_id = record.request_id.clone();
        let verdict = batch_verdict(&record.result, &batch, settings.report_batch_item_failures);
        let function_error = match &record.result {
            InvocationResult::FunctionError { error_type, .. } => Some(error_type.clone()),
            InvocationResult::Response(_) => None,
        };
        self.set_last_processing_result(match function_error {
            Some(_) => "PROBLEM: Function call failed".to_string(),
            None => "OK".to_string(),
        });
        let _ = self.events.send(crate::Stamped::new(MappingEvent::Invoked {
            request_id: request_id.clone(),
            message_ids: batch.iter().map(|m| m.message_id.clone()).collect(),
            cold_start: record.cold_start,
            function_error,
        }));
        for message in batch {
            match failure_reason(&verdict, &message.message_id) {
                None => {
                    if self.queues.delete(&self.queue_name, &message.receipt_handle).is_ok() {
                        let _ = self.events.send(crate::Stamped::new(MappingEvent::Deleted {
                            message_id: message.message_id,
                            request_id: request_id.clone(),
                        }));
                    }
                }
                Some(reason) => {
                    let _ = self.events.send(crate::Stamped::new(MappingEvent::WillRetry {
                        message_id: message.message_id,
                        request_id: request_id.clone(),
                        reason,
                    }));
                }
            }
        }
    }
}

/// What a mapping that has not invoked its function yet reports.
const NO_RECORDS_PROCESSED: &str = "No records processed";

/// Lambda's payload limit for a synchronous invocation, which an event source mapping's event
/// must fit: "Lambda passes all of the records in the batch to the function in a single call,
/// up to the payload limit for synchronous invocation (6 MB)" (CreateEventSourceMapping,
/// BatchSize; Lambda quotas: 6 MB each for request and response). With SQS's 1 MiB messages,
/// ten records can exceed it.
pub const MAX_EVENT_BYTES: usize = 6 * 1024 * 1024;

/// How many consecutive records go into each invocation so that no event
/// (`{"Records":[r1,r2,..]}`) exceeds `limit` bytes; a record too large on its own still goes
/// alone (SQS's 1 MiB limit keeps that from happening).
pub fn split_by_payload(record_sizes: &[usize], limit: usize) -> Vec<usize> {
    const ENVELOPE: usize = r#"{"Records":[]}"#.len();
    let mut parts = Vec::new();
    let (mut count, mut bytes) = (0usize, ENVELOPE);
    for &size in record_sizes {
        let added = size + usize::from(count > 0);
        if count > 0 && bytes + added > limit {
            parts.push(count);
            (count, bytes) = (0, ENVELOPE);
        }
        bytes += size + usize::from(count > 0);
        count += 1;
    }
    if count > 0 {
        parts.push(count);
    }
    parts
}

async fn poll_loop(mapping: std::sync::Weak<EventSourceMapping>, index: usize) {
    loop {
        let Some(m) = mapping.upgrade() else { return };
        let settings = m.settings();
        if index >= settings.maximum_concurrency as usize {
            m.pollers.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        if !settings.enabled {
            let mut changed = m.settings.subscribe();
            drop(m);
            // Wake on a settings change, or now and then to notice the mapping went away.
            let _ = tokio::time::timeout(Duration::from_secs(1), changed.changed()).await;
            continue;
        }
        let batch = m.gather_batch(&settings).await;
        if !m.settings().enabled {
            // Disabled while this poller waited on a long poll: the batch is not this
            // mapping's to process any more, so it goes back to the queue untouched.
            for message in &batch {
                let _ = m.queues.release(&m.queue_name, &message.receipt_handle);
            }
            continue;
        }
        if !batch.is_empty() {
            m.process_batch(batch, &settings).await;
        }
    }
}

/// Why a record of `verdict` comes back, or `None` when it is deleted.
fn failure_reason(verdict: &BatchVerdict, message_id: &str) -> Option<String> {
    match verdict {
        BatchVerdict::AllSucceeded => None,
        BatchVerdict::WholeBatchFailed(reason) => Some(reason.clone()),
        BatchVerdict::SomeFailed(ids) => ids
            .contains(message_id)
            .then(|| "reported in batchItemFailures".to_string()),
    }
}

/// Reads the function's answer as the event source mapping does (the same reading that
/// `custctl invoke` applies, so both agree on what would be retried).
fn batch_verdict(result: &InvocationResult, batch: &[QueueMessage], report_failures: bool) -> BatchVerdict {
    match result {
        InvocationResult::FunctionError { error_type, .. } => {
            BatchVerdict::WholeBatchFailed(format!("function error {error_type}"))
        }
        InvocationResult::Response(_) if !report_failures => BatchVerdict::AllSucceeded,
        InvocationResult::Response(body) => {
            let ids: Vec<&str> = batch.iter().map(|m| m.message_id.as_str()).collect();
            read_batch_response(body, &ids)
        }
    }
}

fn now_epoch_secs() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str) -> QueueMessage {
        QueueMessage {
            message_id: id.into(),
            receipt_handle: format!("rh-{id}"),
            body: "{}".into(),
            md5_of_body: String::new(),
            attributes: BTreeMap::new(),
            message_attributes: serde_json::json!({}),
        }
    }

    fn verdict(body: &str) -> Vec<Option<String>> {
        let batch = [message("a"), message("b")];
        let v = batch_verdict(&InvocationResult::Response(body.to_string().into()), &batch, true);
        batch.iter().map(|m| failure_reason(&v, &m.message_id)).collect()
    }

    #[test]
    fn batches_whose_event_would_pass_6_mb_are_split_in_order() {
        let mib = 1024 * 1024 + 400;
        assert_eq!(split_by_payload(&[mib; 10], MAX_EVENT_BYTES), [5, 5]);
        assert_eq!(split_by_payload(&[100; 10], MAX_EVENT_BYTES), [10]);
        assert_eq!(split_by_payload(&[], MAX_EVENT_BYTES), Vec::<usize>::new());
        // Exactly at the limit fits; one byte more does not.
        let envelope = r#"{"Records":[]}"#.len();
        assert_eq!(split_by_payload(&[10, 10], envelope + 21), [2]);
        assert_eq!(split_by_payload(&[10, 10], envelope + 20), [1, 1]);
        assert_eq!(split_by_payload(&[50, 1, 1], 40), [1, 2]);
    }

    #[test]
    fn partial_failures_keep_only_the_reported_records() {
        let v = verdict(r#"{"batchItemFailures":[{"itemIdentifier":"b"}]}"#);
        assert!(v[0].is_none());
        assert!(v[1].is_some());
    }

    #[test]
    fn empty_null_and_failure_free_answers_succeed() {
        for body in ["", "null", "{}", r#"{"batchItemFailures":[]}"#] {
            assert!(verdict(body).iter().all(Option::is_none), "{body}");
        }
    }

    #[test]
    fn bad_identifiers_fail_the_whole_batch() {
        for body in [
            r#"{"batchItemFailures":[{"itemIdentifier":""}]}"#,
            r#"{"batchItemFailures":[{"itemIdentifier":"zzz"}]}"#,
            r#"{"batchItemFailures":[{}]}"#,
            "not json",
        ] {
            assert!(verdict(body).iter().all(Option::is_some), "{body}");
        }
    }

    #[test]
    fn function_errors_fail_the_whole_batch() {
        let batch = [message("a")];
        let result = InvocationResult::FunctionError {
            error_type: "Sandbox.Timedout".into(),
            error_message: "x".into(),
        };
        assert!(failure_reason(&batch_verdict(&result, &batch, true), "a").is_some());
    }

    #[test]
    fn awss_mapping_rules_are_enforced() {
        let over_ten = MappingSettings {
            batch_size: 11,
            ..Default::default()
        };
        let err = over_ten.validate(false).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValueException");
        assert!(err
            .message
            .contains("greater than 0 if maximum batch size is greater than 10"));
        assert!(MappingSettings {
            batch_size: 11,
            batching_window_secs: 1,
            ..Default::default()
        }
        .validate(false)
        .is_ok());
        assert!(MappingSettings {
            batch_size: 11,
            batching_window_secs: 1,
            ..Default::default()
        }
        .validate(true)
        .is_err());
        let err = check_visibility_timeout(30, Duration::from_secs(60)).unwrap_err();
        assert_eq!(
            err.message,
            "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
        );
        assert!(check_visibility_timeout(60, Duration::from_secs(60)).is_ok());
    }
}
