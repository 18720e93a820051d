//! `custctl dlq peek [-n N]`: the messages in the dead-letter queue, without consuming them.
//! They are received with a short visibility timeout (so one peek sees each message once),
//! then made visible again at once with ChangeMessageVisibilityBatch (timeout 0): nothing is
//! deleted. Each is shown with its body, CustID and Name as the schema reads them, when it was
//! sent, how often it was received, and the reason the function logged when it rejected it
//! (its `record rejected` line, found by messageId in the function's log group).

use super::Dlq;
use crate::aws;
use crate::commands::status::gather::Clients;
use crate::config::Settings;
use crate::output::{self, Render};
use crate::terminal::visible;
use anyhow::{anyhow, Result};
use aws_sdk_sqs::types::{ChangeMessageVisibilityBatchRequestEntry, Message, MessageSystemAttributeName};
use customer_ingest::schema::Customer;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::process::ExitCode;

/// How long a peeked message stays hidden if releasing it fails (or custctl is killed): long
/// enough for one peek to page through the queue without meeting a message twice.
const HOLD_SECONDS: i32 = 30;
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
        let header = [
            "message id",
            "sent",
            "receives",
            "CustID",
            "Name",
            "body",
            "reason the function logged",
        ]
        .map(String::from)
        .to_vec();
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
    let received = receive(clients, dlq, count as usize).await;
    // Released even when a later receive failed: what was taken goes back at once.
    let released = release(clients, dlq, &received.messages).await;
    let messages = received.result?;
    if let Err(error) = released {
        eprintln!("warning: {error:#}; those messages stay hidden for up to {HOLD_SECONDS} s");
    }

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
                    receive_count: m
                        .attributes()
                        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                        .and_then(|c| c.parse().ok()),
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

fn sent_ms(message: &Message) -> Option<i64> {
    message
        .attributes()?
        .get(&MessageSystemAttributeName::SentTimestamp)?
        .parse()
        .ok()
}

/// What the receives took (to release, whatever happened) and how they ended.
pub(crate) struct Received {
    pub(crate) messages: Vec<Message>,
    pub(crate) result: Result<Vec<Message>>,
}

/// Up to `count` distinct messages; stops at the first receive that finds none.
pub(crate) async fn receive(clients: &Clients, dlq: &Dlq, count: usize) -> Received {
    let mut messages: Vec<Message> = Vec::new();
    let mut seen = HashSet::new();
    // Each receive takes up to 10; a few more tries for the sampling of SQS's servers.
    let most_receives = count.div_ceil(10) + 3;
    for _ in 0..most_receives {
        let wanted = (count - messages.len()).min(10) as i32;
        let answer = clients
            .sqs
            .receive_message()
            .queue_url(&dlq.url)
            .max_number_of_messages(wanted)
            .visibility_timeout(HOLD_SECONDS)
            // Long polling asks every server, so an empty answer means an empty queue.
            .wait_time_seconds(1)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await;
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) => {
                let error = anyhow!("ReceiveMessage on {}: {}", dlq.name, aws::describe_sdk_error(&e));
                return Received {
                    messages,
                    result: Err(error),
                };
            }
        };
        if answer.messages().is_empty() {
            break;
        }
        for message in answer.messages() {
            if seen.insert(message.message_id().unwrap_or_default().to_string()) {
                messages.push(message.clone());
            }
        }
        if messages.len() >= count {
            break;
        }
    }
    Received {
        result: Ok(messages.clone()),
        messages,
    }
}

/// Makes every peeked message visible again at once.
pub(crate) async fn release(clients: &Clients, dlq: &Dlq, messages: &[Message]) -> Result<()> {
    let mut failed = 0;
    for chunk in messages.chunks(10) {
        let entries: Vec<ChangeMessageVisibilityBatchRequestEntry> = chunk
            .iter()
            .enumerate()
            .filter_map(|(index, m)| {
                ChangeMessageVisibilityBatchRequestEntry::builder()
                    .id(index.to_string())
                    .receipt_handle(m.receipt_handle()?)
                    .visibility_timeout(0)
                    .build()
                    .ok()
            })
            .collect();
        match clients
            .sqs
            .change_message_visibility_batch()
            .queue_url(&dlq.url)
            .set_entries(Some(entries))
            .send()
            .await
        {
            Ok(answer) => failed += answer.failed().len(),
            Err(_) => failed += chunk.len(),
        }
    }
    if failed > 0 {
        return Err(anyhow!("{failed} message(s) could not be made visible again"));
    }
    Ok(())
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
                let Some(fields) = event
                    .message()
                    .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok())
                else {
                    continue;
                };
                let id = fields.get("message_id").and_then(|v| v.as_str());
                let reason = fields.get("reason").and_then(|v| v.as_str());
                if let (Some(id), Some(reason)) = (id, reason) {
                    if wanted.contains(id) {
                        // Events come oldest first: the last one kept is the newest.
                        reasons.insert(id.to_string(), reason.to_string());
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
