//! `custctl status` against a real local stack: the exit code a deploy gate or cron reads, the
//! findings a person reads (with their fixes), the JSON document a program reads, and
//! `--watch` on a pipe.

use custctl_test_support::LocalStack;
use serde_json::Value;
use std::io::BufRead;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

fn status(stack: &LocalStack, args: &[&str]) -> Output {
    stack.custctl().args(["--local", "status"]).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `status --output json`: the exit code and the document.
fn status_json(stack: &LocalStack, args: &[&str]) -> (Option<i32>, Value) {
    let out = status(stack, &[&["--output", "json"], args].concat());
    let document = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", text(&out.stdout), text(&out.stderr)));
    (out.status.code(), document)
}

/// The finding with this code about this component.
fn finding<'a>(document: &'a Value, code: &str, component: &str) -> &'a Value {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["component"] == component)
        .unwrap_or_else(|| panic!("no {code} finding for {component}: {:#}", document["findings"]))
}

fn errors(document: &Value) -> Vec<&Value> {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_healthy_stack_exits_0_and_the_json_names_every_component() {
    let stack = LocalStack::up(&[]);
    let sent = stack
        .custctl()
        .args(["--local", "send", "--id", "7", "--name", "Ana"])
        .output()
        .unwrap();
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    assert_eq!(stack.wait_for_rows(1, Duration::from_secs(20)).len(), 1);

    // The invocation's REPORT line is written once the batch is answered: look until it counts.
    let deadline = Instant::now() + Duration::from_secs(20);
    let (code, document) = loop {
        let (code, document) = status_json(&stack, &[]);
        if document["metrics"]["invocations"].as_u64() >= Some(1) || Instant::now() > deadline {
            break (code, document);
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(code, Some(0), "{document:#}");
    assert_eq!(document["healthy"], true);
    assert!(errors(&document).is_empty(), "{document:#}");

    assert_eq!(document["function"]["name"], "customer-ingest");
    assert_eq!(document["function"]["state"], "Active");
    assert_eq!(document["function"]["timeout_seconds"], 30);
    let mapping = &document["mappings"][0];
    assert_eq!(mapping["state"], "Enabled");
    assert_eq!(mapping["report_batch_item_failures"], true);
    assert_eq!(mapping["batch_size"], 10);
    let queue = &document["queues"][0];
    assert_eq!(queue["name"], "customers");
    assert_eq!(queue["visibility_timeout_seconds"], 180);
    assert_eq!(queue["redrive_policy"]["max_receive_count"], 5);
    assert_eq!(queue["counts"]["visible"], 0);
    assert_eq!(queue["dlq"]["name"], "customers-dlq");
    assert_eq!(queue["dlq"]["counts"]["visible"], 0);
    assert_eq!(document["database"]["status"], "available");
    assert!(document["database"]["endpoint"]
        .as_str()
        .unwrap()
        .starts_with("127.0.0.1:"));
    // Which source the figures came from is always said.
    let source = document["metrics"]["source"].as_str().unwrap();
    assert!(["cloudwatch", "logs"].contains(&source), "{source}");
    assert_eq!(document["metrics"]["invocations"], 1, "{document:#}");
    assert_eq!(document["metrics"]["errors"], 0);
    assert!(document["metrics"]["duration_p50_ms"].as_f64().is_some());
    assert_eq!(document["window"]["since"], "1h");

    // The table a person reads says the same, and exits the same way.
    let out = status(&stack, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for part in [
        "function customer-ingest",
        "event source mappings",
        "customers-dlq",
        "database customers-db",
        "findings",
    ] {
        assert!(shown.contains(part), "{part} missing from:\n{shown}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_poison_message_in_the_dlq_exits_1_with_the_fix() {
    let (stack, _) = crate::dlq::stack_with_a_poison_message_in_the_dlq().await;
    let (code, document) = status_json(&stack, &[]);
    assert_eq!(code, Some(1), "{document:#}");
    assert_eq!(document["healthy"], false);
    assert_eq!(document["queues"][0]["dlq"]["counts"]["visible"], 1);
    let dead = finding(&document, "dlq-not-empty", "dlq customers-dlq");
    assert_eq!(dead["severity"], "error");
    assert!(dead["message"].as_str().unwrap().starts_with("1 message(s)"), "{dead}");
    let fix = dead["fix"].as_str().unwrap();
    assert!(fix.contains("custctl --queue customers dlq peek"), "{fix}");
    assert!(fix.contains("custctl --queue customers dlq redrive"), "{fix}");
    // Three receives are fewer than AWS advises, and the visibility timeout is short: both said.
    let low = finding(&document, "max-receive-count-low", "queue customers");
    assert_eq!(low["severity"], "warning");
    assert!(
        low["fix"].as_str().unwrap().contains(r#"\"maxReceiveCount\":\"5\""#),
        "{low}"
    );
    let short = finding(&document, "visibility-timeout-too-short", "queue customers");
    assert!(
        short["fix"].as_str().unwrap().contains("VisibilityTimeout=6"),
        "{short}"
    );

    // The table carries the same fix; exit 1 there too.
    let out = status(&stack, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("dlq redrive"), "{}", text(&out.stdout));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queue_without_redrive_policy_or_with_a_short_visibility_timeout_is_reported_with_the_fix() {
    let stack = LocalStack::up(&[]);
    let sqs = aws_sdk_sqs::Client::new(&stack.sdk().await);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    // The function's timeout is 30 s: 40 s is enough for one try, not for AWS's 6 x 30 s.
    sqs.set_queue_attributes()
        .queue_url(&url)
        .attributes(aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout, "40")
        .attributes(aws_sdk_sqs::types::QueueAttributeName::RedrivePolicy, "")
        .send()
        .await
        .unwrap();

    let (code, document) = status_json(&stack, &[]);
    assert_eq!(code, Some(1), "{document:#}");
    let none = finding(&document, "no-redrive-policy", "queue customers");
    assert_eq!(none["severity"], "error");
    let fix = none["fix"].as_str().unwrap();
    assert!(fix.contains("aws sqs create-queue --queue-name customers-dlq"), "{fix}");
    assert!(fix.contains("RedrivePolicy"), "{fix}");
    let short = finding(&document, "visibility-timeout-too-short", "queue customers");
    assert_eq!(short["severity"], "warning");
    assert!(
        short["fix"].as_str().unwrap().contains(&format!(
            "aws sqs set-queue-attributes --queue-url {url} --attributes VisibilityTimeout=180"
        )),
        "{short}"
    );
    assert!(document["queues"][0]["dlq"].is_null());

    // A queue of one's own, named with --queue: shorter than the function's timeout (a batch
    // would be delivered twice: an error), no redrive policy, and no mapping reads it.
    sqs.create_queue()
        .queue_name("orders-in")
        .attributes(aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout, "10")
        .send()
        .await
        .unwrap();
    let (code, document) = status_json(&stack, &["--queue", "orders-in"]);
    assert_eq!(code, Some(1));
    let short = finding(&document, "visibility-timeout-too-short", "queue orders-in");
    assert_eq!(short["severity"], "error");
    finding(&document, "no-redrive-policy", "queue orders-in");
    let unmapped = finding(&document, "queue-not-mapped", "queue orders-in");
    assert!(
        unmapped["fix"]
            .as_str()
            .unwrap()
            .contains("aws lambda create-event-source-mapping --function-name customer-ingest"),
        "{unmapped}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_disabled_mapping_without_report_batch_item_failures_is_an_error() {
    let stack = LocalStack::up(&[]);
    let lambda = aws_sdk_lambda::Client::new(&stack.sdk().await);
    let (_, document) = status_json(&stack, &[]);
    let uuid = document["mappings"][0]["uuid"].as_str().unwrap().to_string();
    lambda
        .update_event_source_mapping()
        .uuid(&uuid)
        .enabled(false)
        .set_function_response_types(Some(Vec::new()))
        .send()
        .await
        .unwrap();
    let (code, document) = status_json(&stack, &[]);
    assert_eq!(code, Some(1));
    let component = format!("mapping {uuid}");
    let disabled = finding(&document, "mapping-disabled", &component);
    assert_eq!(
        disabled["fix"].as_str().unwrap(),
        format!("aws lambda update-event-source-mapping --uuid {uuid} --enabled (template: Enabled: true on the function's SQS event)")
    );
    let off = finding(&document, "report-batch-item-failures-off", &component);
    assert!(off["fix"]
        .as_str()
        .unwrap()
        .contains("--function-response-types ReportBatchItemFailures"));
}

#[test]
fn bad_input_exits_2_naming_the_flag() {
    let stack = LocalStack::up(&[]);
    let out = status(&stack, &["--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("error: --since yesterday:"),
        "{}",
        text(&out.stderr)
    );
    let out = stack
        .custctl()
        .args(["--local", "--function", "customer-ingst", "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--function customer-ingst: no such function"),
        "{stderr}"
    );
    assert!(
        stderr.contains("functions with a similar name: customer-ingest"),
        "{stderr}"
    );
}

#[test]
fn watch_on_a_pipe_prints_one_document_per_look_and_ctrl_c_ends_it_with_0() {
    let stack = LocalStack::up(&[]);
    let mut child = stack
        .custctl()
        .args(["--local", "status", "--watch", "1", "--output", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    // Two looks, a second apart, each one line of JSON.
    for _ in 0..2 {
        let line = lines.next().expect("a document").unwrap();
        assert!(!line.contains('\u{1b}'), "an escape code on a pipe: {line:?}");
        let document: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(document["function"]["name"], "customer-ingest");
    }
    // SAFETY: signals the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn watch_at_a_terminal_redraws_in_place_and_ctrl_c_ends_it_with_0() {
    let stack = LocalStack::up(&[]);
    let mut command = stack.custctl();
    command.args(["--local", "status", "--watch", "1"]);
    let mut session = crate::pty::PtySession::spawn(command);
    let limit = Duration::from_secs(20);
    // The first frame clears the screen; the next ones go home and overwrite.
    session.expect("\u{1b}[H\u{1b}[2Jcustctl status: every 1 s", limit);
    session.expect("findings", limit);
    session.expect("\u{1b}[Hcustctl status: every 1 s", limit);
    session.expect("findings", limit);
    session.send("\u{3}");
    let status = session.wait(limit);
    assert_eq!(status.code(), Some(0));
}
