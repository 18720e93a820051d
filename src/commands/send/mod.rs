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
//!
//! The parts: [`options`] (the flags, without clap), [`check`] (the checking pass), [`plan`]
//! (batch planning), [`deliver`] (sending with retries and Ctrl-C), [`queue`] (finding the
//! queue) and [`report`] (what is printed).

mod check;
mod deliver;
mod options;
mod plan;
pub(crate) mod queue;
mod report;

pub use check::{sqs_body_problem, Problem};
pub use options::{DedupId, SendOptions};

use crate::cli::{GlobalArgs, OutputFormat, SendArgs};
use crate::config::Settings;
use crate::error::InputError;
use crate::output;
use crate::retry::Backoff;
use crate::source::{Source, SourceError};
use anyhow::Result;
use check::check_messages;
use options::check_flags;
use queue::QueueTarget;
use report::DryRunReport;
use std::process::ExitCode;
use std::time::Duration;

/// SendMessageBatch takes at most 10 entries...
pub const MAX_BATCH_ENTRIES: usize = 10;
/// ...of at most 1 MiB (1,048,576 bytes) together, which is also the most one message may have
/// (SQS raised both from 256 KiB in August 2025; SendMessage and SendMessageBatch API reference).
pub const MAX_BATCH_BYTES: usize = 1_048_576;
/// Invalid messages and failures listed by name; the rest are counted.
const LISTED_INVALID: usize = 20;
const LISTED_FAILURES: usize = 1000;
/// Attempts per batch entry; each is one SDK call (the SDK's own retries are off for it).
const MAX_ATTEMPTS: u32 = 6;
const BACKOFF: Backoff = Backoff {
    base: Duration::from_millis(100),
    cap: Duration::from_secs(5),
};
/// The exit code after Ctrl-C, as shells report a process ended by SIGINT.
pub const EXIT_INTERRUPTED: u8 = 130;

pub fn run(global: &GlobalArgs, args: &SendArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(global)?;
    send(&settings, SendOptions::from_args(args))
}

/// Sends (or, with `--dry-run`, only checks) the messages of `options.source`.
pub fn send(settings: &Settings, options: SendOptions) -> Result<ExitCode> {
    let queue = QueueTarget::parse(&settings.queue);
    check_flags(&queue, &options)?;
    if let Some(note) = group_id_note(&queue, &options) {
        if !settings.quiet {
            eprintln!("note: {note}");
        }
    }
    let mut source = Source::open(options.source.clone()).map_err(input_error)?;
    let check = check_messages(&mut source, &options, settings.quiet)?;
    // Without --skip-invalid an invalid message stops the run before anything is sent; a dry
    // run still reports what it found first (its purpose), then exits as the run would.
    let refusal = (check.invalid.count > 0 && !options.skip_invalid).then(|| {
        InputError(format!(
            "{} invalid message{} in {}; {} (fix {}, or pass --skip-invalid to send the {} valid one{}):{}",
            check.invalid.count,
            plural(check.invalid.count),
            source.name(),
            if options.dry_run {
                "a send would stop before sending anything"
            } else {
                "nothing was sent"
            },
            if check.invalid.count == 1 { "it" } else { "them" },
            check.to_send,
            plural(check.to_send),
            check.invalid.listing()
        ))
    });
    let refusal = match refusal {
        Some(refusal) if !options.dry_run => return Err(refusal.into()),
        dry_run => dry_run,
    };
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
            would_send: if refusal.is_some() { 0 } else { check.to_send },
            valid: check.to_send,
            batches: check.batches,
            invalid: check.invalid.count,
            skipped: options.skip,
            queue: queue.name.clone(),
            invalid_messages: check.invalid.listed.clone(),
        };
        output::print(settings.output, &report)?;
        return match refusal {
            Some(refusal) => Err(refusal.into()),
            None => Ok(ExitCode::SUCCESS),
        };
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(deliver::deliver(settings, &options, &queue, source, check))
}

/// What `--group-id` does on a standard queue. Since 2025 SQS takes a MessageGroupId there
/// too: it makes the queue a fair queue, where the group is the message's tenant, and a tenant
/// with a backlog (a "noisy neighbour") has its messages delivered after quieter tenants'
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-fair-queues.html;
/// FIFO-key-terms.html: "In standard queues, using MessageGroupId enables fair queues. If
/// strict ordering is required, use a FIFO queue."). So it is sent, with a note that it
/// orders and deduplicates nothing.
fn group_id_note(queue: &QueueTarget, options: &SendOptions) -> Option<String> {
    let group = options.group_id.as_ref().filter(|_| !queue.is_fifo())?;
    Some(format!(
        "--group-id {group}: {} is a standard queue, where a MessageGroupId only names the fair-queue \
         tenant of the message (SQS delivers a busy tenant's backlog after quieter tenants' messages); it \
         gives no ordering and no deduplication, which only FIFO queues (names ending in .fifo) have",
        queue.name
    ))
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
