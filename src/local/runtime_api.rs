//! The Lambda Runtime API (version 2018-06-01) that a `provided.al2023` function polls: one
//! server per function instance, so each process only ever sees its own invocations.
//! `next` hands out invocations; `response`, `error` and `init/error` report back.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot, watch};

/// What the function said about one invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvocationOutcome {
    /// `POST /runtime/invocation/{id}/response`.
    Response(Bytes),
    /// `POST /runtime/invocation/{id}/error`: a handled failure (`Unhandled` in Lambda's words).
    Error { error_type: String, error_message: String },
}

/// An error the function reported while initialising (`POST /runtime/init/error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitError {
    pub error_type: String,
    pub error_message: String,
}

struct PendingInvocation {
    request_id: String,
    payload: Bytes,
    deadline: SystemTime,
    reply: oneshot::Sender<InvocationOutcome>,
}

struct ApiState {
    function_arn: String,
    queue: tokio::sync::Mutex<mpsc::Receiver<PendingInvocation>>,
    in_flight: Mutex<HashMap<String, oneshot::Sender<InvocationOutcome>>>,
    init_error: watch::Sender<Option<InitError>>,
    /// When the function first asked for an invocation: the end of its init phase.
    first_poll: std::sync::OnceLock<std::time::Instant>,
}

/// One function instance's Runtime API, listening on an ephemeral loopback port.
pub struct RuntimeApiServer {
    address: SocketAddr,
    submit: mpsc::Sender<PendingInvocation>,
    state: Arc<ApiState>,
    server: tokio::task::JoinHandle<()>,
}

impl RuntimeApiServer {
    /// Binds `127.0.0.1:0` and serves until dropped.
    pub async fn start(function_arn: &str) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let (submit, queue) = mpsc::channel(1);
        let state = Arc::new(ApiState {
            function_arn: function_arn.to_string(),
            queue: tokio::sync::Mutex::new(queue),
            in_flight: Mutex::new(HashMap::new()),
            init_error: watch::channel(None).0,
            first_poll: std::sync::OnceLock::new(),
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next_invocation))
            .route(
                "/2018-06-01/runtime/invocation/{request_id}/response",
                post(invocation_response),
            )
            .route(
                "/2018-06-01/runtime/invocation/{request_id}/error",
                post(invocation_error),
            )
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(state.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(RuntimeApiServer {
            address,
            submit,
            state,
            server,
        })
    }

    /// The value for `AWS_LAMBDA_RUNTIME_API` (`host:port`, no scheme).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Queues an invocation for the function's next `next` call. The receiver resolves when the
    /// function answers; it is dropped (an error for the caller) if the invocation is abandoned.
    pub async fn submit(
        &self,
        request_id: &str,
        payload: Bytes,
        timeout: Duration,
    ) -> oneshot::Receiver<InvocationOutcome> {
        let (reply, outcome) = oneshot::channel();
        let pending = PendingInvocation {
            request_id: request_id.to_string(),
            payload,
            deadline: SystemTime::now() + timeout,
            reply,
        };
        // The receiver lives as long as the server; a failed send means it is shutting down,
        // and the dropped reply tells the caller so.
        let _ = self.submit.send(pending).await;
        outcome
    }

    /// Forgets an invocation the function will never answer (it timed out or crashed).
    pub fn abandon(&self, request_id: &str) {
        self.state
            .in_flight
            .lock()
            .expect("in-flight map poisoned")
            .remove(request_id);
    }

    /// When the function first called `next`, i.e. finished initialising.
    pub fn first_poll(&self) -> Option<std::time::Instant> {
        self.state.first_poll.get().copied()
    }

    /// Resolves when the function reports an init error.
    pub fn init_errors(&self) -> watch::Receiver<Option<InitError>> {
        self.state.init_error.subscribe()
    }
}

impl Drop for RuntimeApiServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn next_invocation(State(state): State<Arc<ApiState>>) -> Response {
    state.first_poll.get_or_init(std::time::Instant::now);
    let mut queue = state.queue.lock().await;
    let Some(pending) = queue.recv().await else {
        return (StatusCode::GONE, "runtime shutting down").into_response();
    };
    drop(queue);
    let deadline_ms = pending
        .deadline
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    put("lambda-runtime-aws-request-id", pending.request_id.clone());
    put("lambda-runtime-deadline-ms", deadline_ms.to_string());
    put("lambda-runtime-invoked-function-arn", state.function_arn.clone());
    let trace = uuid::Uuid::new_v4().simple().to_string();
    put(
        "lambda-runtime-trace-id",
        format!("Root=1-{:08x}-{};Sampled=0", deadline_ms / 1000, &trace[..24]),
    );
    put("content-type", "application/json".into());
    state
        .in_flight
        .lock()
        .expect("in-flight map poisoned")
        .insert(pending.request_id, pending.reply);
    (StatusCode::OK, headers, pending.payload).into_response()
}

fn complete(state: &ApiState, request_id: &str, outcome: InvocationOutcome) -> Response {
    match state.in_flight.lock().expect("in-flight map poisoned").remove(request_id) {
        Some(reply) => {
            let _ = reply.send(outcome);
            (StatusCode::ACCEPTED, Json(serde_json::json!({"status": "OK"}))).into_response()
        }
        None => (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"errorMessage": format!("Invalid request ID: {request_id}"), "errorType": "InvalidRequestID"})),
        )
            .into_response(),
    }
}

async fn invocation_response(
    State(state): State<Arc<ApiState>>,
    Path(request_id): Path<String>,
    body: Bytes,
) -> Response {
    complete(&state, &request_id, InvocationOutcome::Response(body))
}

async fn invocation_error(
    State(state): State<Arc<ApiState>>,
    Path(request_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (error_type, error_message) = parse_error_body(&headers, &body);
    complete(
        &state,
        &request_id,
        InvocationOutcome::Error {
            error_type,
            error_message,
        },
    )
}

async fn init_error(State(state): State<Arc<ApiState>>, headers: HeaderMap, body: Bytes) -> Response {
    let (error_type, error_message) = parse_error_body(&headers, &body);
    state.init_error.send_replace(Some(InitError {
        error_type,
        error_message,
    }));
    (StatusCode::ACCEPTED, Json(serde_json::json!({"status": "OK"}))).into_response()
}

/// The runtime's error document `{"errorType": .., "errorMessage": ..}`; the
/// `Lambda-Runtime-Function-Error-Type` header names the type when the body does not.
fn parse_error_body(headers: &HeaderMap, body: &[u8]) -> (String, String) {
    let doc: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let header_type = headers
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let error_type = doc["errorType"]
        .as_str()
        .map(str::to_string)
        .or(header_type)
        .unwrap_or_else(|| "Unhandled".into());
    let error_message = doc["errorMessage"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    (error_type, error_message)
}
