//! The checking pass: every message against the shared schema and SQS's body rules, and the
//! batches they will make, before anything is sent.

use super::{input_error, plural, SendOptions, LISTED_INVALID, MAX_BATCH_BYTES, MAX_BATCH_ENTRIES};
use crate::error::InputError;
use crate::progress::Progress;
use crate::source::{Location, Message, Source};
use anyhow::Result;
use serde::Serialize;

/// A message that is not sent, or an entry SQS did not take, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    pub location: String,
    pub reason: String,
}

/// Problems, the first few by name and the rest counted.
#[derive(Debug, Default, Clone)]
pub(super) struct ProblemList {
    pub(super) listed: Vec<Problem>,
    pub(super) count: u64,
    pub(super) limit: usize,
}

impl ProblemList {
    pub(super) fn new(limit: usize) -> ProblemList {
        ProblemList {
            limit,
            ..ProblemList::default()
        }
    }

    pub(super) fn push(&mut self, location: &Location, reason: String) {
        self.count += 1;
        if self.listed.len() < self.limit {
            self.listed.push(Problem {
                location: location.to_string(),
                reason,
            });
        }
    }

    pub(super) fn extend(&mut self, other: ProblemList) {
        self.count += other.count;
        let room = self.limit.saturating_sub(self.listed.len());
        self.listed.extend(other.listed.into_iter().take(room));
    }

    /// One indented line per listed problem, then how many more there are.
    pub(super) fn listing(&self) -> String {
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
pub(super) fn rejection(message: &Message) -> Option<String> {
    if let Err(invalid) = &message.verdict {
        return Some(invalid.to_string());
    }
    sqs_body_problem(&message.body)
}

/// Why SQS would refuse `body` as a message body, if it would: its size, or a character
/// outside the set SQS takes (`custctl trace` sends a body the schema refuses, but never one
/// SQS would).
pub fn sqs_body_problem(body: &str) -> Option<String> {
    if body.len() > MAX_BATCH_BYTES {
        return Some(format!(
            "the body is {} bytes; SQS takes at most {MAX_BATCH_BYTES}",
            body.len()
        ));
    }
    // SQS's allowed set: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 up.
    let refused = |c: char| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}');
    body.chars().find(|&c| refused(c)).map(|c| {
        format!(
            "the body contains the character U+{:04X}, which SQS does not accept",
            c as u32
        )
    })
}

/// How full the batch being built is, against SendMessageBatch's limits.
#[derive(Debug, Default)]
pub(super) struct BatchFill {
    pub(super) entries: usize,
    pub(super) bytes: usize,
}

impl BatchFill {
    pub(super) fn admits(&self, bytes: usize) -> bool {
        self.entries < MAX_BATCH_ENTRIES && self.bytes + bytes <= MAX_BATCH_BYTES
    }

    pub(super) fn add(&mut self, bytes: usize) {
        self.entries += 1;
        self.bytes += bytes;
    }
}

/// What the checking pass found.
#[derive(Debug)]
pub(super) struct Check {
    pub(super) to_send: u64,
    pub(super) batches: u64,
    pub(super) invalid: ProblemList,
}

/// The first pass: reads every message after `--skip`, sends nothing.
pub(super) fn check_messages(source: &mut Source, options: &SendOptions, quiet: bool) -> Result<Check> {
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

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::commands::send) fn message(position: u64, body: &str) -> Message {
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
        fill.add(1_000_000);
        assert!(fill.admits(48_576));
        assert!(!fill.admits(48_577), "at most 1,048,576 bytes together");
    }

    #[test]
    fn sqs_body_rules_come_after_the_schema() {
        assert_eq!(rejection(&message(0, r#"{"CustID":1,"Name":"a"}"#)), None);
        let padded = format!(r#"{{"CustID":1,{}"Name":"a"}}"#, " ".repeat(MAX_BATCH_BYTES));
        assert!(rejection(&message(0, &padded))
            .unwrap()
            .contains("SQS takes at most 1048576"));
        let odd = "{\"CustID\":1,\"Name\":\"a\u{FFFE}\"}";
        assert!(rejection(&message(0, odd)).unwrap().contains("U+FFFE"));
        assert!(rejection(&message(0, "{")).unwrap().starts_with("not valid JSON"));
    }
}
