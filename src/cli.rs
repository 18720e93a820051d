//! The command line, as clap sees it: the only module that knows about clap.

use clap::Parser;

/// custctl: send, invoke, tail and query the Customer SQS -> Lambda -> MySQL pipeline.
#[derive(Debug, Parser)]
#[command(name = "custctl", version, about, long_about = None)]
pub struct Cli {}
