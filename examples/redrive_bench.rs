//! `custctl dlq redrive` against the loop one would write without it, in the same run on the
//! same local stack: MESSAGES in the DLQ, moved to the source queue by `custctl dlq redrive`
//! (one server-side move task, custctl timed from process start to exit: start-up, the
//! lookups and its polling included), then moved back by an aws-sdk-sqs loop (ReceiveMessage
//! of 10, SendMessageBatch, DeleteMessageBatch, one after another), so that each round starts
//! with the same messages in the DLQ. The event source mapping is disabled, so only SQS works.
//!
//! Without `--max-per-second` AWS "will optimize the rate based on the queue message backlog
//! size"; the local stack then moves as fast as it can, 500 messages at a time under its lock
//! (src/local/sqs/mod.rs, `UNPACED_STEP`), so the unpaced figure is custctl plus the stack's
//! own move, not AWS's pace. A last run with `--max-per-second 500` (AWS's highest fixed rate)
//! shows the pace held.
//!
//! `cargo run --release --example redrive_bench [-- MESSAGES [ROUNDS]]` (default 10,000 and 3),
//! after `cargo build --release -p custctl -p customer-ingest`. Needs MariaDB (for the stack).

#[path = "support/mod.rs"]
mod support;

use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, SendMessageBatchRequestEntry};
use custctl_test_support::messages_in;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{custctl, median, release_dir, up_stack};

/// `custctl dlq redrive` (with `extra` flags), timed from process start to exit: msgs/s.
fn custctl_run(bin: &Path, state_dir: &Path, messages: usize, extra: &[&str]) -> f64 {
    let started = Instant::now();
    let out = custctl(bin, state_dir)
        .args(["--local", "--quiet", "--output", "json", "dlq", "redrive"])
        .args(extra)
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["status"], "COMPLETED", "{report:#}");
    assert_eq!(report["moved"], messages as u64, "{report:#}");
    messages as f64 / seconds
}

/// The SDK loop: receive 10, send them in one batch, delete them in one batch, until
/// `messages` moved from `from` to `to`: msgs/s.
async fn sdk_run(sqs: &aws_sdk_sqs::Client, from: &str, to: &str, messages: usize) -> f64 {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(600);
    let mut moved = 0;
    while moved < messages {
        assert!(
            Instant::now() < deadline,
            "the SDK loop moved {moved} of {messages} in 600 s"
        );
        let received = sqs
            .receive_message()
            .queue_url(from)
            .max_number_of_messages(10)
            .visibility_timeout(60)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        let batch = received.messages();
        if batch.is_empty() {
            continue;
        }
        let entries = batch
            .iter()
            .enumerate()
            .map(|(i, m)| {
                SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(m.body().unwrap())
                    .build()
                    .unwrap()
            })
            .collect();
        let sent = sqs
            .send_message_batch()
            .queue_url(to)
            .set_entries(Some(entries))
            .send()
            .await
            .unwrap();
        assert!(sent.failed().is_empty());
        let deletes = batch
            .iter()
            .enumerate()
            .map(|(i, m)| {
                DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(m.receipt_handle().unwrap())
                    .build()
                    .unwrap()
            })
            .collect();
        let deleted = sqs
            .delete_message_batch()
            .queue_url(from)
            .set_entries(Some(deletes))
            .send()
            .await
            .unwrap();
        assert!(deleted.failed().is_empty());
        moved += batch.len();
    }
    messages as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let messages: usize = args.next().map_or(10_000, |n| n.parse().expect("MESSAGES is a number"));
    let rounds: usize = args.next().map_or(3, |n| n.parse().expect("ROUNDS is a number"));
    let bin = release_dir();
    let state_dir = tempfile::tempdir().unwrap();
    let info = up_stack(&bin, state_dir.path(), &["--fresh"]);
    let config = custctl::aws::local_sdk_config(info["endpoint"].as_str().unwrap(), "us-east-1").await;
    custctl_test_support::set_polling(&config, false).await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let source = info["queue_url"].as_str().unwrap().to_string();
    let dlq = sqs
        .get_queue_url()
        .queue_name("customers-dlq")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let bodies: Vec<String> = (0..messages)
        .map(|i| format!(r#"{{"CustID": {i}, "Name": "Dead {i}"}}"#))
        .collect();
    custctl_test_support::send_bodies(&sqs, &dlq, &bodies).await;

    println!("{messages} messages in the DLQ, {rounds} rounds (release build)\n");
    println!("round  custctl dlq redrive  SDK loop");
    let (mut redrives, mut loops) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let redrive = custctl_run(&bin, state_dir.path(), messages, &[]);
        assert_eq!(
            (messages_in(&sqs, &dlq).await, messages_in(&sqs, &source).await),
            (0, messages as u64)
        );
        let sdk = sdk_run(&sqs, &source, &dlq, messages).await;
        assert_eq!(
            (messages_in(&sqs, &dlq).await, messages_in(&sqs, &source).await),
            (messages as u64, 0)
        );
        println!("{round:>5}  {redrive:>19.0}  {sdk:>8.0}   msgs/s");
        redrives.push(redrive);
        loops.push(sdk);
    }
    let redrive = median(&mut redrives);
    let sdk = median(&mut loops);
    let paced = custctl_run(&bin, state_dir.path(), messages, &["--max-per-second", "500"]);
    println!(
        "\nmedian: custctl dlq redrive {redrive:.0} msgs/s, SDK receive/send/delete loop {sdk:.0} msgs/s: {:.2}x \
         the loop\nwith --max-per-second 500: {paced:.0} msgs/s ({:.2}x the loop)",
        redrive / sdk,
        paced / sdk
    );
    println!(
        "{}",
        serde_json::json!({"messages": messages, "rounds": rounds, "redrive_msgs_per_sec": redrive,
            "sdk_loop_msgs_per_sec": sdk, "ratio": redrive / sdk, "paced_500_msgs_per_sec": paced,
            "paced_ratio": paced / sdk})
    );
    let _ = custctl(&bin, state_dir.path()).args(["local", "down"]).output();
}
