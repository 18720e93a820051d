//! Linux: `/proc` for another process's state and for who listens on a port, `prctl` for the
//! parent-death signal.

use crate::listener::{LoopbackListener, PortHolder};
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

/// Who listens on `127.0.0.1:port`: the listening sockets of `/proc/net/tcp` and `tcp6` (every
/// user's, with the owner's uid) whose address takes connections to 127.0.0.1, then whether
/// their inodes are among `expected`'s open sockets (`/proc/<pid>/fd/* -> socket:[inode]`).
pub fn loopback_listener(port: u16, expected: u32) -> std::io::Result<LoopbackListener> {
    use procfs::net::TcpState;
    let table = procfs::net::tcp()
        .and_then(|v4| Ok(v4.into_iter().chain(procfs::net::tcp6()?)))
        .map_err(std::io::Error::other)?;
    let listening: Vec<(u64, u32)> = table
        .filter(|entry| {
            entry.state == TcpState::Listen
                && entry.local_address.port() == port
                && takes_ipv4_loopback(entry.local_address.ip())
        })
        .map(|entry| (entry.inode, entry.uid))
        .collect();
    if listening.is_empty() {
        return Ok(LoopbackListener::Nobody);
    }
    // An expected process that has ended (or is a zombie) holds no socket: every listener is
    // then another's.
    let expected = procfs::process::Process::new(i32::try_from(expected).unwrap_or(i32::MAX)).ok();
    let not_expected = |inode: u64| !expected.as_ref().is_some_and(|process| holds_socket(process, inode));
    Ok(match listening.into_iter().find(|&(inode, _)| not_expected(inode)) {
        None => LoopbackListener::Expected,
        Some((inode, uid)) => LoopbackListener::Other(holder_of(inode, uid)),
    })
}

/// Whether a socket bound to `ip` receives connections to 127.0.0.1. An IPv6 `::` socket does
/// unless it is `IPV6_V6ONLY`, which `/proc` does not show: it counts, to be safe.
fn takes_ipv4_loopback(ip: std::net::IpAddr) -> bool {
    let v4 = match ip {
        std::net::IpAddr::V4(v4) => v4,
        std::net::IpAddr::V6(v6) if v6.is_unspecified() => return true,
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4,
            None => return false,
        },
    };
    v4 == std::net::Ipv4Addr::LOCALHOST || v4.is_unspecified()
}

/// Whether one of `process`'s open files is the socket `inode` (`/proc/<pid>/fd/N ->
/// socket:[inode]`).
fn holds_socket(process: &procfs::process::Process, inode: u64) -> bool {
    process
        .fd()
        .is_ok_and(|mut fds| fds.any(|fd| fd.is_ok_and(|fd| fd.target == procfs::process::FDTarget::Socket(inode))))
}

/// The process that holds socket `inode`, as far as `/proc` shows it: another user's open
/// files are hidden from all but root, so then only the socket's uid is known.
fn holder_of(inode: u64, uid: u32) -> PortHolder {
    let pid = procfs::process::all_processes()
        .ok()
        .and_then(|mut processes| processes.find_map(|process| process.ok().filter(|p| holds_socket(p, inode))))
        .and_then(|process| u32::try_from(process.pid()).ok());
    PortHolder {
        pid,
        command: pid.and_then(process_name),
        uid: Some(uid),
    }
}
