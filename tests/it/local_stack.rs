//! `custctl local`: the real binary brings up the whole pipeline (real MariaDB, the real
//! function binary, the AWS-compatible endpoint), and the real AWS SDK clients drive it.

use aws_sdk_lambda::primitives::Blob;
use base64::Engine;
use custctl_test_support::LocalStack;
use mysql::prelude::Queryable;
use std::time::{Duration, Instant};

/// The decoded `X-Amz-Log-Result` of an invocation.
fn log_tail(out: &aws_sdk_lambda::operation::invoke::InvokeOutput) -> String {
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(out.log_result().unwrap())
            .unwrap(),
    )
    .unwrap()
}

fn stack_json(stack: &LocalStack) -> serde_json::Value {
    let out = stack
        .custctl()
        .args(["local", "status", "--output", "json"])
        .output()
        .unwrap();
    // serde_json takes the last of two equal keys without a word; a user's parser may not.
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("\"state_dir\"").count(), 1, "state_dir once: {text}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_stack_comes_up_idempotently_and_goes_down_leaving_nothing() {
    let stack = LocalStack::up(&[]);
    let status = stack_json(&stack);
    assert_eq!(status["running"], true);
    assert_eq!(status["endpoint"], stack.endpoint);
    let db_pid = status["db_pid"].as_u64().unwrap() as u32;
    assert!(custctl_platform::process_alive(db_pid));
    let sshd_pid = status["bastion"]["pid"].as_u64().unwrap() as u32;
    let sshd_port = status["bastion"]["port"].as_u64().unwrap() as u16;
    assert!(custctl_platform::process_alive(sshd_pid));

    // A second `up` finds the running stack and leaves it be.
    let again = stack.custctl().args(["local", "up", "--detach"]).output().unwrap();
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already runs"));
    assert_eq!(stack_json(&stack)["pid"], status["pid"]);

    // Make the function run, so that `down` has instances to end.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let lambda = aws_sdk_lambda::Client::new(&stack.sdk().await);
        lambda
            .invoke()
            .function_name("customer-ingest")
            .payload(Blob::new(r#"{"Records":[]}"#))
            .send()
            .await
            .unwrap();
    });
    assert!(!stack.function_pids().is_empty());

    let down = stack.custctl().args(["local", "down"]).output().unwrap();
    assert!(down.status.success(), "{}", String::from_utf8_lossy(&down.stderr));
    assert!(
        !custctl_platform::process_alive(stack.pid()),
        "the stack process is gone"
    );
    assert!(!custctl_platform::process_alive(db_pid), "MariaDB is gone");
    assert!(!custctl_platform::process_alive(sshd_pid), "the bastion is gone");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", sshd_port)).is_err(),
        "the bastion's port is free"
    );
    assert!(stack.function_pids().is_empty(), "no function process is left");
    assert!(
        std::net::TcpStream::connect(stack.endpoint.trim_start_matches("http://")).is_err(),
        "the port is free"
    );
    let status = stack
        .custctl()
        .args(["local", "status", "--output", "json"])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&status.stdout).unwrap()["running"],
        false
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_becomes_a_row_through_rds_and_secrets_manager_discovery() {
    let stack = LocalStack::up(&[]);
    let config = stack.sdk().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    sqs.send_message()
        .queue_url(&url)
        .message_body(r#"{"CustID": 404, "Name": "Rodolfo Avelino"}"#)
        .send()
        .await
        .unwrap();

    // Find the database the way a user would: RDS for the endpoint, the secret for credentials.
    let rds = aws_sdk_rds::Client::new(&config);
    let instances = rds
        .describe_db_instances()
        .db_instance_identifier("customers-db")
        .send()
        .await
        .unwrap();
    let instance = &instances.db_instances()[0];
    assert_eq!(instance.engine(), Some("mysql"));
    assert_eq!(instance.db_instance_status(), Some("available"));
    assert_eq!(instance.publicly_accessible(), Some(false));
    let endpoint = instance.endpoint().unwrap();
    let secret_arn = instance.master_user_secret().unwrap().secret_arn().unwrap();
    let secrets = aws_sdk_secretsmanager::Client::new(&config);
    let secret = secrets.get_secret_value().secret_id(secret_arn).send().await.unwrap();
    let secret: serde_json::Value = serde_json::from_str(secret.secret_string().unwrap()).unwrap();
    let opts = mysql::OptsBuilder::new()
        .ip_or_hostname(endpoint.address())
        .tcp_port(endpoint.port().unwrap() as u16)
        .user(secret["username"].as_str())
        .pass(secret["password"].as_str())
        .db_name(secret["dbname"].as_str());
    let deadline = Instant::now() + Duration::from_secs(30);
    let rows: Vec<(i32, String)> = loop {
        let mut conn = mysql::Conn::new(opts.clone()).unwrap();
        let rows = conn.query("SELECT CustID, Name FROM Customer").unwrap_or_default();
        if !rows.is_empty() || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(rows, vec![(404, "Rodolfo Avelino".to_string())]);

    // The message was deleted once the function had written it.
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
        .send()
        .await
        .unwrap();
    let count = |name| attributes.attributes().unwrap()[&name].clone();
    assert_eq!(
        count(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages),
        "0"
    );
    assert_eq!(
        count(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
        "0"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poison_message_reaches_the_dlq_after_three_receives_with_its_reason_logged() {
    // Three receives, not the template's five: the flag overrides the template.
    let (stack, message_id) = crate::dlq::stack_with_a_poison_message_in_the_dlq().await;
    let config = stack.sdk().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let dlq = custctl_test_support::queue_url(&sqs, "customers-dlq").await;
    let out = sqs
        .receive_message()
        .queue_url(&dlq)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount)
        .wait_time_seconds(1)
        .send()
        .await
        .unwrap();
    let moved = out
        .messages()
        .first()
        .expect("the DLQ holds the poison message")
        .clone();
    assert_eq!(moved.message_id(), Some(message_id.as_str()));
    assert_eq!(moved.body(), Some(r#"{"CustID": "404", "Name": "x"}"#));

    // Exactly three invocations saw it, and each logged the reason with its messageId.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let events = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/customer-ingest")
        .filter_pattern(format!("\"{message_id}\""))
        .send()
        .await
        .unwrap();
    let rejections: Vec<&str> = events.events().iter().filter_map(|e| e.message()).collect();
    assert_eq!(rejections.len(), 3, "{rejections:?}");
    assert!(
        rejections
            .iter()
            .all(|m| m.contains(r#"CustID: expected an integer, got the string \"404\""#)),
        "{rejections:?}"
    );
    assert!(stack.rows().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn invoke_with_a_hand_built_event_returns_the_batch_response_and_the_log_tail() {
    let stack = LocalStack::up(&[]);
    let lambda = aws_sdk_lambda::Client::new(&stack.sdk().await);
    let event = serde_json::json!({"Records": [
        {"messageId": "good", "body": "{\"CustID\": 1, \"Name\": \"Ana\"}", "eventSource": "aws:sqs"},
        {"messageId": "bad", "body": "{\"CustID\": 2}", "eventSource": "aws:sqs"},
    ]});
    let out = lambda
        .invoke()
        .function_name("customer-ingest")
        .log_type(aws_sdk_lambda::types::LogType::Tail)
        .payload(Blob::new(event.to_string()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status_code(), 200);
    assert_eq!(out.function_error(), None);
    let response: serde_json::Value = serde_json::from_slice(out.payload().unwrap().as_ref()).unwrap();
    assert_eq!(
        response,
        serde_json::json!({"batchItemFailures": [{"itemIdentifier": "bad"}]})
    );
    let tail = log_tail(&out);
    assert!(tail.contains("START RequestId: "), "{tail}");
    assert!(tail.contains(r#""message_id":"bad""#), "{tail}");
    assert!(tail.contains("END RequestId: "), "{tail}");
    assert!(
        tail.contains("REPORT RequestId: ") && tail.contains("Init Duration: "),
        "{tail}"
    );
    assert_eq!(stack.rows(), vec![(1, "Ana".to_string())]);

    // Unknown functions are refused the way Lambda refuses them.
    let err = lambda.invoke().function_name("nope").send().await.unwrap_err();
    assert!(err.into_service_error().is_resource_not_found_exception());

    // DryRun checks without running; Event runs later.
    let dry = lambda
        .invoke()
        .function_name("customer-ingest")
        .invocation_type(aws_sdk_lambda::types::InvocationType::DryRun)
        .send()
        .await
        .unwrap();
    assert_eq!(dry.status_code(), 204);
    let event = serde_json::json!({"Records": [{"messageId": "later", "body": "{\"CustID\": 3, \"Name\": \"Cy\"}"}]});
    let queued = lambda
        .invoke()
        .function_name("customer-ingest")
        .invocation_type(aws_sdk_lambda::types::InvocationType::Event)
        .payload(Blob::new(event.to_string()))
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status_code(), 202);
    assert_eq!(stack.wait_for_rows(2, Duration::from_secs(20)).len(), 2);

    // GetFunction's CodeSha256 is the base64 SHA-256 of the code, as Lambda reports it (the
    // stack computes it on first request, not at start-up), and its CodeSize the code's size.
    let function = lambda
        .get_function()
        .function_name("customer-ingest")
        .send()
        .await
        .unwrap();
    let configuration = function.configuration().unwrap();
    let code = std::fs::read(&stack.function_binary).unwrap();
    use sha2::Digest;
    let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&code));
    assert_eq!(configuration.code_sha256(), Some(digest.as_str()));
    assert_eq!(configuration.code_size(), code.len() as i64);
}

/// The request ids of the lines that start with `prefix`.
fn request_ids(messages: &[(String, String)], prefix: &str) -> std::collections::BTreeSet<String> {
    messages
        .iter()
        .filter_map(|(_, m)| m.strip_prefix(prefix))
        .map(|rest| rest.split([' ', '\t']).next().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_show_start_end_and_report_for_every_invocation() {
    let stack = LocalStack::up(&[]);
    let config = stack.sdk().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    for batch in 0..10 {
        let entries: Vec<_> = (0..10)
            .map(|i| {
                let id = batch * 10 + i;
                aws_sdk_sqs::types::SendMessageBatchRequestEntry::builder()
                    .id(format!("e{i}"))
                    .message_body(format!(r#"{{"CustID": {id}, "Name": "N{id}"}}"#))
                    .build()
                    .unwrap()
            })
            .collect();
        sqs.send_message_batch()
            .queue_url(&url)
            .set_entries(Some(entries))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(stack.wait_for_rows(100, Duration::from_secs(60)).len(), 100);

    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    // The rows are written before an invocation's END and REPORT: read until the last
    // invocation has logged them too (or 20 s passed).
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut messages: Vec<(String, String)>;
    loop {
        messages = Vec::new();
        let mut token = None;
        loop {
            let page = logs
                .filter_log_events()
                .log_group_name("/aws/lambda/customer-ingest")
                .set_next_token(token)
                .send()
                .await
                .unwrap();
            messages.extend(page.events().iter().map(|e| {
                (
                    e.log_stream_name().unwrap().to_string(),
                    e.message().unwrap().to_string(),
                )
            }));
            token = page.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        let starts = request_ids(&messages, "START RequestId: ");
        if starts == request_ids(&messages, "REPORT RequestId: ") || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let request_ids = |prefix: &str| request_ids(&messages, prefix);
    let starts = request_ids("START RequestId: ");
    assert!(!starts.is_empty());
    assert_eq!(starts, request_ids("END RequestId: "));
    assert_eq!(starts, request_ids("REPORT RequestId: "));
    let processed: u64 = messages
        .iter()
        .filter_map(|(_, m)| serde_json::from_str::<serde_json::Value>(m).ok())
        .filter(|j| j["message"] == "batch processed")
        .map(|j| j["written"].as_u64().unwrap())
        .sum();
    assert_eq!(processed, 100);
    for (stream, _) in &messages {
        let (date, id) = stream.split_once("/[$LATEST]").expect("a Lambda-style stream name");
        assert_eq!(date.len(), 10);
        assert_eq!(id.len(), 32);
    }
    let report = messages.iter().find(|(_, m)| m.starts_with("REPORT")).unwrap();
    assert!(
        report.1.contains("\tDuration: ")
            && report.1.contains(" ms\tBilled Duration: ")
            && report.1.contains("\tMemory Size: 128 MB\tMax Memory Used: ")
    );
}

#[test]
fn rules_aws_enforces_are_refused_at_up() {
    let dir = custctl_test_support::scratch_dir("refused-");
    let out = custctl_test_support::custctl()
        .args(["local", "up", "--detach", "--batch-size", "11", "--function-binary"])
        .arg(custctl_test_support::function_binary())
        .arg("--state-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("greater than 0 if maximum batch size is greater than 10") && stderr.contains("--batch-window"),
        "{stderr}"
    );

    let out = custctl_test_support::custctl()
        .args([
            "local",
            "up",
            "--detach",
            "--visibility-timeout",
            "10",
            "--function-timeout",
            "30",
            "--function-binary",
        ])
        .arg(custctl_test_support::function_binary())
        .arg("--state-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Queue visibility timeout: 10 seconds is less than Function timeout: 30 seconds"),
        "{stderr}"
    );
    assert!(!dir.path().join("stack.json").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_event_source_mapping_api_enforces_awss_rules_and_can_disable_polling() {
    let stack = LocalStack::up(&[]);
    let config = stack.sdk().await;
    let lambda = aws_sdk_lambda::Client::new(&config);
    let sqs = aws_sdk_sqs::Client::new(&config);
    let mappings = lambda
        .list_event_source_mappings()
        .function_name("customer-ingest")
        .send()
        .await
        .unwrap();
    let mapping = &mappings.event_source_mappings()[0];
    let uuid = mapping.uuid().unwrap().to_string();
    assert_eq!(mapping.batch_size(), Some(10));
    assert_eq!(mapping.state(), Some("Enabled"));
    assert_eq!(mapping.scaling_config().unwrap().maximum_concurrency(), Some(5));
    assert!(mapping.event_source_arn().unwrap().ends_with(":customers"));

    let err = lambda
        .update_event_source_mapping()
        .uuid(&uuid)
        .batch_size(11)
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_invalid_parameter_value_exception());

    // A queue whose visibility timeout is shorter than the function's timeout is refused.
    let short = sqs
        .create_queue()
        .queue_name("short-visibility")
        .attributes(aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout, "5")
        .send()
        .await
        .unwrap();
    let short_arn = sqs
        .get_queue_attributes()
        .queue_url(short.queue_url().unwrap())
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()[&aws_sdk_sqs::types::QueueAttributeName::QueueArn]
        .clone();
    let err = lambda
        .create_event_source_mapping()
        .function_name("customer-ingest")
        .event_source_arn(&short_arn)
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_invalid_parameter_value_exception());
    assert!(
        err.to_string()
            .contains("Queue visibility timeout: 5 seconds is less than Function timeout: 30 seconds"),
        "{err}"
    );

    // Disabled, the mapping polls nothing; enabled again, the message is processed.
    let disabled = lambda
        .update_event_source_mapping()
        .uuid(&uuid)
        .enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.state(), Some("Disabled"));
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    sqs.send_message()
        .queue_url(&url)
        .message_body(r#"{"CustID": 5, "Name": "Eve"}"#)
        .send()
        .await
        .unwrap();
    // The test takes the message itself: that it gets it, received for the first time, shows
    // that the disabled mapping never did. Then it goes back, visible at once.
    let taken = sqs
        .receive_message()
        .queue_url(&url)
        .wait_time_seconds(5)
        .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount)
        .send()
        .await
        .unwrap();
    let message = &taken.messages()[0];
    assert_eq!(message.body(), Some(r#"{"CustID": 5, "Name": "Eve"}"#));
    assert_eq!(
        message.attributes().unwrap()[&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount],
        "1",
        "the disabled mapping received the message"
    );
    sqs.change_message_visibility()
        .queue_url(&url)
        .receipt_handle(message.receipt_handle().unwrap())
        .visibility_timeout(0)
        .send()
        .await
        .unwrap();
    assert!(stack.rows().is_empty());
    lambda
        .update_event_source_mapping()
        .uuid(&uuid)
        .enabled(true)
        .batch_size(50)
        .maximum_batching_window_in_seconds(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        stack.wait_for_rows(1, Duration::from_secs(20)),
        vec![(5, "Eve".to_string())]
    );
    let resized = lambda.get_event_source_mapping().uuid(&uuid).send().await.unwrap();
    assert_eq!(
        (resized.batch_size(), resized.maximum_batching_window_in_seconds()),
        (Some(50), Some(1))
    );
}

/// Short timeouts, so that failed batches come back quickly, and enough receives that an
/// outage does not dead-letter anything.
const RESILIENT: &[&str] = &[
    "--visibility-timeout",
    "2",
    "--function-timeout",
    "2",
    "--max-receive-count",
    "50",
];

/// Sends `count` customers with SendMessageBatch.
async fn send_customers(sqs: &aws_sdk_sqs::Client, url: &str, ids: std::ops::Range<i32>) {
    let bodies: Vec<String> = ids
        .map(|id| format!(r#"{{"CustID": {id}, "Name": "Customer {id}"}}"#))
        .collect();
    custctl_test_support::send_bodies(sqs, url, &bodies).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killing_mariadb_mid_run_loses_and_duplicates_nothing() {
    let stack = LocalStack::up(RESILIENT);
    let config = stack.sdk().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    let dlq = custctl_test_support::queue_url(&sqs, "customers-dlq").await;
    send_customers(&sqs, &url, 0..1000).await;
    stack.wait_for_rows(1, Duration::from_secs(30));
    let db_pid = stack.info["db_pid"].as_u64().unwrap() as i32;
    // SAFETY: the test kills the stack's own MariaDB, as a crash would.
    unsafe { libc::kill(db_pid, libc::SIGKILL) };
    send_customers(&sqs, &url, 1000..2000).await;

    let rows = stack.wait_for_rows(2000, Duration::from_secs(120));
    assert_eq!(rows.len(), 2000, "every message became exactly one row");
    assert!(rows
        .iter()
        .enumerate()
        .all(|(i, (id, name))| *id == i as i32 && *name == format!("Customer {i}")));
    assert_eq!(custctl_test_support::messages_in(&sqs, &url).await, 0);
    assert_eq!(
        custctl_test_support::messages_in(&sqs, &dlq).await,
        0,
        "nothing was dead-lettered"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn killing_the_function_mid_batch_loses_nothing() {
    let stack = LocalStack::up(RESILIENT);
    let config = stack.sdk().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    let dlq = custctl_test_support::queue_url(&sqs, "customers-dlq").await;
    let sender = {
        let sqs = sqs.clone();
        let url = url.clone();
        tokio::spawn(async move { send_customers(&sqs, &url, 0..3000).await })
    };
    let mut killed = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while killed < 3 && Instant::now() < deadline {
        for pid in stack.function_pids() {
            // SAFETY: the test kills its own stack's function processes.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            killed += 1;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(killed > 0, "there was a function process to kill");
    sender.await.unwrap();
    let rows = stack.wait_for_rows(3000, Duration::from_secs(120));
    assert_eq!(rows.len(), 3000);
    assert_eq!(custctl_test_support::messages_in(&sqs, &url).await, 0);
    assert_eq!(custctl_test_support::messages_in(&sqs, &dlq).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_function_past_its_timeout_is_stopped_and_the_next_invocation_is_a_cold_start() {
    let stack = LocalStack::up(&["--visibility-timeout", "1", "--function-timeout", "1"]);
    let lambda = aws_sdk_lambda::Client::new(&stack.sdk().await);
    let event = |id: i32| {
        serde_json::json!({"Records": [{"messageId": format!("m{id}"), "body": format!("{{\"CustID\": {id}, \"Name\": \"T\"}}")}]}).to_string()
    };
    lambda
        .invoke()
        .function_name("customer-ingest")
        .payload(Blob::new(event(7)))
        .send()
        .await
        .unwrap();
    assert_eq!(stack.rows().len(), 1);

    // Hold the row's lock, so that the function's upsert waits past its timeout.
    let mut blocker = stack.db();
    let mut tx = blocker.start_transaction(mysql::TxOpts::default()).unwrap();
    let _: Vec<(i32, String)> = tx
        .query("SELECT CustID, Name FROM Customer WHERE CustID = 7 FOR UPDATE")
        .unwrap();
    let out = lambda
        .invoke()
        .function_name("customer-ingest")
        .log_type(aws_sdk_lambda::types::LogType::Tail)
        .payload(Blob::new(event(7)))
        .send()
        .await
        .unwrap();
    tx.rollback().unwrap();
    assert_eq!(out.function_error(), Some("Unhandled"));
    let payload = String::from_utf8_lossy(out.payload().unwrap().as_ref()).into_owned();
    assert!(payload.contains("Task timed out after 1.00 seconds"), "{payload}");
    let tail = log_tail(&out);
    assert!(tail.contains("Status: timeout"), "{tail}");

    let out = lambda
        .invoke()
        .function_name("customer-ingest")
        .log_type(aws_sdk_lambda::types::LogType::Tail)
        .payload(Blob::new(event(8)))
        .send()
        .await
        .unwrap();
    assert_eq!(out.function_error(), None);
    let tail = log_tail(&out);
    assert!(tail.contains("Init Duration: "), "a new process was started: {tail}");
    assert_eq!(stack.rows().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn data_persists_across_down_and_up_unless_fresh() {
    let stack = LocalStack::up(&[]);
    let config = stack.sdk().await;
    let lambda = aws_sdk_lambda::Client::new(&config);
    let sqs = aws_sdk_sqs::Client::new(&config);
    let event = serde_json::json!({"Records": [{"messageId": "m1", "body": "{\"CustID\": 1, \"Name\": \"Kept\"}"}]});
    lambda
        .invoke()
        .function_name("customer-ingest")
        .payload(Blob::new(event.to_string()))
        .send()
        .await
        .unwrap();
    let dlq = custctl_test_support::queue_url(&sqs, "customers-dlq").await;
    sqs.send_message()
        .queue_url(&dlq)
        .message_body("kept in the DLQ")
        .send()
        .await
        .unwrap();

    assert!(stack.custctl().args(["local", "down"]).status().unwrap().success());
    let up = |extra: &[&str]| {
        let out = stack
            .custctl()
            .args([
                "local",
                "up",
                "--detach",
                "--port",
                stack.endpoint.rsplit(':').next().unwrap(),
                "--function-binary",
            ])
            .arg(&stack.function_binary)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    up(&[]);
    assert_eq!(stack.rows(), vec![(1, "Kept".to_string())]);
    let kept = sqs.receive_message().queue_url(&dlq).send().await.unwrap();
    assert_eq!(kept.messages()[0].body(), Some("kept in the DLQ"));

    assert!(stack.custctl().args(["local", "down"]).status().unwrap().success());
    up(&["--fresh"]);
    assert!(stack.rows().is_empty());
    let gone = sqs.receive_message().queue_url(&dlq).send().await.unwrap();
    assert!(gone.messages().is_empty());
}

/// Attack: by the time `local down` runs, the pid `stack.json` gives for MariaDB may name
/// another process (the stack's server was restarted or ended, and the pid was reused, by
/// another stack's MariaDB say). `down` stopped whatever `mariadbd` had that pid; it must stop
/// only the server that started at the recorded time. The impostor is `sleep` run as `mariadbd`.
#[test]
fn down_leaves_alone_a_mariadbd_that_reused_the_databases_pid() {
    let stack = LocalStack::up(&[]);
    let scratch = custctl_test_support::scratch_dir("impostor-");
    let impostor_program = scratch.path().join("mariadbd");
    std::fs::copy("/bin/sleep", &impostor_program).unwrap();
    let mut impostor = std::process::Command::new(&impostor_program).arg("60").spawn().unwrap();
    let record_path = stack.state_dir().join("stack.json");
    let mut record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&record_path).unwrap()).unwrap();
    assert!(record["db_pid_start"].is_string(), "{record}");
    // The record's start time stays the real server's, as after a reuse of its pid.
    record["db_pid"] = impostor.id().into();
    std::fs::write(&record_path, record.to_string()).unwrap();

    let down = stack.custctl().args(["local", "down"]).output().unwrap();
    assert!(down.status.success(), "{}", String::from_utf8_lossy(&down.stderr));
    let still_running = impostor.try_wait().unwrap().is_none();
    impostor.kill().unwrap();
    let _ = impostor.wait();
    assert!(
        still_running,
        "local down killed a process that merely reused MariaDB's pid"
    );
}

/// Attack (issue 12, item 8): after a crash the stack's pid in `stack.json` may belong to an
/// unrelated process; `local down` signalled it anyway. Here that pid is a `sleep` of ours (in
/// a record as an older custctl wrote it, and in one whose start time is another process's):
/// `down` must leave it running and say no stack runs.
#[test]
fn down_leaves_alone_a_process_that_reused_the_stacks_pid() {
    let dir = custctl_test_support::scratch_dir("stale-");
    for pid_start in [None, Some("1")] {
        let mut bystander = std::process::Command::new("sleep").arg("60").spawn().unwrap();
        let mut record = serde_json::json!({
            "pid": bystander.id(), "endpoint": "http://127.0.0.1:1", "region": "us-east-1",
            "queue_url": "http://127.0.0.1:1/000000000000/customers",
            "dead_letter_queue_url": "http://127.0.0.1:1/000000000000/customers-dlq",
            "function": "customer-ingest", "log_group": "/aws/lambda/customer-ingest",
            "db_instance": "customers-db", "db_port": 1, "db_pid": bystander.id(),
            "db_secret_arn": "arn:aws:secretsmanager:us-east-1:000000000000:secret:x",
            "state_dir": dir.path(), "started_at": "2026-11-23T00:00:00Z",
        });
        if let Some(start) = pid_start {
            record["pid_start"] = start.into();
        }
        std::fs::write(dir.path().join("stack.json"), record.to_string()).unwrap();
        let down = custctl_test_support::custctl()
            .args(["local", "down", "--state-dir"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(down.status.success(), "{}", String::from_utf8_lossy(&down.stderr));
        assert!(
            String::from_utf8_lossy(&down.stderr).contains("no local stack runs"),
            "{}",
            String::from_utf8_lossy(&down.stderr)
        );
        assert!(
            matches!(bystander.try_wait(), Ok(None)),
            "the unrelated process was signalled (record {record})"
        );
        bystander.kill().unwrap();
        bystander.wait().unwrap();
    }
}

/// `mariadb ... -e SELECT CURRENT_USER()` as the user `nobody` (uid 65534): another local user.
fn mariadb_as_nobody(args: &[&str]) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    std::process::Command::new("mariadb")
        .args(["--no-defaults", "--connect-timeout=5"])
        .args(args)
        .args(["-e", "SELECT CURRENT_USER()"])
        .env("HOME", "/nonexistent")
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap()
}

/// Attack (issue 12, item 6): another local user logged in to the stack's MariaDB as root,
/// over TCP with no password (or through the socket), and could then write files anywhere as
/// the developer with `SELECT ... INTO OUTFILE`. Now root takes only the socket, for the user
/// running the stack, in a 0700 directory; files stay in the server's own directory;
/// `LOAD DATA LOCAL` is off.
#[test]
fn another_local_user_cannot_log_in_to_the_stacks_mariadb_as_root() {
    use std::os::unix::fs::PermissionsExt;
    let stack = LocalStack::up(&[]);
    let port = stack.info["db_port"].to_string();
    for host in ["127.0.0.1", "::1", "localhost"] {
        let out = mariadb_as_nobody(&["--protocol=tcp", "-h", host, "-P", &port, "-u", "root"]);
        assert!(
            !out.status.success(),
            "nobody logged in as root over TCP ({host}): {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let socket = stack.state_dir().join("mariadb").join("mysqld.sock");
    let out = mariadb_as_nobody(&["-S", socket.to_str().unwrap(), "-u", "root"]);
    assert!(!out.status.success(), "nobody logged in as root through the socket");

    for dir in [stack.state_dir().to_path_buf(), stack.state_dir().join("mariadb")] {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} is {mode:o}", dir.display());
    }
    let mut db = stack.db();
    let (files, local_infile): (String, i64) = db
        .query_first("SELECT @@secure_file_priv, @@local_infile")
        .unwrap()
        .unwrap();
    assert!(
        std::path::Path::new(&files).starts_with(stack.state_dir().canonicalize().unwrap())
            || std::path::Path::new(&files).starts_with(stack.state_dir()),
        "secure_file_priv is {files}"
    );
    assert_eq!(local_infile, 0);
}

/// One raw HTTP/1.1 request to the stack's endpoint: (status, body).
fn raw_request(stack: &LocalStack, head: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let address = stack.endpoint.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let request = format!(
        "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (status_head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = status_head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

/// Attack (issue 12, item 7): a web page the developer opens can POST to the stack (a
/// text/plain POST needs no CORS preflight) and so invoke the function; with DNS rebinding
/// (the page's own name resolving to 127.0.0.1) it can even read the database secret. Now a
/// browser's Origin, a foreign Host and an unsigned request are each refused with AWS's
/// error shapes, and nothing runs.
#[test]
fn web_pages_rebound_names_and_unsigned_requests_are_refused() {
    let stack = LocalStack::up(&[]);
    let address = stack.endpoint.trim_start_matches("http://").to_string();
    let sigv4 = custctl_test_support::SIGV4_AUTHORIZATION;

    // What a page's fetch() sends: text/plain, an Origin, no signature.
    let (status, body) = raw_request(
        &stack,
        &format!(
            "POST /2015-03-31/functions/customer-ingest/invocations HTTP/1.1\r\nHost: {address}\r\n\
             Origin: http://evil.example\r\nContent-Type: text/plain"
        ),
        r#"{"Records":[]}"#,
    );
    assert_eq!(status, 403, "{body}");
    assert!(stack.function_pids().is_empty(), "the function ran for a web page");

    // DNS rebinding: the right port, the attacker's name, even with a signature.
    let secret_request = |host: &str, authorization: Option<&str>| {
        let mut head = format!(
            "POST / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.1\r\n\
             X-Amz-Target: secretsmanager.GetSecretValue"
        );
        if let Some(authorization) = authorization {
            head.push_str(&format!("\r\nAuthorization: {authorization}"));
        }
        raw_request(&stack, &head, r#"{"SecretId":"rds!db-customers-db"}"#)
    };
    let password = std::fs::read_to_string(stack.state_dir().join("db-password")).unwrap();
    let port = address.rsplit(':').next().unwrap();
    let (status, body) = secret_request(&format!("rebind.evil.example:{port}"), Some(sigv4));
    assert_eq!(status, 403, "{body}");
    assert!(!body.contains(password.trim()));
    assert!(body.contains("AccessDeniedException"), "{body}");

    // The right host, but no signature (and a malformed one): AWS's codes.
    let (status, body) = secret_request(&address, None);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("MissingAuthenticationToken"), "{body}");
    let (status, body) = secret_request(&address, Some("AWS4-HMAC-SHA256 Credential=x"));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("IncompleteSignature"), "{body}");

    // What an SDK sends passes.
    let (status, body) = secret_request(&address, Some(sigv4));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(password.trim()));
}

/// Issue 15, item 5: `up --port P` while the stack runs on another port says where it runs
/// instead of ignoring --port; without --port, or with the port it has, `up` is idempotent.
#[test]
fn up_with_another_port_while_running_says_where_the_stack_runs() {
    let stack = LocalStack::up(&[]);
    let running = stack.endpoint.rsplit_once(':').unwrap().1.to_string();
    let other = custctl_platform::free_loopback_port().unwrap().to_string();
    let out = stack
        .custctl()
        .args(["local", "up", "--detach", "--port", &other])
        .output()
        .unwrap();
    let why = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{why}");
    assert!(
        why.contains(&stack.endpoint) && why.contains(&format!("--port {other}")),
        "{why}"
    );
    assert!(why.contains("custctl local down"), "{why}");
    for same in [vec!["--port", running.as_str()], vec![]] {
        let out = stack
            .custctl()
            .args(["local", "up", "--detach"])
            .args(&same)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("already runs"));
    }
    assert_eq!(stack_json(&stack)["pid"], stack.info["pid"]);
}

/// Issue 15, item 17: the stack's log puts each message's lines in the order they happened
/// (sent, received, invoked, deleted), and the detached stack's log does not say that Ctrl-C
/// stops it (no terminal reaches it), but what does.
#[test]
fn the_stack_log_puts_each_messages_lines_in_order() {
    let stack = LocalStack::up(&[]);
    let out = stack
        .custctl()
        .args(["--local", "send", "--generate", "60"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stack.wait_for_rows(60, Duration::from_secs(120));
    // The rows are in before the messages are deleted: wait for the 60 deletions to be logged
    // (generously: on a loaded machine the function's answers can take a while).
    let log = stack.wait_for_log(Duration::from_secs(120), |log| {
        log.matches("  deleted from ").count() >= 60
    });
    assert!(!log.contains("Ctrl-C"), "{log}");
    assert!(log.contains("`custctl local down` stops it"), "{log}");
    let mut first_seen: std::collections::HashMap<&str, Vec<(&str, usize)>> = std::collections::HashMap::new();
    for (at, line) in log.lines().enumerate() {
        // `HH:MM:SS.mmm <8 chars of the message id>  <what happened> ...`
        let Some((_, rest)) = line.split_once(' ') else {
            continue;
        };
        let Some((id, what)) = rest.split_once("  ") else {
            continue;
        };
        let kind = ["sent to", "received from", "invoked in", "deleted from"]
            .into_iter()
            .find(|kind| what.starts_with(kind));
        if let Some(kind) = kind {
            let seen = first_seen.entry(id).or_default();
            if !seen.iter().any(|(k, _)| *k == kind) {
                seen.push((kind, at));
            }
        }
    }
    assert_eq!(first_seen.len(), 60, "{log}");
    for (id, seen) in &first_seen {
        let kinds: Vec<&str> = seen.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(
            kinds,
            ["sent to", "received from", "invoked in", "deleted from"],
            "message {id}: {log}"
        );
    }
}
