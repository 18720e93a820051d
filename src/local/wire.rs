//! The AWS wire protocols the local endpoint speaks, in one place: the JSON protocols
//! (`awsJson1_0` for SQS and CloudWatch, `awsJson1_1` for CloudWatch Logs and Secrets Manager),
//! Smithy RPC v2 CBOR (CloudWatch, as botocore and the AWS SDK for Rust call it) and the query
//! protocol with XML answers (RDS). Services return plain values or an [`AwsError`]; this module
//! renders them exactly as AWS does, error shapes included.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// The boxed future a service returns (the services are held as trait objects).
pub type ServiceFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AwsError>> + Send + 'a>>;

/// A service spoken to with an AWS JSON protocol: `X-Amz-Target: <prefix>.<Operation>`.
pub trait JsonService: Send + Sync + 'static {
    /// `operation` is the part after the dot in `X-Amz-Target`; `input` the request body.
    fn call<'a>(&'a self, operation: &'a str, input: Value) -> ServiceFuture<'a, Value>;
}

/// A service spoken to with the AWS query protocol (`Action=...&Version=...`), answering XML.
pub trait QueryService: Send + Sync + 'static {
    /// The XML namespace of the service's responses.
    fn xml_namespace(&self) -> &'static str;
    /// Returns the inner XML of `<{Action}Result>`.
    fn call<'a>(&'a self, action: &'a str, params: &'a [(String, String)]) -> ServiceFuture<'a, String>;
}

/// Which JSON protocol version a service uses (it sets the response content type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonProtocol {
    V1_0,
    V1_1,
}

impl JsonProtocol {
    pub fn content_type(self) -> &'static str {
        match self {
            JsonProtocol::V1_0 => "application/x-amz-json-1.0",
            JsonProtocol::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

/// An error as AWS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub status: StatusCode,
    /// The error code, e.g. `ResourceNotFoundException`, or for SQS's JSON protocol the full
    /// shape id `com.amazonaws.sqs#QueueDoesNotExist`.
    pub code: String,
    pub message: String,
    /// SQS only: the legacy query error code and fault (`AWS.SimpleQueueService.NonExistentQueue;Sender`),
    /// sent in `x-amzn-query-error`, which the SDKs use for the error code.
    pub query_error: Option<String>,
    /// The name of the message member in the error's JSON body, as the service model spells it
    /// for this error shape: `message` (SQS, CloudWatch Logs, most of Lambda) or `Message`
    /// (Secrets Manager, Lambda's ResourceNotFoundException and ServiceException).
    pub message_member: &'static str,
}

impl AwsError {
    /// A client error (400) with `code` and `message`.
    pub fn client(code: impl Into<String>, message: impl Into<String>) -> Self {
        AwsError {
            status: StatusCode::BAD_REQUEST,
            code: code.into(),
            message: message.into(),
            query_error: None,
            message_member: "message",
        }
    }

    /// A 404 with `code` (Lambda and Logs use 400/404 per operation; see each service).
    pub fn not_found(code: impl Into<String>, message: impl Into<String>) -> Self {
        AwsError {
            status: StatusCode::NOT_FOUND,
            ..Self::client(code, message)
        }
    }

    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// The code without a protocol's namespace (`com.amazonaws.sqs#QueueDoesNotExist` ->
    /// `QueueDoesNotExist`), as people read it.
    pub fn short_code(&self) -> &str {
        self.code.rsplit('#').next().unwrap_or(&self.code)
    }

    /// The error shape spells its message member `Message` (see [`AwsError::message_member`]).
    pub fn with_capitalised_message(mut self) -> Self {
        self.message_member = "Message";
        self
    }

    pub fn with_query_error(mut self, query_error: impl Into<String>) -> Self {
        self.query_error = Some(query_error.into());
        self
    }

    /// The operation is not one this local endpoint implements.
    pub fn unknown_operation(service: &str, operation: &str) -> Self {
        Self::client(
            "UnknownOperationException",
            format!("{service} operation {operation} is not supported by the custctl local stack"),
        )
    }
}

/// A fresh request id, as AWS returns in `x-amzn-RequestId`.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn base_headers(content_type: &'static str, request_id: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    headers
}

/// Renders a JSON-protocol answer.
pub fn json_response(protocol: JsonProtocol, result: Result<Value, AwsError>) -> Response {
    let id = request_id();
    let mut headers = base_headers(protocol.content_type(), &id);
    match result {
        Ok(body) => (StatusCode::OK, headers, body.to_string()).into_response(),
        Err(err) => {
            if let Some(q) = err.query_error.as_deref().and_then(|q| HeaderValue::from_str(q).ok()) {
                headers.insert("x-amzn-query-error", q);
            }
            let mut body = serde_json::Map::new();
            body.insert("__type".into(), err.code.into());
            body.insert(err.message_member.into(), err.message.into());
            (err.status, headers, Value::Object(body).to_string()).into_response()
        }
    }
}

/// Renders a query-protocol answer: `<{Action}Response><{Action}Result>..` or `<ErrorResponse>`.
pub fn query_response(namespace: &str, action: &str, result: Result<String, AwsError>) -> Response {
    let id = request_id();
    let headers = base_headers("text/xml", &id);
    match result {
        Ok(inner) => {
            let body = format!(
                "<{action}Response xmlns=\"{namespace}\"><{action}Result>{inner}</{action}Result>\
                 <ResponseMetadata><RequestId>{id}</RequestId></ResponseMetadata></{action}Response>"
            );
            (StatusCode::OK, headers, body).into_response()
        }
        Err(err) => {
            let fault = if err.status.is_server_error() {
                "Receiver"
            } else {
                "Sender"
            };
            let body = format!(
                "<ErrorResponse xmlns=\"{namespace}\"><Error><Type>{fault}</Type><Code>{}</Code>\
                 <Message>{}</Message></Error><RequestId>{id}</RequestId></ErrorResponse>",
                xml_escape(&err.code),
                xml_escape(&err.message)
            );
            (err.status, headers, body).into_response()
        }
    }
}

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The `Content-Type` of Smithy RPC v2 CBOR requests and answers.
pub const CBOR_CONTENT_TYPE: &str = "application/cbor";

/// A CBOR request body as the JSON value the services read: a timestamp (tag 1) becomes its
/// epoch seconds, as the JSON protocols send them, and a byte string its base64, as they send
/// blobs. (Smithy RPC v2 CBOR: https://smithy.io/2.0/additional-specs/protocols/smithy-rpc-v2.html)
pub fn cbor_to_json(bytes: &[u8]) -> Result<Value, String> {
    if bytes.is_empty() {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    let value: ciborium::Value = ciborium::from_reader(bytes).map_err(|e| format!("the body is not CBOR: {e}"))?;
    from_cbor(value, 0)
}

/// How deep a request may nest: no operation's input is deeper than a few levels, and a hostile
/// body must not exhaust the stack.
const MAX_CBOR_DEPTH: usize = 64;

fn from_cbor(value: ciborium::Value, depth: usize) -> Result<Value, String> {
    use base64::Engine;
    use ciborium::Value as Cbor;
    if depth > MAX_CBOR_DEPTH {
        return Err(format!("the body nests deeper than {MAX_CBOR_DEPTH} levels"));
    }
    Ok(match value {
        Cbor::Null => Value::Null,
        Cbor::Bool(b) => Value::Bool(b),
        Cbor::Integer(i) => {
            let i = i128::from(i);
            match (i64::try_from(i), u64::try_from(i)) {
                (Ok(n), _) => Value::from(n),
                (_, Ok(n)) => Value::from(n),
                _ => return Err(format!("the integer {i} is out of range")),
            }
        }
        Cbor::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("the number {f} is not finite"))?,
        Cbor::Text(text) => Value::String(text),
        Cbor::Bytes(bytes) => Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)),
        Cbor::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| from_cbor(item, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Cbor::Map(entries) => {
            let mut map = serde_json::Map::new();
            for (key, item) in entries {
                let Cbor::Text(key) = key else {
                    return Err("a map key is not a text string".into());
                };
                map.insert(key, from_cbor(item, depth + 1)?);
            }
            Value::Object(map)
        }
        Cbor::Tag(_, inner) => from_cbor(*inner, depth + 1)?,
        _ => return Err("the body holds a CBOR value no operation takes".into()),
    })
}

/// A service's JSON answer as CBOR: the members named in `timestamp_members` (and the items of
/// lists under those names) are timestamps, which Smithy RPC v2 CBOR sends as tag 1 over epoch
/// seconds (the SDKs refuse an untagged one).
pub fn json_to_cbor(value: &Value, timestamp_members: &[&str]) -> ciborium::Value {
    to_cbor(value, false, timestamp_members)
}

fn to_cbor(value: &Value, timestamp: bool, timestamp_members: &[&str]) -> ciborium::Value {
    use ciborium::Value as Cbor;
    match value {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::Number(n) => {
            let number = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Cbor::Integer(i.into()),
                (_, Some(u)) => Cbor::Integer(u.into()),
                _ => Cbor::Float(n.as_f64().unwrap_or_default()),
            };
            if timestamp {
                Cbor::Tag(1, Box::new(number))
            } else {
                number
            }
        }
        Value::String(text) => Cbor::Text(text.clone()),
        Value::Array(items) => Cbor::Array(
            items
                .iter()
                .map(|item| to_cbor(item, timestamp, timestamp_members))
                .collect(),
        ),
        Value::Object(map) => Cbor::Map(
            map.iter()
                .map(|(key, item)| {
                    let is_timestamp = timestamp_members.contains(&key.as_str());
                    (Cbor::Text(key.clone()), to_cbor(item, is_timestamp, timestamp_members))
                })
                .collect(),
        ),
    }
}

/// Renders a Smithy RPC v2 CBOR answer: the output as CBOR, or an error as a CBOR map with
/// `__type` and `message` (and `x-amzn-query-error` for query-compatible services), with the
/// `smithy-protocol: rpc-v2-cbor` header the protocol requires on every answer.
pub fn cbor_response(result: Result<Value, AwsError>, timestamp_members: &[&str]) -> Response {
    let id = request_id();
    let mut headers = base_headers(CBOR_CONTENT_TYPE, &id);
    headers.insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
    let (status, body) = match result {
        Ok(body) => (StatusCode::OK, json_to_cbor(&body, timestamp_members)),
        Err(err) => {
            if let Some(q) = err.query_error.as_deref().and_then(|q| HeaderValue::from_str(q).ok()) {
                headers.insert("x-amzn-query-error", q);
            }
            let body = ciborium::Value::Map(vec![
                (ciborium::Value::Text("__type".into()), ciborium::Value::Text(err.code)),
                (
                    ciborium::Value::Text(err.message_member.into()),
                    ciborium::Value::Text(err.message),
                ),
            ]);
            (err.status, body)
        }
    };
    let mut bytes = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = ciborium::into_writer(&body, &mut bytes);
    (status, headers, bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbor_timestamps_and_blobs_read_as_the_json_protocols_send_them() {
        use ciborium::Value as Cbor;
        let request = Cbor::Map(vec![
            (Cbor::Text("StartTime".into()), Cbor::Tag(1, Box::new(Cbor::Float(1.5)))),
            (Cbor::Text("Blob".into()), Cbor::Bytes(vec![0, 1, 2])),
            (Cbor::Text("N".into()), Cbor::Integer(7.into())),
        ]);
        let mut bytes = Vec::new();
        ciborium::into_writer(&request, &mut bytes).unwrap();
        let json = cbor_to_json(&bytes).unwrap();
        assert_eq!(json, serde_json::json!({"StartTime": 1.5, "Blob": "AAEC", "N": 7}));
        assert_eq!(cbor_to_json(b"").unwrap(), serde_json::json!({}));
        assert!(cbor_to_json(&[0xff]).is_err());
        let mut deep = Vec::new();
        ciborium::into_writer(
            &(0..100).fold(Cbor::Null, |inner, _| Cbor::Array(vec![inner])),
            &mut deep,
        )
        .unwrap();
        assert!(cbor_to_json(&deep).unwrap_err().contains("deeper"));
    }

    #[test]
    fn timestamp_members_are_tagged_in_answers() {
        let answer = serde_json::json!({"Timestamps": [60, 120.5], "Values": [1.0]});
        let cbor = json_to_cbor(&answer, &["Timestamps"]);
        let ciborium::Value::Map(entries) = cbor else {
            panic!("not a map")
        };
        let timestamps = &entries
            .iter()
            .find(|(k, _)| k.as_text() == Some("Timestamps"))
            .unwrap()
            .1;
        let ciborium::Value::Array(items) = timestamps else {
            panic!("not a list")
        };
        assert!(items.iter().all(|item| matches!(item, ciborium::Value::Tag(1, _))));
        let values = &entries.iter().find(|(k, _)| k.as_text() == Some("Values")).unwrap().1;
        assert!(matches!(values, ciborium::Value::Array(v) if matches!(v[0], ciborium::Value::Float(_))));
    }
}
