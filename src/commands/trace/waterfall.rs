//! What `custctl trace` found: each hop the message made, with when it happened and how long it
//! took since the hop before, and, when the message stalled, where and the likely cause. These
//! types are the `--output json` document (fields are added, never renamed or removed); the
//! table draws the hops as a waterfall.

use crate::commands::logs::times::instant;
use crate::commands::status::report::Finding;
use crate::output::{self, Render, Section};
use crate::terminal::visible;
use customer_ingest::Customer;
use serde::Serialize;

/// One hop of the message's way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopKind {
    /// SendMessage answered with the message id.
    Sent,
    /// An invocation took it (one hop per delivery) and logged its `traced record` line.
    Taken,
    /// The function wrote its row.
    Written,
    /// The row, read back through the database connection `custctl sql` uses, has the Name sent.
    ReadBack,
    /// SQS moved it to the dead-letter queue.
    Dlq,
}

impl HopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::Sent => "sent",
            HopKind::Taken => "taken",
            HopKind::Written => "written",
            HopKind::ReadBack => "read_back",
            HopKind::Dlq => "dlq",
        }
    }
}

/// A hop and what is known about it; a field that does not apply to the hop is `null`.
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    pub hop: HopKind,
    /// When it happened (RFC 3339, UTC, ms): custctl's clock for `sent`, `read_back` and `dlq`,
    /// the function's (its log line's) for `taken` and `written`.
    pub at: String,
    #[serde(skip)]
    pub at_ms: i64,
    /// Since the hop before (for `sent`: SendMessage's round trip).
    pub latency_ms: i64,
    /// Since custctl called SendMessage.
    pub since_start_ms: i64,
    /// `sent`, `dlq`: SQS's message id.
    pub message_id: Option<String>,
    /// `taken`: the invocation's request id, whether it was its instance's first, the
    /// delivery's ApproximateReceiveCount, and the time from SentTimestamp to the invocation.
    pub request_id: Option<String>,
    pub cold_start: Option<bool>,
    pub receive_count: Option<u64>,
    pub queue_ms: Option<i64>,
    /// `taken`: `written`, `rejected` or `batch failed`, with the reason the function logged.
    pub outcome: Option<String>,
    pub reason: Option<String>,
    /// `read_back`: the row as read; `dlq`: the dead-letter queue's name.
    pub row: Option<Customer>,
    pub queue: Option<String>,
}

impl Hop {
    /// A hop with nothing known but its kind and time.
    pub fn at(hop: HopKind, at_ms: i64) -> Hop {
        Hop {
            hop,
            at: instant(at_ms),
            at_ms,
            latency_ms: 0,
            since_start_ms: 0,
            message_id: None,
            request_id: None,
            cold_start: None,
            receive_count: None,
            queue_ms: None,
            outcome: None,
            reason: None,
            row: None,
            queue: None,
        }
    }

    /// What the table's detail column says.
    fn detail(&self) -> String {
        match self.hop {
            HopKind::Sent => format!("message {}", self.message_id.as_deref().unwrap_or("-")),
            HopKind::Taken => {
                let mut parts = vec![format!(
                    "request {}{}",
                    visible(self.request_id.as_deref().unwrap_or("-")),
                    if self.cold_start == Some(true) {
                        " (cold start)"
                    } else {
                        ""
                    }
                )];
                if let Some(count) = self.receive_count {
                    parts.push(format!("receive {count}"));
                }
                if let Some(ms) = self.queue_ms {
                    parts.push(format!("{ms} ms in the queue"));
                }
                let outcome = self.outcome.as_deref().unwrap_or("-");
                parts.push(match &self.reason {
                    Some(reason) => format!("{}: {}", visible(outcome), visible(reason)),
                    None => visible(outcome).into_owned(),
                });
                parts.join(", ")
            }
            HopKind::Written => format!("{} ms in the function", self.latency_ms),
            HopKind::ReadBack => match &self.row {
                Some(row) => format!("CustID {}, Name {}", row.id, visible(row.name.as_str())),
                None => "-".into(),
            },
            HopKind::Dlq => format!("in {}", visible(self.queue.as_deref().unwrap_or("the DLQ"))),
        }
    }
}

/// Where a trace that did not reach its last hop stopped, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Stall {
    /// The last hop seen.
    pub last_hop: HopKind,
    /// The likely cause, in words, with the fix when one is known.
    pub cause: String,
    /// `custctl status`'s error and warning findings at the end of the trace.
    pub findings: Vec<Finding>,
}

/// The whole trace: the `--output json` document.
#[derive(Debug, Clone, Serialize)]
pub struct TraceReport {
    /// The value of the message's `custctl-trace` attribute, in the function's `traced record` lines.
    pub trace_id: String,
    pub message_id: String,
    pub queue: String,
    pub body: String,
    /// Every hop through `read_back` was seen (the exit code is then 0).
    pub complete: bool,
    /// From SendMessage to the last hop seen.
    pub total_ms: i64,
    pub hops: Vec<Hop>,
    /// `null` when complete.
    pub stall: Option<Stall>,
}

/// The waterfall column's width, in characters.
const BAR_WIDTH: i64 = 24;

/// A hop's span on the waterfall: dots up to where it starts, a bar to where it ends (at least
/// one block, so that a hop of 0 ms still shows).
fn bar(start_ms: i64, end_ms: i64, total_ms: i64) -> String {
    if total_ms <= 0 {
        return "█".into();
    }
    let column = |ms: i64| (ms.clamp(0, total_ms) * BAR_WIDTH) / total_ms;
    let start = column(start_ms).min(BAR_WIDTH - 1);
    let end = column(end_ms).max(start + 1);
    format!("{}{}", "·".repeat(start as usize), "█".repeat((end - start) as usize))
}

impl Render for TraceReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = output::header(&["hop", "at", "latency", "since start", "waterfall", "detail"]);
        let total = self.hops.iter().map(|h| h.since_start_ms).max().unwrap_or(0);
        let mut start = 0;
        let rows = self
            .hops
            .iter()
            .map(|hop| {
                let row = vec![
                    hop.hop.as_str().to_string(),
                    hop.at.clone(),
                    format!("{} ms", hop.latency_ms),
                    format!("{} ms", hop.since_start_ms),
                    bar(start, hop.since_start_ms, total),
                    hop.detail(),
                ];
                start = hop.since_start_ms;
                row
            })
            .collect();
        (header, rows)
    }

    fn sections(&self) -> Vec<Section> {
        let (header, rows) = self.rows();
        let mut sections = vec![Section {
            title: format!("trace {} of message {}", self.trace_id, visible(&self.message_id)),
            header,
            rows,
        }];
        match &self.stall {
            None => sections.push(Section {
                title: format!("complete: sent to read back in {} ms", self.total_ms),
                ..Section::default()
            }),
            Some(stall) => {
                sections.push(Section {
                    title: format!("stalled after {}: {}", stall.last_hop.as_str(), visible(&stall.cause)),
                    ..Section::default()
                });
                if !stall.findings.is_empty() {
                    sections.push(Section {
                        title: "custctl status finds:".into(),
                        header: output::header(&["severity", "code", "message", "fix"]),
                        rows: stall
                            .findings
                            .iter()
                            .map(|f| {
                                vec![
                                    f.severity.as_str().to_string(),
                                    f.code.to_string(),
                                    visible(&f.message).into_owned(),
                                    visible(&f.fix).into_owned(),
                                ]
                            })
                            .collect(),
                    });
                }
            }
        }
        sections
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_show_where_each_hop_starts_and_ends() {
        assert_eq!(bar(0, 12, 48), "██████");
        assert_eq!(bar(12, 48, 48), "······██████████████████");
        // A hop of no time at the very end still has its block.
        assert_eq!(bar(48, 48, 48).chars().count(), 24);
        assert!(bar(48, 48, 48).ends_with('█'));
        assert_eq!(bar(0, 0, 0), "█");
        // Skewed clocks can put a hop before the one before it: never a negative width.
        assert_eq!(bar(30, 10, 48).chars().filter(|&c| c == '█').count(), 1);
    }

    #[test]
    fn texts_from_outside_are_escaped_in_the_table() {
        let mut taken = Hop::at(HopKind::Taken, 0);
        taken.request_id = Some("r\u{1b}[2J".into());
        taken.outcome = Some("rejected".into());
        taken.reason = Some("Name: bad\nline".into());
        let detail = taken.detail();
        assert!(detail.contains("r\\x1B[2J"), "{detail}");
        assert!(detail.contains("bad\\nline"), "{detail}");
        assert!(!detail.contains('\u{1b}'));
    }
}
