//! Which events were printed, so that none is printed twice when the same stretch of the log
//! is read again: a live tail session that overlaps the history read before it, a backfill after
//! a session ended or was sampled, a poll that re-reads the last minutes.
//!
//! An event is known by its group, stream, timestamp, ingestion time and message. Live tail
//! gives no event id, so the id cannot be the key. Two events with the same key can only come
//! from one PutLogEvents call (same stream, same millisecond, same ingestion), so each read
//! counts the occurrences of a key it sees, and prints the n-th occurrence only if fewer than n
//! were printed: a repeated line in one batch is printed as often as it was written.

use super::LogEvent;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct EventKey {
    timestamp: i64,
    ingestion_time: i64,
    group: String,
    stream: String,
    message: String,
}

impl EventKey {
    fn of(event: &LogEvent) -> EventKey {
        EventKey {
            timestamp: event.timestamp,
            ingestion_time: event.ingestion_time,
            group: event.group.clone(),
            stream: event.stream.clone(),
            message: event.message.clone(),
        }
    }
}

/// What was printed, by event key.
#[derive(Debug, Default)]
pub struct LogCursor {
    printed: BTreeMap<EventKey, u32>,
    newest_timestamp: Option<i64>,
}

/// One read of the log (a history page run, a session, a backfill, a poll): the occurrences of
/// each key it has seen so far.
#[derive(Debug, Default)]
pub struct ReadScope {
    seen: HashMap<EventKey, u32>,
}

impl LogCursor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `event`, seen by `scope`, is new; if it is, it counts as printed from now on.
    pub fn admit(&mut self, scope: &mut ReadScope, event: &LogEvent) -> bool {
        let key = EventKey::of(event);
        let occurrence = scope.seen.entry(key.clone()).or_insert(0);
        *occurrence += 1;
        let printed = self.printed.entry(key).or_insert(0);
        if *occurrence <= *printed {
            return false;
        }
        *printed = *occurrence;
        self.newest_timestamp = Some(
            self.newest_timestamp
                .map_or(event.timestamp, |t| t.max(event.timestamp)),
        );
        true
    }

    /// The newest timestamp printed so far.
    pub fn newest_timestamp(&self) -> Option<i64> {
        self.newest_timestamp
    }

    /// Forgets events older than `timestamp`: no later read looks back that far, and the
    /// memory of a long follow stays flat.
    pub fn forget_before(&mut self, timestamp: i64) {
        let first_kept = EventKey {
            timestamp,
            ingestion_time: i64::MIN,
            group: String::new(),
            stream: String::new(),
            message: String::new(),
        };
        self.printed = self.printed.split_off(&first_kept);
    }

    /// How many distinct keys are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.printed.len()
    }
}

impl ReadScope {
    pub fn new() -> Self {
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(timestamp: i64, message: &str) -> LogEvent {
        LogEvent {
            group: "g".into(),
            stream: "s".into(),
            timestamp,
            ingestion_time: 1000,
            message: message.into(),
            event_id: None,
        }
    }

    #[test]
    fn an_event_read_twice_is_printed_once_and_a_repeated_line_as_often_as_written() {
        let mut cursor = LogCursor::new();
        let mut live = ReadScope::new();
        assert!(cursor.admit(&mut live, &event(1, "a")));
        assert!(cursor.admit(&mut live, &event(1, "a")), "written twice in one batch");
        assert!(cursor.admit(&mut live, &event(2, "b")));

        // A backfill over the same stretch finds both "a" and "b", and one event live missed.
        let mut backfill = ReadScope::new();
        assert!(!cursor.admit(&mut backfill, &event(1, "a")));
        assert!(!cursor.admit(&mut backfill, &event(1, "a")));
        assert!(cursor.admit(&mut backfill, &event(1, "late")));
        assert!(!cursor.admit(&mut backfill, &event(2, "b")));
        assert_eq!(cursor.newest_timestamp(), Some(2));
    }

    #[test]
    fn old_keys_are_forgotten() {
        let mut cursor = LogCursor::new();
        let mut scope = ReadScope::new();
        for t in 0..10 {
            cursor.admit(&mut scope, &event(t, "x"));
        }
        cursor.forget_before(5);
        assert_eq!(cursor.len(), 5);
    }
}
