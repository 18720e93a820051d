//! Query results as `custctl sql` prints them: rows are written as they arrive (csv, tsv,
//! json, vertical), so that a million-row export stays in bounded memory; only the table
//! format, which must see every row to size its columns, holds a result set.

use crate::cli::SqlFormat;
use mysql::consts::ColumnType;
use mysql::{Column, Value};
use std::borrow::Cow;
use std::io::{self, Write};

/// Writes the result sets of one statement in one format.
pub struct ResultWriter<'w, W: Write> {
    format: SqlFormat,
    out: &'w mut W,
    columns: Vec<(String, ColumnKind)>,
    rows: u64,
    table_rows: Vec<Vec<String>>,
    /// Show control characters as escapes (for a terminal; see [`visible`]).
    visible_controls: bool,
}

use crate::terminal::visible;

/// How a column's values become JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Integer,
    Float,
    Text,
}

impl ColumnKind {
    fn of(column: &Column) -> ColumnKind {
        use ColumnType::*;
        match column.column_type() {
            MYSQL_TYPE_TINY | MYSQL_TYPE_SHORT | MYSQL_TYPE_LONG | MYSQL_TYPE_LONGLONG | MYSQL_TYPE_INT24
            | MYSQL_TYPE_YEAR => ColumnKind::Integer,
            MYSQL_TYPE_FLOAT | MYSQL_TYPE_DOUBLE => ColumnKind::Float,
            // DECIMAL stays a string: a JSON number would lose its precision.
            _ => ColumnKind::Text,
        }
    }
}

/// A value as text, `None` for NULL. The text protocol sends bytes; names are shown as the
/// database has them (invalid UTF-8 is replaced, never dropped).
pub fn value_text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(bytes)),
        Value::Int(v) => Some(Cow::Owned(v.to_string())),
        Value::UInt(v) => Some(Cow::Owned(v.to_string())),
        Value::Float(v) => Some(Cow::Owned(v.to_string())),
        Value::Double(v) => Some(Cow::Owned(v.to_string())),
        other => Some(Cow::Owned(other.as_sql(true).trim_matches('\'').to_string())),
    }
}

impl<'w, W: Write> ResultWriter<'w, W> {
    /// Starts a result set with these columns (prints the header where the format has one).
    pub fn start(format: SqlFormat, out: &'w mut W, columns: &[Column]) -> io::Result<Self> {
        let columns: Vec<(String, ColumnKind)> = columns
            .iter()
            .map(|c| (c.name_str().into_owned(), ColumnKind::of(c)))
            .collect();
        match format {
            SqlFormat::Csv => {
                let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
                write_csv_record(out, names.iter().map(|n| Some(n.as_bytes())))?;
            }
            SqlFormat::Tsv => {
                let names: Vec<String> = columns.iter().map(|(n, _)| tsv_escape(n.as_bytes())).collect();
                writeln!(out, "{}", names.join("\t"))?;
            }
            SqlFormat::Json => write!(out, "[")?,
            SqlFormat::Table | SqlFormat::Vertical => {}
        }
        Ok(ResultWriter {
            format,
            out,
            columns,
            rows: 0,
            table_rows: Vec::new(),
            visible_controls: false,
        })
    }

    /// Shows control characters in table and vertical output as escapes (when printing to a
    /// terminal, where they would be obeyed, not seen).
    pub fn showing_controls(mut self, visible_controls: bool) -> Self {
        self.visible_controls = visible_controls;
        self
    }

    /// A value as the human formats show it.
    fn shown(&self, value: &Value) -> String {
        let text = value_text(value).unwrap_or(Cow::Borrowed("NULL"));
        if self.visible_controls {
            visible(&text).into_owned()
        } else {
            text.into_owned()
        }
    }

    pub fn row(&mut self, values: &[Value]) -> io::Result<()> {
        self.rows += 1;
        match self.format {
            SqlFormat::Csv => write_csv_record(self.out, values.iter().map(value_bytes)),
            SqlFormat::Tsv => {
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        self.out.write_all(b"\t")?;
                    }
                    match value_bytes(value) {
                        None => self.out.write_all(b"NULL")?,
                        Some(bytes) => self.out.write_all(tsv_escape(&bytes).as_bytes())?,
                    }
                }
                self.out.write_all(b"\n")
            }
            SqlFormat::Json => {
                self.out.write_all(if self.rows == 1 { b"\n{" } else { b",\n{" })?;
                for (i, ((name, kind), value)) in self.columns.iter().zip(values).enumerate() {
                    if i > 0 {
                        self.out.write_all(b",")?;
                    }
                    serde_json::to_writer(&mut *self.out, name)?;
                    self.out.write_all(b":")?;
                    write_json_value(self.out, *kind, value)?;
                }
                self.out.write_all(b"}")
            }
            SqlFormat::Vertical => {
                let width = self.columns.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0);
                writeln!(
                    self.out,
                    "*************************** {}. row ***************************",
                    self.rows
                )?;
                for ((name, _), value) in self.columns.iter().zip(values) {
                    let text = self.shown(value);
                    writeln!(self.out, "{name:>width$}: {text}")?;
                }
                Ok(())
            }
            SqlFormat::Table => {
                let row = values.iter().map(|v| self.shown(v)).collect();
                self.table_rows.push(row);
                Ok(())
            }
        }
    }

    /// Ends the result set; returns its number of rows.
    pub fn finish(self) -> io::Result<u64> {
        match self.format {
            SqlFormat::Json => writeln!(self.out, "{}]", if self.rows > 0 { "\n" } else { "" })?,
            SqlFormat::Table => {
                let header = self.columns.into_iter().map(|(n, _)| n).collect();
                writeln!(self.out, "{}", crate::output::table(header, self.table_rows))?;
            }
            _ => {}
        }
        self.out.flush()?;
        Ok(self.rows)
    }
}

fn value_bytes(value: &Value) -> Option<Cow<'_, [u8]>> {
    match value {
        Value::Bytes(bytes) => Some(Cow::Borrowed(bytes.as_slice())),
        other => value_text(other).map(|t| Cow::Owned(t.into_owned().into_bytes())),
    }
}

/// RFC 4180: a field is quoted when it holds a comma, quote or line break; NULL is empty.
fn write_csv_record<'a, W: Write>(
    out: &mut W,
    fields: impl Iterator<Item = Option<impl AsRef<[u8]> + 'a>>,
) -> io::Result<()> {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let Some(field) = field else { continue };
        let bytes = field.as_ref();
        if bytes.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            out.write_all(b"\"")?;
            for chunk in bytes.split(|&b| b == b'"').enumerate() {
                if chunk.0 > 0 {
                    out.write_all(b"\"\"")?;
                }
                out.write_all(chunk.1)?;
            }
            out.write_all(b"\"")?;
        } else {
            out.write_all(bytes)?;
        }
    }
    out.write_all(b"\n")
}

/// `mysql --batch`'s escaping: tab, newline, backslash and NUL as `\t`, `\n`, `\\`, `\0`.
fn tsv_escape(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if !text.contains(['\t', '\n', '\\', '\0']) {
        return text.into_owned();
    }
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\0', "\\0")
}

fn write_json_value<W: Write>(out: &mut W, kind: ColumnKind, value: &Value) -> io::Result<()> {
    let Some(text) = value_text(value) else {
        return out.write_all(b"null");
    };
    let number = match kind {
        ColumnKind::Integer => text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok(),
        ColumnKind::Float => text.parse::<f64>().is_ok_and(f64::is_finite),
        ColumnKind::Text => false,
    };
    if number {
        out.write_all(text.as_bytes())
    } else {
        serde_json::to_writer(out, &text).map_err(io::Error::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let mut out = Vec::new();
        write_csv_record(&mut out, [Some("a"), Some("b,\"c\""), None, Some("😀")].into_iter()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a,\"b,\"\"c\"\"\",,😀\n");
    }

    #[test]
    fn tsv_escapes_like_mysql_batch() {
        assert_eq!(tsv_escape(b"a\tb\nc\\"), "a\\tb\\nc\\\\");
    }
}
