//! The one AWS-compatible HTTP endpoint of the local stack. It routes each request by protocol:
//! `X-Amz-Target` for the JSON services, `Action=` form bodies for the query services, and REST
//! paths (Lambda) to the routers that services mount.

use super::wire::{json_response, query_response, AwsError, JsonProtocol, JsonService, QueryService};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

#[derive(Default, Clone)]
struct Routes {
    /// `X-Amz-Target` prefix (before the dot) -> service.
    json: HashMap<&'static str, (JsonProtocol, Arc<dyn JsonService>)>,
    /// `Version=` of the query request -> service.
    query: HashMap<&'static str, Arc<dyn QueryService>>,
    /// Whole `X-Amz-Target` -> an operation that answers with a stream of its own making.
    streaming: HashMap<&'static str, Arc<dyn StreamingOperation>>,
}

/// A JSON-protocol operation whose answer is a stream (an event stream), not one JSON document.
pub trait StreamingOperation: Send + Sync + 'static {
    fn start(&self, input: serde_json::Value) -> Result<Response, AwsError>;
}

/// Builds the endpoint's router from the services it should speak for.
#[derive(Default)]
pub struct Gateway {
    routes: Routes,
    rest: Router,
}

impl Gateway {
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves `X-Amz-Target: <target_prefix>.<Operation>` with `service`.
    pub fn json_service(
        mut self,
        target_prefix: &'static str,
        protocol: JsonProtocol,
        service: Arc<dyn JsonService>,
    ) -> Self {
        self.routes.json.insert(target_prefix, (protocol, service));
        self
    }

    /// Serves `X-Amz-Target: target` (a whole target, operation included) with `operation`.
    pub fn streaming_operation(mut self, target: &'static str, operation: Arc<dyn StreamingOperation>) -> Self {
        self.routes.streaming.insert(target, operation);
        self
    }

    /// Serves query-protocol requests whose `Version=` is `api_version` with `service`.
    pub fn query_service(mut self, api_version: &'static str, service: Arc<dyn QueryService>) -> Self {
        self.routes.query.insert(api_version, service);
        self
    }

    /// Mounts a REST router (paths other than `/`).
    pub fn rest(mut self, router: Router) -> Self {
        self.rest = self.rest.merge(router);
        self
    }

    pub fn into_router(self) -> Router {
        let protocol_routes = Router::new()
            .route("/", post(dispatch))
            .with_state(Arc::new(self.routes));
        protocol_routes.merge(self.rest)
    }
}

async fn dispatch(State(routes): State<Arc<Routes>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(target) = headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        let (prefix, operation) = target.split_once('.').unwrap_or((target, ""));
        let Some((protocol, service)) = routes.json.get(prefix) else {
            return json_response(
                JsonProtocol::V1_1,
                Err(AwsError::client(
                    "UnknownOperationException",
                    format!("no service for X-Amz-Target {target}"),
                )),
            );
        };
        let input = if body.is_empty() {
            Ok(serde_json::json!({}))
        } else {
            serde_json::from_slice(&body)
                .map_err(|e| AwsError::client("SerializationException", format!("request body is not valid JSON: {e}")))
        };
        if let Some(streaming) = routes.streaming.get(target) {
            return match input.and_then(|input| streaming.start(input)) {
                Ok(response) => response,
                Err(e) => json_response(*protocol, Err(e)),
            };
        }
        let result = match input {
            Ok(input) => service.call(operation, input).await,
            Err(e) => Err(e),
        };
        return json_response(*protocol, result);
    }
    let params: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let (Some(action), Some(version)) = (param("Action"), param("Version")) else {
        return json_response(
            JsonProtocol::V1_1,
            Err(AwsError::client(
                "UnknownOperationException",
                "request has neither X-Amz-Target nor Action/Version",
            )),
        );
    };
    match routes.query.get(version) {
        Some(service) => {
            let result = service.call(action, &params).await;
            query_response(service.xml_namespace(), action, result)
        }
        None => query_response(
            "http://custctl.local/",
            action,
            Err(AwsError::client(
                "InvalidAction",
                format!("no service for API version {version}"),
            )),
        ),
    }
}

/// How long the endpoint waits for a client: for a request's headers (on a new connection, or
/// on a kept-alive one between requests) and between the pieces of a request body. AWS's front
/// ends close idle connections too (S3 closes an idle one after about 20 s, a figure the SDKs'
/// connection pools are tuned against), and a slow or stalled client must not hold a socket and
/// a task for ever. Long polls (ReceiveMessage's 20 s) and live tail sessions are responses,
/// which these limits do not shorten.
pub const DEFAULT_CLIENT_TIMEOUT: Duration = Duration::from_secs(20);

/// Serves `router` on `listener`, each connection under [`DEFAULT_CLIENT_TIMEOUT`]-style limits
/// (`client_timeout`). Returns only if the listener fails for good.
pub async fn serve(listener: tokio::net::TcpListener, router: Router, client_timeout: Duration) {
    let service = tower_http::timeout::RequestBodyTimeout::new(router, client_timeout);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection reset before it was taken: wait a
            // moment rather than spin, and go on serving the others.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(client_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
