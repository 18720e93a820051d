//! `custctl logs --summary`: what the function did over a window, from its REPORT lines and
//! its error lines: invocations, errors, timeouts, cold starts, and duration p50 / p95 / max.

use super::lines::{self, LambdaLine, Level};
use super::LogEvent;
use crate::output::Render;
use serde::Serialize;
use std::collections::HashSet;

#[derive(Debug, Default)]
pub struct SummaryBuilder {
    durations_ms: Vec<f64>,
    invocations: u64,
    timeouts: u64,
    cold_starts: u64,
    failed_requests: HashSet<String>,
    error_lines: u64,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Summary {
    pub from: String,
    pub to: String,
    pub invocations: u64,
    /// Invocations that failed: a REPORT status other than success, or an ERROR line logged
    /// during the invocation.
    pub errors: u64,
    pub timeouts: u64,
    pub cold_starts: u64,
    /// ERROR-level lines, whether or not they name their invocation.
    pub error_lines: u64,
    pub duration_ms: Durations,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct Durations {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub max: Option<f64>,
}

impl SummaryBuilder {
    pub fn add(&mut self, event: &LogEvent) {
        match LambdaLine::parse(&event.message) {
            LambdaLine::Report(report) => {
                self.invocations += 1;
                self.durations_ms.push(report.duration_ms);
                if report.init_duration_ms.is_some() {
                    self.cold_starts += 1;
                }
                match report.status.as_deref() {
                    None | Some("success") => {}
                    Some(status) => {
                        if status == "timeout" {
                            self.timeouts += 1;
                        }
                        self.failed_requests.insert(report.request_id);
                    }
                }
            }
            LambdaLine::Function => {
                let fields = lines::json_fields(&event.message);
                if lines::level(&event.message, fields.as_ref()) == Some(Level::Error) {
                    self.error_lines += 1;
                    if let Some(id) = fields.as_ref().and_then(lines::json_request_id) {
                        self.failed_requests.insert(id.to_string());
                    }
                }
            }
            _ => {}
        }
    }

    pub fn finish(mut self, from: String, to: String) -> Summary {
        self.durations_ms.sort_by(f64::total_cmp);
        let percentile = |p: f64| {
            if self.durations_ms.is_empty() {
                return None;
            }
            // Nearest rank.
            let rank = ((p / 100.0) * self.durations_ms.len() as f64).ceil() as usize;
            Some(self.durations_ms[rank.clamp(1, self.durations_ms.len()) - 1])
        };
        Summary {
            from,
            to,
            invocations: self.invocations,
            errors: self.failed_requests.len() as u64,
            timeouts: self.timeouts,
            cold_starts: self.cold_starts,
            error_lines: self.error_lines,
            duration_ms: Durations {
                p50: percentile(50.0),
                p95: percentile(95.0),
                max: self.durations_ms.last().copied(),
            },
        }
    }
}

impl Render for Summary {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let ms = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2} ms"));
        let rows = [
            ("window", format!("{} .. {}", self.from, self.to)),
            ("invocations", self.invocations.to_string()),
            ("errors", self.errors.to_string()),
            ("timeouts", self.timeouts.to_string()),
            ("cold starts", self.cold_starts.to_string()),
            ("error lines", self.error_lines.to_string()),
            ("duration p50", ms(self.duration_ms.p50)),
            ("duration p95", ms(self.duration_ms.p95)),
            ("duration max", ms(self.duration_ms.max)),
        ];
        (
            Vec::new(),
            rows.into_iter().map(|(k, v)| vec![k.to_string(), v]).collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(message: &str) -> LogEvent {
        LogEvent {
            group: "g".into(),
            stream: "s".into(),
            timestamp: 0,
            ingestion_time: 0,
            message: message.into(),
            event_id: None,
        }
    }

    #[test]
    fn counts_and_percentiles() {
        let mut builder = SummaryBuilder::default();
        for (i, ms) in [10.0, 20.0, 30.0, 40.0].iter().enumerate() {
            let init = if i == 0 { "Init Duration: 100.00 ms\t" } else { "" };
            let status = if i == 3 { "Status: timeout\t" } else { "" };
            builder.add(&line(&format!(
                "REPORT RequestId: r{i}\tDuration: {ms:.2} ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 9 MB\t{init}{status}"
            )));
        }
        builder.add(&line(r#"{"level":"ERROR","message":"db","span":{"requestId":"r1"}}"#));
        builder.add(&line(r#"{"level":"INFO","message":"ok"}"#));
        let summary = builder.finish("a".into(), "b".into());
        assert_eq!(summary.invocations, 4);
        assert_eq!(summary.cold_starts, 1);
        assert_eq!(summary.timeouts, 1);
        assert_eq!(summary.errors, 2, "r3 timed out, r1 logged an error");
        assert_eq!(summary.error_lines, 1);
        assert_eq!(summary.duration_ms.p50, Some(20.0));
        assert_eq!(summary.duration_ms.p95, Some(40.0));
        assert_eq!(summary.duration_ms.max, Some(40.0));
    }
}
