//! The function's invocations, errors, throttles and duration percentiles over the window,
//! and each queue's age of the oldest message: one CloudWatch `GetMetricData` call. Where it
//! fails (no permission, an endpoint that does not answer it) or has no datapoint for the
//! function, the invocation figures come from the REPORT lines of the function's log group
//! instead (as `custctl logs --summary` reads them), and the report says which source it used.

use super::report::MetricsStatus;
use crate::aws;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use std::collections::HashMap;

/// What to ask CloudWatch about.
#[derive(Debug, Clone)]
pub struct MetricTargets {
    pub function: String,
    pub log_group: String,
    /// Queue names (the queues and their DLQs).
    pub queues: Vec<String>,
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Pages of GetMetricData read at most: a handful of series fits in one.
const MAX_PAGES: usize = 10;

/// The window's length as a GetMetricData period, so each figure is one datapoint: whole
/// minutes, and whole hours for a window reaching back more than 15 days, where CloudWatch
/// wants periods that are multiples of 300 s (to 63 days) or 3600 s (beyond)
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html).
fn window_period(start_ms: i64, end_ms: i64) -> i32 {
    let seconds = (end_ms - start_ms).max(1000) / 1000;
    let unit = if seconds > 15 * 24 * 3600 { 3600 } else { 60 };
    let periods = (seconds + unit - 1) / unit;
    i32::try_from(periods * unit).unwrap_or(i32::MAX - (i32::MAX % 3600))
}

fn query(id: &str, namespace: &str, metric: &str, dimension: (&str, &str), period: i32, stat: &str) -> MetricDataQuery {
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
                .period(period)
                .stat(stat)
                .build(),
        )
        .return_data(true)
        .build()
}

/// Each query's values, newest first.
async fn metric_data(
    client: &aws_sdk_cloudwatch::Client,
    queries: Vec<MetricDataQuery>,
    start_ms: i64,
    end_ms: i64,
) -> Result<HashMap<String, Vec<f64>>, String> {
    let mut values: HashMap<String, Vec<f64>> = HashMap::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .get_metric_data()
            .set_metric_data_queries(Some(queries.clone()))
            .start_time(DateTime::from_millis(start_ms))
            .end_time(DateTime::from_millis(end_ms))
            .scan_by(ScanBy::TimestampDescending)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| format!("GetMetricData: {}", aws::describe_sdk_error(&e)))?;
        for result in page.metric_data_results() {
            if let Some(id) = result.id() {
                values.entry(id.to_string()).or_default().extend(result.values());
            }
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(values)
}

/// The function's figures and the queues' ages (by queue name; absent where CloudWatch has
/// none).
pub async fn gather(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    logs: &aws_sdk_cloudwatchlogs::Client,
    targets: &MetricTargets,
) -> (MetricsStatus, HashMap<String, f64>) {
    // The window's figures as one datapoint each; the ages as the newest minute's maximum,
    // read over the last 15 minutes of the window (SQS sends them once a minute).
    let period = window_period(targets.start_ms, targets.end_ms);
    let function = ("FunctionName", targets.function.as_str());
    let mut queries = vec![
        query("invocations", "AWS/Lambda", "Invocations", function, period, "Sum"),
        query("errors", "AWS/Lambda", "Errors", function, period, "Sum"),
        query("throttles", "AWS/Lambda", "Throttles", function, period, "Sum"),
        query("p50", "AWS/Lambda", "Duration", function, period, "p50"),
        query("p95", "AWS/Lambda", "Duration", function, period, "p95"),
    ];
    for (index, queue) in targets.queues.iter().enumerate() {
        queries.push(query(
            &format!("age{index}"),
            "AWS/SQS",
            "ApproximateAgeOfOldestMessage",
            ("QueueName", queue),
            60,
            "Maximum",
        ));
    }
    // Align the end on a minute, so the one window-long period is not split in two.
    let end_ms = (targets.end_ms + 59_999) / 60_000 * 60_000;
    let start_ms = end_ms - i64::from(period) * 1000;
    let answer = metric_data(cloudwatch, queries, start_ms, end_ms).await;

    let mut ages = HashMap::new();
    let why_not = match answer {
        Ok(values) => {
            for (index, queue) in targets.queues.iter().enumerate() {
                if let Some(newest) = values.get(&format!("age{index}")).and_then(|v| v.first()) {
                    ages.insert(queue.clone(), *newest);
                }
            }
            let sum = |id: &str| {
                values
                    .get(id)
                    .filter(|v| !v.is_empty())
                    .map(|v| v.iter().sum::<f64>() as u64)
            };
            // A window split over two periods has two percentiles: the larger one is kept, the
            // figure that would set off an alarm.
            let largest = |id: &str| values.get(id).and_then(|v| v.iter().copied().reduce(f64::max));
            match sum("invocations") {
                Some(invocations) => {
                    let status = MetricsStatus {
                        source: "cloudwatch",
                        note: None,
                        invocations: Some(invocations),
                        errors: Some(sum("errors").unwrap_or(0)),
                        throttles: Some(sum("throttles").unwrap_or(0)),
                        duration_p50_ms: largest("p50"),
                        duration_p95_ms: largest("p95"),
                    };
                    return (status, ages);
                }
                None => "CloudWatch has no Invocations datapoint for the window".to_string(),
            }
        }
        Err(why) => why,
    };
    (from_logs(logs, targets, why_not).await, ages)
}

/// The figures from the log group's REPORT lines; `why` says why CloudWatch's were not used.
async fn from_logs(logs: &aws_sdk_cloudwatchlogs::Client, targets: &MetricTargets, why: String) -> MetricsStatus {
    match crate::commands::logs::report_summary(logs, &targets.log_group, targets.start_ms, targets.end_ms).await {
        Ok(summary) => MetricsStatus {
            source: "logs",
            note: Some(why),
            invocations: Some(summary.invocations),
            errors: Some(summary.errors),
            throttles: None,
            duration_p50_ms: summary.duration_ms.p50,
            duration_p95_ms: summary.duration_ms.p95,
        },
        Err(error) => MetricsStatus {
            source: "none",
            note: Some(format!(
                "{why}; the log group {} could not be read either: {error:#}",
                targets.log_group
            )),
            ..MetricsStatus::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_one_period_of_whole_minutes() {
        assert_eq!(window_period(0, 3_600_000), 3600);
        assert_eq!(window_period(0, 61_000), 120);
        assert_eq!(window_period(0, 0), 60);
        assert_eq!(window_period(0, 20 * 24 * 3_600_000 + 1000), 20 * 24 * 3600 + 3600);
        assert_eq!(window_period(0, i64::MAX / 2) % 3600, 0);
    }
}
