//! `custctl dlq peek` against a real local stack: a message the function rejected is shown
//! with the reason it logged, and stays in the DLQ, visible at once.

use custctl_test_support::LocalStack;
use serde_json::Value;
use std::time::{Duration, Instant};

/// `custctl local up` flags of a stack that moves a message to its DLQ after 3 quick receives.
pub const QUICK_DEAD_LETTERS: &[&str] = &[
    "--visibility-timeout",
    "1",
    "--function-timeout",
    "1",
    "--max-receive-count",
    "3",
];

/// A stack that moves a message to its DLQ after 3 quick receives, with one poison message
/// already there; returns the stack and the message's id.
pub async fn stack_with_a_poison_message_in_the_dlq() -> (LocalStack, String) {
    let stack = LocalStack::up(QUICK_DEAD_LETTERS);
    let sqs = aws_sdk_sqs::Client::new(&stack.sdk().await);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    let dlq = custctl_test_support::queue_url(&sqs, "customers-dlq").await;
    let sent = sqs
        .send_message()
        .queue_url(&url)
        .message_body(r#"{"CustID": "404", "Name": "x"}"#)
        .send()
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while custctl_test_support::messages_in(&sqs, &dlq).await == 0 {
        assert!(Instant::now() < deadline, "the poison message never reached the DLQ");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    (stack, sent.message_id.unwrap())
}

fn peek(stack: &LocalStack, args: &[&str]) -> std::process::Output {
    stack
        .custctl()
        .args(["--local", "dlq", "peek"])
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn peek_shows_the_reason_the_function_logged_and_consumes_nothing() {
    let (stack, message_id) = stack_with_a_poison_message_in_the_dlq().await;
    let sqs = aws_sdk_sqs::Client::new(&stack.sdk().await);
    let dlq = custctl_test_support::queue_url(&sqs, "customers-dlq").await;
    // A valid message that never went through the function: no reason to find.
    sqs.send_message()
        .queue_url(&dlq)
        .message_body(r#"{"CustID": 7, "Name": "Ana"}"#)
        .send()
        .await
        .unwrap();

    let out = peek(&stack, &["--output", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let document: Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages = document["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{document:#}");
    let poison = messages
        .iter()
        .find(|m| m["message_id"] == message_id.as_str())
        .unwrap();
    assert_eq!(poison["body"], r#"{"CustID": "404", "Name": "x"}"#);
    assert!(poison["customer"].is_null());
    assert_eq!(
        poison["schema_problem"],
        r#"CustID: expected an integer, got the string "404""#
    );
    assert_eq!(poison["reason"], r#"CustID: expected an integer, got the string "404""#);
    // The mapping's receives, and this peek's: a peek is a receive to SQS.
    assert!(poison["receive_count"].as_u64().unwrap() >= 2, "{poison}");
    assert!(poison["sent_at"].as_str().unwrap().ends_with('Z'));
    let valid = messages
        .iter()
        .find(|m| m["message_id"] != message_id.as_str())
        .unwrap();
    assert_eq!(valid["customer"], serde_json::json!({"CustID": 7, "Name": "Ana"}));
    assert!(valid["reason"].is_null());

    // Nothing consumed, and visible again at once: a second peek right away sees both.
    let attributes = custctl_test_support::queue_attributes(&sqs, &dlq).await;
    assert_eq!(
        attributes[&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages],
        "2"
    );
    let out = peek(&stack, &["-n", "1", "--output", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let document: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(document["messages"].as_array().unwrap().len(), 1, "-n 1: {document:#}");
    let out = peek(&stack, &[]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("no reason found in the window"), "{shown}");
    assert!(shown.contains(&message_id), "{shown}");
}

#[test]
fn a_queue_without_a_redrive_policy_has_no_dlq_to_peek() {
    let stack = LocalStack::up(&[]);
    let out = peek(&stack, &["--queue", "customers-dlq"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--queue customers-dlq has no redrive policy"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
