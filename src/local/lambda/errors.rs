//! Lambda's errors, in one place: the errors the local Lambda answers with (AWS's codes, statuses
//! and wording) and how Lambda's REST-JSON protocol renders them: the status, the code in
//! `x-amzn-ErrorType`, and a body of the error shape's members, `{"Type": "User", "message": ..}`.

use crate::wire::AwsError;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// The largest synchronous Invoke request (6 MB), and the largest asynchronous one (1 MB; AWS
/// raised it from 256 KB). Both are in bytes: 6 MB is 6291456 in AWS's own error message.
/// <https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html>: "For synchronous
/// invocations, the maximum payload size is 6 MB. For asynchronous invocations, the maximum
/// payload size is 1 MB."
pub const MAX_SYNC_PAYLOAD: usize = 6 * 1024 * 1024;
pub const MAX_ASYNC_PAYLOAD: usize = 1024 * 1024;

/// The code AWS answers an oversized Invoke with. The model has `RequestTooLargeException`, but
/// what Lambda sends (and what every SDK reports) is `RequestEntityTooLargeException`, 413, e.g.
/// `Request must be smaller than 6291456 bytes for the InvokeFunction operation` (boto3:
/// "An error occurred (RequestEntityTooLargeException) when calling the Invoke operation: 264496
/// byte payload is too large for the Event invocation type (limit 262144 bytes)",
/// github.com/ASFHyP3/hyp3/issues/2241; pelmers/streetwarp-web#14).
pub const REQUEST_TOO_LARGE: &str = "RequestEntityTooLargeException";

/// A synchronous Invoke whose payload is over [`MAX_SYNC_PAYLOAD`].
pub fn sync_payload_too_large() -> AwsError {
    AwsError::client(
        REQUEST_TOO_LARGE,
        format!("Request must be smaller than {MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation"),
    )
    .with_status(StatusCode::PAYLOAD_TOO_LARGE)
}

/// An asynchronous (Event) Invoke whose payload of `size` bytes is over [`MAX_ASYNC_PAYLOAD`].
pub fn async_payload_too_large(size: usize) -> AwsError {
    AwsError::client(
        REQUEST_TOO_LARGE,
        format!("{size} byte payload is too large for the Event invocation type (limit {MAX_ASYNC_PAYLOAD} bytes)"),
    )
    .with_status(StatusCode::PAYLOAD_TOO_LARGE)
}

/// A second mapping of the same queue and function: AWS refuses it (409), so that re-run set-up
/// scripts do not put two pollers on one queue. The wording is AWS's.
pub fn mapping_exists(queue_arn: &str, function: &str, uuid: &str) -> AwsError {
    AwsError::client(
        "ResourceConflictException",
        format!(
            "An event source mapping with SQS arn (\" {queue_arn} \") and function (\" {function} \") already exists. \
             Please update or delete the existing mapping with UUID {uuid}"
        ),
    )
    .with_status(StatusCode::CONFLICT)
}

/// A value Lambda refuses (400).
pub fn invalid_parameter(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidParameterValueException", message)
}

/// A body that is not the JSON the operation takes (400).
pub fn invalid_request_content(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidRequestContentException", message)
}

/// The name of the error shape's message member in botocore's lambda/2015-03-31 model: most
/// shapes have `message`, these two `Message`.
fn message_member(code: &str) -> &'static str {
    match code {
        "ResourceNotFoundException" | "ServiceException" => "Message",
        _ => "message",
    }
}

/// Renders a Lambda error as AWS does.
pub fn error_response(err: AwsError) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&err.code) {
        headers.insert("x-amzn-errortype", v);
    }
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    let kind = if err.status.is_server_error() {
        "Service"
    } else {
        "User"
    };
    let mut body = Map::new();
    body.insert("Type".into(), kind.into());
    body.insert(message_member(&err.code).into(), err.message.into());
    (err.status, headers, Value::Object(body).to_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_member_is_spelt_as_the_model_spells_it() {
        assert_eq!(message_member("ResourceNotFoundException"), "Message");
        assert_eq!(message_member("ResourceConflictException"), "message");
        assert_eq!(message_member(REQUEST_TOO_LARGE), "message");
    }
}
