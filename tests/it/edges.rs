//! Edges that hostile input found, each as a user meets it: repeated CSV columns, `-0`, time
//! windows that cannot be, byte order marks, a "file" with no line ends, one huge cell, a
//! deleted queue under the event source mapping, and clients that connect and send nothing.

use custctl_test_support::{custctl, scratch_dir, LocalStack};
use std::io::{Read, Write};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `custctl send --dry-run` of `file` (with `extra` flags): it reads and checks, and sends nothing.
fn dry_run(file: &std::path::Path, extra: &[&str]) -> Output {
    custctl()
        .args(["--region", "us-east-1", "send", "--dry-run", "--file"])
        .arg(file)
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `custctl send --dry-run --file FILE --format FORMAT`, running, its output piped.
fn dry_run_spawn(file: &str, format: &str, stdin: Stdio) -> std::process::Child {
    custctl()
        .args([
            "--region",
            "us-east-1",
            "send",
            "--dry-run",
            "--file",
            file,
            "--format",
            format,
        ])
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits for `child` at most `limit`; kills it and fails if it is still running then.
fn wait_at_most(mut child: std::process::Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_csv_column_given_twice_is_refused_by_name() {
    let dir = scratch_dir("edges-");
    for header in ["CustID,Name,Name", "CustID,CustID,Name"] {
        let file = dir.path().join("twice.csv");
        std::fs::write(&file, format!("{header}\n1,first,second\n")).unwrap();
        let out = dry_run(&file, &[]);
        assert_eq!(out.status.code(), Some(2), "{header}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("names the column") && err.contains("twice"),
            "{header}: {err}"
        );
    }
}

#[test]
fn negative_zero_gets_one_verdict_in_json_and_csv() {
    let dir = scratch_dir("edges-");
    let csv = dir.path().join("zero.csv");
    std::fs::write(&csv, "CustID,Name\n-0,x\n").unwrap();
    let ndjson = dir.path().join("zero.ndjson");
    std::fs::write(&ndjson, "{\"CustID\":-0,\"Name\":\"x\"}\n").unwrap();
    for file in [&csv, &ndjson] {
        let out = dry_run(file, &[]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("CustID: -0 (negative zero) is not accepted; write 0"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn time_windows_that_cannot_be_are_input_errors() {
    for since in [
        "9223372036854775807s",
        "10000000w",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
    ] {
        // Nothing listens there: the window must be refused before any call is made.
        let out = custctl()
            .args([
                "--region",
                "us-east-1",
                "--endpoint-url",
                "http://127.0.0.1:1",
                "logs",
                "--since",
                since,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "--since {since}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("--since {since}")), "{err}");
        assert!(err.contains("1970-01-01") || err.contains("in the future"), "{err}");
    }
}

#[test]
fn a_byte_order_mark_is_accepted_at_the_start_of_every_format() {
    let dir = scratch_dir("edges-");
    for (name, text) in [
        ("bom.ndjson", "\u{FEFF}{\"CustID\":1,\"Name\":\"a\"}\n"),
        ("bom.json", "\u{FEFF}[{\"CustID\":1,\"Name\":\"a\"}]"),
        ("bom.csv", "\u{FEFF}CustID,Name\n1,a\n"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let out = dry_run(&file, &["--output", "json"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["would_send"], 1, "{name}");
    }
}

#[test]
fn a_source_with_no_line_ends_is_refused_once_it_passes_the_largest_message() {
    // /dev/zero: NUL bytes without end, which NDJSON and CSV read as one endless line.
    for format in ["ndjson", "csv"] {
        let child = dry_run_spawn("/dev/zero", format, Stdio::null());
        let out = wait_at_most(child, Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
        assert!(stderr(&out).contains("1048576 bytes"), "{format}: {}", stderr(&out));
    }
    // A JSON array whose one string never ends, on stdin; the writer stops when custctl
    // hangs up, or after 64 MiB.
    let mut child = dry_run_spawn("-", "json", Stdio::piped());
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 64 * 1024];
        let _ = stdin.write_all(b"[{\"CustID\": 1, \"Name\": \"");
        for _ in 0..1024 {
            if stdin.write_all(&chunk).is_err() {
                return true;
            }
        }
        false
    });
    let out = wait_at_most(child, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("1048576 bytes"), "{}", stderr(&out));
    assert!(writer.join().unwrap(), "custctl read 64 MiB of one element");
}

#[test]
fn one_huge_cell_is_cut_in_a_table_and_whole_in_csv() {
    let stack = LocalStack::up(&[]);
    let query = "SELECT REPEAT('x', 10000000) AS big";
    let table = stack.custctl().args(["--local", "sql", "-e", query]).output().unwrap();
    assert!(table.status.success(), "{}", stderr(&table));
    let shown = String::from_utf8_lossy(&table.stdout);
    assert!(
        shown.contains("[9995904 more characters not shown in a table]"),
        "{}",
        &shown[..200]
    );
    assert!(shown.len() < 100_000, "a table of {} bytes", shown.len());
    let csv = stack
        .custctl()
        .args(["--local", "sql", "--format", "csv", "-e", query])
        .output()
        .unwrap();
    assert!(csv.status.success(), "{}", stderr(&csv));
    assert_eq!(
        String::from_utf8_lossy(&csv.stdout),
        format!("big\n{}\n", "x".repeat(10_000_000))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_queue_shows_in_the_mapping_and_a_new_one_is_polled_again() {
    let stack = LocalStack::up(&[]);
    let config = stack.sdk().await;
    let sqs = aws_sdk_sqs::Client::new(&config);
    let lambda = aws_sdk_lambda::Client::new(&config);
    let url = custctl_test_support::queue_url(&sqs, "customers").await;
    let mapping = || async {
        let all = lambda.list_event_source_mappings().send().await.unwrap();
        all.event_source_mappings()[0].clone()
    };
    assert_eq!(mapping().await.last_processing_result(), Some("No records processed"));

    sqs.delete_queue().queue_url(&url).send().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let problem = loop {
        let result = mapping().await.last_processing_result().unwrap_or_default().to_string();
        if result.starts_with("PROBLEM: ") {
            break result;
        }
        assert!(
            Instant::now() < deadline,
            "the mapping never reported the deleted queue: {result}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        problem.contains("customers") && problem.contains("QueueDoesNotExist"),
        "{problem}"
    );
    // The detached stack's log says it too, once its writer has taken the mapping's event
    // (which it publishes right after the result the API shows).
    let said = "event source mapping: Lambda cannot receive messages";
    let log = stack.wait_for_log(Duration::from_secs(10), |log| log.contains(said));
    assert!(log.contains(said), "{log}");

    // A queue of that name again: the mapping polls it and the function writes the row.
    let url = sqs
        .create_queue()
        .queue_name("customers")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    sqs.send_message()
        .queue_url(&url)
        .message_body(r#"{"CustID": 7, "Name": "Back"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        stack.wait_for_rows(1, Duration::from_secs(30)),
        vec![(7, "Back".to_string())]
    );
    assert_eq!(mapping().await.last_processing_result(), Some("OK"));
}

/// Whether the server closed `socket` (after an answer, if it gave one) before the socket's
/// read timeout: a read sees the end, or the connection was reset.
fn closed_by_server(socket: &mut std::net::TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match socket.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) => return !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
        }
    }
}

#[test]
fn clients_that_send_nothing_are_disconnected() {
    let stack = LocalStack::up(&["--client-timeout", "2"]);
    let address = stack.endpoint.trim_start_matches("http://").to_string();
    let connect = || {
        let socket = std::net::TcpStream::connect(&address).unwrap();
        socket.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        socket
    };
    let mut idle: Vec<_> = (0..50).map(|_| connect()).collect();
    let mut slow_headers: Vec<_> = (0..20)
        .map(|_| {
            let mut socket = connect();
            socket.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n").unwrap();
            socket
        })
        .collect();
    let mut partial_bodies: Vec<_> = (0..10)
        .map(|_| {
            let mut socket = connect();
            socket
                .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.ListQueues\r\nContent-Length: 100\r\n\r\n{")
                .unwrap();
            socket
        })
        .collect();
    let started = Instant::now();
    for socket in idle.iter_mut().chain(&mut slow_headers).chain(&mut partial_bodies) {
        assert!(closed_by_server(socket), "a stalled connection was kept open");
    }
    // Closed by the 2 s limit, not by the 20 s read timeout of this test.
    assert!(started.elapsed() < Duration::from_secs(15));

    // The endpoint still serves a client that talks.
    let out = stack
        .custctl()
        .args(["--local", "send", "--id", "1", "--name", "still served"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
