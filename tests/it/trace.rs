//! `custctl trace` against a real local stack: a valid message is followed through every hop
//! to its row read back through the stack's bastion; a poison message to the DLQ with the
//! reason the function logged; a message nothing takes to the timeout, blamed on the disabled
//! mapping; and bad input is exit 2 naming the flag.

use super::dlq::QUICK_DEAD_LETTERS;
use custctl_test_support::LocalStack;
use serde_json::Value;
use std::process::Output;

fn trace(stack: &LocalStack, args: &[&str]) -> Output {
    stack.custctl().args(["--local", "trace"]).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `trace --output json`: the exit code and the document.
fn trace_json(stack: &LocalStack, args: &[&str]) -> (Option<i32>, Value) {
    let out = trace(stack, &[&["--output", "json"], args].concat());
    let document = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", text(&out.stdout), text(&out.stderr)));
    (out.status.code(), document)
}

fn hop_names(document: &Value) -> Vec<&str> {
    document["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hop| hop["hop"].as_str().unwrap())
        .collect()
}

#[test]
fn a_valid_message_shows_every_hop_to_its_row_read_back() {
    let stack = LocalStack::up(&[]);
    let (code, document) = trace_json(&stack, &["--id", "404", "--name", "Rodolfo Avelino"]);
    assert_eq!(code, Some(0), "{document:#}");
    assert_eq!(
        hop_names(&document),
        ["sent", "taken", "written", "read_back"],
        "{document:#}"
    );
    assert_eq!(document["complete"], true);
    assert!(document["stall"].is_null());
    assert_eq!(document["queue"], "customers");
    assert_eq!(document["body"], r#"{"CustID":404,"Name":"Rodolfo Avelino"}"#);
    let hops = document["hops"].as_array().unwrap();
    let (sent, taken, written, read_back) = (&hops[0], &hops[1], &hops[2], &hops[3]);
    assert_eq!(sent["message_id"], document["message_id"]);
    let request_id = taken["request_id"].as_str().unwrap();
    assert_eq!(request_id.len(), 36, "{taken}");
    assert!(taken["cold_start"].is_boolean(), "{taken}");
    assert_eq!(taken["receive_count"], 1);
    assert_eq!(taken["outcome"], "written");
    assert!(taken["queue_ms"].as_i64().unwrap() >= 0, "{taken}");
    assert_eq!(
        read_back["row"],
        serde_json::json!({"CustID": 404, "Name": "Rodolfo Avelino"})
    );
    // Each hop's latency is the time since the one before; together, the trace's.
    let mut since_start = 0;
    for hop in hops {
        since_start += hop["latency_ms"].as_i64().unwrap();
        assert_eq!(hop["since_start_ms"].as_i64().unwrap(), since_start, "{hop}");
        assert!(hop["at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(document["total_ms"].as_i64().unwrap(), since_start);
    assert!(written["latency_ms"].as_i64().unwrap() >= 0);
    // The function logged the line the trace found, with its request id.
    let logs = stack
        .custctl()
        .args(["--local", "logs", "--since", "10m", "--output", "json", "--filter"])
        .arg(format!("\"{}\"", document["trace_id"].as_str().unwrap()))
        .output()
        .unwrap();
    let line: Value = text(&logs.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|event| event["fields"]["message"] == "traced record")
        .unwrap_or_else(|| panic!("no traced record line: {}", text(&logs.stdout)));
    assert_eq!(line["fields"]["request_id"], request_id);
    assert_eq!(line["fields"]["message_id"], document["message_id"]);

    // The table: the waterfall, then that it is complete.
    let out = trace(&stack, &["--id", "405", "--name", "Ana"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for word in [
        "sent",
        "taken",
        "written",
        "read_back",
        "waterfall",
        "█",
        "CustID 405, Name Ana",
        "complete: sent to read back in",
    ] {
        assert!(table.contains(word), "{word}: {table}");
    }
    // The row already has the Name: it is read back only after the function's line says so.
    let (code, again) = trace_json(&stack, &["--id", "405", "--name", "Ana"]);
    assert_eq!(code, Some(0), "{again:#}");
    assert_eq!(hop_names(&again), ["sent", "taken", "written", "read_back"]);
    assert_ne!(again["message_id"], document["message_id"]);
    assert_eq!(stack.rows(), vec![(404, "Rodolfo Avelino".into()), (405, "Ana".into())]);
}

#[test]
fn a_poison_message_stops_at_the_dlq_with_the_reason_the_function_logged() {
    let stack = LocalStack::up(QUICK_DEAD_LETTERS);
    let body = r#"{"CustID": "404", "Name": "x"}"#;
    let out = trace(&stack, &["--output", "json", "--body", body, "--timeout", "120s"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("the schema refuses --body"),
        "{}",
        text(&out.stderr)
    );
    let document: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(document["complete"], false);
    assert_eq!(document["body"], body);
    // Three deliveries, each rejected, then the DLQ: found there, not waited for until the timeout.
    assert_eq!(
        hop_names(&document),
        ["sent", "taken", "taken", "taken", "dlq"],
        "{document:#}"
    );
    let reason = r#"CustID: expected an integer, got the string "404""#;
    for (index, taken) in document["hops"].as_array().unwrap()[1..4].iter().enumerate() {
        assert_eq!(taken["outcome"], "rejected", "{taken}");
        assert_eq!(taken["reason"], reason);
        assert_eq!(taken["receive_count"], index as u64 + 1);
    }
    assert_eq!(document["hops"][4]["queue"], "customers-dlq");
    let stall = &document["stall"];
    assert_eq!(stall["last_hop"], "dlq");
    assert_eq!(
        stall["cause"],
        format!("message in the DLQ customers-dlq: {reason} (custctl dlq peek shows it)")
    );
    assert!(
        stall["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "dlq-not-empty"),
        "{stall:#}"
    );
    // Looking did not take it: it is still in the DLQ for `dlq peek`.
    let peek = stack
        .custctl()
        .args(["--local", "--output", "json", "dlq", "peek"])
        .output()
        .unwrap();
    let peeked: Value = serde_json::from_slice(&peek.stdout).unwrap();
    assert_eq!(peeked["messages"][0]["message_id"], document["message_id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_nothing_takes_stops_at_the_timeout_blamed_on_the_disabled_mapping() {
    let stack = LocalStack::up(&[]);
    let uuid = custctl_test_support::set_polling(&stack.sdk().await, false).await;
    let out = trace(
        &stack,
        &["--output", "json", "--id", "7", "--name", "Lost", "--timeout", "2s"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let document: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hop_names(&document), ["sent"], "{document:#}");
    let stall = &document["stall"];
    assert_eq!(stall["last_hop"], "sent");
    let cause = stall["cause"].as_str().unwrap();
    assert!(cause.starts_with("not taken by the function: "), "{cause}");
    assert!(
        cause.contains(&format!(
            "aws lambda update-event-source-mapping --uuid {uuid} --enabled"
        )),
        "{cause}"
    );
    assert!(
        stall["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "mapping-disabled"),
        "{stall:#}"
    );

    // The table says the same, on stdout, with the findings under it.
    let out = trace(&stack, &["--id", "8", "--name", "Lost too", "--timeout", "1s"]);
    assert_eq!(out.status.code(), Some(1));
    let table = text(&out.stdout);
    assert!(
        table.contains("stalled after sent: not taken by the function"),
        "{table}"
    );
    assert!(table.contains("mapping-disabled"), "{table}");
}

#[test]
fn bad_input_exits_2_naming_the_flag() {
    for (args, flag) in [
        (&["--id", "5"][..], "--name"),
        (&["--name", "Ana"][..], "--id"),
        (&["--body", "{not json"][..], "--body: not JSON"),
        (&["--id", "99999999999", "--name", "A"][..], "--id 99999999999: CustID"),
        (&["--id", "1", "--name", "A", "--timeout", "soon"][..], "--timeout soon"),
        (&[][..], "--id"),
    ] {
        let out = custctl_test_support::custctl()
            .arg("trace")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(flag), "{args:?}: {}", text(&out.stderr));
        assert!(out.stdout.is_empty());
    }
}
