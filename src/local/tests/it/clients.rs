//! The answers that boto3 and the AWS CLI could not use, each through the client that broke:
//! StartLiveTail's initial-response, a second mapping of a queue, an oversized Invoke,
//! UpdateFunctionConfiguration's Description, Lambda's request ids, and the `Message` members.
//! (SQS's common errors are in sqs_boto3.py.)

use super::python::{run_hermetic, run_script};
use super::served::ServedStack;
use std::time::Duration;

async fn boto3(check: &str) {
    let stack = ServedStack::start().await;
    run_script("clients_boto3.py", &[check, &stack.endpoint]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_follows_a_live_tail_from_its_initial_response() {
    boto3("live_tail").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_gets_resource_conflict_for_a_second_mapping_of_a_queue() {
    boto3("duplicate_mapping").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_gets_lambdas_413_for_an_oversized_invoke() {
    boto3("invoke_too_large").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_updates_the_description_and_is_told_what_cannot_change() {
    boto3("update_configuration").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_sees_a_request_id_on_every_lambda_answer() {
    boto3("request_ids").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_reads_the_message_members_the_models_name() {
    boto3("error_messages").await;
}

/// `aws logs start-live-tail` against a custom endpoint, with host prefixes off as the README
/// says: it prints what is logged during the session and ends cleanly when the session does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_follows_a_live_tail() {
    let stack = ServedStack::start().await;
    let group = "/live-tail/aws-cli";
    stack.logs.ensure_group(group);
    let writer = {
        let logs = stack.logs.clone();
        // Written until the CLI is done: a line stored before its session starts is not in it.
        tokio::spawn(async move {
            loop {
                let now = chrono::Utc::now().timestamp_millis();
                logs.append(group, "s", vec![(now, "hello from the AWS CLI's session".into())]);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        })
    };
    let out = run_hermetic(
        "aws",
        &[
            "logs",
            "start-live-tail",
            "--log-group-identifiers",
            group,
            "--endpoint-url",
            &stack.endpoint,
        ],
        &[("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")],
        Duration::from_secs(60),
    )
    .await;
    writer.abort();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "aws logs start-live-tail failed\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("hello from the AWS CLI's session"),
        "the CLI printed none of the lines logged during its session\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("SessionTimeoutException"),
        "the session's end was not reported\n{stdout}"
    );
}
