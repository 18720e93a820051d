//! `custctl logs` figures, measured in one run against a fresh local stack:
//! - follow latency: 50 events put with PutLogEvents, each timed from just before the put call
//!   to its line on `custctl logs --follow --format json`'s stdout (live tail), p50 and p95;
//! - history: 100,000 events printed by `custctl logs --format json` vs the AWS CLI's
//!   `aws logs filter-log-events` (it follows nextToken itself) over the same window,
//!   alternating, median of ROUNDS, both writing to a pipe that is drained.
//!
//! `cargo run --release --example logs_bench [-- ROUNDS]` (default 3). It builds the release
//! binaries itself and needs MariaDB (for the stack) and the AWS CLI (`pip install awscli`).

#[path = "support/mod.rs"]
mod support;

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use support::{custctl, median, release_dir};

const LATENCY_EVENTS: usize = 50;
const HISTORY_EVENTS: usize = 100_000;
const HISTORY_GROUP: &str = "/bench/history";

/// Runs `command` with stdout drained; returns the seconds it took and the bytes it printed.
fn timed(mut command: Command) -> (f64, usize) {
    let started = Instant::now();
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut printed = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut printed).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (started.elapsed().as_secs_f64(), printed.len())
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(3, |n| n.parse().expect("ROUNDS is a number"));
    let bin = release_dir();
    let state_dir = tempfile::tempdir().unwrap();
    let info = support::up_stack(&bin, state_dir.path(), &["--fresh"]);
    let endpoint = info["endpoint"].as_str().unwrap().to_string();
    let config = custctl::aws::local_sdk_config(&endpoint, "us-east-1").await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let group = "/aws/lambda/customer-ingest";
    logs.create_log_stream()
        .log_group_name(group)
        .log_stream_name("bench/latency")
        .send()
        .await
        .unwrap();

    // Follow latency.
    let mut follower = custctl(&bin, state_dir.path())
        .args(["--local", "logs", "--follow", "--since", "1s", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (arrivals, arrived) = mpsc::channel::<(String, Instant)>();
    let stdout = follower.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let event: serde_json::Value = serde_json::from_str(&line).unwrap();
            let _ = arrivals.send((
                event["message"].as_str().unwrap_or_default().to_string(),
                Instant::now(),
            ));
        }
    });
    tokio::time::sleep(Duration::from_secs(2)).await; // the session is open
    let mut put_at = HashMap::new();
    for i in 0..LATENCY_EVENTS {
        let marker = format!("latency probe {i}");
        put_at.insert(marker.clone(), Instant::now());
        logs.put_log_events()
            .log_group_name(group)
            .log_stream_name("bench/latency")
            .log_events(
                InputLogEvent::builder()
                    .timestamp(chrono::Utc::now().timestamp_millis())
                    .message(marker)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut latencies_ms = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while latencies_ms.len() < LATENCY_EVENTS && Instant::now() < deadline {
        if let Ok((marker, at)) = arrived.recv_timeout(Duration::from_millis(500)) {
            if let Some(put) = put_at.get(&marker) {
                latencies_ms.push(at.duration_since(*put).as_secs_f64() * 1000.0);
            }
        }
    }
    let _ = follower.kill();
    let _ = follower.wait();
    assert_eq!(latencies_ms.len(), LATENCY_EVENTS, "every probe was printed");
    latencies_ms.sort_by(f64::total_cmp);
    let p50 = latencies_ms[LATENCY_EVENTS / 2 - 1];
    let p95 = latencies_ms[(LATENCY_EVENTS * 95).div_ceil(100) - 1];
    println!(
        "follow latency over {LATENCY_EVENTS} events: p50 {p50:.1} ms, p95 {p95:.1} ms, max {:.1} ms",
        latencies_ms[LATENCY_EVENTS - 1]
    );

    // History: 100,000 events in 10 streams, timestamps within the last few minutes.
    logs.create_log_group()
        .log_group_name(HISTORY_GROUP)
        .send()
        .await
        .unwrap();
    let start = chrono::Utc::now().timestamp_millis() - 300_000;
    for stream in 0..10 {
        let name = format!("stream-{stream}");
        logs.create_log_stream()
            .log_group_name(HISTORY_GROUP)
            .log_stream_name(&name)
            .send()
            .await
            .unwrap();
        let events: Vec<InputLogEvent> = (0..HISTORY_EVENTS / 10)
            .map(|i| {
                InputLogEvent::builder()
                    .timestamp(start + (i as i64) * 20 + stream)
                    .message(format!(
                        r#"{{"level":"INFO","message":"batch processed","records":10,"written":10,"n":{i},"stream":{stream}}}"#
                    ))
                    .build()
                    .unwrap()
            })
            .collect();
        // PutLogEvents takes at most 1 MB a call.
        for chunk in events.chunks(2_500) {
            logs.put_log_events()
                .log_group_name(HISTORY_GROUP)
                .log_stream_name(&name)
                .set_log_events(Some(chunk.to_vec()))
                .send()
                .await
                .unwrap();
        }
    }
    let since = (start - 1000).to_string();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..rounds {
        let mut command = custctl(&bin, state_dir.path());
        command.args([
            "--local",
            "logs",
            "--log-group",
            HISTORY_GROUP,
            "--since",
            "10m",
            "--format",
            "json",
        ]);
        let (seconds, lines) = timed(command);
        ours.push(seconds);
        let mut command = Command::new("python3");
        command
            .args([
                "-m",
                "awscli",
                "logs",
                "filter-log-events",
                "--log-group-name",
                HISTORY_GROUP,
            ])
            .args(["--start-time", &since, "--endpoint-url", &endpoint, "--output", "json"])
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_PAGER", "");
        let (seconds, their_bytes) = timed(command);
        theirs.push(seconds);
        println!(
            "history round: custctl {:.2} s ({lines} bytes), aws logs filter-log-events {seconds:.2} s ({their_bytes} bytes)",
            ours.last().unwrap()
        );
    }
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    println!(
        "history of {HISTORY_EVENTS} events (median of {rounds}): custctl {ours:.2} s = {:.0} events/s; aws logs filter-log-events {theirs:.2} s = {:.0} events/s; custctl is {:.1}x faster",
        HISTORY_EVENTS as f64 / ours,
        HISTORY_EVENTS as f64 / theirs,
        theirs / ours
    );
    let _ = custctl(&bin, state_dir.path()).args(["local", "down"]).output();
}
