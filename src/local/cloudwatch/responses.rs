//! CloudWatch's GetMetricData on the wire: the input as the SDKs send it (the same JSON value
//! whether it came as `awsJson1_0` or as Smithy RPC v2 CBOR), checked by the API reference's
//! rules, and the answer with AWS's member names. Metric math expressions and Metrics Insights
//! queries are not evaluated by the local stack; such a query is refused by name.

use super::errors::CloudWatchError;
use super::models::{check_period, MetricKey, MetricQuery, Statistic, DEFAULT_MAX_DATAPOINTS, MAX_QUERIES};
use super::{now_millis, CloudWatchService};
use crate::wire::AwsError;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

pub(super) fn handle(service: &CloudWatchService, operation: &str, input: Value) -> Result<Value, AwsError> {
    match operation {
        "GetMetricData" => {
            let input: GetMetricDataInput = serde_json::from_value(input).map_err(|e| {
                AwsError::client(
                    "SerializationException",
                    format!("the request does not match GetMetricData's input: {e}"),
                )
            })?;
            Ok(get_metric_data(service, input)?)
        }
        _ => Err(AwsError::unknown_operation("CloudWatch", operation)),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Dimension {
    name: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Metric {
    namespace: Option<String>,
    metric_name: Option<String>,
    #[serde(default)]
    dimensions: Vec<Dimension>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetricStat {
    metric: Option<Metric>,
    period: Option<i64>,
    stat: Option<String>,
    unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetricDataQuery {
    id: Option<String>,
    metric_stat: Option<MetricStat>,
    expression: Option<String>,
    label: Option<String>,
    return_data: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetMetricDataInput {
    metric_data_queries: Option<Vec<MetricDataQuery>>,
    /// Epoch seconds, as both protocols carry a timestamp.
    start_time: Option<f64>,
    end_time: Option<f64>,
    next_token: Option<String>,
    scan_by: Option<String>,
    max_datapoints: Option<i64>,
}

fn missing(parameter: &str) -> CloudWatchError {
    CloudWatchError::MissingParameter(format!("The parameter {parameter} is required."))
}

fn invalid(message: String) -> CloudWatchError {
    CloudWatchError::InvalidParameterValue(message)
}

/// `Id`: "The first character must be a lowercase letter", then letters, digits and
/// underscores, at most 255 (MetricDataQuery API reference).
fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= 255
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A checked query, with what its result is called.
struct Checked {
    id: String,
    label: String,
    query: MetricQuery,
    return_data: bool,
}

fn check_query(index: usize, query: MetricDataQuery, seen: &mut Vec<String>) -> Result<Checked, CloudWatchError> {
    let member = format!("MetricDataQueries.member.{}", index + 1);
    let id = query.id.ok_or_else(|| missing(&format!("{member}.Id")))?;
    if !valid_id(&id) {
        return Err(invalid(format!(
            "The value {id} for parameter {member}.Id is not valid: it must start with a lowercase letter and hold \
             only letters, digits and underscores."
        )));
    }
    if seen.contains(&id) {
        return Err(invalid(format!(
            "The value {id} for parameter {member}.Id is used twice."
        )));
    }
    seen.push(id.clone());
    let stat = match (query.metric_stat, query.expression) {
        (Some(_), Some(_)) => {
            return Err(CloudWatchError::InvalidParameterCombination(format!(
                "{member}: exactly one of MetricStat and Expression must be given."
            )))
        }
        (None, None) => return Err(missing(&format!("{member}.MetricStat"))),
        (None, Some(_)) => {
            return Err(invalid(format!(
                "{member}.Expression: metric math and Metrics Insights expressions are not evaluated by the custctl \
                 local stack; ask for each metric with MetricStat."
            )))
        }
        (Some(stat), None) => stat,
    };
    let metric = stat
        .metric
        .ok_or_else(|| missing(&format!("{member}.MetricStat.Metric")))?;
    let namespace = metric
        .namespace
        .ok_or_else(|| missing(&format!("{member}.MetricStat.Metric.Namespace")))?;
    let name = metric
        .metric_name
        .ok_or_else(|| missing(&format!("{member}.MetricStat.Metric.MetricName")))?;
    let mut dimensions = std::collections::BTreeMap::new();
    for (i, dimension) in metric.dimensions.into_iter().enumerate() {
        let at = format!("{member}.MetricStat.Metric.Dimensions.member.{}", i + 1);
        let key = dimension.name.ok_or_else(|| missing(&format!("{at}.Name")))?;
        let value = dimension.value.ok_or_else(|| missing(&format!("{at}.Value")))?;
        dimensions.insert(key, value);
    }
    let period = stat
        .period
        .ok_or_else(|| missing(&format!("{member}.MetricStat.Period")))?;
    let period_secs = check_period(period, &format!("{member}.MetricStat.Period"))?;
    let stat_text = stat.stat.ok_or_else(|| missing(&format!("{member}.MetricStat.Stat")))?;
    let statistic = Statistic::parse(&stat_text).map_err(|e| invalid(format!("{member}.MetricStat.Stat: {e}")))?;
    Ok(Checked {
        id,
        label: query.label.unwrap_or_else(|| name.clone()),
        query: MetricQuery {
            key: MetricKey {
                namespace,
                name,
                dimensions,
            },
            period_secs,
            statistic,
            unit: stat.unit,
        },
        return_data: query.return_data.unwrap_or(true),
    })
}

/// Epoch seconds to milliseconds; `None` for a time before the epoch or not finite.
fn millis(seconds: f64) -> Option<u64> {
    (seconds.is_finite() && seconds >= 0.0).then(|| (seconds * 1000.0).round() as u64)
}

/// NextToken: how many datapoints the earlier pages returned.
const TOKEN_PREFIX: &str = "custctl-metric-data:";

fn get_metric_data(service: &CloudWatchService, input: GetMetricDataInput) -> Result<Value, CloudWatchError> {
    let queries = input.metric_data_queries.ok_or_else(|| missing("MetricDataQueries"))?;
    if queries.is_empty() || queries.len() > MAX_QUERIES {
        return Err(invalid(format!(
            "The collection MetricDataQueries must hold 1 to {MAX_QUERIES} queries; it holds {}.",
            queries.len()
        )));
    }
    let start = input.start_time.ok_or_else(|| missing("StartTime"))?;
    let end = input.end_time.ok_or_else(|| missing("EndTime"))?;
    let (Some(start), Some(end)) = (millis(start), millis(end)) else {
        return Err(invalid("StartTime and EndTime must be times after 1970-01-01.".into()));
    };
    if start >= end {
        return Err(invalid(
            "The parameter StartTime must be less than the parameter EndTime.".into(),
        ));
    }
    let descending = match input.scan_by.as_deref() {
        None | Some("TimestampDescending") => true,
        Some("TimestampAscending") => false,
        Some(other) => {
            return Err(invalid(format!(
                "The value {other} for parameter ScanBy is not valid: use TimestampDescending or TimestampAscending."
            )))
        }
    };
    let max_datapoints = match input.max_datapoints {
        None => DEFAULT_MAX_DATAPOINTS,
        Some(n) if n >= 1 => n as u64,
        Some(n) => {
            return Err(invalid(format!(
                "The value {n} for parameter MaxDatapoints must be at least 1."
            )))
        }
    };
    let offset = match input.next_token.as_deref() {
        None | Some("") => 0,
        Some(token) => BASE64
            .decode(token)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| text.strip_prefix(TOKEN_PREFIX)?.parse::<u64>().ok())
            .ok_or_else(|| {
                CloudWatchError::InvalidNextToken("The NextToken is not one this endpoint returned.".into())
            })?,
    };
    let mut seen = Vec::new();
    let checked = queries
        .into_iter()
        .enumerate()
        .map(|(i, q)| check_query(i, q, &mut seen))
        .collect::<Result<Vec<_>, _>>()?;

    // The gauges' newest sample is taken now, so that a status read sees the queue as it is.
    let now = now_millis();
    service.sample_gauges(now);
    let store = service.store();
    let mut skipped = 0u64;
    let mut returned = 0u64;
    let mut more = false;
    let mut results = Vec::new();
    for query in checked.into_iter().filter(|q| q.return_data) {
        let mut points = store.datapoints(&query.query, start, end);
        if descending {
            points.reverse();
        }
        let skip = (offset.saturating_sub(skipped)).min(points.len() as u64) as usize;
        skipped += skip as u64;
        let room = (max_datapoints - returned) as usize;
        let page: Vec<(u64, f64)> = points[skip..].iter().take(room).copied().collect();
        returned += page.len() as u64;
        let partial = skip + page.len() < points.len();
        more |= partial;
        results.push(json!({
            "Id": query.id,
            "Label": query.label,
            "Timestamps": page.iter().map(|(at, _)| Value::from(at / 1000)).collect::<Vec<_>>(),
            "Values": page.iter().map(|(_, value)| Value::from(*value)).collect::<Vec<_>>(),
            "StatusCode": if partial { "PartialData" } else { "Complete" },
        }));
    }
    let mut output = json!({"MetricDataResults": results, "Messages": []});
    if more {
        output["NextToken"] = BASE64.encode(format!("{TOKEN_PREFIX}{}", offset + returned)).into();
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(service: &CloudWatchService, input: Value) -> Result<Value, AwsError> {
        handle(service, "GetMetricData", input)
    }

    fn query(id: &str, stat: &str) -> Value {
        json!({"Id": id, "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations",
               "Dimensions": [{"Name": "FunctionName", "Value": "f"}]}, "Period": 60, "Stat": stat}})
    }

    #[test]
    fn answers_each_query_with_its_datapoints_newest_first_and_pages() {
        let service = CloudWatchService::new();
        let key = MetricKey::new("AWS/Lambda", "Invocations", &[("FunctionName", "f")]);
        let t0 = 1_700_000_040_000u64;
        for minute in 0..3 {
            service.observe(key.clone(), "Count", 1.0, t0 + minute * 60_000);
        }
        let window = json!({"StartTime": t0 as f64 / 1000.0, "EndTime": (t0 + 600_000) as f64 / 1000.0});
        let mut input = json!({"MetricDataQueries": [query("a", "Sum"), query("b", "SampleCount")]});
        input
            .as_object_mut()
            .unwrap()
            .extend(window.as_object().unwrap().clone());
        let out = call(&service, input.clone()).unwrap();
        let a = &out["MetricDataResults"][0];
        assert_eq!(a["Label"], "Invocations");
        assert_eq!(a["StatusCode"], "Complete");
        assert_eq!(a["Values"], json!([1.0, 1.0, 1.0]));
        let first = t0 / 1000;
        assert_eq!(a["Timestamps"], json!([first + 120, first + 60, first]));
        assert!(out.get("NextToken").is_none());

        input["MaxDatapoints"] = 4.into();
        let page = call(&service, input.clone()).unwrap();
        assert_eq!(page["MetricDataResults"][1]["StatusCode"], "PartialData");
        input["NextToken"] = page["NextToken"].clone();
        let rest = call(&service, input.clone()).unwrap();
        assert_eq!(rest["MetricDataResults"][0]["Values"], json!([]));
        assert_eq!(rest["MetricDataResults"][1]["Values"], json!([1.0, 1.0]));
        input["NextToken"] = "junk".into();
        assert_eq!(call(&service, input).unwrap_err().short_code(), "InvalidNextToken");
    }

    #[test]
    fn bad_input_gets_awss_errors() {
        let service = CloudWatchService::new();
        let window = |mut v: Value| {
            v["StartTime"] = 1_700_000_000.into();
            v["EndTime"] = 1_700_000_600.into();
            v
        };
        let code = |v: Value| call(&service, v).unwrap_err().query_error.unwrap();
        assert_eq!(code(json!({})), "MissingParameter;Sender");
        assert_eq!(
            code(window(json!({"MetricDataQueries": [query("A", "Sum")]}))),
            "InvalidParameterValue;Sender"
        );
        assert_eq!(
            code(window(
                json!({"MetricDataQueries": [query("a", "Sum"), query("a", "Sum")]})
            )),
            "InvalidParameterValue;Sender"
        );
        assert_eq!(
            code(window(json!({"MetricDataQueries": [query("a", "p101")]}))),
            "InvalidParameterValue;Sender"
        );
        let mut both = query("a", "Sum");
        both["Expression"] = "SUM(METRICS())".into();
        assert_eq!(
            code(window(json!({"MetricDataQueries": [both]}))),
            "InvalidParameterCombination;Sender"
        );
        let backwards = json!({"MetricDataQueries": [query("a", "Sum")], "StartTime": 10, "EndTime": 5});
        let err = call(&service, backwards).unwrap_err();
        assert_eq!(
            err.message,
            "The parameter StartTime must be less than the parameter EndTime."
        );
        assert_eq!(err.code, "com.amazonaws.cloudwatch#InvalidParameterValueException");
    }
}
