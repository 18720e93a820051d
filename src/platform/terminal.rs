//! The terminal: a password read with echo off, and the terminal as it was afterwards, even when
//! Ctrl-C (or SIGTERM, SIGHUP) ends custctl during the prompt.

use crate::signals;
use nix::sys::termios::{tcgetattr, tcsetattr, SetArg};
use std::fs::OpenOptions;

/// Prompts on the controlling terminal (`/dev/tty`) and reads a line without echo.
pub fn prompt_password(prompt: &str) -> std::io::Result<String> {
    let tty = OpenOptions::new().read(true).write(true).open("/dev/tty")?;
    let saved = tcgetattr(&tty).map_err(std::io::Error::from)?;
    // rpassword restores the terminal when it returns, but a signal ends the process without
    // returning: the signal thread restores it then.
    signals::route_termination_signals().map_err(std::io::Error::other)?;
    let restore = signals::add_exit_hook(Box::new(move || {
        let _ = tcsetattr(&tty, SetArg::TCSANOW, &saved);
        eprintln!();
    }));
    let answer = rpassword::prompt_password(prompt);
    signals::remove_exit_hook(restore);
    answer
}
