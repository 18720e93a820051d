//! The terminal, both ways: text from outside (database values, log lines, stream names)
//! made safe to print to it (what could steer it is shown as an escape instead of being sent),
//! and the one typed confirmation that `sql` and `dlq purge` ask for before they destroy.

use std::borrow::Cow;
use std::io::{BufRead, IsTerminal};

/// `text` with every character that could steer a terminal shown as an escape: C0 and C1
/// controls and DEL (`\x1B`, `\n`, `\t`), and the bidirectional overrides that reorder what
/// the eye sees (`\u{202E}`). Customer names (from the queue, so from whoever can send to it),
/// log lines and stream names are anyone's text.
pub fn visible(text: &str) -> Cow<'_, str> {
    let steers = |c: char| {
        c.is_control() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(steers) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => shown.push_str("\\n"),
            '\t' => shown.push_str("\\t"),
            '\r' => shown.push_str("\\r"),
            c if c.is_control() && (c as u32) < 0x100 => shown.push_str(&format!("\\x{:02X}", c as u32)),
            c if steers(c) => shown.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => shown.push(c),
        }
    }
    Cow::Owned(shown)
}

/// Whether the user, at a terminal, typed `expected` (a name: "y" is too easy to type by
/// reflex) after `warning`, prompted as `Type {what} ({expected}) to {action}: ` on stderr.
/// Not at a terminal nobody can confirm: no.
pub fn confirmed_by_typing(warning: &str, what: &str, expected: &str, action: &str) -> std::io::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("{warning}\nType {what} ({}) to {action}: ", visible(expected));
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim() == expected)
}
