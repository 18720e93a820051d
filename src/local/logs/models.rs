//! The state of the local CloudWatch Logs (log groups, their streams, and each stream's events in
//! time order) and AWS's rules for it: name constraints, what PutLogEvents accepts or rejects, and
//! how GetLogEvents and FilterLogEvents page through events. Nothing here knows about HTTP; times
//! come in as arguments, so the rules are testable with fixed clocks.
//!
//! Every event has a key `(timestamp, seq)`, where `seq` counts the events a stream has ever
//! stored, so keys are unique within a stream and ties in time keep ingestion order. A stream keeps
//! its events sorted by that key: a late event (older than the stream's newest) is inserted in
//! place. Across a group, events are ordered by `(timestamp, stream name, seq)`, and every
//! pagination token is a position in that order rather than an index, so a page resumes exactly
//! where the last one ended even when events arrive in between.

use super::errors::LogsError;
use super::filter::FilterPattern;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashSet};

/// The account every local resource belongs to.
pub const ACCOUNT_ID: &str = "000000000000";

const MAX_BATCH_EVENTS: usize = 10_000;
const MAX_BATCH_BYTES: usize = 1_048_576;
/// AWS counts each event as its UTF-8 message length plus this many bytes.
pub const EVENT_OVERHEAD_BYTES: usize = 26;
const MAX_EVENT_AGE_MS: i64 = 14 * 24 * 60 * 60 * 1000;
const MAX_EVENT_FUTURE_MS: i64 = 2 * 60 * 60 * 1000;
const MAX_BATCH_SPAN_MS: i64 = 24 * 60 * 60 * 1000;
/// The most events GetLogEvents and FilterLogEvents return in one page.
pub const MAX_EVENTS_PER_PAGE: usize = 10_000;
/// Without a `limit`, GetLogEvents returns as many events as fit in this many bytes.
const MAX_RESPONSE_BYTES: usize = 1_048_576;
const SNAPSHOT_VERSION: u64 = 1;

/// One stored event, as published to in-process subscribers (function logs, live tail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredEvent {
    pub group: String,
    pub stream: String,
    pub event_id: String,
    pub timestamp: i64,
    pub ingestion_time: i64,
    pub message: String,
}

/// The values PutRetentionPolicy accepts for `retentionInDays` (CloudWatch Logs API Reference,
/// PutRetentionPolicy).
pub const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/// What [`LogStore::bound`] deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trimmed {
    pub events: usize,
    /// What the store held before, in bytes.
    pub held: u64,
    /// The timestamp of the newest event deleted: none older is left.
    pub newest_deleted: i64,
}

/// All log groups of the local account.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogStore {
    groups: BTreeMap<String, LogGroup>,
    /// Stream ids are part of event ids, so they are never reused, even after a delete.
    next_stream_id: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGroup {
    name: String,
    creation_time: i64,
    log_group_class: String,
    /// PutRetentionPolicy's days (or the template's RetentionInDays): older events are deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retention_in_days: Option<u32>,
    streams: BTreeMap<String, LogStream>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogStream {
    name: String,
    id: u64,
    creation_time: i64,
    last_ingestion_time: Option<i64>,
    next_seq: u64,
    /// Sorted by `(timestamp, seq)`.
    events: Vec<LogEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEvent {
    pub timestamp: i64,
    pub ingestion_time: i64,
    pub seq: u64,
    pub message: String,
}

impl LogEvent {
    fn key(&self) -> (i64, u64) {
        (self.timestamp, self.seq)
    }
}

impl LogGroup {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn retention_in_days(&self) -> Option<u32> {
        self.retention_in_days
    }

    pub fn creation_time(&self) -> i64 {
        self.creation_time
    }

    pub fn log_group_class(&self) -> &str {
        &self.log_group_class
    }

    /// What the group holds, counted as AWS bills ingestion: message bytes plus 26 per event.
    pub fn stored_bytes(&self) -> u64 {
        let bytes: usize = self
            .streams
            .values()
            .flat_map(|s| &s.events)
            .map(|e| e.message.len() + EVENT_OVERHEAD_BYTES)
            .sum();
        bytes as u64
    }

    pub fn stream(&self, name: &str) -> Result<&LogStream, LogsError> {
        self.streams.get(name).ok_or(LogsError::LogStreamNotFound)
    }
}

impl LogStream {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Deletes the events before `timestamp` (they are sorted by time); how many.
    fn drop_before(&mut self, timestamp: i64) -> usize {
        let end = self.events.partition_point(|e| e.timestamp < timestamp);
        self.events.drain(..end);
        end
    }

    pub fn creation_time(&self) -> i64 {
        self.creation_time
    }

    pub fn first_event_timestamp(&self) -> Option<i64> {
        self.events.first().map(|e| e.timestamp)
    }

    pub fn last_event_timestamp(&self) -> Option<i64> {
        self.events.last().map(|e| e.timestamp)
    }

    pub fn last_ingestion_time(&self) -> Option<i64> {
        self.last_ingestion_time
    }

    pub fn events(&self) -> &[LogEvent] {
        &self.events
    }

    /// The sequence token AWS would hand out next. PutLogEvents ignores tokens nowadays; this
    /// is only for clients that still read and send them.
    pub fn sequence_token(&self) -> String {
        format!("{:056}", self.next_seq)
    }

    /// A 56-digit id, unique across the store: timestamp, stream id and seq, each zero-padded,
    /// so that ids sort like the events of a stream.
    pub fn event_id(&self, event: &LogEvent) -> String {
        format!("{:020}{:016}{:020}", event.timestamp.max(0), self.id, event.seq)
    }

    /// Stores one event in place by time and describes it for subscribers.
    fn store(&mut self, group: &str, timestamp: i64, message: String, now: i64) -> StoredEvent {
        let seq = self.next_seq;
        self.next_seq += 1;
        // The new event has the largest seq, so it goes after every event with the same time.
        let at = self.events.partition_point(|e| e.timestamp <= timestamp);
        self.events.insert(
            at,
            LogEvent {
                timestamp,
                ingestion_time: now,
                seq,
                message,
            },
        );
        self.last_ingestion_time = Some(now);
        let event = &self.events[at];
        StoredEvent {
            group: group.to_string(),
            stream: self.name.clone(),
            event_id: self.event_id(event),
            timestamp,
            ingestion_time: now,
            message: event.message.clone(),
        }
    }
}

/// Which events of a PutLogEvents batch were refused, with AWS's indexes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RejectedEvents {
    /// The first event that is too new (inclusive); it and all after it were refused.
    pub too_new_start_index: Option<usize>,
    /// The end (exclusive) of the events that are too old; all before it were refused.
    pub too_old_end_index: Option<usize>,
}

impl RejectedEvents {
    pub fn is_empty(&self) -> bool {
        self.too_new_start_index.is_none() && self.too_old_end_index.is_none()
    }
}

#[derive(Debug)]
pub struct PutOutcome {
    pub stored: Vec<StoredEvent>,
    pub rejected: RejectedEvents,
    pub next_sequence_token: String,
}

/// DescribeLogGroups' filters.
#[derive(Debug, Default)]
pub struct GroupQuery {
    pub name_prefix: Option<String>,
    /// A case-sensitive substring of the name.
    pub name_pattern: Option<String>,
    pub log_group_class: Option<String>,
    /// Only these names.
    pub names: Option<Vec<String>>,
    pub limit: usize,
    pub next_token: Option<String>,
}

#[derive(Debug)]
pub struct GroupPage<'a> {
    pub groups: Vec<&'a LogGroup>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamOrder {
    LogStreamName,
    LastEventTime,
}

/// DescribeLogStreams' filters.
#[derive(Debug)]
pub struct StreamQuery {
    pub name_prefix: Option<String>,
    pub order: StreamOrder,
    pub descending: bool,
    pub limit: usize,
    pub next_token: Option<String>,
}

#[derive(Debug)]
pub struct StreamPage<'a> {
    pub streams: Vec<&'a LogStream>,
    pub next_token: Option<String>,
}

/// GetLogEvents' parameters: `[start_time, end_time)`.
#[derive(Debug, Default)]
pub struct GetQuery {
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub start_from_head: bool,
    /// `None`: as many as fit in 1 MB, at most 10,000.
    pub limit: Option<usize>,
    pub next_token: Option<String>,
}

#[derive(Debug)]
pub struct GetPage<'a> {
    /// Oldest first, whichever end the page was taken from.
    pub events: &'a [LogEvent],
    pub next_forward_token: String,
    pub next_backward_token: String,
}

/// FilterLogEvents' parameters: `[start_time, end_time]`, both ends included.
#[derive(Debug)]
pub struct FilterQuery<'p> {
    pub stream_names: Option<Vec<String>>,
    pub stream_name_prefix: Option<String>,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub pattern: &'p FilterPattern,
    pub limit: usize,
    pub start_from_head: bool,
    pub next_token: Option<String>,
}

/// An event FilterLogEvents looks at, copied out of the store so that the pattern is tested
/// without holding it.
#[derive(Debug)]
pub struct FilteredEvent {
    pub stream: String,
    pub event_id: String,
    pub event: LogEvent,
}

#[derive(Debug)]
pub struct FilterPage {
    pub events: Vec<FilteredEvent>,
    pub next_token: Option<String>,
}

/// How many message bytes FilterLogEvents copies out of the store per hold of its lock: enough
/// that a page takes few holds, little enough that a writer waiting for the lock (the
/// function's log output, a PutLogEvents) waits for a copy of about a megabyte at most.
const CANDIDATE_BYTES: usize = 1_048_576;

/// FilterLogEvents over a store behind a lock: `lock` is called for each slice of candidate
/// events (the chosen streams' events in the time window, merged in group order), which is
/// copied out; the pattern is tested after the lock is released. Whatever the pattern costs, a
/// writer never waits for it. Each slice resumes from the position of the last one, as a page
/// token does, so events stored in between are placed exactly as they would be in a later page.
pub fn filter_events<S: std::ops::Deref<Target = LogStore>>(
    lock: impl FnMut() -> S,
    group: &str,
    query: &FilterQuery<'_>,
) -> Result<FilterPage, LogsError> {
    filter_in_slices(lock, group, query, CANDIDATE_BYTES)
}

fn filter_in_slices<S: std::ops::Deref<Target = LogStore>>(
    mut lock: impl FnMut() -> S,
    group: &str,
    query: &FilterQuery<'_>,
    slice_bytes: usize,
) -> Result<FilterPage, LogsError> {
    if query.stream_names.is_some() && query.stream_name_prefix.is_some() {
        return Err(LogsError::InvalidParameter(
            "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.".into(),
        ));
    }
    let mut position: Option<GroupPosition> = query.next_token.as_deref().map(decode_token).transpose()?;
    let forward = position.as_ref().map_or(query.start_from_head, |c| c.forward);
    let mut page = Vec::new();
    loop {
        let (slice, exhausted) = lock().candidates(group, query, forward, position.as_ref(), slice_bytes)?;
        if let Some(last) = slice.last() {
            position = Some(GroupPosition {
                forward,
                timestamp: last.event.timestamp,
                stream: last.stream.clone(),
                seq: last.event.seq,
            });
        }
        for candidate in slice {
            if !query.pattern.matches(&candidate.event.message) {
                continue;
            }
            if page.len() == query.limit {
                let last: &FilteredEvent = page.last().expect("a full page is not empty");
                let next = GroupPosition {
                    forward,
                    timestamp: last.event.timestamp,
                    stream: last.stream.clone(),
                    seq: last.event.seq,
                };
                return Ok(FilterPage {
                    events: page,
                    next_token: Some(encode_token(&next)),
                });
            }
            page.push(candidate);
        }
        if exhausted {
            return Ok(FilterPage {
                events: page,
                next_token: None,
            });
        }
    }
}

impl LogStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn group(&self, name: &str) -> Result<&LogGroup, LogsError> {
        self.groups.get(name).ok_or(LogsError::LogGroupNotFound)
    }

    fn group_mut(&mut self, name: &str) -> Result<&mut LogGroup, LogsError> {
        self.groups.get_mut(name).ok_or(LogsError::LogGroupNotFound)
    }

    pub fn create_group(&mut self, name: &str, log_group_class: Option<&str>, now: i64) -> Result<(), LogsError> {
        validate_group_name(name)?;
        let class = log_group_class.unwrap_or("STANDARD");
        if !["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"].contains(&class) {
            return Err(LogsError::validation(
                class,
                "logGroupClass",
                "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]",
            ));
        }
        if self.groups.contains_key(name) {
            return Err(LogsError::LogGroupAlreadyExists);
        }
        self.groups.insert(name.to_string(), LogGroup::new(name, class, now));
        Ok(())
    }

    /// Creates the group unless it exists (the in-process path: functions log to their group).
    pub fn ensure_group(&mut self, name: &str, now: i64) {
        self.groups
            .entry(name.to_string())
            .or_insert_with(|| LogGroup::new(name, "STANDARD", now));
    }

    /// Sets the group's retention (the stack's own path; the group exists).
    pub fn set_retention(&mut self, name: &str, days: u32) {
        if let Some(group) = self.groups.get_mut(name) {
            group.retention_in_days = Some(days);
        }
    }

    /// PutRetentionPolicy: only the values AWS offers.
    pub fn put_retention(&mut self, name: &str, days: i64, now: i64) -> Result<(), LogsError> {
        let Some(days) = u32::try_from(days).ok().filter(|d| RETENTION_DAYS.contains(d)) else {
            let allowed: Vec<String> = RETENTION_DAYS.iter().map(u32::to_string).collect();
            return Err(LogsError::validation(
                days,
                "retentionInDays",
                &format!("Member must satisfy enum value set: [{}]", allowed.join(", ")),
            ));
        };
        let group = self.groups.get_mut(name).ok_or(LogsError::LogGroupNotFound)?;
        group.retention_in_days = Some(days);
        self.expire(now);
        Ok(())
    }

    /// DeleteRetentionPolicy: the group keeps its events for ever again.
    pub fn delete_retention(&mut self, name: &str) -> Result<(), LogsError> {
        let group = self.groups.get_mut(name).ok_or(LogsError::LogGroupNotFound)?;
        group.retention_in_days = None;
        Ok(())
    }

    /// Deletes the events older than their group's retention; how many it deleted. (AWS deletes
    /// expired events within 72 hours; the local stack does it at once.)
    pub fn expire(&mut self, now: i64) -> usize {
        let mut deleted = 0;
        for group in self.groups.values_mut() {
            let Some(days) = group.retention_in_days else { continue };
            let oldest_kept = now.saturating_sub(i64::from(days) * 86_400_000);
            for stream in group.streams.values_mut() {
                deleted += stream.drop_before(oldest_kept);
            }
        }
        deleted
    }

    /// Keeps what the store holds (message bytes plus 26 per event) at most `limit` bytes by
    /// deleting the oldest events of the whole store, down to nine tenths of it; what it
    /// deleted, if anything. The stack's memory (and its saved state) then stays bounded
    /// however much the function logs.
    pub fn bound(&mut self, limit: u64) -> Option<Trimmed> {
        let held: u64 = self.groups.values().map(LogGroup::stored_bytes).sum();
        if held <= limit {
            return None;
        }
        let mut sizes: Vec<(i64, u64)> = self
            .groups
            .values()
            .flat_map(|g| g.streams.values())
            .flat_map(|s| &s.events)
            .map(|e| (e.timestamp, (e.message.len() + EVENT_OVERHEAD_BYTES) as u64))
            .collect();
        sizes.sort_unstable_by_key(|(timestamp, _)| *timestamp);
        let mut to_free = held - limit / 10 * 9;
        let mut cutoff = i64::MIN;
        for (timestamp, size) in sizes {
            if to_free == 0 && timestamp > cutoff {
                break;
            }
            cutoff = timestamp;
            to_free = to_free.saturating_sub(size);
        }
        // Everything up to and including `cutoff`'s millisecond goes: no event is kept while an
        // older one is deleted.
        let mut events = 0;
        for stream in self.groups.values_mut().flat_map(|g| g.streams.values_mut()) {
            events += stream.drop_before(cutoff.saturating_add(1));
        }
        Some(Trimmed {
            events,
            held,
            newest_deleted: cutoff,
        })
    }

    pub fn delete_group(&mut self, name: &str) -> Result<(), LogsError> {
        self.groups.remove(name).map(drop).ok_or(LogsError::LogGroupNotFound)
    }

    pub fn create_stream(&mut self, group: &str, name: &str, now: i64) -> Result<(), LogsError> {
        validate_stream_name(name)?;
        let id = self.next_stream_id;
        let group = self.group_mut(group)?;
        if group.streams.contains_key(name) {
            return Err(LogsError::LogStreamAlreadyExists);
        }
        group.streams.insert(name.to_string(), LogStream::new(name, id, now));
        self.next_stream_id += 1;
        Ok(())
    }

    pub fn delete_stream(&mut self, group: &str, name: &str) -> Result<(), LogsError> {
        let group = self.group_mut(group)?;
        group.streams.remove(name).map(drop).ok_or(LogsError::LogStreamNotFound)
    }

    /// PutLogEvents: checks the batch as AWS does, stores the events that are neither too old
    /// nor too new, and reports the refused ones by index.
    pub fn put_events(
        &mut self,
        group: &str,
        stream: &str,
        events: Vec<(i64, String)>,
        now: i64,
    ) -> Result<PutOutcome, LogsError> {
        if events.is_empty() {
            return Err(LogsError::validation(
                "[]",
                "logEvents",
                "Member must have length greater than or equal to 1",
            ));
        }
        if events.len() > MAX_BATCH_EVENTS {
            return Err(LogsError::validation(
                format!("[{} events]", events.len()),
                "logEvents",
                "Member must have length less than or equal to 10000",
            ));
        }
        if let Some(i) = events.iter().position(|(_, message)| message.is_empty()) {
            return Err(LogsError::validation(
                "",
                &format!("logEvents.{}.member.message", i + 1),
                "Member must have length greater than or equal to 1",
            ));
        }
        let log_stream = self
            .group_mut(group)?
            .streams
            .get_mut(stream)
            .ok_or(LogsError::LogStreamNotFound)?;
        let batch_bytes: usize = events.iter().map(|(_, m)| m.len() + EVENT_OVERHEAD_BYTES).sum();
        if batch_bytes > MAX_BATCH_BYTES {
            return Err(LogsError::InvalidParameter(format!(
                "Upload too large: {batch_bytes} bytes exceeds limit of {MAX_BATCH_BYTES}"
            )));
        }
        if events.windows(2).any(|pair| pair[1].0 < pair[0].0) {
            return Err(LogsError::InvalidParameter(
                "Log events in a single PutLogEvents request must be in chronological order.".into(),
            ));
        }
        let (first, last) = (events[0].0, events[events.len() - 1].0);
        if last.saturating_sub(first) > MAX_BATCH_SPAN_MS {
            return Err(LogsError::InvalidParameter(
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.".into(),
            ));
        }
        // The batch is in time order, so the too-old events are a prefix and the too-new a suffix.
        let too_old_end = events.partition_point(|(t, _)| *t < now.saturating_sub(MAX_EVENT_AGE_MS));
        let too_new_start = events.partition_point(|(t, _)| *t <= now.saturating_add(MAX_EVENT_FUTURE_MS));
        let rejected = RejectedEvents {
            too_new_start_index: (too_new_start < events.len()).then_some(too_new_start),
            too_old_end_index: (too_old_end > 0).then_some(too_old_end),
        };
        let accepted = events.into_iter().take(too_new_start).skip(too_old_end);
        let stored = accepted
            .map(|(timestamp, message)| log_stream.store(group, timestamp, message, now))
            .collect();
        Ok(PutOutcome {
            stored,
            rejected,
            next_sequence_token: log_stream.sequence_token(),
        })
    }

    /// The in-process path (function output): creates the group and stream if needed and stores
    /// every event as given, in place by time.
    pub fn append(&mut self, group: &str, stream: &str, events: Vec<(i64, String)>, now: i64) -> Vec<StoredEvent> {
        self.ensure_group(group, now);
        let next_id = &mut self.next_stream_id;
        let Some(log_group) = self.groups.get_mut(group) else {
            return Vec::new();
        };
        let log_stream = log_group.streams.entry(stream.to_string()).or_insert_with(|| {
            let id = *next_id;
            *next_id += 1;
            LogStream::new(stream, id, now)
        });
        events
            .into_iter()
            .map(|(timestamp, message)| log_stream.store(group, timestamp, message, now))
            .collect()
    }

    pub fn describe_groups(&self, query: &GroupQuery) -> Result<GroupPage<'_>, LogsError> {
        let after: Option<String> = query.next_token.as_deref().map(decode_token).transpose()?;
        let mut matching = self
            .groups
            .values()
            .filter(|g| after.as_deref().is_none_or(|after| g.name.as_str() > after))
            .filter(|g| query.name_prefix.as_deref().is_none_or(|p| g.name.starts_with(p)))
            .filter(|g| query.name_pattern.as_deref().is_none_or(|p| g.name.contains(p)))
            .filter(|g| query.log_group_class.as_deref().is_none_or(|c| g.log_group_class == c))
            .filter(|g| query.names.as_ref().is_none_or(|names| names.contains(&g.name)));
        let groups: Vec<&LogGroup> = matching.by_ref().take(query.limit).collect();
        let next_token = match (matching.next(), groups.last()) {
            (Some(_), Some(last)) => Some(encode_token(&last.name)),
            _ => None,
        };
        Ok(GroupPage { groups, next_token })
    }

    pub fn describe_streams(&self, group: &str, query: &StreamQuery) -> Result<StreamPage<'_>, LogsError> {
        if query.order == StreamOrder::LastEventTime && query.name_prefix.is_some() {
            return Err(LogsError::InvalidParameter(
                "Cannot order by LastEventTime with a logStreamNamePrefix.".into(),
            ));
        }
        let group = self.group(group)?;
        let after: Option<StreamCursor> = query.next_token.as_deref().map(decode_token).transpose()?;
        let mut streams: Vec<&LogStream> = group
            .streams
            .values()
            .filter(|s| query.name_prefix.as_deref().is_none_or(|p| s.name.starts_with(p)))
            .collect();
        let sort_key = |s: &LogStream| StreamCursor {
            last_event: match query.order {
                StreamOrder::LogStreamName => None,
                StreamOrder::LastEventTime => s.last_event_timestamp(),
            },
            name: s.name.clone(),
        };
        if query.order == StreamOrder::LastEventTime {
            streams.sort_by(|a, b| (a.last_event_timestamp(), &a.name).cmp(&(b.last_event_timestamp(), &b.name)));
        }
        if query.descending {
            streams.reverse();
        }
        let past_cursor = |s: &&LogStream| match &after {
            None => true,
            Some(after) => {
                let order = sort_key(s).cmp(after);
                if query.descending {
                    order == Ordering::Less
                } else {
                    order == Ordering::Greater
                }
            }
        };
        let mut remaining = streams.into_iter().filter(past_cursor);
        let page: Vec<&LogStream> = remaining.by_ref().take(query.limit).collect();
        let next_token = match (remaining.next(), page.last()) {
            (Some(_), Some(last)) => Some(encode_token(&sort_key(last))),
            _ => None,
        };
        Ok(StreamPage {
            streams: page,
            next_token,
        })
    }

    pub fn get_events(&self, group: &str, stream: &str, query: &GetQuery) -> Result<GetPage<'_>, LogsError> {
        let events = &self.group(group)?.stream(stream)?.events;
        let position = query.next_token.as_deref().map(StreamPosition::decode).transpose()?;
        let lo = query
            .start_time
            .map_or(0, |t| events.partition_point(|e| e.timestamp < t));
        let hi = query
            .end_time
            .map_or(events.len(), |t| events.partition_point(|e| e.timestamp < t));
        let (from_head, lo, hi) = match position {
            None => (query.start_from_head, lo, hi),
            Some(StreamPosition::After(key)) => (true, lo.max(events.partition_point(|e| e.key() <= key)), hi),
            Some(StreamPosition::Before(key)) => (false, lo, hi.min(events.partition_point(|e| e.key() < key))),
        };
        let hi = hi.max(lo);
        let count_limit = query.limit.unwrap_or(MAX_EVENTS_PER_PAGE);
        let byte_budget = if query.limit.is_some() {
            usize::MAX
        } else {
            MAX_RESPONSE_BYTES
        };
        let take = |indexes: &mut dyn Iterator<Item = usize>| {
            let mut bytes = 0usize;
            let mut taken = 0usize;
            for i in indexes {
                bytes += events[i].message.len() + EVENT_OVERHEAD_BYTES;
                if taken == count_limit || (bytes > byte_budget && taken > 0) {
                    break;
                }
                taken += 1;
            }
            taken
        };
        let (start, end) = if from_head {
            (lo, lo + take(&mut (lo..hi)))
        } else {
            (hi - take(&mut (lo..hi).rev()), hi)
        };
        let page = &events[start..end];
        // With nothing new in a direction, AWS hands back the token it was given.
        let next_forward_token = match (page.last(), &position) {
            (Some(last), _) => StreamPosition::After(last.key()).encode(),
            (None, Some(StreamPosition::After(_))) => query.next_token.clone().unwrap_or_default(),
            (None, _) => {
                StreamPosition::After(start.checked_sub(1).map_or((i64::MIN, 0), |i| events[i].key())).encode()
            }
        };
        let next_backward_token = match (page.first(), &position) {
            (Some(first), _) => StreamPosition::Before(first.key()).encode(),
            (None, Some(StreamPosition::Before(_))) => query.next_token.clone().unwrap_or_default(),
            (None, _) => StreamPosition::Before(events.get(start).map_or((i64::MAX, u64::MAX), LogEvent::key)).encode(),
        };
        Ok(GetPage {
            events: page,
            next_forward_token,
            next_backward_token,
        })
    }

    /// FilterLogEvents without a lock around the store (see [`filter_events`]).
    pub fn filter_events(&self, group: &str, query: &FilterQuery<'_>) -> Result<FilterPage, LogsError> {
        filter_events(|| self, group, query)
    }

    /// The next events FilterLogEvents considers after `position` (the chosen streams' events
    /// in the time window, merged in group order: oldest first, or newest first going
    /// backwards), copied, up to `slice_bytes` of messages (at least one event), and whether
    /// they are the last. Each stream is entered by binary search and the streams are merged
    /// through a heap, so a slice costs what it copies, not the size of the group.
    fn candidates(
        &self,
        group: &str,
        query: &FilterQuery<'_>,
        forward: bool,
        position: Option<&GroupPosition>,
        slice_bytes: usize,
    ) -> Result<(Vec<FilteredEvent>, bool), LogsError> {
        let group = self.group(group)?;
        let wanted: Option<HashSet<&str>> = query
            .stream_names
            .as_ref()
            .map(|names| names.iter().map(String::as_str).collect());
        // In name order, so a stream's index breaks ties in time exactly as its name does.
        let streams: Vec<&LogStream> = group
            .streams
            .values()
            .filter(|s| wanted.as_ref().is_none_or(|names| names.contains(s.name.as_str())))
            .filter(|s| {
                query
                    .stream_name_prefix
                    .as_deref()
                    .is_none_or(|p| s.name.starts_with(p))
            })
            .collect();

        // Heap entries are keyed so that the smallest is always the next event to return;
        // going backwards, the key's parts are complemented to reverse the order.
        let heap_key = |rank: usize, event: &LogEvent| {
            if forward {
                (event.timestamp, rank, event.seq)
            } else {
                (!event.timestamp, !rank, !event.seq)
            }
        };
        let mut ranges = Vec::with_capacity(streams.len());
        let mut heap = BinaryHeap::with_capacity(streams.len());
        for (rank, stream) in streams.iter().enumerate() {
            let events = &stream.events;
            let mut lo = query
                .start_time
                .map_or(0, |t| events.partition_point(|e| e.timestamp < t));
            let mut hi = query
                .end_time
                .map_or(events.len(), |t| events.partition_point(|e| e.timestamp <= t));
            if let Some(position) = position {
                let split = position.split(stream, forward);
                if forward {
                    lo = lo.max(split);
                } else {
                    hi = hi.min(split);
                }
            }
            if lo < hi {
                let first = if forward { lo } else { hi - 1 };
                heap.push(Reverse((heap_key(rank, &events[first]), rank, first)));
            }
            ranges.push((lo, hi));
        }

        let mut slice = Vec::new();
        let mut bytes = 0;
        while bytes < slice_bytes {
            let Some(Reverse((_, rank, index))) = heap.pop() else {
                return Ok((slice, true));
            };
            let stream = streams[rank];
            let (lo, hi) = ranges[rank];
            let next = if forward {
                (index + 1 < hi).then_some(index + 1)
            } else {
                (index > lo).then(|| index - 1)
            };
            if let Some(next) = next {
                heap.push(Reverse((heap_key(rank, &stream.events[next]), rank, next)));
            }
            let event = &stream.events[index];
            bytes += event.message.len();
            slice.push(FilteredEvent {
                stream: stream.name.clone(),
                event_id: stream.event_id(event),
                event: event.clone(),
            });
        }
        Ok((slice, heap.is_empty()))
    }

    /// The whole store as JSON, for persisting between runs of the local stack.
    pub fn snapshot(&self) -> Value {
        let mut value = serde_json::to_value(self).expect("a log store always converts to JSON");
        value["version"] = SNAPSHOT_VERSION.into();
        value
    }

    /// Rebuilds a store from [`LogStore::snapshot`]'s output, checking what the rest of this
    /// module relies on (names match their keys, events in order, ids and seqs not reused).
    pub fn restore(value: Value) -> Result<LogStore, String> {
        match value.get("version").and_then(Value::as_u64) {
            Some(SNAPSHOT_VERSION) => {}
            Some(other) => return Err(format!("unsupported log snapshot version {other}")),
            None => return Err("the log snapshot has no version".into()),
        }
        let mut store: LogStore = serde_json::from_value(value).map_err(|e| format!("bad log snapshot: {e}"))?;
        let mut stream_ids = HashSet::new();
        for (key, group) in &mut store.groups {
            if *key != group.name {
                return Err(format!("log group {key} is stored under the name {}", group.name));
            }
            for (key, stream) in &mut group.streams {
                if *key != stream.name {
                    return Err(format!("log stream {key} is stored under the name {}", stream.name));
                }
                if !stream_ids.insert(stream.id) {
                    return Err(format!("log stream id {} is used twice", stream.id));
                }
                stream.events.sort_by_key(LogEvent::key);
                if stream.events.windows(2).any(|pair| pair[0].seq == pair[1].seq) {
                    return Err(format!("log stream {key} has two events with the same seq"));
                }
                let max_seq = stream.events.iter().map(|e| e.seq).max().unwrap_or(0);
                stream.next_seq = stream.next_seq.max(max_seq + 1);
            }
        }
        let max_id = stream_ids.into_iter().max();
        store.next_stream_id = store.next_stream_id.max(max_id.map_or(0, |id| id + 1));
        Ok(store)
    }
}

impl LogGroup {
    fn new(name: &str, class: &str, now: i64) -> Self {
        LogGroup {
            name: name.to_string(),
            creation_time: now,
            log_group_class: class.to_string(),
            retention_in_days: None,
            streams: BTreeMap::new(),
        }
    }
}

impl LogStream {
    fn new(name: &str, id: u64, now: i64) -> Self {
        LogStream {
            name: name.to_string(),
            id,
            creation_time: now,
            last_ingestion_time: None,
            next_seq: 1,
            events: Vec::new(),
        }
    }
}

fn validate_group_name(name: &str) -> Result<(), LogsError> {
    validate_length(name, "logGroupName")?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || "._-/#".contains(c)) {
        return Err(LogsError::validation(
            name,
            "logGroupName",
            r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+",
        ));
    }
    Ok(())
}

fn validate_stream_name(name: &str) -> Result<(), LogsError> {
    validate_length(name, "logStreamName")?;
    if name.contains([':', '*']) {
        return Err(LogsError::validation(
            name,
            "logStreamName",
            "Member must satisfy regular expression pattern: [^:*]*",
        ));
    }
    Ok(())
}

fn validate_length(name: &str, member: &str) -> Result<(), LogsError> {
    if name.is_empty() {
        return Err(LogsError::validation(
            name,
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if name.chars().count() > 512 {
        return Err(LogsError::validation(
            name,
            member,
            "Member must have length less than or equal to 512",
        ));
    }
    Ok(())
}

/// A GetLogEvents token: a place between two events of one stream, `f/…/s` or `b/…/s` like
/// AWS's. Forward tokens read the events after the key, backward tokens those before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamPosition {
    After((i64, u64)),
    Before((i64, u64)),
}

impl StreamPosition {
    fn encode(self) -> String {
        let (direction, (timestamp, seq)) = match self {
            StreamPosition::After(key) => ('f', key),
            StreamPosition::Before(key) => ('b', key),
        };
        // Flipping the sign bit keeps the order of negative timestamps in the digits.
        format!("{direction}/{:020}{:020}/s", (timestamp as u64) ^ (1 << 63), seq)
    }

    fn decode(token: &str) -> Result<Self, LogsError> {
        let parse = |digits: &str| -> Option<(i64, u64)> {
            if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let timestamp = (digits[..20].parse::<u64>().ok()? ^ (1 << 63)) as i64;
            Some((timestamp, digits[20..].parse().ok()?))
        };
        let body = token.strip_suffix("/s");
        let position = match body.and_then(|b| b.split_once('/')) {
            Some(("f", digits)) => parse(digits).map(StreamPosition::After),
            Some(("b", digits)) => parse(digits).map(StreamPosition::Before),
            _ => None,
        };
        position.ok_or_else(LogsError::invalid_token)
    }
}

/// A FilterLogEvents token: the last event returned, in group order.
#[derive(Debug, Serialize, Deserialize)]
struct GroupPosition {
    #[serde(rename = "f")]
    forward: bool,
    #[serde(rename = "t")]
    timestamp: i64,
    #[serde(rename = "s")]
    stream: String,
    #[serde(rename = "q")]
    seq: u64,
}

impl GroupPosition {
    /// How many of `stream`'s events come before this position in group order (for a forward
    /// page: up to and including the position; for a backward page: strictly before it).
    fn split(&self, stream: &LogStream, forward: bool) -> usize {
        let events = &stream.events;
        match stream.name.as_str().cmp(self.stream.as_str()) {
            Ordering::Less => events.partition_point(|e| e.timestamp <= self.timestamp),
            Ordering::Greater => events.partition_point(|e| e.timestamp < self.timestamp),
            Ordering::Equal if forward => events.partition_point(|e| e.key() <= (self.timestamp, self.seq)),
            Ordering::Equal => events.partition_point(|e| e.key() < (self.timestamp, self.seq)),
        }
    }
}

/// A DescribeLogStreams token: the sort key of the last stream returned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct StreamCursor {
    #[serde(rename = "t")]
    last_event: Option<i64>,
    #[serde(rename = "n")]
    name: String,
}

fn encode_token(position: &impl Serialize) -> String {
    let json = serde_json::to_vec(position).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_token<T: DeserializeOwned>(token: &str) -> Result<T, LogsError> {
    let json = URL_SAFE_NO_PAD.decode(token).map_err(|_| LogsError::invalid_token())?;
    serde_json::from_slice(&json).map_err(|_| LogsError::invalid_token())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    const HOUR: i64 = 3_600_000;
    const DAY: i64 = 24 * HOUR;

    fn store_with(group: &str, streams: &[&str]) -> LogStore {
        let mut store = LogStore::new();
        store.create_group(group, None, NOW).unwrap();
        for stream in streams {
            store.create_stream(group, stream, NOW).unwrap();
        }
        store
    }

    fn batch(events: &[(i64, &str)]) -> Vec<(i64, String)> {
        events.iter().map(|(t, m)| (*t, m.to_string())).collect()
    }

    fn messages(events: &[LogEvent]) -> Vec<&str> {
        events.iter().map(|e| e.message.as_str()).collect()
    }

    fn get(store: &LogStore, query: GetQuery) -> (Vec<String>, String, String) {
        let page = store.get_events("g", "s", &query).unwrap();
        let texts = page.events.iter().map(|e| e.message.clone()).collect();
        (texts, page.next_forward_token, page.next_backward_token)
    }

    fn filter_all(store: &LogStore, pattern: &FilterPattern, limit: usize, from_head: bool) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        let mut token = None;
        loop {
            let query = FilterQuery {
                stream_names: None,
                stream_name_prefix: None,
                start_time: None,
                end_time: None,
                pattern,
                limit,
                start_from_head: from_head,
                next_token: token.take(),
            };
            let page = store.filter_events("g", &query).unwrap();
            assert!(page.events.len() <= limit);
            seen.extend(page.events.iter().map(|f| (f.stream.clone(), f.event.message.clone())));
            match page.next_token {
                Some(next) => token = Some(next),
                None => return seen,
            }
        }
    }

    fn query<'p>(pattern: &'p FilterPattern) -> FilterQuery<'p> {
        FilterQuery {
            stream_names: None,
            stream_name_prefix: None,
            start_time: None,
            end_time: None,
            pattern,
            limit: MAX_EVENTS_PER_PAGE,
            start_from_head: true,
            next_token: None,
        }
    }

    #[test]
    fn names_follow_aws_constraints() {
        let mut store = LogStore::new();
        store.create_group("/aws/lambda/customer-ingest", None, NOW).unwrap();
        assert_eq!(
            store.create_group("/aws/lambda/customer-ingest", None, NOW),
            Err(LogsError::LogGroupAlreadyExists)
        );
        for bad in ["", "has space", "colon:", &"x".repeat(513)] {
            assert!(
                matches!(store.create_group(bad, None, NOW), Err(LogsError::InvalidParameter(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            store.create_group("g", Some("CHEAP"), NOW),
            Err(LogsError::InvalidParameter(_))
        ));
        store
            .create_stream("/aws/lambda/customer-ingest", "2026/01/01/[$LATEST]abc", NOW)
            .unwrap();
        assert_eq!(
            store.create_stream("/aws/lambda/customer-ingest", "2026/01/01/[$LATEST]abc", NOW),
            Err(LogsError::LogStreamAlreadyExists)
        );
        assert!(matches!(
            store.create_stream("/aws/lambda/customer-ingest", "a:b", NOW),
            Err(LogsError::InvalidParameter(_))
        ));
        assert_eq!(
            store.create_stream("missing", "s", NOW),
            Err(LogsError::LogGroupNotFound)
        );
        assert_eq!(
            store.delete_stream("/aws/lambda/customer-ingest", "nope"),
            Err(LogsError::LogStreamNotFound)
        );
        store.delete_group("/aws/lambda/customer-ingest").unwrap();
        assert_eq!(
            store.delete_group("/aws/lambda/customer-ingest"),
            Err(LogsError::LogGroupNotFound)
        );
    }

    #[test]
    fn put_events_checks_the_batch() {
        let mut store = store_with("g", &["s"]);
        let put = |store: &mut LogStore, events: Vec<(i64, String)>| store.put_events("g", "s", events, NOW);
        let invalid = |result: Result<PutOutcome, LogsError>| match result {
            Err(LogsError::InvalidParameter(message)) => message,
            other => panic!("expected InvalidParameter, got {other:?}"),
        };
        assert!(invalid(put(&mut store, vec![])).contains("logEvents"));
        assert!(invalid(put(&mut store, batch(&[(NOW, "a"), (NOW, "")]))).contains("logEvents.2.member.message"));
        assert!(invalid(put(&mut store, vec![(NOW, "x".into()); 10_001])).contains("10000"));
        assert!(invalid(put(&mut store, batch(&[(NOW, "b"), (NOW - 1, "a")]))).contains("chronological order"));
        assert!(invalid(put(&mut store, batch(&[(NOW - 25 * HOUR, "a"), (NOW, "b")]))).contains("24 hours"));
        // 1,048,576 bytes counted as message bytes + 26 per event: exactly at the limit is fine.
        let at_limit = vec![(NOW, "x".repeat(1_048_576 / 2 - 26)); 2];
        put(&mut store, at_limit).unwrap();
        let over = vec![(NOW, "x".repeat(1_048_576 / 2 - 25)); 2];
        assert!(invalid(put(&mut store, over)).contains("Upload too large"));
        assert!(matches!(
            store.put_events("nope", "s", batch(&[(NOW, "a")]), NOW),
            Err(LogsError::LogGroupNotFound)
        ));
        assert!(matches!(
            store.put_events("g", "nope", batch(&[(NOW, "a")]), NOW),
            Err(LogsError::LogStreamNotFound)
        ));
    }

    #[test]
    fn too_old_and_too_new_events_are_reported_and_not_stored() {
        let mut store = store_with("g", &["s"]);
        let old = store
            .put_events(
                "g",
                "s",
                batch(&[
                    (NOW - 14 * DAY - 2, "old"),
                    (NOW - 14 * DAY - 1, "old"),
                    (NOW - 14 * DAY, "kept"),
                ]),
                NOW,
            )
            .unwrap();
        assert_eq!(
            old.rejected,
            RejectedEvents {
                too_old_end_index: Some(2),
                too_new_start_index: None
            }
        );
        assert_eq!(old.stored.len(), 1);
        let new = store
            .put_events(
                "g",
                "s",
                batch(&[(NOW, "now"), (NOW + 2 * HOUR, "edge"), (NOW + 2 * HOUR + 1, "new")]),
                NOW,
            )
            .unwrap();
        assert_eq!(
            new.rejected,
            RejectedEvents {
                too_old_end_index: None,
                too_new_start_index: Some(2)
            }
        );
        assert_eq!(
            messages(store.group("g").unwrap().stream("s").unwrap().events()),
            ["kept", "now", "edge"]
        );
        assert_ne!(old.next_sequence_token, new.next_sequence_token);
    }

    #[test]
    fn a_late_event_is_inserted_in_time_order() {
        let mut store = store_with("g", &["s"]);
        store
            .put_events(
                "g",
                "s",
                batch(&[(NOW - 30, "a"), (NOW - 10, "c"), (NOW - 10, "d")]),
                NOW,
            )
            .unwrap();
        store
            .put_events("g", "s", batch(&[(NOW - 20, "b"), (NOW - 10, "e")]), NOW + 1)
            .unwrap();
        store
            .put_events("g", "s", batch(&[(NOW - 40, "first")]), NOW + 2)
            .unwrap();
        let stream = store.group("g").unwrap().stream("s").unwrap();
        assert_eq!(messages(stream.events()), ["first", "a", "b", "c", "d", "e"]);
        assert_eq!(stream.first_event_timestamp(), Some(NOW - 40));
        assert_eq!(stream.last_event_timestamp(), Some(NOW - 10));
        assert_eq!(stream.last_ingestion_time(), Some(NOW + 2));
        // Ids are unique and sort like the stream.
        let ids: Vec<String> = stream.events().iter().map(|e| stream.event_id(e)).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "{ids:?}");
        assert!(ids
            .iter()
            .all(|id| id.len() == 56 && id.bytes().all(|b| b.is_ascii_digit())));
    }

    #[test]
    fn get_events_pages_like_aws() {
        let mut store = store_with("g", &["s"]);
        let events: Vec<(i64, String)> = (0..10).map(|i| (NOW + i, format!("e{i}"))).collect();
        store.put_events("g", "s", events, NOW).unwrap();

        // Without a token, the newest events come back (in time order) unless reading from the head.
        let (tail, forward, backward) = get(
            &store,
            GetQuery {
                limit: Some(3),
                ..GetQuery::default()
            },
        );
        assert_eq!(tail, ["e7", "e8", "e9"]);
        let (older, _, _) = get(
            &store,
            GetQuery {
                limit: Some(3),
                next_token: Some(backward),
                ..GetQuery::default()
            },
        );
        assert_eq!(older, ["e4", "e5", "e6"]);
        // Nothing newer yet: the same forward token comes back.
        let (none, same, _) = get(
            &store,
            GetQuery {
                limit: Some(3),
                next_token: Some(forward.clone()),
                ..GetQuery::default()
            },
        );
        assert!(none.is_empty());
        assert_eq!(same, forward);
        // New events show up through that token.
        store.put_events("g", "s", batch(&[(NOW + 20, "e10")]), NOW).unwrap();
        let (newer, _, _) = get(
            &store,
            GetQuery {
                next_token: Some(forward),
                ..GetQuery::default()
            },
        );
        assert_eq!(newer, ["e10"]);

        // From the head, forward tokens walk the stream once and then stand still.
        let mut seen = Vec::new();
        let mut token = None;
        loop {
            let query = GetQuery {
                limit: Some(4),
                start_from_head: true,
                next_token: token.clone(),
                ..GetQuery::default()
            };
            let (page, forward, _) = get(&store, query);
            if token.as_deref() == Some(forward.as_str()) {
                assert!(page.is_empty());
                break;
            }
            seen.extend(page);
            token = Some(forward);
        }
        assert_eq!(seen.len(), 11);
        assert_eq!(seen.first().map(String::as_str), Some("e0"));

        // [startTime, endTime): the end is excluded.
        let range = GetQuery {
            start_time: Some(NOW + 2),
            end_time: Some(NOW + 5),
            start_from_head: true,
            ..GetQuery::default()
        };
        assert_eq!(get(&store, range).0, ["e2", "e3", "e4"]);

        assert_eq!(
            store
                .get_events(
                    "g",
                    "s",
                    &GetQuery {
                        next_token: Some("junk".into()),
                        ..GetQuery::default()
                    }
                )
                .err(),
            Some(LogsError::invalid_token())
        );
        assert_eq!(
            store.get_events("g", "x", &GetQuery::default()).err(),
            Some(LogsError::LogStreamNotFound)
        );
    }

    #[test]
    fn get_events_without_a_limit_stops_at_one_megabyte() {
        let mut store = store_with("g", &["s"]);
        for _ in 0..3 {
            store
                .put_events("g", "s", vec![(NOW, "x".repeat(400_000))], NOW)
                .unwrap();
        }
        let page = store.get_events("g", "s", &GetQuery::default()).unwrap();
        assert_eq!(page.events.len(), 2);
    }

    #[test]
    fn filter_events_merges_streams_in_time_order() {
        let mut store = store_with("g", &["b", "a", "c"]);
        store
            .put_events(
                "g",
                "b",
                batch(&[(NOW + 1, "b1"), (NOW + 3, "b3"), (NOW + 3, "b3'")]),
                NOW,
            )
            .unwrap();
        store
            .put_events("g", "a", batch(&[(NOW + 2, "a2"), (NOW + 3, "a3")]), NOW)
            .unwrap();
        store
            .put_events("g", "c", batch(&[(NOW, "c0"), (NOW + 3, "c3")]), NOW)
            .unwrap();
        let everything = FilterPattern::everything();
        let page = store.filter_events("g", &query(&everything)).unwrap();
        let order: Vec<&str> = page.events.iter().map(|f| f.event.message.as_str()).collect();
        // Ties in time go by stream name, then by the order the stream received them.
        assert_eq!(order, ["c0", "b1", "a2", "a3", "b3", "b3'", "c3"]);
        assert!(page.next_token.is_none());

        let backwards: Vec<String> = filter_all(&store, &everything, 2, false)
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        assert_eq!(backwards, ["c3", "b3'", "b3", "a3", "a2", "b1", "c0"]);

        // Both ends of the time range are included.
        let ranged = FilterQuery {
            start_time: Some(NOW + 1),
            end_time: Some(NOW + 2),
            ..query(&everything)
        };
        let page = store.filter_events("g", &ranged).unwrap();
        assert_eq!(
            page.events.iter().map(|f| f.event.message.as_str()).collect::<Vec<_>>(),
            ["b1", "a2"]
        );

        let named = FilterQuery {
            stream_names: Some(vec!["a".into(), "c".into(), "gone".into()]),
            ..query(&everything)
        };
        assert_eq!(store.filter_events("g", &named).unwrap().events.len(), 4);
        let prefixed = FilterQuery {
            stream_name_prefix: Some("b".into()),
            ..query(&everything)
        };
        assert_eq!(store.filter_events("g", &prefixed).unwrap().events.len(), 3);
        let both = FilterQuery {
            stream_names: Some(vec!["a".into()]),
            stream_name_prefix: Some("a".into()),
            ..query(&everything)
        };
        assert!(matches!(
            store.filter_events("g", &both),
            Err(LogsError::InvalidParameter(_))
        ));
        let pattern = FilterPattern::parse("?b3 ?c0").unwrap();
        assert_eq!(store.filter_events("g", &query(&pattern)).unwrap().events.len(), 3);
        let junk = FilterQuery {
            next_token: Some("!!".into()),
            ..query(&everything)
        };
        assert_eq!(store.filter_events("g", &junk).err(), Some(LogsError::invalid_token()));
        assert_eq!(
            store.filter_events("nope", &query(&everything)).err(),
            Some(LogsError::LogGroupNotFound)
        );
    }

    #[test]
    fn filter_pages_return_every_event_once_even_while_events_arrive() {
        let mut store = store_with("g", &["s1", "s2", "s3"]);
        for (n, stream) in ["s1", "s2", "s3"].iter().enumerate() {
            let events: Vec<(i64, String)> = (0..30_000)
                .map(|i| (NOW - DAY + (i * 3 + n as i64) / 2, format!("{stream} {i}")))
                .collect();
            for chunk in events.chunks(10_000) {
                store.put_events("g", stream, chunk.to_vec(), NOW).unwrap();
            }
        }
        let everything = FilterPattern::everything();
        let mut seen = HashSet::new();
        let mut last_key = None;
        let mut token = None;
        let mut pages = 0;
        loop {
            let page_query = FilterQuery {
                limit: 10_000,
                next_token: token.take(),
                ..query(&everything)
            };
            let page = store.filter_events("g", &page_query).unwrap();
            for f in &page.events {
                let key = (f.event.timestamp, f.stream.clone(), f.event.seq);
                assert!(
                    last_key.as_ref().is_none_or(|last| *last < key),
                    "out of order at {key:?}"
                );
                assert!(seen.insert(f.event_id.clone()), "returned twice: {key:?}");
                last_key = Some(key);
            }
            pages += 1;
            let Some(next) = page.next_token else { break };
            token = Some(next);
            if pages == 2 {
                // Arrivals after the position already read are returned, earlier ones are not.
                store
                    .put_events("g", "s2", batch(&[(NOW - DAY + 5, "behind")]), NOW)
                    .unwrap();
                store.put_events("g", "s1", batch(&[(NOW, "ahead")]), NOW).unwrap();
            }
        }
        assert_eq!(seen.len(), 90_001);
        assert_eq!(pages, 10);
        let filtered = filter_all(&store, &FilterPattern::parse("\"s2 2999\"").unwrap(), 3, true);
        assert_eq!(filtered.len(), 11, "s2 2999 and s2 29990..29999");
    }

    #[test]
    fn filtering_in_slices_answers_as_one_hold_does_and_writers_get_in_between() {
        let store = std::cell::RefCell::new(store_with("g", &["a", "b"]));
        for i in 0..50 {
            let mut store = store.borrow_mut();
            store
                .put_events("g", "a", batch(&[(NOW - DAY + 2 * i, &format!("a {i}"))]), NOW)
                .unwrap();
            store
                .put_events("g", "b", batch(&[(NOW - DAY + 2 * i + 1, &format!("b {i}"))]), NOW)
                .unwrap();
        }
        let pattern = FilterPattern::parse("?1 ?3").unwrap();
        let texts = |page: FilterPage| -> Vec<String> { page.events.into_iter().map(|f| f.event.message).collect() };
        let whole = texts(store.borrow().filter_events("g", &query(&pattern)).unwrap());
        let mut holds = 0;
        let sliced = filter_in_slices(
            || {
                holds += 1;
                if holds == 3 {
                    // A writer between two holds: behind the position read so far, and ahead.
                    let mut store = store.borrow_mut();
                    store
                        .put_events("g", "b", batch(&[(NOW - DAY, "b behind 1")]), NOW)
                        .unwrap();
                    store
                        .put_events("g", "a", batch(&[(NOW - DAY + 500, "a ahead 1")]), NOW)
                        .unwrap();
                }
                store.borrow()
            },
            "g",
            &query(&pattern),
            1,
        )
        .unwrap();
        assert!(holds > 100, "one event per hold: {holds}");
        let mut expected = whole.clone();
        expected.push("a ahead 1".into());
        assert_eq!(texts(sliced), expected);
        assert_eq!(whole.len(), 52, "{whole:?}");
    }

    #[test]
    fn describe_groups_filters_and_pages() {
        let mut store = LogStore::new();
        for name in [
            "/aws/lambda/a",
            "/aws/lambda/b",
            "/aws/rds/x",
            "DataLogs",
            "GroupDataLogs",
        ] {
            store.create_group(name, None, NOW).unwrap();
        }
        let names = |page: GroupPage<'_>| page.groups.iter().map(|g| g.name().to_string()).collect::<Vec<_>>();
        let prefixed = GroupQuery {
            name_prefix: Some("/aws/lambda/".into()),
            limit: 50,
            ..GroupQuery::default()
        };
        assert_eq!(
            names(store.describe_groups(&prefixed).unwrap()),
            ["/aws/lambda/a", "/aws/lambda/b"]
        );
        let pattern = GroupQuery {
            name_pattern: Some("DataLogs".into()),
            limit: 50,
            ..GroupQuery::default()
        };
        assert_eq!(
            names(store.describe_groups(&pattern).unwrap()),
            ["DataLogs", "GroupDataLogs"]
        );
        let mut all = Vec::new();
        let mut token = None;
        loop {
            let page = store
                .describe_groups(&GroupQuery {
                    limit: 2,
                    next_token: token.take(),
                    ..GroupQuery::default()
                })
                .unwrap();
            token = page.next_token.clone();
            all.extend(names(page));
            if token.is_none() {
                break;
            }
        }
        assert_eq!(all.len(), 5);
        assert!(all.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn describe_streams_orders_and_pages() {
        let mut store = store_with("g", &["c", "a", "b", "empty"]);
        store.put_events("g", "a", batch(&[(NOW + 3, "x")]), NOW).unwrap();
        store.put_events("g", "b", batch(&[(NOW + 1, "x")]), NOW).unwrap();
        store.put_events("g", "c", batch(&[(NOW + 2, "x")]), NOW).unwrap();
        let list = |order, descending, limit| {
            let mut names = Vec::new();
            let mut token = None;
            loop {
                let query = StreamQuery {
                    name_prefix: None,
                    order,
                    descending,
                    limit,
                    next_token: token.take(),
                };
                let page = store.describe_streams("g", &query).unwrap();
                names.extend(page.streams.iter().map(|s| s.name().to_string()));
                match page.next_token {
                    Some(next) => token = Some(next),
                    None => return names,
                }
            }
        };
        assert_eq!(list(StreamOrder::LogStreamName, false, 1), ["a", "b", "c", "empty"]);
        assert_eq!(list(StreamOrder::LogStreamName, true, 3), ["empty", "c", "b", "a"]);
        assert_eq!(list(StreamOrder::LastEventTime, true, 1), ["a", "c", "b", "empty"]);
        assert_eq!(list(StreamOrder::LastEventTime, false, 2), ["empty", "b", "c", "a"]);
        let prefixed = StreamQuery {
            name_prefix: Some("e".into()),
            order: StreamOrder::LastEventTime,
            descending: false,
            limit: 50,
            next_token: None,
        };
        assert!(matches!(
            store.describe_streams("g", &prefixed),
            Err(LogsError::InvalidParameter(_))
        ));
    }

    #[test]
    fn append_creates_what_it_needs_and_keeps_time_order() {
        let mut store = LogStore::new();
        let stored = store.append(
            "/aws/lambda/f",
            "instance-1",
            batch(&[(NOW, "late start"), (NOW - 5, "earlier")]),
            NOW,
        );
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].group, "/aws/lambda/f");
        assert_eq!(stored[0].stream, "instance-1");
        let stream = store.group("/aws/lambda/f").unwrap().stream("instance-1").unwrap();
        assert_eq!(messages(stream.events()), ["earlier", "late start"]);
        store.ensure_group("/aws/lambda/f", NOW);
        assert_eq!(
            store
                .group("/aws/lambda/f")
                .unwrap()
                .stream("instance-1")
                .unwrap()
                .events()
                .len(),
            2
        );
    }

    #[test]
    fn snapshots_restore_the_same_state_and_never_reuse_ids() {
        let mut store = store_with("g", &["s"]);
        store
            .put_events("g", "s", batch(&[(NOW, "one"), (NOW + 1, "two")]), NOW)
            .unwrap();
        store.append("other", "t", batch(&[(NOW, "three")]), NOW);
        let snapshot = store.snapshot();
        let mut restored = LogStore::restore(snapshot.clone()).unwrap();
        assert_eq!(restored.snapshot(), snapshot);
        let before: Vec<String> = {
            let stream = restored.group("g").unwrap().stream("s").unwrap();
            stream.events().iter().map(|e| stream.event_id(e)).collect()
        };
        let added = restored.put_events("g", "s", batch(&[(NOW, "four")]), NOW).unwrap();
        assert!(!before.contains(&added.stored[0].event_id));
        restored.create_stream("g", "new", NOW).unwrap();
        let ids: HashSet<u64> = restored
            .groups
            .values()
            .flat_map(|g| g.streams.values().map(|s| s.id))
            .collect();
        assert_eq!(ids.len(), 3);

        assert!(LogStore::restore(serde_json::json!({"version": 99})).is_err());
        assert!(LogStore::restore(serde_json::json!({"version": 1, "groups": 5})).is_err());
        let mut renamed = snapshot.clone();
        renamed["groups"]["g"]["name"] = "h".into();
        assert!(LogStore::restore(renamed).is_err());
    }

    #[test]
    fn stream_positions_round_trip() {
        for position in [
            StreamPosition::After((NOW, 7)),
            StreamPosition::Before((i64::MAX, u64::MAX)),
            StreamPosition::After((i64::MIN, 0)),
        ] {
            assert_eq!(StreamPosition::decode(&position.encode()), Ok(position));
        }
        for junk in ["", "f/", "f/12/s", "x/0000000000000000000000000000000000000000/s"] {
            assert!(StreamPosition::decode(junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn the_store_deletes_its_oldest_events_past_its_limit_and_nothing_newer() {
        let mut store = LogStore::new();
        // 1,000 events of 100 bytes (126 counted) in two streams, timestamps 0..1000.
        for t in 0..1000 {
            let stream = if t % 2 == 0 { "a" } else { "b" };
            store.append("/g", stream, vec![(t, "x".repeat(100))], 5_000);
        }
        assert_eq!(store.bound(200_000), None, "126,000 bytes are under the limit");
        let trimmed = store.bound(63_000).expect("over the limit");
        let left: Vec<i64> = store.groups["/g"]
            .streams
            .values()
            .flat_map(|s| s.events.iter().map(|e| e.timestamp))
            .collect();
        let held: u64 = store.groups["/g"].stored_bytes();
        assert!(held <= 63_000 / 10 * 9, "{held} bytes left");
        assert_eq!(trimmed.events + left.len(), 1000);
        assert!(left.iter().all(|&t| t > trimmed.newest_deleted), "only the oldest go");
        assert_eq!(trimmed.held, 126_000);
    }

    #[test]
    fn retention_deletes_what_is_older_and_takes_only_awss_values() {
        let day = 86_400_000;
        let now = 10 * day;
        let mut store = LogStore::new();
        store.append(
            "/g",
            "s",
            vec![(now - 3 * day, "old".into()), (now - day / 2, "new".into())],
            now,
        );
        let err = store.put_retention("/g", 2, now).unwrap_err();
        assert!(
            err.to_string().contains("Member must satisfy enum value set: [1, 3, 5"),
            "{err}"
        );
        assert_eq!(store.put_retention("/absent", 1, now), Err(LogsError::LogGroupNotFound));
        store.put_retention("/g", 1, now).unwrap();
        let messages: Vec<&str> = store.groups["/g"].streams["s"]
            .events
            .iter()
            .map(|e| e.message.as_str())
            .collect();
        assert_eq!(messages, ["new"]);
        assert_eq!(store.groups["/g"].retention_in_days(), Some(1));
        store.delete_retention("/g").unwrap();
        assert_eq!(store.groups["/g"].retention_in_days(), None);
    }
}
