//! The interactive side of `custctl sql`: a rustyline prompt that shows the database and the
//! mode (`ro`/`rw`), multi-line statements ended by `;` or `\G`, `\q` to leave, and a history
//! file per endpoint that never keeps statements carrying secrets.

use super::statements::{self, carries_secret};
use super::ReplSession;
use anyhow::{Context, Result};
use rustyline::error::ReadlineError;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `$XDG_STATE_HOME/custctl/sql-history/<host>_<port>`: one history per endpoint.
pub fn history_path(host: &str, port: u16) -> PathBuf {
    let name: String = format!("{host}_{port}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::config::custctl_state_home().join("sql-history").join(name)
}

pub(super) fn run(session: &mut ReplSession, history: &Path) -> Result<ExitCode> {
    let config = rustyline::Config::builder().auto_add_history(false).build();
    let mut editor = rustyline::DefaultEditor::with_config(config).context("starting the line editor")?;
    if let Some(dir) = history.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = editor.load_history(history);
    eprintln!(
        "custctl sql: {} ({}). End statements with ; (or \\G for vertical output); \\q quits.",
        session.database(),
        if session.mode() == "rw" {
            "read-write: --write"
        } else {
            "read-only; --write allows writes"
        }
    );
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() {
            format!("{} ({})> ", session.database(), session.mode())
        } else {
            "    -> ".to_string()
        };
        let line = match editor.readline(&prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                // Ctrl-C at the prompt drops the statement being typed, as in mysql.
                buffer.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e).context("reading the next line"),
        };
        if buffer.is_empty() && matches!(line.trim(), "\\q" | "quit" | "exit" | "quit;" | "exit;") {
            break;
        }
        if !buffer.is_empty() {
            buffer.push('\n');
        }
        buffer.push_str(&line);
        let (complete, rest) = statements::split(&buffer, session.dialect());
        for statement in &complete {
            if !carries_secret(&statement.sql) {
                let entry = format!("{}{}", statement.sql, if statement.vertical { "\\G" } else { ";" });
                let _ = editor.add_history_entry(entry);
                let _ = editor.save_history(history);
                // Statements can name customers: the history is the user's alone.
                let _ = std::fs::set_permissions(history, std::os::unix::fs::PermissionsExt::from_mode(0o600));
            }
            session.run(statement)?;
        }
        buffer = rest.trim_start().to_string();
    }
    Ok(ExitCode::SUCCESS)
}
