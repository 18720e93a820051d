//! The local stack keeps each invocation's log lines between its START and END, as Lambda does:
//! what a function writes before it returns its response is logged inside that invocation, never
//! after its END or inside the next one. `custctl logs --request-id`, `--group-by request` and
//! `--summary` rely on that order.

use aws_sdk_cloudwatchlogs::Client as Logs;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use custctl_test_support::LocalStack;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Enough invocations, five function processes at once, that a race between the function's
/// output and the END line shows (the old code misplaced about one line in 1,500 invocations).
const MESSAGES: usize = 3_000;
/// Invocations that each log a warning for every one of `BIG_BATCH` rejected records.
const BIG_INVOCATIONS: usize = 3;
const BIG_BATCH: usize = 10_000;

/// Every event of every stream of the function's log group, stream by stream, in stored order.
async fn events_by_stream(logs: &Logs) -> BTreeMap<String, Vec<String>> {
    let mut streams = Vec::new();
    let mut token = None;
    loop {
        let page = logs
            .describe_log_streams()
            .log_group_name("/aws/lambda/customer-ingest")
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        streams.extend(
            page.log_streams()
                .iter()
                .filter_map(|s| s.log_stream_name().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let mut by_stream = BTreeMap::new();
    for stream in streams {
        let mut messages = Vec::new();
        let mut token = None;
        loop {
            let page = logs
                .filter_log_events()
                .log_group_name("/aws/lambda/customer-ingest")
                .log_stream_names(&stream)
                .set_next_token(token)
                .send()
                .await
                .unwrap();
            messages.extend(page.events().iter().filter_map(|e| e.message().map(str::to_string)));
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        by_stream.insert(stream, messages);
    }
    by_stream
}

/// Each line of one stream that is not where it belongs, described.
fn misplaced_lines(stream: &str, messages: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut open: Option<String> = None;
    // Between INIT_START and the first START, the function's init may log.
    let mut initialising = false;
    for (index, message) in messages.iter().enumerate() {
        // What came just before, to see where a misplaced line landed.
        let before = || messages[index.saturating_sub(4)..index].join("\n    ");
        if message.starts_with("INIT_START") {
            initialising = true;
        } else if let Some(rest) = message.strip_prefix("START RequestId: ") {
            let id = rest.split(' ').next().unwrap_or_default().to_string();
            if let Some(previous) = open.replace(id.clone()) {
                problems.push(format!("{stream}: START {id} while {previous} had no END"));
            }
            initialising = false;
        } else if let Some(id) = message.strip_prefix("END RequestId: ") {
            if open.take().as_deref() != Some(id.trim()) {
                problems.push(format!("{stream}: END {id} without its START"));
            }
        } else if message.starts_with("REPORT RequestId: ") {
            if let Some(id) = &open {
                problems.push(format!("{stream}: a REPORT inside {id}"));
            }
        } else {
            match &open {
                // The function's own JSON lines name the request they were written for.
                Some(id) => {
                    let json: serde_json::Value = serde_json::from_str(message).unwrap_or_default();
                    if let Some(written_for) = json["span"]["requestId"].as_str() {
                        if written_for != id {
                            problems.push(format!(
                                "{stream}: a line of {written_for} inside {id}: {message}\n  after:\n    {}",
                                before()
                            ));
                        }
                    }
                }
                None if initialising => {}
                None => problems.push(format!(
                    "{stream}: outside any invocation: {message}\n  after:\n    {}",
                    before()
                )),
            }
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread")]
async fn every_function_line_lies_between_its_own_invocations_start_and_end() {
    // One record per invocation, so there are many; each is rejected, so the function writes a
    // warning and its summary line for each, and nothing waits on the database.
    let stack = LocalStack::up(&["--batch-size", "1", "--concurrency", "5"]);
    let config = stack.sdk().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    let mut sends = tokio::task::JoinSet::new();
    for chunk in 0..MESSAGES / 10 {
        let (sqs, url) = (sqs.clone(), url.clone());
        sends.spawn(async move {
            let entries = (0..10)
                .map(|i| {
                    SendMessageBatchRequestEntry::builder()
                        .id(format!("e{i}"))
                        .message_body(format!(r#"{{"CustID": "not a number {chunk}-{i}", "Name": "x"}}"#))
                        .build()
                        .unwrap()
                })
                .collect();
            let sent = sqs
                .send_message_batch()
                .queue_url(&url)
                .set_entries(Some(entries))
                .send()
                .await
                .unwrap();
            assert!(sent.failed().is_empty());
        });
    }
    while let Some(sent) = sends.join_next().await {
        sent.unwrap();
    }
    // And, at the same time, a few invocations that each write 10,000 lines just before they
    // answer (a batch of 10,000 rejected records): the stack must read them all before END.
    let lambda = aws_sdk_lambda::Client::new(&config);
    let mut big = tokio::task::JoinSet::new();
    for round in 0..BIG_INVOCATIONS {
        let lambda = lambda.clone();
        big.spawn(async move {
            let records: Vec<serde_json::Value> = (0..BIG_BATCH)
                .map(|i| serde_json::json!({"messageId": format!("big-{round}-{i}"), "body": "not a customer"}))
                .collect();
            let payload = serde_json::json!({ "Records": records }).to_string();
            let out = lambda
                .invoke()
                .function_name("customer-ingest")
                .payload(aws_sdk_lambda::primitives::Blob::new(payload))
                .send()
                .await
                .unwrap();
            assert!(out.function_error().is_none(), "{:?}", out.payload());
        });
    }
    while let Some(invoked) = big.join_next().await {
        invoked.unwrap();
    }
    // Every message is invoked once before the visibility timeout brings it back.
    let logs = Logs::new(&config);
    let deadline = Instant::now() + Duration::from_secs(240);
    let (by_stream, reports) = loop {
        let by_stream = events_by_stream(&logs).await;
        let reports = by_stream
            .values()
            .flatten()
            .filter(|m| m.starts_with("REPORT RequestId: "))
            .count();
        if reports >= MESSAGES + BIG_INVOCATIONS {
            break (by_stream, reports);
        }
        assert!(
            Instant::now() < deadline,
            "only {reports} of {MESSAGES} invocations logged in time"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(
        by_stream.len() >= 5,
        "five function processes, a stream each: {:?}",
        by_stream.keys()
    );
    let function_lines = by_stream.values().flatten().filter(|m| m.starts_with('{')).count();
    assert!(
        function_lines >= 2 * MESSAGES + BIG_INVOCATIONS * (BIG_BATCH + 1),
        "{function_lines} function lines for {reports} invocations"
    );
    let problems: Vec<String> = by_stream
        .iter()
        .flat_map(|(stream, messages)| misplaced_lines(stream, messages))
        .collect();
    assert!(
        problems.is_empty(),
        "{} misplaced lines in {reports} invocations, for example:\n{}",
        problems.len(),
        problems.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
}
