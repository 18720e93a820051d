//! Shared test harness: a private MariaDB per test process (a fresh database per test), the
//! function binary, and SQS events built the way the event source mapping sends them.
#![allow(dead_code)] // each test crate uses its own part of the harness

use custctl::local::mariadb::{MariaDbAdmin, MariaDbServer};
use custctl::local::process::free_loopback_port;
use mysql::prelude::Queryable;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where test servers keep their files: inside cargo's target dir, short enough for a socket path.
pub fn scratch_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("custctl-tests");
    std::fs::create_dir_all(&root).unwrap();
    root
}

/// A directory for one test (or one server), removed with it.
pub fn scratch_dir(label: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(label)
        .tempdir_in(scratch_root())
        .unwrap()
}

struct SharedServer {
    port: u16,
    admin: MariaDbAdmin,
}

/// One MariaDB for the whole test process. It is started, and owned, by a thread that never
/// ends, so the parent-death signal stops it when the process exits rather than when the
/// test that happened to start it returns.
fn shared_server() -> &'static SharedServer {
    static SERVER: OnceLock<SharedServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        remove_stale_server_dirs();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let dir = scratch_root().join(format!("mariadb-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let server = start_server(&dir);
            tx.send(SharedServer {
                port: server.port(),
                admin: server.admin(),
            })
            .unwrap();
            let _owned_for_the_process = server;
            loop {
                std::thread::park();
            }
        });
        rx.recv().expect("MariaDB did not start")
    })
}

/// Starts a server in `dir` on a free port, retrying if another process took the port first.
pub fn start_server(dir: &Path) -> MariaDbServer {
    let mut last = None;
    for _ in 0..5 {
        match MariaDbServer::start(dir, free_loopback_port().unwrap()) {
            Ok(server) => return server,
            Err(e) => last = Some(e),
        }
    }
    panic!("cannot start MariaDB (is mariadb-server installed?): {}", last.unwrap());
}

fn remove_stale_server_dirs() {
    let Ok(entries) = std::fs::read_dir(scratch_root()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix("mariadb-") {
            if !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// A database of a test's own, with a user and password of its own.
pub struct TestDatabase {
    pub name: String,
    pub user: String,
    pub password: String,
    pub port: u16,
}

impl TestDatabase {
    /// A fresh, empty database on the shared server.
    pub fn fresh() -> Self {
        let server = shared_server();
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        let db = TestDatabase {
            name: format!("t_{}", &suffix[..16]),
            user: format!("u_{}", &suffix[..12]),
            password: format!("pw'\"{}", &suffix[16..]),
            port: server.port,
        };
        server.admin.ensure_database(&db.name, &db.user, &db.password).unwrap();
        db
    }

    pub fn url(&self) -> String {
        format!(
            "mysql://{}:{}@127.0.0.1:{}/{}",
            self.user,
            percent_encode(&self.password),
            self.port,
            self.name
        )
    }

    pub fn opts(&self) -> mysql::Opts {
        customer_ingest::config::DbSettings::from_url(&self.url())
            .unwrap()
            .opts()
    }

    /// Every row of `Customer`, ordered by id.
    pub fn rows(&self) -> Vec<(i32, String)> {
        let mut conn = mysql::Conn::new(self.opts()).unwrap();
        conn.query("SELECT CustID, Name FROM Customer ORDER BY CustID").unwrap()
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The `customer-ingest` binary, built by cargo (once per test process) beside the tests.
pub fn function_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let mut build = std::process::Command::new(env!("CARGO"));
            build.args(["build", "--quiet", "-p", "customer-ingest", "--bin", "customer-ingest"]);
            if !cfg!(debug_assertions) {
                build.arg("--release");
            }
            assert!(
                build.status().unwrap().success(),
                "cargo build -p customer-ingest failed"
            );
            let profile_dir = std::env::current_exe()
                .unwrap()
                .parent()
                .unwrap()
                .parent()
                .unwrap()
                .to_path_buf();
            profile_dir.join("customer-ingest")
        })
        .clone()
}

/// An SQS event as the event source mapping builds it, one record per `(messageId, body)`.
pub fn sqs_event(records: &[(&str, &str)]) -> aws_lambda_events::event::sqs::SqsEvent {
    let records: Vec<serde_json::Value> = records
        .iter()
        .map(|(id, body)| {
            serde_json::json!({
                "messageId": id,
                "receiptHandle": format!("rh-{id}"),
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1763859600000",
                    "SenderId": "AIDAEXAMPLE",
                    "ApproximateFirstReceiveTimestamp": "1763859600001"
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:customers",
                "awsRegion": "us-east-1"
            })
        })
        .collect();
    serde_json::from_value(serde_json::json!({ "Records": records })).unwrap()
}

/// `(messageId, body)` pairs for customers `ids`, named `"<prefix> <id>"`.
pub fn customer_records(ids: std::ops::Range<i32>, prefix: &str) -> Vec<(String, String)> {
    ids.map(|id| {
        (
            format!("m-{id}"),
            format!(r#"{{"CustID":{id},"Name":"{prefix} {id}"}}"#),
        )
    })
    .collect()
}

pub fn as_refs(records: &[(String, String)]) -> Vec<(&str, &str)> {
    records.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}
