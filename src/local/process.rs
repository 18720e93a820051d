//! Child processes of the local stack: finding the programs Debian packages install, tying a
//! child's life to ours, and stopping it politely before forcefully.

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A program the local stack needs is not installed.
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

/// Makes a spawned child receive SIGTERM when the thread that spawned it dies, so that no
/// server outlives the stack or the test that started it, even after a SIGKILL.
pub trait ParentDeathSignal {
    fn die_with_parent(&mut self) -> &mut Self;
}

impl ParentDeathSignal for Command {
    fn die_with_parent(&mut self) -> &mut Self {
        // SAFETY: prctl is async-signal-safe and only touches the child's own attributes.
        unsafe {
            self.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            })
        }
    }
}

/// Sends SIGTERM, waits up to `grace`, then SIGKILLs; always reaps the child.
pub fn signal_child(child: &mut Child, grace: Duration) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: the pid is our own unreaped child, so it cannot have been recycled.
        unsafe { libc::kill(pid, libc::SIGTERM) };
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

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_loopback_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// Sends SIGTERM to `pid` (not our child), waits up to `grace` for it to go, then SIGKILLs it.
pub fn signal_pid(pid: u32, grace: Duration) {
    let Ok(raw) = i32::try_from(pid) else { return };
    // SAFETY: plain signals to a pid we were told about.
    unsafe { libc::kill(raw, libc::SIGTERM) };
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if !process_alive(pid) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: as above.
    unsafe { libc::kill(raw, libc::SIGKILL) };
}

/// Whether `pid` names a running process (a zombie is not running).
pub fn process_alive(pid: u32) -> bool {
    let Ok(raw) = i32::try_from(pid) else { return false };
    // SAFETY: signal 0 only checks that the process exists.
    let exists = unsafe { libc::kill(raw, 0) } == 0;
    exists
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
            s.rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
}

/// Whether custctl runs as root (daemons then need to be told which user to be).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}
