//! Sending the traced message and following it hop by hop. Two things are asked, each at its
//! own pace: the function's log group (FilterLogEvents for the trace id, quickly at first, then
//! twice a second) until its line says the row is written, and the row itself (a SELECT by
//! primary key through the session opened before the send, every few milliseconds), so that
//! `read_back` is timed by when the row is there rather than by when the log was next asked.
//! The row is read before the line is found only when it did not already have the Name sent.
//! Once the function has refused the message on its last allowed receive (`maxReceiveCount` of
//! the queue's redrive policy), the DLQ is looked in too (received and released at once, as
//! `custctl dlq peek` does), so that a poison message ends the trace as soon as SQS has moved
//! it. At `--timeout` the trace stops and blames the stall on what `custctl status` finds.

use super::waterfall::{Hop, HopKind, Stall, TraceReport};
use super::TraceMessage;
use crate::aws;
use crate::commands::dlq::held::{Held, HOLD_SECONDS};
use crate::commands::dlq::Dlq;
use crate::commands::logs::{matching_events, LogEvent};
use crate::commands::send::queue::{queue_url, QueueTarget};
use crate::commands::sql::{DbSession, SqlError};
use crate::commands::status::gather::{attributes, parse_redrive_policy, queue_url as queue_url_of, Clients};
use crate::commands::status::report::{Finding, Severity};
use crate::commands::status::{look, StatusOptions};
use crate::config::Settings;
use crate::output;
use crate::progress::Progress;
use anyhow::{anyhow, Result};
use aws_sdk_sqs::types::{MessageAttributeValue, QueueAttributeName};
use customer_ingest::trace::{TraceId, OUTCOME_WRITTEN, TRACED_RECORD, TRACE_ATTRIBUTE};
use mysql::prelude::Queryable;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// How often the log group is asked: quickly at first (a local stack logs within
/// milliseconds), then at most twice a second. FilterLogEvents is limited to 5 requests a
/// second per account and Region, for every caller together
/// (https://repost.aws/knowledge-center/cloudwatch-logs-throttling,
/// https://docs.aws.amazon.com/general/latest/gr/cwl_region.html).
/// No jitter: one trace polls alone, and a steady pace keeps it under that quota.
fn poll_pause(round: u32) -> Duration {
    Duration::from_millis(50u64.saturating_mul(1 << round.min(4))).min(Duration::from_millis(500))
}
/// How often the DLQ is looked in once the message is due there: each look is a receive,
/// which raises the receive count of every message it sees.
const DLQ_EVERY: Duration = Duration::from_secs(1);
/// The DLQ's messages looked at for the traced one.
const DLQ_LOOK_AT: usize = 100;
/// How far before the send the log group is read: the function's clock may be behind ours.
const CLOCK_SLACK_MS: i64 = 60_000;
/// The window of the function's metrics that a stall is blamed on.
const FINDINGS_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Findings that keep a message from being taken, most telling first.
const NOT_TAKEN: &[&str] = &[
    "mapping-disabled",
    "no-mapping",
    "queue-not-mapped",
    "mapping-failing",
    "function-not-active",
    "function-update-failed",
    "function-errors",
    "function-throttled",
    "mapping-changing",
    "function-pending",
    "oldest-message-too-old",
];
/// Findings that explain a batch the function could not write.
const NOT_WRITTEN: &[&str] = &["database-not-available", "database-unreadable", "function-errors"];

/// The epoch ms now, by custctl's clock.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// One `traced record` line of the function.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TracedLine {
    /// When the line was logged (the log event's timestamp).
    logged_ms: i64,
    request_id: Option<String>,
    cold_start: Option<bool>,
    receive_count: Option<u64>,
    queue_ms: Option<i64>,
    function_ms: i64,
    outcome: String,
    reason: Option<String>,
}

impl TracedLine {
    /// The line of `event` if it is a `traced record` line of `trace_id`.
    fn of(event: &LogEvent, trace_id: &TraceId) -> Option<TracedLine> {
        let fields: serde_json::Value = serde_json::from_str(event.message.trim()).ok()?;
        if fields["message"] != TRACED_RECORD || fields["trace_id"] != trace_id.as_str() {
            return None;
        }
        let text = |name: &str| fields[name].as_str().map(str::to_string);
        Some(TracedLine {
            logged_ms: event.timestamp,
            request_id: text("request_id"),
            cold_start: fields["cold_start"].as_bool(),
            receive_count: fields["receive_count"].as_u64(),
            queue_ms: fields["queue_ms"].as_i64(),
            function_ms: fields["function_ms"].as_i64().unwrap_or(0),
            outcome: text("outcome").unwrap_or_default(),
            reason: text("reason"),
        })
    }

    fn written(&self) -> bool {
        self.outcome == OUTCOME_WRITTEN
    }
}

/// The queue's dead-letter queue and how many receives lead there.
#[derive(Debug, Clone)]
struct Redrive {
    dlq: Dlq,
    max_receive_count: u32,
}

/// The trace as it goes: the hops seen, and what the next round needs to know.
struct Following<'a> {
    clients: &'a Clients,
    settings: &'a Settings,
    message: &'a TraceMessage,
    trace_id: TraceId,
    message_id: String,
    started_ms: i64,
    log_group: String,
    hops: Vec<Hop>,
    lines_seen: usize,
    last_line: Option<TracedLine>,
    written: bool,
    /// When the row was first read with the Name sent (custctl's clock).
    row_seen_ms: Option<i64>,
    /// Whether the row may be read before the function's line is found: it did not have the
    /// Name sent before the send, so seeing that Name means this message was written.
    early_reads: bool,
    /// Why the last look at the logs or the row failed, for the stall's cause.
    log_error: Option<String>,
    row_problem: Option<String>,
    redrive: Option<Redrive>,
    last_dlq_look: Option<Instant>,
}

impl Following<'_> {
    /// Appends a hop, timing it from the hop before and from the start.
    fn push(&mut self, mut hop: Hop) {
        let previous = self.hops.last().map_or(self.started_ms, |h| h.at_ms);
        hop.latency_ms = hop.at_ms - previous;
        hop.since_start_ms = hop.at_ms - self.started_ms;
        self.hops.push(hop);
    }

    fn last_hop(&self) -> HopKind {
        self.hops.last().map_or(HopKind::Sent, |h| h.hop)
    }

    /// Reads the trace id's lines and adds the hops of those not seen yet.
    async fn read_logs(&mut self) {
        // The id is letters, digits and dashes: safe inside a quoted term.
        let pattern = format!("\"{}\"", self.trace_id);
        let events = match matching_events(
            &self.clients.logs,
            &self.log_group,
            &pattern,
            self.started_ms - CLOCK_SLACK_MS,
        )
        .await
        {
            Ok(events) => events,
            // A group that does not exist yet (no invocation so far), a blip: the next round
            // asks again, and a stall says what the last answer was.
            Err(error) => {
                self.log_error = Some(format!("{error:#}"));
                return;
            }
        };
        self.log_error = None;
        let mut lines: Vec<TracedLine> = events
            .iter()
            .filter_map(|e| TracedLine::of(e, &self.trace_id))
            .collect();
        lines.sort_by_key(|l| l.logged_ms);
        for line in lines.into_iter().skip(self.lines_seen) {
            self.lines_seen += 1;
            let mut taken = Hop::at(HopKind::Taken, line.logged_ms - line.function_ms);
            taken.request_id = line.request_id.clone();
            taken.cold_start = line.cold_start;
            taken.receive_count = line.receive_count;
            taken.queue_ms = line.queue_ms;
            taken.outcome = Some(line.outcome.clone());
            taken.reason = line.reason.clone();
            self.push(taken);
            if line.written() {
                self.push(Hop::at(HopKind::Written, line.logged_ms));
                self.written = true;
            }
            self.last_line = Some(line);
            if self.written {
                break;
            }
        }
    }

    /// Reads the row; notes when it first has the Name sent.
    fn read_row(&mut self, session: &mut DbSession) {
        let Some(expected) = &self.message.expected else {
            return;
        };
        let id = expected.id.get();
        match name_in_row(session, id) {
            Ok(Some(name)) if name == expected.name.as_str() => self.row_seen_ms = Some(now_ms()),
            Ok(Some(name)) => {
                self.row_problem = Some(format!(
                "the row CustID {id} has the Name \"{name}\", not the one sent (a later message may have overwritten it)"
            ))
            }
            Ok(None) => self.row_problem = Some(format!("no row CustID {id} in {}", session.identifier())),
            Err(error) => self.row_problem = Some(error),
        }
    }

    /// Whether the row is to be read this round: not seen yet, and either written or known to
    /// change when this message is written.
    fn reads_rows(&self) -> bool {
        self.row_seen_ms.is_none() && (self.written || self.early_reads)
    }

    /// Adds `read_back` once the row was read and the function's `written` line found. The row
    /// can be read before the line is logged (the function logs after its commit): it then
    /// counts as read back with the write, not before it.
    fn reached_read_back(&mut self) -> bool {
        let (true, Some(seen_ms), Some(expected)) = (self.written, self.row_seen_ms, &self.message.expected) else {
            return false;
        };
        let written_ms = self.hops.last().map_or(seen_ms, |h| h.at_ms);
        let mut hop = Hop::at(HopKind::ReadBack, seen_ms.max(written_ms));
        hop.row = Some(expected.clone());
        self.push(hop);
        true
    }

    /// Whether the function has refused the message on its last allowed receive, so that SQS
    /// moves it to the DLQ on the next one.
    fn due_in_dlq(&self) -> bool {
        match (&self.last_line, &self.redrive) {
            (Some(line), Some(redrive)) => {
                !line.written()
                    && line
                        .receive_count
                        .is_some_and(|n| n >= u64::from(redrive.max_receive_count))
            }
            _ => false,
        }
    }

    /// Looks in the DLQ for the message (received and made visible again at once); adds the
    /// `dlq` hop when it is there.
    async fn look_in_dlq(&mut self) -> Result<bool> {
        let Some(redrive) = self.redrive.clone() else {
            return Ok(false);
        };
        self.last_dlq_look = Some(Instant::now());
        let mut held = Held::new(self.clients, &redrive.dlq, HOLD_SECONDS);
        let received = held.receive(DLQ_LOOK_AT).await;
        // Released even when a later receive failed: what was taken goes back at once.
        held.release().await;
        let messages = received?;
        let found = messages
            .iter()
            .any(|m| m.message_id() == Some(self.message_id.as_str()));
        if found {
            let mut hop = Hop::at(HopKind::Dlq, now_ms());
            hop.message_id = Some(self.message_id.clone());
            hop.queue = Some(redrive.dlq.name.clone());
            self.push(hop);
        }
        Ok(found)
    }

    /// Why the trace stalled where it did.
    async fn stall(&mut self, named_queue: Option<String>, timed_out: bool) -> Stall {
        let in_dlq = match self.last_hop() {
            HopKind::Dlq => true,
            // At the timeout, a look: a function that crashes before it logs leaves no line, and
            // its message still ends in the DLQ.
            _ if timed_out && !self.written => self.look_in_dlq().await.unwrap_or(false),
            _ => false,
        };
        let options = StatusOptions {
            watch: None,
            since: "15m".into(),
            window: FINDINGS_WINDOW,
            max_message_age: FINDINGS_WINDOW,
        };
        let (findings, status_error) = match look(self.clients, self.settings, named_queue, &options).await {
            Ok(report) => (
                report
                    .findings
                    .into_iter()
                    .filter(|f| f.severity != Severity::Info)
                    .collect::<Vec<Finding>>(),
                None,
            ),
            Err(error) => (Vec::new(), Some(format!("{error:#}"))),
        };
        let first = |codes: &[&str]| {
            codes
                .iter()
                .find_map(|code| findings.iter().find(|f| f.code == *code))
                .map(|f| format!("{} (fix: {})", f.message, f.fix))
        };
        let waited = format!("in {} s", self.hops.last().map_or(0, |h| h.since_start_ms) / 1000);
        let cause = if in_dlq {
            let dlq = self
                .redrive
                .as_ref()
                .map_or("the DLQ".to_string(), |r| r.dlq.name.clone());
            let reason = self
                .last_line
                .as_ref()
                .and_then(|l| l.reason.clone())
                .unwrap_or_else(|| {
                    "no reason logged (it failed with its whole batch, or the function ended before it logged)".into()
                });
            format!("message in the DLQ {dlq}: {reason} (custctl dlq peek shows it)")
        } else if self.written {
            format!(
                "written by the function but not read back: {}",
                self.row_problem.as_deref().unwrap_or("the row was not read")
            )
        } else if let (Some(_), None) = (self.row_seen_ms, &self.last_line) {
            format!(
                "the row was read back, but the function logged no traced record for it {waited}: {}",
                self.log_error
                    .as_deref()
                    .unwrap_or("a function older than custctl trace logs none (deploy the current customer-ingest)")
            )
        } else if let Some(line) = &self.last_line {
            let reason = line.reason.as_deref().unwrap_or("no reason logged");
            let receives = match (&self.redrive, line.receive_count) {
                (Some(r), Some(n)) => format!(
                    " (receive {n} of {}; SQS moves it to {} after {} receives)",
                    r.max_receive_count, r.dlq.name, r.max_receive_count
                ),
                (None, _) => " (the queue has no DLQ: it is delivered again until its retention period ends)".into(),
                _ => String::new(),
            };
            match line.outcome.as_str() {
                "rejected" => format!("the function rejected it: {reason}{receives}"),
                _ => match first(NOT_WRITTEN) {
                    Some(finding) => format!("function failing: {reason}; {finding}"),
                    None => format!("function failing: it could not write the batch: {reason}{receives}"),
                },
            }
        } else {
            match (first(NOT_TAKEN), &self.log_error) {
                (Some(finding), _) => format!("not taken by the function: {finding}"),
                (None, Some(error)) => {
                    format!("no traced record found {waited}: the function's log group could not be read: {error}")
                }
                (None, None) => format!(
                    "not taken by the function {waited}, and custctl status finds nothing that explains it: the \
                     message may wait behind others (custctl status shows the queue), or the function's logs may be late"
                ),
            }
        };
        let cause = match status_error {
            Some(error) => format!("{cause} (custctl status could not look: {error})"),
            None => cause,
        };
        Stall {
            last_hop: self.last_hop(),
            cause,
            findings,
        }
    }
}

/// How often the row is read while the message is young: a SELECT by primary key is cheap,
/// and it is what says when the row is there; after the first seconds, less often.
fn row_pause(since_send: Duration) -> Duration {
    if since_send < Duration::from_secs(2) {
        Duration::from_millis(5)
    } else {
        Duration::from_millis(50)
    }
}

/// The Name of row `id`, if there is one.
fn name_in_row(session: &mut DbSession, id: i32) -> Result<Option<String>, String> {
    // The trace's one blocking call, on a worker that may block (the runtime is
    // multi-threaded); the session is this task's alone.
    tokio::task::block_in_place(|| {
        session
            .conn
            .exec_first::<String, _, _>("SELECT Name FROM Customer WHERE CustID = ?", (id,))
    })
    .or_else(|error| match &error {
        // Before the function's first write there is no table: no row either.
        mysql::Error::MySqlError(e) if e.code == ER_NO_SUCH_TABLE => Ok(None),
        _ => Err(format!("SELECT on {}: {}", session.identifier(), SqlError(error))),
    })
}

/// MySQL's "Table doesn't exist".
const ER_NO_SUCH_TABLE: u16 = 1146;

/// The queue's redrive policy, when it has a readable one, with its DLQ's URL.
async fn redrive(clients: &Clients, url: &str) -> Option<Redrive> {
    let attributes = attributes(clients, url).await.ok()?;
    let policy = parse_redrive_policy(attributes.get(&QueueAttributeName::RedrivePolicy)?)?;
    let arn = policy.dead_letter_target_arn;
    let url = queue_url_of(clients, &arn).await.ok()?;
    Some(Redrive {
        dlq: Dlq {
            name: arn.rsplit(':').next().unwrap_or(&arn).to_string(),
            url,
            arn,
        },
        max_receive_count: policy.max_receive_count,
    })
}

/// Sends the message with its trace attribute; the message id SQS gave it.
async fn send(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
    queue: &QueueTarget,
    body: &str,
    trace_id: &TraceId,
) -> Result<String> {
    let attribute = MessageAttributeValue::builder()
        .data_type("String")
        .string_value(trace_id.as_str())
        .build()?;
    let mut request = sqs
        .send_message()
        .queue_url(url)
        .message_body(body)
        .message_attributes(TRACE_ATTRIBUTE, attribute);
    if queue.is_fifo() {
        // Its own group, so it waits behind nobody's; deduplicated by nothing but itself.
        request = request
            .message_group_id("custctl-trace")
            .message_deduplication_id(trace_id.as_str());
    }
    let answer = request
        .send()
        .await
        .map_err(|e| anyhow!("SendMessage to {}: {}", queue.name, aws::describe_sdk_error(&e)))?;
    answer
        .message_id
        .ok_or_else(|| anyhow!("SendMessage to {} answered without a message id", queue.name))
}

/// Sends `message` and follows it until it is read back, is in the DLQ, or `timeout` passes.
pub async fn trace(
    settings: &Settings,
    named_queue: Option<String>,
    message: &TraceMessage,
    timeout: Duration,
    mut session: Option<DbSession>,
) -> Result<ExitCode> {
    let config = aws::sdk_config(settings).await?;
    aws::require_region(&config)?;
    let clients = Clients::new(&config);
    let queue = QueueTarget::parse(&settings.queue);
    let url = queue_url(&clients.sqs, &queue, &settings.cite_queue()).await?;
    let redrive = redrive(&clients, &url).await;
    let trace_id = TraceId::new(&uuid::Uuid::new_v4().to_string()).expect("a UUID is a trace id");
    let progress = Progress::spinner(settings.quiet, &format!("trace {trace_id}: sending to {}", queue.name));

    // Whether the row already has the Name: then only a read after the function's line says
    // this message wrote it.
    let early_reads = match (&mut session, &message.expected) {
        (Some(session), Some(expected)) => {
            name_in_row(session, expected.id.get())
                .map_err(|e| anyhow!("{e}"))?
                .as_deref()
                != Some(expected.name.as_str())
        }
        _ => false,
    };
    let started_ms = now_ms();
    let started = Instant::now();
    let deadline = started + timeout;
    let message_id = send(&clients.sqs, &url, &queue, &message.body, &trace_id).await?;
    let mut following = Following {
        clients: &clients,
        settings,
        message,
        trace_id,
        message_id: message_id.clone(),
        started_ms,
        log_group: format!("/aws/lambda/{}", settings.function),
        hops: Vec::new(),
        lines_seen: 0,
        last_line: None,
        written: false,
        row_seen_ms: None,
        early_reads,
        log_error: None,
        row_problem: None,
        redrive,
        last_dlq_look: None,
    };
    let mut sent = Hop::at(HopKind::Sent, now_ms());
    sent.message_id = Some(message_id.clone());
    following.push(sent);

    let mut next_log_read = Instant::now();
    let mut log_round = 0;
    let stall = loop {
        if !following.written && Instant::now() >= next_log_read {
            progress.set_message(format!(
                "trace {}: {}, waiting for the function",
                following.trace_id,
                following.last_hop().as_str()
            ));
            following.read_logs().await;
            next_log_read = Instant::now() + poll_pause(log_round);
            log_round += 1;
        }
        match &mut session {
            Some(session) if following.reads_rows() => following.read_row(session),
            // No row to compare with (a body the schema here refuses, yet the function, with
            // another version of the schema, wrote it): it did land.
            None if following.written => break None,
            _ => {}
        }
        if following.reached_read_back() {
            break None;
        }
        let dlq_look_due = following.last_dlq_look.is_none_or(|at| at.elapsed() >= DLQ_EVERY);
        if following.due_in_dlq() && dlq_look_due && following.look_in_dlq().await.unwrap_or(false) {
            break Some(following.stall(named_queue.clone(), false).await);
        }
        let now = Instant::now();
        if now >= deadline {
            progress.set_message(format!("trace {}: timed out, finding the cause", following.trace_id));
            break Some(following.stall(named_queue.clone(), true).await);
        }
        let until_logs = if following.written {
            Duration::MAX
        } else {
            next_log_read.saturating_duration_since(now)
        };
        let pause = if session.is_some() && following.reads_rows() {
            until_logs.min(row_pause(started.elapsed()))
        } else {
            until_logs
        };
        tokio::time::sleep(pause.min(deadline - now)).await;
    };
    progress.clear();

    let report = TraceReport {
        trace_id: following.trace_id.to_string(),
        message_id,
        queue: queue.name.clone(),
        body: message.body.clone(),
        complete: stall.is_none(),
        total_ms: following.hops.last().map_or(0, |h| h.since_start_ms),
        hops: following.hops,
        stall,
    };
    output::print(settings.output, &report)?;
    Ok(if report.complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(message: &str) -> LogEvent {
        LogEvent {
            group: "/aws/lambda/customer-ingest".into(),
            stream: "s".into(),
            timestamp: 1_000,
            ingestion_time: 1_001,
            message: message.into(),
            event_id: None,
        }
    }

    #[test]
    fn only_the_traced_record_lines_of_this_trace_are_read() {
        let id = TraceId::new("t-1").unwrap();
        let line = r#"{"level":"INFO","message":"traced record","message_id":"m","trace_id":"t-1","receive_count":2,"queue_ms":40,"function_ms":7,"outcome":"rejected","reason":"missing field \"Name\"","request_id":"r-1","cold_start":false}"#;
        assert_eq!(
            TracedLine::of(&event(line), &id),
            Some(TracedLine {
                logged_ms: 1_000,
                request_id: Some("r-1".into()),
                cold_start: Some(false),
                receive_count: Some(2),
                queue_ms: Some(40),
                function_ms: 7,
                outcome: "rejected".into(),
                reason: Some("missing field \"Name\"".into()),
            })
        );
        // Another trace's line, a line that names the id in passing, a line that is not JSON.
        assert_eq!(TracedLine::of(&event(&line.replace("t-1", "t-2")), &id), None);
        assert_eq!(
            TracedLine::of(&event(r#"{"message":"record rejected","reason":"t-1"}"#), &id),
            None
        );
        assert_eq!(TracedLine::of(&event("START RequestId: t-1"), &id), None);
    }

    #[test]
    fn polls_speed_down_to_twice_a_second() {
        let pauses: Vec<u128> = (0..6).map(|round| poll_pause(round).as_millis()).collect();
        assert_eq!(pauses, [50, 100, 200, 400, 500, 500]);
        assert_eq!(poll_pause(u32::MAX), Duration::from_millis(500));
    }
}
