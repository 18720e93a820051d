//! `custctl sql`: the private database, queried through the bastion. The endpoint comes from
//! RDS, the credentials from the instance's master user secret (or `--db-user` with a prompt
//! or `MYSQL_PWD`), and the connection goes through a [`TunnelGuard`]. The password stays in
//! this process: it is in no argv, no log and no output.
//!
//! Sessions are read-only unless `--write`, and `sql_safe_updates` is always on: an UPDATE or
//! DELETE without a key in its WHERE runs only after the user types the database's name.

mod login;
mod repl;
pub mod results;
pub mod statements;
pub mod tls;
pub mod tunnel;

use crate::cli::{DbConnectionArgs, GlobalArgs, OutputFormat, SqlArgs, SqlFormat, SslMode};
use crate::config::{Settings, Target};
use crate::error::InputError;
use anyhow::{Context, Result};
use login::SecureLogin;
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder};
use results::ResultWriter;
use statements::{Dialect, Statement};
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tls::{CaLocations, TlsPolicy, TlsRefusal};
use tunnel::{BastionSpec, TunnelEnd, TunnelGuard};

/// MariaDB/MySQL's "You are using safe update mode and you tried to update a table without a
/// WHERE that uses a KEY column".
const ER_UPDATE_WITHOUT_KEY_IN_SAFE_MODE: u16 = 1175;

/// "Query execution was interrupted": what a statement ends with after `KILL QUERY`.
const ER_QUERY_INTERRUPTED: u16 = 1317;

/// An error of the `mysql` crate, as a person reads it (`ERROR 1054 (42S22): Unknown column
/// ...`), not as the crate displays it (`MySqlError { ... }`).
#[derive(Debug, thiserror::Error)]
#[error("{}", customer_ingest::store::describe_error(.0))]
pub struct SqlError(pub mysql::Error);

/// The REPL stopped printing a statement's result because Ctrl-C cancelled it.
#[derive(Debug, thiserror::Error)]
#[error("the statement was cancelled")]
struct Cancelled;

/// Database credentials. The password is never shown, not even by `Debug`.
#[derive(Clone)]
pub struct Credentials {
    pub user: String,
    password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// The database to reach, as RDS and Secrets Manager describe it.
#[derive(Debug, Clone)]
pub struct DbTarget {
    pub identifier: String,
    pub host: String,
    pub port: u16,
    pub database: Option<String>,
    pub credentials: Credentials,
}

/// How to connect: where (the tunnel's local end, or the endpoint itself) and with what.
#[derive(Clone)]
struct Connector {
    host: String,
    port: u16,
    target: DbTarget,
    tls: TlsPolicy,
    write: bool,
}

impl Connector {
    /// Logs in: without TLS directly, else over custctl's own TLS ([`login`]), so that
    /// nothing of the login (user, password) reaches a server that failed the check.
    fn connect(&self) -> Result<Conn> {
        let mut init = vec!["SET SESSION sql_safe_updates = 1".to_string()];
        if !self.write {
            init.push("SET SESSION TRANSACTION READ ONLY".to_string());
        }
        let opts = OptsBuilder::new()
            .user(Some(self.target.credentials.user.clone()))
            .pass(Some(self.target.credentials.password.clone()))
            .db_name(self.target.database.clone())
            // On loopback the crate would switch to the server's unix socket, bypassing the tunnel.
            .prefer_socket(false)
            .tcp_connect_timeout(Some(Duration::from_secs(20)))
            .init(init);
        if self.tls.mode() == SslMode::Disabled {
            let opts = opts.ip_or_hostname(Some(self.host.clone())).tcp_port(self.port);
            return Conn::new(opts).map_err(|err| SqlError(err).into());
        }
        let login = SecureLogin::open(&self.tls, &self.host, self.port)?;
        let opts = opts.socket(Some(login.socket().to_string_lossy().into_owned()));
        Conn::new(opts).map_err(|err| login.refusal().map_or_else(|| SqlError(err).into(), Into::into))
    }
}

pub fn run(global: &GlobalArgs, args: &SqlArgs) -> Result<ExitCode> {
    let outcome = run_session(global, args);
    // Every tunnel guard is dropped by now.
    custctl_platform::signals::exit_if_ending_on_signal();
    outcome
}

fn run_session(global: &GlobalArgs, args: &SqlArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(global)?;
    let format = args.format.unwrap_or(match global.output {
        OutputFormat::Json => SqlFormat::Json,
        OutputFormat::Table => SqlFormat::Table,
    });
    let script = read_script(args)?;
    custctl_platform::signals::route_termination_signals()
        .map_err(|e| anyhow::anyhow!("installing the signal handler: {e}"))?;
    let DbSession {
        mut conn,
        connector,
        tunnel,
        bastion,
    } = DbSession::open(&settings, &args.connection, args.write)?;
    match script {
        Some(text) => run_script(&mut conn, &connector, &text, format, settings.quiet),
        None => {
            let history = repl::history_path(&connector.target.host, connector.target.port);
            let dialect = session_dialect(&mut conn)?;
            let mut session = ReplSession {
                conn,
                connector,
                tunnel,
                bastion,
                format,
                dialect,
            };
            repl::run(&mut session, &history)
        }
    }
}

/// A logged-in connection to the database, and the tunnel it goes through (ended when this
/// is dropped, and by Ctrl-C, SIGTERM and SIGHUP): what `custctl sql` runs statements on and
/// `custctl trace` reads a row back with.
pub struct DbSession {
    pub conn: Conn,
    connector: Connector,
    tunnel: Option<TunnelGuard>,
    bastion: Option<BastionSpec>,
}

impl DbSession {
    /// Finds the database (RDS, and its master user secret or `--db-user`), opens the tunnel
    /// through the bastion when there is one, and logs in; read-only unless `write`. Blocking,
    /// and to be called from a thread that outlives the session: the tunnel's ssh ends with the
    /// thread that started it (the parent-death signal is a thread's).
    pub fn open(settings: &Settings, connection: &DbConnectionArgs, write: bool) -> Result<DbSession> {
        let bastion = bastion_spec(settings, connection)?;
        let target = {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(discover(settings, connection))?
        };
        let tls = tls_policy(settings, &target.host, connection)?;
        let tunnel = match &bastion {
            Some(spec) => Some(TunnelGuard::open(spec, &target.host, target.port)?),
            None => None,
        };
        let connector = Connector {
            host: tunnel
                .as_ref()
                .map_or_else(|| target.host.clone(), |_| "127.0.0.1".to_string()),
            port: tunnel.as_ref().map_or(target.port, |t| t.local_port),
            target,
            tls,
            write,
        };
        let conn = connect_explained(&connector, tunnel.as_ref())?;
        Ok(DbSession {
            conn,
            connector,
            tunnel,
            bastion,
        })
    }

    /// The database's identifier, as errors name it.
    pub fn identifier(&self) -> &str {
        &self.connector.target.identifier
    }
}

/// The text of `-e` or `--file` (stdin when it is not a terminal); `None` for the REPL.
fn read_script(args: &SqlArgs) -> Result<Option<String>> {
    let text = match (&args.execute, &args.file) {
        (Some(sql), _) => sql.clone(),
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading statements from stdin")?;
            text
        }
        (None, Some(path)) => {
            std::fs::read_to_string(path).map_err(|e| InputError(format!("--file {}: {e}", path.display())))?
        }
        (None, None) if !std::io::stdin().is_terminal() => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading statements from stdin")?;
            text
        }
        (None, None) => return Ok(None),
    };
    if statements::first_statement(&text, Dialect::default()).is_none() {
        return Err(InputError("no statements to run (-e or --file is empty)".into()).into());
    }
    Ok(Some(text))
}

/// How the session reads strings now (its `sql_mode` may say NO_BACKSLASH_ESCAPES).
fn session_dialect(conn: &mut Conn) -> Result<Dialect> {
    let mode: Option<String> = conn
        .query_first("SELECT @@SESSION.sql_mode")
        .map_err(SqlError)
        .context("reading the session's sql_mode")?;
    Ok(Dialect::of_sql_mode(&mode.unwrap_or_default()))
}

/// Whether `statement` may change how the session reads strings (then the dialect is read again).
fn may_change_dialect(statement: &Statement) -> bool {
    statement.sql.to_ascii_uppercase().contains("SQL_MODE")
}

/// `--no-bastion`: none. Then `--bastion` (or CUSTCTL_BASTION), the config file's, and with
/// `--local` the stack's (with its key and known_hosts entry).
fn bastion_spec(settings: &Settings, args: &DbConnectionArgs) -> Result<Option<BastionSpec>> {
    if args.no_bastion {
        return Ok(None);
    }
    let identity = args.identity.clone().or_else(|| settings.identity.clone());
    if let Some(text) = args.bastion.as_ref().or(settings.bastion.as_ref()) {
        let mut spec = BastionSpec::parse(text).map_err(|e| InputError(format!("--bastion: {e}")))?;
        spec.identity = identity;
        spec.known_hosts = settings.known_hosts.clone();
        return Ok(Some(spec));
    }
    if let Target::Local(info) = &settings.target {
        if let Some(local) = &info.bastion {
            return Ok(Some(BastionSpec {
                user: Some(local.user.clone()),
                host: local.host.clone(),
                port: Some(local.port),
                identity: identity.or_else(|| Some(local.identity.clone())),
                known_hosts: Some(local.known_hosts.clone()),
            }));
        }
    }
    Ok(None)
}

/// The endpoint through RDS, the credentials through the master user secret or `--db-user`.
async fn discover(settings: &Settings, args: &DbConnectionArgs) -> Result<DbTarget> {
    let config = crate::aws::sdk_config(settings).await?;
    crate::aws::require_region(&config)?;
    let rds = aws_sdk_rds::Client::new(&config);
    let db = super::db::find(&rds, &settings.db_instance, &settings.cite_db_instance()).await?;
    let host = db.endpoint.clone().ok_or_else(|| {
        anyhow::anyhow!(
            "{} has no endpoint yet (status {}); wait for it with `custctl db --db-instance {} --wait`",
            db.identifier,
            db.status,
            db.identifier
        )
    })?;
    let credentials = match &args.db_user {
        Some(user) => Credentials {
            user: user.clone(),
            password: password_from_environment_or_prompt(user)?,
        },
        None => {
            let arn = db.master_user_secret_arn.clone().ok_or_else(|| {
                InputError(format!(
                    "{} has no MasterUserSecret (RDS-managed password); log in with --db-user USER (password from MYSQL_PWD or a prompt)",
                    db.identifier
                ))
            })?;
            master_credentials(&config, &arn).await?
        }
    };
    Ok(DbTarget {
        identifier: db.identifier.clone(),
        host,
        port: db.port.unwrap_or(3306),
        database: args.database.clone().or(db.database.clone()),
        credentials,
    })
}

/// The `username` and `password` of an RDS master user secret.
async fn master_credentials(config: &aws_config::SdkConfig, arn: &str) -> Result<Credentials> {
    let secrets = aws_sdk_secretsmanager::Client::new(config);
    let value = secrets.get_secret_value().secret_id(arn).send().await.map_err(|e| {
        anyhow::anyhow!(
            "reading the master user secret {arn}: {}",
            crate::aws::describe_sdk_error(&e)
        )
    })?;
    let text = value.secret_string().unwrap_or_default();
    // Parse errors could quote the secret; say only what is missing.
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|_| anyhow::anyhow!("the master user secret {arn} is not JSON with username and password"))?;
    match (json["username"].as_str(), json["password"].as_str()) {
        (Some(user), Some(password)) => Ok(Credentials {
            user: user.to_string(),
            password: password.to_string(),
        }),
        _ => anyhow::bail!("the master user secret {arn} has no username and password"),
    }
}

fn password_from_environment_or_prompt(user: &str) -> Result<String> {
    if let Ok(password) = std::env::var("MYSQL_PWD") {
        return Ok(password);
    }
    custctl_platform::terminal::prompt_password(&format!("password for {user}: ")).map_err(|e| {
        InputError(format!(
            "--db-user {user}: cannot prompt for the password ({e}); set MYSQL_PWD"
        ))
        .into()
    })
}

/// `--ssl-mode` and `--ssl-ca` (flags, then environment variables, then the config file),
/// judged for the endpoint as RDS gives it: that is the name the certificate must carry,
/// whatever address the connection goes to.
fn tls_policy(settings: &Settings, endpoint: &str, args: &DbConnectionArgs) -> Result<TlsPolicy> {
    let locations = CaLocations {
        given: args.ssl_ca.clone().or_else(|| settings.ssl_ca.clone()),
        config_file: settings.config_file.clone(),
        default: crate::config::default_ssl_ca(),
    };
    Ok(TlsPolicy::resolve(
        endpoint,
        args.ssl_mode.or(settings.ssl_mode),
        &locations,
    )?)
}

/// Connects, once the tunnel's port is known to be its ssh's, and when that fails, says
/// whether the tunnel is why.
fn connect_explained(connector: &Connector, tunnel: Option<&TunnelGuard>) -> Result<Conn> {
    if let Some(tunnel) = tunnel {
        tunnel.verify()?;
    }
    connector.connect().map_err(|err| {
        if let Some(refusal) = err.downcast_ref::<TlsRefusal>().filter(|r| r.is_verdict()) {
            return anyhow::anyhow!(
                "refusing to log in to {} as {}: {refusal}",
                connector.target.identifier,
                connector.target.credentials.user
            );
        }
        // ssh reports a refused forward only once the connection has tried it.
        std::thread::sleep(Duration::from_millis(150));
        if let Some(reason) = tunnel.and_then(TunnelGuard::diagnose) {
            return anyhow::Error::from(reason);
        }
        anyhow::anyhow!(
            "connecting to {} as {}: {err:#}",
            connector.target.identifier,
            connector.target.credentials.user,
        )
    })
}

/// Runs the script's statements in order; the first SQL error ends the run (exit 1), and so
/// does a statement a read-only session refuses (exit 2). Statements are cut one at a time,
/// in the dialect the session is in when each is reached.
fn run_script(conn: &mut Conn, connector: &Connector, text: &str, format: SqlFormat, quiet: bool) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let notes = !quiet && matches!(format, SqlFormat::Table | SqlFormat::Vertical);
    let mut dialect = session_dialect(conn)?;
    let mut rest = text;
    let mut number = 0;
    // Nothing cancels a script's statement: Ctrl-C ends the run.
    let never = AtomicBool::new(false);
    while let Some((statement, after)) = statements::first_statement(rest, dialect) {
        number += 1;
        rest = after;
        if let Err(err) = execute(conn, connector, &statement, dialect, format, &mut out, notes, &never) {
            out.flush()?;
            if let Some(sql_error) = err.downcast_ref::<SqlError>() {
                anyhow::bail!("statement {number} failed: {sql_error}");
            }
            if let Some(InputError(reason)) = err.downcast_ref::<InputError>() {
                return Err(InputError(format!("statement {number} {reason}")).into());
            }
            return Err(err);
        }
        if may_change_dialect(&statement) {
            dialect = session_dialect(conn)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Runs one statement and prints each of its result sets as its rows arrive, until
/// `cancelled` is set. Without `--write`, a statement that could write or lock is refused
/// before it is sent; with it, turning `sql_safe_updates` off needs the typed confirmation.
#[allow(clippy::too_many_arguments)]
fn execute<W: Write>(
    conn: &mut Conn,
    connector: &Connector,
    statement: &Statement,
    dialect: Dialect,
    format: SqlFormat,
    out: &mut W,
    notes: bool,
    cancelled: &AtomicBool,
) -> Result<()> {
    if !connector.write {
        if let Some(reason) = statements::read_only_refusal(&statement.sql, dialect) {
            return Err(InputError(format!(
                "refused: the session is read-only and {reason} (pass --write to allow writes)"
            ))
            .into());
        }
    } else if statements::disables_safe_updates(&statement.sql, dialect)
        && !confirmed(
            connector,
            "This statement turns sql_safe_updates off for the rest of the session.",
        )?
    {
        return Err(InputError(
            "refused: turning sql_safe_updates off needs the database's name typed at a terminal".into(),
        )
        .into());
    }
    // Ctrl-C while the user was asked to confirm: the statement is not sent.
    go_on_unless(cancelled)?;
    let format = if statement.vertical {
        SqlFormat::Vertical
    } else {
        format
    };
    let started = Instant::now();
    let refusal = match conn.query_iter(&statement.sql) {
        Ok(result) => return print_results(result, format, out, notes, started, cancelled),
        Err(err) => err,
    };
    match refusal {
        mysql::Error::MySqlError(e) if e.code == ER_UPDATE_WITHOUT_KEY_IN_SAFE_MODE && connector.write => {
            execute_confirmed_unsafe(conn, connector, statement, e, notes, cancelled)
        }
        other => Err(SqlError(other).into()),
    }
}

/// Prints each result set of a statement as its rows arrive, then its row count (on stderr).
/// Once `cancelled` is set, nothing more of it is printed.
fn print_results<W: Write>(
    mut result: mysql::QueryResult<'_, '_, '_, mysql::Text>,
    format: SqlFormat,
    out: &mut W,
    notes: bool,
    started: Instant,
    cancelled: &AtomicBool,
) -> Result<()> {
    while let Some(set) = result.iter() {
        let columns = set.columns().as_ref().to_vec();
        if columns.is_empty() {
            let affected = set.affected_rows();
            if notes {
                eprintln!("{}", affected_note(affected, started));
            }
            continue;
        }
        // Values are anyone's text: at a terminal, control characters are shown, not obeyed.
        let mut writer = ResultWriter::start(format, out, &columns)?.showing_controls(std::io::stdout().is_terminal());
        for row in set {
            go_on_unless(cancelled)?;
            writer.row(&row.map_err(SqlError)?.unwrap())?;
        }
        // A table is printed only now: a cancelled one is not printed at all.
        go_on_unless(cancelled)?;
        let rows = writer.finish()?;
        if notes {
            eprintln!(
                "{} in set ({:.2} sec)",
                if rows == 0 {
                    "Empty".to_string()
                } else {
                    format!("{rows} row{}", plural(rows))
                },
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}

/// [`Cancelled`] once Ctrl-C has cancelled the statement.
fn go_on_unless(cancelled: &AtomicBool) -> Result<()> {
    if cancelled.load(Ordering::SeqCst) {
        return Err(Cancelled.into());
    }
    Ok(())
}

/// `Query OK, 2 rows affected (0.01 sec)`: the note after a statement that changes rows, the
/// time counted from `started`.
fn affected_note(affected: u64, started: Instant) -> String {
    format!(
        "Query OK, {affected} row{} affected ({:.2} sec)",
        plural(affected),
        started.elapsed().as_secs_f64()
    )
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// An UPDATE or DELETE that safe-updates mode refused: run it only if the user, at a terminal,
/// types the database's name (a "y" is too easy to type by reflex).
fn execute_confirmed_unsafe(
    conn: &mut Conn,
    connector: &Connector,
    statement: &Statement,
    refusal: mysql::MySqlError,
    notes: bool,
    cancelled: &AtomicBool,
) -> Result<()> {
    if !std::io::stdin().is_terminal() {
        return Err(SqlError(mysql::Error::MySqlError(refusal)).into());
    }
    if !confirmed(
        connector,
        "This statement has no key in its WHERE and may change every row.",
    )? {
        return Ok(());
    }
    // Ctrl-C while the user was asked to confirm: the statement is not sent.
    go_on_unless(cancelled)?;
    // Timed from the confirmation, not from the first attempt: the typing is not the query's.
    let started = Instant::now();
    conn.query_drop("SET SESSION sql_safe_updates = 0").map_err(SqlError)?;
    let result = conn.query_iter(&statement.sql).map(|r| r.affected_rows());
    conn.query_drop("SET SESSION sql_safe_updates = 1").map_err(SqlError)?;
    let affected = result.map_err(SqlError)?;
    if notes {
        eprintln!("{}", affected_note(affected, started));
    }
    Ok(())
}

/// Whether the user, at a terminal, typed the database's name to go on after `warning`.
/// Not at a terminal nobody can confirm: no.
fn confirmed(connector: &Connector, warning: &str) -> Result<bool> {
    let name = connector
        .target
        .database
        .clone()
        .unwrap_or_else(|| connector.target.identifier.clone());
    let yes = crate::terminal::confirmed_by_typing(warning, "the database's name", &name, "run it anyway")?;
    if !yes && std::io::stdin().is_terminal() {
        eprintln!("Not run.");
    }
    Ok(yes)
}

/// What the REPL drives: the connection, reopened (with the tunnel) when it was lost.
pub(crate) struct ReplSession {
    conn: Conn,
    connector: Connector,
    tunnel: Option<TunnelGuard>,
    bastion: Option<BastionSpec>,
    format: SqlFormat,
    dialect: Dialect,
}

impl ReplSession {
    /// How the session reads strings, for cutting the next lines into statements.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// `rw` or `ro`, for the prompt.
    pub fn mode(&self) -> &'static str {
        if self.connector.write {
            "rw"
        } else {
            "ro"
        }
    }

    pub fn database(&self) -> String {
        self.connector
            .target
            .database
            .clone()
            .unwrap_or_else(|| self.connector.target.identifier.clone())
    }

    /// Runs one statement; an SQL error is printed and the session goes on. Ctrl-C while it
    /// runs cancels it (KILL QUERY on a second connection), prints one line that says so in
    /// place of its result, and keeps the session.
    pub fn run(&mut self, statement: &Statement) -> Result<()> {
        self.ensure_connected()?;
        let cancelled = Arc::new(AtomicBool::new(false));
        let killer = KillQuery {
            connector: self.connector.clone(),
            tunnel: self.tunnel.as_ref().map(TunnelGuard::end),
            connection_id: self.conn.connection_id(),
            cancelled: cancelled.clone(),
        };
        custctl_platform::signals::set_interrupt_handler(Box::new(move || killer.kill()));
        let started = Instant::now();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let result = execute(
            &mut self.conn,
            &self.connector,
            statement,
            self.dialect,
            self.format,
            &mut out,
            true,
            &cancelled,
        );
        custctl_platform::signals::clear_interrupt_handler();
        if may_change_dialect(statement) {
            self.dialect = session_dialect(&mut self.conn).unwrap_or(self.dialect);
        }
        let Err(err) = result else { return Ok(()) };
        if let Some(InputError(reason)) = err.downcast_ref::<InputError>() {
            // As the server's errors show, so that the session goes on the same way.
            eprintln!("ERROR: {reason}");
            return Ok(());
        }
        let interrupted = matches!(
            err.downcast_ref::<SqlError>(),
            Some(SqlError(mysql::Error::MySqlError(e))) if e.code == ER_QUERY_INTERRUPTED
        );
        if err.is::<Cancelled>() || interrupted {
            eprintln!(
                "{}Statement cancelled ({:.2} sec)",
                line_start(),
                started.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        match err.downcast_ref::<SqlError>() {
            Some(sql_error @ SqlError(mysql::Error::MySqlError(_))) => eprintln!("{sql_error}"),
            Some(sql_error) => {
                eprintln!("custctl: the connection was lost ({sql_error}); it is reopened on the next statement")
            }
            None => return Err(err),
        }
        Ok(())
    }

    /// Reopens the tunnel (if it dropped) and the connection (if it is gone).
    fn ensure_connected(&mut self) -> Result<()> {
        let tunnel_dropped = self.tunnel.as_mut().is_some_and(|t| !t.is_alive());
        if tunnel_dropped {
            eprintln!("custctl: the tunnel to the bastion dropped; reopening it");
            let spec = self.bastion.as_ref().context("a tunnel without a bastion")?;
            self.tunnel = None;
            let reopened = TunnelGuard::open(spec, &self.connector.target.host, self.connector.target.port)?;
            self.connector.port = reopened.local_port;
            self.tunnel = Some(reopened);
        }
        if tunnel_dropped || self.conn.ping().is_err() {
            self.conn = connect_explained(&self.connector, self.tunnel.as_ref())?;
        }
        Ok(())
    }
}

/// Cancels the running statement of one connection, from a second one.
struct KillQuery {
    connector: Connector,
    tunnel: Option<TunnelEnd>,
    connection_id: u32,
    /// Set while the statement is being cancelled: what is left of its result is not printed.
    cancelled: Arc<AtomicBool>,
}

impl KillQuery {
    /// Silent when the statement is cancelled: the REPL says so once, in place of its result.
    fn kill(&self) {
        if let Some(Err(e)) = self.tunnel.map(|end| end.verify()) {
            eprintln!(
                "{}custctl: could not cancel the statement: {e}; it goes on",
                line_start()
            );
            return;
        }
        // Set first: the statement can end with "interrupted" before KILL QUERY returns.
        self.cancelled.store(true, Ordering::SeqCst);
        let killed = self.connector.connect().and_then(|mut c| {
            c.query_drop(format!("KILL QUERY {}", self.connection_id))
                .map_err(|e| SqlError(e).into())
        });
        if let Err(e) = killed {
            self.cancelled.store(false, Ordering::SeqCst);
            eprintln!(
                "{}custctl: could not cancel the statement: {e:#}; it goes on",
                line_start()
            );
        }
    }
}

/// At a terminal, a carriage return: the line then starts over the `^C` that the terminal
/// echoed when Ctrl-C was typed.
fn line_start() -> &'static str {
    if std::io::stderr().is_terminal() {
        "\r"
    } else {
        ""
    }
}
