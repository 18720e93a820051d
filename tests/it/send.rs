//! `custctl send`, the real binary against a real local stack: every source format ends as
//! the right rows, invalid input sends nothing, FIFO order holds, and Ctrl-C then the printed
//! `--skip` resume delivers every message exactly once.

use aws_sdk_sqs::types::QueueAttributeName;
use custctl_test_support::{drain, set_polling, LocalStack};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// `custctl --local send ...` against `stack`.
fn send(stack: &LocalStack, args: &[&str]) -> Command {
    let mut command = stack.custctl();
    command.args(["--local", "send"]).args(args);
    command
}

fn run(command: &mut Command) -> Output {
    command.stdin(Stdio::null()).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            text(&output.stdout),
            text(&output.stderr)
        )
    })
}

fn sqs(config: &aws_config::SdkConfig) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(config)
}

fn customer(id: i32, name: &str) -> (i32, String) {
    (id, name.to_string())
}

#[tokio::test(flavor = "multi_thread")]
async fn every_source_format_ends_as_the_right_rows() {
    let stack = LocalStack::up(&[]);
    let mut expected: BTreeMap<i32, String> = BTreeMap::new();

    // The example files: NDJSON (with a blank line), a JSON array, CSV with quoting.
    for file in ["customers.ndjson", "customers.json", "customers.csv"] {
        let out = run(send(&stack, &["--file"])
            .arg(examples().join(file))
            .arg("--output")
            .arg("json"));
        assert_eq!(out.status.code(), Some(0), "{file}: {}", text(&out.stderr));
        let report = json(&out);
        assert_eq!(
            (report["failed"].as_u64(), report["invalid"].as_u64()),
            (Some(0), Some(0))
        );
    }
    for line in std::fs::read_to_string(examples().join("customers.ndjson"))
        .unwrap()
        .lines()
    {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(line) {
            expected.insert(
                value["CustID"].as_i64().unwrap() as i32,
                value["Name"].as_str().unwrap().into(),
            );
        }
    }
    let array: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(examples().join("customers.json")).unwrap()).unwrap();
    for value in array {
        expected.insert(
            value["CustID"].as_i64().unwrap() as i32,
            value["Name"].as_str().unwrap().into(),
        );
    }
    expected.extend([
        customer(201, "Avelino, Rodolfo"),
        customer(202, "Ted \"The Hammer\" O'Brien"),
        customer(203, "Zoë Ångström"),
        customer(204, "김 민준"),
        customer(205, "Smith, Jr., John"),
        customer(206, "Ελένη Παπαδοπούλου"),
    ]);

    // A CSV with a quoted line break, a `.jsonl` file, and an explicit --format.
    let dir = custctl_test_support::scratch_dir("send-formats-");
    let csv = dir.path().join("more.csv");
    std::fs::write(&csv, "Name,CustID\n\"two\nlines\",301\n\"Ölçek, Ümit\",302\n").unwrap();
    let jsonl = dir.path().join("more.data");
    std::fs::write(&jsonl, "{\"CustID\": 303, \"Name\": \"  kept as sent  \"}\r\n").unwrap();
    let out = run(send(&stack, &["--file"]).arg(&csv));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(send(&stack, &["--format", "ndjson", "--file"]).arg(&jsonl));
    assert!(out.status.success(), "{}", text(&out.stderr));
    expected.extend([
        customer(301, "two\nlines"),
        customer(302, "Ölçek, Ümit"),
        customer(303, "  kept as sent  "),
    ]);

    // stdin.
    let mut child = send(&stack, &["--file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("{\"CustID\": 401, \"Name\": \"From Stdin\"}\n{\"CustID\": 402, \"Name\": \"Ünïcödé\"}\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    expected.extend([customer(401, "From Stdin"), customer(402, "Ünïcödé")]);

    // One customer from flags: a short line with the message id; JSON has `message_id`.
    let out = run(&mut send(&stack, &["--id", "404", "--name", "Rodolfo Avelino"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("sent to customers: message "),
        "{}",
        text(&out.stdout)
    );
    let out = run(&mut send(
        &stack,
        &["--body", r#"{"CustID": 405, "Name": "Body Given"}"#, "--output", "json"],
    ));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!json(&out)["message_id"].as_str().unwrap().is_empty());
    expected.extend([customer(404, "Rodolfo Avelino"), customer(405, "Body Given")]);
    // Several --body: a summary, as for a file.
    let out = run(&mut send(
        &stack,
        &[
            "--body",
            r#"{"CustID": 406, "Name": "First"}"#,
            "--body",
            r#"{"CustID": 407, "Name": "Second"}"#,
            "--output",
            "json",
        ],
    ));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(json(&out)["sent"], 2);
    expected.extend([customer(406, "First"), customer(407, "Second")]);

    // 20,000 generated customers.
    let out = run(&mut send(
        &stack,
        &[
            "--generate",
            "20000",
            "--start-id",
            "100000",
            "--seed",
            "9",
            "--output",
            "json",
        ],
    ));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = json(&out);
    assert_eq!(report["sent"], 20000);
    assert!(report["msgs_per_sec"].as_f64().unwrap() > 0.0);
    for index in 0..20000u64 {
        expected.insert(100_000 + index as i32, custctl::source::generated_name(9, index));
    }

    let rows = stack.wait_for_rows(expected.len(), Duration::from_secs(90));
    let rows: BTreeMap<i32, String> = rows.into_iter().collect();
    assert_eq!(rows.len(), expected.len());
    for (id, name) in &expected {
        assert_eq!(rows.get(id), Some(name), "CustID {id}");
    }
    assert!(rows.values().any(|name| !name.is_ascii()));
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_sends_nothing_and_flags_that_do_not_fit_are_refused() {
    let stack = LocalStack::up(&[]);
    let config = stack.sdk().await;
    set_polling(&config, false).await;
    let sqs = sqs(&config);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    let dir = custctl_test_support::scratch_dir("send-invalid-");
    let write = |name: &str, content: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    };

    let long_name = "é".repeat(256);
    let mut lines = vec![
        r#"{"CustID": 1, "Name": "fine"}"#.to_string(),
        r#"{"CustID": 2, "Name": "unterminated"#.to_string(),
        r#"{"CustID": "3", "Name": "wrong type"}"#.to_string(),
        format!(r#"{{"CustID": 4, "Name": "{long_name}"}}"#),
    ];
    lines.extend((5..30).map(|i| format!(r#"{{"CustID": {i}.5, "Name": "n"}}"#)));
    lines.push(r#"{"CustID": 99, "Name": "also fine"}"#.to_string());
    let bad = write("bad.ndjson", &(lines.join("\n") + "\n"));

    let out = run(send(&stack, &["--file"]).arg(&bad));
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("28 invalid messages"), "{stderr}");
    assert!(stderr.contains("nothing was sent"), "{stderr}");
    assert!(stderr.contains("bad.ndjson:2: not valid JSON"), "{stderr}");
    assert!(
        stderr.contains(r#"bad.ndjson:3: CustID: expected an integer, got the string "3""#),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad.ndjson:4: Name: 256 characters, at most 255 are allowed"),
        "{stderr}"
    );
    assert!(stderr.contains("... and 8 more"), "the first 20 are listed: {stderr}");
    assert_eq!(
        custctl_test_support::messages_in(&sqs, &url).await,
        0,
        "nothing was sent"
    );

    let missing_column = write("no-name.csv", "CustID,FullName\n1,a\n");
    let out = run(send(&stack, &["--file"]).arg(&missing_column));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("FullName"), "{}", text(&out.stderr));
    let missing_column = write("id-only.csv", "CustID\n1\n");
    let out = run(send(&stack, &["--file"]).arg(&missing_column));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(r#"the CSV header has no "Name" column"#),
        "{}",
        text(&out.stderr)
    );
    let bad_csv = write("bad.csv", "CustID,Name\n7,ok\nabc,\"Quoted, Name\"\n");
    let out = run(send(&stack, &["--file"]).arg(&bad_csv));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(r#"bad.csv:3: CustID: expected an integer, got the string "abc""#),
        "{}",
        text(&out.stderr)
    );
    let empty = write("empty.ndjson", "");
    let out = run(send(&stack, &["--file"]).arg(&empty));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("empty.ndjson: no messages"),
        "{}",
        text(&out.stderr)
    );
    let broken_array = write("broken.json", r#"[{"CustID": 1, "Name": "a"}, {"CustID": 2,"#);
    let out = run(send(&stack, &["--file"]).arg(&broken_array));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("broken.json: element 1"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        custctl_test_support::messages_in(&sqs, &url).await,
        0,
        "nothing was sent"
    );

    // --dry-run checks and counts, and sends nothing; it needs no AWS configuration at all.
    let out = run(&mut send(
        &stack,
        &["--generate", "95", "--dry-run", "--output", "json"],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = json(&out);
    assert_eq!(
        (report["would_send"].as_u64(), report["batches"].as_u64()),
        (Some(95), Some(10))
    );
    let mut no_aws = custctl_test_support::custctl();
    no_aws
        .args(["send", "--dry-run", "--file"])
        .arg(examples().join("customers.csv"));
    let out = run(&mut no_aws);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        custctl_test_support::messages_in(&sqs, &url).await,
        0,
        "a dry run sends nothing"
    );

    // --skip-invalid sends exactly the valid ones and counts the rest.
    let out = run(send(&stack, &["--skip-invalid", "--output", "json", "--file"]).arg(&bad));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = json(&out);
    assert_eq!(
        (report["sent"].as_u64(), report["invalid"].as_u64()),
        (Some(2), Some(28))
    );
    assert_eq!(report["invalid_messages"].as_array().unwrap().len(), 20);
    let mut bodies = drain(&sqs, &url, 0).await;
    bodies.sort();
    assert_eq!(
        bodies,
        vec![
            r#"{"CustID": 1, "Name": "fine"}"#.to_string(),
            r#"{"CustID": 99, "Name": "also fine"}"#.to_string(),
        ],
        "NDJSON lines are sent as given"
    );

    // A message SQS refuses for good: exit 1, reported with its location.
    sqs.create_queue()
        .queue_name("small")
        .attributes(QueueAttributeName::MaximumMessageSize, "1024")
        .send()
        .await
        .unwrap();
    let too_big = write(
        "big.ndjson",
        &format!(
            "{{\"CustID\": 1, \"Name\": \"small\"}}\n{{\"CustID\": 2, \"Name\": \"{}\"}}\n",
            "😀".repeat(255)
        ),
    );
    let out = run(send(&stack, &["--queue", "small", "--file"]).arg(&too_big));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("big.ndjson:2: InvalidParameterValue"), "{stderr}");
    assert!(text(&out.stdout).contains("failed"), "{}", text(&out.stdout));

    // A queue that does not exist: the error names similar ones, whether the queue was given
    // by name, by URL or by CUSTCTL_QUEUE; nothing is reported as sent.
    let out = run(&mut send(&stack, &["--queue", "custmers", "--id", "1", "--name", "a"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--queue custmers: no such queue (queues with similar names: customers"),
        "{}",
        text(&out.stderr)
    );
    let missing_url = format!("{}/custmers", url.rsplit_once('/').unwrap().0);
    let out = run(&mut send(
        &stack,
        &["--queue", &missing_url, "--id", "1", "--name", "a"],
    ));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!(
            "error: --queue {missing_url}: no such queue (queues with similar names: customers"
        )),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), "", "no summary of a send that never started");
    let out = run(send(&stack, &["--id", "1", "--name", "a"]).env("CUSTCTL_QUEUE", "custmers"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--queue custmers (from CUSTCTL_QUEUE): no such queue"),
        "{}",
        text(&out.stderr)
    );

    // A dry run of invalid input reports (the counts, and the invalid messages), then exits 2
    // as the send would.
    let out = run(send(&stack, &["--dry-run", "--output", "json", "--file"]).arg(&bad));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let report = json(&out);
    assert_eq!(
        (
            report["would_send"].as_u64(),
            report["valid"].as_u64(),
            report["invalid"].as_u64()
        ),
        (Some(0), Some(2), Some(28))
    );
    assert_eq!(
        report["invalid_messages"][0]["location"],
        format!("{}:2", bad.display())
    );
    assert!(
        text(&out.stderr).contains("28 invalid messages") && text(&out.stderr).contains("a send would stop"),
        "{}",
        text(&out.stderr)
    );
    let out = run(send(&stack, &["--dry-run", "--file"]).arg(&bad));
    assert_eq!(out.status.code(), Some(2));
    let table = text(&out.stdout);
    assert!(table.contains("invalid") && table.contains("28"), "{table}");
    assert!(
        text(&out.stderr).contains("bad.ndjson:3: CustID: expected an integer"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(custctl_test_support::messages_in(&sqs, &url).await, 0);

    // --group-id on a standard queue is sent (SQS's fair queues take it as the tenant), with a
    // note that it orders nothing.
    let out = run(&mut send(
        &stack,
        &["--group-id", "tenant-a", "--id", "5", "--name", "e"],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("note: --group-id tenant-a: customers is a standard queue")
            && stderr.contains("fair-queue tenant")
            && stderr.contains("no ordering"),
        "{stderr}"
    );
    assert_eq!(custctl_test_support::messages_in(&sqs, &url).await, 1);
}

#[test]
fn csv_piped_without_format_is_one_error_suggesting_format_csv() {
    let mut child = custctl_test_support::custctl()
        .args(["send", "--dry-run", "--file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let csv = std::fs::read(examples().join("customers.csv")).unwrap();
    child.stdin.take().unwrap().write_all(&csv).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr,
        "error: stdin:1 is a CSV header (it names the CustID or Name column), not JSON: pass --format csv \
         to read stdin as CSV\n"
    );
    assert_eq!(text(&out.stdout), "");

    // With --format csv the same bytes are read.
    let mut child = custctl_test_support::custctl()
        .args([
            "send",
            "--dry-run",
            "--format",
            "csv",
            "--output",
            "json",
            "--file",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&csv).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(json(&out)["would_send"].as_u64().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_queue_keeps_order_within_the_group_and_deduplicates_re_runs() {
    let stack = LocalStack::up(&[]);
    let config = stack.sdk().await;
    let sqs = sqs(&config);
    let url = sqs
        .create_queue()
        .queue_name("x.fifo")
        .attributes(QueueAttributeName::FifoQueue, "true")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();

    let out = run(&mut send(&stack, &["--queue", &url, "--generate", "5"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--group-id"), "{}", text(&out.stderr));
    let out = run(&mut send(
        &stack,
        &["--queue", &url, "--group-id", "g", "--generate", "5"],
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--dedup-id auto"), "{}", text(&out.stderr));
    let out = run(&mut send(
        &stack,
        &[
            "--queue",
            &url,
            "--group-id",
            "g",
            "--delay-seconds",
            "5",
            "--generate",
            "5",
        ],
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--delay-seconds"), "{}", text(&out.stderr));

    let args = [
        "--queue",
        url.as_str(),
        "--group-id",
        "g",
        "--dedup-id",
        "auto",
        "--generate",
        "300",
        "--concurrency",
        "8",
        "--output",
        "json",
    ];
    let out = run(&mut send(&stack, &args));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json(&out)["sent"], 300);
    let ids: Vec<i64> = drain(&sqs, &url, 0)
        .await
        .iter()
        .map(|body| {
            serde_json::from_str::<serde_json::Value>(body).unwrap()["CustID"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, (1..=300).collect::<Vec<i64>>(), "received in the order sent");

    // The same input again: SQS drops every message as a duplicate, while answering that it
    // took it; the report says how many may have been dropped, and why.
    let out = run(&mut send(&stack, &args));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(custctl_test_support::messages_in(&sqs, &url).await, 0);
    assert_eq!(json(&out)["may_be_deduplicated"], 300);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("up to 300 of the 300 messages counted as sent may have been dropped as duplicates")
            && stderr.contains("last 5 minutes"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_then_the_printed_resume_sends_every_message_exactly_once() {
    const TOTAL: u64 = 10_000;
    let stack = LocalStack::up(&[]);
    let config = stack.sdk().await;
    // With polling off, every message sent stays in the queue, so counting them proves that
    // none was sent twice.
    set_polling(&config, false).await;
    let sqs = sqs(&config);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;

    let total = TOTAL.to_string();
    let child = send(
        &stack,
        &["--generate", &total, "--concurrency", "4", "--output", "json"],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while custctl_test_support::messages_in(&sqs, &url).await < 300 {
        assert!(Instant::now() < deadline, "custctl sent nothing");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // SAFETY: signals the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    let report = json(&out);
    assert_eq!(report["interrupted"], true);
    let skip = report["resume_skip"].as_u64().unwrap();
    assert!(skip > 0 && skip < TOTAL, "interrupted mid-way: {skip}");
    assert_eq!(report["sent"].as_u64(), Some(skip));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("--skip {skip}")), "{stderr}");
    assert_eq!(
        custctl_test_support::messages_in(&sqs, &url).await,
        skip,
        "exactly the first {skip} messages were sent"
    );

    let out = run(&mut send(
        &stack,
        &["--generate", &total, "--skip", &skip.to_string(), "--output", "json"],
    ));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(json(&out)["sent"].as_u64(), Some(TOTAL - skip));
    assert_eq!(
        custctl_test_support::messages_in(&sqs, &url).await,
        TOTAL,
        "no message was sent twice"
    );

    set_polling(&config, true).await;
    let rows = stack.wait_for_rows(TOTAL as usize, Duration::from_secs(90));
    let ids: Vec<i32> = rows.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, (1..=TOTAL as i32).collect::<Vec<_>>(), "and none was lost");
}

/// An HTTP endpoint on loopback that answers every call as a throttled SQS does (HTTP 400,
/// `ThrottlingException` in the JSON protocol) and counts the SendMessageBatch calls. The local
/// stack does not throttle, and throttling is what this test is about.
fn throttling_sqs() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Read};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = calls.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut reader = BufReader::new(stream);
            let mut length = 0usize;
            let mut batch = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    batch |= name.eq_ignore_ascii_case("x-amz-target") && value.trim() == "AmazonSQS.SendMessageBatch";
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            // Only the sends count: the queue URL's look-up (GetQueueAttributes) is throttled too,
            // and retried by the SDK as any look-up is.
            if batch {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            let answer = r#"{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}"#;
            let response = format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-query-error: ThrottlingException;Sender\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
            let _ = reader.get_mut().write_all(response.as_bytes());
        }
    });
    (endpoint, calls)
}

/// Bug (issue 12, item 12): under throttling, the SDK retried each SendMessageBatch call
/// inside send's own retries, up to 24 calls for one message. One policy now: send's 6
/// attempts, each one call.
#[test]
fn a_throttled_message_is_tried_six_times_not_twenty_four() {
    let (endpoint, calls) = throttling_sqs();
    let out = run(custctl_test_support::custctl()
        .args(["--endpoint-url", &endpoint, "--region", "us-east-1"])
        .args(["--queue", &format!("{endpoint}/000000000000/customers")])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .args(["send", "--id", "1", "--name", "Ann"]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("ThrottlingException"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 6);
}

/// Bug (issue 12, item 10): SQS takes messages of up to 1 MiB (1,048,576 bytes) today; send's
/// checks and the local stack still refused anything over 262,144. Bodies of about 1 MiB (a
/// Customer padded with white space) now go through send, the queue and the function, whose
/// events the mapping splits to stay within Lambda's 6 MB; one byte over 1 MiB is refused
/// before anything is sent, naming the limit.
#[test]
fn messages_of_up_to_one_mib_are_sent_and_ingested() {
    let stack = LocalStack::up(&[]);
    let dir = custctl_test_support::scratch_dir("big-");
    let body = |id: i32, size: usize| {
        let bare = format!(r#"{{"CustID":{id},"Name":"Big {id}"}}"#);
        let padding = " ".repeat(size - bare.len());
        format!(r#"{{"CustID":{id},{padding}"Name":"Big {id}"}}"#)
    };
    let file = dir.path().join("big.ndjson");
    let lines: Vec<String> = (1..=7).map(|id| body(id, 1_048_576 - id as usize)).collect();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let out = run(send(&stack, &["--output", "json", "--file"]).arg(&file));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(json(&out)["sent"], 7);
    let rows = stack.wait_for_rows(7, Duration::from_secs(60));
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert_eq!(rows[6], (7, "Big 7".to_string()));

    std::fs::write(&file, body(8, 1_048_577) + "\n").unwrap();
    let out = run(send(&stack, &["--file"]).arg(&file));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("1048576"), "{}", text(&out.stderr));
}
