//! `custctl send` against a plain aws-sdk-sqs SendMessageBatch loop, measured in the same run
//! against the same local stack, alternating, at the same concurrency (8 batches in flight).
//!
//! Each run sends MESSAGES generated customers to a queue of its own, so that no run finds
//! another's messages; the event source mapping is disabled, so only SQS is measured. custctl
//! is timed from process start to exit (start-up, the checking pass and GetQueueUrl
//! included); its own `msgs_per_sec` (the sending pass only) is shown beside it.
//!
//! `cargo run --release --example send_bench [-- MESSAGES [ROUNDS]]` (default 100,000 and 3).
//! It builds the release binaries itself and needs MariaDB (for the stack).

#[path = "support/mod.rs"]
mod support;

use aws_sdk_sqs::types::{QueueAttributeName, SendMessageBatchRequestEntry};
use futures::stream::{self, StreamExt};
use std::path::Path;
use std::time::Instant;
use support::{custctl, median, release_dir};

const CONCURRENCY: usize = 8;

async fn fresh_queue(sqs: &aws_sdk_sqs::Client, name: &str) -> String {
    sqs.create_queue()
        .queue_name(name)
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap()
}

async fn queued(sqs: &aws_sdk_sqs::Client, url: &str) -> usize {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .unwrap();
    out.attributes().unwrap()[&QueueAttributeName::ApproximateNumberOfMessages]
        .parse()
        .unwrap()
}

/// custctl send, timed from process start to exit: (wall msgs/s, custctl's own msgs/s).
async fn custctl_run(
    bin: &Path,
    state_dir: &Path,
    sqs: &aws_sdk_sqs::Client,
    queue: &str,
    messages: usize,
) -> (f64, f64) {
    let url = fresh_queue(sqs, queue).await;
    let started = Instant::now();
    let out = custctl(bin, state_dir)
        .args(["--local", "--quiet", "--output", "json", "--queue", queue, "send"])
        .args([
            "--generate",
            &messages.to_string(),
            "--concurrency",
            &CONCURRENCY.to_string(),
        ])
        .output()
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["sent"].as_u64(), Some(messages as u64));
    assert_eq!(queued(sqs, &url).await, messages);
    sqs.delete_queue().queue_url(&url).send().await.unwrap();
    (messages as f64 / wall, report["msgs_per_sec"].as_f64().unwrap())
}

/// The plain loop: batches of 10, CONCURRENCY calls in flight, bodies made as they go.
async fn sdk_run(sqs: &aws_sdk_sqs::Client, queue: &str, messages: usize) -> f64 {
    let url = fresh_queue(sqs, queue).await;
    let started = Instant::now();
    let batches = (0..messages).step_by(10).map(|first| {
        let entries: Vec<_> = (first..(first + 10).min(messages))
            .map(|index| {
                let name = custctl::source::generated_name(1, index as u64);
                let body = serde_json::json!({"CustID": index + 1, "Name": name}).to_string();
                SendMessageBatchRequestEntry::builder()
                    .id(index.to_string())
                    .message_body(body)
                    .build()
                    .unwrap()
            })
            .collect();
        sqs.send_message_batch()
            .queue_url(&url)
            .set_entries(Some(entries))
            .send()
    });
    let mut results = stream::iter(batches).buffer_unordered(CONCURRENCY);
    while let Some(result) = results.next().await {
        assert!(result.unwrap().failed().is_empty());
    }
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(queued(sqs, &url).await, messages);
    sqs.delete_queue().queue_url(&url).send().await.unwrap();
    messages as f64 / seconds
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let messages: usize = args
        .next()
        .map_or(100_000, |n| n.parse().expect("MESSAGES is a number"));
    let rounds: usize = args.next().map_or(3, |n| n.parse().expect("ROUNDS is a number"));
    let bin = release_dir();
    let state_dir = tempfile::tempdir().unwrap();
    let port = custctl_platform::free_loopback_port().unwrap();
    let up = custctl(&bin, state_dir.path())
        .args([
            "local",
            "up",
            "--detach",
            "--port",
            &port.to_string(),
            "--function-binary",
        ])
        .arg(bin.join("customer-ingest"))
        .output()
        .unwrap();
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state_dir.path().join("stack.json")).unwrap()).unwrap();
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(info["endpoint"].as_str().unwrap())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "test", "test", None, None, "bench",
        ))
        .load()
        .await;
    let lambda = aws_sdk_lambda::Client::new(&config);
    for mapping in lambda
        .list_event_source_mappings()
        .send()
        .await
        .unwrap()
        .event_source_mappings()
    {
        lambda
            .update_event_source_mapping()
            .uuid(mapping.uuid().unwrap())
            .enabled(false)
            .send()
            .await
            .unwrap();
    }
    let sqs = aws_sdk_sqs::Client::new(&config);

    println!("{messages} messages per run, {CONCURRENCY} batches in flight, {rounds} rounds\n");
    println!("round  custctl (wall)  custctl (sending)  SDK loop");
    let (mut wall, mut own, mut plain) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (custctl_wall, custctl_own) = custctl_run(
            &bin,
            state_dir.path(),
            &sqs,
            &format!("bench-custctl-{round}"),
            messages,
        )
        .await;
        let sdk = sdk_run(&sqs, &format!("bench-sdk-{round}"), messages).await;
        println!("{round:>5}  {custctl_wall:>14.0}  {custctl_own:>17.0}  {sdk:>8.0}   msgs/s");
        wall.push(custctl_wall);
        own.push(custctl_own);
        plain.push(sdk);
    }
    let (wall, own, plain) = (median(&mut wall), median(&mut own), median(&mut plain));
    println!("median {wall:>14.0}  {own:>17.0}  {plain:>8.0}   msgs/s");
    println!(
        "\ncustctl send / SDK loop: {:.0}% (wall clock), {:.0}% (sending pass)",
        100.0 * wall / plain,
        100.0 * own / plain
    );
    let _ = custctl(&bin, state_dir.path()).args(["local", "down"]).output();
}
