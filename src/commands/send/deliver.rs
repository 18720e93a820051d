//! The sending pass: planned batches dispatched `--concurrency` at a time, entries retried
//! with backoff until SQS takes them or refuses them for good, Ctrl-C honoured after the
//! batches in flight, and the `--skip N` that resumes exactly where the settled prefix ends.

use super::check::{Check, ProblemList};
use super::plan::{plan_batches, Batch};
use super::queue::{queue_url, require_content_deduplication, QueueTarget};
use super::report::{SendReport, SentMessage};
use super::{input_error, plural, DedupId, SendOptions, BACKOFF, EXIT_INTERRUPTED, LISTED_FAILURES, MAX_ATTEMPTS};
use crate::aws;
use crate::cli::OutputFormat;
use crate::config::Settings;
use crate::output;
use crate::progress::Progress;
use crate::source::{Source, SourceError};
use anyhow::{Context, Result};
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use std::collections::BTreeMap;
use std::ops::Range;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Which source positions are settled (every message accepted, failed for good, or left out
/// as invalid): a prefix, plus batches that finished ahead of a slower one.
#[derive(Debug)]
pub(super) struct Settled {
    pub(super) prefix_end: u64,
    /// start -> (end, messages accepted) of batches settled past the prefix.
    pub(super) ahead: BTreeMap<u64, (u64, u64)>,
}

impl Settled {
    pub(super) fn from(start: u64) -> Settled {
        Settled {
            prefix_end: start,
            ahead: BTreeMap::new(),
        }
    }

    pub(super) fn settle(&mut self, positions: Range<u64>, accepted: u64) {
        self.ahead.insert(positions.start, (positions.end, accepted));
        while let Some((end, _)) = self.ahead.remove(&self.prefix_end) {
            self.prefix_end = end;
        }
    }

    /// Messages accepted past the prefix: a resume from the prefix would send them again.
    pub(super) fn accepted_ahead(&self) -> u64 {
        self.ahead.values().map(|(_, accepted)| accepted).sum()
    }
}

/// What every batch is sent with.
pub(super) struct BatchRequest {
    pub(super) client: aws_sdk_sqs::Client,
    pub(super) queue_url: String,
    pub(super) group_id: Option<String>,
    pub(super) delay_seconds: Option<i32>,
}

/// How one batch ended.
pub(super) struct BatchOutcome {
    pub(super) positions: Range<u64>,
    pub(super) entries: u64,
    pub(super) accepted: u64,
    pub(super) first_message_id: Option<String>,
    pub(super) failures: ProblemList,
    /// An error that will fail every batch (no such queue, no permission): stop sending.
    pub(super) fatal: Option<String>,
}

/// Sends one batch until every entry is accepted or has failed for good. Entries SQS
/// accepted are dropped from the retries, so none is ever sent twice by custctl.
pub(super) async fn send_batch(request: Arc<BatchRequest>, batch: Batch) -> BatchOutcome {
    let mut outcome = BatchOutcome {
        positions: batch.positions.clone(),
        entries: batch.entries.len() as u64,
        accepted: 0,
        first_message_id: None,
        failures: ProblemList::new(LISTED_FAILURES),
        fatal: None,
    };
    let mut pending: Vec<usize> = (0..batch.entries.len()).collect();
    for attempt in 1..=MAX_ATTEMPTS {
        let last = attempt == MAX_ATTEMPTS;
        let entries = pending
            .iter()
            .map(|&index| {
                let entry = &batch.entries[index];
                SendMessageBatchRequestEntry::builder()
                    .id(index.to_string())
                    .message_body(entry.body.clone())
                    .set_delay_seconds(request.delay_seconds)
                    .set_message_group_id(request.group_id.clone())
                    .set_message_deduplication_id(entry.dedup_id.clone())
                    .build()
            })
            .collect::<Result<Vec<_>, _>>();
        let entries = match entries {
            Ok(entries) => entries,
            Err(err) => {
                for &index in &pending {
                    outcome.failures.push(&batch.entries[index].location, err.to_string());
                }
                return outcome;
            }
        };
        let call = request
            .client
            .send_message_batch()
            .queue_url(&request.queue_url)
            .set_entries(Some(entries))
            .send()
            .await;
        match call {
            Ok(answer) => {
                let mut retry = Vec::new();
                let mut answered = vec![false; batch.entries.len()];
                for accepted in answer.successful() {
                    let Some(index) = entry_index(accepted.id(), &batch) else {
                        continue;
                    };
                    answered[index] = true;
                    outcome.accepted += 1;
                    if outcome.first_message_id.is_none() {
                        outcome.first_message_id = Some(accepted.message_id().to_string());
                    }
                }
                for failed in answer.failed() {
                    let Some(index) = entry_index(failed.id(), &batch) else {
                        continue;
                    };
                    answered[index] = true;
                    let reason = format!("{}: {}", failed.code(), failed.message().unwrap_or("(no message)"));
                    if failed.sender_fault() || last {
                        outcome.failures.push(&batch.entries[index].location, reason);
                    } else {
                        retry.push(index);
                    }
                }
                // An entry the answer does not mention was not taken: try it again.
                for &index in &pending {
                    if !answered[index] {
                        if last {
                            let reason = "SQS did not answer for this entry".to_string();
                            outcome.failures.push(&batch.entries[index].location, reason);
                        } else {
                            retry.push(index);
                        }
                    }
                }
                pending = retry;
            }
            Err(err) => {
                let retryable = is_retryable(&err);
                if !retryable || last {
                    let reason = aws::describe_sdk_error(&err);
                    for &index in &pending {
                        outcome.failures.push(&batch.entries[index].location, reason.clone());
                    }
                    if !retryable {
                        outcome.fatal = Some(reason);
                    }
                    return outcome;
                }
            }
        }
        if pending.is_empty() {
            break;
        }
        tokio::time::sleep(BACKOFF.delay(attempt)).await;
    }
    outcome
}

pub(super) fn entry_index(id: &str, batch: &Batch) -> Option<usize> {
    id.parse::<usize>().ok().filter(|&index| index < batch.entries.len())
}

/// Throttling, server errors and lost connections pass; anything else (no such queue, no
/// permission, a malformed request) would fail again the same way.
pub(super) fn is_retryable<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> bool {
    match err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
        SdkError::ServiceError(_) => {
            matches!(
                err.code(),
                Some(
                    "RequestThrottled"
                        | "ThrottlingException"
                        | "Throttling"
                        | "KmsThrottled"
                        | "ServiceUnavailable"
                        | "InternalError"
                        | "InternalFailure"
                        | "AWS.SimpleQueueService.ServiceUnavailable"
                )
            ) || http_status(err).is_some_and(|status| status == 429 || status >= 500)
        }
        _ => false,
    }
}

pub(super) fn http_status<E>(err: &SdkError<E, HttpResponse>) -> Option<u16> {
    match err {
        SdkError::ServiceError(context) => Some(context.raw().status().as_u16()),
        _ => None,
    }
}

/// Why the sending pass stopped before the end of the source.
pub(super) enum Stop {
    Interrupted,
    Fatal(String),
    Source(SourceError),
}

/// What the sending pass did.
pub(super) struct Delivery {
    pub(super) sent: u64,
    pub(super) failures: ProblemList,
    pub(super) first_message_id: Option<String>,
    pub(super) settled: Settled,
    pub(super) stop: Option<Stop>,
    pub(super) everything_dispatched: bool,
}

/// The second pass: dispatches the planned batches in order, `concurrency` at a time.
pub(super) async fn dispatch(
    mut batches: mpsc::Receiver<Result<Batch, SourceError>>,
    request: Arc<BatchRequest>,
    concurrency: usize,
    skip: u64,
    progress: &Progress,
) -> Result<Delivery> {
    let mut interrupts =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).context("listening for Ctrl-C")?;
    let mut delivery = Delivery {
        sent: 0,
        failures: ProblemList::new(LISTED_FAILURES),
        first_message_id: None,
        settled: Settled::from(skip),
        stop: None,
        everything_dispatched: false,
    };
    let mut in_flight: JoinSet<BatchOutcome> = JoinSet::new();
    let mut messages_in_flight = 0u64;
    let mut dispatching = true;
    while dispatching || !in_flight.is_empty() {
        tokio::select! {
            biased;
            _ = interrupts.recv() => {
                if delivery.stop.is_some() {
                    force_stop(&delivery.settled, in_flight.len(), messages_in_flight, progress);
                }
                progress.note(&format!(
                    "custctl: interrupted; waiting for {} batch{} in flight (Ctrl-C again to stop at once)",
                    in_flight.len(),
                    if in_flight.len() == 1 { "" } else { "es" }
                ));
                delivery.stop = Some(Stop::Interrupted);
                dispatching = false;
            }
            Some(joined) = in_flight.join_next(), if !in_flight.is_empty() => {
                let outcome = joined.context("a sending task failed")?;
                messages_in_flight -= outcome.entries;
                delivery.sent += outcome.accepted;
                progress.inc(outcome.entries);
                if delivery.first_message_id.is_none() {
                    delivery.first_message_id = outcome.first_message_id;
                }
                delivery.settled.settle(outcome.positions, outcome.accepted);
                delivery.failures.extend(outcome.failures);
                if let Some(reason) = outcome.fatal {
                    if delivery.stop.is_none() {
                        delivery.stop = Some(Stop::Fatal(reason));
                    }
                    dispatching = false;
                }
            }
            batch = batches.recv(), if dispatching && in_flight.len() < concurrency => match batch {
                Some(Ok(batch)) if batch.entries.is_empty() => delivery.settled.settle(batch.positions, 0),
                Some(Ok(batch)) => {
                    messages_in_flight += batch.entries.len() as u64;
                    in_flight.spawn(send_batch(request.clone(), batch));
                }
                Some(Err(err)) => {
                    delivery.stop = Some(Stop::Source(err));
                    dispatching = false;
                }
                None => {
                    delivery.everything_dispatched = true;
                    dispatching = false;
                }
            },
        }
    }
    Ok(delivery)
}

/// A second Ctrl-C: leave now, saying what is known and what is not.
pub(super) fn force_stop(settled: &Settled, batches: usize, messages: u64, progress: &Progress) -> ! {
    progress.clear();
    let again = messages + settled.accepted_ahead();
    eprintln!(
        "custctl: stopped without waiting for {batches} batch{} in flight ({messages} message{}), which SQS may or may not have taken.\n\
         custctl: the first {} messages of the source are settled; resuming with --skip {} may send up to {again} message{} a second time.",
        if batches == 1 { "" } else { "es" },
        plural(messages),
        settled.prefix_end,
        settled.prefix_end,
        plural(again),
    );
    std::process::exit(i32::from(EXIT_INTERRUPTED));
}

pub(super) async fn deliver(
    settings: &Settings,
    options: &SendOptions,
    queue: &QueueTarget,
    mut source: Source,
    check: Check,
) -> Result<ExitCode> {
    if check.to_send == 0 {
        let report = SendReport::new(0, ProblemList::new(0), &check, Duration::ZERO, None);
        output::print(settings.output, &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let config = aws::sdk_config(settings).await?;
    aws::require_region(&config)?;
    let client = aws_sdk_sqs::Client::new(&config);
    let queue_url = queue_url(&client, queue, &settings.cite_queue()).await?;
    if queue.is_fifo() && options.dedup_id.is_none() {
        require_content_deduplication(&client, &queue_url, &queue.name).await?;
    }
    let messages = source.messages().map_err(input_error)?;
    // FIFO order within a group holds only if one batch of it is sent at a time.
    let concurrency = if queue.is_fifo() { 1 } else { options.concurrency };
    let (planned, batches) = mpsc::channel(concurrency);
    let (skip, dedup_id) = (options.skip, options.dedup_id.clone());
    std::thread::Builder::new()
        .name("send-plan".into())
        .spawn(move || plan_batches(messages, skip, dedup_id, planned))
        .context("starting the reader thread")?;
    let request = Arc::new(BatchRequest {
        // send_batch retries itself: one policy, not the SDK's inside its own.
        client: aws::sqs_client_without_sdk_retries(&config),
        queue_url,
        group_id: options.group_id.clone(),
        delay_seconds: options.delay_seconds.map(|d| d as i32),
    });
    let progress = Progress::bar(settings.quiet, check.to_send, "messages");
    progress.set_message(format!("sending to {}", queue.name));
    let started = Instant::now();
    let delivery = dispatch(batches, request, concurrency, options.skip, &progress).await?;
    let elapsed = started.elapsed();
    progress.clear();

    let resume_at = match &delivery.stop {
        Some(_) if !delivery.everything_dispatched => Some(delivery.settled.prefix_end),
        _ => None,
    };
    if source.is_single() && delivery.sent == 1 && delivery.stop.is_none() {
        if let Some(message_id) = delivery.first_message_id {
            if queue.is_fifo() && !settings.quiet {
                eprintln!("note: {}", deduplication_note(options, &queue.name, 1));
            }
            output::print(
                settings.output,
                &SentMessage {
                    message_id,
                    queue: queue.name.clone(),
                },
            )?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    let failed = delivery.failures.count;
    if settings.output == OutputFormat::Table && failed > 0 {
        eprintln!(
            "custctl: {failed} message{} not sent:{}",
            plural(failed),
            delivery.failures.listing()
        );
    }
    let mut report = SendReport::new(delivery.sent, delivery.failures, &check, elapsed, resume_at);
    report.interrupted = matches!(delivery.stop, Some(Stop::Interrupted));
    if queue.is_fifo() && delivery.sent > 0 {
        report.may_be_deduplicated = Some(delivery.sent);
        if !settings.quiet {
            eprintln!("note: {}", deduplication_note(options, &queue.name, delivery.sent));
        }
    }
    output::print(settings.output, &report)?;
    if let Some(skip) = resume_at {
        eprintln!(
            "custctl: the first {skip} messages of {} are settled and no later one was sent; to resume:\n  {}",
            source.name(),
            resume_command(&options.command_line, skip)
        );
    }
    match delivery.stop {
        Some(Stop::Interrupted) => Ok(ExitCode::from(EXIT_INTERRUPTED)),
        Some(Stop::Fatal(reason)) => Err(anyhow::anyhow!("sending to {} stopped: {reason}", queue.name)),
        Some(Stop::Source(err)) => Err(anyhow::anyhow!("reading {} stopped: {err}", source.name())),
        None if failed > 0 => Ok(ExitCode::FAILURE),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// Why a FIFO send's "sent" may overstate what was delivered. SQS answers a message whose
/// deduplication id it has seen in the last 5 minutes exactly as one it keeps, and drops it:
/// "any messages sent with the same message deduplication ID are accepted successfully but
/// aren't delivered during the 5-minute deduplication interval"
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/using-messagededuplicationid-property.html),
/// and it keeps the id after the message was received and deleted. No answer tells which, so
/// the count is an upper bound, with what the ids are made of.
pub(super) fn deduplication_note(options: &SendOptions, queue: &str, sent: u64) -> String {
    let ids = match &options.dedup_id {
        Some(DedupId::Auto) => "--dedup-id auto: each message's place in the source and its body",
        Some(DedupId::Fixed(_)) => "the fixed --dedup-id",
        None => "the queue's content-based deduplication: each body",
    };
    format!(
        "{queue} is a FIFO queue: SQS answers \"sent\" for a message whose deduplication id it has seen in the \
         last 5 minutes, and does not deliver it. If this input went to {queue} less than 5 minutes ago, up to {sent} \
         of the {sent} message{} counted as sent may have been dropped as duplicates (ids from {ids}); after 5 \
         minutes the same run delivers them again",
        plural(sent)
    )
}

/// The command line that resumes after `skip` messages: the same one, with `--skip` replaced.
pub(super) fn resume_command(command_line: &[String], skip: u64) -> String {
    let mut words = vec!["custctl".to_string()];
    let mut args = command_line.iter().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--skip" {
            args.next();
        } else if !arg.starts_with("--skip=") {
            words.push(shell_quote(arg));
        }
    }
    words.push(format!("--skip {skip}"));
    words.join(" ")
}

pub(super) fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settled_prefix_grows_only_over_finished_batches() {
        let mut settled = Settled::from(5);
        settled.settle(15..25, 10);
        assert_eq!((settled.prefix_end, settled.accepted_ahead()), (5, 10));
        settled.settle(5..15, 9);
        assert_eq!((settled.prefix_end, settled.accepted_ahead()), (25, 0));
    }

    #[test]
    fn the_resume_command_replaces_skip_and_quotes_words() {
        let line: Vec<String> = [
            "/x/custctl",
            "send",
            "--skip",
            "10",
            "--file",
            "my file.ndjson",
            "--skip=3",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            resume_command(&line, 42),
            "custctl send --file 'my file.ndjson' --skip 42"
        );
    }
}
