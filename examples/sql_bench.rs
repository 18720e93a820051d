//! `custctl sql --format csv` against `mariadb --batch`, exporting the same 1,000,000 rows
//! through the local stack's bastion, alternating in one run.
//!
//! custctl is timed from process start to exit: RDS and Secrets Manager discovery and its own
//! ssh tunnel included. `mariadb --batch` goes through a tunnel to the same bastion that this
//! benchmark opened beforehand with the same `TunnelGuard`, so its time is the query alone.
//! The password reaches mariadb through MYSQL_PWD, never argv. custctl's peak RSS comes from
//! wait4's rusage.
//!
//! `cargo run --release --example sql_bench [-- ROWS [ROUNDS]]` (default 1,000,000 and 3).
//! It builds the release binaries itself and needs MariaDB (server and client) and OpenSSH.

#[path = "support/mod.rs"]
mod support;

use custctl::commands::sql::tunnel::{BastionSpec, TunnelGuard};
use mysql::prelude::Queryable;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

const QUERY: &str = "SELECT id, name, email, amount, created FROM bench_rows ORDER BY id";

/// Runs `command` with stdout to /dev/null; returns (seconds, peak RSS in MiB).
fn timed(mut command: Command) -> (f64, f64) {
    let started = Instant::now();
    // Reaped below by wait4, which (unlike Child::wait) also gives the child's rusage.
    #[allow(clippy::zombie_processes)]
    let child = command.stdout(Stdio::null()).spawn().expect("spawns");
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid, and wait4 reaps exactly our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(pid, child.id() as i32);
    assert!(
        std::process::ExitStatus::from_raw(status).success(),
        "{command:?} failed"
    );
    // Linux reports ru_maxrss in KiB.
    (seconds, usage.ru_maxrss as f64 / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args.next().map_or(1_000_000, |n| n.parse().expect("ROWS is a number"));
    let rounds: usize = args.next().map_or(3, |n| n.parse().expect("ROUNDS is a number"));
    let bin = support::release_dir();
    let state_dir = tempfile::tempdir().unwrap();
    let info = support::up_stack(&bin, state_dir.path(), &["--fresh"]);
    let db_port = info["db_port"].as_u64().unwrap() as u16;
    let password = std::fs::read_to_string(state_dir.path().join("db-password")).unwrap();
    let password = password.trim().to_string();

    let started = Instant::now();
    let opts = mysql::OptsBuilder::new()
        .ip_or_hostname(Some("127.0.0.1"))
        .tcp_port(db_port)
        .prefer_socket(false)
        .user(Some("ingest"))
        .pass(Some(password.clone()))
        .db_name(Some("customers"));
    let mut conn = mysql::Conn::new(opts).unwrap();
    conn.query_drop(
        "CREATE TABLE bench_rows (id INT PRIMARY KEY, name VARCHAR(64), email VARCHAR(96), \
         amount DECIMAL(10,2), created DATETIME)",
    )
    .unwrap();
    conn.query_drop(format!(
        "INSERT INTO bench_rows SELECT seq, CONCAT('Customer ', seq), CONCAT('c', seq, '@example.com'), \
         seq % 100000 / 100, '2026-01-01' + INTERVAL seq SECOND FROM seq_1_to_{rows}"
    ))
    .unwrap();
    println!("filled {rows} rows in {:.1} s", started.elapsed().as_secs_f64());

    let bastion = &info["bastion"];
    let spec = BastionSpec {
        user: bastion["user"].as_str().map(str::to_string),
        host: "127.0.0.1".into(),
        port: bastion["port"].as_u64().map(|p| p as u16),
        identity: Some(PathBuf::from(bastion["identity"].as_str().unwrap())),
        known_hosts: Some(PathBuf::from(bastion["known_hosts"].as_str().unwrap())),
    };
    let tunnel = TunnelGuard::open(&spec, "127.0.0.1", db_port).expect("tunnel for mariadb");

    let mut best_custctl = (f64::MAX, 0.0f64);
    let mut best_mariadb = f64::MAX;
    for round in 1..=rounds {
        let mut command = support::custctl(&bin, state_dir.path());
        command.args(["--local", "--quiet", "sql", "--format", "csv", "-e", QUERY]);
        let (seconds, rss) = timed(command);
        best_custctl = (best_custctl.0.min(seconds), best_custctl.1.max(rss));

        let mut command = Command::new("mariadb");
        command
            .args(["--no-defaults", "--batch", "--protocol=tcp", "--host=127.0.0.1"])
            .arg(format!("--port={}", tunnel.local_port))
            .args(["--user=ingest", "--database=customers", "-e", QUERY])
            .env("MYSQL_PWD", &password);
        let (mariadb_seconds, _) = timed(command);
        best_mariadb = best_mariadb.min(mariadb_seconds);
        println!(
            "round {round}: custctl {:.2} s ({:.1} MiB peak), mariadb --batch {:.2} s",
            seconds, rss, mariadb_seconds
        );
    }
    drop(tunnel);
    let custctl_rate = rows as f64 / best_custctl.0;
    let mariadb_rate = rows as f64 / best_mariadb;
    println!(
        "best of {rounds}: custctl sql --format csv {:.0} rows/s, mariadb --batch {:.0} rows/s, ratio {:.0} %, custctl peak RSS {:.1} MiB",
        custctl_rate,
        mariadb_rate,
        100.0 * custctl_rate / mariadb_rate,
        best_custctl.1
    );
    let _ = support::custctl(&bin, state_dir.path())
        .args(["local", "down"])
        .output();
}
