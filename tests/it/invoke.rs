//! `custctl invoke`: the real binary invokes the real function of a real local stack, and
//! each record's fate (as the event source mapping would read the answer) is mapped back to
//! the input it came from.

use aws_lambda_events::event::sqs::SqsEvent;
use custctl_test_support::LocalStack;
use md5::Digest;
use mysql::prelude::Queryable;
use std::io::Write;
use std::process::{Output, Stdio};
use std::time::Duration;

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `custctl --local invoke ARGS` against `stack`.
fn invoke(stack: &LocalStack, args: &[&str]) -> Output {
    stack.custctl().args(["--local", "invoke"]).args(args).output().unwrap()
}

/// The rows below the header of the table on stdout.
fn table_rows(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .skip_while(|line| !line.starts_with('╞'))
        .filter(|line| line.contains('┆'))
        .map(|line| {
            line.trim_matches(|c| c == '│' || c == ' ')
                .split('┆')
                .map(|cell| cell.trim().to_string())
                .collect()
        })
        .collect()
}

fn queue_arn(stack: &LocalStack) -> String {
    use aws_sdk_sqs::types::QueueAttributeName;
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let sqs = aws_sdk_sqs::Client::new(&stack.sdk().await);
        let url = sqs.get_queue_url().queue_name("customers").send().await.unwrap();
        sqs.get_queue_attributes()
            .queue_url(url.queue_url().unwrap())
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .unwrap()
            .attributes()
            .unwrap()[&QueueAttributeName::QueueArn]
            .clone()
    })
}

/// Waits (up to 20 s) until the row of `id` is there.
fn wait_for_row(stack: &LocalStack, id: i32) -> Option<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let found = stack.rows().into_iter().find(|row| row.0 == id).map(|row| row.1);
        if found.is_some() || std::time::Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The scenarios that need a stack with the default settings share one: starting a stack
/// costs more than all they do.
#[test]
fn invoke_against_a_default_stack() {
    let stack = LocalStack::up(&[]);
    each_records_fate_is_mapped_back_to_its_input(&stack);
    the_event_only_event_is_a_real_sqs_event_the_function_accepts(&stack);
    a_qualifier_the_function_lacks_is_named_with_those_it_has(&stack);
}

fn a_qualifier_the_function_lacks_is_named_with_those_it_has(stack: &LocalStack) {
    let out = invoke(stack, &["--qualifier", "prod", "--id", "4242", "--name", "Q"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: --qualifier prod: the function customer-ingest has no alias or version prod \
             (aliases: none; versions: $LATEST)"
        ),
        "{err}"
    );
    assert!(!err.contains("no such function"), "{err}");

    // A function that does not exist is still that, with or without a qualifier.
    let out = stack
        .custctl()
        .args(["--local", "invoke", "--qualifier", "prod", "--body", "{}"])
        .env("CUSTCTL_FUNCTION", "customer-ingst")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--function customer-ingst (from CUSTCTL_FUNCTION) --qualifier prod: no such function"),
        "{}",
        stderr(&out)
    );
    assert!(stack.rows().iter().all(|(id, _)| *id != 4242), "nothing was invoked");
}

fn each_records_fate_is_mapped_back_to_its_input(stack: &LocalStack) {
    // The same sources as `send`: here an NDJSON file, a valid and an invalid line each.
    let file = stack.state_dir().join("mixed.ndjson");
    std::fs::write(
        &file,
        concat!(
            "{\"CustID\": 1, \"Name\": \"Ann\"}\n",
            "{\"CustID\": \"404\", \"Name\": \"Bo\"}\n",
            "not json\n",
            "{\"CustID\": 5, \"Name\": \"Eve O'Neil\"}\n",
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let out = invoke(stack, &["--file", file]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed record fails the command: {}",
        stderr(&out)
    );
    let rows = table_rows(&stdout(&out));
    let summary: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str(), r[4].as_str()])
        .collect();
    assert_eq!(
        summary,
        [
            ["1", "1", "Ann", "ok"],
            ["2", "\"404\"", "Bo", "failed"],
            ["3", "", "", "failed"],
            ["4", "5", "Eve O'Neil", "ok"],
        ]
    );
    let response = stdout(&out);
    assert!(
        response.contains(&format!(r#"{{"itemIdentifier":"{}"}}"#, rows[1][3])),
        "{response}"
    );
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            r#"warning: {file}:2: CustID: expected an integer, got the string "404""#
        )),
        "{err}"
    );
    assert!(err.contains(&format!("warning: {file}:3: not valid JSON")), "{err}");
    assert!(
        !err.contains(&format!("{file}:1")) && !err.contains(&format!("{file}:4")),
        "{err}"
    );
    assert!(
        err.contains("START RequestId: ") && err.contains("REPORT RequestId: "),
        "{err}"
    );
    assert_eq!(stack.rows(), [(1, "Ann".to_string()), (5, "Eve O'Neil".to_string())]);

    let out = invoke(
        stack,
        &[
            "--output",
            "json",
            "--no-logs",
            "--body",
            r#"{"CustID": 2, "Name": "Cy"}"#,
            "--body",
            r#"{"CustID": 3}"#,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = report["records"].as_array().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(
        (
            &records[0]["position"],
            &records[0]["CustID"],
            &records[0]["Name"],
            &records[0]["status"]
        ),
        (&1.into(), &2.into(), &"Cy".into(), &"ok".into())
    );
    assert_eq!(
        (&records[1]["CustID"], &records[1]["Name"], &records[1]["status"]),
        (&3.into(), &serde_json::Value::Null, &"failed".into())
    );
    assert_eq!(
        report["response"]["batchItemFailures"][0]["itemIdentifier"],
        records[1]["messageId"]
    );
    assert_eq!(report["function_error"], serde_json::Value::Null);
    assert_eq!(
        report["log_tail"],
        serde_json::Value::Null,
        "--no-logs asks for no tail"
    );
    let err = stderr(&out);
    assert!(err.contains(r#"warning: --body #2: missing field "Name""#), "{err}");
    assert!(!err.contains("START RequestId"), "{err}");

    let out = invoke(stack, &["--output", "json", "--body", r#"{"CustID": 4, "Name": "Di"}"#]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["records"][0]["status"], "ok");
    assert!(report["log_tail"].as_str().unwrap().contains("REPORT RequestId: "));
    assert_eq!(stack.rows().iter().map(|r| r.0).collect::<Vec<_>>(), [1, 2, 4, 5]);

    // Generated customers, one record each; more than a mapping ever sends is refused.
    let out = invoke(
        stack,
        &["--output", "json", "--no-logs", "--generate", "25", "--start-id", "100"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let records = report["records"].as_array().unwrap();
    assert_eq!(records.len(), 25);
    assert!(records.iter().all(|r| r["status"] == "ok"), "{report}");
    let ids: Vec<i32> = stack.rows().iter().map(|r| r.0).filter(|id| *id >= 100).collect();
    assert_eq!(ids, (100..125).collect::<Vec<_>>());

    let out = invoke(stack, &["--generate", "10001"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("more than 10000 messages"), "{}", stderr(&out));

    let out = invoke(stack, &[]);
    assert_eq!(out.status.code(), Some(2), "nothing to send is bad usage");
    assert!(stderr(&out).contains("--body"));
    let empty = stack.state_dir().join("empty.ndjson");
    std::fs::write(&empty, "\n").unwrap();
    let out = invoke(stack, &["--file", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no messages"), "{}", stderr(&out));
}

fn the_event_only_event_is_a_real_sqs_event_the_function_accepts(stack: &LocalStack) {
    let body = r#"{"CustID": 11, "Name": "Zoë \"Z\""}"#;
    let out = invoke(stack, &["--event-only", "--body", body, "--body", "[]"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: --body #2:"), "{}", stderr(&out));
    assert!(
        stack.rows().iter().all(|row| row.0 != 11),
        "--event-only invokes nothing"
    );
    let event: SqsEvent = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(event.records.len(), 2);
    let record = &event.records[0];
    assert_eq!(record.body.as_deref(), Some(body));
    assert_eq!(
        record.md5_of_body.as_deref(),
        Some(hex::encode(md5::Md5::digest(body.as_bytes())).as_str())
    );
    assert_eq!(record.event_source_arn.as_deref(), Some(queue_arn(stack).as_str()));
    assert_eq!(record.event_source.as_deref(), Some("aws:sqs"));
    assert_eq!(record.aws_region.as_deref(), Some("us-east-1"));
    assert_eq!(record.attributes["ApproximateReceiveCount"], "1");
    assert!(record.attributes["SentTimestamp"].parse::<i64>().is_ok());

    let file = stack.state_dir().join("event.json");
    std::fs::write(&file, &out.stdout).unwrap();
    let out = invoke(stack, &["--event", file.to_str().unwrap(), "--output", "json"]);
    assert_eq!(out.status.code(), Some(1), "the array body fails: {}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["records"][0]["messageId"], record.message_id.as_deref().unwrap());
    assert_eq!(report["records"][0]["status"], "ok");
    assert_eq!(report["records"][1]["status"], "failed");
    assert!(stderr(&out).contains("event.json record 2:"), "{}", stderr(&out));
    assert_eq!(wait_for_row(stack, 11).as_deref(), Some("Zoë \"Z\""));

    // A record with an empty messageId makes the function report an empty itemIdentifier,
    // which makes Lambda retry the whole batch.
    let event = serde_json::json!({"Records": [
        {"messageId": "", "body": r#"{"CustID": 12, "Name": "L"}"#},
        {"messageId": "m-13", "body": r#"{"CustID": 13, "Name": "M"}"#},
    ]});
    let mut child = stack
        .custctl()
        .args(["--local", "invoke", "--no-logs", "--event", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(event.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("an itemIdentifier is empty or missing: Lambda would retry the whole batch: , m-13"),
        "{err}"
    );
    let statuses: Vec<String> = table_rows(&stdout(&out)).iter().map(|r| r[4].clone()).collect();
    assert_eq!(statuses, ["failed", "failed"]);

    let out = invoke(stack, &["--async", "--body", r#"{"CustID": 20, "Name": "Later"}"#]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(table_rows(&stdout(&out))[0][0] == "202", "{}", stdout(&out));
    assert_eq!(
        wait_for_row(stack, 20).as_deref(),
        Some("Later"),
        "the event was run later"
    );

    let out = stack
        .custctl()
        .args(["--local", "--function", "customer-ingst", "invoke", "--body", "{}"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a function that does not exist is bad input"
    );
    let err = stderr(&out);
    assert!(
        err.contains("error: --function customer-ingst: no such function")
            && err.contains("functions with a similar name: customer-ingest"),
        "{err}"
    );
}

#[test]
fn a_function_error_exits_1_and_shows_its_message() {
    let stack = LocalStack::up(&["--function-timeout", "1", "--visibility-timeout", "1"]);
    let out = invoke(&stack, &["--id", "7", "--name", "Before"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Hold the row's lock, so that the function's upsert waits past its timeout.
    let mut blocker = stack.db();
    let mut tx = blocker.start_transaction(mysql::TxOpts::default()).unwrap();
    let _: Vec<(i32, String)> = tx
        .query("SELECT CustID, Name FROM Customer WHERE CustID = 7 FOR UPDATE")
        .unwrap();
    let out = invoke(&stack, &["--id", "7", "--name", "After", "--output", "json"]);
    tx.rollback().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["function_error"]["type"], "Sandbox.Timedout");
    let message = report["function_error"]["message"].as_str().unwrap();
    assert!(message.contains("Task timed out after 1.00 seconds"), "{message}");
    assert_eq!(report["records"][0]["status"], "failed");
    assert!(report["log_tail"].as_str().unwrap().contains("Status: timeout"));
    let err = stderr(&out);
    assert!(
        err.contains("error: the function failed: Sandbox.Timedout: ")
            && err.contains("Lambda would retry the whole batch"),
        "{err}"
    );
    assert_eq!(stack.rows(), [(7, "Before".to_string())]);
}

#[test]
fn event_only_without_aws_builds_the_arn_and_says_so() {
    let out = custctl_test_support::custctl()
        .args(["--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:1"])
        .args([
            "--queue",
            "customers-test",
            "invoke",
            "--event-only",
            "--id",
            "1",
            "--name",
            "A",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let event: SqsEvent = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        event.records[0].event_source_arn.as_deref(),
        Some("arn:aws:sqs:eu-west-1:000000000000:customers-test")
    );
    assert_eq!(event.records[0].aws_region.as_deref(), Some("eu-west-1"));
    assert_eq!(event.records[0].body.as_deref(), Some(r#"{"CustID":1,"Name":"A"}"#));
    assert!(
        stderr(&out).contains("built rather than resolved from --queue customers-test"),
        "{}",
        stderr(&out)
    );
}
