//! A JSON array: its elements parsed on a thread of their own and handed over a few at a time,
//! so that memory stays flat whatever the array's size.

use super::{Location, Parsed, RecordLimit, SourceError};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::io::Read;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

/// JSON-array elements are handed over in chunks, a few chunks ahead of the reader: enough to
/// keep the parser busy, few enough to keep memory flat.
const ELEMENTS_PER_CHUNK: usize = 256;
const CHUNKS_AHEAD: usize = 4;

/// The elements of one JSON array, parsed by serde_json on a thread of their own and handed
/// over a few at a time, so that only a few elements are in memory whatever the array's size.
pub(super) struct JsonElements {
    chunks: Receiver<Result<Vec<Value>, String>>,
    chunk: std::vec::IntoIter<Value>,
    index: u64,
    name: Arc<str>,
}

impl JsonElements {
    pub(super) fn start<R: Read + Send + 'static>(reader: R, marks: Arc<RecordLimit>, name: Arc<str>) -> JsonElements {
        let (sender, chunks) = sync_channel(CHUNKS_AHEAD);
        std::thread::spawn(move || {
            let mut deserializer = serde_json::Deserializer::from_reader(reader);
            let outcome = deserializer
                .deserialize_seq(ElementSender {
                    sender: &sender,
                    marks: &marks,
                })
                .and_then(|()| deserializer.end());
            if let Err(err) = outcome {
                // Fails only when the reader has gone, which then needs no answer.
                let _ = sender.send(Err(err.to_string()));
            }
        });
        JsonElements {
            chunks,
            chunk: Vec::new().into_iter(),
            index: 0,
            name,
        }
    }
}

impl Iterator for JsonElements {
    type Item = Result<Parsed, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(value) = self.chunk.next() {
                let location = Location::Element {
                    file: self.name.clone(),
                    index: self.index,
                };
                self.index += 1;
                return Some(Ok(Parsed::from_value(location, value)));
            }
            match self.chunks.recv().ok()? {
                Ok(chunk) => self.chunk = chunk.into_iter(),
                // A syntax error leaves nothing to resynchronise on, so it ends the source.
                Err(reason) => {
                    return Some(Err(SourceError::Malformed {
                        file: self.name.clone(),
                        reason: format!("element {}: {reason}", self.index),
                    }))
                }
            }
        }
    }
}

/// Sends the array's elements into the channel in chunks as they are parsed (one hand-over
/// per element would cost more in thread wake-ups than the parsing itself).
struct ElementSender<'a> {
    sender: &'a SyncSender<Result<Vec<Value>, String>>,
    marks: &'a RecordLimit,
}

impl<'de> Visitor<'de> for ElementSender<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array of Customer objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut chunk = Vec::with_capacity(ELEMENTS_PER_CHUNK);
        loop {
            let element = match seq.next_element::<Value>() {
                Ok(element) => element,
                Err(err) => {
                    // The elements before a syntax error are still messages.
                    let _ = self.sender.send(Ok(chunk));
                    return Err(err);
                }
            };
            let Some(value) = element else { break };
            self.marks.record_ended();
            chunk.push(value);
            if chunk.len() == ELEMENTS_PER_CHUNK {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(ELEMENTS_PER_CHUNK));
                if self.sender.send(Ok(full)).is_err() {
                    return Err(de::Error::custom("the reader stopped"));
                }
            }
        }
        if !chunk.is_empty() && self.sender.send(Ok(chunk)).is_err() {
            return Err(de::Error::custom("the reader stopped"));
        }
        Ok(())
    }
}
