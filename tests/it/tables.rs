//! Tables at a real terminal (a pty of a chosen size): narrower than the content, cells wrap
//! at spaces and keep each word whole; a pty that reports 0x0 is of unknown width, so nothing
//! wraps (it used to be laid out one character per column).

use crate::pty::{screen_lines, PtySession};
use std::time::Duration;

/// The lines `custctl send --dry-run` shows at a terminal of `columns` x `rows`.
fn dry_run_at(columns: u16, rows: u16) -> Vec<String> {
    let mut command = custctl_test_support::custctl();
    command.args(["-q", "send", "--dry-run", "--id", "404", "--name", "Rodolfo Avelino"]);
    let mut session = PtySession::spawn_sized(command, columns, rows);
    let (status, raw) = session.finish(Duration::from_secs(30));
    assert!(status.success(), "{raw}");
    screen_lines(&raw)
}

/// The words inside the table's cells.
fn words(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|line| line.split(|c: char| c.is_whitespace() || "│┆┌┐└┘├┤┬┴┼─".contains(c)))
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn a_table_narrower_than_its_content_wraps_at_spaces_and_keeps_words_whole() {
    let wide = dry_run_at(160, 40);
    let narrow = dry_run_at(24, 40);
    assert!(narrow.len() > wide.len(), "nothing wrapped:\n{}", narrow.join("\n"));
    assert!(
        narrow.iter().all(|line| line.chars().count() <= 24),
        "wider than the terminal:\n{}",
        narrow.join("\n")
    );
    let mut expected = words(&wide);
    let mut shown = words(&narrow);
    expected.sort();
    shown.sort();
    assert_eq!(shown, expected, "a word was cut:\n{}", narrow.join("\n"));
}

#[test]
fn a_terminal_that_reports_0x0_is_of_unknown_width() {
    let lines = dry_run_at(0, 0);
    let row = |label: &str| lines.iter().find(|line| line.contains(label)).cloned();
    let skipped = row("skipped (--skip)").unwrap_or_else(|| panic!("{}", lines.join("\n")));
    assert!(skipped.contains("┆ 0"), "{skipped}");
    let queue = row("queue").unwrap_or_else(|| panic!("{}", lines.join("\n")));
    assert!(queue.contains("customers"), "{queue}");
}
