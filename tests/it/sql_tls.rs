//! `custctl sql --ssl-mode` against the local stack's real MariaDB serving TLS with a CA and
//! certificates of the test's own making (the openssl CLI), reached as RDS is: through the
//! stack's real sshd bastion, so the connection goes to the tunnel's 127.0.0.1. The stack's
//! RDS endpoint is 127.0.0.1 too, so the certificate "for the endpoint" names IP 127.0.0.1,
//! and one for any other name is the wrong name. Every login is as a user of the test's own
//! (`probe`), whose logins MariaDB's general log shows: none may reach a refused server.

use custctl_test_support::{scratch_dir, LocalStack};
use mysql::prelude::Queryable;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROBE_USER: &str = "probe";
const PROBE_PASSWORD: &str = "probe-secret-7f3a";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn openssl(args: &[&str], dir: &Path) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "openssl {args:?}: {}", text(&out.stderr));
}

/// `openssl req -new` with a fresh P-256 key in `key`, for `subject`, to `out`; `extra`
/// makes it a self-signed certificate (`-x509`) rather than a signing request.
fn new_key_and_request(dir: &Path, key: &str, out: &str, subject: &str, extra: &[&str]) {
    let mut args = vec![
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        out,
        "-subj",
        subject,
    ];
    args.extend_from_slice(extra);
    openssl(&args, dir);
}

/// A CA of the test's own: `<name>.pem` and `<name>.key` in `dir`.
fn make_ca(dir: &Path, name: &str) -> PathBuf {
    let (cert, key) = (format!("{name}.pem"), format!("{name}.key"));
    new_key_and_request(
        dir,
        &key,
        &cert,
        &format!("/CN=custctl test {name}"),
        &["-x509", "-days", "2"],
    );
    dir.join(cert)
}

/// A server certificate for `subject_alt_name` (`IP:...` or `DNS:...`) signed by the CA
/// `ca` (made by [`make_ca`]), valid for `days` (0: it expires as it is made):
/// `server-cert.pem` and `server-key.pem` in `dir`.
fn make_server_certificate(dir: &Path, ca: &str, subject_alt_name: &str, days: &str) {
    std::fs::write(
        dir.join("server.ext"),
        format!(
            "subjectAltName={subject_alt_name}\nbasicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        ),
    )
    .unwrap();
    new_key_and_request(dir, "server-key.pem", "server.csr", "/CN=customers-db", &[]);
    openssl(
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-set_serial",
            "7",
            "-days",
            days,
            "-extfile",
            "server.ext",
            "-out",
            "server-cert.pem",
        ],
        dir,
    );
}

/// The test's CAs and, when given a name, a server certificate (signed by `ca1`) for it.
struct Pki {
    dir: tempfile::TempDir,
    ca1: PathBuf,
    ca2: PathBuf,
}

impl Pki {
    fn new(server_name: Option<&str>) -> Pki {
        let dir = scratch_dir("pki-");
        let ca1 = make_ca(dir.path(), "ca1");
        let ca2 = make_ca(dir.path(), "ca2");
        if let Some(name) = server_name {
            make_server_certificate(dir.path(), "ca1", name, "2");
        }
        Pki { dir, ca1, ca2 }
    }

    fn ca1(&self) -> &str {
        self.ca1.to_str().unwrap()
    }

    fn ca2(&self) -> &str {
        self.ca2.to_str().unwrap()
    }
}

/// A local stack whose MariaDB serves TLS with `pki`'s server certificate (or none), with
/// the `probe` user and MariaDB's general log on.
fn stack_serving(pki: &Pki, tls: bool) -> LocalStack {
    let dir = scratch_dir("stack-tls-");
    if tls {
        let files = dir.path().join("mariadb").join("tls");
        std::fs::create_dir_all(&files).unwrap();
        install_server_certificate(pki, &files);
    }
    let stack = LocalStack::up_in(dir, &[]);
    let mut admin = admin(&stack);
    admin
        .query_drop(format!(
            "CREATE USER '{PROBE_USER}'@'127.0.0.1' IDENTIFIED BY '{PROBE_PASSWORD}'"
        ))
        .unwrap();
    admin
        .query_drop(format!("GRANT SELECT ON customers.* TO '{PROBE_USER}'@'127.0.0.1'"))
        .unwrap();
    admin.query_drop("SET GLOBAL log_output = 'TABLE'").unwrap();
    admin.query_drop("SET GLOBAL general_log = 1").unwrap();
    stack
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Copies `pki`'s server certificate and key where the stack's MariaDB reads them.
fn install_server_certificate(pki: &Pki, files: &Path) {
    for name in ["server-cert.pem", "server-key.pem"] {
        std::fs::copy(pki.dir.path().join(name), files.join(name)).unwrap();
    }
}

/// The stack's MariaDB as its administrator (the unix socket, as this OS user).
fn admin(stack: &LocalStack) -> mysql::Conn {
    let socket = stack.state_dir().join("mariadb").join("mysqld.sock");
    let user = custctl_platform::current_user_name().unwrap_or_else(|| "root".into());
    let opts = mysql::OptsBuilder::new()
        .socket(Some(socket.to_str().unwrap()))
        .user(Some(user))
        .prefer_socket(true);
    mysql::Conn::new(opts).unwrap()
}

/// How many times `probe` has logged in (or tried to: MariaDB logs refused logins as well).
fn probe_logins(stack: &LocalStack) -> usize {
    let rows: Vec<String> = admin(stack)
        .query(format!(
            "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log \
             WHERE command_type = 'Connect' AND CONVERT(argument USING utf8mb4) LIKE '{PROBE_USER}@%'"
        ))
        .unwrap();
    rows.len()
}

/// `custctl --local sql --db-user probe` with `args`, asking for the session's TLS version.
fn sql(stack: &LocalStack, args: &[&str]) -> Output {
    sql_with(stack, args, |_| {})
}

fn sql_with(stack: &LocalStack, args: &[&str], adjust: impl FnOnce(&mut Command)) -> Output {
    let mut command = stack.custctl();
    command
        .args(["--local", "sql", "--db-user", PROBE_USER, "--format", "tsv"])
        .args(["-e", "SHOW SESSION STATUS LIKE 'Ssl_version'"])
        .args(args)
        .env("MYSQL_PWD", PROBE_PASSWORD)
        // No config file and no bundle in the default place, unless a test puts them there.
        .env("XDG_CONFIG_HOME", "/nonexistent/custctl-tests");
    adjust(&mut command);
    command.output().unwrap()
}

/// The run succeeded over TLS (the server's own `Ssl_version` says so).
fn assert_connected_over_tls(out: &Output) {
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Ssl_version\tTLSv1."),
        "{}",
        text(&out.stdout)
    );
}

fn assert_refused(out: &Output, needles: &[&str]) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("refusing to log in to customers-db as probe"),
        "{stderr}"
    );
    for needle in needles {
        assert!(stderr.contains(needle), "{needle} missing from: {stderr}");
    }
    assert!(!stderr.contains(PROBE_PASSWORD) && out.stdout.is_empty(), "{stderr}");
}

#[test]
fn the_right_ca_and_name_connect_and_an_unknown_ca_is_refused_before_the_login() {
    let pki = Pki::new(Some("IP:127.0.0.1"));
    let stack = stack_serving(&pki, true);

    assert_connected_over_tls(&sql(&stack, &["--ssl-mode", "verify-identity", "--ssl-ca", pki.ca1()]));
    // A bundle given through the environment, with no mode: verify-identity.
    assert_connected_over_tls(&sql_with(&stack, &[], |c| {
        c.env("CUSTCTL_SSL_CA", pki.ca1());
    }));
    // The bundle in its documented place (~/.config/custctl/global-bundle.pem).
    let config_home = scratch_dir("xdg-");
    std::fs::create_dir_all(config_home.path().join("custctl")).unwrap();
    std::fs::copy(&pki.ca1, config_home.path().join("custctl/global-bundle.pem")).unwrap();
    assert_connected_over_tls(&sql_with(&stack, &["--ssl-mode", "verify-identity"], |c| {
        c.env("XDG_CONFIG_HOME", config_home.path());
    }));
    // The config file's mode and bundle; a flag overrides the file's bundle.
    let project = scratch_dir("project-");
    std::fs::write(
        project.path().join("custctl.toml"),
        format!(
            "[env.tls]\nssl_mode = \"verify-identity\"\nssl_ca = \"{}\"\n",
            pki.ca1()
        ),
    )
    .unwrap();
    assert_connected_over_tls(&sql_with(&stack, &["--env", "tls"], |c| {
        c.current_dir(project.path());
    }));
    // Ten megabytes of rows, every byte through the verified session.
    let rows = stack
        .custctl()
        .args(["--local", "sql", "--db-user", PROBE_USER, "--format", "csv"])
        .args(["--ssl-mode", "verify-identity", "--ssl-ca", pki.ca1()])
        .args(["-e", "SELECT seq, REPEAT('x', 200) AS pad FROM seq_1_to_50000"])
        .env("MYSQL_PWD", PROBE_PASSWORD)
        .env("XDG_CONFIG_HOME", "/nonexistent/custctl-tests")
        .output()
        .unwrap();
    assert!(rows.status.success(), "{}", text(&rows.stderr));
    let csv = text(&rows.stdout);
    assert_eq!(csv.lines().count(), 50_001);
    assert_eq!(csv.lines().last().unwrap(), format!("50000,{}", "x".repeat(200)));
    let logins = probe_logins(&stack);
    assert_eq!(logins, 5);

    // A second CA, which did not sign the server's certificate: refused in both verify modes,
    // from the flag as from the config file overridden by it.
    for mode in ["verify-identity", "verify-ca"] {
        assert_refused(
            &sql(&stack, &["--ssl-mode", mode, "--ssl-ca", pki.ca2()]),
            &["unknown CA", pki.ca2(), "--ssl-ca"],
        );
    }
    assert_refused(
        &sql_with(&stack, &["--env", "tls", "--ssl-ca", pki.ca2()], |c| {
            c.current_dir(project.path());
        }),
        &["unknown CA", pki.ca2()],
    );
    // The environment's bundle beats the config file's too.
    assert_refused(
        &sql_with(&stack, &["--env", "tls"], |c| {
            c.current_dir(project.path()).env("CUSTCTL_SSL_CA", pki.ca2());
        }),
        &["unknown CA", pki.ca2()],
    );
    assert_eq!(probe_logins(&stack), logins, "a refused server saw a login");

    // required: encrypted, nothing verified.
    assert_connected_over_tls(&sql(&stack, &["--ssl-mode", "required"]));
}

#[test]
fn a_certificate_for_another_name_is_refused_in_verify_identity_and_accepted_in_verify_ca_an_expired_one_in_both() {
    let other = "customers-db.c0ffee.us-east-1.rds.amazonaws.com";
    let pki = Pki::new(Some(&format!("DNS:{other}")));
    let stack = stack_serving(&pki, true);

    let refused = sql(&stack, &["--ssl-mode", "verify-identity", "--ssl-ca", pki.ca1()]);
    assert_refused(&refused, &["name mismatch", other, "127.0.0.1", "--ssl-mode verify-ca"]);
    // The password never reached the server: MariaDB saw no login at all.
    assert_eq!(
        probe_logins(&stack),
        0,
        "the server that failed verification saw a login"
    );

    assert_connected_over_tls(&sql(&stack, &["--ssl-mode", "verify-ca", "--ssl-ca", pki.ca1()]));
    assert_eq!(probe_logins(&stack), 1);

    // A certificate for the right name that has expired (valid for 0 days: its notAfter is
    // the second it was made), loaded by the running server with FLUSH SSL.
    make_server_certificate(pki.dir.path(), "ca1", "IP:127.0.0.1", "0");
    install_server_certificate(&pki, &stack.state_dir().join("mariadb").join("tls"));
    let made = unix_seconds();
    admin(&stack).query_drop("FLUSH SSL").unwrap();
    // Certificates count in whole seconds: it is expired once the clock is past `made`.
    while unix_seconds() <= made {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    for mode in ["verify-identity", "verify-ca"] {
        assert_refused(
            &sql(&stack, &["--ssl-mode", mode, "--ssl-ca", pki.ca1()]),
            &["expired at"],
        );
    }
    assert_eq!(
        probe_logins(&stack),
        1,
        "the server with an expired certificate saw a login"
    );
}

#[test]
fn a_server_without_tls_is_refused_unless_the_user_disables_it_by_name() {
    let pki = Pki::new(None);
    let stack = stack_serving(&pki, false);

    for args in [
        vec!["--ssl-mode", "required"],
        vec!["--ssl-mode", "verify-ca", "--ssl-ca", pki.ca1()],
        vec!["--ssl-ca", pki.ca1()],
    ] {
        assert_refused(&sql(&stack, &args), &["offers no TLS", "--ssl-mode disabled"]);
    }
    let from_environment = sql_with(&stack, &[], |c| {
        c.env("CUSTCTL_SSL_MODE", "required");
    });
    assert_refused(&from_environment, &["offers no TLS", "--ssl-mode required demands it"]);
    assert_eq!(probe_logins(&stack), 0, "a server without TLS saw a login");

    // Loopback is plaintext by default, and `disabled` says so by name.
    for args in [vec![], vec!["--ssl-mode", "disabled"]] {
        let out = sql(&stack, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Ssl_version\t\n"), "{}", text(&out.stdout));
    }

    // A verify mode with no bundle anywhere: bad input (exit 2), saying where custctl looked.
    let out = sql(&stack, &["--ssl-mode", "verify-identity"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for needle in [
        "--ssl-ca",
        "CUSTCTL_SSL_CA",
        "global-bundle.pem",
        "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem",
    ] {
        assert!(stderr.contains(needle), "{needle} missing from: {stderr}");
    }
}
