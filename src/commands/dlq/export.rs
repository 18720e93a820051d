//! `custctl dlq export --file F [--force]`: every message of the dead-letter queue as NDJSON,
//! one object a line, consuming none. Each page of messages is written and flushed as it is
//! received, and only the ids and receipt handles of what is held stay in memory, never the
//! bodies. Every message is held hidden until the export ends (so none is read twice), then
//! all are made visible again at once. A file is written under a temporary name beside F and
//! renamed to F at the end, so a failed export never leaves half a file under F's name.

use super::held::{
    message_attributes, queue_counts, receive_count, sent_ms, system_attributes, Held, MOST_HOLD_SECONDS,
};
use super::Dlq;
use crate::commands::invoke::event::AwsMessageAttribute;
use crate::commands::status::gather::Clients;
use crate::config::Settings;
use crate::error::InputError;
use crate::progress::Progress;
use crate::terminal::visible;
use anyhow::{anyhow, Context, Result};
use aws_sdk_sqs::types::Message;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How many messages one consumer can hold hidden in a standard queue at once: "approximately
/// 120,000 in flight messages"; beyond it, a long-polling ReceiveMessage answers nothing, as
/// for an empty queue (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-queues.html).
const MOST_IN_FLIGHT: usize = 120_000;

/// Messages received per second that the hold is sized for (10 a receive, 5 receives a
/// second), on top of [`LEAST_HOLD_SECONDS`].
const MESSAGES_PER_SECOND: u64 = 50;
const LEAST_HOLD_SECONDS: u64 = 60;

/// One line of the export.
#[derive(Serialize)]
struct ExportedMessage<'a> {
    message_id: &'a str,
    body: &'a str,
    /// System attributes by name, as SQS gives them (strings).
    attributes: BTreeMap<String, String>,
    /// As Lambda's SQS event writes them: `{"stringValue" | "binaryValue" (base64), ..., "dataType"}`.
    message_attributes: BTreeMap<&'a str, AwsMessageAttribute<'a>>,
    /// SentTimestamp, RFC 3339.
    sent_at: Option<String>,
    /// ApproximateReceiveCount, this export's receive included.
    receive_count: Option<u64>,
}

/// Where the lines go.
enum Sink {
    Stdout,
    /// A temporary file beside `target`, renamed to it at the end.
    File {
        target: PathBuf,
        temp: tempfile::NamedTempFile,
        force: bool,
    },
}

pub async fn export(clients: &Clients, settings: &Settings, dlq: &Dlq, file: &Path, force: bool) -> Result<ExitCode> {
    let sink = Sink::open(file, force)?;
    // Sized so that the holds outlast the export: SQS's count of the messages, at the pace
    // receives go (renewed if the export is slower than that).
    let approximate = queue_counts(clients, dlq).await.map(|counts| counts.visible);
    let hold = (LEAST_HOLD_SECONDS + approximate.unwrap_or(0) / MESSAGES_PER_SECOND).min(MOST_HOLD_SECONDS.into());
    let mut held = Held::new(clients, dlq, hold as u32);
    let progress = Progress::counter(settings.quiet, "messages");
    progress.set_message(format!("exporting {}", visible(&dlq.name)));
    let written = write_all(&mut held, sink, &progress).await;
    progress.clear();
    // Released whatever happened: an export consumes nothing.
    held.release().await;
    let (count, place) = written?;

    if !settings.quiet {
        eprintln!("exported {count} message(s) of {} to {place}", visible(&dlq.name));
        if let Some(approximate) = approximate.filter(|&a| a > count as u64) {
            eprintln!(
                "warning: SQS counted about {approximate} messages in {} at the start; the others were \
                 hidden (received by another consumer) while the export ran",
                visible(&dlq.name)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Receives every message, writing each page as it comes; how many, and where they went.
async fn write_all(held: &mut Held<'_>, sink: Sink, progress: &Progress) -> Result<(usize, String)> {
    let mut out: Box<dyn Write + '_> = match &sink {
        Sink::Stdout => Box::new(BufWriter::new(std::io::stdout().lock())),
        Sink::File { temp, .. } => Box::new(BufWriter::new(temp.as_file())),
    };
    let mut count = 0;
    // Each receive brings up to 10 new messages; the bound is the most SQS lets one hold.
    for _ in 0..MOST_IN_FLIGHT {
        let Some(page) = held.receive_page(10).await? else {
            break;
        };
        for message in &page {
            out.write_all(line(message)?.as_bytes())?;
        }
        out.flush().context("writing the export")?;
        count += page.len();
        progress.inc(page.len() as u64);
        if held.len() >= MOST_IN_FLIGHT {
            return Err(anyhow!(
                "the DLQ holds more messages than SQS lets one consumer hold hidden at once \
                 (about {MOST_IN_FLIGHT}): the export stopped after {count}, and nothing was written under the file's name"
            ));
        }
        held.renew_due().await?;
    }
    drop(out);
    let place = sink.finish()?;
    Ok((count, place))
}

/// One NDJSON line for `message`.
fn line(message: &Message) -> Result<String> {
    let attributes = message_attributes(message);
    let exported = ExportedMessage {
        message_id: message.message_id().unwrap_or_default(),
        body: message.body().unwrap_or_default(),
        attributes: system_attributes(message).into_iter().collect(),
        message_attributes: attributes
            .iter()
            .map(|(name, value)| (name.as_str(), AwsMessageAttribute::from(value)))
            .collect(),
        sent_at: sent_ms(message).map(crate::commands::logs::times::instant),
        receive_count: receive_count(message),
    };
    Ok(crate::output::json_line(&exported)?)
}

impl Sink {
    /// `-` is stdout; a file that exists is refused without `force`.
    fn open(file: &Path, force: bool) -> Result<Sink> {
        if file.as_os_str() == "-" {
            return Ok(Sink::Stdout);
        }
        let shown = file.display();
        if file.exists() && !force {
            return Err(InputError(format!("--file {shown}: the file exists; pass --force to overwrite it")).into());
        }
        if file.is_dir() {
            return Err(InputError(format!("--file {shown}: is a directory; name a file in it")).into());
        }
        let dir = match file.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".partial")
            .tempfile_in(dir)
            .map_err(|e| InputError(format!("--file {shown}: cannot write in {}: {e}", dir.display())))?;
        Ok(Sink::File {
            target: file.to_path_buf(),
            temp,
            force,
        })
    }

    /// Puts the file under its name; where the lines went.
    fn finish(self) -> Result<String> {
        match self {
            Sink::Stdout => Ok("stdout".into()),
            Sink::File { target, temp, force } => {
                temp.as_file().sync_all().context("writing the export")?;
                let shown = target.display().to_string();
                // Without --force, a file that appeared meanwhile is not overwritten either.
                let persisted = if force {
                    temp.persist(&target).map(drop)
                } else {
                    temp.persist_noclobber(&target).map(drop)
                };
                persisted.map_err(|e| {
                    if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                        anyhow::Error::from(InputError(format!(
                            "--file {shown}: the file appeared during the export; pass --force to overwrite it"
                        )))
                    } else {
                        anyhow!("--file {shown}: {}", e.error)
                    }
                })?;
                Ok(shown)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_appears_under_its_name_only_when_the_export_finishes() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("dlq.ndjson");
        let sink = Sink::open(&target, false).unwrap();
        if let Sink::File { temp, .. } = &sink {
            writeln!(temp.as_file(), "{{\"message_id\":\"a\"}}").unwrap();
        }
        assert!(!target.exists());
        assert_eq!(sink.finish().unwrap(), target.display().to_string());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "{\"message_id\":\"a\"}\n");
        assert_eq!(files_in(dir.path()), ["dlq.ndjson"]);
    }

    #[test]
    fn a_failed_export_leaves_nothing_and_an_existing_file_needs_force() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("dlq.ndjson");
        let sink = Sink::open(&target, false).unwrap();
        // An export that fails drops its sink unfinished: no half file, no temporary one.
        drop(sink);
        assert!(files_in(dir.path()).is_empty());

        std::fs::write(&target, "old\n").unwrap();
        let refused = Sink::open(&target, false).err().unwrap();
        assert!(refused.downcast_ref::<InputError>().is_some());
        assert!(refused.to_string().contains("pass --force"), "{refused}");
        let sink = Sink::open(&target, true).unwrap();
        drop(sink);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
        let sink = Sink::open(&target, true).unwrap();
        sink.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "");
    }
}
