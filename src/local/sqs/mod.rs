//! The local stack's SQS, spoken over AWS's JSON protocol (`X-Amz-Target: AmazonSQS.*`) so that
//! unmodified SDKs and CLIs work against it, and used in process by the stack itself: the event
//! source mapping receives and deletes through [`SqsService::receive_batch`] and
//! [`SqsService::delete`], the lifecycle output follows [`SqsService::subscribe`], and
//! `custctl local down`/`up` keep the queues with [`SqsService::snapshot`] and
//! [`SqsService::restore`].
//!
//! `models` holds the state and AWS's rules, `responses` the wire format, `errors` AWS's errors.
//! This module adds what needs the runtime: the clock, the lock, long polling and the event feed.

pub mod errors;
pub mod models;
mod responses;

pub use errors::SqsError;
pub use models::{MessageAttributeValue, OutgoingMessage, QueueEvent, RedrivePolicy, SendReceipt, ACCOUNT_ID};

use crate::wire::{AwsError, JsonProtocol, JsonService, ServiceFuture};
use models::{Delivery, EpochMillis, Queues};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{broadcast, Notify};

/// How many events a slow subscriber may fall behind before it misses some.
const EVENT_BUFFER: usize = 1024;

/// A message received in process, shaped for a Lambda SQS event record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    pub md5_of_body: String,
    pub md5_of_message_attributes: Option<String>,
    /// `ApproximateReceiveCount`, `SentTimestamp`, `SenderId`, `ApproximateFirstReceiveTimestamp`,
    /// and for FIFO queues `MessageGroupId`, `MessageDeduplicationId`, `SequenceNumber`.
    pub attributes: HashMap<String, String>,
    /// The message attributes as a Lambda event carries them: `{"name": {"stringValue": ..,
    /// "dataType": ..}}`.
    pub message_attributes: Value,
}

impl From<Delivery> for ReceivedMessage {
    fn from(delivery: Delivery) -> Self {
        let md5_of_message_attributes = models::md5_of_message_attributes(&delivery.message_attributes);
        let message_attributes = delivery
            .message_attributes
            .iter()
            .map(|(name, value)| (name.clone(), value.to_lambda_event()))
            .collect();
        ReceivedMessage {
            message_id: delivery.message_id,
            receipt_handle: delivery.receipt_handle,
            body: delivery.body,
            md5_of_body: delivery.md5_of_body,
            md5_of_message_attributes,
            attributes: delivery
                .system_attributes
                .into_iter()
                .map(|(name, value)| (name.to_string(), value))
                .collect(),
            message_attributes: Value::Object(message_attributes),
        }
    }
}

fn epoch_millis() -> EpochMillis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as EpochMillis)
}

/// SQS for the local account: every queue, behind one lock held only for the length of an
/// operation, and a wake-up per queue for long polls.
pub struct SqsService {
    endpoint_base: String,
    model: Mutex<Queues>,
    wakeups: Mutex<HashMap<String, Arc<Notify>>>,
    events: broadcast::Sender<crate::Stamped<QueueEvent>>,
}

impl SqsService {
    /// The `X-Amz-Target` prefix the SDKs send.
    pub const TARGET_PREFIX: &'static str = "AmazonSQS";
    pub const PROTOCOL: JsonProtocol = JsonProtocol::V1_0;

    /// `endpoint_base` is what queue URLs start with, e.g. `http://127.0.0.1:4566`.
    pub fn new(endpoint_base: String, region: String) -> Self {
        SqsService {
            endpoint_base: endpoint_base.trim_end_matches('/').to_string(),
            model: Mutex::new(Queues::new(region)),
            wakeups: Mutex::new(HashMap::new()),
            events: broadcast::channel(EVENT_BUFFER).0,
        }
    }

    /// `{endpoint_base}/000000000000/{name}`.
    pub fn queue_url(&self, name: &str) -> String {
        format!("{}/{ACCOUNT_ID}/{name}", self.endpoint_base)
    }

    fn lock(&self) -> MutexGuard<'_, Queues> {
        // The model is consistent between operations, so a panic elsewhere leaves it usable.
        self.model.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs one operation on the model, then publishes its events and wakes the long polls
    /// that may now find a message.
    fn with_model<T>(&self, operation: impl FnOnce(&mut Queues, EpochMillis) -> T) -> T {
        let (result, events) = {
            let mut queues = self.lock();
            let result = operation(&mut queues, epoch_millis());
            let events = queues.take_events();
            // Published before the lock is released, so events are published in the order the
            // model took them: a message's "received" can never be published before its
            // "sent", whichever threads sent and received it. (Sending on a broadcast channel
            // never waits.)
            for event in &events {
                // Nobody listening is fine: the events are for whoever cares.
                let _ = self.events.send(crate::Stamped::new(event.clone()));
            }
            (result, events)
        };
        for event in events {
            match &event {
                QueueEvent::Sent { queue, .. }
                | QueueEvent::Deleted { queue, .. }
                | QueueEvent::VisibilityExpired { queue, .. } => self.wake(queue),
                QueueEvent::MovedToDeadLetterQueue { to, .. } => self.wake(to),
                QueueEvent::Received { .. } => {}
            }
        }
        result
    }

    fn wakeups(&self) -> MutexGuard<'_, HashMap<String, Arc<Notify>>> {
        self.wakeups.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wake(&self, queue: &str) {
        if let Some(notify) = self.wakeups().get(queue) {
            notify.notify_waiters();
        }
    }

    /// Wakes the queue's long polls and forgets its wake-up, once the queue is gone.
    fn forget(&self, queue: &str) {
        if let Some(notify) = self.wakeups().remove(queue) {
            notify.notify_waiters();
        }
    }

    /// Receives up to `max` messages, waiting up to `wait` for the first one. Returns as soon
    /// as one is available (sent, or back from a delay or a visibility timeout), and empty when
    /// the wait is over.
    async fn receive_waiting(
        &self,
        queue: &str,
        max: usize,
        visibility_timeout: Option<u32>,
        wait: Duration,
    ) -> Result<Vec<Delivery>, SqsError> {
        let deadline = tokio::time::Instant::now() + wait;
        let first = self.with_model(|queues, now| queues.receive(queue, max, visibility_timeout, now))?;
        if !first.is_empty() || wait.is_zero() {
            return Ok(first);
        }
        let wakeup = self.wakeups().entry(queue.to_string()).or_default().clone();
        loop {
            // Registered before looking, so a send between the look and the wait still wakes us.
            let notified = wakeup.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let (deliveries, next_due) = self.with_model(|queues, now| {
                let deliveries = queues.receive(queue, max, visibility_timeout, now)?;
                Ok::<_, SqsError>((deliveries, queues.next_due(queue).map(|due| due.saturating_sub(now))))
            })?;
            let now = tokio::time::Instant::now();
            if !deliveries.is_empty() || now >= deadline {
                return Ok(deliveries);
            }
            let wake_at = next_due.map_or(deadline, |millis| deadline.min(now + Duration::from_millis(millis)));
            tokio::select! {
                _ = &mut notified => {}
                _ = tokio::time::sleep_until(wake_at) => {}
            }
        }
    }

    /// The queue's ARN, if it exists.
    pub fn queue_arn(&self, name: &str) -> Option<String> {
        let queues = self.lock();
        queues.exists(name).then(|| queues.queue_arn(name))
    }

    /// The queue's `VisibilityTimeout` in seconds, if it exists.
    pub fn visibility_timeout(&self, name: &str) -> Option<u32> {
        self.lock().settings(name).map(|s| s.visibility_timeout)
    }

    /// The queue's redrive policy, if it exists and has one.
    pub fn redrive_policy(&self, name: &str) -> Option<RedrivePolicy> {
        self.lock().settings(name).and_then(|s| s.redrive_policy.clone())
    }

    /// Every attribute of the queue, as `GetQueueAttributes` with `All` gives them.
    pub fn queue_attributes(&self, name: &str) -> Result<BTreeMap<String, String>, AwsError> {
        Ok(self.with_model(|queues, now| queues.queue_attributes(name, &["All".to_string()], now))?)
    }

    /// Creates a queue (or accepts an existing one with the same attributes) and returns its URL.
    pub fn create_queue_with(&self, name: &str, attributes: HashMap<String, String>) -> Result<String, AwsError> {
        let attributes = attributes.into_iter().collect::<BTreeMap<_, _>>();
        self.with_model(|queues, now| queues.create_queue(name, &attributes, now))?;
        Ok(self.queue_url(name))
    }

    /// Sends one message, with the checks of `SendMessage`.
    pub fn send_message(&self, queue_name: &str, message: OutgoingMessage) -> Result<SendReceipt, AwsError> {
        Ok(self.with_model(|queues, now| queues.send(queue_name, message, now))?)
    }

    /// Receives up to `max` messages (at most 10), in flight for `visibility_timeout` (the
    /// queue's when `None`), waiting up to `wait` for the first; the long poll of `ReceiveMessage`.
    pub async fn receive_batch(
        &self,
        queue_name: &str,
        max: usize,
        visibility_timeout: Option<Duration>,
        wait: Duration,
    ) -> Result<Vec<ReceivedMessage>, AwsError> {
        let max = max.clamp(1, models::MAX_BATCH_ENTRIES);
        let visibility = visibility_timeout.map(|d| d.as_secs().min(u64::from(models::MAX_VISIBILITY_TIMEOUT)) as u32);
        let deliveries = self.receive_waiting(queue_name, max, visibility, wait).await?;
        Ok(deliveries.into_iter().map(ReceivedMessage::from).collect())
    }

    /// Deletes a received message (a no-op for a stale handle, as on AWS).
    pub fn delete(&self, queue_name: &str, receipt_handle: &str) -> Result<(), AwsError> {
        Ok(self.with_model(|queues, now| queues.delete_message(queue_name, receipt_handle, now))?)
    }

    /// Makes a received message visible again `seconds` from now (0: at once).
    pub fn change_visibility(&self, queue_name: &str, receipt_handle: &str, seconds: u32) -> Result<(), AwsError> {
        self.with_model(|queues, now| queues.change_visibility(queue_name, receipt_handle, i64::from(seconds), now))?;
        self.wake(queue_name);
        Ok(())
    }

    /// Every message event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<crate::Stamped<QueueEvent>> {
        self.events.subscribe()
    }

    /// The queues, their attributes and their messages, to persist.
    pub fn snapshot(&self) -> Value {
        self.lock().snapshot()
    }

    /// Replaces every queue with those of a [`SqsService::snapshot`]; messages that were in
    /// flight are visible again.
    pub fn restore(&self, snapshot: Value) -> Result<(), String> {
        self.with_model(|queues, now| queues.restore(snapshot, now))?;
        for notify in self.wakeups().values() {
            notify.notify_waiters();
        }
        Ok(())
    }
}

impl JsonService for SqsService {
    fn call<'a>(&'a self, operation: &'a str, input: Value) -> ServiceFuture<'a, Value> {
        Box::pin(responses::handle(self, operation, input))
    }
}
