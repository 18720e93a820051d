//! The local stack's SQS, spoken over AWS's JSON protocol (`X-Amz-Target: AmazonSQS.*`) so that
//! unmodified SDKs and CLIs work against it, and used in process by the stack itself: the event
//! source mapping receives and deletes through [`SqsService::receive_batch`] and
//! [`SqsService::delete`], the lifecycle output follows [`SqsService::subscribe`], and
//! `custctl local down`/`up` keep the queues with [`SqsService::snapshot`] and
//! [`SqsService::restore`].
//!
//! `models` holds the state and AWS's rules, `responses` the wire format, `errors` AWS's errors.
//! This module adds what needs the runtime: the clock, the lock, long polling, the event feed,
//! the pace of message move tasks, and the queue metrics it gives CloudWatch.

pub mod errors;
pub mod models;
mod responses;

pub use errors::SqsError;
pub use models::{
    MessageAttributeValue, MoveTask, MoveTaskStatus, OutgoingMessage, QueueEvent, RedrivePolicy, SendReceipt,
    ACCOUNT_ID,
};

use crate::cloudwatch::models::MetricKey;
use crate::cloudwatch::{CloudWatchService, GaugeSample, GaugeSource};
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
    /// Shared with the message move tasks, which outlive the request that started them.
    shared: Arc<Shared>,
}

/// What the service and its move tasks share.
struct Shared {
    model: Mutex<Queues>,
    wakeups: Mutex<HashMap<String, Arc<Notify>>>,
    events: broadcast::Sender<crate::Stamped<QueueEvent>>,
    metrics: Option<Arc<CloudWatchService>>,
}

/// The namespace and dimension of SQS's metrics ("Available CloudWatch metrics for Amazon
/// SQS", SQS Developer Guide).
const NAMESPACE: &str = "AWS/SQS";
const QUEUE_DIMENSION: &str = "QueueName";

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queues> {
        // The model is consistent between operations, so a panic elsewhere leaves it usable.
        self.model.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs one operation on the model, then publishes its events, counts them in the queue
    /// metrics, and wakes the long polls that may now find a message.
    fn with_model<T>(&self, operation: impl FnOnce(&mut Queues, EpochMillis) -> T) -> T {
        let now = epoch_millis();
        let (result, events) = {
            let mut queues = self.lock();
            let result = operation(&mut queues, now);
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
            self.count(&event, now);
        }
        result
    }

    /// NumberOfMessagesSent, -Received and -Deleted: a total a minute per queue. A message the
    /// redrive policy moves to a DLQ is not "sent" to it ("if a message is sent to a dead-letter
    /// queue as a result of a failed processing attempt, it isn't captured by this metric").
    fn count(&self, event: &QueueEvent, now: EpochMillis) {
        let Some(metrics) = &self.metrics else { return };
        let (metric, queue) = match event {
            QueueEvent::Sent { queue, .. } => ("NumberOfMessagesSent", queue),
            QueueEvent::Received { queue, .. } => ("NumberOfMessagesReceived", queue),
            QueueEvent::Deleted { queue, .. } => ("NumberOfMessagesDeleted", queue),
            QueueEvent::VisibilityExpired { .. } | QueueEvent::MovedToDeadLetterQueue { .. } => return,
        };
        let key = MetricKey::new(NAMESPACE, metric, &[(QUEUE_DIMENSION, queue)]);
        metrics.add_to_minute(key, "Count", 1.0, now);
    }

    fn wakeups(&self) -> MutexGuard<'_, HashMap<String, Arc<Notify>>> {
        self.wakeups.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wake(&self, queue: &str) {
        if let Some(notify) = self.wakeups().get(queue) {
            notify.notify_waiters();
        }
    }
}

impl GaugeSource for SqsService {
    /// ApproximateNumberOfMessagesVisible, -NotVisible, -Delayed (Count) and
    /// ApproximateAgeOfOldestMessage (Seconds) of every queue.
    fn sample(&self, now: EpochMillis) -> Vec<GaugeSample> {
        let depths = self.with_model(|queues, _| queues.depths(now));
        let mut samples = Vec::new();
        for depth in depths {
            let gauges = [
                ("ApproximateNumberOfMessagesVisible", "Count", depth.visible as f64),
                ("ApproximateNumberOfMessagesNotVisible", "Count", depth.in_flight as f64),
                ("ApproximateNumberOfMessagesDelayed", "Count", depth.delayed as f64),
            ];
            for (name, unit, value) in gauges {
                samples.push(GaugeSample {
                    key: MetricKey::new(NAMESPACE, name, &[(QUEUE_DIMENSION, &depth.queue)]),
                    unit,
                    value,
                });
            }
            // An empty queue has no oldest message, and so no datapoint.
            if let Some(age) = depth.oldest_age_secs {
                samples.push(GaugeSample {
                    key: MetricKey::new(
                        NAMESPACE,
                        "ApproximateAgeOfOldestMessage",
                        &[(QUEUE_DIMENSION, &depth.queue)],
                    ),
                    unit: "Seconds",
                    value: age as f64,
                });
            }
        }
        samples
    }
}

/// How many messages a move task without a rate moves per step before it lets the other
/// requests at the lock (AWS "optimizes the rate based on the queue message backlog size").
const UNPACED_STEP: u64 = 500;

/// Runs a move task to its end: each step moves what `MaxNumberOfMessagesPerSecond` allows so
/// far (`rate * elapsed`, plus the first message at once), so that no second ever sees more
/// than the rate and one; a task being cancelled ends at its next step.
async fn run_move_task(shared: Arc<Shared>, task_id: String, rate: Option<u32>) {
    let started = tokio::time::Instant::now();
    let mut moved = 0u64;
    loop {
        let budget = match rate {
            None => UNPACED_STEP,
            Some(rate) => {
                let allowed = u64::from(rate) * started.elapsed().as_millis() as u64 / 1000 + 1;
                allowed.saturating_sub(moved)
            }
        };
        let step = shared.with_model(|queues, now| queues.move_step(&task_id, budget, now));
        moved += step.moved;
        if step.finished {
            return;
        }
        match rate {
            None => tokio::task::yield_now().await,
            // Often enough to keep a fast rate smooth, seldom enough to cost nothing at a slow one.
            Some(rate) => tokio::time::sleep(Duration::from_millis((1000 / u64::from(rate)).clamp(10, 100))).await,
        }
    }
}

impl SqsService {
    /// The `X-Amz-Target` prefix the SDKs send.
    pub const TARGET_PREFIX: &'static str = "AmazonSQS";
    pub const PROTOCOL: JsonProtocol = JsonProtocol::V1_0;

    /// `endpoint_base` is what queue URLs start with, e.g. `http://127.0.0.1:4566`.
    pub fn new(endpoint_base: String, region: String) -> Self {
        Self::build(endpoint_base, region, None)
    }

    /// A service that counts its queues' messages in `metrics` (and can be sampled by it, see
    /// [`GaugeSource`]).
    pub fn with_metrics(endpoint_base: String, region: String, metrics: Arc<CloudWatchService>) -> Arc<Self> {
        let service = Arc::new(Self::build(endpoint_base, region, Some(metrics.clone())));
        let source: Arc<dyn GaugeSource> = service.clone();
        metrics.add_gauge_source(&source);
        service
    }

    fn build(endpoint_base: String, region: String, metrics: Option<Arc<CloudWatchService>>) -> Self {
        SqsService {
            endpoint_base: endpoint_base.trim_end_matches('/').to_string(),
            shared: Arc::new(Shared {
                model: Mutex::new(Queues::new(region)),
                wakeups: Mutex::new(HashMap::new()),
                events: broadcast::channel(EVENT_BUFFER).0,
                metrics,
            }),
        }
    }

    /// `{endpoint_base}/000000000000/{name}`.
    pub fn queue_url(&self, name: &str) -> String {
        format!("{}/{ACCOUNT_ID}/{name}", self.endpoint_base)
    }

    fn lock(&self) -> MutexGuard<'_, Queues> {
        self.shared.lock()
    }

    /// See [`Shared::with_model`].
    fn with_model<T>(&self, operation: impl FnOnce(&mut Queues, EpochMillis) -> T) -> T {
        self.shared.with_model(operation)
    }

    fn wakeups(&self) -> MutexGuard<'_, HashMap<String, Arc<Notify>>> {
        self.shared.wakeups()
    }

    fn wake(&self, queue: &str) {
        self.shared.wake(queue);
    }

    /// `StartMessageMoveTask`: records the task and starts moving its messages in the
    /// background; returns its handle.
    pub fn start_move_task(
        &self,
        source_arn: &str,
        destination_arn: Option<&str>,
        max_messages_per_second: Option<i64>,
    ) -> Result<String, SqsError> {
        let task = self.with_model(|queues, now| {
            queues.start_move_task(source_arn, destination_arn, max_messages_per_second, now)
        })?;
        tokio::spawn(run_move_task(
            self.shared.clone(),
            task.id.clone(),
            task.max_messages_per_second,
        ));
        Ok(task.handle)
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
        self.shared.events.subscribe()
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
