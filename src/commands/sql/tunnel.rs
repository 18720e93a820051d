//! The SSH tunnel to a private database: the system's OpenSSH client (`ssh -N -L`), so that
//! `~/.ssh/config`, the agent, ProxyJump and known_hosts work as users expect, owned by one
//! [`TunnelGuard`] that ends it on every way out: return, error, panic (Drop), Ctrl-C, SIGTERM
//! and SIGHUP (an exit hook on the signal thread of `custctl_platform::signals`), and custctl's own death (the parent-death signal).
//!
//! Any local user can read ssh's argv, so the forward's port is no secret, and a process that
//! listens on it before ssh does would receive the login. The tunnel counts as ready only when
//! ssh's own socket is the one listening there (its inode among ssh's open files; `lsof` on
//! macOS), and every login through it checks that again first ([`TunnelEnd::verify`]). Another
//! listener is an error naming its process, and nothing is sent to it.

use crate::error::InputError;
use custctl_platform::{
    end_process_group, find_program, free_loopback_port, signals, LoopbackListener, ParentDeathSignal, PortHolder,
};
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Where and how to log in to the bastion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BastionSpec {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    pub identity: Option<PathBuf>,
    /// Trust only this known_hosts file (the local stack's); otherwise ssh's own.
    pub known_hosts: Option<PathBuf>,
}

impl BastionSpec {
    /// Parses `[user@]host[:port]`.
    pub fn parse(text: &str) -> Result<BastionSpec, String> {
        let (user, rest) = match text.rsplit_once('@') {
            Some((user, rest)) => (Some(user.to_string()), rest),
            None => (None, text),
        };
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) if !host.contains(':') => (
                host,
                Some(port.parse::<u16>().map_err(|_| format!("`{port}` is not a port"))?),
            ),
            _ => (rest, None),
        };
        // A host that starts with `-` would reach ssh as an option.
        if host.is_empty()
            || host.starts_with('-')
            || user.as_deref().is_some_and(|u| u.is_empty() || u.starts_with('-'))
        {
            return Err(format!("`{text}` is not user@host[:port]"));
        }
        Ok(BastionSpec {
            user,
            host: host.to_string(),
            port,
            identity: None,
            known_hosts: None,
        })
    }

    /// `user@host:port`, as errors name it.
    pub fn display(&self) -> String {
        let mut text = self.host.clone();
        if let Some(user) = &self.user {
            text = format!("{user}@{text}");
        }
        if let Some(port) = self.port {
            text = format!("{text}:{port}");
        }
        text
    }
}

/// Why the tunnel could not be opened (or stopped working), in words that say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TunnelError {
    #[error("the bastion {bastion} is down or unreachable: {detail} (check --bastion)")]
    BastionDown { bastion: String, detail: String },
    #[error("the bastion {bastion} refused the key: {detail} (check --identity, or your ssh agent)")]
    KeyRefused { bastion: String, detail: String },
    #[error("the bastion {bastion}'s host key is unknown or has changed: {detail} (verify it and add it to ~/.ssh/known_hosts)")]
    HostKeyUnknown { bastion: String, detail: String },
    #[error("the bastion {bastion} refused to forward to {target}: {detail}")]
    ForwardRefused {
        bastion: String,
        target: String,
        detail: String,
    },
    #[error("ssh to the bastion {bastion} failed: {detail}")]
    Other { bastion: String, detail: String },
    #[error(
        "the tunnel's local port 127.0.0.1:{port} is held by {holder}, not by custctl's ssh: that process \
         could pose as the database, so custctl sent it nothing (if it is not yours, someone may be \
         trying to catch the password)"
    )]
    PortHeld { port: u16, holder: PortHolder },
    #[error("the tunnel's ssh no longer listens on 127.0.0.1:{port}; custctl sent nothing through it")]
    Closed { port: u16 },
    #[error(
        "cannot tell who listens on the tunnel's port 127.0.0.1:{port}, so custctl sends nothing through it: {detail}"
    )]
    ListenerUnknown { port: u16, detail: String },
}

/// Tells ssh's complaints apart; `None` when its stderr names no known failure.
fn classify(stderr: &str, bastion: &str, target: &str) -> Option<TunnelError> {
    let line_with = |needle: &str| {
        stderr
            .lines()
            .find(|l| l.contains(needle))
            .map(|l| l.trim().to_string())
    };
    let bastion = bastion.to_string();
    if let Some(detail) = line_with("administratively prohibited").or_else(|| line_with("open failed")) {
        return Some(TunnelError::ForwardRefused {
            bastion,
            target: target.to_string(),
            detail,
        });
    }
    if let Some(detail) = line_with("Host key verification failed")
        .or_else(|| line_with("REMOTE HOST IDENTIFICATION HAS CHANGED"))
        .or_else(|| line_with("No ED25519 host key is known"))
    {
        return Some(TunnelError::HostKeyUnknown { bastion, detail });
    }
    if let Some(detail) = line_with("Permission denied") {
        return Some(TunnelError::KeyRefused { bastion, detail });
    }
    for needle in [
        "Connection refused",
        "Connection timed out",
        "No route to host",
        "Could not resolve hostname",
        "Network is unreachable",
        "Connection closed by",
        "Connection reset",
    ] {
        if let Some(detail) = line_with(needle) {
            return Some(TunnelError::BastionDown { bastion, detail });
        }
    }
    None
}

/// Environment variables that hold secrets custctl may have been given; ssh needs none of them.
const SECRET_VARIABLES: &[&str] = &[
    "MYSQL_PWD",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

/// The pids (= process groups) of the live tunnels, for the signal thread to end.
static LIVE_TUNNELS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn live_tunnels() -> std::sync::MutexGuard<'static, Vec<u32>> {
    LIVE_TUNNELS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The local end of a tunnel: its port, and the ssh that must be the only one listening there.
/// Once ssh listens, no other user can bind the port until ssh ends (see
/// `custctl_platform::loopback_listener`), so a check just before a login holds for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TunnelEnd {
    port: u16,
    ssh: u32,
}

impl TunnelEnd {
    /// `Ok(true)` once ssh listens, `Ok(false)` while nobody does, and an error naming the
    /// process when another one listens.
    fn ssh_listens(&self) -> Result<bool, TunnelError> {
        match custctl_platform::loopback_listener(self.port, self.ssh) {
            Ok(LoopbackListener::Nobody) => Ok(false),
            Ok(LoopbackListener::Expected) => Ok(true),
            Ok(LoopbackListener::Other(holder)) => Err(TunnelError::PortHeld {
                port: self.port,
                holder,
            }),
            Err(e) => Err(TunnelError::ListenerUnknown {
                port: self.port,
                detail: e.to_string(),
            }),
        }
    }

    /// Before each login through the tunnel: ssh still listens on the port, and alone.
    pub fn verify(&self) -> Result<(), TunnelError> {
        match self.ssh_listens()? {
            true => Ok(()),
            false => Err(TunnelError::Closed { port: self.port }),
        }
    }
}

/// A running `ssh -N -L 127.0.0.1:<local_port>:<target>`; dropping it ends ssh and reaps it.
pub struct TunnelGuard {
    child: Child,
    pub local_port: u16,
    bastion: String,
    target: String,
    stderr: Arc<Mutex<String>>,
}

impl TunnelGuard {
    /// Starts ssh and returns once the forward accepts connections.
    pub fn open(spec: &BastionSpec, target_host: &str, target_port: u16) -> anyhow::Result<TunnelGuard> {
        let ssh = find_program("ssh", "openssh-client")?;
        end_tunnels_on_signals()?;
        let target = format!("{target_host}:{target_port}");
        let mut last_error = None;
        // The port is picked free, but another process may take it before ssh binds it.
        for _ in 0..3 {
            let local_port = free_loopback_port()?;
            let mut command = Command::new(&ssh);
            command
                .args(["-N", "-T", "-L"])
                .arg(format!("127.0.0.1:{local_port}:{target_host}:{target_port}"))
                .args(["-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes"])
                .args(["-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=3"])
                .args(["-o", "ConnectTimeout=15"])
                // A ControlMaster from the user's ssh config would put the forward in a
                // background master that outlives custctl (and TunnelGuard's reach).
                .args(["-o", "ControlMaster=no", "-o", "ControlPath=none"]);
            // ssh (and any ProxyCommand it runs) gets no secret of ours.
            for secret in SECRET_VARIABLES {
                command.env_remove(secret);
            }
            if let Some(identity) = &spec.identity {
                let quoted = custctl_rules::ssh_config::quoted_token_path(identity)
                    .map_err(|e| InputError(format!("--identity: {e}")))?;
                command
                    .arg("-o")
                    .arg(format!("IdentityFile={quoted}"))
                    .args(["-o", "IdentitiesOnly=yes"]);
            }
            if let Some(known_hosts) = &spec.known_hosts {
                let quoted = custctl_rules::ssh_config::quoted_token_path(known_hosts)
                    .map_err(|e| anyhow::anyhow!("the known_hosts file (see --state-dir): {e}"))?;
                command
                    .arg("-o")
                    .arg(format!("UserKnownHostsFile={quoted}"))
                    .args(["-o", "StrictHostKeyChecking=yes"]);
            }
            if let Some(port) = spec.port {
                command.arg("-p").arg(port.to_string());
            }
            if let Some(user) = &spec.user {
                command.arg("-l").arg(user);
            }
            command
                .arg(&spec.host)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                // Its own process group: a Ctrl-C at the terminal reaches custctl only, and
                // custctl ends ssh itself, after it stopped using the tunnel.
                .process_group(0)
                .die_with_parent();
            let mut child = command.spawn().map_err(|e| anyhow::anyhow!("starting ssh: {e}"))?;
            live_tunnels().push(child.id());
            let stderr = Arc::new(Mutex::new(String::new()));
            if let Some(pipe) = child.stderr.take() {
                let sink = stderr.clone();
                std::thread::spawn(move || {
                    for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                        let mut text = sink.lock().unwrap_or_else(PoisonError::into_inner);
                        // Only the recent past matters for a diagnosis.
                        if text.len() > 16_384 {
                            text.drain(..8_192);
                        }
                        text.push_str(&line);
                        text.push('\n');
                    }
                });
            }
            let mut guard = TunnelGuard {
                child,
                local_port,
                bastion: spec.display(),
                target: target.clone(),
                stderr,
            };
            match guard.wait_ready(Duration::from_secs(30)) {
                Ok(()) => return Ok(guard),
                Err(e) => {
                    // The port was taken between picking it and ssh binding it. By a process of
                    // the user's own (another custctl's tunnel), that is chance: pick another. By
                    // another user's, it may be an attack: stop, naming it.
                    let by_chance = match &e {
                        TunnelError::PortHeld { holder, .. } => !holder.is_another_users(),
                        _ => guard.stderr_text().contains("Address already in use"),
                    };
                    drop(guard);
                    if !by_chance {
                        return Err(e.into());
                    }
                    last_error = Some(e);
                }
            }
        }
        Err(last_error
            .map(anyhow::Error::from)
            .unwrap_or_else(|| anyhow::anyhow!("no free local port for the tunnel")))
    }

    /// Ready once ssh listens on the local end. Nothing connects to the port before that is
    /// known: whoever listens there first would be talking to custctl.
    fn wait_ready(&mut self, limit: Duration) -> Result<(), TunnelError> {
        let deadline = Instant::now() + limit;
        loop {
            // First, so that a listener of another's is named even after ssh gave up on the port.
            if self.end().ssh_listens()? {
                return Ok(());
            }
            if let Ok(Some(_)) = self.child.try_wait() {
                // Let the reader thread take in ssh's last words.
                std::thread::sleep(Duration::from_millis(100));
                return Err(self.diagnose().unwrap_or_else(|| TunnelError::Other {
                    bastion: self.bastion.clone(),
                    detail: last_line(&self.stderr_text()).unwrap_or_else(|| "ssh exited".into()),
                }));
            }
            if Instant::now() > deadline {
                return Err(TunnelError::Other {
                    bastion: self.bastion.clone(),
                    detail: format!("the forward was not ready after {} s", limit.as_secs()),
                });
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Whether ssh still runs.
    pub fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// What went wrong, judging by what ssh printed.
    pub fn diagnose(&self) -> Option<TunnelError> {
        classify(&self.stderr_text(), &self.bastion, &self.target)
    }

    fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// [`TunnelEnd::verify`], and if ssh has ended, what it said about why.
    pub fn verify(&self) -> Result<(), TunnelError> {
        self.end().verify().map_err(|e| match e {
            TunnelError::Closed { .. } => self.diagnose().unwrap_or(e),
            _ => e,
        })
    }

    /// The local end, for a check before a login made away from the guard (a second thread).
    pub fn end(&self) -> TunnelEnd {
        TunnelEnd {
            port: self.local_port,
            ssh: self.child.id(),
        }
    }
}

fn last_line(text: &str) -> Option<String> {
    text.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
}

impl Drop for TunnelGuard {
    fn drop(&mut self) {
        let pid = self.child.id();
        end_process_group(pid, TUNNEL_GRACE);
        let _ = self.child.wait();
        live_tunnels().retain(|p| *p != pid);
    }
}

/// Makes a signal that ends custctl end every live tunnel first (the signal thread exits
/// without running destructors). Registered once, before the first ssh starts.
fn end_tunnels_on_signals() -> anyhow::Result<()> {
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    signals::route_termination_signals().map_err(|e| anyhow::anyhow!("installing the signal handler: {e}"))?;
    REGISTERED.call_once(|| {
        signals::add_exit_hook(Box::new(|| {
            let pids: Vec<u32> = live_tunnels().clone();
            for pid in pids {
                end_process_group(pid, TUNNEL_GRACE);
            }
        }));
    });
    Ok(())
}

/// How long ssh gets to exit on SIGTERM before it is killed.
const TUNNEL_GRACE: Duration = Duration::from_secs(1);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bastion_specs_parse() {
        let spec = BastionSpec::parse("ec2-user@bastion.example.com:2222").unwrap();
        assert_eq!(spec.user.as_deref(), Some("ec2-user"));
        assert_eq!(spec.host, "bastion.example.com");
        assert_eq!(spec.port, Some(2222));
        assert_eq!(BastionSpec::parse("jump").unwrap().port, None);
        assert!(BastionSpec::parse("-oProxyCommand=x").is_err());
        assert!(BastionSpec::parse("u@h:notaport").is_err());
    }

    #[test]
    fn ssh_failures_are_told_apart() {
        let kind = |text: &str| match classify(text, "b", "db:3306") {
            Some(TunnelError::BastionDown { .. }) => "down",
            Some(TunnelError::KeyRefused { .. }) => "key",
            Some(TunnelError::HostKeyUnknown { .. }) => "host key",
            Some(TunnelError::ForwardRefused { .. }) => "forward",
            Some(TunnelError::Other { .. }) => "other",
            // Told by who listens on the port, never by what ssh printed.
            Some(TunnelError::PortHeld { .. } | TunnelError::Closed { .. } | TunnelError::ListenerUnknown { .. }) => {
                "port"
            }
            None => "none",
        };
        for (stderr, expected) in [
            ("ssh: connect to host 127.0.0.1 port 2: Connection refused", "down"),
            ("root@127.0.0.1: Permission denied (publickey).", "key"),
            ("Host key verification failed.", "host key"),
            (
                "channel 2: open failed: administratively prohibited: open failed",
                "forward",
            ),
            ("Warning: something", "none"),
        ] {
            assert_eq!(kind(stderr), expected, "{stderr}");
        }
    }
}
