//! Shared test harness: a private MariaDB per test process (a fresh database per test), the
//! function binary, and SQS events built the way the event source mapping sends them.

use custctl_local::mariadb::{MariaDbAdmin, MariaDbServer};
use custctl_platform::free_loopback_port;
use mysql::prelude::Queryable;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where test servers keep their files: inside cargo's target dir, short enough for a socket path.
pub fn scratch_root() -> PathBuf {
    // target/tmp, as cargo's CARGO_TARGET_TMPDIR (only set for test crates, not this library);
    // short enough for a unix socket path.
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap();
    let root = target.join("tmp").join("custctl-tests");
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

/// A binary of this workspace, from the target dir the running test was built in. Tests
/// never run cargo themselves: `cargo test --workspace` builds every package's binaries before
/// it runs any test.
pub fn workspace_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // Test binaries live in target/<profile>/deps, examples in target/<profile>/examples.
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let binary = profile_dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        binary.is_file(),
        "{} is missing: run the tests with `cargo test --workspace` (or `cargo build --workspace --bins` first)",
        binary.display()
    );
    binary
}

/// The `customer-ingest` function binary.
pub fn function_binary() -> PathBuf {
    workspace_binary("customer-ingest")
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

/// `custctl` with a hermetic environment: no AWS_* or CUSTCTL_* variable of the caller leaks in.
pub fn custctl() -> std::process::Command {
    let mut command = std::process::Command::new(workspace_binary("custctl"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("AWS_") || key.starts_with("CUSTCTL_") || key == "NO_COLOR" {
            command.env_remove(key.as_ref());
        }
    }
    command.env("HOME", scratch_root());
    // Without credentials the SDK would ask the EC2 metadata service, off loopback.
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    command
}

/// A `custctl local` stack of a test's own: its state dir, its port, its function binary
/// (a hard link, so that the test can find exactly its own function processes).
pub struct LocalStack {
    pub dir: tempfile::TempDir,
    pub endpoint: String,
    pub info: serde_json::Value,
    pub function_binary: PathBuf,
    /// What `custctl local up --detach` printed on stderr.
    pub stderr: String,
}

impl LocalStack {
    /// `custctl local up --detach` with `extra` arguments; panics with the log if it fails.
    pub fn up(extra: &[&str]) -> LocalStack {
        Self::up_in(scratch_dir("stack-"), extra)
    }

    /// [`LocalStack::up`] with the state in `dir` (a test may want a name with spaces in it).
    pub fn up_in(dir: tempfile::TempDir, extra: &[&str]) -> LocalStack {
        let own_binary = dir.path().join("customer-ingest");
        std::fs::hard_link(function_binary(), &own_binary)
            .or_else(|_| std::fs::copy(function_binary(), &own_binary).map(|_| ()))
            .unwrap();
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_loopback_port().unwrap();
            let out = custctl()
                .args(["local", "up", "--detach", "--port", &port.to_string()])
                .arg("--state-dir")
                .arg(dir.path())
                .arg("--function-binary")
                .arg(&own_binary)
                .args(extra)
                .output()
                .unwrap();
            if out.status.success() {
                let info: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(dir.path().join("stack.json")).unwrap()).unwrap();
                let endpoint = info["endpoint"].as_str().unwrap().to_string();
                return LocalStack {
                    endpoint,
                    info,
                    dir,
                    function_binary: own_binary,
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                };
            }
            last = String::from_utf8_lossy(&out.stderr).into_owned();
        }
        panic!("custctl local up failed: {last}");
    }

    pub fn state_dir(&self) -> &Path {
        self.dir.path()
    }

    /// `custctl` aimed at this stack's state dir.
    pub fn custctl(&self) -> std::process::Command {
        let mut command = custctl();
        command.arg("--state-dir").arg(self.dir.path());
        command
    }

    /// AWS SDK configuration for this stack's endpoint (fake credentials, us-east-1).
    pub async fn sdk(&self) -> aws_config::SdkConfig {
        sdk_config(&self.endpoint).await
    }

    /// A connection to the stack's database, as the stack's own files describe it.
    pub fn db(&self) -> mysql::Conn {
        self.try_db().unwrap()
    }

    /// A connection, or why there is none (MariaDB being restarted by the stack).
    pub fn try_db(&self) -> Result<mysql::Conn, mysql::Error> {
        let password = std::fs::read_to_string(self.dir.path().join("db-password")).unwrap();
        // Read afresh: a `--fresh` restart picks a new port and password.
        let port = self.current_info()["db_port"].as_u64().unwrap() as u16;
        let opts = mysql::OptsBuilder::new()
            .ip_or_hostname(Some("127.0.0.1"))
            .tcp_port(port)
            .user(Some("ingest"))
            .pass(Some(password.trim()))
            .db_name(Some("customers"));
        mysql::Conn::new(opts)
    }

    /// Every row of `Customer`, ordered by id.
    pub fn rows(&self) -> Vec<(i32, String)> {
        customer_rows(&mut self.db())
    }

    /// Waits (up to `limit`) until `Customer` has `count` rows; returns the rows.
    pub fn wait_for_rows(&self, count: usize, limit: std::time::Duration) -> Vec<(i32, String)> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            // While the stack restarts a killed MariaDB there is no connection: not yet.
            let rows = self
                .try_db()
                .map(|mut conn| customer_rows(&mut conn))
                .unwrap_or_default();
            if rows.len() >= count || std::time::Instant::now() > deadline {
                return rows;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Waits (up to `limit`) until the detached stack's log, `stack.log`, satisfies `done`;
    /// returns the log as it then is (its writer runs apart from the API answers a test sees).
    pub fn wait_for_log(&self, limit: std::time::Duration, done: impl Fn(&str) -> bool) -> String {
        let path = self.state_dir().join("stack.log");
        let deadline = std::time::Instant::now() + limit;
        loop {
            let log = std::fs::read_to_string(&path).unwrap_or_default();
            if done(&log) || std::time::Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }

    /// Pids of this stack's function instances.
    pub fn function_pids(&self) -> Vec<u32> {
        pids_running(&self.function_binary)
    }

    /// The stack's `stack.json` as it is now.
    pub fn current_info(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(self.dir.path().join("stack.json")).unwrap()).unwrap()
    }

    pub fn pid(&self) -> u32 {
        self.info["pid"].as_u64().unwrap() as u32
    }
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        let _ = self.custctl().args(["local", "down"]).output();
    }
}

/// Processes whose executable was started from `path`.
pub fn pids_running(path: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .ok()
                .and_then(|c| {
                    c.split(|&b| b == 0)
                        .next()
                        .map(|a| a == path.as_os_str().as_encoded_bytes())
                })
                .unwrap_or(false)
                && custctl_platform::process_alive(*pid)
        })
        .collect()
}

/// AWS SDK configuration for a local endpoint.
pub async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    let credentials = aws_sdk_sqs::config::Credentials::new("test", "test", None, None, "custctl-tests");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .load()
        .await
}

/// A well-formed Signature V4 `Authorization` header (signed with nothing), for raw requests
/// to the local stack, which checks the header's form as AWS's front door would, not the key.
pub const SIGV4_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=test/20261123/us-east-1/sqs/aws4_request, \
     SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
     Signature=0000000000000000000000000000000000000000000000000000000000000000";

/// The URL of queue `name`.
pub async fn queue_url(sqs: &aws_sdk_sqs::Client, name: &str) -> String {
    sqs.get_queue_url()
        .queue_name(name)
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap()
}

/// The ARN of the queue at `url`.
pub async fn queue_arn(sqs: &aws_sdk_sqs::Client, url: &str) -> String {
    queue_attributes(sqs, url).await[&aws_sdk_sqs::types::QueueAttributeName::QueueArn].clone()
}

/// Sends `bodies` to the queue at `url`, 10 a batch.
pub async fn send_bodies(sqs: &aws_sdk_sqs::Client, url: &str, bodies: &[String]) {
    for (chunk_index, chunk) in bodies.chunks(10).enumerate() {
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, body)| {
                aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                    .id(format!("m{chunk_index}-{i}"))
                    .message_body(body)
                    .build()
                    .unwrap()
            })
            .collect();
        let sent = sqs
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .unwrap();
        assert!(sent.failed().is_empty(), "{:?}", sent.failed());
    }
}

/// Receives and deletes every message of the queue at `url`: its bodies, in the order SQS
/// hands them out. `expected` of them are waited for (60 s at most); then receiving goes on
/// until a receive finds none, so that a message delivered twice shows.
pub async fn drain(sqs: &aws_sdk_sqs::Client, url: &str, expected: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut bodies = Vec::new();
    loop {
        let received = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .wait_time_seconds(if bodies.len() < expected { 1 } else { 0 })
            .send()
            .await
            .unwrap();
        let messages = received.messages();
        if messages.is_empty() && bodies.len() >= expected {
            return bodies;
        }
        for message in messages {
            bodies.push(message.body().unwrap().to_string());
            sqs.delete_message()
                .queue_url(url)
                .receipt_handle(message.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} of {expected} messages after 60 s",
            bodies.len()
        );
    }
}

/// Stops (or restarts) the function's polling of `customers`, so that what is sent there stays
/// in the queue to be counted; the mapping's UUID.
pub async fn set_polling(config: &aws_config::SdkConfig, enabled: bool) -> String {
    let lambda = aws_sdk_lambda::Client::new(config);
    let mappings = lambda
        .list_event_source_mappings()
        .function_name("customer-ingest")
        .send()
        .await
        .unwrap();
    let uuid = mappings.event_source_mappings()[0].uuid().unwrap().to_string();
    lambda
        .update_event_source_mapping()
        .uuid(&uuid)
        .enabled(enabled)
        .send()
        .await
        .unwrap();
    uuid
}

/// The pid of the ssh that custctl `parent` started, once it runs.
pub fn wait_for_child_ssh(parent: u32) -> u32 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some(pid) = all_pids()
            .into_iter()
            .find(|pid| parent_of(*pid) == Some(parent) && comm(*pid) == "ssh")
        {
            return pid;
        }
        assert!(std::time::Instant::now() < deadline, "custctl {parent} started no ssh");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Every pid on the machine.
pub fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect()
}

/// A process's name (`/proc/<pid>/comm`).
pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// A process's parent pid.
pub fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()
}

/// Every attribute of the queue at `url`.
pub async fn queue_attributes(
    sqs: &aws_sdk_sqs::Client,
    url: &str,
) -> std::collections::HashMap<aws_sdk_sqs::types::QueueAttributeName, String> {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
        .send()
        .await
        .unwrap();
    out.attributes.unwrap_or_default()
}

/// Messages in the queue: visible plus in flight plus delayed.
pub async fn messages_in(sqs: &aws_sdk_sqs::Client, url: &str) -> u64 {
    let attributes = queue_attributes(sqs, url).await;
    [
        aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages,
        aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
        aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesDelayed,
    ]
    .iter()
    .map(|name| attributes[name].parse::<u64>().unwrap())
    .sum()
}

/// Every row of `Customer` by id (none before the function created the table).
fn customer_rows(conn: &mut mysql::Conn) -> Vec<(i32, String)> {
    conn.query("SELECT CustID, Name FROM Customer ORDER BY CustID")
        .unwrap_or_default()
}

/// The lines `tracing` writes on this thread while this lives, in the function's JSON format
/// (its fields flattened, no time, no target), each parsed.
pub struct LogCapture {
    written: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    _guard: tracing::subscriber::DefaultGuard,
}

impl LogCapture {
    pub fn start() -> LogCapture {
        #[derive(Clone)]
        struct Writer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl std::io::Write for Writer {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let written = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let writer = Writer(written.clone());
        let subscriber = tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_target(false)
            .without_time()
            .with_writer(move || writer.clone())
            .finish();
        LogCapture {
            written,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    /// Every line so far.
    pub fn lines(&self) -> Vec<serde_json::Value> {
        let text = String::from_utf8(self.written.lock().unwrap().clone()).unwrap();
        text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }
}
