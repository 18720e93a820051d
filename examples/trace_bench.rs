//! `custctl trace` against the local stack: RUNS traces of valid messages with the release
//! binary, each hop's p50 latency over them and the whole trace's (SendMessage to the row read
//! back through the stack's bastion), against a baseline measured in the same run and on the
//! same stack: a plain SDK SendMessage, then polling MariaDB directly (every millisecond) until
//! the row is there. Traces and baselines alternate, so both see the same machine.
//!
//! `cargo run --release --example trace_bench [-- RUNS]` (default 20), after
//! `cargo build --release -p custctl -p customer-ingest`. Needs MariaDB and OpenSSH.

#[path = "support/mod.rs"]
mod support;

use mysql::prelude::Queryable;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{custctl, median, release_dir, stack_db, up_stack};

const HOPS: [&str; 4] = ["sent", "taken", "written", "read_back"];

/// One trace's figures: each hop's latency, the trace's own total, and the process's wall time.
struct Traced {
    hops: [f64; 4],
    total_ms: f64,
    wall_ms: f64,
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map_or(20, |n| n.parse().expect("RUNS is a number"));
    let bin = release_dir();
    let state_dir = tempfile::tempdir().unwrap();
    let info = up_stack(&bin, state_dir.path(), &["--fresh"]);
    let endpoint = info["endpoint"].as_str().unwrap().to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sqs = runtime
        .block_on(async { aws_sdk_sqs::Client::new(&custctl::aws::local_sdk_config(&endpoint, "us-east-1").await) });
    let url = info["queue_url"].as_str().unwrap().to_string();
    let mut db = stack_db(state_dir.path(), &info);

    let trace = |id: usize| -> Traced {
        let started = Instant::now();
        let out = custctl(&bin, state_dir.path())
            .args(["--local", "--output", "json", "trace", "--id", &id.to_string()])
            .args(["--name", &format!("Traced {id}")])
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let hops = document["hops"].as_array().unwrap();
        let names: Vec<&str> = hops.iter().map(|h| h["hop"].as_str().unwrap()).collect();
        assert_eq!(names, HOPS, "{document:#}");
        Traced {
            hops: std::array::from_fn(|i| hops[i]["latency_ms"].as_f64().unwrap()),
            total_ms: document["total_ms"].as_f64().unwrap(),
            wall_ms,
        }
    };
    let mut baseline = |id: usize| -> f64 {
        let body = format!(r#"{{"CustID":{id},"Name":"Baseline {id}"}}"#);
        let started = Instant::now();
        runtime
            .block_on(sqs.send_message().queue_url(&url).message_body(body).send())
            .unwrap();
        let deadline = started + Duration::from_secs(30);
        loop {
            let found: Option<String> = db
                .exec_first("SELECT Name FROM Customer WHERE CustID = ?", (id,))
                .unwrap_or(None);
            if found.is_some() {
                return started.elapsed().as_secs_f64() * 1000.0;
            }
            assert!(Instant::now() < deadline, "the baseline's row {id} never came");
            std::thread::sleep(Duration::from_millis(1));
        }
    };

    // The first of each warms the function (a cold start), the page cache and the ssh path.
    trace(1);
    baseline(2);
    let mut traced = Vec::with_capacity(runs);
    let mut baselines = Vec::with_capacity(runs);
    for round in 0..runs {
        traced.push(trace(1_000 + round));
        baselines.push(baseline(2_000 + round));
    }

    let p50 = |values: Vec<f64>| median(&mut values.clone());
    let hop_p50: Vec<f64> = (0..HOPS.len())
        .map(|i| p50(traced.iter().map(|t| t.hops[i]).collect()))
        .collect();
    let total = p50(traced.iter().map(|t| t.total_ms).collect());
    let wall = p50(traced.iter().map(|t| t.wall_ms).collect());
    let base = p50(baselines);
    println!("custctl trace against the local stack, p50 over {runs} traces (release build):");
    for (hop, ms) in HOPS.iter().zip(&hop_p50) {
        println!("  {hop:<10} {ms:>6.1} ms since the hop before");
    }
    println!(
        "  whole trace (SendMessage to the row read back) {total:.1} ms; baseline (SDK SendMessage, then \
         polling MariaDB every ms until the row is there) {base:.1} ms: {:.2}x the baseline; \
         custctl's wall time (process start to exit, tunnel included) {wall:.1} ms",
        total / base
    );
    println!(
        "{}",
        serde_json::json!({"runs": runs,
            "hop_p50_ms": HOPS.iter().zip(&hop_p50).map(|(h, ms)| (h.to_string(), serde_json::json!(ms))).collect::<serde_json::Map<_, _>>(),
            "trace_p50_ms": total, "baseline_p50_ms": base, "ratio": total / base, "wall_p50_ms": wall})
    );
    let _ = custctl(&bin, state_dir.path()).args(["local", "down"]).output();
}
