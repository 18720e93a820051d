//! The local CloudWatch Logs driven by the real `aws-sdk-cloudwatchlogs` client, through the
//! stack's gateway on a loopback port: what a user of the SDK (or of `custctl logs`) would see.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudwatchlogs::config::Credentials;
use aws_sdk_cloudwatchlogs::operation::create_log_stream::CreateLogStreamError;
use aws_sdk_cloudwatchlogs::operation::put_log_events::PutLogEventsError;
use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, InputLogEvent, OrderBy};
use aws_sdk_cloudwatchlogs::Client;
use custctl_local::gateway::Gateway;
use custctl_local::logs::{LogsService, PROTOCOL, TARGET_PREFIX};
use std::collections::HashSet;
use std::sync::Arc;

const GROUP: &str = "/aws/lambda/customer-ingest";

/// A logs service behind a gateway on 127.0.0.1, and an SDK client pointed at it. The gateway
/// runs on a runtime of its own, as the stack does in its own process, so that a request that
/// stalls the server cannot stall the test's own timeouts.
async fn local_logs() -> (Client, Arc<LogsService>) {
    let service = Arc::new(LogsService::new("us-east-1".into()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    let router = Gateway::new()
        .json_service(TARGET_PREFIX, PROTOCOL, service.clone())
        .into_router(address.port());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, router).await.unwrap()
        })
    });
    let config = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(format!("http://{address}"))
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .load()
        .await;
    (Client::new(&config), service)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn events(batch: &[(i64, &str)]) -> Vec<InputLogEvent> {
    batch
        .iter()
        .map(|(timestamp, message)| {
            InputLogEvent::builder()
                .timestamp(*timestamp)
                .message(*message)
                .build()
                .unwrap()
        })
        .collect()
}

async fn create(client: &Client, group: &str, streams: &[&str]) {
    client.create_log_group().log_group_name(group).send().await.unwrap();
    for stream in streams {
        try_create_stream(client, group, stream).await.unwrap();
    }
}

/// CreateLogStream, with the service's error as the SDK types it.
async fn try_create_stream(client: &Client, group: &str, stream: &str) -> Result<(), CreateLogStreamError> {
    let request = client.create_log_stream().log_group_name(group).log_stream_name(stream);
    request.send().await.map(drop).map_err(|e| e.into_service_error())
}

/// PutLogEvents of `batch` to `stream` of [`GROUP`], with the service's error as the SDK types it.
async fn try_put(client: &Client, stream: &str, batch: Vec<InputLogEvent>) -> Result<(), PutLogEventsError> {
    let request = client.put_log_events().log_group_name(GROUP).log_stream_name(stream);
    request
        .set_log_events(Some(batch))
        .send()
        .await
        .map(drop)
        .map_err(|e| e.into_service_error())
}

async fn put(client: &Client, stream: &str, batch: Vec<InputLogEvent>) {
    try_put(client, stream, batch).await.unwrap();
}

/// Every event FilterLogEvents returns for `pattern`, following nextToken to the end.
async fn filter_all(client: &Client, pattern: &str, limit: i32) -> (Vec<FilteredLogEvent>, usize) {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = client
            .filter_log_events()
            .log_group_name(GROUP)
            .filter_pattern(pattern)
            .limit(limit)
            .set_next_token(token.take())
            .send()
            .await
            .unwrap();
        pages += 1;
        assert!(page.events().len() <= limit as usize);
        found.extend(page.events().iter().cloned());
        match page.next_token() {
            Some(next) => token = Some(next.to_string()),
            None => return (found, pages),
        }
    }
}

fn messages(events: &[FilteredLogEvent]) -> Vec<&str> {
    events.iter().filter_map(|e| e.message()).collect()
}

#[tokio::test]
async fn groups_streams_and_events_round_trip() {
    let (client, _service) = local_logs().await;
    create(
        &client,
        GROUP,
        &["2026/01/01/[$LATEST]aaaa", "2026/01/01/[$LATEST]bbbb"],
    )
    .await;
    client
        .create_log_group()
        .log_group_name("/aws/rds/instance/customers/error")
        .send()
        .await
        .unwrap();

    let groups = client
        .describe_log_groups()
        .log_group_name_prefix("/aws/lambda/")
        .send()
        .await
        .unwrap();
    let [group] = groups.log_groups() else {
        panic!("one lambda group: {groups:?}")
    };
    assert_eq!(group.log_group_name(), Some(GROUP));
    assert_eq!(
        group.arn(),
        Some("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/customer-ingest:*")
    );
    assert_eq!(
        group.log_group_arn(),
        Some("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/customer-ingest")
    );
    assert!(group.creation_time().is_some());
    let all = client.describe_log_groups().send().await.unwrap();
    assert_eq!(all.log_groups().len(), 2);

    let now = now_ms();
    put(
        &client,
        "2026/01/01/[$LATEST]aaaa",
        events(&[(now - 3000, "first a"), (now - 1000, "second a")]),
    )
    .await;
    put(&client, "2026/01/01/[$LATEST]bbbb", events(&[(now - 2000, "first b")])).await;

    let streams = client
        .describe_log_streams()
        .log_group_name(GROUP)
        .order_by(OrderBy::LastEventTime)
        .descending(true)
        .send()
        .await
        .unwrap();
    let names: Vec<_> = streams
        .log_streams()
        .iter()
        .filter_map(|s| s.log_stream_name())
        .collect();
    assert_eq!(names, ["2026/01/01/[$LATEST]aaaa", "2026/01/01/[$LATEST]bbbb"]);
    let newest = &streams.log_streams()[0];
    assert_eq!(newest.first_event_timestamp(), Some(now - 3000));
    assert_eq!(newest.last_event_timestamp(), Some(now - 1000));
    assert!(newest.last_ingestion_time().is_some());
    assert_eq!(
        newest.arn(),
        Some("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/customer-ingest:log-stream:2026/01/01/[$LATEST]aaaa")
    );

    let got = client
        .get_log_events()
        .log_group_name(GROUP)
        .log_stream_name("2026/01/01/[$LATEST]aaaa")
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    let texts: Vec<_> = got.events().iter().filter_map(|e| e.message()).collect();
    assert_eq!(texts, ["first a", "second a"]);
    assert!(got.events().iter().all(|e| e.ingestion_time().is_some()));

    // By ARN, across streams, in time order.
    let filtered = client
        .filter_log_events()
        .log_group_identifier("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/customer-ingest")
        .send()
        .await
        .unwrap();
    assert_eq!(messages(filtered.events()), ["first a", "first b", "second a"]);
    assert_eq!(filtered.events()[1].log_stream_name(), Some("2026/01/01/[$LATEST]bbbb"));
    assert!(filtered.next_token().is_none());
    let ids: HashSet<_> = filtered.events().iter().filter_map(|e| e.event_id()).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| id.bytes().all(|b| b.is_ascii_digit())));

    let ranged = client
        .filter_log_events()
        .log_group_name(GROUP)
        .start_time(now - 2000)
        .end_time(now - 1000)
        .send()
        .await
        .unwrap();
    assert_eq!(
        messages(ranged.events()),
        ["first b", "second a"],
        "both ends of the range are included"
    );

    client
        .delete_log_stream()
        .log_group_name(GROUP)
        .log_stream_name("2026/01/01/[$LATEST]bbbb")
        .send()
        .await
        .unwrap();
    let left = client.filter_log_events().log_group_name(GROUP).send().await.unwrap();
    assert_eq!(messages(left.events()), ["first a", "second a"]);
    client.delete_log_group().log_group_name(GROUP).send().await.unwrap();
    let after = client
        .describe_log_groups()
        .log_group_name_prefix("/aws/lambda/")
        .send()
        .await
        .unwrap();
    assert!(after.log_groups().is_empty());
}

#[tokio::test]
async fn errors_are_typed_in_the_sdk() {
    let (client, _service) = local_logs().await;
    create(&client, GROUP, &["s"]).await;

    let err = client
        .create_log_group()
        .log_group_name(GROUP)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_already_exists_exception(), "{err:?}");
    let err = try_create_stream(&client, GROUP, "s").await.unwrap_err();
    assert!(err.is_resource_already_exists_exception());
    let err = try_create_stream(&client, "/missing", "s").await.unwrap_err();
    assert!(err.is_resource_not_found_exception());
    assert_eq!(err.meta().message(), Some("The specified log group does not exist."));

    let err = try_put(&client, "nope", events(&[(now_ms(), "x")])).await.unwrap_err();
    assert!(err.is_resource_not_found_exception());
    assert_eq!(err.meta().message(), Some("The specified log stream does not exist."));

    let now = now_ms();
    let err = try_put(&client, "s", events(&[(now, "later"), (now - 1, "earlier")]))
        .await
        .unwrap_err();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");

    let err = client
        .get_log_events()
        .log_group_name("/missing")
        .log_stream_name("s")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception());

    let err = client
        .filter_log_events()
        .log_group_name(GROUP)
        .filter_pattern("{ $.level = ")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_invalid_parameter_exception());
    assert!(
        err.meta()
            .message()
            .unwrap_or_default()
            .starts_with("Invalid filter pattern"),
        "{err:?}"
    );

    let err = client
        .delete_log_group()
        .log_group_name("/missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception());
}

#[tokio::test]
async fn put_log_events_reports_events_it_refuses() {
    let (client, _service) = local_logs().await;
    create(&client, GROUP, &["s"]).await;
    let now = now_ms();
    let hour = 3_600_000;
    let answer = client
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name("s")
        .sequence_token("anything: tokens are ignored")
        .set_log_events(Some(events(&[(now, "kept"), (now + 3 * hour, "from the future")])))
        .send()
        .await
        .unwrap();
    let rejected = answer.rejected_log_events_info().expect("rejected events are reported");
    assert_eq!(rejected.too_new_log_event_start_index(), Some(1));
    assert_eq!(rejected.too_old_log_event_end_index(), None);
    assert!(answer.next_sequence_token().is_some());
    let stored = client.filter_log_events().log_group_name(GROUP).send().await.unwrap();
    assert_eq!(messages(stored.events()), ["kept"]);
}

#[tokio::test]
async fn filter_pages_through_25000_events_exactly_once_in_time_order() {
    let (client, _service) = local_logs().await;
    let streams = ["instance-a", "instance-b", "instance-c"];
    create(&client, GROUP, &streams).await;
    let base = now_ms() - 3_600_000;
    for (n, stream) in streams.iter().enumerate() {
        // Interleaved in time across the streams, with ties, so the merge has work to do.
        let batch: Vec<InputLogEvent> = (0..25_000)
            .skip(n)
            .step_by(streams.len())
            .map(|i| {
                let message = format!("event {i:05} from {stream}");
                InputLogEvent::builder()
                    .timestamp(base + i / 2)
                    .message(message)
                    .build()
                    .unwrap()
            })
            .collect();
        put(&client, stream, batch).await;
    }

    let (found, pages) = filter_all(&client, "", 1000).await;
    assert_eq!(found.len(), 25_000);
    assert_eq!(pages, 25);
    let ids: HashSet<_> = found.iter().filter_map(|e| e.event_id()).collect();
    assert_eq!(ids.len(), 25_000, "no event twice");
    let order: Vec<(i64, &str)> = found
        .iter()
        .map(|e| {
            (
                e.timestamp().unwrap_or_default(),
                e.log_stream_name().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        order.windows(2).all(|pair| pair[0] <= pair[1]),
        "in time order, ties by stream"
    );

    let (every_hundredth, _) = filter_all(&client, "\"00 from\"", 100).await;
    assert_eq!(every_hundredth.len(), 250);
}

#[tokio::test]
async fn a_late_event_is_returned_in_time_order() {
    let (client, _service) = local_logs().await;
    create(&client, GROUP, &["s"]).await;
    let now = now_ms();
    put(&client, "s", events(&[(now - 3000, "one"), (now - 1000, "three")])).await;
    put(&client, "s", events(&[(now - 2000, "two (late)")])).await;

    let got = client
        .get_log_events()
        .log_group_name(GROUP)
        .log_stream_name("s")
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    let texts: Vec<_> = got.events().iter().filter_map(|e| e.message()).collect();
    assert_eq!(texts, ["one", "two (late)", "three"]);
    let filtered = client.filter_log_events().log_group_name(GROUP).send().await.unwrap();
    assert_eq!(messages(filtered.events()), ["one", "two (late)", "three"]);
}

#[tokio::test]
async fn get_log_events_tokens_follow_a_stream() {
    let (client, _service) = local_logs().await;
    create(&client, GROUP, &["s"]).await;
    let now = now_ms();
    put(
        &client,
        "s",
        events(&[(now - 3000, "a"), (now - 2000, "b"), (now - 1000, "c")]),
    )
    .await;
    let get = |token: Option<String>| {
        client
            .get_log_events()
            .log_group_name(GROUP)
            .log_stream_name("s")
            .start_from_head(true)
            .limit(2)
            .set_next_token(token)
            .send()
    };
    let first = get(None).await.unwrap();
    assert_eq!(first.events().len(), 2);
    let second = get(first.next_forward_token().map(String::from)).await.unwrap();
    assert_eq!(
        second.events().iter().filter_map(|e| e.message()).collect::<Vec<_>>(),
        ["c"]
    );
    let forward = second.next_forward_token().map(String::from);
    let idle = get(forward.clone()).await.unwrap();
    assert!(idle.events().is_empty());
    assert_eq!(
        idle.next_forward_token().map(String::from),
        forward,
        "the same token when nothing is new"
    );

    put(&client, "s", events(&[(now, "d")])).await;
    let fresh = get(forward).await.unwrap();
    assert_eq!(
        fresh.events().iter().filter_map(|e| e.message()).collect::<Vec<_>>(),
        ["d"]
    );
}

#[tokio::test]
async fn filter_patterns_narrow_results_on_the_server() {
    let (client, _service) = local_logs().await;
    create(&client, GROUP, &["s"]).await;
    let now = now_ms();
    let lambda_output = [
        "START RequestId: 0b6d4e9c-8f3a-4f4e-9d55-1c3e2f0a7b21 Version: $LATEST",
        r#"{"level":"INFO","message_id":"m-0","ms":12,"message":"customer stored"}"#,
        r#"{"level":"WARN","message_id":"m-1","reason":"CustID must be a positive integer","message":"record rejected"}"#,
        r#"{"level":"ERROR","message_id":"m-2","ms":240,"error":{"code":"ER_LOCK_WAIT_TIMEOUT"},"message":"insert failed"}"#,
        "END RequestId: 0b6d4e9c-8f3a-4f4e-9d55-1c3e2f0a7b21",
        "REPORT RequestId: 0b6d4e9c-8f3a-4f4e-9d55-1c3e2f0a7b21\tDuration: 3.21 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 21 MB",
    ];
    let batch: Vec<(i64, &str)> = lambda_output
        .iter()
        .enumerate()
        .map(|(i, m)| (now - 1000 + i as i64, *m))
        .collect();
    put(&client, "s", events(&batch)).await;

    let first_words = |pattern: &'static str| {
        let client = client.clone();
        async move {
            let page = client
                .filter_log_events()
                .log_group_name(GROUP)
                .filter_pattern(pattern)
                .send()
                .await
                .unwrap();
            page.events()
                .iter()
                .filter_map(|e| e.message())
                .map(|m| {
                    if m.starts_with('{') {
                        "json".to_string()
                    } else {
                        m.split(' ').next().unwrap_or_default().to_string()
                    }
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(first_words("RequestId").await, ["START", "END", "REPORT"]);
    assert_eq!(first_words("RequestId -REPORT").await, ["START", "END"]);
    assert_eq!(first_words("\"record rejected\"").await, ["json"]);
    assert_eq!(first_words("?START ?REPORT").await, ["START", "REPORT"]);
    assert_eq!(first_words("{ $.level = \"WARN\" }").await, ["json"]);
    assert_eq!(
        first_words("{ $.level = \"WARN\" || $.level = \"ERROR\" }").await,
        ["json", "json"]
    );
    assert_eq!(first_words("{ $.ms > 100 }").await, ["json"]);
    assert_eq!(first_words("{ $.error.code = ER_LOCK* }").await, ["json"]);
    assert_eq!(first_words("{ $.reason NOT EXISTS }").await, ["json", "json"]);
    assert_eq!(
        first_words("[kind = REPORT, ..., label = \"Duration:\", ms > 3, unit = ms, ...]").await,
        ["REPORT"]
    );
    assert_eq!(first_words("").await.len(), 6);
}

#[tokio::test]
async fn function_output_and_subscribers_share_the_store() {
    let (client, service) = local_logs().await;
    let mut stored = service.subscribe();
    let now = now_ms();
    service.append(
        GROUP,
        "2026/01/01/[$LATEST]cafe",
        vec![(now - 10, "START RequestId: r-1 Version: $LATEST".into())],
    );
    client
        .create_log_stream()
        .log_group_name(GROUP)
        .log_stream_name("from-the-sdk")
        .send()
        .await
        .expect("append created the group");
    put(&client, "from-the-sdk", events(&[(now, "put through the API")])).await;

    let first = stored.recv().await.unwrap();
    assert_eq!(
        (first.group.as_str(), first.stream.as_str()),
        (GROUP, "2026/01/01/[$LATEST]cafe")
    );
    assert_eq!(first.message, "START RequestId: r-1 Version: $LATEST");
    let second = stored.recv().await.unwrap();
    assert_eq!(second.message, "put through the API");
    assert_ne!(first.event_id, second.event_id);

    let seen = client.filter_log_events().log_group_name(GROUP).send().await.unwrap();
    assert_eq!(
        messages(seen.events()),
        ["START RequestId: r-1 Version: $LATEST", "put through the API"]
    );
    assert_eq!(seen.events()[0].event_id(), Some(first.event_id.as_str()));

    // A snapshot carries everything into a fresh service.
    let (restored_client, restored) = local_logs().await;
    restored.restore(service.snapshot()).unwrap();
    let again = restored_client
        .filter_log_events()
        .log_group_name(GROUP)
        .send()
        .await
        .unwrap();
    assert_eq!(again.events(), seen.events());
    assert!(restored
        .restore(serde_json::json!({"version": 1, "groups": []}))
        .is_err());
}

#[tokio::test]
async fn put_retention_policy_deletes_older_events_and_refuses_other_values() {
    let (client, _service) = local_logs().await;
    create(&client, GROUP, &["s"]).await;
    let day = 86_400_000;
    // Two calls: one PutLogEvents batch may not span more than 24 hours.
    put(&client, "s", events(&[(now_ms() - 3 * day, "three days old")])).await;
    put(&client, "s", events(&[(now_ms() - 60_000, "a minute old")])).await;
    let err = client
        .put_retention_policy()
        .log_group_name(GROUP)
        .retention_in_days(2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.as_service_error().and_then(|e| e.meta().code()),
        Some("InvalidParameterException")
    );
    client
        .put_retention_policy()
        .log_group_name(GROUP)
        .retention_in_days(1)
        .send()
        .await
        .unwrap();
    let (found, _) = filter_all(&client, "", 100).await;
    assert_eq!(messages(&found), ["a minute old"]);
    let groups = client
        .describe_log_groups()
        .log_group_name_prefix(GROUP)
        .send()
        .await
        .unwrap();
    assert_eq!(groups.log_groups()[0].retention_in_days(), Some(1));
    client
        .delete_retention_policy()
        .log_group_name(GROUP)
        .send()
        .await
        .unwrap();
    let groups = client
        .describe_log_groups()
        .log_group_name_prefix(GROUP)
        .send()
        .await
        .unwrap();
    assert_eq!(groups.log_groups()[0].retention_in_days(), None);
}

/// 200 lines of 300 fields (`w0 .. w298`, then END on even lines and NOPE on odd ones), and a
/// space-delimited pattern with 21 `...`s that matches the even ones: trying every layout of it
/// (what the store did before) takes longer than anyone waits.
async fn hostile_pattern_setup(client: &Client) -> (String, Vec<String>) {
    create(client, GROUP, &["long"]).await;
    let now = now_ms();
    let lines: Vec<String> = (0..200)
        .map(|i| {
            let words: Vec<String> = (0..299).map(|w| format!("w{w}")).collect();
            format!("{} {}", words.join(" "), if i % 2 == 0 { "END" } else { "NOPE" })
        })
        .collect();
    let batch: Vec<(i64, &str)> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| (now - 10_000 + i as i64, line.as_str()))
        .collect();
    put(client, "long", events(&batch)).await;
    let mut slots: Vec<String> = (0..20).flat_map(|i| ["...".to_string(), format!("f{i}")]).collect();
    slots.extend(["...".into(), "mark = w150".into(), "...".into(), "last = END".into()]);
    let even = lines.into_iter().step_by(2).collect();
    (format!("[{}]", slots.join(", ")), even)
}

#[tokio::test]
async fn a_pattern_with_many_ellipses_answers_right_and_in_bounded_time() {
    let (client, _service) = local_logs().await;
    let (pattern, even) = hostile_pattern_setup(&client).await;
    // A guard against exponential work, not a speed figure: linear work answers in well under
    // a second, exponential work never.
    let (found, _) = tokio::time::timeout(std::time::Duration::from_secs(60), filter_all(&client, &pattern, 1000))
        .await
        .expect("FilterLogEvents with 21 `...`s must answer");
    assert_eq!(messages(&found), even.iter().map(String::as_str).collect::<Vec<_>>());
    let nothing = pattern.replace("mark = w150", "mark = w300");
    let (found, _) = tokio::time::timeout(std::time::Duration::from_secs(60), filter_all(&client, &nothing, 1000))
        .await
        .expect("FilterLogEvents with 21 `...`s must answer");
    assert!(found.is_empty(), "{} events", found.len());
}

#[tokio::test]
async fn put_log_events_completes_while_a_hostile_filter_runs() {
    let (client, _service) = local_logs().await;
    let (pattern, _) = hostile_pattern_setup(&client).await;
    let writer = client.clone();
    // A pattern that matches nothing makes the filter look at every layout of every line.
    let hostile = pattern.replace("last = END", "last = NEVER");
    let filter = tokio::spawn(async move { filter_all(&client, &hostile, 1000).await.0.len() });
    // Writes keep coming while the filter runs, as the function's log output does; each must
    // be stored without waiting for the filter.
    let started = std::time::Instant::now();
    let mut writes = 0;
    while writes < 3 || (!filter.is_finished() && started.elapsed() < std::time::Duration::from_secs(3)) {
        let write = writer
            .put_log_events()
            .log_group_name(GROUP)
            .log_stream_name("long")
            .log_events(
                InputLogEvent::builder()
                    .timestamp(now_ms())
                    .message("still logging")
                    .build()
                    .unwrap(),
            )
            .send();
        tokio::time::timeout(std::time::Duration::from_secs(10), write)
            .await
            .expect("PutLogEvents waited for the filter")
            .unwrap();
        writes += 1;
    }
    let matched = tokio::time::timeout(std::time::Duration::from_secs(60), filter)
        .await
        .expect("the hostile filter must answer")
        .unwrap();
    assert_eq!(matched, 0);
}
