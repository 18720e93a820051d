//! `custctl dlq peek [-n N]`: the messages in the dead-letter queue, without consuming them.
//! They are held hidden for a short while (so one peek sees each message once, see [`super::held`]),
//! then made visible again at once: nothing is deleted. Each is shown with its body, CustID and Name as the schema reads them, when it was
//! sent, how often it was received, and the reason the function logged when it rejected it
//! (its `record rejected` line, found by messageId in the function's log group).

use super::held::{receive_count, sent_ms, Held, HOLD_SECONDS};
use super::Dlq;
use crate::aws;
use crate::commands::status::gather::Clients;
use crate::config::Settings;
use crate::output::{self, Render};
use crate::terminal::visible;
use anyhow::{anyhow, Result};
use customer_ingest::schema::Customer;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::process::ExitCode;

/// Message ids per FilterLogEvents pattern (`?"id" ?"id" ...`); CloudWatch takes patterns of
/// up to 1,024 characters (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html).
const IDS_PER_PATTERN: usize = 20;
/// Log events and pages read per pattern at most: a flood of lines (or of empty pages, which
/// FilterLogEvents may give with a next token) cannot keep peek reading for ever.
const MOST_EVENTS: usize = 100_000;
const MOST_PAGES: usize = 1_000;

/// One message of the DLQ.
#[derive(Debug, Clone, Serialize)]
pub struct PeekedMessage {
    pub message_id: String,
    pub body: String,
    /// The body as the schema reads it, when it is a valid Customer message.
    pub customer: Option<Customer>,
    /// Why the schema refuses the body, when it does.
    pub schema_problem: Option<String>,
    /// SentTimestamp, RFC 3339.
    pub sent_at: Option<String>,
    pub receive_count: Option<u64>,
    /// The reason the function logged for this messageId; `null` when none was found.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct PeekReport {
    pub dlq: String,
    pub messages: Vec<PeekedMessage>,
}

impl Render for PeekReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = output::header(&[
            "message id",
            "sent",
            "receives",
            "CustID",
            "Name",
            "body",
            "reason the function logged",
        ]);
        let rows = self
            .messages
            .iter()
            .map(|m| {
                let (id, name) = match &m.customer {
                    Some(c) => (c.id.to_string(), visible(c.name.as_str()).into_owned()),
                    None => ("-".into(), "-".into()),
                };
                let body = match &m.schema_problem {
                    Some(problem) => format!("{} (invalid: {})", visible(&m.body), visible(problem)),
                    None => visible(&m.body).into_owned(),
                };
                vec![
                    visible(&m.message_id).into_owned(),
                    m.sent_at.clone().unwrap_or_else(|| "-".into()),
                    m.receive_count.map_or("-".into(), |c| c.to_string()),
                    id,
                    name,
                    body,
                    m.reason
                        .as_deref()
                        .map_or("no reason found in the window".into(), |r| visible(r).into_owned()),
                ]
            })
            .collect();
        (header, rows)
    }

    fn line(&self) -> Option<String> {
        self.messages
            .is_empty()
            .then(|| format!("the dead-letter queue {} is empty", visible(&self.dlq)))
    }
}

pub async fn peek(clients: &Clients, settings: &Settings, dlq: &Dlq, count: u32) -> Result<ExitCode> {
    let mut held = Held::new(clients, dlq, HOLD_SECONDS);
    let messages = held.receive(count as usize).await;
    // Released even when a later receive failed: what was taken goes back at once.
    held.release().await;
    let messages = messages?;

    let group = format!("/aws/lambda/{}", settings.function);
    let sent: Vec<i64> = messages.iter().filter_map(sent_ms).collect();
    let ids: Vec<&str> = messages.iter().filter_map(|m| m.message_id()).collect();
    let (reasons, note) = match sent.iter().min() {
        Some(&oldest) => match reasons(&clients.logs, &group, &ids, oldest - 60_000).await {
            Ok(reasons) => (reasons, None),
            Err(error) => (HashMap::new(), Some(format!("{error:#}"))),
        },
        None => (HashMap::new(), None),
    };
    if let Some(note) = note {
        eprintln!("warning: the reasons could not be read from {group}: {note}");
    }

    let report = PeekReport {
        dlq: dlq.name.clone(),
        messages: messages
            .iter()
            .map(|m| {
                let body = m.body().unwrap_or_default().to_string();
                let (customer, schema_problem) = match Customer::from_json(&body) {
                    Ok(customer) => (Some(customer), None),
                    Err(problem) => (None, Some(problem.to_string())),
                };
                let id = m.message_id().unwrap_or_default().to_string();
                PeekedMessage {
                    reason: reasons.get(&id).cloned(),
                    message_id: id,
                    body,
                    customer,
                    schema_problem,
                    sent_at: sent_ms(m).map(crate::commands::logs::times::instant),
                    receive_count: receive_count(m),
                }
            })
            .collect(),
    };
    if !settings.quiet && !report.messages.is_empty() {
        eprintln!(
            "note: each message was received once more to be shown (its receive count went up by one) and is visible again"
        );
    }
    output::print(settings.output, &report)?;
    Ok(ExitCode::SUCCESS)
}

/// The reason the function logged for each of `ids` since `start_ms`: the `reason` of its
/// `record rejected` line (the newest one, when it was rejected several times).
async fn reasons(
    logs: &aws_sdk_cloudwatchlogs::Client,
    group: &str,
    ids: &[&str],
    start_ms: i64,
) -> Result<HashMap<String, String>> {
    let mut reasons = HashMap::new();
    // An id is SQS's; one that could break out of the quotes of a pattern is not looked up.
    let ids: Vec<&str> = ids.iter().copied().filter(|id| !id.contains(['"', '\\'])).collect();
    for chunk in ids.chunks(IDS_PER_PATTERN) {
        let pattern = chunk
            .iter()
            .map(|id| format!("?\"{id}\""))
            .collect::<Vec<_>>()
            .join(" ");
        let wanted: HashSet<&str> = chunk.iter().copied().collect();
        let mut token: Option<String> = None;
        let mut read = 0;
        for _ in 0..MOST_PAGES {
            let page = logs
                .filter_log_events()
                .log_group_name(group)
                .filter_pattern(&pattern)
                .start_time(start_ms)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| anyhow!("FilterLogEvents: {}", aws::describe_sdk_error(&e)))?;
            for event in page.events() {
                read += 1;
                if let Some((id, reason)) = event.message().and_then(rejection) {
                    if wanted.contains(id.as_str()) {
                        // Events come oldest first: the last one kept is the newest.
                        reasons.insert(id, reason);
                    }
                }
            }
            token = page.next_token().map(str::to_string);
            if token.is_none() || read >= MOST_EVENTS {
                break;
            }
        }
    }
    Ok(reasons)
}

/// The message id and reason of one of the function's `record rejected` lines (JSON with
/// `message_id` and `reason`); `None` for any other line.
pub fn rejection(line: &str) -> Option<(String, String)> {
    let fields: serde_json::Value = serde_json::from_str(line.trim()).ok()?;
    let id = fields.get("message_id")?.as_str()?;
    let reason = fields.get("reason")?.as_str()?;
    Some((id.to_string(), reason.to_string()))
}
