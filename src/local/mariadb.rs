//! The real MariaDB server (Debian's `mariadb-server`), run privately: its own datadir, socket
//! and loopback port, stopped with the process that started it.
//!
//! Other users of the machine can reach its TCP port, so nothing there may be an open door:
//! the administrator logs in only through the unix socket, as the OS user that runs the
//! server (`unix_socket` authentication), inside a directory only that user can enter (0700);
//! no root account takes TCP; files are read and written only inside the server's own
//! directory (`secure_file_priv`), and `LOAD DATA LOCAL` is off.
//!
//! RDS serves TLS with a certificate for its endpoint; this server does when its directory
//! holds one: `tls/server-cert.pem` and `tls/server-key.pem` (custctl makes none; a test or a
//! developer who wants to try `custctl sql --ssl-mode` against the stack puts them there).

use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use custctl_platform::{find_program, is_root, signal_child, MissingProgram, ParentDeathSignal};

/// Why the server could not be run.
#[derive(Debug, thiserror::Error)]
pub enum MariaDbError {
    #[error(transparent)]
    Missing(#[from] MissingProgram),
    #[error("{what}: {source}")]
    Io { what: String, source: std::io::Error },
    #[error("mariadb-install-db failed in {datadir}: {output}")]
    InstallDb { datadir: PathBuf, output: String },
    #[error("mariadbd did not become ready on 127.0.0.1:{port}; last lines of {log}:\n{tail}")]
    NotReady { port: u16, log: PathBuf, tail: String },
    #[error("MariaDB refused an admin statement: {}", server_reason(.0))]
    Admin(#[from] mysql::Error),
}

/// The server's or the socket's own words (`ERROR 1396 (HY000): ...`), without the `mysql`
/// crate's Rust wrapper around them (`MySqlError { ... }`). The admin connection is a unix
/// socket: no TLS, no URL, so those two are the errors it meets.
fn server_reason(err: &mysql::Error) -> String {
    match err {
        mysql::Error::MySqlError(e) => e.to_string(),
        mysql::Error::IoError(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// A running `mariadbd`. Dropping it stops the server (SIGTERM, then SIGKILL after 10 s).
pub struct MariaDbServer {
    child: Option<Child>,
    dir: PathBuf,
    port: u16,
}

impl MariaDbServer {
    /// Starts a server whose files all live under `dir` (created, and initialised on first use),
    /// listening on `127.0.0.1:port`. Existing data in `dir` is kept.
    pub fn start(dir: &Path, port: u16) -> Result<Self, MariaDbError> {
        let mariadbd = find_program("mariadbd", "mariadb-server")?;
        let datadir = dir.join("data");
        let files = dir.join("files");
        for private in [dir, files.as_path()] {
            make_private_dir(private).map_err(|source| MariaDbError::Io {
                what: format!("creating {} (mode 0700)", private.display()),
                source,
            })?;
        }
        if !datadir.join("mysql").is_dir() {
            install_db(&datadir)?;
        }
        let log = dir.join("mariadb.err");
        let mut command = Command::new(mariadbd);
        command
            .arg("--no-defaults")
            .arg(format!("--datadir={}", datadir.display()))
            .arg(format!("--port={port}"))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--socket={}", socket_path(dir).display()))
            .arg(format!("--pid-file={}", dir.join("mariadbd.pid").display()))
            .arg(format!("--log-error={}", log.display()))
            .arg("--skip-name-resolve")
            // `SELECT ... INTO OUTFILE` and `LOAD_FILE` only inside the server's own private
            // directory, never as the developer anywhere on the machine.
            .arg(format!("--secure-file-priv={}", files.display()))
            .arg("--local-infile=0")
            .arg("--character-set-server=utf8mb4")
            .arg("--collation-server=utf8mb4_unicode_ci")
            .arg("--max-connections=500")
            .arg("--innodb-buffer-pool-size=128M")
            // Each commit reaches the OS at once, but is flushed to disk about once a second:
            // a killed server loses nothing, only a crash of the whole machine could.
            .arg("--innodb-flush-log-at-trx-commit=2")
            .args(tls_arguments(dir))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .die_with_parent();
        if is_root() {
            command.arg("--user=root");
        }
        let child = command.spawn().map_err(|source| MariaDbError::Io {
            what: "starting mariadbd".into(),
            source,
        })?;
        let mut server = MariaDbServer {
            child: Some(child),
            dir: dir.to_path_buf(),
            port,
        };
        server.wait_ready(Duration::from_secs(30))?;
        server.admin().drop_network_root_accounts()?;
        Ok(server)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The unix socket, where the OS user running the server logs in as the administrator.
    pub fn socket(&self) -> PathBuf {
        socket_path(&self.dir)
    }

    /// Root access to this server.
    pub fn admin(&self) -> MariaDbAdmin {
        MariaDbAdmin { socket: self.socket() }
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<(), MariaDbError> {
        let deadline = Instant::now() + limit;
        loop {
            if self.admin().connect().is_ok() {
                return Ok(());
            }
            let exited = self.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(Some(_))));
            if exited || Instant::now() > deadline {
                self.kill();
                let log = self.dir.join("mariadb.err");
                return Err(MariaDbError::NotReady {
                    port: self.port,
                    tail: tail_of(&log, 8),
                    log,
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the server process has ended (crashed, or was killed from outside).
    pub fn has_exited(&mut self) -> bool {
        match self.child.as_mut() {
            Some(child) => !matches!(child.try_wait(), Ok(None)),
            None => true,
        }
    }

    /// Stops the server cleanly: SIGTERM, then SIGKILL if it has not exited within 10 s.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal_child(&mut child, Duration::from_secs(10));
        }
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Administrator access to a running server, over its unix socket, as the OS user that runs
/// it (`unix_socket` authentication: no password exists to steal).
#[derive(Debug, Clone)]
pub struct MariaDbAdmin {
    socket: PathBuf,
}

impl MariaDbAdmin {
    pub fn connect(&self) -> Result<Conn, MariaDbError> {
        let user = admin_user();
        let connect = |user: &str| {
            let opts = OptsBuilder::new()
                .socket(Some(self.socket.to_string_lossy().into_owned()))
                .user(Some(user))
                .prefer_socket(true);
            Conn::new(opts)
        };
        // A datadir made by an older custctl has only `root@localhost` (password-less, socket).
        Ok(connect(&user).or_else(|e| if user == "root" { Err(e) } else { connect("root") })?)
    }

    /// Drops every `root` account but the socket's `root@localhost`: datadirs made by older
    /// custctl versions (`--auth-root-authentication-method=normal`) have password-less roots
    /// on 127.0.0.1, ::1 and the host name, which any local user could log in as.
    fn drop_network_root_accounts(&self) -> Result<(), MariaDbError> {
        let mut admin = self.connect()?;
        let hosts: Vec<String> =
            admin.query("SELECT Host FROM mysql.user WHERE User = 'root' AND Host <> 'localhost'")?;
        for host in hosts {
            admin.query_drop(format!("DROP USER 'root'@{}", quote_literal(&host)))?;
        }
        Ok(())
    }

    /// Creates `database` if it does not exist, and a user that owns it, reachable over TCP
    /// from loopback with `password`.
    pub fn ensure_database(&self, database: &str, user: &str, password: &str) -> Result<(), MariaDbError> {
        let mut admin = self.connect()?;
        admin.query_drop(format!("CREATE DATABASE IF NOT EXISTS {}", quote_identifier(database)))?;
        // Account statements take no placeholders, hence the quoting.
        let account = format!("{}@'127.0.0.1'", quote_literal(user));
        let password = quote_literal(password);
        admin.query_drop(format!("CREATE USER IF NOT EXISTS {account} IDENTIFIED BY {password}"))?;
        admin.query_drop(format!("ALTER USER {account} IDENTIFIED BY {password}"))?;
        admin.query_drop(format!("GRANT ALL ON {}.* TO {account}", quote_identifier(database)))?;
        Ok(())
    }

    /// Runs `statements` (idempotent ones: `CREATE TABLE IF NOT EXISTS ...`) in `database`.
    pub fn create_schema(&self, database: &str, statements: &[String]) -> Result<(), MariaDbError> {
        let mut admin = self.connect()?;
        admin.query_drop(format!("USE {}", quote_identifier(database)))?;
        statements
            .iter()
            .try_for_each(|statement| admin.query_drop(statement))?;
        Ok(())
    }
}

impl Drop for MariaDbServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The OS user the server runs as, who is also its administrator through the socket.
fn admin_user() -> String {
    custctl_platform::current_user_name().unwrap_or_else(|| "root".to_string())
}

/// Creates `dir` (and its parents) and makes it 0700, whatever its mode was.
pub fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// `--ssl-cert` and `--ssl-key` when `dir/tls` holds a certificate and its key; else none.
fn tls_arguments(dir: &Path) -> Vec<String> {
    let cert = dir.join("tls").join("server-cert.pem");
    let key = dir.join("tls").join("server-key.pem");
    if !(cert.is_file() && key.is_file()) {
        return Vec::new();
    }
    vec![
        format!("--ssl-cert={}", cert.display()),
        format!("--ssl-key={}", key.display()),
    ]
}

fn socket_path(dir: &Path) -> PathBuf {
    dir.join("mysqld.sock")
}

fn install_db(datadir: &Path) -> Result<(), MariaDbError> {
    let install = find_program("mariadb-install-db", "mariadb-server")?;
    let mut command = Command::new(install);
    // mariadb-install-db is a shell script that splits an unquoted datadir at spaces; a
    // relative path from the datadir's parent has none (the state dir's name may).
    let (parent, name) = match (datadir.parent(), datadir.file_name()) {
        (Some(parent), Some(name)) => (parent, Path::new(".").join(name)),
        _ => (Path::new("."), datadir.to_path_buf()),
    };
    command
        .current_dir(parent)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", name.display()))
        // root@localhost and <user>@localhost by unix_socket only: no password, no TCP root
        // (`normal` would make password-less roots on 127.0.0.1 and ::1).
        .arg("--auth-root-authentication-method=socket")
        .arg(format!("--auth-root-socket-user={}", admin_user()))
        .arg("--skip-test-db")
        .stdin(Stdio::null());
    if is_root() {
        command.arg("--user=root");
    }
    let out = command.output().map_err(|source| MariaDbError::Io {
        what: "running mariadb-install-db".into(),
        source,
    })?;
    if !out.status.success() {
        let _ = std::fs::remove_dir_all(datadir);
        return Err(MariaDbError::InstallDb {
            datadir: datadir.to_path_buf(),
            output: install_db_reason(
                &String::from_utf8_lossy(&out.stderr),
                &String::from_utf8_lossy(&out.stdout),
            ),
        });
    }
    Ok(())
}

/// Why mariadb-install-db failed: the server's `[ERROR]` lines (it prints them on stderr,
/// then on stdout a long page of general advice that would bury them), else all it printed.
fn install_db_reason(stderr: &str, stdout: &str) -> String {
    let errors: Vec<&str> = stderr.lines().filter(|line| line.contains("[ERROR]")).collect();
    if errors.is_empty() {
        format!("{}\n{}", stderr.trim(), stdout.trim()).trim().to_string()
    } else {
        errors.join("\n")
    }
}

fn tail_of(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Quotes an SQL identifier with backticks.
pub fn quote_identifier(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// Quotes an SQL string literal.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::install_db_reason;

    #[test]
    fn install_db_failures_name_the_servers_errors_not_its_advice() {
        let stderr = "2026-12-07  3:27:29 0 [ERROR] InnoDB: File ./ib_logfile0 was not found\n\
                      2026-12-07  3:27:29 0 [Note] InnoDB: something\n\
                      2026-12-07  3:27:29 0 [ERROR] Aborting\n";
        let stdout = "Installation of system tables failed!\n\nPlease check all of the above\n";
        assert_eq!(
            install_db_reason(stderr, stdout),
            "2026-12-07  3:27:29 0 [ERROR] InnoDB: File ./ib_logfile0 was not found\n2026-12-07  3:27:29 0 [ERROR] Aborting"
        );
        assert_eq!(install_db_reason("", " only advice \n"), "only advice");
    }
}
