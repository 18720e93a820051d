//! The bastion: the real OpenSSH `sshd` (Debian's `openssh-server`) in front of the local
//! database, as a jump host sits in front of RDS. Key login only, no shell, and local
//! forwarding allowed only to the database's address, so `custctl sql` reaches MariaDB exactly
//! as it reaches a private RDS instance: through `ssh -L`.

use anyhow::{bail, Context, Result};
use custctl_platform::{find_program, is_root, signal_child, ParentDeathSignal};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The files of the bastion under `<state dir>/bastion/`: its host key, the client key that
/// may log in, the known_hosts entry clients should trust, its config and log.
#[derive(Debug, Clone)]
pub struct BastionFiles {
    pub dir: PathBuf,
}

impl BastionFiles {
    pub fn new(state_dir: &Path) -> Self {
        BastionFiles {
            dir: state_dir.join("bastion"),
        }
    }
    pub fn host_key(&self) -> PathBuf {
        self.dir.join("ssh_host_ed25519_key")
    }
    /// The private key a client logs in with (`ssh -i`).
    pub fn client_key(&self) -> PathBuf {
        self.dir.join("id_ed25519")
    }
    pub fn authorized_keys(&self) -> PathBuf {
        self.dir.join("authorized_keys")
    }
    pub fn known_hosts(&self) -> PathBuf {
        self.dir.join("known_hosts")
    }
    pub fn config(&self) -> PathBuf {
        self.dir.join("sshd_config")
    }
    /// sshd's log (LogLevel DEBUG1, the lowest level that names each forward it opens): logins,
    /// and each forward it opened or refused.
    pub fn log(&self) -> PathBuf {
        self.dir.join("sshd.log")
    }
    fn port_file(&self) -> PathBuf {
        self.dir.join("port")
    }
}

/// A running `sshd`. Dropping it stops the daemon.
pub struct BastionServer {
    child: Option<Child>,
    pub port: u16,
    pub user: String,
    pub files: BastionFiles,
}

impl BastionServer {
    /// Starts sshd on 127.0.0.1 (the port of the previous run when it is free), letting the
    /// client key in as the current user and forwarding only to `127.0.0.1:db_port`.
    pub fn start(state_dir: &Path, db_port: u16) -> Result<BastionServer> {
        let sshd = find_program("sshd", "openssh-server")?;
        let files = BastionFiles::new(state_dir);
        std::fs::create_dir_all(&files.dir).with_context(|| format!("creating {}", files.dir.display()))?;
        generate_key(&files.host_key(), "custctl local bastion host key")?;
        generate_key(&files.client_key(), "custctl local bastion client key")?;
        std::fs::copy(files.client_key().with_extension("pub"), files.authorized_keys())
            .context("writing the bastion's authorized_keys")?;
        // sshd refuses to start without its privilege-separation directory.
        if is_root() {
            std::fs::create_dir_all("/run/sshd").context("creating /run/sshd (sshd's privilege separation dir)")?;
        }
        let user = current_user()?;
        let port = std::fs::read_to_string(files.port_file())
            .ok()
            .and_then(|p| p.trim().parse().ok())
            .filter(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
            .map_or_else(custctl_platform::free_loopback_port, Ok)?;
        std::fs::write(files.config(), sshd_config(&files, port, db_port, &user)?)?;
        let host_public = std::fs::read_to_string(files.host_key().with_extension("pub"))?;
        let host_public: Vec<&str> = host_public.split_whitespace().take(2).collect();
        std::fs::write(
            files.known_hosts(),
            format!("[127.0.0.1]:{port} {}\n", host_public.join(" ")),
        )?;
        let mut command = Command::new(sshd);
        command
            .arg("-D")
            .arg("-f")
            .arg(files.config())
            .arg("-E")
            .arg(files.log())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .die_with_parent();
        let child = command.spawn().context("starting sshd")?;
        let mut server = BastionServer {
            child: Some(child),
            port,
            user,
            files,
        };
        server.wait_ready(Duration::from_secs(10))?;
        std::fs::write(server.files.port_file(), port.to_string())?;
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Ready when the daemon greets with its SSH banner.
    fn wait_ready(&mut self, limit: Duration) -> Result<()> {
        use std::io::Read;
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut banner = [0u8; 4];
                if stream.read_exact(&mut banner).is_ok() && &banner == b"SSH-" {
                    return Ok(());
                }
            }
            let exited = self.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(Some(_))));
            if exited || Instant::now() > deadline {
                self.stop();
                let log = std::fs::read_to_string(self.files.log()).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(6).collect();
                bail!(
                    "sshd did not become ready on 127.0.0.1:{}; last lines of {}:\n{}",
                    self.port,
                    self.files.log().display(),
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal_child(&mut child, Duration::from_secs(5));
        }
    }
}

impl Drop for BastionServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The daemon's whole configuration: nothing from /etc/ssh applies.
/// The bastion's configuration; its paths quoted (a state dir may hold spaces or `%`), and
/// refused when they cannot be (a newline would inject a directive).
fn sshd_config(files: &BastionFiles, port: u16, db_port: u16, user: &str) -> Result<String> {
    use custctl_rules::ssh_config::{quoted_path, quoted_token_path};
    Ok(format!(
        "# Written by custctl local up; rewritten on every start.\n\
         ListenAddress 127.0.0.1:{port}\n\
         HostKey {host_key}\n\
         PidFile {pid_file}\n\
         AuthorizedKeysFile {authorized_keys}\n\
         AllowUsers {user}\n\
         PermitRootLogin prohibit-password\n\
         PubkeyAuthentication yes\n\
         PasswordAuthentication no\n\
         KbdInteractiveAuthentication no\n\
         UsePAM no\n\
         StrictModes no\n\
         PermitTTY no\n\
         ForceCommand /bin/false\n\
         X11Forwarding no\n\
         AllowAgentForwarding no\n\
         AllowStreamLocalForwarding no\n\
         PermitTunnel no\n\
         GatewayPorts no\n\
         AllowTcpForwarding local\n\
         PermitOpen 127.0.0.1:{db_port}\n\
         LogLevel DEBUG1\n",
        host_key = quoted_path(&files.host_key())?,
        pid_file = quoted_path(&files.dir.join("sshd.pid"))?,
        authorized_keys = quoted_token_path(&files.authorized_keys())?,
    ))
}

/// An ed25519 key pair at `path` (and `path.pub`), unless one is there already.
fn generate_key(path: &Path, comment: &str) -> Result<()> {
    if path.is_file() && path.with_extension("pub").is_file() {
        return Ok(());
    }
    let keygen = find_program("ssh-keygen", "openssh-client")?;
    let _ = std::fs::remove_file(path);
    let out = Command::new(keygen)
        .args(["-t", "ed25519", "-N", "", "-q", "-C", comment, "-f"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .context("running ssh-keygen")?;
    if !out.status.success() {
        bail!("ssh-keygen failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(())
}

/// The login name of the user custctl runs as: the one the bastion lets in.
fn current_user() -> Result<String> {
    custctl_platform::current_user_name().context("cannot tell the current user's login name (for the bastion)")
}
