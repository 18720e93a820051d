//! Messages of the dead-letter queue held hidden while custctl works on them, the one way
//! `peek`, `replay` and `export` take messages: received with a visibility timeout (so that no
//! message is met twice), kept hidden for as long as the work lasts (the holds are renewed as
//! they come due), and in the end either deleted or made visible again at once
//! (ChangeMessageVisibilityBatch with timeout 0). Only ids and receipt handles are kept here:
//! bodies are the caller's to keep or to drop. If custctl is killed, what it held comes back
//! when the hold runs out.

use super::Dlq;
use crate::aws;
use crate::commands::status::gather::{attributes, counts, Clients};
use crate::commands::status::report::QueueCounts;
use anyhow::{anyhow, Result};
use aws_lambda_events::encodings::Base64Data;
use aws_lambda_events::event::sqs::SqsMessageAttribute;
use aws_sdk_sqs::types::{
    BatchResultErrorEntry, ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, Message,
    MessageSystemAttributeName,
};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::{Duration, Instant};

/// Entries per ReceiveMessage, ChangeMessageVisibilityBatch and DeleteMessageBatch: SQS takes
/// at most 10 (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html).
const BATCH: usize = 10;

/// How long `peek` and `replay` hold a message (renewed while replay's invocations last), and
/// so how long it stays hidden if releasing it fails or custctl is killed: long enough to page
/// through the queue without meeting a message twice.
pub const HOLD_SECONDS: u32 = 30;

/// The longest visibility timeout SQS accepts, 12 hours
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
pub const MOST_HOLD_SECONDS: u32 = 43_200;

/// One held message: the newest receipt handle (only it can change or delete the message)
/// and when its hold runs out.
struct Hold {
    receipt_handle: String,
    until: Instant,
}

/// The messages custctl holds hidden in the DLQ, by message id.
pub struct Held<'a> {
    clients: &'a Clients,
    dlq: &'a Dlq,
    hold_seconds: u32,
    holds: HashMap<String, Hold>,
    /// The earliest end of a hold, so that [`Held::renew_due`] costs nothing until one is due.
    earliest: Option<Instant>,
}

/// What a delete did: the ids deleted, and why the others were not.
#[derive(Debug, Default)]
pub struct Deleted {
    pub ids: HashSet<String>,
    pub problem: Option<String>,
}

impl<'a> Held<'a> {
    /// Holds each message it receives for `hold_seconds` (at most [`MOST_HOLD_SECONDS`]).
    pub fn new(clients: &'a Clients, dlq: &'a Dlq, hold_seconds: u32) -> Held<'a> {
        Held {
            clients,
            dlq,
            hold_seconds: hold_seconds.clamp(1, MOST_HOLD_SECONDS),
            holds: HashMap::new(),
            earliest: None,
        }
    }

    /// How many messages are held.
    pub fn len(&self) -> usize {
        self.holds.len()
    }

    /// Up to `count` distinct messages; stops at the first receive that finds none.
    pub async fn receive(&mut self, count: usize) -> Result<Vec<Message>> {
        let mut messages = Vec::new();
        // Each receive takes up to 10; a few more tries for the sampling of SQS's servers.
        let most_receives = count.div_ceil(BATCH) + 3;
        for _ in 0..most_receives {
            let wanted = (count - messages.len()).min(BATCH);
            match self.receive_page(wanted).await? {
                None => break,
                Some(page) => messages.extend(page),
            }
            if messages.len() >= count {
                break;
            }
        }
        Ok(messages)
    }

    /// One ReceiveMessage of up to `wanted` (at most 10): the messages not held before, with
    /// every system and message attribute. `None` when SQS gave none: the queue is empty, or
    /// every message in it is hidden.
    pub async fn receive_page(&mut self, wanted: usize) -> Result<Option<Vec<Message>>> {
        let answer = self
            .clients
            .sqs
            .receive_message()
            .queue_url(&self.dlq.url)
            .max_number_of_messages(wanted.clamp(1, BATCH) as i32)
            .visibility_timeout(self.hold_seconds as i32)
            // Long polling asks every server, so an empty answer means an empty queue.
            .wait_time_seconds(1)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(|e| anyhow!("ReceiveMessage on {}: {}", self.dlq.name, aws::describe_sdk_error(&e)))?;
        if answer.messages().is_empty() {
            return Ok(None);
        }
        let until = Instant::now() + Duration::from_secs(self.hold_seconds.into());
        self.earliest = Some(self.earliest.map_or(until, |earliest| earliest.min(until)));
        let mut new = Vec::new();
        for message in answer.messages.unwrap_or_default() {
            let (Some(id), Some(handle)) = (message.message_id(), message.receipt_handle()) else {
                continue;
            };
            // A standard queue may deliver a message twice: the newer handle is the one that works.
            let hold = Hold {
                receipt_handle: handle.to_string(),
                until,
            };
            if self.holds.insert(id.to_string(), hold).is_none() {
                new.push(message);
            }
        }
        Ok(Some(new))
    }

    /// Holds again, for a whole hold, every message whose hold ends within half of one.
    pub async fn renew_due(&mut self) -> Result<()> {
        let soon = Instant::now() + Duration::from_secs((self.hold_seconds / 2).into());
        if self.earliest.is_none_or(|earliest| earliest > soon) {
            return Ok(());
        }
        let due: Vec<(String, String)> = self
            .holds
            .iter()
            .filter(|(_, hold)| hold.until <= soon)
            .map(|(id, hold)| (id.clone(), hold.receipt_handle.clone()))
            .collect();
        let until = Instant::now() + Duration::from_secs(self.hold_seconds.into());
        let failed = self.change_visibility(&due, self.hold_seconds as i32).await;
        // Those that failed are not tried again: their handle no longer works.
        for (id, _) in &due {
            if let Some(hold) = self.holds.get_mut(id) {
                hold.until = until;
            }
        }
        self.earliest = self.holds.values().map(|hold| hold.until).min();
        if !failed.is_empty() {
            return Err(anyhow!(
                "{} message(s) of {} could not be held longer: they may be received by another consumer",
                failed.len(),
                self.dlq.name
            ));
        }
        Ok(())
    }

    /// Runs `work` (an invocation, say), renewing the holds as they come due meanwhile, so
    /// that work longer than a hold does not let the messages go.
    pub async fn during<F: Future>(&mut self, work: F) -> F::Output {
        let mut work = std::pin::pin!(work);
        let tick = Duration::from_secs((self.hold_seconds / 4).max(1).into());
        loop {
            tokio::select! {
                output = &mut work => return output,
                () = tokio::time::sleep(tick) => {
                    if let Err(error) = self.renew_due().await {
                        eprintln!("warning: {error:#}");
                    }
                }
            }
        }
    }

    /// Deletes the held messages of `ids` (DeleteMessageBatch); those it could not delete
    /// stay held, to be released.
    pub async fn delete(&mut self, ids: &[&str]) -> Deleted {
        let held: Vec<(String, String)> = ids
            .iter()
            .filter_map(|id| Some((id.to_string(), self.holds.get(*id)?.receipt_handle.clone())))
            .collect();
        let outcome = self.in_batches(&held, BatchCall::Delete).await;
        for id in &outcome.done {
            self.holds.remove(id);
        }
        Deleted {
            ids: outcome.done,
            problem: outcome.problem,
        }
    }

    /// Makes every message still held visible again at once; says on stderr which could not
    /// be (they come back when their hold runs out).
    pub async fn release(self) {
        let all: Vec<(String, String)> = self
            .holds
            .iter()
            .map(|(id, hold)| (id.clone(), hold.receipt_handle.clone()))
            .collect();
        let failed = self.change_visibility(&all, 0).await;
        if !failed.is_empty() {
            eprintln!(
                "warning: {} message(s) could not be made visible again; they stay hidden for up to {} s",
                failed.len(),
                self.hold_seconds
            );
        }
    }

    /// Sets the visibility timeout of `messages` (id, receipt handle); the ids it failed for.
    async fn change_visibility(&self, messages: &[(String, String)], seconds: i32) -> HashSet<String> {
        self.in_batches(messages, BatchCall::SetVisibility(seconds))
            .await
            .failed
    }

    /// Makes `call` on `messages` (id, receipt handle), ten at a time: the ids it was done
    /// for, those it failed for, and the first reason.
    async fn in_batches(&self, messages: &[(String, String)], call: BatchCall) -> BatchOutcome {
        let mut outcome = BatchOutcome::default();
        for chunk in messages.chunks(BATCH) {
            // Each entry's id is its index in the chunk, which the answer gives back.
            let entries = chunk
                .iter()
                .enumerate()
                .map(|(index, (_, handle))| (index.to_string(), handle.as_str()))
                .collect();
            let message_id = |entry: &str| Some(chunk.get(entry.parse::<usize>().ok()?)?.0.clone());
            let mut problem = |why: &str| {
                outcome
                    .problem
                    .get_or_insert_with(|| format!("{} on {}: {why}", call.name(), self.dlq.name));
            };
            match self.batch(call, entries).await {
                Ok((done, failed)) => {
                    for (entry, why) in &failed {
                        problem(why);
                        outcome.failed.extend(message_id(entry));
                    }
                    outcome.done.extend(done.iter().filter_map(|entry| message_id(entry)));
                }
                Err(why) => {
                    problem(&why);
                    outcome.failed.extend(chunk.iter().map(|(id, _)| id.clone()));
                }
            }
        }
        outcome
    }

    /// One call of up to ten `entries` (entry id, receipt handle): the entry ids done, and
    /// those that failed with why; the reason when the call itself failed.
    async fn batch(
        &self,
        call: BatchCall,
        entries: Vec<(String, &str)>,
    ) -> Result<(Vec<String>, Vec<(String, String)>), String> {
        let sqs = &self.clients.sqs;
        let url = &self.dlq.url;
        match call {
            BatchCall::Delete => {
                let entries = entries.into_iter().filter_map(|(id, handle)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(id)
                        .receipt_handle(handle)
                        .build()
                        .ok()
                });
                let sent = sqs
                    .delete_message_batch()
                    .queue_url(url)
                    .set_entries(Some(entries.collect()))
                    .send()
                    .await;
                let answer = sent.map_err(|e| aws::describe_sdk_error(&e))?;
                Ok(answered(answer.successful().iter().map(|e| e.id()), answer.failed()))
            }
            BatchCall::SetVisibility(seconds) => {
                let entry = ChangeMessageVisibilityBatchRequestEntry::builder().visibility_timeout(seconds);
                let entries = entries
                    .into_iter()
                    .filter_map(|(id, handle)| entry.clone().id(id).receipt_handle(handle).build().ok());
                let request = sqs.change_message_visibility_batch().queue_url(url);
                let sent = request.set_entries(Some(entries.collect())).send().await;
                let answer = sent.map_err(|e| aws::describe_sdk_error(&e))?;
                Ok(answered(answer.successful().iter().map(|e| e.id()), answer.failed()))
            }
        }
    }
}

/// The two batch calls on held messages.
#[derive(Debug, Clone, Copy)]
enum BatchCall {
    Delete,
    SetVisibility(i32),
}

impl BatchCall {
    fn name(self) -> &'static str {
        match self {
            BatchCall::Delete => "DeleteMessageBatch",
            BatchCall::SetVisibility(_) => "ChangeMessageVisibilityBatch",
        }
    }
}

#[derive(Debug, Default)]
struct BatchOutcome {
    done: HashSet<String>,
    failed: HashSet<String>,
    problem: Option<String>,
}

/// A batch answer's entry ids that were done, and those that failed with `Code: message`.
fn answered<'e>(
    successful: impl Iterator<Item = &'e str>,
    failed: &[BatchResultErrorEntry],
) -> (Vec<String>, Vec<(String, String)>) {
    let why = |e: &BatchResultErrorEntry| match e.message() {
        Some(message) => format!("{}: {message}", e.code()),
        None => e.code().to_string(),
    };
    (
        successful.map(str::to_string).collect(),
        failed.iter().map(|e| (e.id().to_string(), why(e))).collect(),
    )
}

/// The DLQ's message counts (ApproximateNumberOfMessages, ...NotVisible, ...Delayed), if SQS says.
pub async fn queue_counts(clients: &Clients, dlq: &Dlq) -> Option<QueueCounts> {
    let attributes = attributes(clients, &dlq.url).await.ok()?;
    Some(counts(&attributes))
}

/// SentTimestamp, in epoch milliseconds.
pub fn sent_ms(message: &Message) -> Option<i64> {
    system_attribute(message, MessageSystemAttributeName::SentTimestamp)?
        .parse()
        .ok()
}

/// ApproximateReceiveCount (this receive included).
pub fn receive_count(message: &Message) -> Option<u64> {
    system_attribute(message, MessageSystemAttributeName::ApproximateReceiveCount)?
        .parse()
        .ok()
}

fn system_attribute(message: &Message, name: MessageSystemAttributeName) -> Option<&str> {
    message.attributes()?.get(&name).map(String::as_str)
}

/// The system attributes (SentTimestamp, SenderId, ...) by their names.
pub fn system_attributes(message: &Message) -> HashMap<String, String> {
    message
        .attributes()
        .map(|attributes| {
            attributes
                .iter()
                .map(|(name, value)| (name.as_str().to_string(), value.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The message attributes, in the shape Lambda's SQS event gives them.
pub fn message_attributes(message: &Message) -> HashMap<String, SqsMessageAttribute> {
    let Some(attributes) = message.message_attributes() else {
        return HashMap::new();
    };
    attributes
        .iter()
        .map(|(name, value)| {
            let mut attribute = SqsMessageAttribute::default();
            attribute.data_type = Some(value.data_type().to_string());
            attribute.string_value = value.string_value().map(str::to_string);
            attribute.binary_value = value.binary_value().map(|b| base64_data(b.as_ref()));
            attribute.string_list_values = value.string_list_values().to_vec();
            attribute.binary_list_values = value
                .binary_list_values()
                .iter()
                .map(|b| base64_data(b.as_ref()))
                .collect();
            (name.clone(), attribute)
        })
        .collect()
}

/// `bytes` as the event types hold binary values (a type only its crate can build whole).
fn base64_data(bytes: &[u8]) -> Base64Data {
    let mut data = Base64Data::default();
    *data = bytes.to_vec();
    data
}
