//! Everything custctl does that differs between Linux and macOS: child processes that must die
//! with their parent, reading another process's state (and who listens on a port), signals, and
//! the terminal. This crate is
//! the only place in custctl that calls libc or reads `/proc` (CI greps for it), so the rest of
//! the code builds on both. What is portable is written once with `nix`, `signal-hook` and
//! `rpassword`; what is not lives in `linux.rs` or `macos.rs` behind `cfg`.

mod listener;
mod process;
pub mod signals;
pub mod terminal;

#[cfg(target_os = "linux")]
#[path = "linux.rs"]
mod sys;
#[cfg(not(target_os = "linux"))]
#[path = "macos.rs"]
mod sys;

pub use listener::{loopback_listener, LoopbackListener, PortHolder};
pub use process::{
    current_user_name, detach_from_terminal, end_process_group, find_program, free_loopback_port, is_process, is_root,
    peak_rss_mib, pending_bytes, process_alive, process_name, process_start_token, signal_child, signal_pid,
    signal_process, MissingProgram, ParentDeathSignal,
};
