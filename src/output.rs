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

/// The most characters of one cell a table shows. A table is for reading: laying out a cell of
/// megabytes takes comfy-table time that grows faster than the cell, and nobody reads it there;
/// `--format csv|json` (sql) and `--output json` print every value whole.
pub const MAX_CELL_CHARS: usize = 4096;

/// The cell as a table shows it: at most [`MAX_CELL_CHARS`] characters (cut on a character
/// boundary), then how much was left out.
fn capped(cell: String) -> String {
    match cell.char_indices().nth(MAX_CELL_CHARS) {
        None => cell,
        Some((cut, _)) => {
            let rest = cell[cut..].chars().count();
            format!("{}… [{rest} more characters not shown in a table]", &cell[..cut])
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
        table.add_row(row.into_iter().map(capped));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_cell_is_cut_on_a_character_boundary_and_says_how_much() {
        let huge = "é".repeat(10_000_000);
        let shown = table(vec!["v".into()], vec![vec![huge]]).to_string();
        assert!(
            shown.contains("[9995904 more characters not shown in a table]"),
            "{}",
            &shown[shown.len() - 200..]
        );
        // Borders and header as wide as the cut cell, not as the 10,000,000 characters.
        assert!(
            shown.chars().count() < 6 * (MAX_CELL_CHARS + 100),
            "{} characters",
            shown.chars().count()
        );
        assert_eq!(capped("short".into()), "short");
    }
}
