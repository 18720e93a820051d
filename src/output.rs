//! The one renderer: every result is printed either as a table for people or as JSON for
//! programs (`--output json`). The only module that knows about comfy-table.

use crate::cli::OutputFormat;
use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;
use std::io::Write;

/// A result that can be shown as rows of (field, value) pairs or serialised.
pub trait Render: Serialize {
    /// The header and the rows of the table form.
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>);

    /// A result small enough to read as one line (a message id) prints that instead of a table.
    fn line(&self) -> Option<String> {
        None
    }
}

/// Prints `result` on stdout in `format`.
pub fn print<R: Render>(format: OutputFormat, result: &R) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, result)?;
            writeln!(out)
        }
        OutputFormat::Table => {
            if let Some(line) = result.line() {
                return writeln!(out, "{line}");
            }
            let (header, rows) = result.rows();
            writeln!(out, "{}", table(header, rows))
        }
    }
}

/// A table in custctl's style: no colours when NO_COLOR is set or stdout is not a terminal.
pub fn table(header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if std::env::var_os("NO_COLOR").is_some() {
        table.force_no_tty();
    }
    if !header.is_empty() {
        table.set_header(header);
    }
    for row in rows {
        table.add_row(row);
    }
    table
}
