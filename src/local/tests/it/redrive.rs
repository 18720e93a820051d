//! DLQ redrive against the AWS SDK for Rust, as `custctl dlq redrive` will drive it:
//! StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask and
//! ListDeadLetterSourceQueues on the stack's gateway. What is checked is what a user would count:
//! every message back once (none lost, none twice), as a new message; a cancel's count; the rate.

use super::python::run_script;
use super::served::ServedStack;
use aws_sdk_sqs::error::ProvideErrorMetadata;
use aws_sdk_sqs::types::{MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName};
use aws_sdk_sqs::Client;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

async fn client(endpoint: &str) -> Client {
    Client::new(&custctl_test_support::sdk_config(endpoint).await)
}

/// A queue `name` whose messages go to `name-dlq` after one receive, with `count` messages
/// dead-lettered there. Returns (queue URL, DLQ URL, DLQ ARN, the bodies).
async fn dead_lettered(sqs: &Client, name: &str, count: usize) -> (String, String, String, BTreeSet<String>) {
    let dlq_url = sqs
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let dlq_arn = format!("arn:aws:sqs:us-east-1:000000000000:{name}-dlq");
    let policy = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":1}}"#);
    let url = sqs
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::RedrivePolicy, policy)
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let mut bodies = BTreeSet::new();
    for i in 0..count {
        let body = format!(r#"{{"CustID": {i}, "Name": "Customer {i}"}}"#);
        sqs.send_message()
            .queue_url(&url)
            .message_body(&body)
            .message_attributes(
                "origin",
                MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value(format!("batch-{i}"))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        bodies.insert(body);
    }
    // Each message is received once (and left), then the next receive moves it to the DLQ.
    for _ in 0..(2 * count / 10 + 10) {
        let depth = queue_depth(sqs, &dlq_url).await;
        if depth == count {
            return (url, dlq_url, dlq_arn, bodies);
        }
        sqs.receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
    }
    panic!("the messages did not all reach the DLQ");
}

async fn queue_depth(sqs: &Client, url: &str) -> usize {
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    attributes.values().map(|v| v.parse::<usize>().unwrap()).sum()
}

/// Receives and deletes every message of the queue: body -> (message id, receive count,
/// the `origin` attribute).
async fn drain(sqs: &Client, url: &str) -> Vec<(String, String, String, String)> {
    let mut got = Vec::new();
    loop {
        let out = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .message_attribute_names("All")
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .unwrap();
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            return got;
        }
        for message in messages {
            let attributes = message.attributes.clone().unwrap_or_default();
            let origin = message
                .message_attributes
                .as_ref()
                .and_then(|a| a.get("origin"))
                .and_then(|v| v.string_value.clone())
                .unwrap_or_default();
            got.push((
                message.body.clone().unwrap(),
                message.message_id.clone().unwrap(),
                attributes[&MessageSystemAttributeName::ApproximateReceiveCount].clone(),
                origin,
            ));
            sqs.delete_message()
                .queue_url(url)
                .receipt_handle(message.receipt_handle.unwrap())
                .send()
                .await
                .unwrap();
        }
    }
}

/// The source's newest task, once `done` says it is where the test wants it (bounded).
async fn wait_for_task(
    sqs: &Client,
    dlq_arn: &str,
    done: impl Fn(&aws_sdk_sqs::types::ListMessageMoveTasksResultEntry) -> bool,
) -> aws_sdk_sqs::types::ListMessageMoveTasksResultEntry {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let tasks = sqs
            .list_message_move_tasks()
            .source_arn(dlq_arn)
            .send()
            .await
            .unwrap()
            .results
            .unwrap_or_default();
        if let Some(task) = tasks.into_iter().next().filter(|t| done(t)) {
            return task;
        }
        assert!(Instant::now() < deadline, "the move task did not get there within 30 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redrive_moves_every_message_back_to_its_source_once_as_a_new_message() {
    let stack = ServedStack::start().await;
    let sqs = client(&stack.endpoint).await;
    let (url, dlq_url, dlq_arn, bodies) = dead_lettered(&sqs, "orders", 250).await;

    let sources = sqs
        .list_dead_letter_source_queues()
        .queue_url(&dlq_url)
        .send()
        .await
        .unwrap();
    assert_eq!(sources.queue_urls(), std::slice::from_ref(&url));
    let peeked = sqs
        .receive_message()
        .queue_url(&dlq_url)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .visibility_timeout(0)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap();
    assert_eq!(
        peeked[0].attributes.as_ref().unwrap()[&MessageSystemAttributeName::DeadLetterQueueSourceArn],
        "arn:aws:sqs:us-east-1:000000000000:orders"
    );
    let old_ids: BTreeSet<String> = {
        let snapshot = sqs
            .receive_message()
            .queue_url(&dlq_url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
        snapshot
            .messages
            .unwrap()
            .into_iter()
            .map(|m| m.message_id.unwrap())
            .collect()
    };

    let handle = sqs
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .send()
        .await
        .unwrap()
        .task_handle
        .unwrap();
    let task = wait_for_task(&sqs, &dlq_arn, |t| t.status() == Some("COMPLETED")).await;
    assert_eq!(task.approximate_number_of_messages_moved(), 250);
    assert_eq!(task.approximate_number_of_messages_to_move(), Some(250));
    assert_eq!(task.task_handle(), None, "a finished task shows no handle");
    assert_eq!(task.destination_arn(), None);
    let err = sqs
        .cancel_message_move_task()
        .task_handle(&handle)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));

    let back = drain(&sqs, &url).await;
    let back_bodies: BTreeSet<String> = back.iter().map(|m| m.0.clone()).collect();
    assert_eq!(back.len(), 250, "each message exactly once");
    assert_eq!(back_bodies, bodies, "none lost");
    for (body, id, receives, origin) in &back {
        assert!(!old_ids.contains(id), "a redriven message gets a new id");
        assert_eq!(receives, "1", "and a receive count that starts again");
        let cust_id: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            origin,
            &format!("batch-{}", cust_id["CustID"]),
            "attributes travel with it"
        );
    }
    assert_eq!(queue_depth(&sqs, &dlq_url).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_mid_way_reports_what_moved_and_the_rest_stays() {
    let stack = ServedStack::start().await;
    let sqs = client(&stack.endpoint).await;
    let (url, dlq_url, dlq_arn, bodies) = dead_lettered(&sqs, "cancelled", 100).await;
    let elsewhere = sqs
        .create_queue()
        .queue_name("elsewhere")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let handle = sqs
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .destination_arn("arn:aws:sqs:us-east-1:000000000000:elsewhere")
        .max_number_of_messages_per_second(20)
        .send()
        .await
        .unwrap()
        .task_handle
        .unwrap();
    expect_error(
        sqs.start_message_move_task().source_arn(&dlq_arn).send().await,
        "InvalidParameterValue",
        "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
    );

    wait_for_task(&sqs, &dlq_arn, |t| t.approximate_number_of_messages_moved() >= 5).await;
    let moved = sqs
        .cancel_message_move_task()
        .task_handle(&handle)
        .send()
        .await
        .unwrap()
        .approximate_number_of_messages_moved();
    assert!((5..100).contains(&moved), "cancelled mid-way after {moved}");
    let task = wait_for_task(&sqs, &dlq_arn, |t| t.status() == Some("CANCELLED")).await;
    assert_eq!(
        task.approximate_number_of_messages_moved(),
        moved,
        "nothing moved after the cancel"
    );

    let moved_bodies: Vec<String> = drain(&sqs, &elsewhere).await.into_iter().map(|m| m.0).collect();
    let left: Vec<String> = drain(&sqs, &dlq_url).await.into_iter().map(|m| m.0).collect();
    assert_eq!(moved_bodies.len() as i64, moved, "the count is what arrived");
    let all: BTreeMap<String, usize> = moved_bodies.iter().chain(&left).fold(BTreeMap::new(), |mut seen, b| {
        *seen.entry(b.clone()).or_default() += 1;
        seen
    });
    assert_eq!(all.keys().cloned().collect::<BTreeSet<_>>(), bodies, "none lost");
    assert!(all.values().all(|&n| n == 1), "none twice");
    assert_eq!(queue_depth(&sqs, &url).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_number_of_messages_per_second_holds() {
    let stack = ServedStack::start().await;
    let sqs = client(&stack.endpoint).await;
    let (_, _, dlq_arn, _) = dead_lettered(&sqs, "paced", 50).await;
    const RATE: i64 = 25;
    let started = Instant::now();
    sqs.start_message_move_task()
        .source_arn(&dlq_arn)
        .max_number_of_messages_per_second(RATE as i32)
        .send()
        .await
        .unwrap();
    loop {
        let tasks = sqs
            .list_message_move_tasks()
            .source_arn(&dlq_arn)
            .send()
            .await
            .unwrap()
            .results
            .unwrap();
        // Read after the answer: the task cannot have moved more by then than by when it answered.
        let elapsed = started.elapsed().as_secs_f64();
        let task = &tasks[0];
        assert_eq!(task.max_number_of_messages_per_second(), Some(RATE as i32));
        let allowed = (RATE as f64 * elapsed).floor() as i64 + 1;
        assert!(
            task.approximate_number_of_messages_moved() <= allowed,
            "{} moved after {elapsed:.2} s at {RATE}/s",
            task.approximate_number_of_messages_moved()
        );
        if task.status() == Some("COMPLETED") {
            break;
        }
        assert!(elapsed < 30.0, "50 messages at 25/s took over 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_millis(49 * 1000 / RATE as u64),
        "50 messages moved faster than 25 a second"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn move_task_requests_get_awss_errors() {
    let stack = ServedStack::start().await;
    let sqs = client(&stack.endpoint).await;
    let (_, _, dlq_arn, _) = dead_lettered(&sqs, "errors", 1).await;
    let source_arn = "arn:aws:sqs:us-east-1:000000000000:errors";
    let not_a_dlq = sqs.start_message_move_task().source_arn(source_arn).send().await;
    expect_error(
        not_a_dlq,
        "InvalidParameterValue",
        "Source queue must be configured as a Dead Letter Queue.",
    );
    let too_fast = sqs
        .start_message_move_task()
        .source_arn(&dlq_arn)
        .max_number_of_messages_per_second(501);
    expect_error(
        too_fast.send().await,
        "InvalidParameterValue",
        "Value 501 for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.",
    );
    let absent = "arn:aws:sqs:us-east-1:000000000000:absent";
    let err = sqs
        .start_message_move_task()
        .source_arn(absent)
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error().unwrap().is_resource_not_found_exception(),
        "{err:?}"
    );
    expect_error(
        sqs.cancel_message_move_task().task_handle("not-a-handle").send().await,
        "InvalidParameterValue",
        "Value for parameter TaskHandle is invalid.",
    );
    expect_error(
        sqs.list_message_move_tasks()
            .source_arn(&dlq_arn)
            .max_results(11)
            .send()
            .await,
        "InvalidParameterValue",
        "Value 11 for parameter MaxResults is invalid. Reason: Must be between 1 and 10.",
    );
    let absent_url = format!("{}/000000000000/absent", stack.endpoint);
    let err = sqs
        .list_dead_letter_source_queues()
        .queue_url(absent_url)
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().unwrap().is_queue_does_not_exist(), "{err:?}");
}

/// The call failed with AWS's `code` and `message`, as the SDK reports them.
fn expect_error<T: std::fmt::Debug, E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    result: Result<T, aws_sdk_sqs::error::SdkError<E, R>>,
    code: &str,
    message: &str,
) {
    let err = result.expect_err("the call should have failed");
    assert_eq!((err.code(), err.message()), (Some(code), Some(message)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_redrives_a_dlq_and_cancels_one_mid_way() {
    let stack = ServedStack::start().await;
    run_script("sqs_redrive_boto3.py", &[&stack.endpoint]).await;
}
