//! The one AWS-compatible HTTP endpoint of the local stack. It routes each request by protocol:
//! `X-Amz-Target` for the JSON services, `POST /service/<service>/operation/<operation>` for the
//! Smithy RPC v2 CBOR services, `Action=` form bodies for the query services, and REST paths
//! (Lambda) to the routers that services mount.
//!
//! Every request first passes [`guard`]: the endpoint is on loopback, but a web page the
//! developer opens can still send it requests (a "simple" cross-origin POST needs no
//! preflight), and DNS rebinding makes a page's own name resolve to 127.0.0.1. So only the
//! stack's own address is accepted as `Host`, a browser's `Origin` is refused, and every call
//! must carry a well-formed Signature V4 `Authorization` header, as every AWS SDK and CLI sends
//! (signed with any key: the stack checks its form, not the key, and a browser cannot
//! send one cross-origin without a preflight the stack never answers).

use super::wire::{
    cbor_response, cbor_to_json, json_response, query_response, AwsError, JsonProtocol, JsonService, QueryService,
    CBOR_CONTENT_TYPE,
};
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
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
    /// Smithy RPC v2 CBOR: the service name of the path -> the service, and the names of its
    /// answers' timestamp members (which CBOR tags).
    cbor: HashMap<&'static str, (Arc<dyn JsonService>, &'static [&'static str])>,
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

    /// Serves `POST /service/<service_name>/operation/<Operation>` (Smithy RPC v2 CBOR) with
    /// `service`, the same service a JSON protocol serves: the CBOR is read into, and written
    /// from, the JSON value it takes and gives, `timestamp_members` naming the output's
    /// timestamps.
    pub fn cbor_service(
        mut self,
        service_name: &'static str,
        service: Arc<dyn JsonService>,
        timestamp_members: &'static [&'static str],
    ) -> Self {
        self.routes.cbor.insert(service_name, (service, timestamp_members));
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

    /// The router for an endpoint listening on `127.0.0.1:port`.
    pub fn into_router(self, port: u16) -> Router {
        let protocol_routes = Router::new()
            .route("/", post(dispatch))
            .route("/service/{service}/operation/{operation}", post(dispatch_cbor))
            .with_state(Arc::new(self.routes));
        let allowed = Arc::new(AllowedHosts::for_port(port));
        protocol_routes
            .merge(self.rest)
            .layer(axum::middleware::from_fn_with_state(allowed, guard))
    }
}

/// The `Host` values of the stack's own address; any other name (a rebound DNS name) is refused.
struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    fn for_port(port: u16) -> Self {
        AllowedHosts(vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")])
    }

    fn allows(&self, host: &str) -> bool {
        self.0.iter().any(|allowed| allowed.eq_ignore_ascii_case(host))
    }
}

/// Refuses what did not come from an AWS client on this machine (see the module's doc).
async fn guard(State(allowed): State<Arc<AllowedHosts>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or("");
    let refusal = if !allowed.allows(host) {
        Some(
            AwsError::client(
                "AccessDeniedException",
                format!("the custctl local stack answers only to Host {}", allowed.0[0]),
            )
            .with_status(StatusCode::FORBIDDEN),
        )
    } else if headers.contains_key("origin") {
        Some(
            AwsError::client(
                "AccessDeniedException",
                "requests from web pages (with an Origin header) are refused by the custctl local stack",
            )
            .with_status(StatusCode::FORBIDDEN),
        )
    } else {
        signature_v4_problem(headers.get("authorization").and_then(|v| v.to_str().ok()))
    };
    match refusal {
        None => next.run(request).await,
        Some(error) => render_in_the_callers_protocol(headers, error),
    }
}

/// What is wrong with an `Authorization` header that should be Signature V4, if anything:
/// `AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request,
/// SignedHeaders=<a;b;c>, Signature=<64 hex>` (AWS General Reference, "Signature Version 4:
/// Authorization header"). AWS's codes for these: MissingAuthenticationToken (403) when there
/// is none, IncompleteSignature (400) when it is malformed (the Common Errors of every service's
/// API reference, e.g. https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/CommonErrors.html).
fn signature_v4_problem(authorization: Option<&str>) -> Option<AwsError> {
    let Some(value) = authorization else {
        return Some(
            AwsError::client(
                "MissingAuthenticationTokenException",
                "Missing Authentication Token: sign the request with Signature V4 (any key works with the local stack)",
            )
            .with_status(StatusCode::FORBIDDEN)
            .with_query_error("MissingAuthenticationToken;Sender"),
        );
    };
    let incomplete = |why: &str| {
        Some(
            AwsError::client(
                "IncompleteSignatureException",
                format!("the Authorization header is not a Signature V4 header: {why}"),
            )
            .with_query_error("IncompleteSignature;Sender"),
        )
    };
    let Some(rest) = value.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return incomplete("it does not start with AWS4-HMAC-SHA256");
    };
    let mut parts: HashMap<&str, &str> = HashMap::new();
    for part in rest.split(',') {
        let Some((name, value)) = part.trim().split_once('=') else {
            return incomplete("a part is not name=value");
        };
        parts.insert(name, value);
    }
    let scope: Vec<&str> = parts
        .get("Credential")
        .map(|c| c.split('/').collect())
        .unwrap_or_default();
    let scope_ok = scope.len() == 5
        && !scope[0].is_empty()
        && scope[1].len() == 8
        && scope[1].bytes().all(|b| b.is_ascii_digit())
        && !scope[2].is_empty()
        && !scope[3].is_empty()
        && scope[4] == "aws4_request";
    if !scope_ok {
        return incomplete("Credential is not <key>/<date>/<region>/<service>/aws4_request");
    }
    let signed_headers = parts.get("SignedHeaders").copied().unwrap_or("");
    if signed_headers.is_empty() || !signed_headers.split(';').any(|h| h == "host") {
        return incomplete("SignedHeaders is missing or does not include host");
    }
    let signature = parts.get("Signature").copied().unwrap_or("");
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return incomplete("Signature is not 64 hex digits");
    }
    None
}

/// An error in the protocol the request was made in: XML for the query protocol (the SDKs
/// cannot read a JSON error there), JSON otherwise (the JSON protocols, Lambda's REST API).
fn render_in_the_callers_protocol(headers: &HeaderMap, error: AwsError) -> Response {
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with(CBOR_CONTENT_TYPE) {
        return cbor_response(Err(error), &[]);
    }
    if headers.get("x-amz-target").is_none() && content_type.starts_with("application/x-www-form-urlencoded") {
        let code = error.code.trim_end_matches("Exception").to_string();
        return query_response("http://custctl.local/", "", Err(AwsError { code, ..error }));
    }
    let protocol = if content_type.contains("1.0") {
        JsonProtocol::V1_0
    } else {
        JsonProtocol::V1_1
    };
    json_response(protocol, Err(error))
}

/// A Smithy RPC v2 CBOR request: the service and operation are in the path.
async fn dispatch_cbor(
    State(routes): State<Arc<Routes>>,
    Path((service_name, operation)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some((service, timestamp_members)) = routes.cbor.get(service_name.as_str()) else {
        return cbor_response(
            Err(AwsError::client(
                "UnknownOperationException",
                format!("no service {service_name} speaks Smithy RPC v2 CBOR here"),
            )),
            &[],
        );
    };
    let result = match cbor_to_json(&body) {
        Ok(input) => service.call(&operation, input).await,
        Err(e) => Err(AwsError::client("SerializationException", e)),
    };
    cbor_response(result, timestamp_members)
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
