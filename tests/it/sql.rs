//! `custctl db` and `custctl sql` against `custctl local`: the real sshd as the bastion and the
//! real MariaDB behind it. The bastion forwards only to the database; queries go through it;
//! the password is in no process's argv; writes need --write; every way custctl can end leaves
//! no ssh process and no listening port behind.

use custctl_test_support::{all_pids, wait_for_child_ssh, LocalStack};
use mysql::prelude::Queryable;
use serde_json::Value;
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `custctl --local sql ...` for this stack.
fn sql(stack: &LocalStack, args: &[&str]) -> Output {
    stack.custctl().arg("--local").arg("sql").args(args).output().unwrap()
}

fn bastion(stack: &LocalStack) -> Value {
    stack.info["bastion"].clone()
}

/// `ssh -N -L <local>:127.0.0.1:<target>` through the stack's bastion, with its key.
fn plain_ssh_forward(stack: &LocalStack, local: u16, target: u16) -> std::process::Child {
    let b = bastion(stack);
    Command::new("ssh")
        .args([
            "-N",
            "-o",
            "BatchMode=yes",
            "-o",
            "ExitOnForwardFailure=yes",
            "-o",
            "StrictHostKeyChecking=yes",
        ])
        .arg("-o")
        .arg(format!("UserKnownHostsFile={}", b["known_hosts"].as_str().unwrap()))
        .arg("-i")
        .arg(b["identity"].as_str().unwrap())
        .args(["-p", &b["port"].to_string()])
        .arg("-L")
        .arg(format!("127.0.0.1:{local}:127.0.0.1:{target}"))
        .arg(format!("{}@127.0.0.1", b["user"].as_str().unwrap()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn db_password(stack: &LocalStack) -> String {
    std::fs::read_to_string(stack.state_dir().join("db-password"))
        .unwrap()
        .trim()
        .to_string()
}

fn sshd_log(stack: &LocalStack) -> String {
    std::fs::read_to_string(bastion(stack)["log"].as_str().unwrap()).unwrap_or_default()
}

#[test]
fn the_bastion_forwards_to_the_database_and_refuses_any_other_port() {
    let stack = LocalStack::up(&[]);
    let db_port = stack.info["db_port"].as_u64().unwrap() as u16;

    let local = custctl_platform::free_loopback_port().unwrap();
    let mut good = plain_ssh_forward(&stack, local, db_port);
    wait_listening(local);
    let opts = mysql::OptsBuilder::new()
        .ip_or_hostname(Some("127.0.0.1"))
        .tcp_port(local)
        .prefer_socket(false)
        .user(Some("ingest"))
        .pass(Some(db_password(&stack)))
        .db_name(Some("customers"));
    let mut conn = mysql::Conn::new(opts).unwrap();
    let one: Option<i32> = conn.query_first("SELECT 1").unwrap();
    assert_eq!(one, Some(1));
    drop(conn);
    good.kill().unwrap();
    good.wait().unwrap();

    // The stack's own HTTP endpoint is on loopback too, but not the database: refused.
    let endpoint_port: u16 = stack.endpoint.rsplit(':').next().unwrap().parse().unwrap();
    let local = custctl_platform::free_loopback_port().unwrap();
    let mut bad = plain_ssh_forward(&stack, local, endpoint_port);
    wait_listening(local);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", local)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buffer = [0u8; 16];
    // The forward closes at once: nothing (or an error) comes back.
    assert!(matches!(stream.read(&mut buffer), Ok(0) | Err(_)));
    bad.kill().unwrap();
    let mut stderr = String::new();
    bad.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    bad.wait().unwrap();
    assert!(stderr.contains("administratively prohibited"), "ssh said: {stderr}");
    let log = sshd_log(&stack);
    assert!(
        log.contains(&format!("port {endpoint_port}")) && log.contains("denied"),
        "sshd log: {log}"
    );
}

#[test]
fn db_describes_the_local_instance_and_names_the_known_ones_for_an_unknown_id() {
    let stack = LocalStack::up(&[]);
    let db_port = stack.info["db_port"].as_u64().unwrap();

    let list = stack.custctl().args(["--local", "db"]).output().unwrap();
    assert!(list.status.success(), "{}", text(&list.stderr));
    assert!(text(&list.stdout).contains("customers-db"));

    let one = stack
        .custctl()
        .args(["--local", "--db-instance", "customers-db", "--output", "json", "db"])
        .output()
        .unwrap();
    assert!(one.status.success(), "{}", text(&one.stderr));
    let json: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(json["identifier"], "customers-db");
    assert_eq!(json["endpoint"], "127.0.0.1");
    assert_eq!(json["port"], db_port);
    assert_eq!(json["status"], "available");
    assert_eq!(json["database"], "customers");
    assert_eq!(json["master_user_secret_arn"], stack.info["db_secret_arn"]);

    let waited = stack
        .custctl()
        .args(["--local", "--db-instance", "customers-db", "db", "--wait"])
        .output()
        .unwrap();
    assert!(waited.status.success(), "{}", text(&waited.stderr));
    assert!(text(&waited.stdout).contains("available"));

    let unknown = stack
        .custctl()
        .args(["--local", "--db-instance", "nope", "db"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = text(&unknown.stderr);
    assert!(
        stderr.contains("--db-instance nope") && stderr.contains("customers-db"),
        "{stderr}"
    );
    let unknown = stack
        .custctl()
        .env("CUSTCTL_DB_INSTANCE", "nope")
        .args(["--local", "db"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("error: --db-instance nope (from CUSTCTL_DB_INSTANCE): no such RDS instance"),
        "{}",
        text(&unknown.stderr)
    );
}

/// Names that break naive quoting and rendering.
const NASTY: [&str; 4] = [
    "O'Brien \"Bob\"",
    "Zoë 😀, 名前",
    "'; DROP TABLE people; --",
    "tab\there",
];

fn create_people(stack: &LocalStack) {
    let mut conn = stack.db();
    conn.query_drop("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(100), note TEXT NULL)")
        .unwrap();
    for (i, name) in NASTY.iter().enumerate() {
        conn.exec_drop("INSERT INTO people VALUES (?, ?, NULL)", (i as i32 + 1, name))
            .unwrap();
    }
}

#[test]
fn sql_through_the_bastion_returns_what_a_direct_query_returns_and_keeps_the_password_out_of_argv() {
    let stack = LocalStack::up(&[]);
    create_people(&stack);
    let direct: Vec<(i32, String)> = stack.db().query("SELECT id, name FROM people ORDER BY id").unwrap();

    let out = sql(
        &stack,
        &[
            "-e",
            "SELECT id, name, note FROM people ORDER BY id",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let through: Vec<(i32, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap() as i32,
                r["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(through, direct);
    assert!(rows[0]["note"].is_null());

    // --output json means --format json; two statements give two arrays.
    let out = stack
        .custctl()
        .args([
            "--local",
            "--output",
            "json",
            "sql",
            "-e",
            "SELECT 1 AS a; SELECT 'x' AS b",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let arrays: Vec<Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(arrays, [serde_json::json!([{"a": 1}]), serde_json::json!([{"b": "x"}])]);

    // Names print literally in every format.
    let csv = sql(
        &stack,
        &["-e", "SELECT name FROM people ORDER BY id", "--format", "csv"],
    );
    let mut reader = csv::Reader::from_reader(csv.stdout.as_slice());
    let names: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(names, NASTY);
    let table = sql(&stack, &["-e", "SELECT name FROM people ORDER BY id"]);
    for name in &NASTY[..3] {
        assert!(text(&table.stdout).contains(name), "{}", text(&table.stdout));
    }
    assert!(text(&table.stderr).contains("4 rows in set"), "{}", text(&table.stderr));
    let tsv = sql(
        &stack,
        &["-e", "SELECT name FROM people WHERE id = 4", "--format", "tsv"],
    );
    assert_eq!(text(&tsv.stdout), "name\ntab\\there\n");
    let vertical = sql(&stack, &["-e", "SELECT id, name FROM people WHERE id = 1\\G"]);
    assert!(
        text(&vertical.stdout).contains("  id: 1\nname: O'Brien \"Bob\""),
        "{}",
        text(&vertical.stdout)
    );

    // --db-user logs in as another user, with the password from MYSQL_PWD (never argv).
    let as_user = stack
        .custctl()
        .env("MYSQL_PWD", db_password(&stack))
        .args([
            "--local",
            "sql",
            "--db-user",
            "ingest",
            "--format",
            "csv",
            "-e",
            "SELECT CURRENT_USER() AS u",
        ])
        .output()
        .unwrap();
    assert!(as_user.status.success(), "{}", text(&as_user.stderr));
    assert_eq!(text(&as_user.stdout), "u\ningest@127.0.0.1\n");

    // While a query runs, no process on the machine has the password in its argv.
    let password = db_password(&stack);
    let mut slow = sleeping_sql(&stack, 3);
    let ssh = wait_for_child_ssh(slow.id());
    for pid in all_pids() {
        let argv = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        assert!(
            !text(&argv).contains(&password),
            "pid {pid} has the password in its argv"
        );
    }
    assert!(slow.wait().unwrap().success());
    assert!(!custctl_platform::process_alive(ssh));
    // The query really went through the bastion: sshd logged the forward.
    let db_port = stack.info["db_port"].as_u64().unwrap();
    assert!(
        sshd_log(&stack).contains(&format!("127.0.0.1 port {db_port}")),
        "sshd log: {}",
        sshd_log(&stack)
    );
}

#[test]
fn writes_need_write_and_keyless_updates_are_refused_even_then() {
    let stack = LocalStack::up(&[]);
    create_people(&stack);
    let insert = "INSERT INTO people VALUES (10, 'new', NULL)";
    // Refused before it is sent (the server's read-only transaction is the second guard).
    let refused = sql(&stack, &["-e", insert]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("--write"), "{}", text(&refused.stderr));
    let count: Option<i64> = stack.db().query_first("SELECT COUNT(*) FROM people").unwrap();
    assert_eq!(count, Some(4));

    let allowed = sql(&stack, &["--write", "-e", insert]);
    assert!(allowed.status.success(), "{}", text(&allowed.stderr));
    let count: Option<i64> = stack.db().query_first("SELECT COUNT(*) FROM people").unwrap();
    assert_eq!(count, Some(5));

    // Not at a terminal, nobody can type the database's name: refused.
    let keyless = sql(&stack, &["--write", "-e", "UPDATE people SET note = 'x'"]);
    assert_eq!(keyless.status.code(), Some(1));
    assert!(
        text(&keyless.stderr).contains("safe update"),
        "{}",
        text(&keyless.stderr)
    );
    let keyed = sql(&stack, &["--write", "-e", "UPDATE people SET note = 'x' WHERE id = 1"]);
    assert!(keyed.status.success(), "{}", text(&keyed.stderr));

    // An SQL error in a script: exit 1, the statement named.
    let bad = sql(&stack, &["-e", "SELECT 1; SELECT nope FROM people"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("statement 2"), "{}", text(&bad.stderr));
}

#[test]
fn bastion_down_wrong_key_and_unknown_host_key_each_say_so() {
    let stack = LocalStack::up(&[]);
    let b = bastion(&stack);
    let user = b["user"].as_str().unwrap();
    let port = b["port"].as_u64().unwrap();

    let closed = custctl_platform::free_loopback_port().unwrap();
    let down = sql(
        &stack,
        &["--bastion", &format!("{user}@127.0.0.1:{closed}"), "-e", "SELECT 1"],
    );
    assert_eq!(down.status.code(), Some(1));
    assert!(
        text(&down.stderr).contains("is down or unreachable"),
        "{}",
        text(&down.stderr)
    );

    // The stack's known_hosts, but a key the bastion does not know.
    let stranger = stack.state_dir().join("stranger");
    assert!(Command::new("ssh-keygen")
        .args(["-t", "ed25519", "-N", "", "-q", "-f"])
        .arg(&stranger)
        .status()
        .unwrap()
        .success());
    let wrong_key = sql(&stack, &["--identity", stranger.to_str().unwrap(), "-e", "SELECT 1"]);
    assert_eq!(wrong_key.status.code(), Some(1));
    assert!(
        text(&wrong_key.stderr).contains("refused the key"),
        "{}",
        text(&wrong_key.stderr)
    );

    // --bastion by hand: ssh's own known_hosts, which has never seen this host key.
    let unknown = stack
        .custctl()
        .env("HOME", stack.state_dir())
        .args(["--local", "sql", "--bastion", &format!("{user}@127.0.0.1:{port}")])
        .args(["--identity", b["identity"].as_str().unwrap(), "-e", "SELECT 1"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        text(&unknown.stderr).contains("host key is unknown"),
        "{}",
        text(&unknown.stderr)
    );
}

/// 20 runs ended by SIGINT, 20 by SIGTERM and 20 by SIGKILL: after each, no ssh process and
/// no listening tunnel port is left.
#[test]
fn every_way_of_ending_custctl_ends_its_tunnel() {
    let stack = LocalStack::up(&[]);
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGKILL] {
        for _ in 0..20 {
            let mut child = sleeping_sql(&stack, 30);
            let ssh = wait_for_child_ssh(child.id());
            let port = tunnel_port(ssh);
            wait_listening(port);
            // SAFETY: a signal to our own child.
            unsafe { libc::kill(child.id() as i32, signal) };
            let status = child.wait().unwrap();
            if signal != libc::SIGKILL {
                assert_eq!(status.code(), Some(128 + signal), "after signal {signal}");
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while custctl_platform::process_alive(ssh) || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                assert!(
                    Instant::now() < deadline,
                    "ssh {ssh} or port {port} left after signal {signal}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// `custctl --local sql -e 'SELECT SLEEP(seconds)'`, started.
fn sleeping_sql(stack: &LocalStack, seconds: u32) -> std::process::Child {
    stack
        .custctl()
        .args(["--local", "sql", "-e", &format!("SELECT SLEEP({seconds})")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The local port of ssh's `-L 127.0.0.1:PORT:...`.
pub(crate) fn tunnel_port(ssh: u32) -> u16 {
    // Right after exec the name is already `ssh` while the argument list is not yet there.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let argv = std::fs::read(format!("/proc/{ssh}/cmdline")).unwrap_or_default();
        let args: Vec<String> = argv.split(|&b| b == 0).map(text).collect();
        if let Some(at) = args.iter().position(|a| a == "-L") {
            return args[at + 1].split(':').nth(1).unwrap().parse().unwrap();
        }
        assert!(Instant::now() < deadline, "ssh {ssh} has no -L in {args:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Attack (issue 12, item 3): without --write, each of these wrote (or, LOCK TABLES, stalled
/// the function): the session's READ ONLY was lifted by a statement of the script itself. Now
/// each is refused before it is sent, naming --write, and the rows stay as they were.
#[test]
fn a_read_only_session_cannot_lift_its_guard_or_take_locks() {
    let stack = LocalStack::up(&[]);
    create_people(&stack);
    for script in [
        "SET SESSION TRANSACTION READ WRITE; DELETE FROM people WHERE id = 1",
        "START TRANSACTION READ WRITE; DELETE FROM people WHERE id = 1; COMMIT",
        "SET SESSION tx_read_only=0; DELETE FROM people WHERE id = 1",
        "SET STATEMENT tx_read_only=0 FOR INSERT INTO people VALUES (10, 'x', NULL)",
        "LOCK TABLES people READ",
        "SELECT * FROM people WHERE id = 1 FOR UPDATE",
        "/*!40000 DELETE FROM people WHERE id = 1 */",
    ] {
        let out = sql(&stack, &["-e", script]);
        assert_eq!(out.status.code(), Some(2), "{script}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("--write"), "{script}: {}", text(&out.stderr));
        let count: Option<i64> = stack.db().query_first("SELECT COUNT(*) FROM people").unwrap();
        assert_eq!(count, Some(4), "{script} changed the table");
    }
    // What cannot write still runs.
    let out = sql(
        &stack,
        &["-e", "SET NAMES utf8mb4; SHOW TABLES; SELECT COUNT(*) FROM people"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    // With --write, turning safe updates off needs the typed confirmation (nobody types it here).
    let out = sql(
        &stack,
        &[
            "--write",
            "-e",
            "SET sql_safe_updates = 0; UPDATE people SET note = 'x'",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let notes: Option<i64> = stack.db().query_first("SELECT COUNT(note) FROM people").unwrap();
    assert_eq!(notes, Some(0));
}

/// Attack (issue 12, item 4): custctl cut statements where the server does not. `--` and a
/// vertical tab is a comment to the server and the `mariadb` client, but was not to custctl,
/// so a file whose rest is one comment ran `SET SESSION TRANSACTION READ WRITE` and a DELETE
/// without --write; an executable comment `/*! ... */` was dropped as a comment; and
/// NO_BACKSLASH_ESCAPES changed where strings end. Each script here runs through the real
/// `mariadb` client and through custctl on the same table; both must leave the same rows.
#[test]
fn statements_are_cut_where_mariadb_cuts_them() {
    let stack = LocalStack::up(&[]);
    create_people(&stack);
    let attack = "SELECT 1; --\x0b; SET SESSION TRANSACTION READ WRITE; DELETE FROM people WHERE id = 1;\n";
    let dir = custctl_test_support::scratch_dir("split-");
    let file = dir.path().join("attack.sql");
    std::fs::write(&file, attack).unwrap();
    let out = sql(&stack, &["--file", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let count: Option<i64> = stack.db().query_first("SELECT COUNT(*) FROM people").unwrap();
    assert_eq!(count, Some(4), "the DELETE in the comment ran");

    let mut db = stack.db();
    db.query_drop("CREATE TABLE seen (v VARCHAR(50))").unwrap();
    let script = concat!(
        "INSERT INTO seen VALUES ('plain'); -- a comment; INSERT INTO seen VALUES ('dash-comment')\n",
        "INSERT INTO seen VALUES ('vt'); --\x0b; INSERT INTO seen VALUES ('vt-comment');\n",
        "INSERT INTO seen SELECT CONCAT('minus', 2 --1);\n",
        "/*!40000 INSERT INTO seen VALUES ('exec') */;\n",
        "/*M!100100 INSERT INTO seen VALUES ('exec-m') */;\n",
        "/* INSERT INTO seen VALUES ('block-comment') */;\n",
        "INSERT INTO seen VALUES ('it''s; quoted'); # INSERT INTO seen VALUES ('hash')\n",
        "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES');\n",
        "INSERT INTO seen VALUES ('nbe\\'); INSERT INTO seen VALUES ('after-nbe');\n",
    );
    std::fs::write(&file, script).unwrap();
    let port = stack.info["db_port"].to_string();
    let password = std::fs::read_to_string(stack.state_dir().join("db-password")).unwrap();
    let seen = |db: &mut mysql::Conn| -> Vec<String> {
        let rows: Vec<String> = db.query("SELECT v FROM seen ORDER BY v").unwrap();
        db.query_drop("DELETE FROM seen").unwrap();
        rows
    };
    let client = Command::new("mariadb")
        .args(["--no-defaults", "--protocol=tcp", "-h", "127.0.0.1", "-P", &port])
        .args(["-u", "ingest", "customers"])
        .env("MYSQL_PWD", password.trim())
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert!(client.status.success(), "mariadb: {}", text(&client.stderr));
    let by_mariadb = seen(&mut db);
    let out = sql(&stack, &["--write", "--file", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let by_custctl = seen(&mut db);
    assert_eq!(by_custctl, by_mariadb);
    assert!(by_custctl.contains(&"exec".to_string()) && by_custctl.contains(&"nbe\\".to_string()));
}

/// Attack (issue 12, item 5): the password given in MYSQL_PWD reached ssh's environment (and
/// so any ProxyCommand of the user's ssh config), and a ControlMaster in that config would
/// keep the forward in a background master that outlives custctl. While a query runs, ssh's
/// environment holds no secret and its options turn connection sharing off.
#[test]
fn ssh_gets_no_secret_and_no_control_master() {
    let stack = LocalStack::up(&[]);
    let password = db_password(&stack);
    let child = stack
        .custctl()
        .args(["--local", "sql", "--db-user", "ingest", "-e", "SELECT SLEEP(5)"])
        .env("MYSQL_PWD", &password)
        .env("AWS_SECRET_ACCESS_KEY", "not-for-ssh")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let ssh = wait_for_child_ssh(child.id());
    tunnel_port(ssh);
    let environ = std::fs::read(format!("/proc/{ssh}/environ")).unwrap();
    let environ = text(&environ);
    assert!(
        !environ.contains("MYSQL_PWD") && !environ.contains(&password),
        "ssh's environment has the password"
    );
    assert!(
        !environ.contains("not-for-ssh"),
        "ssh's environment has the AWS secret key"
    );
    let argv = text(&std::fs::read(format!("/proc/{ssh}/cmdline")).unwrap()).replace('\0', " ");
    assert!(
        argv.contains("ControlMaster=no") && argv.contains("ControlPath=none"),
        "{argv}"
    );
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// Attack (issue 12, item 5): paths went into sshd_config and ssh's `-o` options unquoted, so
/// a state dir with a space broke the bastion (or, with a newline, could add a directive).
/// A stack whose state dir has a space and a `%` in its name works end to end.
#[test]
fn a_state_dir_with_a_space_and_a_percent_sign_works() {
    let dir = tempfile::Builder::new()
        .prefix("state dir %h ")
        .tempdir_in(custctl_test_support::scratch_root())
        .unwrap();
    let stack = LocalStack::up_in(dir, &[]);
    let out = sql(&stack, &["--format", "csv", "-e", "SELECT 41 + 1 AS answer"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "answer\n42\n");
}

/// Issue 15, item 7: the stack creates the Customer table (the function's own definition) when
/// it creates the database, so it can be queried before the function's first cold start.
#[test]
fn right_after_up_fresh_the_customer_table_can_be_queried() {
    let stack = LocalStack::up(&["--fresh"]);
    let out = sql(
        &stack,
        &["-e", "SELECT COUNT(*) AS n FROM Customer", "--format", "json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["n"], 0, "{rows}");
    let columns: Vec<(String, String)> = stack
        .db()
        .query("SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'customers' AND TABLE_NAME = 'Customer' ORDER BY ORDINAL_POSITION")
        .unwrap();
    assert_eq!(
        columns,
        [
            ("CustID".to_string(), "int(11)".to_string()),
            ("Name".to_string(), "varchar(255)".to_string())
        ]
    );
}
