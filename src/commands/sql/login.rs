//! The login over custctl's own verified TLS. The `mysql` crate can check a certificate only
//! against the address it connects to (the tunnel's 127.0.0.1, not the endpoint's name) and
//! always trusts the public web roots next to any CA bundle, so with TLS it is never given the
//! server. It logs in through a unix socket, in a directory only this user can enter, to a
//! relay in this process that holds the real connection:
//!
//! 1. the server's greeting (which must offer TLS) goes to the crate as it came;
//! 2. the crate's handshake response (user, the password's proof) stays here, while its first
//!    32 bytes, flagged CLIENT_SSL, go to the server as the SSLRequest (so the server sees
//!    exactly the capabilities the crate asked for);
//! 3. the TLS handshake must pass as the [`TlsPolicy`] demands; if it does not, the response
//!    is dropped and the crate's connection closed: no user name, no password proof, no
//!    password ever reaches that server;
//! 4. then every byte is relayed. Until the login ends (the server's OK or ERR), packet
//!    numbers differ by one: the SSLRequest was packet 1 on the server's side, unseen by the
//!    crate.

use super::tls::{read_packet, write_packet, Greeted, TlsPolicy, TlsRefusal, CHECK_TIMEOUT};
use mysql::consts::CapabilityFlags;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

/// The largest packet of a login (a handshake response with connection attributes, an auth
/// plugin's data): a few hundred bytes in practice.
const MAX_LOGIN_PACKET: usize = 64 * 1024;

/// A relay waiting for the `mysql` crate's login on [`SecureLogin::socket`].
pub struct SecureLogin {
    socket: PathBuf,
    verdict: mpsc::Receiver<Result<(), TlsRefusal>>,
}

impl SecureLogin {
    /// Connects to the server at `host:port` and reads its greeting; returns once the relay
    /// listens for the login (or why the server cannot be used: no TLS, unreachable).
    pub fn open(policy: &TlsPolicy, host: &str, port: u16) -> Result<SecureLogin, TlsRefusal> {
        let (ready_tx, ready_rx) = mpsc::channel();
        let (verdict_tx, verdict_rx) = mpsc::channel();
        let relay_policy = policy.clone();
        let host = host.to_string();
        // Its own thread and runtime: the crate is synchronous and blocks this one.
        std::thread::Builder::new()
            .name("sql-tls-relay".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                match runtime {
                    Ok(runtime) => runtime.block_on(serve(relay_policy, host, port, ready_tx, verdict_tx)),
                    Err(e) => drop(ready_tx.send(Err(relay_policy.io_error(e)))),
                }
            })
            .map_err(|e| policy.io_error(e))?;
        let socket = ready_rx
            .recv()
            .map_err(|_| policy.io_error(std::io::Error::other("the TLS relay ended")))??;
        Ok(SecureLogin {
            socket,
            verdict: verdict_rx,
        })
    }

    /// Where the crate logs in.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// After the crate's login failed: the TLS check's refusal, if that is why.
    pub fn refusal(&self) -> Option<TlsRefusal> {
        self.verdict.recv_timeout(CHECK_TIMEOUT).ok().and_then(Result::err)
    }
}

async fn serve(
    policy: TlsPolicy,
    host: String,
    port: u16,
    ready: mpsc::Sender<Result<PathBuf, TlsRefusal>>,
    verdict: mpsc::Sender<Result<(), TlsRefusal>>,
) {
    let greeted = match policy.greet(&host, port).await {
        Ok(greeted) => greeted,
        Err(refusal) => return drop(ready.send(Err(refusal))),
    };
    // 0700, said explicitly (tempfile would leave it to the umask): no other user can reach
    // the socket.
    let listening = tempfile::Builder::new()
        .prefix("custctl-sql-")
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .and_then(|dir| {
            let path = dir.path().join("login");
            let listener = UnixListener::bind(&path)?;
            Ok((dir, path, listener))
        });
    let (dir, path, listener) = match listening {
        Ok(listening) => listening,
        Err(e) => return drop(ready.send(Err(policy.io_error(e)))),
    };
    let _ = ready.send(Ok(path));
    let client = accept_from_this_process(&listener).await;
    // Nobody else can connect from here on.
    drop(listener);
    drop(dir);
    if let Some(client) = client {
        let _ = relay(&policy, greeted, client, &verdict).await;
    }
}

/// The first connection from this very process (the directory keeps other users out; this,
/// other processes of the same user), within [`CHECK_TIMEOUT`].
async fn accept_from_this_process(listener: &UnixListener) -> Option<UnixStream> {
    let deadline = tokio::time::Instant::now() + CHECK_TIMEOUT;
    loop {
        let (stream, _) = tokio::time::timeout_at(deadline, listener.accept()).await.ok()?.ok()?;
        let own = std::process::id() as i32;
        if stream.peer_cred().is_ok_and(|c| c.pid().is_none_or(|pid| pid == own)) {
            return Some(stream);
        }
    }
}

async fn relay(
    policy: &TlsPolicy,
    greeted: Greeted,
    client: UnixStream,
    verdict: &mpsc::Sender<Result<(), TlsRefusal>>,
) -> std::io::Result<()> {
    let (mut from_client, mut to_client) = client.into_split();
    write_packet(&mut to_client, 0, &greeted.greeting).await?;
    let (_, mut response) = read_packet(&mut from_client, MAX_LOGIN_PACKET).await?;
    if response.len() < 32 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "a handshake response shorter than 32 bytes",
        ));
    }
    let flags =
        u32::from_le_bytes([response[0], response[1], response[2], response[3]]) | CapabilityFlags::CLIENT_SSL.bits();
    response[..4].copy_from_slice(&flags.to_le_bytes());
    let server = match policy.secure(greeted.stream, &response[..32]).await {
        Ok(server) => {
            let _ = verdict.send(Ok(()));
            server
        }
        // Sent before the crate's connection closes, so that the refusal is there when it fails.
        Err(refusal) => {
            let _ = verdict.send(Err(refusal));
            return Ok(());
        }
    };
    let (mut from_server, mut to_server) = tokio::io::split(server);
    write_packet(&mut to_server, 2, &response).await?;
    let logged_in = AtomicBool::new(false);
    let upstream = async {
        loop {
            let mut header = [0u8; 4];
            from_client.read_exact(&mut header).await?;
            // The crate sends its first command only after the server's OK reached it.
            if logged_in.load(Ordering::SeqCst) {
                to_server.write_all(&header).await?;
                break;
            }
            let length = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
            if length > MAX_LOGIN_PACKET {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "an oversized login packet",
                ));
            }
            let mut payload = vec![0u8; length];
            from_client.read_exact(&mut payload).await?;
            write_packet(&mut to_server, header[3].wrapping_add(1), &payload).await?;
        }
        tokio::io::copy(&mut from_client, &mut to_server).await?;
        to_server.shutdown().await
    };
    let downstream = async {
        loop {
            let (sequence, payload) = read_packet(&mut from_server, MAX_LOGIN_PACKET).await?;
            // OK or ERR end the login; 0x01 (more data) and 0xFE (switch plugin) go on.
            let ends_login = matches!(payload.first(), Some(0x00 | 0xFF));
            if ends_login {
                logged_in.store(true, Ordering::SeqCst);
            }
            write_packet(&mut to_client, sequence.wrapping_sub(1), &payload).await?;
            if ends_login {
                break;
            }
        }
        tokio::io::copy(&mut from_server, &mut to_client).await?;
        to_client.shutdown().await
    };
    tokio::try_join!(upstream, downstream).map(drop)
}
