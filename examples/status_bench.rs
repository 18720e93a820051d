//! `custctl status` wall time against the local stack: process start to exit, every call
//! included (GetFunction, ListEventSourceMappings, GetQueueUrl and GetQueueAttributes for the
//! queue and its DLQ, DescribeDBInstances and DescribeDBClusters, GetMetricData and, where the
//! stack does not answer it, FilterLogEvents over the log group). The stack first processes
//! MESSAGES messages, so the log group has that many invocations' lines to read.
//!
//! `cargo run --release --example status_bench [-- RUNS [MESSAGES]]` (default 50 and 1,000),
//! after `cargo build --release -p custctl -p customer-ingest`. Needs MariaDB and OpenSSH.

#[path = "support/mod.rs"]
mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{custctl, median, release_dir, up_stack};

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().map_or(50, |n| n.parse().expect("RUNS is a number"));
    let messages: u64 = args.next().map_or(1_000, |n| n.parse().expect("MESSAGES is a number"));
    let bin = release_dir();
    let state_dir = tempfile::tempdir().unwrap();
    up_stack(&bin, state_dir.path(), &["--fresh"]);
    let status = || {
        let mut command = custctl(&bin, state_dir.path());
        command
            .args(["--local", "status", "--output", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    };

    let sent = custctl(&bin, state_dir.path())
        .args(["--local", "--quiet", "send", "--generate", &messages.to_string()])
        .output()
        .unwrap();
    assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
    // Until the queue is empty and the function's invocations are in its log group.
    let deadline = Instant::now() + Duration::from_secs(120);
    let source = loop {
        let out = status().output().unwrap();
        let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let queue = &document["queues"][0]["counts"];
        let drained = queue["visible"] == 0 && queue["in_flight"] == 0;
        if drained && document["metrics"]["invocations"].as_u64() > Some(0) {
            break document["metrics"]["source"].as_str().unwrap_or_default().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "the stack did not take the messages: {document:#}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };

    // One run to warm the page cache, then the measured ones.
    let mut times = Vec::with_capacity(runs);
    for round in 0..=runs {
        let started = Instant::now();
        let out = status().output().unwrap();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if round > 0 {
            times.push(ms);
        }
    }
    let p50 = median(&mut times);
    let fastest = times[0];
    let slowest = times[times.len() - 1];
    println!(
        "status wall time against the local stack, {messages} messages processed, metrics from {source}: \
         median {p50:.1} ms over {runs} runs (fastest {fastest:.1} ms, slowest {slowest:.1} ms)"
    );
    println!(
        "{}",
        serde_json::json!({"runs": runs, "messages": messages, "metrics_source": source,
            "median_ms": p50, "fastest_ms": fastest, "slowest_ms": slowest})
    );
    let _ = custctl(&bin, state_dir.path()).args(["local", "down"]).output();
}
