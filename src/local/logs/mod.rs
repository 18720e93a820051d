//! The local CloudWatch Logs: log groups, streams and events behind the real
//! `Logs_20140328.<Operation>` JSON API (create, describe, delete, PutLogEvents, GetLogEvents,
//! FilterLogEvents with CloudWatch's filter patterns, StartLiveTail's event stream), plus an in-process side for the rest of the
//! stack: function instances [`append`](LogsService::append) their output, live tail
//! [`subscribe`](LogsService::subscribe)s to every stored event, and the state can be saved and
//! restored as JSON.
//!
//! The state sits behind one `std::sync::Mutex`; every operation holds it for one synchronous
//! step and never across an await.

pub mod errors;
pub mod filter;
pub mod live_tail;
pub mod models;
mod responses;

pub use filter::{FilterPattern, InvalidFilterPattern};
pub use models::StoredEvent;

use crate::wire::{JsonProtocol, JsonService, ServiceFuture};
use models::{LogStore, ACCOUNT_ID};
use serde_json::Value;
use std::sync::{Mutex, MutexGuard, PoisonError};
use tokio::sync::broadcast;

/// The `X-Amz-Target` prefix CloudWatch Logs requests carry.
pub const TARGET_PREFIX: &str = "Logs_20140328";
/// The one operation whose answer is an event stream.
pub const LIVE_TAIL_TARGET: &str = "Logs_20140328.StartLiveTail";
/// CloudWatch Logs speaks `awsJson1_1`.
pub const PROTOCOL: JsonProtocol = JsonProtocol::V1_1;

/// How many stored events a slow subscriber may fall behind before it is told it lagged.
const SUBSCRIBER_BACKLOG: usize = 4096;

/// The most the store holds (message bytes plus 26 per event, as AWS counts ingestion) before
/// it deletes its oldest events: a function that logs without end must not grow the stack
/// without end. About a million typical lines.
pub const DEFAULT_STORE_LIMIT: u64 = 128 * 1024 * 1024;
/// How often retention and the size limit are applied, at most.
const MAINTENANCE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

pub struct LogsService {
    region: String,
    live_tail_session_limit: std::time::Duration,
    store: Mutex<LogStore>,
    stored_events: broadcast::Sender<StoredEvent>,
    store_limit: u64,
    last_maintenance: Mutex<Option<std::time::Instant>>,
}

impl LogsService {
    pub fn new(region: String) -> Self {
        let (stored_events, _) = broadcast::channel(SUBSCRIBER_BACKLOG);
        LogsService {
            region,
            live_tail_session_limit: live_tail::AWS_SESSION_LIMIT,
            store: Mutex::new(LogStore::new()),
            stored_events,
            store_limit: DEFAULT_STORE_LIMIT,
            last_maintenance: Mutex::new(None),
        }
    }

    /// Keeps at most `bytes` of events instead of [`DEFAULT_STORE_LIMIT`].
    pub fn with_store_limit(mut self, bytes: u64) -> Self {
        self.store_limit = bytes;
        self
    }

    /// Applies retention and the size limit (at most once a second: each is a pass over the
    /// store), saying on stderr what the limit made it delete.
    fn maintain(&self, store: &mut LogStore, now: i64) {
        {
            let mut last = self.last_maintenance.lock().unwrap_or_else(PoisonError::into_inner);
            if last.is_some_and(|at| at.elapsed() < MAINTENANCE_EVERY) {
                return;
            }
            *last = Some(std::time::Instant::now());
        }
        store.expire(now);
        if let Some(trimmed) = store.bound(self.store_limit) {
            eprintln!(
                "custctl local: the log store held {} MiB, more than its {} MiB; deleted its {} oldest events (up to {})",
                trimmed.held / (1024 * 1024),
                self.store_limit / (1024 * 1024),
                trimmed.events,
                chrono::DateTime::from_timestamp_millis(trimmed.newest_deleted)
                    .map(|t| crate::iso8601(&t))
                    .unwrap_or_default()
            );
        }
    }

    /// Ends live tail sessions after `limit` instead of AWS's 3 hours.
    pub fn with_live_tail_session_limit(mut self, limit: std::time::Duration) -> Self {
        self.live_tail_session_limit = limit;
        self
    }

    pub fn live_tail_session_limit(&self) -> std::time::Duration {
        self.live_tail_session_limit
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// `arn:aws:logs:{region}:000000000000:log-group:{name}`, without the trailing `:*`.
    pub fn group_arn(&self, name: &str) -> String {
        format!("arn:aws:logs:{}:{ACCOUNT_ID}:log-group:{name}", self.region)
    }

    /// Creates the log group unless it exists.
    pub fn ensure_group(&self, name: &str) {
        self.lock().ensure_group(name, now_ms());
    }

    /// The group's retention in days, as DescribeLogGroups shows it.
    pub fn set_retention(&self, name: &str, days: u32) {
        self.lock().set_retention(name, days);
    }

    /// Stores `(timestamp in ms, message)` events in `group`/`stream`, creating both if needed.
    /// Unlike PutLogEvents this takes events in any order and of any age: it is the stack's own
    /// function output, not a client's batch.
    pub fn append(&self, group: &str, stream: &str, events: Vec<(i64, String)>) {
        let mut store = self.lock();
        let now = now_ms();
        let stored = store.append(group, stream, events, now);
        self.publish(stored);
        self.maintain(&mut store, now);
    }

    /// Every event stored from now on, from [`append`](Self::append) or PutLogEvents, in the
    /// order it was stored.
    pub fn subscribe(&self) -> broadcast::Receiver<StoredEvent> {
        self.stored_events.subscribe()
    }

    /// The whole state as JSON, for [`restore`](Self::restore) in a later run.
    pub fn snapshot(&self) -> Value {
        self.lock().snapshot()
    }

    /// Replaces the whole state with a [`snapshot`](Self::snapshot); on error nothing changes.
    pub fn restore(&self, snapshot: Value) -> Result<(), String> {
        let restored = LogStore::restore(snapshot)?;
        *self.lock() = restored;
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, LogStore> {
        // A panic while holding the lock cannot leave the store half-changed in a way later
        // requests would trip over, so a poisoned lock is still usable.
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Called with the store locked, so subscribers see events in the order they were stored.
    fn publish(&self, stored: Vec<StoredEvent>) {
        if self.stored_events.receiver_count() == 0 {
            return;
        }
        for event in stored {
            // An error only means the last subscriber went away meanwhile.
            let _ = self.stored_events.send(event);
        }
    }
}

impl JsonService for LogsService {
    fn call<'a>(&'a self, operation: &'a str, input: Value) -> ServiceFuture<'a, Value> {
        Box::pin(async move { self.dispatch(operation, input) })
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
