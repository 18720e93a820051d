//! What a line of a Lambda log group is: Lambda's own `START` / `END` / `REPORT` lines (the
//! REPORT parsed into its figures), or the function's line, whose level and JSON fields are
//! read when it has them (the function logs JSON through `tracing`).

use serde::Serialize;
use serde_json::{Map, Value};

/// Lambda's REPORT line, parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    #[serde(rename = "requestId")]
    pub request_id: String,
    #[serde(rename = "durationMs")]
    pub duration_ms: f64,
    #[serde(rename = "billedDurationMs")]
    pub billed_duration_ms: u64,
    #[serde(rename = "memorySizeMb")]
    pub memory_size_mb: u64,
    #[serde(rename = "maxMemoryUsedMb")]
    pub max_memory_used_mb: u64,
    /// Only on a cold start.
    #[serde(rename = "initDurationMs", skip_serializing_if = "Option::is_none")]
    pub init_duration_ms: Option<f64>,
    /// `timeout`, `error`...: only when the invocation did not end normally.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// What one line is.
#[derive(Debug, Clone, PartialEq)]
pub enum LambdaLine {
    Start {
        request_id: String,
    },
    End {
        request_id: String,
    },
    Report(Report),
    /// `INIT_START Runtime Version: provided:al2023.v100\tRuntime Version ARN: arn:...`: the
    /// first line of a new instance, before its init.
    InitStart {
        runtime_version: String,
        runtime_version_arn: Option<String>,
    },
    /// The function's own line (or the runtime's).
    Function,
}

/// The level of a function line, for colours and `--summary`'s error count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

impl LambdaLine {
    pub fn parse(message: &str) -> LambdaLine {
        let message = message.trim_end();
        if let Some(rest) = message.strip_prefix("START RequestId: ") {
            let request_id = rest.split_whitespace().next().unwrap_or_default().to_string();
            return LambdaLine::Start { request_id };
        }
        if let Some(rest) = message.strip_prefix("END RequestId: ") {
            return LambdaLine::End {
                request_id: rest.trim().to_string(),
            };
        }
        if let Some(rest) = message.strip_prefix("INIT_START ") {
            let field = |key: &str| {
                rest.split('\t')
                    .find_map(|field| field.trim().strip_prefix(key))
                    .map(|value| value.trim().to_string())
            };
            return LambdaLine::InitStart {
                runtime_version: field("Runtime Version: ").unwrap_or_default(),
                runtime_version_arn: field("Runtime Version ARN: "),
            };
        }
        if message.starts_with("REPORT RequestId: ") {
            if let Some(report) = parse_report(message) {
                return LambdaLine::Report(report);
            }
        }
        LambdaLine::Function
    }
}

/// `REPORT RequestId: id\tDuration: 12.35 ms\tBilled Duration: 13 ms\t...`: tab-separated
/// `Key: value` fields, in any order; unknown ones are ignored.
fn parse_report(message: &str) -> Option<Report> {
    let mut report = Report {
        request_id: String::new(),
        duration_ms: 0.0,
        billed_duration_ms: 0,
        memory_size_mb: 0,
        max_memory_used_mb: 0,
        init_duration_ms: None,
        status: None,
    };
    let number = |value: &str| value.split_whitespace().next().and_then(|n| n.parse::<f64>().ok());
    for field in message.trim_start_matches("REPORT ").split('\t') {
        let Some((key, value)) = field.split_once(": ") else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "RequestId" => report.request_id = value.to_string(),
            "Duration" => report.duration_ms = number(value)?,
            "Billed Duration" => report.billed_duration_ms = number(value)? as u64,
            "Memory Size" => report.memory_size_mb = number(value)? as u64,
            "Max Memory Used" => report.max_memory_used_mb = number(value)? as u64,
            "Init Duration" => report.init_duration_ms = number(value),
            "Status" => report.status = Some(value.trim_end_matches(',').to_string()),
            _ => {}
        }
    }
    (!report.request_id.is_empty()).then_some(report)
}

/// The fields of a line that is one JSON object (as `tracing`'s JSON format writes them).
pub fn json_fields(message: &str) -> Option<Map<String, Value>> {
    let trimmed = message.trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Object(fields)) => Some(fields),
        _ => None,
    }
}

/// The level of a function line: its JSON `level` field, or a leading level word.
pub fn level(message: &str, fields: Option<&Map<String, Value>>) -> Option<Level> {
    let word = match fields.and_then(|f| f.get("level")).and_then(Value::as_str) {
        Some(level) => level.to_string(),
        None => message
            .split_whitespace()
            .next()?
            .trim_matches(|c: char| !c.is_ascii_alphabetic())
            .to_string(),
    };
    match word.to_ascii_uppercase().as_str() {
        "ERROR" | "FATAL" => Some(Level::Error),
        "WARN" | "WARNING" => Some(Level::Warn),
        "INFO" => Some(Level::Info),
        "DEBUG" => Some(Level::Debug),
        "TRACE" => Some(Level::Trace),
        _ => None,
    }
}

/// The request id a JSON function line carries (the Lambda runtime's span puts it there).
pub fn json_request_id(fields: &Map<String, Value>) -> Option<&str> {
    fields
        .get("requestId")
        .or_else(|| fields.get("span").and_then(|span| span.get("requestId")))
        .and_then(Value::as_str)
}

/// A short name for a stream: the first 8 characters after a Lambda instance stream's `]`
/// (`2026/11/23/[$LATEST]3f2a...`), else the stream's last 8 characters. Stream names are
/// anyone's text (PutLogEvents takes any Unicode), so they are cut by characters, never bytes.
pub fn short_stream(stream: &str) -> &str {
    if let Some((_, tail)) = stream.rsplit_once(']') {
        if let Some((end, _)) = tail.char_indices().nth(8) {
            return &tail[..end];
        }
        if tail.chars().count() == 8 {
            return tail;
        }
    }
    let start = stream.char_indices().rev().nth(7).map_or(0, |(i, _)| i);
    &stream[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_start_is_lambdas_line() {
        assert_eq!(
            LambdaLine::parse("INIT_START Runtime Version: provided:al2023.v100\tRuntime Version ARN: arn:aws:lambda:local::runtime:x"),
            LambdaLine::InitStart {
                runtime_version: "provided:al2023.v100".into(),
                runtime_version_arn: Some("arn:aws:lambda:local::runtime:x".into()),
            }
        );
    }

    #[test]
    fn lambdas_lines_are_recognised() {
        assert_eq!(
            LambdaLine::parse("START RequestId: abc-1 Version: $LATEST"),
            LambdaLine::Start {
                request_id: "abc-1".into()
            }
        );
        assert_eq!(
            LambdaLine::parse("END RequestId: abc-1"),
            LambdaLine::End {
                request_id: "abc-1".into()
            }
        );
        let LambdaLine::Report(report) = LambdaLine::parse(
            "REPORT RequestId: abc-1\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 18 MB\tInit Duration: 120.22 ms\tStatus: timeout\t",
        ) else {
            panic!("a REPORT line");
        };
        assert_eq!(report.request_id, "abc-1");
        assert_eq!(report.duration_ms, 12.35);
        assert_eq!(report.billed_duration_ms, 13);
        assert_eq!(report.memory_size_mb, 128);
        assert_eq!(report.max_memory_used_mb, 18);
        assert_eq!(report.init_duration_ms, Some(120.22));
        assert_eq!(report.status.as_deref(), Some("timeout"));
        assert_eq!(LambdaLine::parse("REPORT card printed"), LambdaLine::Function);
        assert_eq!(LambdaLine::parse("START the engine"), LambdaLine::Function);
    }

    #[test]
    fn levels_come_from_json_or_the_first_word() {
        let line = r#"{"level":"WARN","message":"record rejected","span":{"requestId":"r-1"}}"#;
        let fields = json_fields(line).unwrap();
        assert_eq!(level(line, Some(&fields)), Some(Level::Warn));
        assert_eq!(json_request_id(&fields), Some("r-1"));
        assert_eq!(level("ERROR something broke", None), Some(Level::Error));
        assert_eq!(level("[INFO] ok", None), Some(Level::Info));
        assert_eq!(level("hello", None), None);
        assert!(json_fields("not json {").is_none());
    }

    #[test]
    fn streams_get_short_names() {
        assert_eq!(short_stream("2026/11/23/[$LATEST]3f2a1b2c9d8e7f60"), "3f2a1b2c");
        assert_eq!(short_stream("my-own-stream-name"), "eam-name");
        assert_eq!(short_stream("abc"), "abc");
        // Non-ASCII near the end once cut a character in two (a panic).
        assert_eq!(short_stream("2026/11/23/[$LATEST]abcdefgé"), "abcdefgé");
        assert_eq!(short_stream("x]abcdefgéz"), "abcdefgé");
        assert_eq!(short_stream("x]ééééééé"), "]ééééééé");
        assert_eq!(short_stream("ストリームの名前です"), "リームの名前です");
    }
}
