//! The one renderer: every result is printed either as a table for people or as JSON for
//! programs (`--output json`). The only module that knows about comfy-table.

use crate::cli::OutputFormat;
use comfy_table::{presets, ColumnConstraint, ContentArrangement, Table, Width as ComfyWidth};
use serde::Serialize;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// A result that can be shown as rows of (field, value) pairs or serialised.
pub trait Render: Serialize {
    /// The header and the rows of the table form.
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>);

    /// A result small enough to read as one line (a message id) prints that instead of a table.
    fn line(&self) -> Option<String> {
        None
    }

    /// A result of several parts (`custctl status`) shows one titled table per part; by
    /// default there is one part, [`Render::rows`], without a title.
    fn sections(&self) -> Vec<Section> {
        let (header, rows) = self.rows();
        vec![Section {
            title: String::new(),
            header,
            rows,
        }]
    }
}

/// A table's header from its column names, as [`Render::rows`] returns it.
pub fn header(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| (*name).to_owned()).collect()
}

/// One titled table of a result with several parts.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// Printed on its own line above the table; empty for none.
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Prints `result` on stdout in `format`.
pub fn print<R: Render>(format: OutputFormat, result: &R) -> std::io::Result<()> {
    let text = render(format, result)?;
    std::io::stdout().lock().write_all(text.as_bytes())
}

/// `result` as one line of JSON and a newline: one document of an NDJSON stream.
pub fn json_line<R: Serialize>(result: &R) -> std::io::Result<String> {
    Ok(serde_json::to_string(result)? + "\n")
}

/// `result` as [`print`] prints it, ending with a newline: for a caller that draws it itself
/// (`status --watch` redraws a terminal in place).
pub fn render<R: Render>(format: OutputFormat, result: &R) -> std::io::Result<String> {
    match format {
        OutputFormat::Json => Ok(serde_json::to_string_pretty(result)? + "\n"),
        OutputFormat::Table => {
            if let Some(line) = result.line() {
                return Ok(line + "\n");
            }
            let mut text = String::new();
            for (index, section) in result.sections().into_iter().enumerate() {
                if index > 0 {
                    text.push('\n');
                }
                if !section.title.is_empty() {
                    text.push_str(&section.title);
                    text.push('\n');
                }
                // A title alone ("findings: none") is a line, not an empty box.
                if !section.header.is_empty() || !section.rows.is_empty() {
                    text.push_str(&table(section.header, section.rows).to_string());
                    text.push('\n');
                }
            }
            Ok(text)
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

/// A word longer than this many columns (a URL, an ARN, a blob) is cut to fit its column; every
/// shorter word stays whole on one line of its cell. 40 keeps a message id (36) whole.
const LONGEST_UNBROKEN_WORD: usize = 40;

/// A table in custctl's style, as wide as the terminal stdout is (see [`terminal_width`]).
pub fn table(header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
    table_for_width(terminal_width(), header, rows)
}

/// The number of columns of the terminal that stdout is, if it says: `None` when stdout is not
/// a terminal, and when it reports 0 columns (a pty nobody sized, as some CI runners and
/// `docker exec` without `-t` sizes give), which means "unknown", not "no room".
fn terminal_width() -> Option<u16> {
    terminal_size::terminal_size_of(std::io::stdout()).map(|(terminal_size::Width(columns), _)| columns)
}

/// A table laid out for `width` columns: cells wrap at spaces, and a word is cut only when it
/// is longer than [`LONGEST_UNBROKEN_WORD`]; when even the words do not fit, the table is wider
/// than `width` rather than one character per column. Without a width, nothing wraps.
fn table_for_width(width: Option<u16>, header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
    let mut table = Table::new();
    // custctl measures the terminal itself: comfy-table would ask crossterm, which reports a
    // 0x0 pty as 0 columns, and lays every cell out one character wide. Tables carry no colour.
    table.load_preset(presets::UTF8_FULL_CONDENSED).force_no_tty();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| row.into_iter().map(capped).collect())
        .collect();
    let longest_words = longest_words(&header, &rows);
    if !header.is_empty() {
        table.set_header(header);
    }
    table.add_rows(rows);
    match width {
        Some(width) => {
            table
                .set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(width);
            for (column, longest) in table.column_iter_mut().zip(longest_words) {
                // Lower boundaries count the padding too.
                let least = longest.min(LONGEST_UNBROKEN_WORD) + usize::from(column.padding_width());
                column.set_constraint(ColumnConstraint::LowerBoundary(ComfyWidth::Fixed(
                    u16::try_from(least).unwrap_or(u16::MAX),
                )));
            }
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table
}

/// The display width of the longest word of each column (header included), words being what
/// comfy-table wraps between.
fn longest_words(header: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    let mut longest: Vec<usize> = Vec::new();
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        if longest.len() < row.len() {
            longest.resize(row.len(), 0);
        }
        for (cell, longest) in row.iter().zip(longest.iter_mut()) {
            let widest = cell.split_whitespace().map(UnicodeWidthStr::width).max().unwrap_or(0);
            *longest = (*longest).max(widest);
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of a table's cells, cut into words (borders and padding dropped).
    fn words_shown(shown: &str) -> Vec<&str> {
        shown
            .split(|c: char| c.is_whitespace() || "│┆┌┐└┘├┤┬┴┼─═╞╡╪".contains(c))
            .filter(|word| !word.is_empty())
            .collect()
    }

    #[test]
    fn a_narrow_width_wraps_cells_at_spaces_and_keeps_every_word_whole() {
        let phrase = "the quick brown fox jumps over the lazy dog, twice over";
        let shown = table_for_width(
            Some(40),
            vec!["field".into(), "value".into()],
            vec![
                vec!["skipped (--skip)".into(), phrase.into()],
                vec!["queue".into(), "customers".into()],
            ],
        )
        .to_string();
        assert!(shown.lines().all(|line| line.chars().count() <= 40), "{shown}");
        assert!(shown.lines().count() > 6, "nothing wrapped:\n{shown}");
        let mut expected: Vec<&str> = "field value skipped (--skip) queue customers".split(' ').collect();
        expected.extend(phrase.split(' '));
        let mut shown_words = words_shown(&shown);
        shown_words.sort_unstable();
        expected.sort_unstable();
        assert_eq!(shown_words, expected, "{shown}");
    }

    #[test]
    fn a_width_narrower_than_the_words_widens_the_table_rather_than_cut_them() {
        let shown = table_for_width(
            Some(12),
            Vec::new(),
            vec![vec!["skipped (--skip)".into(), "customers".into()]],
        )
        .to_string();
        assert_eq!(words_shown(&shown), ["skipped", "customers", "(--skip)"], "{shown}");
    }

    #[test]
    fn a_word_longer_than_the_limit_is_cut_to_fit() {
        let url = format!("https://example.com/{}", "x".repeat(200));
        let shown = table_for_width(Some(60), Vec::new(), vec![vec!["queue".into(), url.clone()]]).to_string();
        assert!(shown.lines().all(|line| line.chars().count() <= 60), "{shown}");
        assert_eq!(words_shown(&shown)[1..].concat(), url, "{shown}");
    }

    #[test]
    fn without_a_width_nothing_wraps() {
        let phrase = "the quick brown fox jumps over the lazy dog ".repeat(10);
        let shown = table_for_width(None, Vec::new(), vec![vec!["value".into(), phrase.clone()]]).to_string();
        assert_eq!(shown.lines().count(), 3, "{shown}");
        assert!(shown.contains(phrase.trim_end()), "{shown}");
    }

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
