//! The CloudWatch Logs wire format (`awsJson1_1`, `X-Amz-Target: Logs_20140328.<Operation>`):
//! reads each operation's JSON input with AWS's member names, asks the models, and writes the
//! answer with AWS's member names and ARNs. Optional members AWS leaves out are left out, not
//! sent as null.

use super::errors::LogsError;
use super::filter::FilterPattern;
use super::models::{
    filter_events, FilterQuery, GetQuery, GroupQuery, LogGroup, LogStream, StreamOrder, StreamQuery,
    MAX_EVENTS_PER_PAGE,
};
use super::{now_ms, LogsService};
use crate::wire::AwsError;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The most log groups and streams one Describe call returns.
const MAX_DESCRIBE_LIMIT: usize = 50;
const MAX_FILTER_PATTERN_CHARS: usize = 1024;
const MAX_FILTER_STREAM_NAMES: usize = 100;
/// FilterLogEvents only reads backwards from 2024-01-01T00:00:00Z on.
const NEWEST_FIRST_SINCE_MS: i64 = 1_704_067_200_000;

impl LogsService {
    /// Runs one operation; `input` is the request body.
    pub(super) fn dispatch(&self, operation: &str, input: Value) -> Result<Value, AwsError> {
        match operation {
            "CreateLogGroup" => self.create_log_group(parse(input)?),
            "DeleteLogGroup" => self.delete_log_group(parse(input)?),
            "DescribeLogGroups" => self.describe_log_groups(parse(input)?),
            "CreateLogStream" => self.create_log_stream(parse(input)?),
            "DeleteLogStream" => self.delete_log_stream(parse(input)?),
            "DescribeLogStreams" => self.describe_log_streams(parse(input)?),
            "PutLogEvents" => self.put_log_events(parse(input)?),
            "GetLogEvents" => self.get_log_events(parse(input)?),
            "FilterLogEvents" => self.filter_log_events(parse(input)?),
            "PutRetentionPolicy" => self.put_retention_policy(parse(input)?),
            "DeleteRetentionPolicy" => self.delete_retention_policy(parse(input)?),
            _ => Err(AwsError::unknown_operation("CloudWatch Logs", operation)),
        }
    }

    fn create_log_group(&self, input: CreateLogGroupInput) -> Result<Value, AwsError> {
        let name = required(input.log_group_name, "logGroupName")?;
        self.lock()
            .create_group(&name, input.log_group_class.as_deref(), now_ms())?;
        Ok(json!({}))
    }

    fn put_retention_policy(&self, input: RetentionInput) -> Result<Value, AwsError> {
        let name = required(input.log_group_name, "logGroupName")?;
        let days = required(input.retention_in_days, "retentionInDays")?;
        self.lock().put_retention(&name, days, now_ms())?;
        Ok(json!({}))
    }

    fn delete_retention_policy(&self, input: GroupInput) -> Result<Value, AwsError> {
        let name = required(input.log_group_name, "logGroupName")?;
        self.lock().delete_retention(&name)?;
        Ok(json!({}))
    }

    fn delete_log_group(&self, input: GroupInput) -> Result<Value, AwsError> {
        let name = required(input.log_group_name, "logGroupName")?;
        self.lock().delete_group(&name)?;
        Ok(json!({}))
    }

    fn describe_log_groups(&self, input: DescribeLogGroupsInput) -> Result<Value, AwsError> {
        if input.log_group_name_prefix.is_some() && input.log_group_name_pattern.is_some() {
            return Err(LogsError::InvalidParameter(
                "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.".into(),
            )
            .into());
        }
        let names_only = input.log_group_name_pattern.is_some();
        let query = GroupQuery {
            name_prefix: input.log_group_name_prefix,
            name_pattern: input.log_group_name_pattern,
            log_group_class: input.log_group_class,
            names: input
                .log_group_identifiers
                .map(|ids| ids.iter().map(|id| group_name_of(id)).collect()),
            limit: limit(input.limit, MAX_DESCRIBE_LIMIT, MAX_DESCRIBE_LIMIT)?,
            next_token: input.next_token,
        };
        let store = self.lock();
        let page = store.describe_groups(&query)?;
        let groups: Vec<Value> = page.groups.iter().map(|g| self.render_group(g, names_only)).collect();
        Ok(with_token(json!({ "logGroups": groups }), "nextToken", page.next_token))
    }

    fn create_log_stream(&self, input: StreamInput) -> Result<Value, AwsError> {
        let group = required(input.log_group_name, "logGroupName")?;
        let stream = required(input.log_stream_name, "logStreamName")?;
        self.lock().create_stream(&group, &stream, now_ms())?;
        Ok(json!({}))
    }

    fn delete_log_stream(&self, input: StreamInput) -> Result<Value, AwsError> {
        let group = required(input.log_group_name, "logGroupName")?;
        let stream = required(input.log_stream_name, "logStreamName")?;
        self.lock().delete_stream(&group, &stream)?;
        Ok(json!({}))
    }

    fn describe_log_streams(&self, input: DescribeLogStreamsInput) -> Result<Value, AwsError> {
        let group = group_name(input.log_group_name, input.log_group_identifier)?;
        let order = match input.order_by.as_deref() {
            None | Some("LogStreamName") => StreamOrder::LogStreamName,
            Some("LastEventTime") => StreamOrder::LastEventTime,
            Some(other) => {
                return Err(LogsError::validation(
                    other,
                    "orderBy",
                    "Member must satisfy enum value set: [LogStreamName, LastEventTime]",
                )
                .into())
            }
        };
        let query = StreamQuery {
            name_prefix: input.log_stream_name_prefix,
            order,
            descending: input.descending.unwrap_or(false),
            limit: limit(input.limit, MAX_DESCRIBE_LIMIT, MAX_DESCRIBE_LIMIT)?,
            next_token: input.next_token,
        };
        let store = self.lock();
        let page = store.describe_streams(&group, &query)?;
        let streams: Vec<Value> = page.streams.iter().map(|s| self.render_stream(&group, s)).collect();
        Ok(with_token(
            json!({ "logStreams": streams }),
            "nextToken",
            page.next_token,
        ))
    }

    fn put_log_events(&self, input: PutLogEventsInput) -> Result<Value, AwsError> {
        let group = required(input.log_group_name, "logGroupName")?;
        let stream = required(input.log_stream_name, "logStreamName")?;
        let log_events = required(input.log_events, "logEvents")?;
        let mut events = Vec::with_capacity(log_events.len());
        for (i, event) in log_events.into_iter().enumerate() {
            let timestamp = required(event.timestamp, &format!("logEvents.{}.member.timestamp", i + 1))?;
            let message = required(event.message, &format!("logEvents.{}.member.message", i + 1))?;
            events.push((timestamp, message));
        }
        let outcome = {
            let mut store = self.lock();
            let now = now_ms();
            let mut outcome = store.put_events(&group, &stream, events, now)?;
            self.publish(std::mem::take(&mut outcome.stored));
            self.maintain(&mut store, now);
            outcome
        };
        let mut body = json!({ "nextSequenceToken": outcome.next_sequence_token });
        if !outcome.rejected.is_empty() {
            let mut info = Map::new();
            if let Some(index) = outcome.rejected.too_new_start_index {
                info.insert("tooNewLogEventStartIndex".into(), index.into());
            }
            if let Some(index) = outcome.rejected.too_old_end_index {
                info.insert("tooOldLogEventEndIndex".into(), index.into());
            }
            body["rejectedLogEventsInfo"] = Value::Object(info);
        }
        Ok(body)
    }

    fn get_log_events(&self, input: GetLogEventsInput) -> Result<Value, AwsError> {
        let group = group_name(input.log_group_name, input.log_group_identifier)?;
        let stream = required(input.log_stream_name, "logStreamName")?;
        let query = GetQuery {
            start_time: time(input.start_time, "startTime")?,
            end_time: time(input.end_time, "endTime")?,
            start_from_head: input.start_from_head.unwrap_or(false),
            limit: input
                .limit
                .map(|l| limit(Some(l), MAX_EVENTS_PER_PAGE, MAX_EVENTS_PER_PAGE))
                .transpose()?,
            next_token: input.next_token,
        };
        let store = self.lock();
        let page = store.get_events(&group, &stream, &query)?;
        let events: Vec<Value> = page
            .events
            .iter()
            .map(|e| json!({ "timestamp": e.timestamp, "message": e.message, "ingestionTime": e.ingestion_time }))
            .collect();
        Ok(json!({
            "events": events,
            "nextForwardToken": page.next_forward_token,
            "nextBackwardToken": page.next_backward_token,
        }))
    }

    fn filter_log_events(&self, input: FilterLogEventsInput) -> Result<Value, AwsError> {
        let group = group_name(input.log_group_name, input.log_group_identifier)?;
        if let Some(names) = &input.log_stream_names {
            if names.is_empty() || names.len() > MAX_FILTER_STREAM_NAMES {
                return Err(LogsError::validation(
                    format!("[{} names]", names.len()),
                    "logStreamNames",
                    "Member must have length between 1 and 100",
                )
                .into());
            }
        }
        let pattern_text = input.filter_pattern.unwrap_or_default();
        if pattern_text.chars().count() > MAX_FILTER_PATTERN_CHARS {
            return Err(LogsError::validation(
                &pattern_text,
                "filterPattern",
                "Member must have length less than or equal to 1024",
            )
            .into());
        }
        let pattern = FilterPattern::parse(&pattern_text).map_err(|e| LogsError::InvalidParameter(e.to_string()))?;
        let start_time = time(input.start_time, "startTime")?;
        let start_from_head = input.start_from_head.unwrap_or(true);
        if !start_from_head && start_time.is_some_and(|t| t < NEWEST_FIRST_SINCE_MS) {
            return Err(LogsError::InvalidParameter(
                "startFromHead=false is only supported with a startTime on or after 2024-01-01T00:00:00Z.".into(),
            )
            .into());
        }
        let query = FilterQuery {
            stream_names: input.log_stream_names,
            stream_name_prefix: input.log_stream_name_prefix,
            start_time,
            end_time: time(input.end_time, "endTime")?,
            pattern: &pattern,
            limit: limit(input.limit, MAX_EVENTS_PER_PAGE, MAX_EVENTS_PER_PAGE)?,
            start_from_head,
            next_token: input.next_token,
        };
        // The store is locked only to copy candidate events out; the pattern, whose cost the
        // caller chooses, is tested without the lock that the function's log writer needs.
        let page = filter_events(|| self.lock(), &group, &query)?;
        let events: Vec<Value> = page
            .events
            .into_iter()
            .map(|f| {
                json!({
                    "logStreamName": f.stream,
                    "timestamp": f.event.timestamp,
                    "message": f.event.message,
                    "ingestionTime": f.event.ingestion_time,
                    "eventId": f.event_id,
                })
            })
            .collect();
        // AWS stopped reporting searched streams in 2020 and always sends an empty list.
        let body = json!({ "events": events, "searchedLogStreams": [] });
        Ok(with_token(body, "nextToken", page.next_token))
    }

    fn render_group(&self, group: &LogGroup, names_only: bool) -> Value {
        let arn = self.group_arn(group.name());
        // AWS's `arn` ends in `:*` (the form IAM policies use); `logGroupArn` does not.
        let mut value = json!({
            "logGroupName": group.name(),
            "creationTime": group.creation_time(),
            "arn": format!("{arn}:*"),
        });
        if !names_only {
            value["metricFilterCount"] = 0.into();
            value["storedBytes"] = group.stored_bytes().into();
            value["logGroupClass"] = group.log_group_class().into();
            value["logGroupArn"] = arn.into();
            if let Some(days) = group.retention_in_days() {
                value["retentionInDays"] = days.into();
            }
        }
        value
    }

    fn render_stream(&self, group: &str, stream: &LogStream) -> Value {
        let mut value = json!({
            "logStreamName": stream.name(),
            "creationTime": stream.creation_time(),
            "arn": format!("{}:log-stream:{}", self.group_arn(group), stream.name()),
            "uploadSequenceToken": stream.sequence_token(),
            // AWS reports 0 for streams since 2019.
            "storedBytes": 0,
        });
        let optional = [
            ("firstEventTimestamp", stream.first_event_timestamp()),
            ("lastEventTimestamp", stream.last_event_timestamp()),
            ("lastIngestionTime", stream.last_ingestion_time()),
        ];
        for (member, time) in optional {
            if let Some(time) = time {
                value[member] = time.into();
            }
        }
        value
    }
}

fn parse<T: DeserializeOwned>(input: Value) -> Result<T, AwsError> {
    serde_json::from_value(input).map_err(|e| AwsError::client("SerializationException", e.to_string()))
}

fn required<T>(value: Option<T>, member: &str) -> Result<T, LogsError> {
    value.ok_or_else(|| LogsError::missing(member))
}

/// The group named by `logGroupName` or `logGroupIdentifier` (a name or an ARN); exactly one.
fn group_name(name: Option<String>, identifier: Option<String>) -> Result<String, LogsError> {
    match (name, identifier) {
        (Some(_), Some(_)) => Err(LogsError::InvalidParameter(
            "LogGroup name and LogGroup ARN are mutually exclusive parameters.".into(),
        )),
        (Some(name), None) => Ok(name),
        (None, Some(identifier)) => Ok(group_name_of(&identifier)),
        (None, None) => Err(LogsError::InvalidParameter(
            "Either logGroupName or logGroupIdentifier must be specified.".into(),
        )),
    }
}

/// A log group name from a name or an ARN (`arn:aws:logs:…:log-group:NAME`, maybe with `:*`).
pub(super) fn group_name_of(identifier: &str) -> String {
    match identifier
        .strip_prefix("arn:")
        .and_then(|arn| arn.split_once(":log-group:"))
    {
        Some((_, name)) => name.strip_suffix(":*").unwrap_or(name).to_string(),
        None => identifier.to_string(),
    }
}

fn limit(value: Option<i64>, max: usize, default: usize) -> Result<usize, LogsError> {
    match value {
        None => Ok(default),
        Some(v) if v < 1 => Err(LogsError::validation(
            v,
            "limit",
            "Member must have value greater than or equal to 1",
        )),
        Some(v) => match usize::try_from(v) {
            Ok(v) if v <= max => Ok(v),
            _ => Err(LogsError::validation(
                v,
                "limit",
                &format!("Member must have value less than or equal to {max}"),
            )),
        },
    }
}

fn time(value: Option<i64>, member: &str) -> Result<Option<i64>, LogsError> {
    match value {
        Some(t) if t < 0 => Err(LogsError::validation(
            t,
            member,
            "Member must have value greater than or equal to 0",
        )),
        other => Ok(other),
    }
}

fn with_token(mut body: Value, member: &str, token: Option<String>) -> Value {
    if let Some(token) = token {
        body[member] = token.into();
    }
    body
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateLogGroupInput {
    log_group_name: Option<String>,
    log_group_class: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupInput {
    log_group_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RetentionInput {
    log_group_name: Option<String>,
    retention_in_days: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StreamInput {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogGroupsInput {
    log_group_name_prefix: Option<String>,
    log_group_name_pattern: Option<String>,
    log_group_class: Option<String>,
    log_group_identifiers: Option<Vec<String>>,
    limit: Option<i64>,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogStreamsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name_prefix: Option<String>,
    order_by: Option<String>,
    descending: Option<bool>,
    limit: Option<i64>,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PutLogEventsInput {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
    log_events: Option<Vec<InputLogEvent>>,
}

#[derive(Deserialize)]
struct InputLogEvent {
    timestamp: Option<i64>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetLogEventsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    next_token: Option<String>,
    limit: Option<i64>,
    start_from_head: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterLogEventsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_names: Option<Vec<String>>,
    log_stream_name_prefix: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    filter_pattern: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
    start_from_head: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_identifiers_are_names_or_arns() {
        assert_eq!(
            group_name_of("/aws/lambda/customer-ingest"),
            "/aws/lambda/customer-ingest"
        );
        assert_eq!(
            group_name_of("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/customer-ingest"),
            "/aws/lambda/customer-ingest"
        );
        assert_eq!(
            group_name_of("arn:aws:logs:us-east-1:000000000000:log-group:app:*"),
            "app"
        );
        assert!(group_name(Some("a".into()), Some("a".into())).is_err());
        assert!(group_name(None, None).is_err());
    }

    #[test]
    fn limits_follow_the_model() {
        assert_eq!(limit(None, 50, 50), Ok(50));
        assert_eq!(limit(Some(1), 50, 50), Ok(1));
        assert!(limit(Some(0), 50, 50).is_err());
        assert!(limit(Some(51), 50, 50).is_err());
        assert!(limit(Some(-5), 10_000, 10_000).is_err());
    }

    #[test]
    fn wire_shapes() {
        let service = LogsService::new("eu-west-1".into());
        let call = |op: &str, input: Value| service.dispatch(op, input);
        call("CreateLogGroup", json!({"logGroupName": "/aws/lambda/f"})).unwrap();
        call(
            "CreateLogStream",
            json!({"logGroupName": "/aws/lambda/f", "logStreamName": "s"}),
        )
        .unwrap();
        let groups = call("DescribeLogGroups", json!({})).unwrap();
        let group = &groups["logGroups"][0];
        assert_eq!(
            group["arn"],
            "arn:aws:logs:eu-west-1:000000000000:log-group:/aws/lambda/f:*"
        );
        assert_eq!(
            group["logGroupArn"],
            "arn:aws:logs:eu-west-1:000000000000:log-group:/aws/lambda/f"
        );
        assert_eq!(group["storedBytes"], 0);
        assert!(groups.get("nextToken").is_none());
        let streams = call("DescribeLogStreams", json!({"logGroupName": "/aws/lambda/f"})).unwrap();
        let stream = &streams["logStreams"][0];
        assert_eq!(
            stream["arn"],
            "arn:aws:logs:eu-west-1:000000000000:log-group:/aws/lambda/f:log-stream:s"
        );
        assert_eq!(stream["storedBytes"], 0);
        assert!(
            stream.get("lastEventTimestamp").is_none(),
            "an empty stream has no event times: {stream}"
        );

        const HOUR: i64 = 3_600_000;
        const FOURTEEN_DAYS: i64 = 14 * 24 * HOUR;
        let now = now_ms();
        let put = call(
            "PutLogEvents",
            json!({"logGroupName": "/aws/lambda/f", "logStreamName": "s", "sequenceToken": "ignored",
                   "logEvents": [{"timestamp": now - FOURTEEN_DAYS - HOUR, "message": "old"},
                                 {"timestamp": now - FOURTEEN_DAYS + HOUR, "message": "ok"}]}),
        )
        .unwrap();
        assert_eq!(put["rejectedLogEventsInfo"], json!({"tooOldLogEventEndIndex": 1}));
        assert!(put["nextSequenceToken"].is_string());

        let filtered = call("FilterLogEvents", json!({"logGroupIdentifier": group["logGroupArn"]})).unwrap();
        assert_eq!(filtered["searchedLogStreams"], json!([]));
        let event = &filtered["events"][0];
        assert_eq!(event["message"], "ok");
        assert_eq!(event["logStreamName"], "s");
        assert_eq!(event["eventId"].as_str().map(str::len), Some(56));

        let err = call(
            "FilterLogEvents",
            json!({"logGroupName": "/aws/lambda/f", "filterPattern": "{ $.a = "}),
        )
        .unwrap_err();
        assert_eq!(err.code, "InvalidParameterException");
        assert!(err.message.starts_with("Invalid filter pattern"), "{}", err.message);
        let err = call("GetLogEvents", json!({"logGroupName": "nope", "logStreamName": "s"})).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.message.as_str()),
            ("ResourceNotFoundException", "The specified log group does not exist.")
        );
        let err = call("PutLogEvents", json!({"logGroupName": 5})).unwrap_err();
        assert_eq!(err.code, "SerializationException");
        let err = call(
            "PutLogEvents",
            json!({"logGroupName": "/aws/lambda/f", "logStreamName": "s"}),
        )
        .unwrap_err();
        assert_eq!(err.code, "InvalidParameterException");
        let err = call("TagResource", json!({})).unwrap_err();
        assert_eq!(err.code, "UnknownOperationException");
    }
}
