//! `custctl logs` against a real local stack: history of real invocations, server-side filters,
//! one invocation, the summary, and `--follow` over StartLiveTail (new streams, late events,
//! sessions cut mid-way, polling) with every event printed exactly once.

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use custctl_test_support::LocalStack;
use serde_json::Value;
use std::collections::HashMap;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const GROUP: &str = "/aws/lambda/customer-ingest";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn logs(stack: &LocalStack, args: &[&str]) -> Command {
    let mut command = stack.custctl();
    command.args(["--local", "logs"]).args(args);
    command
}

/// Every line of stdout parsed as JSON: `--format json` is NDJSON.
fn ndjson(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

fn send(stack: &LocalStack, args: &[&str]) {
    let out = stack.custctl().args(["--local", "send"]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// PutLogEvents into the function's group, as another writer would: one client, reused.
struct LogWriter {
    runtime: tokio::runtime::Runtime,
    client: aws_sdk_cloudwatchlogs::Client,
}

impl LogWriter {
    fn new(stack: &LocalStack) -> LogWriter {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let client = aws_sdk_cloudwatchlogs::Client::new(&runtime.block_on(stack.sdk()));
        LogWriter { runtime, client }
    }

    /// Puts `messages` into `stream` (created if needed) with `timestamp`.
    fn put(&self, stream: &str, timestamp: i64, messages: &[String]) {
        self.runtime.block_on(async {
            let _ = self
                .client
                .create_log_stream()
                .log_group_name(GROUP)
                .log_stream_name(stream)
                .send()
                .await;
            let events = messages.iter().map(|m| {
                InputLogEvent::builder()
                    .timestamp(timestamp)
                    .message(m)
                    .build()
                    .unwrap()
            });
            self.client
                .put_log_events()
                .log_group_name(GROUP)
                .log_stream_name(stream)
                .set_log_events(Some(events.collect()))
                .send()
                .await
                .unwrap();
        });
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Waits until the function wrote `count` REPORT lines (its invocations are done).
fn wait_for_reports(stack: &LocalStack, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let out = logs(stack, &["--format", "json", "--since", "1h"]).output().unwrap();
        let events = ndjson(&out);
        let reports = events.iter().filter(|e| e["type"] == "REPORT").count();
        if reports >= count || Instant::now() > deadline {
            return events;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn history_filter_request_id_and_summary_show_what_the_function_did() {
    let stack = LocalStack::up(&[]);
    send(&stack, &["--generate", "30"]);
    stack.wait_for_rows(30, Duration::from_secs(30));
    // 30 messages in batches of up to 10: at least 3 invocations, each START .. REPORT.
    let events = wait_for_reports(&stack, 3);
    let mut per_request: HashMap<String, Vec<String>> = HashMap::new();
    for event in &events {
        if let Some(id) = event["requestId"].as_str() {
            if event["type"] != "function" {
                per_request
                    .entry(id.to_string())
                    .or_default()
                    .push(event["type"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(per_request.len() >= 3, "{per_request:?}");
    for (id, kinds) in &per_request {
        assert_eq!(kinds, &["START", "END", "REPORT"], "request {id}");
    }
    let written: u64 = events
        .iter()
        .filter(|e| e["fields"]["message"] == "batch processed")
        .map(|e| e["fields"]["written"].as_u64().unwrap())
        .sum();
    assert_eq!(written, 30, "the function's own lines are there, fields parsed");
    let report = events.iter().find(|e| e["type"] == "REPORT").unwrap();
    assert!(report["report"]["durationMs"].as_f64().unwrap() > 0.0);
    assert_eq!(report["report"]["memorySizeMb"], 128);

    // Short: START and END left out, one REPORT line per invocation.
    let out = logs(&stack, &["--since", "1h"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("START RequestId"), "{text}");
    assert_eq!(text.matches(" REPORT ").count(), per_request.len(), "{text}");

    // --filter is applied by the service: only matching lines come back.
    let out = logs(
        &stack,
        &["--since", "1h", "--format", "json", "--filter", "\"batch processed\""],
    )
    .output()
    .unwrap();
    let filtered = ndjson(&out);
    assert_eq!(filtered.len(), per_request.len());
    assert!(filtered
        .iter()
        .all(|e| e["message"].as_str().unwrap().contains("batch processed")));
    let out = logs(&stack, &["--since", "1h", "--filter", "nosuchword"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("matched --filter nosuchword"), "{}", stderr(&out));

    // One invocation, START to REPORT.
    let (id, _) = per_request.iter().next().unwrap();
    let out = logs(&stack, &["--since", "1h", "--format", "json", "--request-id", id])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = ndjson(&out);
    assert_eq!(lines.first().unwrap()["type"], "START");
    assert_eq!(lines.last().unwrap()["type"], "REPORT");
    assert!(lines.iter().all(|l| l["requestId"] == id.as_str()), "{lines:?}");
    let out = logs(&stack, &["--request-id", "no-such-request"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no invocation with request id no-such-request"));

    // The summary counts what the REPORT lines say.
    let out = stack
        .custctl()
        .args(["--local", "--output", "json", "logs", "--since", "1h", "--summary"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["invocations"], per_request.len() as u64);
    assert_eq!(summary["errors"], 0);
    assert_eq!(summary["timeouts"], 0);
    assert!(summary["cold_starts"].as_u64().unwrap() >= 1);
    assert!(summary["duration_ms"]["p50"].as_f64().unwrap() <= summary["duration_ms"]["max"].as_f64().unwrap());

    // A group that does not exist, a stream prefix that matches nothing.
    let out = logs(&stack, &["--log-group", "/aws/lambda/customer-ingst"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("groups with a similar name: /aws/lambda/customer-ingest"),
        "{}",
        stderr(&out)
    );
    let out = logs(&stack, &["--stream-prefix", "2019/"]).output().unwrap();
    assert!(out.status.success());
    assert!(stderr(&out).contains("no stream of /aws/lambda/customer-ingest starts with \"2019/\""));
    let out = logs(&stack, &["--since", "yesterday"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--since yesterday"), "{}", stderr(&out));
}

/// A running `custctl logs --follow`, its stdout and stderr collected as they come (so that a
/// long history never fills a pipe and stalls it).
struct Follow {
    child: Child,
    stdout: std::thread::JoinHandle<Vec<u8>>,
    stderr: std::sync::mpsc::Receiver<String>,
}

impl Follow {
    /// Waits for the end; the output with everything it wrote.
    fn wait_with_output(self) -> Output {
        let mut out = self.child.wait_with_output().unwrap();
        out.stdout = self.stdout.join().unwrap();
        out.stderr = self.stderr.iter().collect::<String>().into_bytes();
        out
    }

    fn id(&self) -> u32 {
        self.child.id()
    }
}

/// Starts `custctl logs --follow ... --format json` and returns once it says it is following
/// (its session is open and the history read), so that nothing written after this is missed.
fn start_follow(stack: &LocalStack, extra: &[&str]) -> Follow {
    let mut child = logs(stack, &["--follow", "--since", "1m", "--format", "json"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, stderr) = std::sync::mpsc::channel();
    let (ready, is_ready) = std::sync::mpsc::channel();
    let mut stdout_pipe = child.stdout.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stdout_pipe, &mut bytes).unwrap();
        bytes
    });
    let pipe = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
            if line.starts_with("custctl: following ") {
                let _ = ready.send(());
            }
            let _ = lines.send(line + "\n");
        }
    });
    is_ready
        .recv_timeout(Duration::from_secs(30))
        .expect("custctl logs --follow never said it was following");
    Follow { child, stdout, stderr }
}

/// How often each marker appears in the printed events.
fn marker_counts(out: &Output) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for event in ndjson(out) {
        *counts
            .entry(event["message"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    counts
}

#[test]
fn follow_prints_every_event_once_across_new_streams_late_events_and_cut_sessions() {
    // Sessions end every 2 s, so a run of several seconds crosses several cuts.
    let stack = LocalStack::up(&["--live-tail-session-limit", "2"]);
    let writer = LogWriter::new(&stack);
    let child = start_follow(&stack, &["--until-idle", "4s"]);
    let started = Instant::now();
    let mut expected = Vec::new();
    // A first event, then one in a brand-new stream, then a late one (older than the last
    // printed), then a steady trickle across the session cuts.
    let first = now_ms();
    writer.put("test/one", first, &["first".to_string()]);
    expected.push("first".to_string());
    std::thread::sleep(Duration::from_millis(300));
    writer.put("test/brand-new-stream", now_ms(), &["in a new stream".to_string()]);
    expected.push("in a new stream".to_string());
    std::thread::sleep(Duration::from_millis(300));
    writer.put("test/late", first - 30_000, &["late by 30 s".to_string()]);
    expected.push("late by 30 s".to_string());
    // The same line twice in one batch is printed twice.
    writer.put("test/one", now_ms(), &["twice".to_string(), "twice".to_string()]);
    let mut n = 0;
    while started.elapsed() < Duration::from_secs(7) {
        let batch: Vec<String> = (0..5).map(|i| format!("trickle {n}-{i}")).collect();
        writer.put(&format!("test/trickle-{}", n % 3), now_ms(), &batch);
        expected.extend(batch);
        n += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output();
    assert_eq!(out.status.code(), Some(0), "--until-idle ends it: {}", stderr(&out));
    let counts = marker_counts(&out);
    for marker in &expected {
        assert_eq!(
            counts.get(marker),
            Some(&1),
            "{marker} exactly once; stderr: {}",
            stderr(&out)
        );
    }
    assert_eq!(counts.get("twice"), Some(&2));
    assert_eq!(counts.len(), expected.len() + 1, "nothing else: {counts:?}");
    let err = stderr(&out);
    assert!(
        err.contains("live tail session ended at"),
        "the sessions were cut: {err}"
    );
    assert!(err.contains("SessionTimeoutException"), "{err}");
    assert!(err.contains("stopping (--until-idle)"), "{err}");

    // The polling fallback: the same guarantees without live tail.
    let child = start_follow(&stack, &["--until-idle", "3s", "--poll"]);
    let mut expected = Vec::new();
    for n in 0..10 {
        let batch: Vec<String> = (0..3).map(|i| format!("polled {n}-{i}")).collect();
        writer.put(&format!("test/poll-{}", n % 2), now_ms(), &batch);
        expected.extend(batch);
        std::thread::sleep(Duration::from_millis(150));
    }
    writer.put("test/poll-late", now_ms() - 20_000, &["polled late".to_string()]);
    expected.push("polled late".to_string());
    let out = child.wait_with_output();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let counts = marker_counts(&out);
    for marker in &expected {
        assert_eq!(counts.get(marker), Some(&1), "{marker} exactly once");
    }

    // Ctrl-C ends a follow quietly, with exit 0.
    let child = start_follow(&stack, &[]);
    // SAFETY: signals the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Attack (issue 12, item 11): a stream name is anyone's text; one with a non-ASCII character
/// across its 8th byte after `]` made the short stream id cut a character in two, and
/// `custctl logs` panicked instead of printing.
#[test]
fn a_stream_name_with_non_ascii_near_its_end_is_shortened_by_characters() {
    let stack = LocalStack::up(&[]);
    let writer = LogWriter::new(&stack);
    let streams = ["2026/11/23/[$LATEST]abcdefgé", "x]ééééééé", "ストリームの名前です"];
    for (i, stream) in streams.iter().enumerate() {
        writer.put(stream, now_ms(), &[format!("hello from stream {i}")]);
    }
    let out = logs(&stack, &["--since", "5m"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    for (short, i) in [("abcdefgé", 0), ("]ééééééé", 1), ("リームの名前です", 2)] {
        assert!(
            text.lines()
                .any(|l| l.contains(short) && l.contains(&format!("hello from stream {i}"))),
            "no line with {short} for stream {i}: {text}"
        );
    }
}
