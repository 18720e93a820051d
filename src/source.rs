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

use customer_ingest::{Customer, CustomerId, CustomerName, SchemaError};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_json::{json, Value};
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

/// The longest NDJSON line read into memory. SQS takes 256 KiB at most, so a longer line can
/// never be sent; it is reported, not buffered, whatever its size.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// JSON-array elements are handed over in chunks, a few chunks ahead of the reader: enough to
/// keep the parser busy, few enough to keep memory flat.
const ELEMENTS_PER_CHUNK: usize = 256;
const CHUNKS_AHEAD: usize = 4;

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
    #[error("line longer than {MAX_LINE_BYTES} bytes")]
    LineTooLong,
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
    #[error("{file}: {reason}")]
    Malformed { file: Arc<str>, reason: String },
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
    Ok(match format {
        FileFormat::Ndjson => Box::new(NdjsonLines {
            reader: BufReader::with_capacity(64 * 1024, reader),
            buffer: Vec::new(),
            line: 0,
            name,
        }),
        FileFormat::Json => Box::new(JsonElements::start(BufReader::with_capacity(64 * 1024, reader), name)),
        FileFormat::Csv => Box::new(CsvRecords::start(reader, name)?),
    })
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

/// NDJSON, one line at a time through one reused buffer.
struct NdjsonLines<R> {
    reader: R,
    buffer: Vec<u8>,
    line: u64,
    name: Arc<str>,
}

impl<R: BufRead> NdjsonLines<R> {
    /// Reads one line into `buffer` (without its line ending), keeping at most
    /// `MAX_LINE_BYTES` of it. `None` at the end; `Some(false)` for a line that was too long.
    fn read_line(&mut self) -> io::Result<Option<bool>> {
        self.buffer.clear();
        let read = (&mut self.reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut self.buffer)?;
        if read == 0 {
            return Ok(None);
        }
        if self.buffer.last() == Some(&b'\n') {
            self.buffer.pop();
            if self.buffer.last() == Some(&b'\r') {
                self.buffer.pop();
            }
            return Ok(Some(true));
        }
        if self.buffer.len() <= MAX_LINE_BYTES {
            return Ok(Some(true)); // the last line, without a newline
        }
        // Skip the rest of the long line without keeping it.
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            match chunk.iter().position(|&b| b == b'\n') {
                Some(end) => {
                    self.reader.consume(end + 1);
                    break;
                }
                None => {
                    let len = chunk.len();
                    self.reader.consume(len);
                }
            }
        }
        Ok(Some(false))
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
                return Some(Ok(Parsed {
                    location,
                    body: String::new(),
                    verdict: Err(Invalid::LineTooLong),
                }));
            }
            if self.buffer.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(Ok(match std::str::from_utf8(&self.buffer) {
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

/// The elements of one JSON array, parsed by serde_json on a thread of their own and handed
/// over a few at a time, so that only a few elements are in memory whatever the array's size.
struct JsonElements {
    chunks: Receiver<Result<Vec<Value>, String>>,
    chunk: std::vec::IntoIter<Value>,
    index: u64,
    name: Arc<str>,
}

impl JsonElements {
    fn start<R: Read + Send + 'static>(reader: R, name: Arc<str>) -> JsonElements {
        let (sender, chunks) = sync_channel(CHUNKS_AHEAD);
        std::thread::spawn(move || {
            let mut deserializer = serde_json::Deserializer::from_reader(reader);
            let outcome = deserializer
                .deserialize_seq(ElementSender { sender: &sender })
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

/// CSV records with a `CustID,Name` header (in either order), RFC 4180 quoting.
struct CsvRecords {
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::ByteRecord,
    id_column: usize,
    name_column: usize,
    columns: usize,
    name: Arc<str>,
}

impl CsvRecords {
    fn start(reader: Box<dyn Read + Send>, name: Arc<str>) -> Result<CsvRecords, SourceError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let header = reader.byte_headers().map_err(|err| csv_error(&name, err))?.clone();
        if header.is_empty() {
            return Err(SourceError::Empty(name));
        }
        let mut id_column = None;
        let mut name_column = None;
        for (index, field) in header.iter().enumerate() {
            let field = if index == 0 {
                field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field) // Excel's byte order mark
            } else {
                field
            };
            match field {
                b"CustID" => id_column = Some(index),
                b"Name" => name_column = Some(index),
                other => {
                    return Err(SourceError::UnknownColumn {
                        file: name,
                        column: String::from_utf8_lossy(other).into_owned(),
                    })
                }
            }
        }
        let missing = |column| SourceError::MissingColumn {
            file: name.clone(),
            column,
        };
        let id_column = id_column.ok_or_else(|| missing("CustID"))?;
        let name_column = name_column.ok_or_else(|| missing("Name"))?;
        Ok(CsvRecords {
            reader,
            record: csv::ByteRecord::new(),
            id_column,
            name_column,
            columns: header.len(),
            name,
        })
    }

    fn parse_record(&self, location: Location) -> Parsed {
        let record = &self.record;
        if record.len() != self.columns {
            return Parsed {
                location,
                body: String::new(),
                verdict: Err(Invalid::FieldCount {
                    found: record.len(),
                    expected: self.columns,
                }),
            };
        }
        let (Ok(id), Ok(name)) = (
            std::str::from_utf8(&record[self.id_column]),
            std::str::from_utf8(&record[self.name_column]),
        ) else {
            return Parsed {
                location,
                body: String::new(),
                verdict: Err(Invalid::NotUtf8),
            };
        };
        Parsed::from_value(location, json!({ "CustID": csv_id(id), "Name": name }))
    }
}

/// A CustID cell as JSON: a number when it is an integer, else the text, so that the shared
/// schema gives its usual reason (`expected an integer, got the string "abc"`).
fn csv_id(cell: &str) -> Value {
    if let Ok(id) = cell.parse::<i64>() {
        Value::from(id)
    } else if let Ok(id) = cell.parse::<u64>() {
        Value::from(id)
    } else {
        Value::from(cell)
    }
}

fn csv_error(name: &Arc<str>, err: csv::Error) -> SourceError {
    let reason = err.to_string();
    match err.into_kind() {
        csv::ErrorKind::Io(source) => SourceError::Read {
            name: name.clone(),
            source,
        },
        _ => SourceError::Malformed {
            file: name.clone(),
            reason,
        },
    }
}

impl Iterator for CsvRecords {
    type Item = Result<Parsed, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, csv::Position::line);
                let location = Location::Line {
                    file: self.name.clone(),
                    line,
                };
                Some(Ok(self.parse_record(location)))
            }
            Err(err) => Some(Err(csv_error(&self.name, err))),
        }
    }
}

/// Given names and family names of one language, so that generated names look like names.
struct NamePool {
    given: &'static [&'static str],
    family: &'static [&'static str],
}

/// Names from many languages and scripts, with accents, apostrophes, hyphens and spaces, so
/// that generated data exercises what real customer names contain.
const NAME_POOLS: &[NamePool] = &[
    NamePool {
        given: &["Rodolfo", "Ana", "José", "María", "Inés", "Íñigo", "Begoña"],
        family: &[
            "Avelino",
            "García",
            "Fernández",
            "Núñez",
            "de la Cruz",
            "Ibáñez",
            "Peña",
        ],
    },
    NamePool {
        given: &["João", "Conceição", "Gonçalo", "Luís", "Iara"],
        family: &["Gonçalves", "Magalhães", "Araújo", "da Silva", "Simões"],
    },
    NamePool {
        given: &["Chloé", "François", "Renée", "Hélène", "Anaïs", "Loïc"],
        family: &["Saint-Exupéry", "Lefèvre", "Dubois", "Bérénger", "d'Arcy"],
    },
    NamePool {
        given: &["Jürgen", "Zoë", "Günther", "Lena", "Mareike"],
        family: &["Müller", "Schäfer", "Groß", "Weiß", "von Bülow"],
    },
    NamePool {
        given: &["Søren", "Åsa", "Björk", "Guðrún", "Þór", "Ólafur"],
        family: &["Sørensen", "Lindqvist", "Øvergaard", "Þórsdóttir", "Håkansson"],
    },
    NamePool {
        given: &["Łukasz", "Zofia", "Tomáš", "Małgorzata", "Jiří"],
        family: &["Kowalski", "Wiśniewska", "Dvořák", "Nováková", "Szczęsny"],
    },
    NamePool {
        given: &["Siobhán", "Seán", "Aoife", "Niamh", "Pádraig"],
        family: &[
            "O'Brien",
            "Ó Súilleabháin",
            "Mac Giolla Phádraig",
            "Ní Bhriain",
            "Keane",
        ],
    },
    NamePool {
        given: &["Ngozi", "Chinedu", "Oluwaseun", "Sipho", "Thandiwe", "Kwame"],
        family: &["Okafor", "Adeyemi", "Mensah", "Dlamini", "Nwachukwu-Eze"],
    },
    NamePool {
        given: &["Aarav", "Priya", "Ananya", "Saanvi", "Rohan"],
        family: &["Sharma", "Iyer", "Venkataraman", "Chatterjee", "Nair"],
    },
    NamePool {
        given: &["Thảo", "Minh", "Hương", "Đức"],
        family: &["Nguyễn", "Trần", "Phạm", "Lê"],
    },
    NamePool {
        given: &["Elif", "Mehmet", "Çağla", "Ayşe", "Oğuz"],
        family: &["Yılmaz", "Öztürk", "Şahin", "Çelik", "Doğan"],
    },
    NamePool {
        given: &["Анна", "Иван", "Дмитрий", "Ольга"],
        family: &["Иванова", "Петров", "Смирнов", "Кузнецова"],
    },
    NamePool {
        given: &["Ελένη", "Γιώργος", "Αλέξανδρος", "Μαρία"],
        family: &["Παπαδόπουλος", "Οικονόμου", "Γεωργίου"],
    },
    NamePool {
        given: &["さくら", "翔太", "Yuki", "Hiroshi"],
        family: &["山田", "佐藤", "Tanaka", "Suzuki"],
    },
    NamePool {
        given: &["민준", "서연", "Ji-woo", "Min-jun"],
        family: &["김", "박", "Lee", "Park"],
    },
    NamePool {
        given: &["伟", "芳", "Mei", "Wei"],
        family: &["王", "李", "Chen", "Zhang"],
    },
    NamePool {
        given: &["محمد", "فاطمة", "Youssef", "Leila"],
        family: &["العلي", "حداد", "El Amrani", "Al-Hashimi"],
    },
    NamePool {
        given: &["Kalani", "Tāne", "Aroha", "Keoni"],
        family: &["Kahananui", "Ngata", "Te Whāiti", "Kealoha"],
    },
];

/// SplitMix64: a tiny, fixed generator, so that a seed gives the same customers in every
/// version of custctl (library generators do not promise that), and any customer can be
/// made without making the ones before it.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The `index`-th generated name for `seed`.
pub fn generated_name(seed: u64, index: u64) -> String {
    let mut state = mix(seed ^ mix(index));
    let mut pick = |len: usize| {
        state = mix(state);
        (state % len as u64) as usize
    };
    let pool = &NAME_POOLS[pick(NAME_POOLS.len())];
    let given = pool.given[pick(pool.given.len())];
    let family = pool.family[pick(pool.family.len())];
    // One in six has a second given name, so that lengths vary.
    if pick(6) == 0 {
        let second = pool.given[pick(pool.given.len())];
        if second != given {
            return format!("{given} {second} {family}");
        }
    }
    format!("{given} {family}")
}

fn generated(seed: u64, start_id: i64, index: u64) -> Parsed {
    let location = Location::Generated(index);
    let id = start_id.saturating_add(index as i64);
    let name = generated_name(seed, index);
    match (CustomerId::new(id), CustomerName::new(name.clone())) {
        (Ok(id), Ok(name)) => {
            let customer = Customer::new(id, name);
            Parsed {
                location,
                body: customer.to_json(),
                verdict: Ok(customer),
            }
        }
        _ => Parsed::from_value(location, json!({ "CustID": id, "Name": name })),
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
    fn an_overlong_line_is_reported_without_being_kept() {
        let long = format!("{{\"CustID\":1,\"Name\":\"{}\"}}", "x".repeat(MAX_LINE_BYTES * 2));
        let text = format!("{long}\n{{\"CustID\":2,\"Name\":\"b\"}}\n");
        let messages = read(FileFormat::Ndjson, &text).unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].verdict, Err(Invalid::LineTooLong));
        assert!(messages[0].body.is_empty());
        assert_eq!(messages[1].location.to_string(), "f:2");
        assert!(messages[1].verdict.is_ok());
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
