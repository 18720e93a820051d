//! One module per verb (a folder where a verb has more than one file). `run` dispatches the
//! parsed command line to them.

pub mod completions;
pub mod db;
pub mod dlq;
pub mod init;
pub mod invoke;
pub mod local;
pub mod logs;
pub mod send;
pub mod sql;
pub mod status;
pub mod trace;

use crate::cli::{Cli, Command};
use std::process::ExitCode;

/// Runs the command; the exit code for success or a reported partial failure.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Send(args) => send::run(&cli.global, &args),
        Command::Local(command) => local::run(&cli.global, command),
        Command::Invoke(args) => invoke::run(&cli.global, args),
        Command::Logs(args) => logs::run(&cli.global, &args),
        Command::Db(args) => db::run(&cli.global, &args),
        Command::Sql(args) => sql::run(&cli.global, &args),
        Command::Init(args) => init::run(&cli.global, &args),
        Command::Status(args) => status::run(&cli.global, &args),
        Command::Dlq(command) => dlq::run(&cli.global, command),
        Command::Trace(args) => trace::run(&cli.global, &args),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man(args) => completions::man(&cli.global, &args),
    }
}
