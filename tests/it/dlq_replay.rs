//! `custctl dlq replay`, `dlq export` and `dlq purge` against a real local stack: what each
//! does to the dead-letter queue, as a user would check it with the SDK and the database.

use crate::pty::PtySession;
use aws_sdk_sqs::types::{MessageAttributeValue, QueueAttributeName};
use custctl_test_support::LocalStack;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

const VALID: &str = r#"{"CustID": 31, "Name": "Replayed Ana"}"#;
const POISON: &str = r#"{"CustID": "404", "Name": "x"}"#;

/// A stack whose DLQ holds `bodies`, put there with the SDK; the stack, an SQS client and the
/// DLQ's URL.
async fn stack_with_in_the_dlq(bodies: &[&str]) -> (LocalStack, aws_sdk_sqs::Client, String) {
    let stack = LocalStack::up(&[]);
    let sqs = aws_sdk_sqs::Client::new(&stack.sdk().await);
    let dlq = custctl_test_support::queue_url(&sqs, "customers-dlq").await;
    for body in bodies {
        sqs.send_message()
            .queue_url(&dlq)
            .message_body(*body)
            .send()
            .await
            .unwrap();
    }
    (stack, sqs, dlq)
}

/// Messages the DLQ shows as visible (ApproximateNumberOfMessages): what is there and not held.
async fn visible_in(sqs: &aws_sdk_sqs::Client, dlq: &str) -> u64 {
    custctl_test_support::queue_attributes(sqs, dlq).await[&QueueAttributeName::ApproximateNumberOfMessages]
        .parse()
        .unwrap()
}

/// `custctl --local dlq ARGS`, with no terminal on stdin.
pub fn dlq(stack: &LocalStack, args: &[&str]) -> Output {
    stack
        .custctl()
        .args(["--local", "dlq"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn replay_shows_each_verdict_and_deletes_only_with_the_flag_what_succeeded() {
    let (stack, sqs, dlq_url) = stack_with_in_the_dlq(&[VALID, POISON]).await;
    assert!(stack.rows().is_empty());

    let out = dlq(&stack, &["replay", "--output", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["dlq"], "customers-dlq");
    assert_eq!(report["invocations"], 1, "{report:#}");
    let messages = report["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{report:#}");
    let valid = messages.iter().find(|m| m["CustID"] == 31).unwrap();
    assert_eq!(valid["verdict"], "succeeded", "{valid}");
    assert_eq!(valid["deleted"], false);
    assert!(valid["reason"].is_null());
    let poison = messages.iter().find(|m| m["CustID"] == "404").unwrap();
    assert_eq!(poison["verdict"], "failed", "{poison}");
    assert_eq!(poison["reason"], r#"CustID: expected an integer, got the string "404""#);
    assert_eq!(poison["deleted"], false);
    assert!(stderr(&out).contains("--delete-succeeded"), "{}", stderr(&out));
    // The function wrote the valid one; nothing left the DLQ, and both are visible at once.
    assert_eq!(stack.rows(), [(31, "Replayed Ana".to_string())]);
    assert_eq!(visible_in(&sqs, &dlq_url).await, 2);

    // The table says the same.
    let out = dlq(&stack, &["replay"]);
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("succeeded") && table.contains("failed"), "{table}");

    let out = dlq(&stack, &["replay", "--delete-succeeded", "--output", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let deleted: Vec<&Value> = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["deleted"] == true)
        .collect();
    assert_eq!(deleted.len(), 1, "{report:#}");
    assert_eq!(deleted[0]["CustID"], 31);
    assert_eq!(custctl_test_support::messages_in(&sqs, &dlq_url).await, 1);
    let left = sqs.receive_message().queue_url(&dlq_url).send().await.unwrap();
    assert_eq!(left.messages()[0].body(), Some(POISON));
}

#[tokio::test(flavor = "multi_thread")]
async fn replay_of_messages_that_all_succeed_is_exit_0_and_an_empty_dlq_too() {
    let (stack, sqs, dlq_url) = stack_with_in_the_dlq(&[VALID, r#"{"CustID": 32, "Name": "Bo"}"#]).await;
    let out = dlq(&stack, &["replay", "--delete-succeeded"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(custctl_test_support::messages_in(&sqs, &dlq_url).await, 0);
    assert_eq!(stack.rows().len(), 2);
    let out = dlq(&stack, &["replay"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is empty"));
}

#[tokio::test(flavor = "multi_thread")]
async fn export_writes_every_message_as_ndjson_and_consumes_none() {
    let bodies: Vec<String> = (1..=12)
        .map(|i| format!(r#"{{"CustID": {i}, "Name": "Name {i}"}}"#))
        .collect();
    let (stack, sqs, dlq_url) = stack_with_in_the_dlq(&[]).await;
    for body in &bodies {
        sqs.send_message()
            .queue_url(&dlq_url)
            .message_body(body)
            .message_attributes(
                "cause",
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value("test")
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dlq.ndjson");
    let file_arg = file.to_str().unwrap();

    let out = dlq(&stack, &["export", "--file", file_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("exported 12 message(s)"), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 12, "{text}");
    let exported: BTreeSet<&str> = lines.iter().map(|l| l["body"].as_str().unwrap()).collect();
    assert_eq!(exported, bodies.iter().map(String::as_str).collect());
    let first = &lines[0];
    assert!(first["message_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(first["message_attributes"]["cause"]["stringValue"], "test");
    assert_eq!(first["receive_count"], 1);
    assert!(first["sent_at"].as_str().unwrap().ends_with('Z'));
    assert!(first["attributes"]["SentTimestamp"].is_string());
    // Nothing consumed, everything visible again, and no temporary file left beside it.
    assert_eq!(visible_in(&sqs, &dlq_url).await, 12);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // An existing file is refused without --force, and left as it was.
    std::fs::write(&file, "keep me\n").unwrap();
    let out = dlq(&stack, &["export", "--file", file_arg]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me\n");
    let out = dlq(&stack, &["export", "--file", file_arg, "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap().lines().count(), 12);

    // `-` is stdout.
    let out = dlq(&stack, &["export", "--file", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 12);
    assert_eq!(visible_in(&sqs, &dlq_url).await, 12);
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_needs_the_queues_name_typed_as_the_flags_value_outside_a_terminal() {
    let (stack, sqs, dlq_url) = stack_with_in_the_dlq(&[VALID, POISON]).await;

    // No terminal, no flag: nothing purged, and the error names the flag.
    let out = dlq(&stack, &["purge"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--yes-i-mean-it customers-dlq"),
        "{}",
        stderr(&out)
    );
    assert_eq!(custctl_test_support::messages_in(&sqs, &dlq_url).await, 2);

    // The wrong name: refused.
    let out = dlq(&stack, &["purge", "--yes-i-mean-it", "customers"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is customers-dlq"), "{}", stderr(&out));
    assert_eq!(custctl_test_support::messages_in(&sqs, &dlq_url).await, 2);

    let out = dlq(
        &stack,
        &["purge", "--yes-i-mean-it", "customers-dlq", "--output", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["purged"], true);
    assert_eq!(report["approximate_messages"], 2);
    wait_until_empty(&sqs, &dlq_url).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn purge_at_a_terminal_asks_for_the_name_and_a_second_within_a_minute_says_why_not() {
    let (stack, sqs, dlq_url) = stack_with_in_the_dlq(&[VALID, POISON]).await;
    let long = Duration::from_secs(30);
    let prompt = "Type the queue's name (customers-dlq) to purge it: ";

    let mut command = stack.custctl();
    command.args(["--local", "dlq", "purge"]);
    let mut session = PtySession::spawn(command);
    session.ask("", &["about 2 message(s)", prompt]);
    session.send("customers\r");
    let (status, shown) = session.finish(long);
    assert_eq!(status.code(), Some(2), "{shown}");
    assert!(shown.contains("not purged"), "{shown}");
    assert_eq!(custctl_test_support::messages_in(&sqs, &dlq_url).await, 2);

    let mut command = stack.custctl();
    command.args(["--local", "dlq", "purge"]);
    let mut session = PtySession::spawn(command);
    session.expect(prompt, long);
    session.send("customers-dlq\r");
    let (status, shown) = session.finish(long);
    assert_eq!(status.code(), Some(0), "{shown}");
    assert!(shown.contains("purged the dead-letter queue customers-dlq"), "{shown}");
    wait_until_empty(&sqs, &dlq_url).await;

    // A second purge within 60 seconds: SQS refuses, and custctl says why.
    let out = dlq(&stack, &["purge", "--yes-i-mean-it", "customers-dlq"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("PurgeQueueInProgress"), "{}", stderr(&out));
    assert!(stderr(&out).contains("60 seconds"), "{}", stderr(&out));
}

/// Waits (bounded) until SQS counts no message in `url`: a purge may take a while to finish.
async fn wait_until_empty(sqs: &aws_sdk_sqs::Client, url: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while custctl_test_support::messages_in(sqs, url).await > 0 {
        assert!(Instant::now() < deadline, "the DLQ was not emptied");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
