//! macOS (and other Unix systems without `/proc`): `ps` for another process's state. macOS has
//! no parent-death signal; custctl's guards end their children on every exit they see, and
//! only a SIGKILL of custctl itself can leave a child behind there.

use nix::sys::signal::Signal;
use std::process::Command;

/// No such facility on macOS: the child is ended by its guard instead.
pub fn set_parent_death_signal(_signal: Signal) -> std::io::Result<()> {
    Ok(())
}

/// One field of `ps` for `pid`, or `None` if the process is gone.
fn ps_field(pid: u32, field: &str) -> Option<String> {
    let out = Command::new("ps")
        .args(["-o", &format!("{field}="), "-p", &pid.to_string()])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

pub fn is_zombie(pid: u32) -> bool {
    ps_field(pid, "stat").is_some_and(|stat| stat.starts_with('Z'))
}

pub fn process_name(pid: u32) -> Option<String> {
    let command = ps_field(pid, "comm")?;
    Some(command.rsplit('/').next().unwrap_or(&command).to_string())
}

/// macOS reports no peak for another process; the current resident size is the best there is.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    ps_field(pid, "rss")?.parse().ok()
}

/// When `pid` started (`ps -o lstart`, to the second): with the pid, it names one process,
/// whereas a pid alone is reused.
pub fn start_token(pid: u32) -> Option<String> {
    ps_field(pid, "lstart")
}
