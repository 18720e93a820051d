//! CloudWatch GetMetricData against the AWS SDK for Rust (which speaks Smithy RPC v2 CBOR to
//! CloudWatch), as `custctl status` will read it: the function's invocations, errors and
//! duration percentiles, and the queue's counts and depth, each matching what the test did.
//! The JSON protocol (`awsJson1_0`) is checked with a raw request.

use super::served::ServedStack;
use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use aws_sdk_cloudwatch::Client;
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

async fn client(endpoint: &str) -> Client {
    Client::new(&custctl_test_support::sdk_config(endpoint).await)
}

fn query(id: &str, namespace: &str, metric: &str, dimension: (&str, &str), stat: &str) -> MetricDataQuery {
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace(namespace)
                        .metric_name(metric)
                        .dimensions(Dimension::builder().name(dimension.0).value(dimension.1).build())
                        .build(),
                )
                .period(60)
                .stat(stat)
                .build(),
        )
        .build()
}

/// The last ten minutes and the next one, queried: id -> every value (newest first).
async fn values(cloudwatch: &Client, queries: Vec<MetricDataQuery>) -> HashMap<String, Vec<f64>> {
    let now = SystemTime::now();
    let out = cloudwatch
        .get_metric_data()
        .set_metric_data_queries(Some(queries))
        .start_time(DateTime::from(now - Duration::from_secs(600)))
        .end_time(DateTime::from(now + Duration::from_secs(60)))
        .scan_by(ScanBy::TimestampDescending)
        .send()
        .await
        .unwrap();
    out.metric_data_results()
        .iter()
        .map(|r| {
            assert_eq!(r.timestamps().len(), r.values().len());
            assert_eq!(r.status_code().map(|s| s.as_str()), Some("Complete"));
            (r.id().unwrap().to_string(), r.values().to_vec())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambda_metrics_match_what_was_invoked() {
    let stack = ServedStack::start().await;
    let cloudwatch = client(&stack.endpoint).await;
    let function = ("FunctionName", super::served::FUNCTION);
    let mut durations = Vec::new();
    let mut errors = 0;
    for _ in 0..6 {
        let record = stack.function.invoke(axum::body::Bytes::from_static(b"{}")).await;
        durations.push(record.duration.as_secs_f64() * 1000.0);
        errors += usize::from(matches!(
            record.result,
            custctl_local::lambda::instance::InvocationResult::FunctionError { .. }
        ));
    }
    let got = values(
        &cloudwatch,
        vec![
            query("invocations", "AWS/Lambda", "Invocations", function, "Sum"),
            query("errors", "AWS/Lambda", "Errors", function, "Sum"),
            query("throttles", "AWS/Lambda", "Throttles", function, "Sum"),
            query("count", "AWS/Lambda", "Duration", function, "SampleCount"),
            query("p50", "AWS/Lambda", "Duration", function, "p50"),
            query("p95", "AWS/Lambda", "Duration", function, "p95"),
            query("max", "AWS/Lambda", "Duration", function, "Maximum"),
            query("concurrency", "AWS/Lambda", "ConcurrentExecutions", function, "Maximum"),
        ],
    )
    .await;
    let total = |id: &str| got[id].iter().sum::<f64>();
    assert_eq!(total("invocations"), 6.0);
    assert_eq!(total("errors"), errors as f64);
    assert_eq!(total("count"), 6.0);
    assert!(got["throttles"].is_empty(), "the local function is never throttled");
    assert_eq!(got["concurrency"].iter().copied().fold(0.0, f64::max), 1.0);
    // Within one minute, the percentiles are those of the six durations (nearest rank).
    if got["p50"].len() == 1 {
        durations.sort_by(f64::total_cmp);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
        assert!(close(got["p50"][0], durations[2]), "{:?} vs {durations:?}", got["p50"]);
        assert!(close(got["p95"][0], durations[5]));
        assert!(close(got["max"][0], durations[5]));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_metrics_match_what_was_sent_received_and_deleted() {
    let stack = ServedStack::start().await;
    let cloudwatch = client(&stack.endpoint).await;
    let sqs = aws_sdk_sqs::Client::new(&custctl_test_support::sdk_config(&stack.endpoint).await);
    let url = sqs
        .create_queue()
        .queue_name("metered")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for i in 0..7 {
        sqs.send_message()
            .queue_url(&url)
            .message_body(format!("m{i}"))
            .send()
            .await
            .unwrap();
    }
    let received = sqs
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(3)
        .visibility_timeout(600)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap();
    assert_eq!(received.len(), 3);
    for message in &received[..2] {
        sqs.delete_message()
            .queue_url(&url)
            .receipt_handle(message.receipt_handle.clone().unwrap())
            .send()
            .await
            .unwrap();
    }
    let queue = ("QueueName", "metered");
    let got = values(
        &cloudwatch,
        vec![
            query("sent", "AWS/SQS", "NumberOfMessagesSent", queue, "Sum"),
            query("received", "AWS/SQS", "NumberOfMessagesReceived", queue, "Sum"),
            query("deleted", "AWS/SQS", "NumberOfMessagesDeleted", queue, "Sum"),
            query(
                "visible",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                queue,
                "Maximum",
            ),
            query(
                "in_flight",
                "AWS/SQS",
                "ApproximateNumberOfMessagesNotVisible",
                queue,
                "Maximum",
            ),
            query("age", "AWS/SQS", "ApproximateAgeOfOldestMessage", queue, "Maximum"),
        ],
    )
    .await;
    let total = |id: &str| got[id].iter().sum::<f64>();
    assert_eq!((total("sent"), total("received"), total("deleted")), (7.0, 3.0, 2.0));
    // The newest sample (taken for this read) is the queue as it is now.
    assert_eq!(got["visible"][0], 4.0);
    assert_eq!(got["in_flight"][0], 1.0);
    assert!(got["age"][0] < 60.0, "{:?}", got["age"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_queries_get_awss_errors_and_json_speaks_too() {
    let stack = ServedStack::start().await;
    let cloudwatch = client(&stack.endpoint).await;
    let now = SystemTime::now();
    let err = cloudwatch
        .get_metric_data()
        .metric_data_queries(query("a", "AWS/Lambda", "Invocations", ("FunctionName", "f"), "Sum"))
        .start_time(DateTime::from(now))
        .end_time(DateTime::from(now - Duration::from_secs(60)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterValue"));
    assert_eq!(
        err.message(),
        Some("The parameter StartTime must be less than the parameter EndTime.")
    );
    let err = cloudwatch
        .get_metric_data()
        .metric_data_queries(query(
            "Upper",
            "AWS/Lambda",
            "Invocations",
            ("FunctionName", "f"),
            "p999",
        ))
        .start_time(DateTime::from(now - Duration::from_secs(60)))
        .end_time(DateTime::from(now))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterValue"));
    assert!(
        err.message().unwrap().contains("MetricDataQueries.member.1.Id"),
        "{err:?}"
    );

    // awsJson1_0, as other SDKs may send it: the same service behind X-Amz-Target.
    let address = stack.endpoint.trim_start_matches("http://");
    let body = serde_json::json!({
        "MetricDataQueries": [{"Id": "a", "MetricStat": {"Metric": {"Namespace": "AWS/SQS",
            "MetricName": "NumberOfMessagesSent", "Dimensions": [{"Name": "QueueName", "Value": "q"}]},
            "Period": 60, "Stat": "Sum"}}],
        "StartTime": 1_700_000_000, "EndTime": 1_700_000_600,
    })
    .to_string();
    let headers = "Content-Type: application/x-amz-json-1.0\r\n\
                   X-Amz-Target: GraniteServiceVersion20100801.GetMetricData\r\n";
    let (head, body) = super::served::raw_post(address, headers, &body).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["MetricDataResults"][0]["Id"], "a");
    assert_eq!(answer["MetricDataResults"][0]["Values"], serde_json::json!([]));
}
