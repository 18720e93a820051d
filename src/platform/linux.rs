//! Linux: `/proc` for another process's state, `prctl` for the parent-death signal.

use nix::sys::signal::Signal;

/// Asks the kernel to send `signal` to the calling process when its parent thread dies.
/// Runs between fork and exec, so it only makes async-signal-safe calls.
pub fn set_parent_death_signal(signal: Signal) -> std::io::Result<()> {
    nix::sys::prctl::set_pdeathsig(signal).map_err(std::io::Error::from)
}

/// Whether `pid` is a zombie: ended, not yet reaped (`State: Z` in `/proc/<pid>/stat`).
pub fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The command name in parentheses may itself contain ") ", so split at the last one.
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

/// The process's command name (`/proc/<pid>/comm`, at most 15 bytes).
pub fn process_name(pid: u32) -> Option<String> {
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    Some(name.trim_end().to_string())
}

/// Peak resident memory in KiB (`VmHWM` in `/proc/<pid>/status`).
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

/// When `pid` started, in clock ticks since boot (field 22 of `/proc/<pid>/stat`): with the
/// pid, it names one process for the life of the machine, whereas a pid alone is reused.
pub fn start_token(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name start at field 3 (the state); field 22 is the 20th of them.
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(19).map(str::to_string)
}
