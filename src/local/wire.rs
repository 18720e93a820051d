//! The AWS wire protocols the local endpoint speaks, in one place: the JSON protocols
//! (`awsJson1_0` for SQS, `awsJson1_1` for CloudWatch Logs and Secrets Manager) and the query
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
