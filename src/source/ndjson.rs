//! NDJSON: one message a line, read through one reused buffer; a line longer than SQS's largest
//! message ends the source with an error as soon as it passes that length.

use super::{Invalid, Location, Parsed, SourceError, MAX_LINE_BYTES};
use std::io::{self, BufRead, Read};
use std::sync::Arc;

/// NDJSON, one line at a time through one reused buffer.
pub(super) struct NdjsonLines<R> {
    pub(super) reader: R,
    pub(super) buffer: Vec<u8>,
    pub(super) line: u64,
    /// Whether no message has been read yet: the one line that may be a CSV header.
    pub(super) first: bool,
    pub(super) name: Arc<str>,
}

impl<R: BufRead> NdjsonLines<R> {
    /// Reads one line into `buffer` (without its line ending), keeping at most
    /// `MAX_LINE_BYTES` of it. `None` at the end; `Some(false)` for a line that is too long.
    fn read_line(&mut self) -> io::Result<Option<bool>> {
        self.buffer.clear();
        // Room for the longest message and its line ending (CRLF).
        let read = (&mut self.reader)
            .take(MAX_LINE_BYTES as u64 + 2)
            .read_until(b'\n', &mut self.buffer)?;
        if read == 0 {
            return Ok(None);
        }
        if self.buffer.last() == Some(&b'\n') {
            self.buffer.pop();
            if self.buffer.last() == Some(&b'\r') {
                self.buffer.pop();
            }
            return Ok(Some(self.buffer.len() <= MAX_LINE_BYTES));
        }
        // The last line, without a newline; or one too long, which is not read any further
        // (its end may never come: /dev/zero has none).
        Ok(Some(self.buffer.len() <= MAX_LINE_BYTES))
    }
}

impl<R: BufRead> Iterator for NdjsonLines<R> {
    type Item = Result<Parsed, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let whole = match self.read_line() {
                Ok(None) => return None,
                Ok(Some(whole)) => whole,
                Err(source) => {
                    return Some(Err(SourceError::Read {
                        name: self.name.clone(),
                        source,
                    }))
                }
            };
            self.line += 1;
            let location = Location::Line {
                file: self.name.clone(),
                line: self.line,
            };
            if !whole {
                return Some(Err(SourceError::LineTooLong {
                    name: self.name.clone(),
                    line: self.line,
                }));
            }
            if self.buffer.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let first = std::mem::replace(&mut self.first, false);
            return Some(Ok(match std::str::from_utf8(&self.buffer) {
                // CSV piped in without --format: one error that says so, rather than a "not
                // valid JSON" for every line.
                Ok(text) if first && super::csv::is_customer_header(text) => {
                    return Some(Err(SourceError::CsvHeaderInNdjson {
                        name: self.name.clone(),
                        line: self.line,
                    }))
                }
                Ok(text) => Parsed::from_body(location, text.to_string()),
                Err(_) => Parsed {
                    location,
                    body: String::from_utf8_lossy(&self.buffer).into_owned(),
                    verdict: Err(Invalid::NotUtf8),
                },
            }));
        }
    }
}
