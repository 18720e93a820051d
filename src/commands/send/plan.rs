//! Batch planning for the sending pass: the valid messages cut into SendMessageBatch
//! requests, in source order, on a thread of its own.

use super::check::{rejection, BatchFill};
use super::options::DedupId;
use super::MAX_BATCH_ENTRIES;
use crate::source::{Location, Messages, SourceError};
use std::ops::Range;
use tokio::sync::mpsc;

/// One message on its way.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) location: Location,
    pub(super) body: String,
    pub(super) dedup_id: Option<String>,
}

/// Up to 10 entries, and the source positions they stand for: the batches' ranges follow each
/// other without gaps (invalid messages left out by `--skip-invalid` fall inside one), so
/// "every batch up to here is settled" means "every message up to here is".
#[derive(Debug)]
pub(super) struct Batch {
    pub(super) positions: Range<u64>,
    pub(super) entries: Vec<Entry>,
}

/// The second pass, on a thread of its own: cuts the valid messages into batches, in order.
/// It stops as soon as nobody takes its batches any more.
pub(super) fn plan_batches(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Source, SourceSpec};

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
}
