//! The built `customer-ingest` binary as Lambda runs it: a process with a bare environment that
//! polls a real Runtime API, answers SQS batches, logs JSON lines on stdout, and never prints
//! the database password.

use bytes::Bytes;
use custctl_local::runtime_api::{InvocationOutcome, RuntimeApiServer};
use custctl_test_support::{sqs_event, TestDatabase};
use serde_json::{json, Value};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use tokio::process::{Child, Command};

const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:customer-ingest";
/// Generous, so a loaded CI machine never fails a test by timing out.
const ANSWER_LIMIT: Duration = Duration::from_secs(60);

/// One function instance: its own Runtime API and the binary polling it.
struct FunctionInstance {
    api: RuntimeApiServer,
    child: Child,
}

/// What the process printed, read after it ended.
struct ProcessOutput {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl FunctionInstance {
    /// Starts the binary with only the variables Lambda sets, plus `extra`.
    async fn start(extra: &[(&str, &str)]) -> Self {
        let binary = env!("CARGO_BIN_EXE_customer-ingest");
        let api = RuntimeApiServer::start(FUNCTION_ARN).await.unwrap();
        let child = Command::new(binary)
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", api.address().to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "customer-ingest")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "2025/01/01/[$LATEST]0123456789abcdef")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/customer-ingest")
            .env("AWS_REGION", "us-east-1")
            .envs(extra.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        FunctionInstance { api, child }
    }

    /// Sends one event and returns the function's JSON answer.
    async fn invoke(&self, request_id: &str, event: &aws_lambda_events::event::sqs::SqsEvent) -> Value {
        let payload = Bytes::from(serde_json::to_vec(event).unwrap());
        let outcome = self.api.submit(request_id, payload, ANSWER_LIMIT).await;
        match tokio::time::timeout(ANSWER_LIMIT, outcome).await {
            Ok(Ok(InvocationOutcome::Response(body))) => serde_json::from_slice(&body).unwrap(),
            other => panic!("invocation {request_id} was not answered with a response: {other:?}"),
        }
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Kills the process (if it still runs) and collects everything it printed.
    async fn stop(mut self) -> ProcessOutput {
        let _ = self.child.start_kill();
        self.collect().await
    }

    /// Waits for the process to end on its own and collects everything it printed.
    async fn wait_for_exit(self) -> ProcessOutput {
        tokio::time::timeout(ANSWER_LIMIT, self.collect())
            .await
            .expect("the function did not exit")
    }

    async fn collect(self) -> ProcessOutput {
        let output = self.child.wait_with_output().await.unwrap();
        ProcessOutput {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl ProcessOutput {
    /// Every stdout line as JSON; fails on the first line that is not.
    fn log_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}")))
            .collect()
    }

    fn assert_never_prints(&self, secret: &str) {
        assert!(
            !self.stdout.contains(secret),
            "stdout shows the password:\n{}",
            self.stdout
        );
        assert!(
            !self.stderr.contains(secret),
            "stderr shows the password:\n{}",
            self.stderr
        );
    }
}

/// The ids of the MariaDB connections `db`'s user has open, other than the caller's own.
fn function_connections(db: &TestDatabase) -> Vec<u64> {
    use mysql::prelude::Queryable;
    let mut conn = mysql::Conn::new(db.opts()).unwrap();
    conn.query("SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() ORDER BY ID")
        .unwrap()
}

/// The part of a test password that no other value in the test contains.
fn password_secret(db: &TestDatabase) -> &str {
    db.password.trim_start_matches(['p', 'w', '\'', '"'])
}

fn mixed_batch() -> aws_lambda_events::event::sqs::SqsEvent {
    sqs_event(&[
        ("ok-1", r#"{"CustID": 1, "Name": "Ana"}"#),
        ("bad-json", r#"{"CustID": 2, "Name": "#),
        ("bad-string-id", r#"{"CustID": "3", "Name": "Caio"}"#),
        ("dup-first", r#"{"CustID": 4, "Name": "Dora"}"#),
        ("dup-second", r#"{"CustID": 4, "Name": "Dora Lima"}"#),
    ])
}

fn follow_up_batch() -> aws_lambda_events::event::sqs::SqsEvent {
    sqs_event(&[
        ("next-5", r#"{"CustID": 5, "Name": "Eva"}"#),
        ("next-6", r#"{"CustID": 6, "Name": "Fábio"}"#),
        ("ok-1", r#"{"CustID": 1, "Name": "Ana"}"#),
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_partial_failures_and_stays_warm_on_one_connection() {
    let db = tokio::task::block_in_place(TestDatabase::fresh);
    let mut function = FunctionInstance::start(&[("DATABASE_URL", &db.url())]).await;

    let answer = function.invoke("req-1", &mixed_batch()).await;
    assert_eq!(
        answer,
        json!({"batchItemFailures": [{"itemIdentifier": "bad-json"}, {"itemIdentifier": "bad-string-id"}]})
    );
    let (rows, connections) = tokio::task::block_in_place(|| (db.rows(), function_connections(&db)));
    assert_eq!(rows, vec![(1, "Ana".into()), (4, "Dora Lima".into())]);
    assert_eq!(
        connections.len(),
        1,
        "the function keeps one connection: {connections:?}"
    );

    assert!(function.is_running(), "the process ends only when Lambda ends it");
    let answer = function.invoke("req-2", &follow_up_batch()).await;
    assert_eq!(answer, json!({"batchItemFailures": []}));
    let (rows, connections_after) = tokio::task::block_in_place(|| (db.rows(), function_connections(&db)));
    assert_eq!(
        rows,
        vec![
            (1, "Ana".into()),
            (4, "Dora Lima".into()),
            (5, "Eva".into()),
            (6, "Fábio".into())
        ]
    );
    assert_eq!(connections_after, connections, "the warm start reuses the connection");
    assert!(function.is_running());
    function.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_one_json_summary_per_invocation_and_one_warning_per_rejected_record() {
    let db = tokio::task::block_in_place(TestDatabase::fresh);
    let function = FunctionInstance::start(&[("DATABASE_URL", &db.url())]).await;
    function.invoke("req-1", &mixed_batch()).await;
    function.invoke("req-2", &follow_up_batch()).await;
    let output = function.stop().await;

    let lines = output.log_lines();
    let summaries: Vec<(u64, u64, u64)> = lines
        .iter()
        .filter(|line| line.get("records").is_some())
        .map(|line| {
            assert!(line["ms"].is_u64(), "{line}");
            let count = |key: &str| line[key].as_u64().unwrap_or_else(|| panic!("{key} in {line}"));
            (count("records"), count("written"), count("failed"))
        })
        .collect();
    assert_eq!(summaries, vec![(5, 3, 2), (3, 3, 0)]);

    let warnings: Vec<(&str, &str)> = lines
        .iter()
        .filter(|line| line["level"] == "WARN")
        .map(|line| (line["message_id"].as_str().unwrap(), line["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].0, "bad-json");
    assert!(warnings[0].1.starts_with("not valid JSON"), "{}", warnings[0].1);
    assert_eq!(
        warnings[1],
        ("bad-string-id", r#"CustID: expected an integer, got the string "3""#)
    );
    output.assert_never_prints(password_secret(&db));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_database_settings_init_fails_naming_both_variables() {
    let function = FunctionInstance::start(&[]).await;
    let mut init_errors = function.api.init_errors();
    let output = function.wait_for_exit().await;

    assert!(!output.status.success(), "exit status {:?}", output.status);
    let printed = format!("{}{}", output.stdout, output.stderr);
    assert!(
        printed.contains("DATABASE_URL") && printed.contains("DB_SECRET_ID"),
        "{printed}"
    );
    output.log_lines();
    let reported = init_errors.wait_for(Option::is_some).await.unwrap().clone().unwrap();
    assert!(
        reported.error_message.contains("DATABASE_URL") && reported.error_message.contains("DB_SECRET_ID"),
        "{reported:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_database_fails_every_record_and_keeps_the_process() {
    let port = custctl_platform::free_loopback_port().unwrap();
    let password = "unreachable-Pa55word-7f3e";
    let url = format!("mysql://app:{password}@127.0.0.1:{port}/customers");
    let mut function = FunctionInstance::start(&[("DATABASE_URL", &url)]).await;

    let answer = function
        .invoke(
            "req-1",
            &sqs_event(&[
                ("a", r#"{"CustID": 1, "Name": "Ana"}"#),
                ("b", r#"not json"#),
                ("c", r#"{"CustID": 2, "Name": "Bia"}"#),
            ]),
        )
        .await;
    assert_eq!(
        answer,
        json!({"batchItemFailures": [{"itemIdentifier": "a"}, {"itemIdentifier": "b"}, {"itemIdentifier": "c"}]})
    );
    assert!(function.is_running(), "a database outage must not end the process");
    let output = function.stop().await;
    output.log_lines();
    output.assert_never_prints(password);
}
