//! One module per verb. `run` dispatches the parsed command line to them.

pub mod completions;
pub mod db;
pub mod invoke;
pub mod local;
pub mod logs;
pub mod send;
pub mod sql;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

/// Bad usage or bad input (exit code 2), as opposed to an operation that failed (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

impl From<crate::source::SourceError> for InputError {
    /// A source that cannot be read (missing file, unknown format, no messages) is bad input.
    fn from(err: crate::source::SourceError) -> Self {
        InputError(err.to_string())
    }
}

/// Runs the command; the exit code for success or a reported partial failure.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Send(args) => send::run(&cli.global, &args),
        Command::Local(command) => local::run(&cli.global, command),
        Command::Invoke(args) => invoke::run(&cli.global, args),
        Command::Logs(args) => logs::run(&cli.global, &args),
        Command::Db(args) => db::run(&cli.global, &args),
        Command::Sql(args) => sql::run(&cli.global, &args),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man => completions::man(),
    }
}
