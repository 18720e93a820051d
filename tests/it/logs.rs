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
    let out = logs(&stack, &["--request-id", "0000dead"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no invocation with request id 0000dead"));
    // A request id goes into a filter pattern: only hex digits and dashes are let through.
    let out = logs(&stack, &["--request-id", "x\" || \"y"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--request-id takes a request id"),
        "{}",
        stderr(&out)
    );

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

/// Lambda's lines for one invocation with request id `id` on `stream`, and one line of its own.
fn invocation_lines(id: &str, own: &str) -> Vec<String> {
    vec![
        format!("START RequestId: {id} Version: $LATEST"),
        own.to_string(),
        format!("END RequestId: {id}"),
        format!("REPORT RequestId: {id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 20 MB\t"),
    ]
}

/// Issue 15, item 4: the short REPORT line shows the first 8 hex digits of the request id;
/// `--request-id` takes them (or any start of the id that one invocation has), and when two
/// invocations share the start it names both and asks for more of the id.
#[test]
fn request_id_takes_the_start_the_report_line_shows() {
    let stack = LocalStack::up(&[]);
    let writer = LogWriter::new(&stack);
    let ids = [
        "0a1b2c3d-1111-4111-8111-000000000001",
        "0a1b2c3d-2222-4222-8222-000000000002",
        "9f8e7d6c-3333-4333-8333-000000000003",
    ];
    let start = now_ms() - 60_000;
    for (i, id) in ids.iter().enumerate() {
        writer.put(
            &format!("2026/11/23/[$LATEST]{i:032}"),
            start + i as i64 * 1000,
            &invocation_lines(id, &format!("line of invocation {i}")),
        );
    }
    // What the short REPORT line shows is what --request-id takes.
    let out = logs(&stack, &["--since", "5m"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let shown: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_once(" REPORT ").map(|(_, rest)| &rest[..8]))
        .collect();
    assert_eq!(shown, ["0a1b2c3d", "0a1b2c3d", "9f8e7d6c"], "{text}");

    let out = logs(&stack, &["--since", "5m", "--request-id", shown[2]])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("line of invocation 2"), "{text}");
    assert!(
        !text.contains("line of invocation 0") && !text.contains("line of invocation 1"),
        "{text}"
    );

    // A start two invocations share: both named, with what to do.
    let out = logs(&stack, &["--since", "5m", "--request-id", "0A1B2C3D"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let why = stderr(&out);
    assert!(
        why.contains(ids[0]) && why.contains(ids[1]) && !why.contains(ids[2]),
        "{why}"
    );
    assert!(why.contains("give more of the id"), "{why}");
    let out = logs(
        &stack,
        &["--since", "5m", "--format", "json", "--request-id", "0a1b2c3d-2"],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = ndjson(&out);
    assert_eq!(lines.first().unwrap()["requestId"], ids[1]);
    assert_eq!(lines.last().unwrap()["type"], "REPORT");
}

/// Issue 15, item 19: the short format condenses INIT_START as it does START and END, and
/// quotes a JSON field's value that has spaces, so that key=value stays parseable; in JSON
/// output an INIT_START line is of type INIT_START.
#[test]
fn short_lines_leave_out_init_start_and_quote_values_with_spaces() {
    let stack = LocalStack::up(&[]);
    let writer = LogWriter::new(&stack);
    let id = "5e6f7a8b-4444-4444-8444-000000000004";
    let mut lines = vec![
        "INIT_START Runtime Version: provided:al2023.v100\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:abc"
            .to_string(),
    ];
    lines.extend(invocation_lines(
        id,
        r#"{"level":"WARN","message":"record rejected","reason":"CustID: expected a positive integer","message_id":"m-1"}"#,
    ));
    writer.put("2026/11/23/[$LATEST]5e6f7a8b00000000", now_ms() - 1000, &lines);
    let out = logs(&stack, &["--since", "5m"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("INIT_START") && !text.contains("Runtime Version"),
        "{text}"
    );
    assert!(
        text.contains(r#"WARN record rejected message_id=m-1 reason="CustID: expected a positive integer""#),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "{text}");
    let out = logs(&stack, &["--since", "5m", "--format", "json"]).output().unwrap();
    let events = ndjson(&out);
    assert_eq!(events[0]["type"], "INIT_START");
    assert_eq!(events[0]["runtimeVersion"], "provided:al2023.v100");
}

/// Issue 15, item 15: instants are RFC 3339 with milliseconds, and a window that is not today
/// says its dates.
#[test]
fn times_are_rfc3339_with_milliseconds_and_windows_say_their_dates() {
    let stack = LocalStack::up(&[]);
    let out = logs(&stack, &["--since", "3d", "--until", "2d", "--filter", "nosuchword"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rfc3339_ms = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text).is_ok()
            && text.len() == "2026-11-23T04:00:00.000Z".len()
            && text.ends_with('Z')
    };
    let note = stderr(&out);
    let between = note.split_once(" between ").map(|(_, rest)| rest).unwrap_or_default();
    let ends: Vec<&str> = between
        .split(" matched")
        .next()
        .unwrap_or_default()
        .split(" and ")
        .collect();
    assert_eq!(ends.len(), 2, "{note}");
    assert!(ends.iter().all(|end| rfc3339_ms(end)), "{note}");

    let writer = LogWriter::new(&stack);
    writer.put("s", now_ms() - 1000, &["one line".to_string()]);
    let out = logs(&stack, &["--since", "5m", "--format", "detailed"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let fields: Vec<&str> = text.split_whitespace().collect();
    assert!(rfc3339_ms(fields[0]), "{text}");
    assert_eq!(fields[1], "ingested");
    assert!(rfc3339_ms(fields[2]), "the ingestion time is an instant too: {text}");
    let out = stack
        .custctl()
        .args(["--local", "--output", "json", "logs", "--since", "1h", "--summary"])
        .output()
        .unwrap();
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rfc3339_ms(summary["from"].as_str().unwrap()), "{summary}");
    assert!(rfc3339_ms(summary["to"].as_str().unwrap()), "{summary}");
    let out = stack
        .custctl()
        .args(["local", "status", "--output", "json"])
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rfc3339_ms(status["started_at"].as_str().unwrap()), "{status}");
}
