//! Where Customer messages come from, for `custctl send` and `custctl invoke`: one customer
//! from flags (`--id`/`--name`), one raw body (`--body`), a file or stdin (NDJSON, a JSON
//! array, or CSV), or synthetic customers (`--generate`).
//!
//! Files are streamed, never loaded whole, so a file of ten million lines is read at bounded
//! memory, and they can be read more than once (a checking pass, then a sending pass); stdin,
//! which cannot be read twice, is copied to an anonymous temporary file on the first pass.
//! Every message carries its location (`file:line`, `file[index]`, `--body`...), the exact body
//! to send, and the shared schema's verdict on it: the Customer rules live only in
//! `customer_ingest::schema`.

mod csv;
mod generate;
mod json;
mod ndjson;

pub use generate::generated_name;

use self::csv::CsvRecords;
use generate::generated;
use json::JsonElements;
use ndjson::NdjsonLines;

use customer_ingest::{Customer, SchemaError};
use serde_json::{json, Value};
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The longest NDJSON line read into memory: SQS's own limit on a message (1 MiB), so a longer
/// line can never be sent; it is reported, not buffered, whatever its size.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// What the user asked to read, with no clap types in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// `--id N --name S`: one customer.
    Customer { id: i64, name: String },
    /// `--body JSON`, once or more: bodies sent exactly as given.
    Bodies(Vec<String>),
    /// `--file F` (`-` is stdin), in `format` or as the file name says.
    File { path: PathBuf, format: Option<FileFormat> },
    /// `--generate N --start-id K --seed S`: synthetic customers K, K+1, ...
    Generate { count: u64, start_id: i64, seed: u64 },
}

/// The file formats `--file` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// One JSON body per line; blank lines are skipped.
    Ndjson,
    /// One JSON array of objects.
    Json,
    /// A header `CustID,Name`, then one customer per record (RFC 4180 quoting).
    Csv,
}

impl FileFormat {
    /// The format a file name implies: `.ndjson`/`.jsonl`, `.json`, `.csv`.
    pub fn from_path(path: &Path) -> Option<FileFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "ndjson" | "jsonl" => Some(FileFormat::Ndjson),
            "json" => Some(FileFormat::Json),
            "csv" => Some(FileFormat::Csv),
            _ => None,
        }
    }
}

/// Where a message is in its source, as shown to people and used for `--dedup-id auto`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// A line of an NDJSON file, or the line a CSV record starts on (1-based).
    Line { file: Arc<str>, line: u64 },
    /// An element of a JSON array (0-based).
    Element { file: Arc<str>, index: u64 },
    /// The message given by `--id/--name`.
    Flags,
    /// The n-th `--body` (1-based), or the only one.
    Body { index: u64, of: u64 },
    /// The n-th generated customer (0-based).
    Generated(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line { file, line } => write!(f, "{file}:{line}"),
            Location::Element { file, index } => write!(f, "{file}[{index}]"),
            Location::Flags => f.write_str("--id/--name"),
            Location::Body { of: 1, .. } => f.write_str("--body"),
            Location::Body { index, .. } => write!(f, "--body #{index}"),
            Location::Generated(index) => write!(f, "generated[{index}]"),
        }
    }
}

/// Why one message is not a Customer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error(transparent)]
    Schema(#[from] SchemaError),
    #[error("not valid UTF-8")]
    NotUtf8,
    #[error("expected {expected} fields as in the header, found {found}")]
    FieldCount { found: usize, expected: usize },
}

/// One message of a source.
#[derive(Debug, Clone)]
pub struct Message {
    /// 0-based index among the source's messages (blank NDJSON lines are not messages).
    pub position: u64,
    pub location: Location,
    /// Exactly what is sent: an NDJSON line as given; otherwise `Customer::to_json()` (or, for
    /// an invalid message, the JSON it was read as).
    pub body: String,
    pub verdict: Result<Customer, Invalid>,
}

/// A source that cannot be read at all (as opposed to one bad message in it).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Open { path: String, source: io::Error },
    #[error("{name}: {source}")]
    Read { name: Arc<str>, source: io::Error },
    #[error("{0}: no messages")]
    Empty(Arc<str>),
    #[error("{0}: cannot tell the format from the file name; pass --format ndjson|json|csv")]
    UnknownFormat(String),
    #[error("{file}: the CSV header has no \"{column}\" column (it must be CustID,Name)")]
    MissingColumn { file: Arc<str>, column: &'static str },
    #[error("{file}: unknown CSV column {column:?}: a Customer has only CustID and Name")]
    UnknownColumn { file: Arc<str>, column: String },
    #[error("{name}, line {line}: longer than {MAX_LINE_BYTES} bytes, the largest message SQS takes (is this the right file and --format?)")]
    LineTooLong { name: Arc<str>, line: u64 },
    #[error("{file}: the CSV header names the column {column} twice; keep one")]
    RepeatedColumn { file: Arc<str>, column: String },
    #[error("{file}: {reason}")]
    Malformed { file: Arc<str>, reason: String },
    #[error("{name}:{line} is a CSV header (it names the CustID or Name column), not JSON: pass --format csv to read {name} as CSV")]
    CsvHeaderInNdjson { name: Arc<str>, line: u64 },
}

impl From<SourceError> for crate::error::InputError {
    /// A source that cannot be read (missing file, unknown format, no messages) is bad input.
    fn from(err: SourceError) -> Self {
        crate::error::InputError(err.to_string())
    }
}

/// An opened source, ready for one or more passes over its messages.
pub struct Source {
    input: Input,
    name: Arc<str>,
}

enum Input {
    Customer { id: i64, name: String },
    Bodies(Vec<String>),
    Generate { count: u64, start_id: i64, seed: u64 },
    File { path: PathBuf, format: FileFormat },
    Stdin { format: FileFormat, spool: Option<File> },
}

impl Source {
    /// Checks that the source can be read (the file exists, its format is known); reads nothing.
    pub fn open(spec: SourceSpec) -> Result<Source, SourceError> {
        let (input, name): (Input, Arc<str>) = match spec {
            SourceSpec::Customer { id, name } => (Input::Customer { id, name }, "--id/--name".into()),
            SourceSpec::Bodies(bodies) => (Input::Bodies(bodies), "--body".into()),
            SourceSpec::Generate { count, start_id, seed } => {
                (Input::Generate { count, start_id, seed }, "--generate".into())
            }
            SourceSpec::File { path, format } if path.as_os_str() == "-" => (
                Input::Stdin {
                    format: format.unwrap_or(FileFormat::Ndjson),
                    spool: None,
                },
                "stdin".into(),
            ),
            SourceSpec::File { path, format } => {
                let shown = path.display().to_string();
                let format = format
                    .or_else(|| FileFormat::from_path(&path))
                    .ok_or_else(|| SourceError::UnknownFormat(shown.clone()))?;
                File::open(&path).map_err(|source| SourceError::Open {
                    path: shown.clone(),
                    source,
                })?;
                (Input::File { path, format }, shown.into())
            }
        };
        Ok(Source { input, name })
    }

    /// The source as named in messages: the file name, `stdin`, `--body`...
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the source is one message given on the command line (`--body`, `--id/--name`).
    pub fn is_single(&self) -> bool {
        self.known_len() == Some(1) && matches!(self.input, Input::Customer { .. } | Input::Bodies(_))
    }

    /// The number of messages, when it is known without reading.
    pub fn known_len(&self) -> Option<u64> {
        match &self.input {
            Input::Customer { .. } => Some(1),
            Input::Bodies(bodies) => Some(bodies.len() as u64),
            Input::Generate { count, .. } => Some(*count),
            Input::File { .. } | Input::Stdin { .. } => None,
        }
    }

    /// A pass over the messages from the first one. The first pass over stdin also keeps a
    /// copy of it, which later passes read.
    pub fn messages(&mut self) -> Result<Messages, SourceError> {
        let name = self.name.clone();
        let parsed: ParsedMessages = match &mut self.input {
            Input::Customer { id, name: customer } => Box::new(std::iter::once(Ok(one_customer(*id, customer)))),
            Input::Bodies(bodies) => {
                let of = bodies.len() as u64;
                let bodies = bodies.clone();
                Box::new(
                    bodies
                        .into_iter()
                        .zip(1..)
                        .map(move |(body, index)| Ok(Parsed::from_body(Location::Body { index, of }, body))),
                )
            }
            Input::Generate { count, start_id, seed } => {
                let (start_id, seed) = (*start_id, *seed);
                Box::new((0..*count).map(move |index| Ok(generated(seed, start_id, index))))
            }
            Input::File { path, format } => {
                let file = File::open(&*path).map_err(|source| SourceError::Open {
                    path: name.to_string(),
                    source,
                })?;
                read_format(*format, Box::new(file), name.clone())?
            }
            Input::Stdin { format, spool } => {
                let reader: Box<dyn Read + Send> = match spool {
                    None => {
                        let file = tempfile::tempfile().map_err(|source| SourceError::Read {
                            name: name.clone(),
                            source,
                        })?;
                        let copy = file.try_clone().map_err(|source| SourceError::Read {
                            name: name.clone(),
                            source,
                        })?;
                        *spool = Some(file);
                        Box::new(SpoolingReader {
                            input: io::stdin(),
                            copy: BufWriter::new(copy),
                        })
                    }
                    Some(file) => {
                        let mut copy = file.try_clone().map_err(|source| SourceError::Read {
                            name: name.clone(),
                            source,
                        })?;
                        copy.rewind().map_err(|source| SourceError::Read {
                            name: name.clone(),
                            source,
                        })?;
                        // What an unfinished first pass left unread is still in stdin.
                        Box::new(copy.chain(io::stdin()))
                    }
                };
                read_format(*format, reader, name.clone())?
            }
        };
        Ok(Messages {
            parsed,
            name,
            position: 0,
            done: false,
        })
    }
}

/// One pass over a source's messages, in order. Ends with `SourceError::Empty` if the source
/// has none, and stops after the first `SourceError`.
pub struct Messages {
    parsed: ParsedMessages,
    name: Arc<str>,
    position: u64,
    done: bool,
}

impl Iterator for Messages {
    type Item = Result<Message, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.parsed.next() {
            Some(Ok(Parsed {
                location,
                body,
                verdict,
            })) => {
                let position = self.position;
                self.position += 1;
                Some(Ok(Message {
                    position,
                    location,
                    body,
                    verdict,
                }))
            }
            Some(Err(err)) => {
                self.done = true;
                Some(Err(err))
            }
            None => {
                self.done = true;
                (self.position == 0).then(|| Err(SourceError::Empty(self.name.clone())))
            }
        }
    }
}

type ParsedMessages = Box<dyn Iterator<Item = Result<Parsed, SourceError>> + Send>;

/// A message before it is numbered.
struct Parsed {
    location: Location,
    body: String,
    verdict: Result<Customer, Invalid>,
}

impl Parsed {
    /// A body to send as given, judged by the schema.
    fn from_body(location: Location, body: String) -> Parsed {
        let verdict = Customer::from_json(&body).map_err(Invalid::from);
        Parsed {
            location,
            body,
            verdict,
        }
    }

    /// A message built as JSON: sent in the canonical form when valid.
    fn from_value(location: Location, value: Value) -> Parsed {
        let shown = value.to_string();
        match Customer::from_value(value) {
            Ok(customer) => Parsed {
                location,
                body: customer.to_json(),
                verdict: Ok(customer),
            },
            Err(err) => Parsed {
                location,
                body: shown,
                verdict: Err(err.into()),
            },
        }
    }
}

fn one_customer(id: i64, name: &str) -> Parsed {
    Parsed::from_value(Location::Flags, json!({ "CustID": id, "Name": name }))
}

fn read_format(
    format: FileFormat,
    reader: Box<dyn Read + Send>,
    name: Arc<str>,
) -> Result<ParsedMessages, SourceError> {
    let reader = without_byte_order_mark(reader).map_err(|source| SourceError::Read {
        name: name.clone(),
        source,
    })?;
    Ok(match format {
        FileFormat::Ndjson => Box::new(NdjsonLines {
            reader: BufReader::with_capacity(64 * 1024, reader),
            buffer: Vec::new(),
            line: 0,
            first: true,
            name,
        }),
        FileFormat::Json => {
            let (reader, marks) = RecordLimit::wrap(reader);
            Box::new(JsonElements::start(
                BufReader::with_capacity(64 * 1024, reader),
                marks,
                name,
            ))
        }
        FileFormat::Csv => {
            let (reader, marks) = RecordLimit::wrap(reader);
            Box::new(CsvRecords::start(Box::new(reader), marks, name)?)
        }
    })
}

/// The UTF-8 byte order mark that Windows editors and Excel put at the start of a file.
const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// The reader without a leading byte order mark, so that every format accepts one.
fn without_byte_order_mark(mut reader: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    let mut start = Vec::with_capacity(BYTE_ORDER_MARK.len());
    (&mut reader)
        .take(BYTE_ORDER_MARK.len() as u64)
        .read_to_end(&mut start)?;
    if start == BYTE_ORDER_MARK {
        start.clear();
    }
    Ok(Box::new(io::Cursor::new(start).chain(reader)))
}

/// How far past the end of the last whole record a reader may get: a record can be at most
/// [`MAX_LINE_BYTES`] (the largest message), plus what a parser reads ahead.
const RECORD_LIMIT: u64 = MAX_LINE_BYTES as u64 + 128 * 1024;

/// Where the last whole record (JSON element, CSV record) ended, as its parser marks it.
/// A reader that gets more than [`RECORD_LIMIT`] bytes past that mark fails, so that a record
/// that can never be sent (or a file without structure, like /dev/zero) is an error as soon as
/// it passes that length, not a parser buffering without end.
#[derive(Debug, Default)]
pub(super) struct RecordLimit {
    read: std::sync::atomic::AtomicU64,
    mark: std::sync::atomic::AtomicU64,
}

impl RecordLimit {
    fn wrap<R: Read>(inner: R) -> (LimitedReader<R>, Arc<RecordLimit>) {
        let marks = Arc::new(RecordLimit::default());
        (
            LimitedReader {
                inner,
                marks: marks.clone(),
            },
            marks,
        )
    }

    /// The parser has consumed a whole record: what it read so far is accounted for.
    pub(super) fn record_ended(&self) {
        use std::sync::atomic::Ordering;
        self.mark.store(self.read.load(Ordering::Relaxed), Ordering::Relaxed);
    }
}

pub(super) struct LimitedReader<R> {
    inner: R,
    marks: Arc<RecordLimit>,
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::sync::atomic::Ordering;
        let read = self.marks.read.load(Ordering::Relaxed);
        if read - self.marks.mark.load(Ordering::Relaxed) > RECORD_LIMIT {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a record runs past {MAX_LINE_BYTES} bytes, more than the largest message SQS takes (is this the right file and --format?)"
                ),
            ));
        }
        let n = self.inner.read(buf)?;
        self.marks.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Copies what it reads from stdin into the spool file, so that the next pass can read it
/// again.
struct SpoolingReader {
    input: io::Stdin,
    copy: BufWriter<File>,
}

impl Read for SpoolingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read(buf)?;
        if n == 0 {
            // Flushed here rather than on drop, so that a full disk is an error, not a loss.
            self.copy.flush()?;
        } else {
            self.copy.write_all(&buf[..n])?;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn read(format: FileFormat, text: &str) -> Result<Vec<Message>, SourceError> {
        let parsed = read_format(format, Box::new(Cursor::new(text.to_string().into_bytes())), "f".into())?;
        Messages {
            parsed,
            name: "f".into(),
            position: 0,
            done: false,
        }
        .collect()
    }

    fn summary(messages: &[Message]) -> Vec<(String, String)> {
        messages
            .iter()
            .map(|m| {
                let verdict = match &m.verdict {
                    Ok(c) => format!("ok {} {}", c.id, c.name),
                    Err(e) => e.to_string(),
                };
                (m.location.to_string(), verdict)
            })
            .collect()
    }

    #[test]
    fn ndjson_keeps_lines_as_given_skips_blank_ones_and_numbers_lines() {
        let text = "{\"CustID\": 1, \"Name\": \"Zoë\"}\r\n\n   \n{\"CustID\":\"x\",\"Name\":\"b\"}\nnot json\n{\"CustID\":3,\"Name\":\"c\"}";
        let messages = read(FileFormat::Ndjson, text).unwrap();
        assert_eq!(messages[0].body, "{\"CustID\": 1, \"Name\": \"Zoë\"}");
        assert_eq!(
            summary(&messages),
            vec![
                ("f:1".into(), "ok 1 Zoë".into()),
                ("f:4".into(), "CustID: expected an integer, got the string \"x\"".into()),
                ("f:5".into(), "not valid JSON: expected ident at line 1 column 2".into()),
                ("f:6".into(), "ok 3 c".into()),
            ]
        );
        assert_eq!(messages.iter().map(|m| m.position).collect::<Vec<_>>(), [0, 1, 2, 3]);
    }

    #[test]
    fn csv_read_as_ndjson_is_one_error_suggesting_the_format() {
        for header in ["CustID,Name", "\"Name\";\"CustID\"", "custid, name, email", "Name"] {
            let text = format!("\n{header}\n1,Ann\n2,Bob\n");
            let err = read(FileFormat::Ndjson, &text).unwrap_err();
            assert!(
                matches!(err, SourceError::CsvHeaderInNdjson { line: 2, .. }),
                "{header}: {err}"
            );
            assert!(err.to_string().contains("--format csv"), "{err}");
        }
        // Only the first message is taken for a header; JSON and other text get the schema's verdict.
        for text in [
            "{\"CustID\":1,\"Name\":\"a\"}\nCustID,Name\n",
            "hello,world\n",
            "\"Name\"\n",
        ] {
            let messages = read(FileFormat::Ndjson, text).unwrap();
            assert!(!messages.is_empty(), "{text}");
        }
    }

    #[test]
    fn a_record_longer_than_any_message_ends_the_source_in_every_format() {
        let long = format!("{{\"CustID\":1,\"Name\":\"{}\"}}", "x".repeat(MAX_LINE_BYTES * 2));
        let ndjson = format!("{{\"CustID\":2,\"Name\":\"b\"}}\n{long}\n");
        let err = read(FileFormat::Ndjson, &ndjson).unwrap_err();
        assert!(matches!(err, SourceError::LineTooLong { line: 2, .. }), "{err}");
        let json = format!("[{long}]");
        let err = read(FileFormat::Json, &json).unwrap_err().to_string();
        assert!(err.contains("runs past 1048576 bytes"), "{err}");
        let csv = format!("CustID,Name\n1,{}\n", "x".repeat(MAX_LINE_BYTES * 2));
        let err = read(FileFormat::Csv, &csv).unwrap_err().to_string();
        assert!(err.contains("runs past 1048576 bytes"), "{err}");
    }

    #[test]
    fn a_line_of_exactly_the_largest_message_is_read_with_either_line_ending() {
        for ending in ["\n", "\r\n", ""] {
            let text = format!("{}{ending}", "x".repeat(MAX_LINE_BYTES));
            let messages = read(FileFormat::Ndjson, &text).unwrap();
            assert_eq!(messages.len(), 1, "{ending:?}");
            assert_eq!(messages[0].body.len(), MAX_LINE_BYTES, "{ending:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_accepted_at_the_start_of_every_format() {
        for (format, text) in [
            (FileFormat::Ndjson, "\u{FEFF}{\"CustID\":1,\"Name\":\"a\"}\n"),
            (FileFormat::Json, "\u{FEFF}[{\"CustID\":1,\"Name\":\"a\"}]"),
            (FileFormat::Csv, "\u{FEFF}CustID,Name\n1,a\n"),
        ] {
            let messages = read(format, text).unwrap();
            assert_eq!(messages.len(), 1, "{format:?}");
            assert!(messages[0].verdict.is_ok(), "{format:?}: {:?}", messages[0].verdict);
        }
    }

    #[test]
    fn a_csv_column_given_twice_is_refused_by_name() {
        for header in ["CustID,Name,Name", "CustID,CustID,Name"] {
            let err = read(FileFormat::Csv, &format!("{header}\n1,first,second\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("twice"), "{header}: {err}");
        }
    }

    #[test]
    fn negative_zero_gets_the_schemas_verdict_in_csv_too() {
        let messages = read(FileFormat::Csv, "CustID,Name\n-0,x\n").unwrap();
        assert_eq!(
            messages[0].verdict.as_ref().unwrap_err().to_string(),
            "CustID: -0 (negative zero) is not accepted; write 0"
        );
    }

    #[test]
    fn empty_sources_are_an_error() {
        for (format, text) in [
            (FileFormat::Ndjson, ""),
            (FileFormat::Ndjson, "\n \n"),
            (FileFormat::Json, "[]"),
            (FileFormat::Csv, "CustID,Name\n"),
        ] {
            let err = read(format, text).unwrap_err();
            assert_eq!(err.to_string(), "f: no messages", "{format:?} {text:?}");
        }
    }

    #[test]
    fn json_arrays_are_streamed_element_by_element() {
        let text = r#"[{"CustID": 1, "Name": "Ana"}, {"CustID": 2.5, "Name": "b"}, 7, {"Name": "Ünal", "CustID": 3}]"#;
        let messages = read(FileFormat::Json, text).unwrap();
        assert_eq!(
            summary(&messages),
            vec![
                ("f[0]".into(), "ok 1 Ana".into()),
                ("f[1]".into(), "CustID: expected an integer, got the number 2.5".into()),
                (
                    "f[2]".into(),
                    "expected a JSON object {\"CustID\": <integer>, \"Name\": <string>}, got the number 7".into()
                ),
                ("f[3]".into(), "ok 3 Ünal".into()),
            ]
        );
        assert_eq!(messages[3].body, r#"{"CustID":3,"Name":"Ünal"}"#);
        assert_eq!(messages[1].body, r#"{"CustID":2.5,"Name":"b"}"#);
    }

    #[test]
    fn broken_or_non_array_json_ends_the_source() {
        let err = read(FileFormat::Json, r#"[{"CustID": 1, "Name": "a"}, {"CustID": "#)
            .err()
            .unwrap();
        assert!(err.to_string().starts_with("f: element 1: "), "{err}");
        let err = read(FileFormat::Json, r#"{"CustID": 1, "Name": "a"}"#).err().unwrap();
        assert!(
            err.to_string().contains("expected a JSON array of Customer objects"),
            "{err}"
        );
        let err = read(FileFormat::Json, r#"[{"CustID": 1, "Name": "a"}] x"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("trailing characters"), "{err}");
    }

    #[test]
    fn csv_follows_rfc_4180_and_the_schema_gives_the_reasons() {
        let text = "Name,CustID\n\"Avelino, Rodolfo\",404\n\"Say \"\"hi\"\"\nthere\",5\nZoë,abc\nx,99999999999\nonly-one-field\n";
        let messages = read(FileFormat::Csv, text).unwrap();
        assert_eq!(
            summary(&messages),
            vec![
                ("f:2".into(), "ok 404 Avelino, Rodolfo".into()),
                ("f:3".into(), "ok 5 Say \"hi\"\nthere".into()),
                (
                    "f:5".into(),
                    "CustID: expected an integer, got the string \"abc\"".into()
                ),
                (
                    "f:6".into(),
                    "CustID: 99999999999 is out of range (MySQL INT holds -2147483648 to 2147483647)".into()
                ),
                ("f:7".into(), "expected 2 fields as in the header, found 1".into()),
            ]
        );
        assert_eq!(messages[0].body, r#"{"CustID":404,"Name":"Avelino, Rodolfo"}"#);
    }

    #[test]
    fn csv_headers_must_be_exactly_custid_and_name() {
        let err = read(FileFormat::Csv, "CustID,FullName\n1,a\n").err().unwrap();
        assert_eq!(
            err.to_string(),
            "f: unknown CSV column \"FullName\": a Customer has only CustID and Name"
        );
        let err = read(FileFormat::Csv, "Name\na\n").err().unwrap();
        assert_eq!(
            err.to_string(),
            "f: the CSV header has no \"CustID\" column (it must be CustID,Name)"
        );
        let messages = read(FileFormat::Csv, "\u{feff}CustID,Name\n1,a\n").unwrap();
        assert!(messages[0].verdict.is_ok());
    }

    #[test]
    fn flags_make_one_message_judged_by_the_schema() {
        let ok = one_customer(404, "Rodolfo Avelino");
        assert_eq!(ok.body, r#"{"CustID":404,"Name":"Rodolfo Avelino"}"#);
        assert_eq!(ok.location.to_string(), "--id/--name");
        let long = one_customer(1, &"é".repeat(256));
        assert_eq!(
            long.verdict.unwrap_err().to_string(),
            "Name: 256 characters, at most 255 are allowed"
        );
        let body = Parsed::from_body(Location::Body { index: 1, of: 1 }, r#"{"CustID": 1}"#.into());
        assert_eq!(body.location.to_string(), "--body");
        assert_eq!(body.verdict.unwrap_err().to_string(), r#"missing field "Name""#);
        let mut source = Source::open(SourceSpec::Bodies(vec!["{}".into(), "[]".into()])).unwrap();
        assert!(!source.is_single());
        let locations: Vec<String> = source
            .messages()
            .unwrap()
            .map(|m| m.unwrap().location.to_string())
            .collect();
        assert_eq!(locations, ["--body #1", "--body #2"]);
    }

    #[test]
    fn generated_customers_are_deterministic_varied_and_valid() {
        let first: Vec<String> = (0..500).map(|i| generated(7, 1, i).body).collect();
        let again: Vec<String> = (0..500).map(|i| generated(7, 1, i).body).collect();
        assert_eq!(first, again);
        let other: Vec<String> = (0..500).map(|i| generated(8, 1, i).body).collect();
        assert_ne!(first, other);
        let names: std::collections::HashSet<String> = (0..500).map(|i| generated_name(7, i)).collect();
        assert!(names.len() > 200, "{} distinct names", names.len());
        assert!(names.iter().any(|n| !n.is_ascii()));
        for index in 0..500 {
            let parsed = generated(7, 100, index);
            assert_eq!(parsed.verdict.unwrap().id.get(), 100 + index as i32);
        }
        let past_int = generated(1, i64::from(i32::MAX), 1);
        assert!(past_int.verdict.unwrap_err().to_string().contains("out of range"));
    }

    #[test]
    fn file_formats_come_from_the_extension() {
        assert_eq!(FileFormat::from_path(Path::new("a.JSONL")), Some(FileFormat::Ndjson));
        assert_eq!(FileFormat::from_path(Path::new("a.json")), Some(FileFormat::Json));
        assert_eq!(FileFormat::from_path(Path::new("a.csv")), Some(FileFormat::Csv));
        assert_eq!(FileFormat::from_path(Path::new("a.txt")), None);
    }
}
