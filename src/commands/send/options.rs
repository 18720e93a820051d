//! `custctl send`'s options without clap, and the flags refused for a queue's type before
//! anything is read.

use super::queue::QueueTarget;
use crate::cli::SendArgs;
use crate::error::InputError;
use crate::source::{Message, SourceSpec};
use sha2::{Digest, Sha256};

/// How FIFO deduplication ids are chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DedupId {
    /// A hash of each message's location and body: stable across re-runs of the same input.
    Auto,
    /// One id, for a single message.
    Fixed(String),
}

impl DedupId {
    pub(super) fn for_message(&self, message: &Message) -> String {
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

/// Flags that contradict the queue's type, refused before anything is read.
pub(super) fn check_flags(queue: &QueueTarget, options: &SendOptions) -> Result<(), InputError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::send::check::tests::message;

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
}
