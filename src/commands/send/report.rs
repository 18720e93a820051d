//! What `custctl send` reports: one message's id, a run's counts and rate, or a dry run's
//! findings, each as a table or JSON.

use super::check::{Check, Problem, ProblemList};
use crate::output::Render;
use serde::Serialize;
use std::time::Duration;

/// The answer for one message sent.
#[derive(Debug, Serialize)]
pub(super) struct SentMessage {
    pub(super) message_id: String,
    #[serde(skip)]
    pub(super) queue: String,
}

impl Render for SentMessage {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        (vec![], vec![vec!["message_id".into(), self.message_id.clone()]])
    }

    fn line(&self) -> Option<String> {
        Some(format!("sent to {}: message {}", self.queue, self.message_id))
    }
}

/// The answer for a run of many messages.
#[derive(Debug, Serialize)]
pub(super) struct SendReport {
    pub(super) sent: u64,
    pub(super) failed: u64,
    pub(super) invalid: u64,
    pub(super) seconds: f64,
    pub(super) msgs_per_sec: f64,
    pub(super) failures: Vec<Problem>,
    pub(super) invalid_messages: Vec<Problem>,
    /// Stopped by Ctrl-C.
    pub(super) interrupted: bool,
    /// `--skip` for the command that resumes a run that stopped early (Ctrl-C, or an error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) resume_skip: Option<u64>,
    /// FIFO queues: of `sent`, how many SQS may have dropped as duplicates (it answers the same
    /// for a message it keeps and one whose deduplication id it saw in the last 5 minutes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) may_be_deduplicated: Option<u64>,
}

impl SendReport {
    pub(super) fn new(
        sent: u64,
        failures: ProblemList,
        check: &Check,
        elapsed: Duration,
        resume_skip: Option<u64>,
    ) -> Self {
        let seconds = elapsed.as_secs_f64();
        let rate = if seconds > 0.0 { sent as f64 / seconds } else { 0.0 };
        SendReport {
            sent,
            failed: failures.count,
            invalid: check.invalid.count,
            seconds: (seconds * 1000.0).round() / 1000.0,
            msgs_per_sec: (rate * 10.0).round() / 10.0,
            failures: failures.listed,
            invalid_messages: check.invalid.listed.clone(),
            interrupted: false,
            resume_skip,
            may_be_deduplicated: None,
        }
    }
}

impl Render for SendReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let row = |name: &str, value: String| vec![name.to_string(), value];
        let mut rows = vec![row("sent", self.sent.to_string())];
        if let Some(count) = self.may_be_deduplicated {
            rows.push(row("of which may be deduplicated", count.to_string()));
        }
        rows.extend([
            row("failed", self.failed.to_string()),
            row("invalid", self.invalid.to_string()),
            row("seconds", format!("{:.3}", self.seconds)),
            row("msgs/s", format!("{:.1}", self.msgs_per_sec)),
        ]);
        (vec![], rows)
    }
}

/// What `--dry-run` found.
#[derive(Debug, Serialize)]
pub(super) struct DryRunReport {
    pub(super) dry_run: bool,
    /// What a send would send: the valid messages, or none when an invalid one stops it
    /// (without --skip-invalid).
    pub(super) would_send: u64,
    pub(super) valid: u64,
    pub(super) batches: u64,
    pub(super) invalid: u64,
    pub(super) skipped: u64,
    pub(super) queue: String,
    pub(super) invalid_messages: Vec<Problem>,
}

impl Render for DryRunReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let row = |name: &str, value: String| vec![name.to_string(), value];
        (
            vec![],
            vec![
                row("would send", self.would_send.to_string()),
                row("valid", self.valid.to_string()),
                row("batches", self.batches.to_string()),
                row("invalid", self.invalid.to_string()),
                row("skipped (--skip)", self.skipped.to_string()),
                row("queue", self.queue.clone()),
            ],
        )
    }
}
