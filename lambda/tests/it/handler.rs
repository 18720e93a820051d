//! The ingest handler against a real MariaDB: every record checked, the valid ones upserted in
//! one transaction, the invalid ones reported, and nothing lost when the database fails.

use custctl_test_support::{as_refs, customer_records, sqs_event, TestDatabase};
use customer_ingest::handler::{function_handler, ingest_batch};
use customer_ingest::store::{CustomerStore, MySqlStore};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

fn failed_ids(report: &customer_ingest::handler::BatchReport) -> BTreeSet<String> {
    report
        .response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect()
}

#[test]
fn ten_valid_records_become_ten_rows() {
    let db = TestDatabase::fresh();
    let mut store = MySqlStore::new(db.opts());
    let records = customer_records(1..11, "Customer");
    let report = ingest_batch(&sqs_event(&as_refs(&records)), &mut store);
    assert!(report.response.batch_item_failures.is_empty());
    assert_eq!((report.records, report.written, report.failed), (10, 10, 0));
    let rows = db.rows();
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[0], (1, "Customer 1".to_string()));
    assert_eq!(rows[9], (10, "Customer 10".to_string()));
}

#[test]
fn mixed_batch_reports_exactly_the_invalid_message_ids() {
    let db = TestDatabase::fresh();
    let mut store = MySqlStore::new(db.opts());
    let event = sqs_event(&[
        ("ok-1", r#"{"CustID": 1, "Name": "Ana"}"#),
        ("bad-string-id", r#"{"CustID": "404", "Name": "Bea"}"#),
        ("ok-2", r#"{"CustID": 2, "Name": "Caio"}"#),
        ("bad-json", r#"{"CustID": 3, "Name": "#),
        ("bad-float", r#"{"CustID": 4.5, "Name": "Dora"}"#),
        ("bad-extra", r#"{"CustID": 5, "Name": "Eva", "Email": "e@x"}"#),
        ("bad-range", r#"{"CustID": 4294967296, "Name": "Fay"}"#),
        ("bad-empty", r#"{"CustID": 6, "Name": ""}"#),
        ("ok-3", r#"{"CustID": 7, "Name": "Gil"}"#),
        ("bad-null", r#"null"#),
    ]);
    let report = ingest_batch(&event, &mut store);
    let expected: BTreeSet<String> = [
        "bad-string-id",
        "bad-json",
        "bad-float",
        "bad-extra",
        "bad-range",
        "bad-empty",
        "bad-null",
    ]
    .map(String::from)
    .into();
    assert_eq!(failed_ids(&report), expected);
    assert_eq!((report.records, report.written, report.failed), (10, 3, 7));
    assert_eq!(
        db.rows(),
        vec![(1, "Ana".into()), (2, "Caio".into()), (7, "Gil".into())]
    );
}

#[test]
fn a_redelivered_batch_changes_nothing() {
    let db = TestDatabase::fresh();
    let mut store = MySqlStore::new(db.opts());
    let records = customer_records(100..150, "Redelivered");
    let event = sqs_event(&as_refs(&records));
    let first = ingest_batch(&event, &mut store);
    let rows_after_first = db.rows();
    let second = ingest_batch(&event, &mut store);
    assert!(first.response.batch_item_failures.is_empty());
    assert!(second.response.batch_item_failures.is_empty());
    assert_eq!(db.rows(), rows_after_first);
    assert_eq!(rows_after_first.len(), 50);
}

#[test]
fn one_custid_twice_in_a_batch_ends_with_the_later_name() {
    let db = TestDatabase::fresh();
    let mut store = MySqlStore::new(db.opts());
    let event = sqs_event(&[
        ("a", r#"{"CustID": 9, "Name": "First"}"#),
        ("b", r#"{"CustID": 8, "Name": "Other"}"#),
        ("c", r#"{"CustID": 9, "Name": "Second"}"#),
        ("d", r#"{"CustID": 9, "Name": "Third"}"#),
    ]);
    let report = ingest_batch(&event, &mut store);
    assert!(report.response.batch_item_failures.is_empty());
    assert_eq!(report.written, 4);
    assert_eq!(db.rows(), vec![(8, "Other".into()), (9, "Third".into())]);
    // A later batch that repeats the first name wins too: last write by processing order.
    ingest_batch(&sqs_event(&[("e", r#"{"CustID": 9, "Name": "First"}"#)]), &mut store);
    assert_eq!(db.rows()[1], (9, "First".into()));
}

#[test]
fn hostile_names_are_stored_exactly_as_sent() {
    let db = TestDatabase::fresh();
    let mut store = MySqlStore::new(db.opts());
    let names: Vec<String> = vec![
        "O'Brien".into(),
        r#"x'); DROP TABLE Customer; --"#.into(),
        r#"back\slash \\ and "double" quotes"#.into(),
        "Zoë Ñúñez 李小龍 😀👩‍👩‍👧".into(),
        "  leading and trailing spaces  ".into(),
        "tab\there\nnewline\u{0}nul".into(),
        "%_ wildcard * ? ${x} `backtick`".into(),
        "😀".repeat(255),
        "a".repeat(255),
    ];
    let bodies: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            (
                format!("m{i}"),
                serde_json::json!({"CustID": i, "Name": name}).to_string(),
            )
        })
        .chain([(
            "too-long".to_string(),
            serde_json::json!({"CustID": 99, "Name": "b".repeat(256)}).to_string(),
        )])
        .chain([(
            "too-long-emoji".to_string(),
            serde_json::json!({"CustID": 98, "Name": "😀".repeat(256)}).to_string(),
        )])
        .collect();
    let report = ingest_batch(&sqs_event(&as_refs(&bodies)), &mut store);
    assert_eq!(
        failed_ids(&report),
        ["too-long", "too-long-emoji"].map(String::from).into()
    );
    let stored: Vec<String> = db.rows().into_iter().map(|(_, name)| name).collect();
    assert_eq!(stored, names);
}

#[test]
fn database_stopped_mid_test_fails_every_record_then_recovers() {
    let dir = custctl_test_support::scratch_dir("mariadb-own-");
    let mut server = custctl_test_support::start_server(dir.path());
    let port = server.port();
    server
        .admin()
        .ensure_database("customers", "app", "app-password")
        .unwrap();
    let url = format!("mysql://app:app-password@127.0.0.1:{port}/customers");
    let opts = customer_ingest::config::DbSettings::from_url(&url).unwrap().opts();
    let mut store = MySqlStore::new(opts.clone());

    let first = customer_records(1..6, "Before");
    assert!(ingest_batch(&sqs_event(&as_refs(&first)), &mut store)
        .response
        .batch_item_failures
        .is_empty());

    server.kill();
    let mut during = customer_records(10..15, "During");
    during.push(("poison".into(), "not json".into()));
    let report = ingest_batch(&sqs_event(&as_refs(&during)), &mut store);
    let all: BTreeSet<String> = during.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(
        failed_ids(&report),
        all,
        "every record must come back when the database is down"
    );
    assert_eq!(report.written, 0);
    assert!(!store.is_connected(), "the broken connection is dropped");

    let server = MariaDbServer::start(dir.path(), port).unwrap();
    let report = ingest_batch(&sqs_event(&as_refs(&during[..5])), &mut store);
    assert!(
        report.response.batch_item_failures.is_empty(),
        "the next batch reconnects and succeeds"
    );
    let mut conn = mysql::Conn::new(opts).unwrap();
    let rows: Vec<(i32, String)> =
        mysql::prelude::Queryable::query(&mut conn, "SELECT CustID, Name FROM Customer ORDER BY CustID").unwrap();
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[5], (10, "During 10".into()));
    drop(server);
}

use custctl_local::mariadb::MariaDbServer;

#[test]
fn concurrent_overlapping_batches_all_land() {
    let db = TestDatabase::fresh();
    MySqlStore::new(db.opts()).connect().unwrap();
    let workers: Vec<_> = (0..4)
        .map(|worker| {
            let opts = db.opts();
            std::thread::spawn(move || {
                let mut store = MySqlStore::new(opts);
                for round in 0..25 {
                    // Overlapping id ranges, each worker writing them in a different order.
                    let mut records = customer_records(0..200, &format!("w{worker} r{round}"));
                    if worker % 2 == 1 {
                        records.reverse();
                    }
                    let report = ingest_batch(&sqs_event(&as_refs(&records)), &mut store);
                    assert!(
                        report.response.batch_item_failures.is_empty(),
                        "worker {worker} round {round} failed"
                    );
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let rows = db.rows();
    assert_eq!(rows.len(), 200);
    assert!(rows
        .iter()
        .all(|(id, name)| name.starts_with('w') && name.ends_with(&format!(" {id}"))));
}

#[tokio::test(flavor = "multi_thread")]
async fn function_handler_answers_a_lambda_event() {
    let db = TestDatabase::fresh();
    let store = Arc::new(Mutex::new(MySqlStore::new(db.opts())));
    let event = sqs_event(&[("ok", r#"{"CustID": 1, "Name": "Ana"}"#), ("bad", r#"{"CustID": 1}"#)]);
    let response = function_handler(
        lambda_runtime::LambdaEvent::new(serde_json::to_value(event).unwrap(), lambda_runtime::Context::default()),
        store,
    )
    .await
    .unwrap();
    let json = serde_json::to_value(&response).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"batchItemFailures": [{"itemIdentifier": "bad"}]})
    );
    assert_eq!(db.rows(), vec![(1, "Ana".into())]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_that_is_not_an_sqs_event_fails_with_runtime_unmarshal_error() {
    let store = Arc::new(Mutex::new(FailingStore));
    let event = serde_json::json!({"Records": [{"messageId": 5, "body": "{}"}]});
    let err = function_handler(
        lambda_runtime::LambdaEvent::new(event, lambda_runtime::Context::default()),
        store,
    )
    .await
    .unwrap_err();
    assert_eq!(err.error_type, "Runtime.UnmarshalError");
    assert!(
        err.error_message
            .starts_with("Unable to unmarshal input: Records[0].messageId: invalid type: integer `5`"),
        "{}",
        err.error_message
    );
}

/// A store whose every write fails: the handler must then report every record.
struct FailingStore;

impl CustomerStore for FailingStore {
    fn upsert(&mut self, _: &[customer_ingest::Customer]) -> Result<(), customer_ingest::store::StoreError> {
        Err(customer_ingest::store::StoreError::Query(mysql::Error::DriverError(
            mysql::DriverError::ConnectTimeout,
        )))
    }
}

#[test]
fn an_empty_batch_is_answered_without_writing() {
    let report = ingest_batch(&sqs_event(&[]), &mut FailingStore);
    assert_eq!(report.records, 0);
    assert!(report.response.batch_item_failures.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn traced_records_get_one_line_each_with_the_invocation_and_untraced_ones_none() {
    let db = TestDatabase::fresh();
    let store = Arc::new(Mutex::new(MySqlStore::new(db.opts())));
    let mut event = serde_json::to_value(sqs_event(&[
        ("plain", r#"{"CustID": 1, "Name": "Ana"}"#),
        ("traced-ok", r#"{"CustID": 2, "Name": "Bea"}"#),
        ("traced-bad", r#"{"CustID": "3", "Name": "Caio"}"#),
    ]))
    .unwrap();
    for (index, trace_id) in [(1, "t-ok"), (2, "t-bad")] {
        event["Records"][index]["messageAttributes"] = serde_json::json!({
            "custctl-trace": {"stringValue": trace_id, "stringListValues": [], "binaryListValues": [], "dataType": "String"}
        });
    }
    let mut context = lambda_runtime::Context::default();
    context.request_id = "6f1c2d3e-0000-4000-8000-000000000001".into();
    // The handler's own lines are logged on this (the test's only) thread; those of the batch's
    // work, on the blocking thread, are not captured.
    let capture = custctl_test_support::LogCapture::start();
    let response = function_handler(lambda_runtime::LambdaEvent::new(event, context), store).await;
    let lines = capture.lines();
    assert_eq!(
        serde_json::to_value(response.unwrap()).unwrap(),
        serde_json::json!({"batchItemFailures": [{"itemIdentifier": "traced-bad"}]})
    );
    let traced: Vec<&serde_json::Value> = lines.iter().filter(|l| l["message"] == "traced record").collect();
    assert_eq!(traced.len(), 2, "{lines:#?}");
    let ok = traced.iter().find(|l| l["message_id"] == "traced-ok").unwrap();
    assert_eq!(ok["trace_id"], "t-ok");
    assert_eq!(ok["outcome"], "written");
    assert_eq!(ok["request_id"], "6f1c2d3e-0000-4000-8000-000000000001");
    assert!(ok["cold_start"].is_boolean());
    assert_eq!(ok["receive_count"], 1);
    assert!(ok["queue_ms"].as_i64().unwrap() > 0, "{ok}");
    assert!(ok.get("reason").is_none(), "{ok}");
    let bad = traced.iter().find(|l| l["message_id"] == "traced-bad").unwrap();
    assert_eq!(bad["outcome"], "rejected");
    assert_eq!(bad["reason"], r#"CustID: expected an integer, got the string "3""#);
    assert!(!lines.iter().any(|l| l["message_id"] == "plain"), "{lines:#?}");
    assert_eq!(db.rows(), vec![(1, "Ana".into()), (2, "Bea".into())]);
}
