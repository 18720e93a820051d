//! `custctl send`: puts Customer messages on the queue.
//!
//! Two passes over the source. The first checks every message against the shared schema and
//! SQS's body rules and sends nothing, so that one bad line stops the run before the first
//! send (or, with `--skip-invalid`, is reported and left out). The second sends with
//! SendMessageBatch, `--concurrency` batches in flight, retrying entries that SQS says may be
//! retried, with exponential backoff and full jitter; an entry SQS accepted is never sent
//! again. Batches are dispatched in source order and Ctrl-C lets the dispatched ones finish,
//! so what was sent is always a prefix of the source, and the `--skip N` printed to resume
//! sends each message exactly once.

use super::InputError;
use crate::aws;
use crate::cli::{GlobalArgs, OutputFormat, SendArgs};
use crate::config::Settings;
use crate::output::{self, Render};
use crate::progress::Progress;
use crate::source::{Location, Message, Messages, Source, SourceError, SourceSpec};
use anyhow::{Context, Result};
use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sqs::types::{QueueAttributeName, SendMessageBatchRequestEntry};
use aws_smithy_runtime_api::http::Response as HttpResponse;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ops::Range;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// SendMessageBatch takes at most 10 entries...
pub const MAX_BATCH_ENTRIES: usize = 10;
/// ...of at most 262,144 bytes together, which is also the most one message may have.
pub const MAX_BATCH_BYTES: usize = 262_144;
/// Invalid messages and failures listed by name; the rest are counted.
const LISTED_INVALID: usize = 20;
const LISTED_FAILURES: usize = 1000;
/// Attempts per batch entry (each SDK call also retries transient errors on its own).
const MAX_ATTEMPTS: u32 = 6;
const BACKOFF_BASE: Duration = Duration::from_millis(100);
const BACKOFF_CAP: Duration = Duration::from_secs(5);
/// The exit code after Ctrl-C, as shells report a process ended by SIGINT.
pub const EXIT_INTERRUPTED: u8 = 130;

/// How FIFO deduplication ids are chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DedupId {
    /// A hash of each message's location and body: stable across re-runs of the same input.
    Auto,
    /// One id, for a single message.
    Fixed(String),
}

impl DedupId {
    fn for_message(&self, message: &Message) -> String {
        match self {
            DedupId::Fixed(id) => id.clone(),
            DedupId::Auto => {
                let mut hash = Sha256::new();
                hash.update(message.location.to_string().as_bytes());
                hash.update(b"\n");
                hash.update(message.body.as_bytes());
                hex::encode(hash.finalize())
            }
        }
    }
}

/// `custctl send`'s options, with no clap types in them.
#[derive(Debug, Clone)]
pub struct SendOptions {
    pub source: SourceSpec,
    pub dry_run: bool,
    pub skip_invalid: bool,
    pub skip: u64,
    pub concurrency: usize,
    pub group_id: Option<String>,
    pub dedup_id: Option<DedupId>,
    pub delay_seconds: Option<u32>,
    /// The command line as typed, to print the command that resumes an interrupted run.
    pub command_line: Vec<String>,
}

impl SendOptions {
    pub fn from_args(args: &SendArgs) -> SendOptions {
        SendOptions {
            source: args.source.spec(),
            dry_run: args.dry_run,
            skip_invalid: args.skip_invalid,
            skip: args.skip,
            concurrency: args.concurrency as usize,
            group_id: args.group_id.clone(),
            dedup_id: args.dedup_id.as_ref().map(|id| match id.as_str() {
                "auto" => DedupId::Auto,
                fixed => DedupId::Fixed(fixed.to_string()),
            }),
            delay_seconds: args.delay_seconds,
            command_line: std::env::args().collect(),
        }
    }
}

pub fn run(global: &GlobalArgs, args: &SendArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(global)?;
    send(&settings, SendOptions::from_args(args))
}

/// The queue as given with `--queue`: a name, or a URL whose last segment is the name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct QueueTarget {
    name: String,
    url: Option<String>,
}

impl QueueTarget {
    fn parse(queue: &str) -> QueueTarget {
        if queue.starts_with("https://") || queue.starts_with("http://") {
            let name = queue.trim_end_matches('/').rsplit('/').next().unwrap_or(queue);
            QueueTarget {
                name: name.to_string(),
                url: Some(queue.to_string()),
            }
        } else {
            QueueTarget {
                name: queue.to_string(),
                url: None,
            }
        }
    }

    fn is_fifo(&self) -> bool {
        self.name.ends_with(".fifo")
    }
}

/// Sends (or, with `--dry-run`, only checks) the messages of `options.source`.
pub fn send(settings: &Settings, options: SendOptions) -> Result<ExitCode> {
    let queue = QueueTarget::parse(&settings.queue);
    check_flags(&queue, &options)?;
    let mut source = Source::open(options.source.clone()).map_err(input_error)?;
    let check = check_messages(&mut source, &options, settings.quiet)?;
    if check.invalid.count > 0 && !options.skip_invalid {
        return Err(InputError(format!(
            "{} invalid message{} in {}; nothing was sent (fix {}, or pass --skip-invalid to send the valid ones):{}",
            check.invalid.count,
            plural(check.invalid.count),
            source.name(),
            if check.invalid.count == 1 { "it" } else { "them" },
            check.invalid.listing()
        ))
        .into());
    }
    if let Some(DedupId::Fixed(id)) = &options.dedup_id {
        if check.to_send > 1 {
            return Err(InputError(format!(
                "--dedup-id {id}: a fixed id fits one message, and {} has {}; use --dedup-id auto",
                source.name(),
                check.to_send
            ))
            .into());
        }
    }
    if options.skip_invalid && check.invalid.count > 0 && settings.output == OutputFormat::Table && !settings.quiet {
        eprintln!(
            "custctl: leaving out {} invalid message{}:{}",
            check.invalid.count,
            plural(check.invalid.count),
            check.invalid.listing()
        );
    }
    if options.dry_run {
        let report = DryRunReport {
            dry_run: true,
            would_send: check.to_send,
            batches: check.batches,
            invalid: check.invalid.count,
            skipped: options.skip,
            queue: queue.name.clone(),
            invalid_messages: check.invalid.listed.clone(),
        };
        output::print(settings.output, &report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(deliver(settings, &options, &queue, source, check))
}

/// Flags that contradict the queue's type, refused before anything is read.
fn check_flags(queue: &QueueTarget, options: &SendOptions) -> Result<(), InputError> {
    if queue.is_fifo() {
        if options.group_id.is_none() {
            return Err(InputError(format!(
                "{} is a FIFO queue: pass --group-id G (SQS needs a MessageGroupId on every message)",
                queue.name
            )));
        }
        if options.delay_seconds.is_some() {
            return Err(InputError(format!(
                "--delay-seconds: {} is a FIFO queue, and FIFO queues take no per-message delay (set DelaySeconds on the queue)",
                queue.name
            )));
        }
    } else if options.dedup_id.is_some() {
        return Err(InputError(format!(
            "--dedup-id: {} is a standard queue; only FIFO queues (names ending in .fifo) deduplicate",
            queue.name
        )));
    }
    let fifo_ids = [
        ("--group-id", options.group_id.as_deref()),
        (
            "--dedup-id",
            match &options.dedup_id {
                Some(DedupId::Fixed(id)) => Some(id.as_str()),
                _ => None,
            },
        ),
    ];
    for (flag, id) in fifo_ids {
        if let Some(id) = id {
            // SQS's rule for both ids: 1 to 128 characters, alphanumeric or punctuation.
            if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(InputError(format!(
                    "{flag} {id:?}: must be 1 to 128 letters, digits or punctuation (no spaces)"
                )));
            }
        }
    }
    Ok(())
}

fn input_error(err: SourceError) -> anyhow::Error {
    InputError::from(err).into()
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A message that is not sent, or an entry SQS did not take, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    pub location: String,
    pub reason: String,
}

/// Problems, the first few by name and the rest counted.
#[derive(Debug, Default, Clone)]
struct ProblemList {
    listed: Vec<Problem>,
    count: u64,
    limit: usize,
}

impl ProblemList {
    fn new(limit: usize) -> ProblemList {
        ProblemList {
            limit,
            ..ProblemList::default()
        }
    }

    fn push(&mut self, location: &Location, reason: String) {
        self.count += 1;
        if self.listed.len() < self.limit {
            self.listed.push(Problem {
                location: location.to_string(),
                reason,
            });
        }
    }

    fn extend(&mut self, other: ProblemList) {
        self.count += other.count;
        let room = self.limit.saturating_sub(self.listed.len());
        self.listed.extend(other.listed.into_iter().take(room));
    }

    /// One indented line per listed problem, then how many more there are.
    fn listing(&self) -> String {
        let mut text = String::new();
        for problem in &self.listed {
            text.push_str(&format!("\n  {}: {}", problem.location, problem.reason));
        }
        let rest = self.count - self.listed.len() as u64;
        if rest > 0 {
            text.push_str(&format!("\n  ... and {rest} more"));
        }
        text
    }
}

/// Why a message would not be sent: the schema's verdict, then SQS's rules for a body (which
/// a valid Customer always meets, but an NDJSON line is sent as written).
fn rejection(message: &Message) -> Option<String> {
    if let Err(invalid) = &message.verdict {
        return Some(invalid.to_string());
    }
    if message.body.len() > MAX_BATCH_BYTES {
        return Some(format!(
            "the body is {} bytes; SQS takes at most {MAX_BATCH_BYTES}",
            message.body.len()
        ));
    }
    // SQS's allowed set: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 up.
    let refused = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}');
    message.body.chars().find(|&c| refused(c)).map(|c| {
        format!(
            "the body contains the character U+{:04X}, which SQS does not accept",
            c as u32
        )
    })
}

/// How full the batch being built is, against SendMessageBatch's limits.
#[derive(Debug, Default)]
struct BatchFill {
    entries: usize,
    bytes: usize,
}

impl BatchFill {
    fn admits(&self, bytes: usize) -> bool {
        self.entries < MAX_BATCH_ENTRIES && self.bytes + bytes <= MAX_BATCH_BYTES
    }

    fn add(&mut self, bytes: usize) {
        self.entries += 1;
        self.bytes += bytes;
    }
}

/// What the checking pass found.
#[derive(Debug)]
struct Check {
    to_send: u64,
    batches: u64,
    invalid: ProblemList,
}

/// The first pass: reads every message after `--skip`, sends nothing.
fn check_messages(source: &mut Source, options: &SendOptions, quiet: bool) -> Result<Check> {
    let progress = match source.known_len() {
        Some(len) => Progress::bar(quiet, len, "messages"),
        None => Progress::counter(quiet, "messages"),
    };
    progress.set_message(format!("checking {}", source.name()));
    let mut check = Check {
        to_send: 0,
        batches: 0,
        invalid: ProblemList::new(LISTED_INVALID),
    };
    let mut fill = BatchFill::default();
    let mut total = 0;
    let mut unshown = 0;
    for message in source.messages().map_err(input_error)? {
        let message = message.map_err(input_error)?;
        total += 1;
        unshown += 1;
        if unshown == 4096 {
            progress.inc(unshown);
            unshown = 0;
        }
        if message.position < options.skip {
            continue;
        }
        match rejection(&message) {
            Some(reason) => check.invalid.push(&message.location, reason),
            None => {
                check.to_send += 1;
                if !fill.admits(message.body.len()) {
                    check.batches += 1;
                    fill = BatchFill::default();
                }
                fill.add(message.body.len());
            }
        }
    }
    progress.clear();
    if fill.entries > 0 {
        check.batches += 1;
    }
    if options.skip > total {
        return Err(InputError(format!(
            "--skip {}: {} has only {total} message{}",
            options.skip,
            source.name(),
            plural(total)
        ))
        .into());
    }
    Ok(check)
}

/// One message on its way.
#[derive(Debug)]
struct Entry {
    location: Location,
    body: String,
    dedup_id: Option<String>,
}

/// Up to 10 entries, and the source positions they stand for: the batches' ranges follow each
/// other without gaps (invalid messages left out by `--skip-invalid` fall inside one), so
/// "every batch up to here is settled" means "every message up to here is".
#[derive(Debug)]
struct Batch {
    positions: Range<u64>,
    entries: Vec<Entry>,
}

/// The second pass, on a thread of its own: cuts the valid messages into batches, in order.
/// It stops as soon as nobody takes its batches any more.
fn plan_batches(
    messages: Messages,
    skip: u64,
    dedup_id: Option<DedupId>,
    batches: mpsc::Sender<Result<Batch, SourceError>>,
) {
    let mut start = skip;
    let mut end = skip;
    let mut entries = Vec::with_capacity(MAX_BATCH_ENTRIES);
    let mut fill = BatchFill::default();
    for message in messages {
        let message = match message {
            Ok(message) => message,
            Err(err) => {
                let _ = batches.blocking_send(Err(err));
                return;
            }
        };
        if message.position < skip {
            continue;
        }
        end = message.position + 1;
        if rejection(&message).is_some() {
            continue;
        }
        if !fill.admits(message.body.len()) {
            let batch = Batch {
                positions: start..message.position,
                entries: std::mem::replace(&mut entries, Vec::with_capacity(MAX_BATCH_ENTRIES)),
            };
            if batches.blocking_send(Ok(batch)).is_err() {
                return;
            }
            start = message.position;
            fill = BatchFill::default();
        }
        fill.add(message.body.len());
        entries.push(Entry {
            dedup_id: dedup_id.as_ref().map(|d| d.for_message(&message)),
            location: message.location,
            body: message.body,
        });
    }
    let _ = batches.blocking_send(Ok(Batch {
        positions: start..end,
        entries,
    }));
}

/// Which source positions are settled (every message accepted, failed for good, or left out
/// as invalid): a prefix, plus batches that finished ahead of a slower one.
#[derive(Debug)]
struct Settled {
    prefix_end: u64,
    /// start -> (end, messages accepted) of batches settled past the prefix.
    ahead: BTreeMap<u64, (u64, u64)>,
}

impl Settled {
    fn from(start: u64) -> Settled {
        Settled {
            prefix_end: start,
            ahead: BTreeMap::new(),
        }
    }

    fn settle(&mut self, positions: Range<u64>, accepted: u64) {
        self.ahead.insert(positions.start, (positions.end, accepted));
        while let Some((end, _)) = self.ahead.remove(&self.prefix_end) {
            self.prefix_end = end;
        }
    }

    /// Messages accepted past the prefix: a resume from the prefix would send them again.
    fn accepted_ahead(&self) -> u64 {
        self.ahead.values().map(|(_, accepted)| accepted).sum()
    }
}

/// What every batch is sent with.
struct BatchRequest {
    client: aws_sdk_sqs::Client,
    queue_url: String,
    group_id: Option<String>,
    delay_seconds: Option<i32>,
}

/// How one batch ended.
struct BatchOutcome {
    positions: Range<u64>,
    entries: u64,
    accepted: u64,
    first_message_id: Option<String>,
    failures: ProblemList,
    /// An error that will fail every batch (no such queue, no permission): stop sending.
    fatal: Option<String>,
}

/// Sends one batch until every entry is accepted or has failed for good. Entries SQS
/// accepted are dropped from the retries, so none is ever sent twice by custctl.
async fn send_batch(request: Arc<BatchRequest>, batch: Batch) -> BatchOutcome {
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
        tokio::time::sleep(backoff(attempt)).await;
    }
    outcome
}

fn entry_index(id: &str, batch: &Batch) -> Option<usize> {
    id.parse::<usize>().ok().filter(|&index| index < batch.entries.len())
}

/// Full jitter: a random wait between 0 and an exponentially growing, capped bound.
fn backoff(attempt: u32) -> Duration {
    let bound = BACKOFF_BASE.saturating_mul(1 << attempt.min(16)).min(BACKOFF_CAP);
    Duration::from_millis(rand::random_range(0..=bound.as_millis() as u64))
}

/// Throttling, server errors and lost connections pass; anything else (no such queue, no
/// permission, a malformed request) would fail again the same way.
fn is_retryable<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> bool {
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

fn http_status<E>(err: &SdkError<E, HttpResponse>) -> Option<u16> {
    match err {
        SdkError::ServiceError(context) => Some(context.raw().status().as_u16()),
        _ => None,
    }
}

/// Why the sending pass stopped before the end of the source.
enum Stop {
    Interrupted,
    Fatal(String),
    Source(SourceError),
}

/// What the sending pass did.
struct Delivery {
    sent: u64,
    failures: ProblemList,
    first_message_id: Option<String>,
    settled: Settled,
    stop: Option<Stop>,
    everything_dispatched: bool,
}

/// The second pass: dispatches the planned batches in order, `concurrency` at a time.
async fn dispatch(
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
fn force_stop(settled: &Settled, batches: usize, messages: u64, progress: &Progress) -> ! {
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

async fn deliver(
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
    let config = aws::sdk_config(settings).await;
    aws::require_region(&config)?;
    let client = aws_sdk_sqs::Client::new(&config);
    let queue_url = match &queue.url {
        Some(url) => url.clone(),
        None => queue_url(&client, &queue.name).await?,
    };
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
        client,
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

/// The command line that resumes after `skip` messages: the same one, with `--skip` replaced.
fn resume_command(command_line: &[String], skip: u64) -> String {
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

fn shell_quote(word: &str) -> String {
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

/// GetQueueUrl; for a queue that does not exist, the error lists those with similar names.
async fn queue_url(client: &aws_sdk_sqs::Client, name: &str) -> Result<String> {
    match client.get_queue_url().queue_name(name).send().await {
        Ok(answer) => answer
            .queue_url
            .ok_or_else(|| anyhow::anyhow!("GetQueueUrl gave no URL for queue {name}")),
        Err(err) => {
            let missing = err.as_service_error().is_some_and(|e| e.is_queue_does_not_exist());
            if !missing {
                return Err(anyhow::anyhow!(
                    "looking up queue {name} (see --queue): {}",
                    aws::describe_sdk_error(&err)
                ));
            }
            let similar = similar_queues(client, name).await;
            let hint = if similar.is_empty() {
                "no queue with a similar name exists".to_string()
            } else {
                format!("queues with similar names: {}", similar.join(", "))
            };
            Err(InputError(format!("--queue {name}: no such queue ({hint})")).into())
        }
    }
}

/// Names of existing queues that look like `name` (best first, at most 5).
async fn similar_queues(client: &aws_sdk_sqs::Client, name: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut token = None;
    for _ in 0..10 {
        let Ok(page) = client
            .list_queues()
            .max_results(1000)
            .set_next_token(token)
            .send()
            .await
        else {
            break;
        };
        names.extend(
            page.queue_urls()
                .iter()
                .filter_map(|url| url.rsplit('/').next().map(str::to_string)),
        );
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    rank_similar(name, names)
}

fn rank_similar(name: &str, candidates: Vec<String>) -> Vec<String> {
    let wanted = name.to_lowercase();
    let mut ranked: Vec<(usize, String)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let lower = candidate.to_lowercase();
            let distance = edit_distance(&wanted, &lower);
            let close = distance <= (wanted.chars().count() / 3).max(2);
            (close || lower.contains(&wanted) || wanted.contains(&lower)).then_some((distance, candidate))
        })
        .collect();
    ranked.sort();
    ranked.into_iter().take(5).map(|(_, name)| name).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A FIFO queue without `--dedup-id` needs content-based deduplication, or SQS refuses every
/// message; say so once rather than report each one.
async fn require_content_deduplication(client: &aws_sdk_sqs::Client, url: &str, name: &str) -> Result<()> {
    let attributes = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ContentBasedDeduplication)
        .send()
        .await;
    // Without permission to read attributes, let SQS itself decide.
    let Ok(attributes) = attributes else {
        return Ok(());
    };
    let content_based = attributes
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::ContentBasedDeduplication))
        .is_some_and(|value| value == "true");
    if content_based {
        Ok(())
    } else {
        Err(InputError(format!(
            "{name} is a FIFO queue without content-based deduplication: pass --dedup-id auto (or a fixed id for one message)"
        ))
        .into())
    }
}

/// The answer for one message sent.
#[derive(Debug, Serialize)]
struct SentMessage {
    message_id: String,
    #[serde(skip)]
    queue: String,
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
struct SendReport {
    sent: u64,
    failed: u64,
    invalid: u64,
    seconds: f64,
    msgs_per_sec: f64,
    failures: Vec<Problem>,
    invalid_messages: Vec<Problem>,
    /// Stopped by Ctrl-C.
    interrupted: bool,
    /// `--skip` for the command that resumes a run that stopped early (Ctrl-C, or an error).
    #[serde(skip_serializing_if = "Option::is_none")]
    resume_skip: Option<u64>,
}

impl SendReport {
    fn new(sent: u64, failures: ProblemList, check: &Check, elapsed: Duration, resume_skip: Option<u64>) -> Self {
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
        }
    }
}

impl Render for SendReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let row = |name: &str, value: String| vec![name.to_string(), value];
        (
            vec![],
            vec![
                row("sent", self.sent.to_string()),
                row("failed", self.failed.to_string()),
                row("invalid", self.invalid.to_string()),
                row("seconds", format!("{:.3}", self.seconds)),
                row("msgs/s", format!("{:.1}", self.msgs_per_sec)),
            ],
        )
    }
}

/// What `--dry-run` found.
#[derive(Debug, Serialize)]
struct DryRunReport {
    dry_run: bool,
    would_send: u64,
    batches: u64,
    invalid: u64,
    skipped: u64,
    queue: String,
    invalid_messages: Vec<Problem>,
}

impl Render for DryRunReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let row = |name: &str, value: String| vec![name.to_string(), value];
        (
            vec![],
            vec![
                row("would send", self.would_send.to_string()),
                row("batches", self.batches.to_string()),
                row("invalid", self.invalid.to_string()),
                row("skipped (--skip)", self.skipped.to_string()),
                row("queue", self.queue.clone()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(position: u64, body: &str) -> Message {
        Message {
            position,
            location: Location::Line {
                file: "f".into(),
                line: position + 1,
            },
            body: body.to_string(),
            verdict: customer_ingest::Customer::from_json(body).map_err(Into::into),
        }
    }

    #[test]
    fn batches_respect_both_sqs_limits() {
        let mut fill = BatchFill::default();
        for _ in 0..10 {
            assert!(fill.admits(10));
            fill.add(10);
        }
        assert!(!fill.admits(1), "at most 10 entries");
        let mut fill = BatchFill::default();
        fill.add(200_000);
        assert!(fill.admits(62_144));
        assert!(!fill.admits(62_145), "at most 262,144 bytes together");
    }

    #[test]
    fn planned_batches_cover_the_source_without_gaps_and_leave_invalid_messages_out() {
        let (sender, mut receiver) = mpsc::channel(100);
        let lines = (0..25)
            .map(|i| {
                if i % 7 == 3 {
                    "nope".to_string()
                } else {
                    format!(r#"{{"CustID":{i},"Name":"n"}}"#)
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.ndjson");
        std::fs::write(&path, lines).unwrap();
        let mut source = Source::open(SourceSpec::File { path, format: None }).unwrap();
        plan_batches(source.messages().unwrap(), 2, None, sender);
        let mut batches = Vec::new();
        while let Ok(Ok(batch)) = receiver.try_recv() {
            batches.push(batch);
        }
        let ranges: Vec<Range<u64>> = batches.iter().map(|b| b.positions.clone()).collect();
        // Invalid at 3, 10, 17 and 24; the last one falls inside the last batch's range.
        assert_eq!(ranges, vec![2..14, 14..25]);
        let sizes: Vec<usize> = batches.iter().map(|b| b.entries.len()).collect();
        assert_eq!(sizes, vec![10, 9]);
        assert!(batches.iter().flat_map(|b| &b.entries).all(|e| e.body != "nope"));
    }

    #[test]
    fn the_settled_prefix_grows_only_over_finished_batches() {
        let mut settled = Settled::from(5);
        settled.settle(15..25, 10);
        assert_eq!((settled.prefix_end, settled.accepted_ahead()), (5, 10));
        settled.settle(5..15, 9);
        assert_eq!((settled.prefix_end, settled.accepted_ahead()), (25, 0));
    }

    #[test]
    fn sqs_body_rules_come_after_the_schema() {
        assert_eq!(rejection(&message(0, r#"{"CustID":1,"Name":"a"}"#)), None);
        let padded = format!(r#"{{"CustID":1,{}"Name":"a"}}"#, " ".repeat(MAX_BATCH_BYTES));
        assert!(rejection(&message(0, &padded))
            .unwrap()
            .contains("SQS takes at most 262144"));
        let odd = "{\"CustID\":1,\"Name\":\"a\u{FFFE}\"}";
        assert!(rejection(&message(0, odd)).unwrap().contains("U+FFFE"));
        assert!(rejection(&message(0, "{")).unwrap().starts_with("not valid JSON"));
    }

    #[test]
    fn dedup_ids_are_stable_per_location_and_body() {
        let a = DedupId::Auto.for_message(&message(0, r#"{"CustID":1,"Name":"a"}"#));
        assert_eq!(a, DedupId::Auto.for_message(&message(0, r#"{"CustID":1,"Name":"a"}"#)));
        assert_ne!(a, DedupId::Auto.for_message(&message(1, r#"{"CustID":1,"Name":"a"}"#)));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn flags_that_do_not_fit_the_queue_are_refused_by_name() {
        let options = |group: Option<&str>, dedup: Option<DedupId>, delay: Option<u32>| SendOptions {
            source: SourceSpec::Bodies(vec!["{}".into()]),
            dry_run: false,
            skip_invalid: false,
            skip: 0,
            concurrency: 8,
            group_id: group.map(str::to_string),
            dedup_id: dedup,
            delay_seconds: delay,
            command_line: vec![],
        };
        let fifo = QueueTarget::parse("https://sqs.us-east-1.amazonaws.com/1/orders.fifo");
        assert!(fifo.is_fifo());
        let err = check_flags(&fifo, &options(None, None, None)).unwrap_err();
        assert!(err.0.contains("--group-id"), "{err}");
        let err = check_flags(&fifo, &options(Some("g"), None, Some(5))).unwrap_err();
        assert!(err.0.contains("--delay-seconds"), "{err}");
        assert!(check_flags(&fifo, &options(Some("g"), Some(DedupId::Auto), None)).is_ok());
        let err = check_flags(&fifo, &options(Some("a b"), None, None)).unwrap_err();
        assert!(err.0.starts_with("--group-id"), "{err}");
        let standard = QueueTarget::parse("customers");
        let err = check_flags(&standard, &options(None, Some(DedupId::Auto), None)).unwrap_err();
        assert!(err.0.contains("--dedup-id"), "{err}");
        assert!(check_flags(&standard, &options(None, None, Some(900))).is_ok());
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

    #[test]
    fn similar_queue_names_are_ranked() {
        let names = ["customers", "customers-dlq", "orders", "Customer"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            rank_similar("custmers", names),
            vec!["customers".to_string(), "Customer".to_string()]
        );
    }

    #[test]
    fn backoff_stays_under_its_cap() {
        for attempt in 1..=MAX_ATTEMPTS + 10 {
            assert!(backoff(attempt) <= BACKOFF_CAP);
        }
    }
}
