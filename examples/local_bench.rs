//! The local stack's figures, measured in one run:
//! - `custctl local up --detach` until ready, on a fresh state dir (after the build);
//! - end to end: N messages sent with SendMessageBatch until N rows are in MariaDB;
//! - SQS alone vs moto's server at 2,000 queued messages, same client (boto3), through
//!   examples/sqs_vs_moto.py.
//!
//! `cargo run --release --example local_bench [-- MESSAGES]` (default 50,000). It builds the
//! release binaries itself and needs MariaDB, boto3 and `moto[server]` installed.

#[path = "support/mod.rs"]
mod support;

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use mysql::prelude::Queryable;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{custctl, release_dir, stack_db};

fn count_rows(state_dir: &Path, info: &serde_json::Value) -> usize {
    stack_db(state_dir, info)
        .query_first::<usize, _>("SELECT COUNT(*) FROM Customer")
        .unwrap_or(None)
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let messages: usize = std::env::args()
        .nth(1)
        .map_or(50_000, |n| n.parse().expect("MESSAGES is a number"));
    let bin = release_dir();
    let state_dir = tempfile::tempdir().unwrap();
    let port = custctl_platform::free_loopback_port().unwrap();

    let started = Instant::now();
    let up = custctl(&bin, state_dir.path())
        .args(["local", "up", "--detach", "--fresh", "--port", &port.to_string()])
        .output()
        .unwrap();
    let up_seconds = started.elapsed().as_secs_f64();
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state_dir.path().join("stack.json")).unwrap()).unwrap();
    let endpoint = info["endpoint"].as_str().unwrap().to_string();

    let config = custctl::aws::local_sdk_config(&endpoint, "us-east-1").await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let url = sqs
        .get_queue_url()
        .queue_name("customers")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();

    let e2e_started = Instant::now();
    let senders = 16;
    let tasks: Vec<_> = (0..senders)
        .map(|worker| {
            let sqs = sqs.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let mut batch_start = worker * 10;
                while batch_start < messages {
                    let entries: Vec<_> = (batch_start..(batch_start + 10).min(messages))
                        .map(|id| {
                            SendMessageBatchRequestEntry::builder()
                                .id(format!("m{id}"))
                                .message_body(format!(r#"{{"CustID":{id},"Name":"Customer {id}"}}"#))
                                .build()
                                .unwrap()
                        })
                        .collect();
                    let out = sqs
                        .send_message_batch()
                        .queue_url(&url)
                        .set_entries(Some(entries))
                        .send()
                        .await
                        .unwrap();
                    assert!(out.failed().is_empty());
                    batch_start += senders * 10;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let sent_seconds = e2e_started.elapsed().as_secs_f64();
    let deadline = Instant::now() + Duration::from_secs(600);
    while count_rows(state_dir.path(), &info) < messages {
        assert!(
            Instant::now() < deadline,
            "not every message became a row within 10 minutes"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let e2e_seconds = e2e_started.elapsed().as_secs_f64();

    let moto = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sqs_vs_moto.py"))
        .args(["--endpoint", &endpoint, "--messages", "2000"])
        .output()
        .unwrap();
    let moto: serde_json::Value = serde_json::from_slice(&moto.stdout)
        .unwrap_or_else(|_| serde_json::json!({"error": String::from_utf8_lossy(&moto.stderr).trim().to_string()}));
    let _ = custctl(&bin, state_dir.path()).args(["local", "down"]).output();

    println!("local up --detach ready:   {up_seconds:.2} s");
    println!("end to end:                {messages} messages -> rows in {e2e_seconds:.2} s = {:.0} msgs/s (sending took {sent_seconds:.2} s)", messages as f64 / e2e_seconds);
    if let Some(ratio) = moto["ratio"].as_f64() {
        println!(
            "SQS alone (boto3, 2,000 queued): custctl local {:.0} msgs/s vs moto {:.0} msgs/s = {ratio:.1}x",
            moto["custctl_local"]["cycle_msgs_per_sec"].as_f64().unwrap(),
            moto["moto"]["cycle_msgs_per_sec"].as_f64().unwrap()
        );
    }
    println!(
        "{}",
        serde_json::json!({
            "up_seconds": up_seconds, "messages": messages, "e2e_seconds": e2e_seconds,
            "e2e_msgs_per_sec": messages as f64 / e2e_seconds, "sqs_vs_moto": moto,
        })
    );
}
