//! custctl as a library, so that `tests/` and `examples/` drive the same code as the binary.

pub mod aws;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod output;
pub mod progress;
pub mod retry;
pub mod similar;
pub mod source;
pub mod terminal;
