//! Processes: finding the programs a package installs, tying a child's life to ours, signalling
//! and inspecting other processes, and the user custctl runs as.

use crate::sys;
use nix::sys::signal::{kill, killpg, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{Pid, User};
use std::os::fd::RawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A program custctl needs is not installed.
#[derive(Debug, thiserror::Error)]
#[error("{program} not found: install it with `sudo apt-get install {package}`")]
pub struct MissingProgram {
    pub program: &'static str,
    pub package: &'static str,
}

/// Finds `program` on PATH or in the sbin directories Debian installs daemons into (which a
/// normal user's PATH often lacks).
pub fn find_program(program: &'static str, package: &'static str) -> Result<PathBuf, MissingProgram> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin"].map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .ok_or(MissingProgram { program, package })
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_loopback_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// Makes a spawned child receive a signal when the thread that spawned it dies, so that no
/// server outlives the stack or the test that started it, even after a SIGKILL (Linux; see
/// `macos.rs` for what macOS offers instead).
pub trait ParentDeathSignal {
    /// SIGTERM when the parent dies: the child may clean up.
    fn die_with_parent(&mut self) -> &mut Self;
    /// SIGKILL when the parent dies: for children with nothing to clean up.
    fn killed_with_parent(&mut self) -> &mut Self;
}

fn with_parent_death_signal(command: &mut Command, signal: Signal) {
    // SAFETY: the closure only makes one async-signal-safe system call (prctl on Linux).
    unsafe {
        command.pre_exec(move || sys::set_parent_death_signal(signal));
    }
}

impl ParentDeathSignal for Command {
    fn die_with_parent(&mut self) -> &mut Self {
        with_parent_death_signal(self, Signal::SIGTERM);
        self
    }

    fn killed_with_parent(&mut self) -> &mut Self {
        with_parent_death_signal(self, Signal::SIGKILL);
        self
    }
}

impl ParentDeathSignal for tokio::process::Command {
    fn die_with_parent(&mut self) -> &mut Self {
        with_parent_death_signal(self.as_std_mut(), Signal::SIGTERM);
        self
    }

    fn killed_with_parent(&mut self) -> &mut Self {
        with_parent_death_signal(self.as_std_mut(), Signal::SIGKILL);
        self
    }
}

/// Starts the child in a session of its own, away from our terminal, so that a Ctrl-C meant for
/// the shell does not reach it.
pub fn detach_from_terminal(command: &mut Command) -> &mut Command {
    // SAFETY: setsid is async-signal-safe and only changes the child itself.
    unsafe {
        command.pre_exec(|| nix::unistd::setsid().map(drop).map_err(std::io::Error::from));
    }
    command
}

fn pid_of(pid: u32) -> Option<Pid> {
    i32::try_from(pid).ok().filter(|&raw| raw > 0).map(Pid::from_raw)
}

/// Sends SIGTERM, waits up to `grace`, then SIGKILLs; always reaps the child.
pub fn signal_child(child: &mut Child, grace: Duration) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    // The pid is our own unreaped child, so it cannot have been recycled.
    if let Some(pid) = pid_of(child.id()) {
        let _ = kill(pid, Signal::SIGTERM);
    }
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Sends SIGTERM to `pid` (not our child), waits up to `grace` for it to go, then SIGKILLs it.
pub fn signal_pid(pid: u32, grace: Duration) {
    signal_until_gone(pid, grace, || process_alive(pid));
}

/// [`signal_pid`] for a process that is not our child, named by its pid and the
/// [`process_start_token`] recorded when it started: should the pid name another process now
/// (the recorded one ended and the pid was reused, even during the grace period), it is left
/// alone and counts as gone.
pub fn signal_process(pid: u32, start: &str, grace: Duration) {
    signal_until_gone(pid, grace, || is_process(pid, start));
}

/// Whether `pid` still names the process that started at `start`.
pub fn is_process(pid: u32, start: &str) -> bool {
    process_alive(pid) && process_start_token(pid).as_deref() == Some(start)
}

fn signal_until_gone(pid: u32, grace: Duration, alive: impl Fn() -> bool) {
    let Some(target) = pid_of(pid) else { return };
    if !alive() {
        return;
    }
    let _ = kill(target, Signal::SIGTERM);
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if !alive() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if alive() {
        let _ = kill(target, Signal::SIGKILL);
    }
}

/// SIGTERM to the process group led by our child `pid`, SIGKILL if it is still there after
/// `grace`; reaps the child.
pub fn end_process_group(pid: u32, grace: Duration) {
    let Some(group) = pid_of(pid) else { return };
    let _ = killpg(group, Signal::SIGTERM);
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        match waitpid(group, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) => std::thread::sleep(Duration::from_millis(10)),
            // Reaped now, or already reaped by someone else: either way it is gone.
            _ => return,
        }
    }
    let _ = killpg(group, Signal::SIGKILL);
}

/// Whether `pid` names a running process (a zombie is not running).
pub fn process_alive(pid: u32) -> bool {
    // Signal 0 only checks that the process exists (EPERM: it exists, but is another user's).
    pid_of(pid).is_some_and(|target| matches!(kill(target, None), Ok(()) | Err(nix::errno::Errno::EPERM)))
        && !sys::is_zombie(pid)
}

/// A token that, with the pid, names one process: the pid's start time. Record it beside a pid
/// and compare before signalling, so that a pid reused by an unrelated process is left alone.
pub fn process_start_token(pid: u32) -> Option<String> {
    sys::start_token(pid)
}

/// The process's command name, as `ps` shows it.
pub fn process_name(pid: u32) -> Option<String> {
    sys::process_name(pid)
}

/// Peak resident memory of `pid` in MiB, rounded up (Lambda's "Max Memory Used").
pub fn peak_rss_mib(pid: u32) -> Option<u64> {
    sys::peak_rss_kib(pid).map(|kib| kib.div_ceil(1024))
}

/// How many bytes wait unread in a pipe or socket (`FIONREAD`).
/// A stale fd gives an error or a wrong count, never undefined behaviour: the kernel checks it.
pub fn pending_bytes(fd: RawFd) -> Option<usize> {
    nix::ioctl_read_bad!(fionread, libc::FIONREAD, libc::c_int);
    let mut pending: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int into `pending`, which lives across the call.
    unsafe { fionread(fd, &mut pending) }.ok()?;
    usize::try_from(pending).ok()
}

/// Whether custctl runs as root (daemons then need to be told which user to be).
pub fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// The login name of the user custctl runs as.
pub fn current_user_name() -> Option<String> {
    User::from_uid(nix::unistd::geteuid())
        .ok()
        .flatten()
        .map(|user| user.name)
        .or_else(|| std::env::var("USER").ok())
}
