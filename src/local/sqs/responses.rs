//! SQS's JSON protocol (`awsJson1_0`): each operation's input as the SDKs send it, checked for
//! what the model does not see (required members, ranges of request parameters, batch rules), and
//! its output with AWS's member names. Missing members are AWS's `MissingParameter`, never a
//! parse failure.

use super::errors::{invalid_parameter, SqsError};
use super::models::{
    check_batch_entry_ids, md5_of_message_attributes, Delivery, EpochMillis, MessageAttributeValue, MessageAttributes,
    MoveTask, OutgoingMessage, Queues, SendReceipt, ACCOUNT_ID, MAX_MESSAGE_BYTES,
};
use super::SqsService;
use crate::wire::AwsError;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// Runs one operation: `operation` is the part of `X-Amz-Target` after `AmazonSQS.`.
pub(super) async fn handle(service: &SqsService, operation: &str, input: Value) -> Result<Value, AwsError> {
    let output = match operation {
        "CreateQueue" => create_queue(service, parse(input)?),
        "GetQueueUrl" => get_queue_url(service, parse(input)?),
        "ListQueues" => list_queues(service, parse(input)?),
        "GetQueueAttributes" => get_queue_attributes(service, parse(input)?),
        "SetQueueAttributes" => set_queue_attributes(service, parse(input)?),
        "DeleteQueue" => delete_queue(service, parse(input)?),
        "PurgeQueue" => purge_queue(service, parse(input)?),
        "SendMessage" => send_message(service, parse(input)?),
        "SendMessageBatch" => send_message_batch(service, parse(input)?),
        "ReceiveMessage" => receive_message(service, parse(input)?).await,
        "DeleteMessage" => delete_message(service, parse(input)?),
        "DeleteMessageBatch" => delete_message_batch(service, parse(input)?),
        "ChangeMessageVisibility" => change_message_visibility(service, parse(input)?),
        "ChangeMessageVisibilityBatch" => change_message_visibility_batch(service, parse(input)?),
        "ListDeadLetterSourceQueues" => list_dead_letter_source_queues(service, parse(input)?),
        "StartMessageMoveTask" => start_message_move_task(service, parse(input)?),
        "ListMessageMoveTasks" => list_message_move_tasks(service, parse(input)?),
        "CancelMessageMoveTask" => cancel_message_move_task(service, parse(input)?),
        _ => return Err(AwsError::unknown_operation("SQS", operation)),
    };
    output.map_err(AwsError::from)
}

fn parse<T: DeserializeOwned>(input: Value) -> Result<T, AwsError> {
    serde_json::from_value(input).map_err(|e| {
        AwsError::client(
            "SerializationException",
            format!("the request does not match the operation's input: {e}"),
        )
    })
}

fn required<'a, T>(value: &'a Option<T>, member: &str) -> Result<&'a T, SqsError> {
    value
        .as_ref()
        .ok_or_else(|| SqsError::MissingParameter(member.to_string()))
}

/// The queue a `QueueUrl` names. Clients reach the stack as `localhost` or `127.0.0.1`, or
/// through a proxy, so only the last two path segments count: the account and the queue name.
fn queue_name(queue_url: &Option<String>) -> Result<String, SqsError> {
    let url = required(queue_url, "QueueUrl")?;
    let after_host = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => url.as_str(),
    };
    let path = after_host.split(['?', '#']).next().unwrap_or_default();
    let segments = path.split('/').filter(|s| !s.is_empty()).collect::<Vec<_>>();
    match segments.as_slice() {
        [.., account, name] if *account == ACCOUNT_ID => Ok(name.to_string()),
        [.., _, _] => Err(SqsError::QueueDoesNotExist),
        _ => Err(SqsError::InvalidAddress(url.clone())),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateQueueInput {
    queue_name: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

fn create_queue(service: &SqsService, input: CreateQueueInput) -> Result<Value, SqsError> {
    let name = required(&input.queue_name, "QueueName")?;
    service.with_model(|queues, now| queues.create_queue(name, &input.attributes, now))?;
    Ok(json!({"QueueUrl": service.queue_url(name)}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetQueueUrlInput {
    queue_name: Option<String>,
}

fn get_queue_url(service: &SqsService, input: GetQueueUrlInput) -> Result<Value, SqsError> {
    let name = required(&input.queue_name, "QueueName")?;
    if !service.with_model(|queues, _| queues.exists(name)) {
        return Err(SqsError::QueueDoesNotExist);
    }
    Ok(json!({"QueueUrl": service.queue_url(name)}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListQueuesInput {
    queue_name_prefix: Option<String>,
    next_token: Option<String>,
    max_results: Option<i64>,
}

fn list_queues(service: &SqsService, input: ListQueuesInput) -> Result<Value, SqsError> {
    let prefix = input.queue_name_prefix.unwrap_or_default();
    let (names, next_token) =
        service.with_model(|queues, _| queues.list_queues(&prefix, input.max_results, input.next_token.as_deref()))?;
    Ok(queue_url_page(service, "QueueUrls", &names, next_token))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetQueueAttributesInput {
    queue_url: Option<String>,
    #[serde(default)]
    attribute_names: Vec<String>,
}

fn get_queue_attributes(service: &SqsService, input: GetQueueAttributesInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let attributes = service.with_model(|queues, now| queues.queue_attributes(&name, &input.attribute_names, now))?;
    if attributes.is_empty() {
        return Ok(json!({}));
    }
    Ok(json!({"Attributes": attributes}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SetQueueAttributesInput {
    queue_url: Option<String>,
    attributes: Option<BTreeMap<String, String>>,
}

fn set_queue_attributes(service: &SqsService, input: SetQueueAttributesInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let attributes = required(&input.attributes, "Attributes")?;
    service.with_model(|queues, now| queues.set_queue_attributes(&name, attributes, now))?;
    // A shorter wait or delay can make a message available to a poll that is waiting.
    service.wake(&name);
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct QueueUrlInput {
    queue_url: Option<String>,
}

fn delete_queue(service: &SqsService, input: QueueUrlInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    service.with_model(|queues, _| queues.delete_queue(&name))?;
    service.forget(&name);
    Ok(json!({}))
}

fn purge_queue(service: &SqsService, input: QueueUrlInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    service.with_model(|queues, now| queues.purge_queue(&name, now))?;
    Ok(json!({}))
}

/// The members a message is sent with, in `SendMessage` and in each batch entry.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MessageInput {
    message_body: Option<String>,
    delay_seconds: Option<i64>,
    #[serde(default)]
    message_attributes: MessageAttributes,
    #[serde(default)]
    message_system_attributes: MessageAttributes,
    message_deduplication_id: Option<String>,
    message_group_id: Option<String>,
}

impl MessageInput {
    fn into_outgoing(self) -> Result<OutgoingMessage, SqsError> {
        let body = required(&self.message_body, "MessageBody")?.clone();
        let mut trace_header = None;
        for (name, value) in self.message_system_attributes {
            if name != "AWSTraceHeader" || value.data_type != "String" || value.string_value.is_none() {
                return Err(SqsError::InvalidParameterValue(format!(
                    "Message system attribute name '{name}' is invalid. The only supported one is AWSTraceHeader, \
                     of type String."
                )));
            }
            trace_header = value.string_value;
        }
        Ok(OutgoingMessage {
            body,
            delay_seconds: self.delay_seconds,
            message_attributes: self.message_attributes,
            trace_header,
            group_id: self.message_group_id,
            deduplication_id: self.message_deduplication_id,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendMessageInput {
    queue_url: Option<String>,
    #[serde(flatten)]
    message: MessageInput,
}

/// The members of a send's answer, shared by `SendMessage` and the batch's `Successful` entries.
fn send_receipt_members(receipt: SendReceipt, output: &mut Map<String, Value>) {
    output.insert("MessageId".into(), receipt.message_id.into());
    output.insert("MD5OfMessageBody".into(), receipt.md5_of_message_body.into());
    let optional = [
        ("MD5OfMessageAttributes", receipt.md5_of_message_attributes),
        ("MD5OfMessageSystemAttributes", receipt.md5_of_message_system_attributes),
        ("SequenceNumber", receipt.sequence_number),
    ];
    for (member, value) in optional {
        if let Some(value) = value {
            output.insert(member.into(), value.into());
        }
    }
}

fn send_message(service: &SqsService, input: SendMessageInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let message = input.message.into_outgoing()?;
    let receipt = service.with_model(|queues, now| queues.send(&name, message, now))?;
    let mut output = Map::new();
    send_receipt_members(receipt, &mut output);
    Ok(Value::Object(output))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendMessageBatchEntry {
    id: Option<String>,
    #[serde(flatten)]
    message: MessageInput,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendMessageBatchInput {
    queue_url: Option<String>,
    #[serde(default)]
    entries: Vec<SendMessageBatchEntry>,
}

/// Checks a batch's entry ids (which must all be present first).
fn batch_ids<'a>(
    ids: impl Iterator<Item = &'a Option<String>>,
    entry_kind: &'static str,
) -> Result<Vec<&'a str>, SqsError> {
    let ids = ids
        .map(|id| required(id, "Id").map(String::as_str))
        .collect::<Result<Vec<_>, _>>()?;
    check_batch_entry_ids(&ids, entry_kind)?;
    Ok(ids)
}

fn failed_entry(id: &str, err: &SqsError) -> Value {
    json!({"Id": id, "SenderFault": true, "Code": err.query_code(), "Message": err.to_string()})
}

fn send_message_batch(service: &SqsService, input: SendMessageBatchInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let ids = batch_ids(input.entries.iter().map(|e| &e.id), "SendMessageBatchRequestEntry")?
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let messages = input
        .entries
        .into_iter()
        .map(|entry| entry.message.into_outgoing())
        .collect::<Vec<_>>();
    let total = messages.iter().flatten().map(OutgoingMessage::size).sum::<usize>();
    if total > MAX_MESSAGE_BYTES {
        return Err(SqsError::BatchRequestTooLong(total));
    }
    // One lock for the whole batch; each entry then succeeds or fails alone.
    let outcomes = service.with_model(|queues, now| {
        if !queues.exists(&name) {
            return Err(SqsError::QueueDoesNotExist);
        }
        Ok(messages
            .into_iter()
            .map(|message| message.and_then(|m| queues.send(&name, m, now)))
            .collect::<Vec<_>>())
    })?;
    let (mut successful, mut failed) = (Vec::new(), Vec::new());
    for (id, outcome) in ids.iter().zip(outcomes) {
        match outcome {
            Ok(receipt) => {
                let mut entry = Map::from_iter([("Id".to_string(), Value::from(id.as_str()))]);
                send_receipt_members(receipt, &mut entry);
                successful.push(Value::Object(entry));
            }
            Err(err) => failed.push(failed_entry(id, &err)),
        }
    }
    Ok(json!({"Successful": successful, "Failed": failed}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ReceiveMessageInput {
    queue_url: Option<String>,
    #[serde(default)]
    attribute_names: Vec<String>,
    #[serde(default)]
    message_system_attribute_names: Vec<String>,
    #[serde(default)]
    message_attribute_names: Vec<String>,
    max_number_of_messages: Option<i64>,
    visibility_timeout: Option<i64>,
    wait_time_seconds: Option<i64>,
}

/// Whether `MessageAttributeNames` asks for `name`: `All`, `.*`, the name, or `prefix.*`.
fn message_attribute_wanted(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|pattern| {
        pattern == "All"
            || pattern == ".*"
            || pattern == name
            || pattern
                .strip_suffix(".*")
                .is_some_and(|prefix| name.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.')))
    })
}

fn render_message(delivery: Delivery, system_names: &[String], attribute_patterns: &[String]) -> Value {
    let all_system = system_names.iter().any(|n| n == "All");
    let attributes = delivery
        .system_attributes
        .into_iter()
        .filter(|(name, _)| all_system || system_names.iter().any(|n| n == name))
        .collect::<BTreeMap<_, _>>();
    let message_attributes = delivery
        .message_attributes
        .into_iter()
        .filter(|(name, _)| message_attribute_wanted(attribute_patterns, name))
        .collect::<BTreeMap<String, MessageAttributeValue>>();
    let mut output = Map::new();
    output.insert("MessageId".into(), delivery.message_id.into());
    output.insert("ReceiptHandle".into(), delivery.receipt_handle.into());
    output.insert("MD5OfBody".into(), delivery.md5_of_body.into());
    output.insert("Body".into(), delivery.body.into());
    if !attributes.is_empty() {
        output.insert("Attributes".into(), json!(attributes));
    }
    // The digest covers the attributes returned, which is what clients verify it against.
    if let Some(md5) = md5_of_message_attributes(&message_attributes) {
        output.insert("MD5OfMessageAttributes".into(), md5.into());
        output.insert("MessageAttributes".into(), json!(message_attributes));
    }
    Value::Object(output)
}

async fn receive_message(service: &SqsService, input: ReceiveMessageInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let max = match input.max_number_of_messages {
        None => 1,
        Some(n @ 1..=10) => n as usize,
        Some(n) => {
            return Err(invalid_parameter(
                "MaxNumberOfMessages",
                n,
                "Must be between 1 and 10, if provided.",
            ))
        }
    };
    let visibility = match input.visibility_timeout {
        None => None,
        Some(v @ 0..=43_200) => Some(v as u32),
        Some(v) => {
            return Err(invalid_parameter(
                "VisibilityTimeout",
                v,
                "Must be between 0 and 43200, if provided.",
            ))
        }
    };
    let wait = match input.wait_time_seconds {
        None => service
            .with_model(|queues, _| queues.settings(&name).map(|s| s.receive_message_wait_time_seconds))
            .ok_or(SqsError::QueueDoesNotExist)?,
        Some(w @ 0..=20) => w as u32,
        Some(w) => {
            return Err(invalid_parameter(
                "WaitTimeSeconds",
                w,
                "Must be >= 0 and <= 20, if provided.",
            ))
        }
    };
    let deliveries = service
        .receive_waiting(&name, max, visibility, Duration::from_secs(u64::from(wait)))
        .await?;
    if deliveries.is_empty() {
        return Ok(json!({}));
    }
    let system_names = [input.attribute_names, input.message_system_attribute_names].concat();
    let messages = deliveries
        .into_iter()
        .map(|delivery| render_message(delivery, &system_names, &input.message_attribute_names))
        .collect::<Vec<_>>();
    Ok(json!({"Messages": messages}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeleteMessageInput {
    queue_url: Option<String>,
    receipt_handle: Option<String>,
}

fn delete_message(service: &SqsService, input: DeleteMessageInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let handle = required(&input.receipt_handle, "ReceiptHandle")?;
    service.with_model(|queues, now| queues.delete_message(&name, handle, now))?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeleteMessageBatchEntry {
    id: Option<String>,
    receipt_handle: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeleteMessageBatchInput {
    queue_url: Option<String>,
    #[serde(default)]
    entries: Vec<DeleteMessageBatchEntry>,
}

/// Applies each entry of a batch under one lock; each succeeds or fails alone. Renders
/// `{"Successful": [{"Id"}], "Failed": [..]}`.
fn apply_batch<E>(
    service: &SqsService,
    queue: &str,
    ids: &[&str],
    entries: &[E],
    apply: impl Fn(&mut Queues, &E, EpochMillis) -> Result<(), SqsError>,
) -> Result<Value, SqsError> {
    let outcomes = service.with_model(|queues, now| {
        if !queues.exists(queue) {
            return Err(SqsError::QueueDoesNotExist);
        }
        Ok(entries
            .iter()
            .map(|entry| apply(queues, entry, now))
            .collect::<Vec<_>>())
    })?;
    let (mut successful, mut failed) = (Vec::new(), Vec::new());
    for (id, outcome) in ids.iter().zip(outcomes) {
        match outcome {
            Ok(()) => successful.push(json!({"Id": id})),
            Err(err) => failed.push(failed_entry(id, &err)),
        }
    }
    Ok(json!({"Successful": successful, "Failed": failed}))
}

fn delete_message_batch(service: &SqsService, input: DeleteMessageBatchInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let ids = batch_ids(input.entries.iter().map(|e| &e.id), "DeleteMessageBatchRequestEntry")?;
    apply_batch(service, &name, &ids, &input.entries, |queues, entry, now| {
        let handle = required(&entry.receipt_handle, "ReceiptHandle")?;
        queues.delete_message(&name, handle, now)
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ChangeMessageVisibilityInput {
    queue_url: Option<String>,
    receipt_handle: Option<String>,
    visibility_timeout: Option<i64>,
}

fn change_message_visibility(service: &SqsService, input: ChangeMessageVisibilityInput) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let handle = required(&input.receipt_handle, "ReceiptHandle")?;
    let seconds = *required(&input.visibility_timeout, "VisibilityTimeout")?;
    service.with_model(|queues, now| queues.change_visibility(&name, handle, seconds, now))?;
    service.wake(&name);
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ChangeMessageVisibilityBatchEntry {
    id: Option<String>,
    receipt_handle: Option<String>,
    visibility_timeout: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ChangeMessageVisibilityBatchInput {
    queue_url: Option<String>,
    #[serde(default)]
    entries: Vec<ChangeMessageVisibilityBatchEntry>,
}

fn change_message_visibility_batch(
    service: &SqsService,
    input: ChangeMessageVisibilityBatchInput,
) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let ids = batch_ids(
        input.entries.iter().map(|e| &e.id),
        "ChangeMessageVisibilityBatchRequestEntry",
    )?;
    let output = apply_batch(service, &name, &ids, &input.entries, |queues, entry, now| {
        let handle = required(&entry.receipt_handle, "ReceiptHandle")?;
        let seconds = *required(&entry.visibility_timeout, "VisibilityTimeout")?;
        queues.change_visibility(&name, handle, seconds, now)
    })?;
    service.wake(&name);
    Ok(output)
}

/// A page of queue names as `ListQueues` and `ListDeadLetterSourceQueues` render it: the URLs
/// under `urls_member` (absent when there are none), then `NextToken`.
fn queue_url_page(service: &SqsService, urls_member: &str, names: &[String], next_token: Option<String>) -> Value {
    let mut output = Map::new();
    if !names.is_empty() {
        output.insert(
            urls_member.into(),
            names.iter().map(|name| service.queue_url(name)).collect(),
        );
    }
    if let Some(token) = next_token {
        output.insert("NextToken".into(), token.into());
    }
    Value::Object(output)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListDeadLetterSourceQueuesInput {
    queue_url: Option<String>,
    next_token: Option<String>,
    max_results: Option<i64>,
}

fn list_dead_letter_source_queues(
    service: &SqsService,
    input: ListDeadLetterSourceQueuesInput,
) -> Result<Value, SqsError> {
    let name = queue_name(&input.queue_url)?;
    let (names, next_token) = service.with_model(|queues, _| {
        queues.list_dead_letter_source_queues(&name, input.max_results, input.next_token.as_deref())
    })?;
    // The model spells this member `queueUrls`, unlike ListQueues' `QueueUrls`.
    Ok(queue_url_page(service, "queueUrls", &names, next_token))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartMessageMoveTaskInput {
    source_arn: Option<String>,
    destination_arn: Option<String>,
    max_number_of_messages_per_second: Option<i64>,
}

fn start_message_move_task(service: &SqsService, input: StartMessageMoveTaskInput) -> Result<Value, SqsError> {
    let source = required(&input.source_arn, "SourceArn")?;
    let handle = service.start_move_task(
        source,
        input.destination_arn.as_deref().filter(|arn| !arn.is_empty()),
        input.max_number_of_messages_per_second,
    )?;
    Ok(json!({"TaskHandle": handle}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListMessageMoveTasksInput {
    source_arn: Option<String>,
    max_results: Option<i64>,
}

/// One task as `ListMessageMoveTasks` shows it: `TaskHandle` only while it runs,
/// `DestinationArn` and `MaxNumberOfMessagesPerSecond` only when they were given, and
/// `FailureReason` only when it failed (ListMessageMoveTasksResultEntry, API reference).
fn render_task(task: &MoveTask) -> Value {
    let mut entry = Map::new();
    if task.status == super::MoveTaskStatus::Running {
        entry.insert("TaskHandle".into(), task.handle.clone().into());
    }
    entry.insert("Status".into(), task.status.as_str().into());
    entry.insert("SourceArn".into(), task.source_arn.clone().into());
    if let Some(destination) = &task.destination_arn {
        entry.insert("DestinationArn".into(), destination.clone().into());
    }
    if let Some(rate) = task.max_messages_per_second {
        entry.insert("MaxNumberOfMessagesPerSecond".into(), rate.into());
    }
    entry.insert("ApproximateNumberOfMessagesMoved".into(), task.moved.into());
    entry.insert("ApproximateNumberOfMessagesToMove".into(), task.to_move.into());
    if let Some(reason) = &task.failure_reason {
        entry.insert("FailureReason".into(), reason.clone().into());
    }
    entry.insert("StartedTimestamp".into(), task.started_at.into());
    Value::Object(entry)
}

fn list_message_move_tasks(service: &SqsService, input: ListMessageMoveTasksInput) -> Result<Value, SqsError> {
    let source = required(&input.source_arn, "SourceArn")?;
    let tasks = service.with_model(|queues, _| queues.list_move_tasks(source, input.max_results))?;
    Ok(json!({"Results": tasks.iter().map(render_task).collect::<Vec<_>>()}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CancelMessageMoveTaskInput {
    task_handle: Option<String>,
}

fn cancel_message_move_task(service: &SqsService, input: CancelMessageMoveTaskInput) -> Result<Value, SqsError> {
    let handle = required(&input.task_handle, "TaskHandle")?;
    let moved = service.with_model(|queues, _| queues.cancel_move_task(handle))?;
    Ok(json!({"ApproximateNumberOfMessagesMoved": moved}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Option<String> {
        Some(text.to_string())
    }

    #[test]
    fn queue_urls_match_on_account_and_name_whatever_the_host() {
        for text in [
            "http://127.0.0.1:4566/000000000000/orders",
            "http://localhost:4566/000000000000/orders",
            "https://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/orders?x=1",
            "/000000000000/orders",
        ] {
            assert_eq!(queue_name(&url(text)).unwrap(), "orders", "{text}");
        }
        assert_eq!(
            queue_name(&url("http://127.0.0.1:4566/123456789012/orders")),
            Err(SqsError::QueueDoesNotExist)
        );
        assert_eq!(
            queue_name(&url("orders")),
            Err(SqsError::InvalidAddress("orders".into()))
        );
        assert_eq!(queue_name(&None), Err(SqsError::MissingParameter("QueueUrl".into())));
    }

    #[test]
    fn message_attribute_names_select_like_aws() {
        let patterns = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(message_attribute_wanted(&patterns(&["All"]), "x"));
        assert!(message_attribute_wanted(&patterns(&[".*"]), "x"));
        assert!(message_attribute_wanted(&patterns(&["bar.*"]), "bar.baz"));
        assert!(!message_attribute_wanted(&patterns(&["bar.*"]), "barbaz"));
        assert!(message_attribute_wanted(&patterns(&["x"]), "x"));
        assert!(!message_attribute_wanted(&patterns(&[]), "x"));
    }
}
