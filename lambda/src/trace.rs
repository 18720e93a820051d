//! Following one message through the function (`custctl trace`): a record that carries the
//! message attribute [`TRACE_ATTRIBUTE`] gets one `traced record` log line once its batch is
//! done, saying what became of it (written, rejected and why, or failed with its batch), how
//! long it waited in the queue, and which invocation took it. Records without the attribute
//! get nothing more than they always did, so tracing costs an untraced batch one look at each
//! record's attributes.
//!
//! The attribute comes from whoever can send to the queue, and its value ends up in a log line
//! and in the CloudWatch filter pattern `custctl trace` searches with. So only a plain id is
//! traced ([`TraceId`]: at most 64 letters, digits, `-`, `_` and `.`); any other value is
//! refused with a line that says why, without repeating the value.

use crate::handler::BatchReport;
use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use std::sync::atomic::{AtomicBool, Ordering};

/// The message attribute (String) whose value is the trace id. SQS attribute names may hold
/// letters, digits, `-`, `_` and `.`, up to 256 characters
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html).
pub const TRACE_ATTRIBUTE: &str = "custctl-trace";

/// The message of the line logged for each traced record.
pub const TRACED_RECORD: &str = "traced record";

/// The longest trace id traced: custctl's are UUIDs (36 characters).
pub const MAX_TRACE_ID_CHARS: usize = 64;

/// The `outcome` of a traced record whose row was written.
pub const OUTCOME_WRITTEN: &str = "written";
/// ... that the schema rejected (its `reason` says why).
pub const OUTCOME_REJECTED: &str = "rejected";
/// ... whose batch could not be written (its `reason` is the database's error).
pub const OUTCOME_BATCH_FAILED: &str = "batch failed";

/// A trace id that is safe to log and to search for: 1 to 64 ASCII letters, digits, `-`, `_`
/// or `.`, so it cannot break out of a quoted filter-pattern term or steer a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceId(String);

/// Why an attribute's value is not a trace id. The value itself is never repeated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceIdError {
    #[error("the {TRACE_ATTRIBUTE} attribute is not a String attribute")]
    NotAString,
    #[error("the trace id is empty")]
    Empty,
    #[error("the trace id has {0} characters, at most {MAX_TRACE_ID_CHARS} are traced")]
    TooLong(usize),
    #[error("character {0} of the trace id is not a letter, digit, '-', '_' or '.'")]
    Character(usize),
}

impl TraceId {
    pub fn new(text: &str) -> Result<TraceId, TraceIdError> {
        let count = text.chars().count();
        if count == 0 {
            return Err(TraceIdError::Empty);
        }
        if count > MAX_TRACE_ID_CHARS {
            return Err(TraceIdError::TooLong(count));
        }
        if let Some(position) = text
            .chars()
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(TraceIdError::Character(position + 1));
        }
        Ok(TraceId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TraceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A record of the batch that carries the trace attribute, read before the batch is worked on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traced {
    pub message_id: String,
    pub trace_id: Result<TraceId, TraceIdError>,
    /// The `SentTimestamp` attribute (ms since the epoch), when SQS gave a readable one.
    pub sent_ms: Option<i64>,
    pub receive_count: Option<u64>,
}

/// The records of `event` that carry the trace attribute; empty (and no allocation) when none does.
pub fn traced_records(event: &SqsEvent) -> Vec<Traced> {
    event.records.iter().filter_map(traced).collect()
}

fn traced(record: &SqsMessage) -> Option<Traced> {
    let attribute = record.message_attributes.get(TRACE_ATTRIBUTE)?;
    let trace_id = match (&attribute.string_value, attribute.data_type.as_deref()) {
        // A custom type label (`String.id`) is still a String.
        (Some(value), None) => TraceId::new(value),
        (Some(value), Some(kind)) if kind == "String" || kind.starts_with("String.") => TraceId::new(value),
        _ => Err(TraceIdError::NotAString),
    };
    let number = |name: &str| record.attributes.get(name).and_then(|v| v.parse().ok());
    Some(Traced {
        message_id: record.message_id.clone().unwrap_or_default(),
        trace_id,
        sent_ms: number("SentTimestamp"),
        receive_count: number("ApproximateReceiveCount").and_then(|n: i64| u64::try_from(n).ok()),
    })
}

/// The invocation that took the batch.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    pub request_id: &'a str,
    /// The first invocation this process served.
    pub cold_start: bool,
    /// When the handler got the event, in ms since the epoch.
    pub started_ms: i64,
}

/// What one traced record's line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TracedLine {
    pub message_id: String,
    pub trace_id: String,
    pub receive_count: Option<u64>,
    /// From `SentTimestamp` to the handler getting the record.
    pub queue_ms: Option<i64>,
    /// From the handler getting the record to its outcome being known.
    pub function_ms: i64,
    pub outcome: &'static str,
    pub reason: Option<String>,
    pub request_id: String,
    pub cold_start: bool,
}

/// Each traced record's line, from the batch's report; a refused trace id is `Err` with the
/// message id and why.
pub fn lines(
    traced: &[Traced],
    report: &BatchReport,
    invocation: &Invocation<'_>,
    now_ms: i64,
) -> Vec<Result<TracedLine, (String, TraceIdError)>> {
    traced
        .iter()
        .map(|record| {
            let trace_id = match &record.trace_id {
                Ok(id) => id.to_string(),
                Err(why) => return Err((record.message_id.clone(), why.clone())),
            };
            let rejection = report.rejected.iter().find(|r| r.message_id == record.message_id);
            let (outcome, reason) = match (rejection, &report.batch_error) {
                // Its own reason says more than the batch's: it would not have been written anyway.
                (Some(rejection), _) => (OUTCOME_REJECTED, Some(rejection.reason.clone())),
                (None, Some(error)) => (OUTCOME_BATCH_FAILED, Some(error.clone())),
                (None, None) => (OUTCOME_WRITTEN, None),
            };
            Ok(TracedLine {
                message_id: record.message_id.clone(),
                trace_id,
                receive_count: record.receive_count,
                queue_ms: record.sent_ms.map(|sent| invocation.started_ms.saturating_sub(sent)),
                function_ms: now_ms.saturating_sub(invocation.started_ms),
                outcome,
                reason,
                request_id: invocation.request_id.to_string(),
                cold_start: invocation.cold_start,
            })
        })
        .collect()
}

/// Logs one line for each traced record (see [`lines`]).
pub fn log(traced: &[Traced], report: &BatchReport, invocation: &Invocation<'_>, now_ms: i64) {
    for line in lines(traced, report, invocation, now_ms) {
        match line {
            Ok(line) => tracing::info!(
                message_id = line.message_id,
                trace_id = line.trace_id,
                receive_count = line.receive_count,
                queue_ms = line.queue_ms,
                function_ms = line.function_ms,
                outcome = line.outcome,
                reason = line.reason.as_deref(),
                request_id = line.request_id,
                cold_start = line.cold_start,
                "traced record"
            ),
            Err((message_id, why)) => tracing::warn!(message_id, reason = %why, "trace attribute refused"),
        }
    }
}

/// Whether this is the process's first invocation (a cold start); every later call says no.
pub fn first_invocation() -> bool {
    static INVOKED: AtomicBool = AtomicBool::new(false);
    !INVOKED.swap(true, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handler::Rejection;
    use serde_json::{json, Value};

    /// A record as the event source mapping sends it, with `attributes` as its messageAttributes.
    fn record(id: &str, message_attributes: Value) -> Value {
        json!({
            "messageId": id,
            "receiptHandle": format!("rh-{id}"),
            "body": "{}",
            "attributes": {"ApproximateReceiveCount": "2", "SentTimestamp": "1763859600000"},
            "messageAttributes": message_attributes,
            "eventSource": "aws:sqs",
        })
    }

    fn trace_attribute(value: &str) -> Value {
        json!({TRACE_ATTRIBUTE: {"stringValue": value, "stringListValues": [], "binaryListValues": [], "dataType": "String"}})
    }

    fn event(records: Vec<Value>) -> SqsEvent {
        serde_json::from_value(json!({ "Records": records })).unwrap()
    }

    const INVOCATION: Invocation<'static> = Invocation {
        request_id: "req-1",
        cold_start: true,
        started_ms: 1_763_859_600_250,
    };

    #[test]
    fn only_records_with_the_attribute_are_traced() {
        let event = event(vec![
            record("plain", json!({})),
            record("other", json!({"colour": {"stringValue": "red", "dataType": "String"}})),
            record("traced", trace_attribute("3f2a-1b")),
        ]);
        let traced = traced_records(&event);
        assert_eq!(
            traced,
            vec![Traced {
                message_id: "traced".into(),
                trace_id: Ok(TraceId("3f2a-1b".into())),
                sent_ms: Some(1_763_859_600_000),
                receive_count: Some(2),
            }]
        );
        assert!(traced_records(&self::event(vec![record("plain", json!({}))])).is_empty());
    }

    #[test]
    fn each_outcome_is_said_with_its_reason() {
        let event = event(vec![
            record("ok", trace_attribute("t-ok")),
            record("bad", trace_attribute("t-bad")),
        ]);
        let traced = traced_records(&event);
        let mut report = BatchReport {
            rejected: vec![Rejection {
                message_id: "bad".into(),
                reason: "missing field \"Name\"".into(),
            }],
            ..BatchReport::default()
        };
        let lines = lines(&traced, &report, &INVOCATION, 1_763_859_600_262);
        let ok = lines[0].as_ref().unwrap();
        assert_eq!(
            ok,
            &TracedLine {
                message_id: "ok".into(),
                trace_id: "t-ok".into(),
                receive_count: Some(2),
                queue_ms: Some(250),
                function_ms: 12,
                outcome: OUTCOME_WRITTEN,
                reason: None,
                request_id: "req-1".into(),
                cold_start: true,
            }
        );
        let bad = lines[1].as_ref().unwrap();
        assert_eq!(
            (bad.outcome, bad.reason.as_deref()),
            (OUTCOME_REJECTED, Some("missing field \"Name\""))
        );

        report.batch_error = Some("the database failed: gone".into());
        let lines = super::lines(&traced, &report, &INVOCATION, 1_763_859_600_262);
        let ok = lines[0].as_ref().unwrap();
        assert_eq!(
            (ok.outcome, ok.reason.as_deref()),
            (OUTCOME_BATCH_FAILED, Some("the database failed: gone"))
        );
        assert_eq!(lines[1].as_ref().unwrap().outcome, OUTCOME_REJECTED);
    }

    #[test]
    fn hostile_trace_ids_are_refused_without_repeating_them() {
        let long = "a".repeat(MAX_TRACE_ID_CHARS + 1);
        let cases = [
            ("", TraceIdError::Empty),
            (long.as_str(), TraceIdError::TooLong(65)),
            ("ok\u{1b}[2J", TraceIdError::Character(3)),
            ("line\nbreak", TraceIdError::Character(5)),
            ("quote\"", TraceIdError::Character(6)),
            ("naïve", TraceIdError::Character(3)),
        ];
        for (value, why) in cases {
            let traced = traced_records(&event(vec![record("m", trace_attribute(value))]));
            assert_eq!(traced[0].trace_id, Err(why.clone()), "{value:?}");
            let lines = lines(&traced, &BatchReport::default(), &INVOCATION, 0);
            assert_eq!(lines, vec![Err(("m".to_string(), why.clone()))]);
            if !value.is_empty() {
                assert!(!why.to_string().contains(value), "{why}");
            }
        }
        assert_eq!(
            TraceId::new(&"a".repeat(MAX_TRACE_ID_CHARS)).unwrap().as_str().len(),
            64
        );
        let binary = json!({TRACE_ATTRIBUTE: {"binaryValue": "AAE=", "dataType": "Binary"}});
        assert_eq!(
            traced_records(&event(vec![record("m", binary)]))[0].trace_id,
            Err(TraceIdError::NotAString)
        );
        let labelled = json!({TRACE_ATTRIBUTE: {"stringValue": "t1", "dataType": "String.trace"}});
        assert!(traced_records(&event(vec![record("m", labelled)]))[0].trace_id.is_ok());
    }

    #[test]
    fn a_record_without_a_sent_timestamp_has_no_queue_time() {
        let mut plain = record("m", trace_attribute("t"));
        plain["attributes"] = json!({});
        let traced = traced_records(&event(vec![plain]));
        let lines = lines(&traced, &BatchReport::default(), &INVOCATION, INVOCATION.started_ms);
        let line = lines[0].as_ref().unwrap();
        assert_eq!((line.queue_ms, line.receive_count, line.function_ms), (None, None, 0));
    }

    #[test]
    fn the_logged_line_carries_every_field_and_nothing_for_untraced_records() {
        let event = event(vec![
            record("plain", json!({})),
            record("traced", trace_attribute("t-1")),
            record("hostile", trace_attribute("x\u{1b}]0;owned\u{7}")),
        ]);
        let traced = traced_records(&event);
        let capture = custctl_test_support::LogCapture::start();
        log(&traced, &BatchReport::default(), &INVOCATION, INVOCATION.started_ms + 5);
        let lines = capture.lines();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(
            lines[0],
            json!({"level": "INFO", "message": TRACED_RECORD, "message_id": "traced", "trace_id": "t-1",
                "receive_count": 2, "queue_ms": 250, "function_ms": 5, "outcome": "written",
                "request_id": "req-1", "cold_start": true})
        );
        assert_eq!(
            lines[1],
            json!({"level": "WARN", "message": "trace attribute refused", "message_id": "hostile",
                "reason": "character 2 of the trace id is not a letter, digit, '-', '_' or '.'"})
        );
    }

    #[test]
    fn only_the_first_invocation_is_a_cold_start() {
        // Other tests of this process may have asked first; from here on it is always no.
        first_invocation();
        assert!(!first_invocation());
        assert!(!first_invocation());
    }
}
