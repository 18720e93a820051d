//! CSV with a `CustID,Name` header (in either order), RFC 4180 quoting.

use super::{Invalid, Location, Parsed, RecordLimit, SourceError};
use serde_json::{json, Value};
use std::io::Read;
use std::sync::Arc;

/// CSV records with a `CustID,Name` header (in either order), RFC 4180 quoting.
pub(super) struct CsvRecords {
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::ByteRecord,
    id_column: usize,
    name_column: usize,
    columns: usize,
    marks: Arc<RecordLimit>,
    name: Arc<str>,
}

impl CsvRecords {
    pub(super) fn start(
        reader: Box<dyn Read + Send>,
        marks: Arc<RecordLimit>,
        name: Arc<str>,
    ) -> Result<CsvRecords, SourceError> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let header = reader.byte_headers().map_err(|err| csv_error(&name, err))?.clone();
        if header.is_empty() {
            return Err(SourceError::Empty(name));
        }
        marks.record_ended();
        let mut id_column = None;
        let mut name_column = None;
        for (index, field) in header.iter().enumerate() {
            let slot = match field {
                b"CustID" => &mut id_column,
                b"Name" => &mut name_column,
                other => {
                    return Err(SourceError::UnknownColumn {
                        file: name,
                        column: String::from_utf8_lossy(other).into_owned(),
                    })
                }
            };
            // Which of two same-named columns would win is a guess; a field given twice is
            // refused everywhere else too (the schema rejects a repeated JSON key).
            if slot.replace(index).is_some() {
                return Err(SourceError::RepeatedColumn {
                    file: name,
                    column: String::from_utf8_lossy(field).into_owned(),
                });
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
            marks,
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

/// Whether `line` reads as a CSV header naming a Customer column (`CustID,Name`, quoted or
/// not, any case, with `,`, `;` or a tab between): what a CSV file read as NDJSON starts with.
/// A line that is JSON never is one (`"Name"` is JSON's string, not a header).
pub(super) fn is_customer_header(line: &str) -> bool {
    if serde_json::from_str::<serde::de::IgnoredAny>(line).is_ok() {
        return false;
    }
    [b',', b';', b'\t'].iter().any(|&delimiter| {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .delimiter(delimiter)
            .from_reader(line.as_bytes());
        let mut record = csv::StringRecord::new();
        reader.read_record(&mut record).unwrap_or(false)
            && record
                .iter()
                .any(|field| ["custid", "name"].contains(&field.trim().to_ascii_lowercase().as_str()))
    })
}

/// A CustID cell as JSON: a number when it is an integer, else the text, so that the shared
/// schema gives its usual reason (`expected an integer, got the string "abc"`).
fn csv_id(cell: &str) -> Value {
    if cell.starts_with('-') && cell.parse::<i64>() == Ok(0) {
        // "-0" reaches the schema as JSON's -0 does, for the same verdict on both paths.
        Value::from(-0.0_f64)
    } else if let Ok(id) = cell.parse::<i64>() {
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
                self.marks.record_ended();
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
