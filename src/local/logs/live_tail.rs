//! StartLiveTail: a session that streams the log events stored from now on, as CloudWatch Logs
//! does, over the AWS event stream encoding (`application/vnd.amazon.eventstream`): the
//! `initial-response` event of the JSON protocols' event streams (boto3 and the AWS CLI refuse a
//! stream without it: "First event was not of type initial-response"), one `sessionStart` event,
//! then `sessionUpdate` events carrying the matching events as they are stored, and an exception
//! event when the session ends.
//!
//! AWS's limits are kept, because they are what a client has to cope with: above
//! [`MAX_EVENTS_PER_SECOND`] the updates are sampled (`sessionMetadata.sampled`), a reader too
//! slow to keep up loses events (also reported as sampled here), and a session ends after its
//! maximum duration with `SessionTimeoutException` (3 hours on AWS; `custctl local up
//! --live-tail-session-limit` shortens it, so that clients can be tested against the end of a
//! session).

use super::errors::LogsError;
use super::filter::FilterPattern;
use super::models::StoredEvent;
use super::LogsService;
use crate::gateway::StreamingOperation;
use crate::wire::{request_id, AwsError};
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};
use tokio::time::Instant;

/// The event rate above which AWS samples a session's updates.
pub const MAX_EVENTS_PER_SECOND: usize = 500;
/// How long AWS keeps a session open.
pub const AWS_SESSION_LIMIT: Duration = Duration::from_secs(3 * 60 * 60);
/// At most this many log groups per session.
const MAX_GROUPS: usize = 10;
/// An update goes out at least this often, empty when nothing matched: it tells the client the
/// session is alive.
const HEARTBEAT: Duration = Duration::from_secs(1);
/// Events stored within this long of each other go out in one update.
const COALESCE: Duration = Duration::from_millis(20);

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartLiveTailInput {
    log_group_identifiers: Option<Vec<String>>,
    log_stream_names: Option<Vec<String>>,
    log_stream_name_prefixes: Option<Vec<String>>,
    log_event_filter_pattern: Option<String>,
}

/// What one session selects, checked as AWS checks it.
struct Selection {
    /// Group names, each with the identifier the client gave (echoed in the events).
    groups: Vec<(String, String)>,
    stream_names: Option<HashSet<String>>,
    stream_prefixes: Option<Vec<String>>,
    filter: FilterPattern,
}

impl Selection {
    fn matches(&self, event: &StoredEvent) -> Option<&str> {
        let (_, identifier) = self.groups.iter().find(|(name, _)| *name == event.group)?;
        if let Some(names) = &self.stream_names {
            if !names.contains(&event.stream) {
                return None;
            }
        }
        if let Some(prefixes) = &self.stream_prefixes {
            if !prefixes.iter().any(|p| event.stream.starts_with(p.as_str())) {
                return None;
            }
        }
        self.filter.matches(&event.message).then_some(identifier.as_str())
    }
}

impl LogsService {
    /// Starts a session: checks the request, then answers with an event stream that runs until
    /// the client goes away or the session reaches its limit.
    pub fn start_live_tail(&self, input: Value) -> Result<Response, AwsError> {
        let input: StartLiveTailInput = serde_json::from_value(input)
            .map_err(|e| AwsError::client("SerializationException", format!("invalid StartLiveTail input: {e}")))?;
        let selection = self.selection(&input)?;
        // Subscribed before the answer goes out: an event stored after the client has its
        // sessionStart is always in the session.
        let stored_events = self.subscribe();
        let mut start = json!({
            "requestId": request_id(),
            "sessionId": uuid::Uuid::new_v4().to_string(),
            "logGroupIdentifiers": selection.groups.iter().map(|(_, id)| id).collect::<Vec<_>>(),
            "logEventFilterPattern": input.log_event_filter_pattern.unwrap_or_default(),
        });
        // A member the request did not set is absent, never null: the model has no nulls.
        if let Some(names) = input.log_stream_names {
            start["logStreamNames"] = json!(names);
        }
        if let Some(prefixes) = input.log_stream_name_prefixes {
            start["logStreamNamePrefixes"] = json!(prefixes);
        }
        let (frames, body) = mpsc::channel::<Result<Bytes, std::convert::Infallible>>(64);
        let limit = self.live_tail_session_limit();
        tokio::spawn(run_session(selection, start, stored_events, frames, limit));
        let response = Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "application/vnd.amazon.eventstream")
            .header("x-amzn-requestid", request_id())
            .body(Body::from_stream(futures::stream::unfold(
                body,
                |mut body| async move { body.recv().await.map(|frame| (frame, body)) },
            )))
            .expect("a static response head is valid");
        Ok(response)
    }

    fn selection(&self, input: &StartLiveTailInput) -> Result<Selection, AwsError> {
        let identifiers = input
            .log_group_identifiers
            .clone()
            .filter(|ids| !ids.is_empty())
            .ok_or_else(|| LogsError::missing("logGroupIdentifiers"))?;
        if identifiers.len() > MAX_GROUPS {
            return Err(LogsError::validation(
                // As AWS renders a list in its messages: [a, b], not Rust's ["a", "b"].
                format!("[{}]", identifiers.join(", ")),
                "logGroupIdentifiers",
                &format!("Member must have length less than or equal to {MAX_GROUPS}"),
            )
            .into());
        }
        if input.log_stream_names.is_some() && input.log_stream_name_prefixes.is_some() {
            return Err(LogsError::InvalidParameter(
                "logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.".into(),
            )
            .into());
        }
        if (input.log_stream_names.is_some() || input.log_stream_name_prefixes.is_some()) && identifiers.len() != 1 {
            return Err(LogsError::InvalidParameter(
                "logStreamNames and logStreamNamePrefixes can only be used with exactly one log group.".into(),
            )
            .into());
        }
        let filter = FilterPattern::parse(input.log_event_filter_pattern.as_deref().unwrap_or(""))
            .map_err(|e| LogsError::InvalidParameter(e.to_string()))?;
        let store = self.lock();
        let mut groups = Vec::new();
        for identifier in identifiers {
            let name = super::responses::group_name_of(&identifier);
            store.group(&name)?;
            groups.push((name, identifier));
        }
        Ok(Selection {
            groups,
            stream_names: input.log_stream_names.clone().map(|names| names.into_iter().collect()),
            stream_prefixes: input.log_stream_name_prefixes.clone(),
            filter,
        })
    }
}

impl StreamingOperation for LogsService {
    fn start(&self, input: Value) -> Result<Response, AwsError> {
        self.start_live_tail(input)
    }
}

async fn run_session(
    selection: Selection,
    start: Value,
    mut stored_events: broadcast::Receiver<StoredEvent>,
    frames: mpsc::Sender<Result<Bytes, std::convert::Infallible>>,
    limit: Duration,
) {
    let send = |frame: Bytes| frames.send(Ok(frame));
    // The initial response carries the output's members other than the stream: StartLiveTail's
    // output has none, so it is `{}`.
    if send(event_frame("initial-response", &json!({}))).await.is_err()
        || send(event_frame("sessionStart", &start)).await.is_err()
    {
        return;
    }
    let ends_at = Instant::now() + limit;
    let mut second_started = Instant::now();
    let mut sent_this_second = 0usize;
    let mut lost = false;
    loop {
        let mut results = Vec::new();
        let mut sampled = std::mem::take(&mut lost);
        let deadline = (Instant::now() + HEARTBEAT).min(ends_at);
        // Wait for the first event (or the heartbeat), then take what follows within COALESCE.
        let mut wait_until = deadline;
        loop {
            match tokio::time::timeout_at(wait_until, stored_events.recv()).await {
                Err(_) => break,
                Ok(Err(broadcast::error::RecvError::Closed)) => return,
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => sampled = true,
                Ok(Ok(event)) => {
                    let Some(identifier) = selection.matches(&event) else {
                        continue;
                    };
                    if second_started.elapsed() >= Duration::from_secs(1) {
                        second_started = Instant::now();
                        sent_this_second = 0;
                    }
                    if sent_this_second >= MAX_EVENTS_PER_SECOND {
                        sampled = true;
                        continue;
                    }
                    sent_this_second += 1;
                    results.push(json!({
                        "logStreamName": event.stream,
                        "logGroupIdentifier": identifier,
                        "message": event.message,
                        "timestamp": event.timestamp,
                        "ingestionTime": event.ingestion_time,
                    }));
                    wait_until = wait_until.min(Instant::now() + COALESCE);
                }
            }
        }
        let update = json!({"sessionMetadata": {"sampled": sampled}, "sessionResults": results});
        if send(event_frame("sessionUpdate", &update)).await.is_err() {
            return;
        }
        if Instant::now() >= ends_at {
            let message = format!("Session timed out after {} seconds", limit.as_secs());
            let _ = send(exception_frame("SessionTimeoutException", &message)).await;
            return;
        }
    }
}

/// One event-stream message: `:message-type event`, its `:event-type`, a JSON payload.
fn event_frame(event_type: &str, payload: &Value) -> Bytes {
    encode(
        Message::new(serde_json::to_vec(payload).expect("JSON values serialise"))
            .add_header(string_header(":message-type", "event"))
            .add_header(string_header(":event-type", event_type))
            .add_header(string_header(":content-type", "application/json")),
    )
}

/// The message that ends a session with an error, as AWS sends it.
fn exception_frame(exception_type: &str, message: &str) -> Bytes {
    encode(
        Message::new(serde_json::to_vec(&json!({ "message": message })).expect("JSON values serialise"))
            .add_header(string_header(":message-type", "exception"))
            .add_header(string_header(":exception-type", exception_type))
            .add_header(string_header(":content-type", "application/json")),
    )
}

fn string_header(name: &'static str, value: &str) -> Header {
    Header::new(name, HeaderValue::String(value.to_string().into()))
}

fn encode(message: Message) -> Bytes {
    let mut buffer = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&message, &mut buffer)
        .expect("a message with short string headers always encodes");
    Bytes::from(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_decode_with_the_sdk_codec() {
        let frame = event_frame("sessionUpdate", &json!({"sessionResults": []}));
        let message = aws_smithy_eventstream::frame::read_message_from(&frame[..]).unwrap();
        let headers = aws_smithy_eventstream::smithy::parse_response_headers(&message).unwrap();
        assert_eq!(headers.message_type.as_str(), "event");
        assert_eq!(headers.smithy_type.as_str(), "sessionUpdate");
        assert_eq!(&message.payload()[..], br#"{"sessionResults":[]}"#);

        let frame = exception_frame("SessionTimeoutException", "over");
        let message = aws_smithy_eventstream::frame::read_message_from(&frame[..]).unwrap();
        let headers = aws_smithy_eventstream::smithy::parse_response_headers(&message).unwrap();
        assert_eq!(headers.smithy_type.as_str(), "SessionTimeoutException");
    }
}
