//! How log events are printed: `short` (time, a short stream id, the message; Lambda's START /
//! END / REPORT condensed into one dim line per invocation), `detailed` (every field) or `json`
//! (NDJSON, one object per event, with the fields of JSON lines and of REPORT lines parsed out).
//! Colours by level only when asked for (stdout is a terminal and NO_COLOR is unset).
//!
//! With `group_by_request`, an invocation's lines are held from its START until its REPORT and
//! then printed together, so that concurrent instances do not interleave.

use super::lines::{self, LambdaLine, Level};
use super::times::instant;
use super::LogEvent;
use crate::terminal::visible;
use anstyle::{AnsiColor, Style};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Short,
    Detailed,
    Json,
}

#[derive(Debug, Clone, Copy)]
pub struct PrinterOptions {
    pub format: LogFormat,
    pub colour: bool,
    pub group_by_request: bool,
    /// Several groups are printed together: name each event's group.
    pub show_group: bool,
}

pub struct Printer<W: Write> {
    out: W,
    options: PrinterOptions,
    /// Per (group, stream): the lines of the invocation running there, START first.
    open_invocations: HashMap<(String, String), Vec<LogEvent>>,
    printed: u64,
}

impl<W: Write> Printer<W> {
    pub fn new(out: W, options: PrinterOptions) -> Self {
        Printer {
            out,
            options,
            open_invocations: HashMap::new(),
            printed: 0,
        }
    }

    /// Events handed to the printer so far (held ones included).
    pub fn printed(&self) -> u64 {
        self.printed
    }

    pub fn print(&mut self, event: LogEvent) -> io::Result<()> {
        self.printed += 1;
        if !self.options.group_by_request {
            return self.write(&event);
        }
        let key = (event.group.clone(), event.stream.clone());
        match LambdaLine::parse(&event.message) {
            LambdaLine::Start { .. } => {
                // A START with one still open means the earlier invocation's REPORT never came
                // (the instance died): print what it had rather than lose it.
                if let Some(unfinished) = self.open_invocations.insert(key, vec![event]) {
                    self.write_all(&unfinished)?;
                }
                Ok(())
            }
            LambdaLine::Report(_) => {
                let mut lines = self.open_invocations.remove(&key).unwrap_or_default();
                lines.push(event);
                self.write_all(&lines)
            }
            _ => match self.open_invocations.get_mut(&key) {
                Some(lines) => {
                    lines.push(event);
                    Ok(())
                }
                None => self.write(&event),
            },
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Prints the invocations whose REPORT has not come (yet), then flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        let mut unfinished: Vec<Vec<LogEvent>> = self.open_invocations.drain().map(|(_, lines)| lines).collect();
        unfinished.sort_by_key(|lines| lines.first().map(|e| e.timestamp));
        for lines in unfinished {
            self.write_all(&lines)?;
        }
        self.flush()
    }

    fn write_all(&mut self, events: &[LogEvent]) -> io::Result<()> {
        events.iter().try_for_each(|event| self.write(event))
    }

    fn write(&mut self, event: &LogEvent) -> io::Result<()> {
        match self.options.format {
            LogFormat::Short => self.write_short(event),
            LogFormat::Detailed => self.write_detailed(event),
            LogFormat::Json => {
                serde_json::to_writer(&mut self.out, &json_event(event))?;
                writeln!(self.out)
            }
        }
    }

    fn write_short(&mut self, event: &LogEvent) -> io::Result<()> {
        let line = LambdaLine::parse(&event.message);
        let (text, style) = match &line {
            // Lambda's own lines are condensed into the REPORT line: its `init ... ms` is what
            // INIT_START marks (a cold start); the detailed and JSON formats keep them.
            LambdaLine::InitStart { .. } | LambdaLine::Start { .. } | LambdaLine::End { .. } => return Ok(()),
            LambdaLine::Report(report) => (condensed_report(report), Style::new().dimmed()),
            LambdaLine::Function => {
                let fields = lines::json_fields(&event.message);
                let style = level_style(lines::level(&event.message, fields.as_ref()));
                let text = match &fields {
                    Some(fields) => readable_json_line(fields),
                    None => event.message.trim_end().to_string(),
                };
                (text, style)
            }
        };
        let text = visible(&text);
        let time = format_time(event.timestamp, "%H:%M:%S%.3f");
        let stream = visible(lines::short_stream(&event.stream));
        let group = if self.options.show_group {
            format!("{} ", visible(&event.group))
        } else {
            String::new()
        };
        if self.options.colour {
            let dim = Style::new().dimmed();
            writeln!(
                self.out,
                "{dim}{time} {group}{stream}{dim:#} {style}{text}{style:#}",
                dim = dim.render(),
                style = style.render()
            )
        } else {
            writeln!(self.out, "{time} {group}{stream} {text}")
        }
    }

    fn write_detailed(&mut self, event: &LogEvent) -> io::Result<()> {
        let fields = lines::json_fields(&event.message);
        let style = level_style(lines::level(&event.message, fields.as_ref()));
        let head = format!(
            "{}  ingested {}  {}  {}  {}",
            instant(event.timestamp),
            instant(event.ingestion_time),
            visible(&event.group),
            visible(&event.stream),
            event.event_id.as_deref().unwrap_or("-"),
        );
        let message = visible(event.message.trim_end());
        if self.options.colour {
            let dim = Style::new().dimmed();
            writeln!(
                self.out,
                "{}{head}{}  {}{message}{}",
                dim.render(),
                dim.render_reset(),
                style.render(),
                style.render_reset()
            )
        } else {
            writeln!(self.out, "{head}  {message}")
        }
    }
}

/// One NDJSON object for `--format json`.
pub fn json_event(event: &LogEvent) -> Value {
    let mut value = json!({
        "timestamp": event.timestamp,
        "time": instant(event.timestamp),
        "ingestionTime": event.ingestion_time,
        "logGroup": event.group,
        "logStream": event.stream,
        "message": event.message,
    });
    if let Some(id) = &event.event_id {
        value["eventId"] = id.clone().into();
    }
    let line = LambdaLine::parse(&event.message);
    match &line {
        LambdaLine::Start { request_id } => {
            value["type"] = "START".into();
            value["requestId"] = request_id.clone().into();
        }
        LambdaLine::End { request_id } => {
            value["type"] = "END".into();
            value["requestId"] = request_id.clone().into();
        }
        LambdaLine::InitStart {
            runtime_version,
            runtime_version_arn,
        } => {
            value["type"] = "INIT_START".into();
            value["runtimeVersion"] = runtime_version.clone().into();
            if let Some(arn) = runtime_version_arn {
                value["runtimeVersionArn"] = arn.clone().into();
            }
        }
        LambdaLine::Report(report) => {
            value["type"] = "REPORT".into();
            value["requestId"] = report.request_id.clone().into();
            value["report"] = serde_json::to_value(report).unwrap_or(Value::Null);
        }
        LambdaLine::Function => {
            value["type"] = "function".into();
            if let Some(fields) = lines::json_fields(&event.message) {
                if let Some(id) = lines::json_request_id(&fields) {
                    value["requestId"] = id.into();
                }
                if let Some(level) = fields.get("level") {
                    value["level"] = level.clone();
                }
                value["fields"] = Value::Object(fields);
            }
        }
    }
    value
}

/// `REPORT 1a2b3c4d 12.35 ms (billed 13 ms) · 18/128 MB · init 120.22 ms · timeout`
fn condensed_report(report: &lines::Report) -> String {
    let id: String = report.request_id.chars().take(8).collect();
    let mut text = format!(
        "REPORT {id} {:.2} ms (billed {} ms) · {}/{} MB",
        report.duration_ms, report.billed_duration_ms, report.max_memory_used_mb, report.memory_size_mb
    );
    if let Some(init) = report.init_duration_ms {
        text.push_str(&format!(" · init {init:.2} ms"));
    }
    if let Some(status) = &report.status {
        text.push_str(&format!(" · {status}"));
    }
    text
}

/// A tracing JSON line as `LEVEL message key=value ...` (the span and the level's own field
/// left out: they are in the JSON form).
fn readable_json_line(fields: &Map<String, Value>) -> String {
    let mut parts = Vec::new();
    if let Some(level) = fields.get("level").and_then(Value::as_str) {
        parts.push(level.to_string());
    }
    if let Some(message) = fields.get("message").and_then(Value::as_str) {
        parts.push(message.to_string());
    }
    for (key, value) in fields {
        if matches!(
            key.as_str(),
            "level" | "message" | "span" | "spans" | "target" | "timestamp"
        ) {
            continue;
        }
        let value = match value {
            Value::String(text) => logfmt_value(text),
            other => logfmt_value(&other.to_string()),
        };
        parts.push(format!("{}={value}", logfmt_value(key)));
    }
    parts.join(" ")
}

/// A value as logfmt writes it, so that `key=value` pairs stay parseable: bare when it is one
/// plain word, else in double quotes with `"` and `\` escaped. (Control characters are made
/// visible with the rest of the line, by [`visible`].)
fn logfmt_value(text: &str) -> String {
    let plain = !text.is_empty()
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '=' | '\\'));
    if plain {
        return text.to_string();
    }
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn level_style(level: Option<Level>) -> Style {
    match level {
        Some(Level::Error) => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        Some(Level::Warn) => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Some(Level::Debug | Level::Trace) => Style::new().dimmed(),
        _ => Style::new(),
    }
}

fn format_time(ms: i64, format: &str) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format(format).to_string())
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(stream: &str, message: &str) -> LogEvent {
        LogEvent {
            group: "/aws/lambda/f".into(),
            stream: stream.into(),
            timestamp: 1_763_870_400_123,
            ingestion_time: 1_763_870_400_200,
            message: message.into(),
            event_id: None,
        }
    }

    fn printed(options: PrinterOptions, events: Vec<LogEvent>) -> String {
        let mut printer = Printer::new(Vec::new(), options);
        for e in events {
            printer.print(e).unwrap();
        }
        printer.finish().unwrap();
        String::from_utf8(printer.out).unwrap()
    }

    const SHORT: PrinterOptions = PrinterOptions {
        format: LogFormat::Short,
        colour: false,
        group_by_request: false,
        show_group: false,
    };

    #[test]
    fn short_condenses_lambdas_lines_into_one_per_invocation() {
        let stream = "2026/11/23/[$LATEST]3f2a1b2c9d8e7f60";
        let text = printed(
            SHORT,
            vec![
                event(stream, "START RequestId: 1a2b3c4d-0000 Version: $LATEST"),
                event(stream, r#"{"level":"WARN","message":"record rejected","CustID":7}"#),
                event(stream, "END RequestId: 1a2b3c4d-0000"),
                event(stream, "REPORT RequestId: 1a2b3c4d-0000\tDuration: 2.50 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\t"),
            ],
        );
        assert_eq!(
            text,
            "04:00:00.123 3f2a1b2c WARN record rejected CustID=7\n\
             04:00:00.123 3f2a1b2c REPORT 1a2b3c4d 2.50 ms (billed 3 ms) · 9/128 MB\n"
        );
    }

    #[test]
    fn short_leaves_out_init_start_and_quotes_values_with_spaces() {
        let stream = "2026/11/23/[$LATEST]3f2a1b2c9d8e7f60";
        let text = printed(
            SHORT,
            vec![
                event(stream, "INIT_START Runtime Version: provided:al2023.v100\tRuntime Version ARN: arn:aws:lambda:local::runtime:x"),
                event(
                    stream,
                    r#"{"level":"WARN","message":"record rejected","reason":"CustID: expected a positive integer","quote":"say \"hi\"","empty":"","esc":"\u001b[2J","obj":{"a":"b c"}}"#,
                ),
            ],
        );
        assert_eq!(
            text,
            "04:00:00.123 3f2a1b2c WARN record rejected empty=\"\" esc=\"\\x1B[2J\" obj=\"{\\\"a\\\":\\\"b c\\\"}\" quote=\"say \\\"hi\\\"\" reason=\"CustID: expected a positive integer\"\n"
        );
        let value = json_event(&event(
            stream,
            "INIT_START Runtime Version: provided:al2023.v100\tRuntime Version ARN: arn:x",
        ));
        assert_eq!(value["type"], "INIT_START");
        assert_eq!(value["runtimeVersion"], "provided:al2023.v100");
        assert_eq!(value["runtimeVersionArn"], "arn:x");
    }

    #[test]
    fn control_characters_of_a_log_line_are_shown_not_sent() {
        let text = printed(SHORT, vec![event("x]ab\u{1b}cdefgh", "plain \u{1b}[2J\u{7} li\rne")]);
        assert_eq!(text, "04:00:00.123 ab\\x1Bcdefg plain \\x1B[2J\\x07 li\\rne\n");
        let detailed = printed(
            PrinterOptions {
                format: LogFormat::Detailed,
                ..SHORT
            },
            vec![event("s", "a\u{9b}31m b")],
        );
        assert!(
            !detailed.contains('\u{9b}') && detailed.contains("a\\x9B31m b"),
            "{detailed}"
        );
    }

    #[test]
    fn grouping_holds_an_invocation_until_its_report() {
        let a = "2026/11/23/[$LATEST]aaaaaaaa00000000";
        let b = "2026/11/23/[$LATEST]bbbbbbbb00000000";
        let options = PrinterOptions {
            group_by_request: true,
            ..SHORT
        };
        let text = printed(
            options,
            vec![
                event(a, "START RequestId: r-a Version: $LATEST"),
                event(b, "START RequestId: r-b Version: $LATEST"),
                event(a, "one from a"),
                event(b, "one from b"),
                event(b, "REPORT RequestId: r-b\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\t"),
                event(a, "two from a"),
            ],
        );
        let lines: Vec<&str> = text.lines().map(|l| l.split_once(' ').unwrap().1).collect();
        assert_eq!(
            lines,
            [
                "bbbbbbbb one from b",
                "bbbbbbbb REPORT r-b 1.00 ms (billed 1 ms) · 9/128 MB",
                "aaaaaaaa one from a",
                "aaaaaaaa two from a",
            ]
        );
    }

    #[test]
    fn json_has_the_parsed_fields() {
        let value = json_event(&event(
            "s",
            "REPORT RequestId: r\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\tInit Duration: 5.00 ms\t",
        ));
        assert_eq!(value["type"], "REPORT");
        assert_eq!(value["report"]["initDurationMs"], 5.0);
        let value = json_event(&event(
            "s",
            r#"{"level":"INFO","span":{"requestId":"r-9"},"message":"ok"}"#,
        ));
        assert_eq!(value["requestId"], "r-9");
        assert_eq!(value["fields"]["message"], "ok");
    }

    #[test]
    fn colours_only_when_asked() {
        let plain = printed(SHORT, vec![event("s", r#"{"level":"ERROR","message":"db down"}"#)]);
        assert!(!plain.contains('\u{1b}'));
        let coloured = printed(
            PrinterOptions { colour: true, ..SHORT },
            vec![event("s", r#"{"level":"ERROR","message":"db down"}"#)],
        );
        assert!(
            coloured.contains("\u{1b}[1m\u{1b}[31m") || coloured.contains("\u{1b}[31"),
            "{coloured:?}"
        );
    }
}
