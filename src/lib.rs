//! custctl as a library, so that `tests/` and `examples/` drive the same code as the binary.

pub mod aws;
pub mod cli;
pub mod commands;
pub mod config;
pub mod invoke_event;
pub mod local;
pub mod logs;
pub mod output;
pub mod progress;
pub mod result_writer;
pub mod source;
pub mod statements;
pub mod tunnel;
