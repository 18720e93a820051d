//! custctl as a library, so that `tests/` and `examples/` drive the same code as the binary.

pub mod cli;
pub mod commands;
pub mod local;
pub mod output;
