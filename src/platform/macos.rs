//! macOS (and other Unix systems without `/proc`): `ps` for another process's state, `lsof` for
//! who listens on a port. macOS has no parent-death signal; custctl's guards end their children
//! on every exit they see, and only a SIGKILL of custctl itself can leave a child behind there.

use crate::listener::{LoopbackListener, PortHolder};
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

/// Who listens on `127.0.0.1:port`, from `lsof`. Without root, `lsof` shows no other user's
/// sockets; so when none it shows listens but a connection is accepted, the listener is
/// another user's (a connection sends nothing: the caller has not spoken yet).
pub fn loopback_listener(port: u16, expected: u32) -> std::io::Result<LoopbackListener> {
    let seen = listening_processes(port)?;
    if let Some(other) = seen.iter().find(|holder| holder.pid != Some(expected)) {
        return Ok(LoopbackListener::Other(other.clone()));
    }
    if !seen.is_empty() {
        return Ok(LoopbackListener::Expected);
    }
    let probe = std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port));
    if std::net::TcpStream::connect_timeout(&probe, std::time::Duration::from_secs(1)).is_err() {
        return Ok(LoopbackListener::Nobody);
    }
    // The expected process may have begun to listen between the two looks.
    if listening_processes(port)?
        .iter()
        .any(|holder| holder.pid == Some(expected))
    {
        return Ok(LoopbackListener::Expected);
    }
    Ok(LoopbackListener::Other(PortHolder {
        pid: None,
        command: None,
        uid: None,
    }))
}

/// The processes `lsof` shows listening on TCP `port` (any address: one that does not take
/// 127.0.0.1 only makes the check stricter). `-F pcu`: a `p<pid>` line starts each process,
/// then `c<command>` and `u<uid>`; lsof exits 1 when it finds nothing.
fn listening_processes(port: u16) -> std::io::Result<Vec<PortHolder>> {
    let out = Command::new("lsof")
        .args(["-nP", &format!("-iTCP:{port}"), "-sTCP:LISTEN", "-Fpcu"])
        .output()
        .map_err(|e| std::io::Error::new(e.kind(), format!("running lsof: {e}")))?;
    let mut holders: Vec<PortHolder> = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some((field, value)) = line.get(..1).zip(line.get(1..)) else {
            continue;
        };
        if field == "p" {
            holders.push(PortHolder {
                pid: value.parse().ok(),
                command: None,
                uid: None,
            });
        } else if let Some(holder) = holders.last_mut() {
            match field {
                "c" => holder.command = Some(value.to_string()),
                "u" => holder.uid = value.parse().ok(),
                _ => {}
            }
        }
    }
    Ok(holders)
}
