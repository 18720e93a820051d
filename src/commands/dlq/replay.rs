//! `custctl dlq replay [-n N] [--delete-succeeded]`: gives the dead-letter queue's messages to
//! the function once more, the way the event source mapping would, to see which of them it
//! takes now (after a fix) and why the others still fail. Up to N messages are held hidden
//! (see [`super::held`]), put in SQS events exactly as the mapping builds them (their own ids,
//! receipt handles, bodies and attributes; `eventSourceARN` the DLQ's) in batches within
//! Lambda's limits, and each event is invoked synchronously. Each message gets a verdict from
//! the answer, read as the mapping reads it. Nothing is deleted unless `--delete-succeeded`
//! says so; every message not deleted is made visible again at once.

use super::held::{message_attributes, system_attributes, Held, HOLD_SECONDS};
use super::peek::rejection;
use super::Dlq;
use crate::commands::invoke::event::{
    cust_id_cell, event_payload, field_cell, readable_fields, record, split_into_events, Answer, QueueOrigin,
    ReceivedMessage, Split, MAX_SYNC_PAYLOAD, RECORDS_PER_EVENT,
};
use crate::commands::invoke::{answer_of, invoke_failure};
use crate::commands::status::gather::Clients;
use crate::config::Settings;
use crate::output::{self, Render};
use crate::terminal::visible;
use anyhow::Result;
use aws_lambda_events::event::sqs::SqsMessage;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{InvocationType, LogType};
use aws_sdk_sqs::types::Message;
use custctl_rules::BatchVerdict;
use customer_ingest::Customer;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::process::ExitCode;

/// What came of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The function took it: the mapping would delete it.
    Succeeded,
    /// The function reported it in `batchItemFailures`, or its answer failed the whole batch.
    Failed,
    /// The invocation ended in a function error (timeout, crash, an event it could not read).
    FunctionError,
    /// No invocation carried it (too large for one, or an earlier invocation could not be made).
    NotInvoked,
}

impl Verdict {
    fn shown(self) -> &'static str {
        match self {
            Verdict::Succeeded => "succeeded",
            Verdict::Failed => "failed",
            Verdict::FunctionError => "function error",
            Verdict::NotInvoked => "not invoked",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplayedMessage {
    pub message_id: String,
    /// As far as the body could be read (`null` when it could not).
    #[serde(rename = "CustID")]
    pub cust_id: Value,
    #[serde(rename = "Name")]
    pub name: Value,
    /// The invocation (1-based) that carried it; `null` when none did.
    pub invocation: Option<usize>,
    pub verdict: Verdict,
    /// Why it did not succeed: the reason the function logged, the function error, ...
    pub reason: Option<String>,
    /// Deleted from the DLQ (only with `--delete-succeeded`, only when it succeeded).
    pub deleted: bool,
}

#[derive(Debug, Serialize)]
pub struct ReplayReport {
    pub dlq: String,
    pub function: String,
    pub invocations: usize,
    pub messages: Vec<ReplayedMessage>,
}

impl ReplayReport {
    fn all_succeeded(&self) -> bool {
        self.messages.iter().all(|m| m.verdict == Verdict::Succeeded)
    }
}

impl Render for ReplayReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = output::header(&["message id", "CustID", "Name", "verdict", "reason", "deleted"]);
        let rows = self
            .messages
            .iter()
            .map(|m| {
                vec![
                    visible(&m.message_id).into_owned(),
                    visible(&cust_id_cell(&m.cust_id)).into_owned(),
                    visible(&field_cell(&m.name)).into_owned(),
                    m.verdict.shown().to_string(),
                    m.reason.as_deref().map_or(String::new(), |r| visible(r).into_owned()),
                    if m.deleted { "yes" } else { "no" }.to_string(),
                ]
            })
            .collect();
        (header, rows)
    }

    fn line(&self) -> Option<String> {
        self.messages.is_empty().then(|| {
            format!(
                "the dead-letter queue {} is empty: nothing to replay",
                visible(&self.dlq)
            )
        })
    }
}

pub async fn replay(
    clients: &Clients,
    settings: &Settings,
    dlq: &Dlq,
    count: u32,
    delete_succeeded: bool,
) -> Result<ExitCode> {
    let mut held = Held::new(clients, dlq, HOLD_SECONDS);
    let replayed = replay_held(&mut held, clients, settings, dlq, count as usize, delete_succeeded).await;
    // Whatever happened, what was not deleted goes back at once.
    held.release().await;
    let (report, delete_problem) = replayed?;

    if !settings.quiet && !report.messages.is_empty() {
        let kept = report
            .messages
            .iter()
            .filter(|m| m.verdict == Verdict::Succeeded && !m.deleted)
            .count();
        if kept > 0 {
            eprintln!(
                "note: {kept} message(s) succeeded (the function did their work) but stay in the DLQ; \
                 replay with --delete-succeeded to delete them"
            );
        }
        eprintln!(
            "note: every message not deleted is visible in {} again (its receive count went up by one)",
            visible(&dlq.name)
        );
    }
    output::print(settings.output, &report)?;
    Ok(if report.all_succeeded() && !delete_problem {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Receives, invokes and (with `delete_succeeded`) deletes; the report, and whether a delete
/// failed. Releasing is the caller's.
async fn replay_held(
    held: &mut Held<'_>,
    clients: &Clients,
    settings: &Settings,
    dlq: &Dlq,
    count: usize,
    delete_succeeded: bool,
) -> Result<(ReplayReport, bool)> {
    let messages = held.receive(count).await?;
    let origin = QueueOrigin {
        arn: dlq.arn.clone(),
        region: dlq.arn.split(':').nth(3).unwrap_or_default().to_string(),
    };
    let records: Vec<SqsMessage> = messages.into_iter().map(|m| record(received(m), &origin)).collect();
    let order: HashMap<String, usize> = records
        .iter()
        .enumerate()
        .map(|(index, r)| (r.message_id.clone().unwrap_or_default(), index))
        .collect();
    let Split { events, too_large } = split_into_events(records, RECORDS_PER_EVENT, MAX_SYNC_PAYLOAD);

    let mut replayed: Vec<ReplayedMessage> = Vec::new();
    let mut delete_problem = false;
    let mut invocations = 0;
    // Once an invocation could not be made, the rest are not tried: the same cause would stop them.
    let mut stopped: Option<String> = None;
    for (index, event) in events.iter().enumerate() {
        if let Some(why) = &stopped {
            replayed.extend(
                event
                    .records
                    .iter()
                    .map(|r| replayed_message(r, None, Verdict::NotInvoked, Some(why.clone()))),
            );
            continue;
        }
        let ids: Vec<&str> = event.records.iter().filter_map(|r| r.message_id.as_deref()).collect();
        let request = clients
            .lambda
            .invoke()
            .function_name(&settings.function)
            .invocation_type(InvocationType::RequestResponse)
            .log_type(LogType::Tail)
            .payload(Blob::new(event_payload(event)));
        let answer = match held.during(request.send()).await {
            Ok(answer) => answer_of(&answer, &ids),
            Err(err) => {
                let error = invoke_failure(&clients.lambda, settings, None, err).await;
                if index == 0 {
                    // Nothing was invoked: the error alone says it (an unknown function is exit 2).
                    return Err(error);
                }
                let why = format!("{error:#}");
                replayed.extend(
                    event
                        .records
                        .iter()
                        .map(|r| replayed_message(r, None, Verdict::NotInvoked, Some(why.clone()))),
                );
                stopped = Some(format!(
                    "not tried after invocation {} could not be made: {why}",
                    index + 1
                ));
                continue;
            }
        };
        invocations += 1;
        if let Some(error) = &answer.function_error {
            eprintln!(
                "error: invocation {}: the function failed: {}: {}",
                index + 1,
                visible(&error.error_type),
                visible(&error.message)
            );
        }
        let verdicts = verdicts(&event.records, &answer);
        let succeeded: Vec<&str> = event
            .records
            .iter()
            .zip(&verdicts)
            .filter(|(_, (verdict, _))| *verdict == Verdict::Succeeded)
            .filter_map(|(r, _)| r.message_id.as_deref())
            .collect();
        let deleted = if delete_succeeded && !succeeded.is_empty() {
            let deleted = held.delete(&succeeded).await;
            if let Some(problem) = &deleted.problem {
                eprintln!("warning: {problem}; the messages not deleted stay in the DLQ");
                delete_problem = true;
            }
            deleted.ids
        } else {
            Default::default()
        };
        for (r, (verdict, reason)) in event.records.iter().zip(verdicts) {
            let mut message = replayed_message(r, Some(index + 1), verdict, reason);
            message.deleted = deleted.contains(&message.message_id);
            replayed.push(message);
        }
    }
    replayed.extend(too_large.iter().map(|r| {
        let reason =
            format!("its event alone would be larger than the {MAX_SYNC_PAYLOAD} bytes a synchronous invocation takes");
        replayed_message(r, None, Verdict::NotInvoked, Some(reason))
    }));
    replayed.sort_by_key(|m| order.get(&m.message_id).copied().unwrap_or(usize::MAX));
    let report = ReplayReport {
        dlq: dlq.name.clone(),
        function: settings.function.clone(),
        invocations,
        messages: replayed,
    };
    Ok((report, delete_problem))
}

/// A received SDK message as the mapping would put it in a record.
fn received(message: Message) -> ReceivedMessage {
    ReceivedMessage {
        attributes: system_attributes(&message),
        message_attributes: message_attributes(&message),
        md5_of_message_attributes: message.md5_of_message_attributes,
        message_id: message.message_id.unwrap_or_default(),
        receipt_handle: message.receipt_handle.unwrap_or_default(),
        body: message.body.unwrap_or_default(),
    }
}

fn replayed_message(
    record: &SqsMessage,
    invocation: Option<usize>,
    verdict: Verdict,
    reason: Option<String>,
) -> ReplayedMessage {
    let (cust_id, name) = record.body.as_deref().map(readable_fields).unwrap_or_default();
    ReplayedMessage {
        message_id: record.message_id.clone().unwrap_or_default(),
        cust_id,
        name,
        invocation,
        verdict,
        reason,
        deleted: false,
    }
}

/// The verdict of each of `records` under the function's `answer`, with the reason when it
/// is not a success: for a failed record, the reason the function logged (its `record
/// rejected` line in the log tail), else the shared schema's, else that the function reported it.
fn verdicts(records: &[SqsMessage], answer: &Answer) -> Vec<(Verdict, Option<String>)> {
    let logged: HashMap<String, String> = answer
        .log_tail
        .as_deref()
        .unwrap_or_default()
        .lines()
        .filter_map(rejection)
        .collect();
    records
        .iter()
        .map(|record| {
            let id = record.message_id.as_deref().unwrap_or_default();
            if let Some(error) = &answer.function_error {
                return (
                    Verdict::FunctionError,
                    Some(format!("{}: {}", error.error_type, error.message)),
                );
            }
            match &answer.verdict {
                BatchVerdict::WholeBatchFailed(why) => {
                    (Verdict::Failed, Some(format!("the whole batch failed: {why}")))
                }
                verdict if verdict.failed(id) => {
                    let reason = logged
                        .get(id)
                        .cloned()
                        .or_else(|| {
                            Customer::from_json(record.body.as_deref()?)
                                .err()
                                .map(|e| e.to_string())
                        })
                        .unwrap_or_else(|| "the function reported it in batchItemFailures".into());
                    (Verdict::Failed, Some(reason))
                }
                _ => (Verdict::Succeeded, None),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(bodies: &[(&str, &str)]) -> Vec<SqsMessage> {
        let origin = QueueOrigin {
            arn: "arn:aws:sqs:us-east-1:000000000000:customers-dlq".into(),
            region: "us-east-1".into(),
        };
        bodies
            .iter()
            .map(|(id, body)| {
                let message = ReceivedMessage {
                    message_id: id.to_string(),
                    body: body.to_string(),
                    ..ReceivedMessage::default()
                };
                record(message, &origin)
            })
            .collect()
    }

    #[test]
    fn failed_records_get_the_logged_reason_then_the_schemas() {
        let records = records(&[
            ("a", r#"{"CustID":1,"Name":"Ann"}"#),
            ("b", r#"{"CustID":"2","Name":"Bo"}"#),
            ("c", r#"{"CustID":3,"Name":"Cy"}"#),
        ]);
        let tail = "START RequestId: 1\n{\"level\":\"WARN\",\"message_id\":\"c\",\"reason\":\"too late\",\"message\":\"record rejected\"}\n";
        let encoded = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, tail);
        let answer = Answer::read(
            br#"{"batchItemFailures":[{"itemIdentifier":"b"},{"itemIdentifier":"c"}]}"#.to_vec(),
            None,
            Some(&encoded),
            &["a", "b", "c"],
        );
        assert_eq!(
            verdicts(&records, &answer),
            [
                (Verdict::Succeeded, None),
                (
                    Verdict::Failed,
                    Some(r#"CustID: expected an integer, got the string "2""#.to_string())
                ),
                (Verdict::Failed, Some("too late".to_string())),
            ]
        );
    }

    #[test]
    fn a_function_error_or_a_bad_answer_fails_every_record() {
        let records = records(&[("a", "{}"), ("b", "{}")]);
        let crashed = Answer::read(
            br#"{"errorType":"Runtime.UnmarshalError","errorMessage":"Unable to unmarshal input"}"#.to_vec(),
            Some("Unhandled"),
            None,
            &["a", "b"],
        );
        let reason = Some("Runtime.UnmarshalError: Unable to unmarshal input".to_string());
        assert_eq!(
            verdicts(&records, &crashed),
            [
                (Verdict::FunctionError, reason.clone()),
                (Verdict::FunctionError, reason)
            ]
        );
        let garbled = Answer::read(b"not json".to_vec(), None, None, &["a", "b"]);
        let whole = Some("the whole batch failed: the response is not valid JSON".to_string());
        assert_eq!(
            verdicts(&records, &garbled),
            [(Verdict::Failed, whole.clone()), (Verdict::Failed, whole)]
        );
    }
}
