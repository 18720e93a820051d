//! `custctl dlq redrive` against a real local stack: where the DLQ's messages end up (each
//! exactly once, none lost), what the report says, Ctrl-C mid-way, and what is refused.
//! The event source mapping is disabled first, so that what arrives in the source queue stays
//! there to be counted.

use crate::dlq_replay::stderr;
use custctl_test_support::{drain, queue_arn, send_bodies, set_polling, LocalStack};
use serde_json::Value;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// A stack whose mapping is disabled and whose DLQ holds `count` distinct bodies, sent to it
/// directly with the SDK.
struct Redrive {
    stack: LocalStack,
    sqs: aws_sdk_sqs::Client,
    source: String,
    dlq: String,
    bodies: Vec<String>,
}

async fn stack_with_in_the_dlq(count: usize) -> Redrive {
    let stack = LocalStack::up(&[]);
    let config = stack.sdk().await;
    set_polling(&config, false).await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let source = custctl_test_support::queue_url(&sqs, "customers").await;
    let dlq = custctl_test_support::queue_url(&sqs, "customers-dlq").await;
    let bodies: Vec<String> = (1..=count)
        .map(|i| format!(r#"{{"CustID": {i}, "Name": "Dead {i}"}}"#))
        .collect();
    send_bodies(&sqs, &dlq, &bodies).await;
    Redrive {
        stack,
        sqs,
        source,
        dlq,
        bodies,
    }
}

/// Everything in the queue at `url` (at least `expected` messages), taken out: the bodies, sorted.
async fn take_all(sqs: &aws_sdk_sqs::Client, url: &str, expected: usize) -> Vec<String> {
    let mut bodies = drain(sqs, url, expected).await;
    bodies.sort();
    bodies
}

fn redrive(stack: &LocalStack, args: &[&str]) -> Output {
    crate::dlq_replay::dlq(stack, &[&["redrive"], args].concat())
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", String::from_utf8_lossy(&out.stdout), stderr(out)))
}

fn sorted(bodies: &[String]) -> Vec<String> {
    let mut bodies = bodies.to_vec();
    bodies.sort();
    bodies
}

#[tokio::test(flavor = "multi_thread")]
async fn redrive_moves_every_message_back_to_the_queue_exactly_once() {
    let r = stack_with_in_the_dlq(25).await;

    let out = redrive(&r.stack, &["--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = report(&out);
    assert_eq!(report["dlq"], "customers-dlq");
    assert_eq!(report["destination"], "customers");
    assert_eq!(report["status"], "COMPLETED", "{report:#}");
    assert_eq!(report["moved"], 25, "{report:#}");
    assert_eq!(report["to_move"], 25, "{report:#}");
    assert!(report["failure_reason"].is_null());
    assert!(report["task_handle"].as_str().is_some_and(|h| !h.is_empty()));

    assert_eq!(custctl_test_support::messages_in(&r.sqs, &r.dlq).await, 0);
    assert_eq!(take_all(&r.sqs, &r.source, 25).await, sorted(&r.bodies));
}

#[tokio::test(flavor = "multi_thread")]
async fn redrive_to_another_queue_moves_them_there_and_the_table_says_so() {
    let r = stack_with_in_the_dlq(12).await;
    let other = r
        .sqs
        .create_queue()
        .queue_name("customers-redriven")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();

    let out = redrive(&r.stack, &["--to", "customers-redriven"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("customers-redriven") && table.contains("COMPLETED") && table.contains("12"),
        "{table}"
    );

    assert_eq!(take_all(&r.sqs, &other, 12).await, sorted(&r.bodies));
    assert_eq!(custctl_test_support::messages_in(&r.sqs, &r.dlq).await, 0);
    assert_eq!(custctl_test_support::messages_in(&r.sqs, &r.source).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_mid_way_cancels_the_task_and_every_message_is_in_one_queue_once() {
    const COUNT: usize = 30;
    let r = stack_with_in_the_dlq(COUNT).await;
    let child = r
        .stack
        .custctl()
        .args(["--local", "--output", "json", "dlq", "redrive", "--max-per-second", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The task has started, and moves: the first message is in the source queue.
    let deadline = Instant::now() + Duration::from_secs(30);
    while custctl_test_support::messages_in(&r.sqs, &r.source).await == 0 {
        assert!(Instant::now() < deadline, "no message moved in 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();

    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let report = report(&out);
    assert_eq!(report["status"], "CANCELLED", "{report:#}");
    let moved = report["moved"].as_u64().unwrap() as usize;
    assert!((1..COUNT).contains(&moved), "{report:#}");
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));

    // Conserved: what moved is in the source, the rest still in the DLQ, each body once.
    let in_source = take_all(&r.sqs, &r.source, moved).await;
    assert_eq!(in_source.len(), moved, "the report says {moved} moved");
    let mut everywhere = in_source;
    everywhere.extend(take_all(&r.sqs, &r.dlq, COUNT - moved).await);
    everywhere.sort();
    assert_eq!(everywhere, sorted(&r.bodies));
}

#[test]
fn a_rate_outside_1_to_500_is_exit_2_before_any_aws_call() {
    for rate in ["0", "501", "fast"] {
        // No stack at all, and an endpoint nothing listens on: only the flag can be checked.
        let out = custctl_test_support::custctl()
            .args(["--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"])
            .args(["dlq", "redrive", "--max-per-second", rate])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{rate}: {}", stderr(&out));
        let text = stderr(&out);
        assert!(text.contains("--max-per-second") && text.contains("1 to 500"), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_dlq_a_task_already_running_and_bad_queues_are_refused() {
    let r = stack_with_in_the_dlq(0).await;

    // Empty: nothing to do, no task started.
    let out = redrive(&r.stack, &["--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr(&out).contains("nothing to redrive"), "{}", stderr(&out));
    let dlq_arn = queue_arn(&r.sqs, &r.dlq).await;
    let tasks = r
        .sqs
        .list_message_move_tasks()
        .source_arn(&dlq_arn)
        .send()
        .await
        .unwrap();
    assert!(tasks.results().is_empty(), "{tasks:?}");

    // A queue without a redrive policy has no DLQ; an unknown --to is named.
    let out = redrive(&r.stack, &["--queue", "customers-dlq"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--queue customers-dlq has no redrive policy"),
        "{}",
        stderr(&out)
    );
    let out = redrive(&r.stack, &["--to", "no-such-queue"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--to no-such-queue"), "{}", stderr(&out));
    let out = redrive(&r.stack, &["--to", "customers-dlq"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("dead-letter queue itself"), "{}", stderr(&out));

    // SQS runs one task per DLQ: one started elsewhere (slowly: it is still running) is named,
    // with how to cancel it.
    send_bodies(&r.sqs, &r.dlq, &vec!["{}".to_string(); 20]).await;
    let source_arn = queue_arn(&r.sqs, &r.source).await;
    let started = r
        .sqs
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .destination_arn(source_arn)
        .max_number_of_messages_per_second(1)
        .send()
        .await
        .unwrap();
    let out = redrive(&r.stack, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("already RUNNING"), "{text}");
    assert!(
        text.contains(&format!(
            "aws sqs cancel-message-move-task --task-handle {}",
            started.task_handle().unwrap()
        )),
        "{text}"
    );
}
