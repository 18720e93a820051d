//! Lambda's REST API (`/2015-03-31/...`) for the local function and its event source mappings:
//! Invoke (RequestResponse, Event, DryRun; `LogType=Tail`), GetFunction,
//! GetFunctionConfiguration, UpdateFunctionConfiguration, ListFunctions, ListVersionsByFunction,
//! ListAliases, and the event source mapping calls. Errors carry `x-amzn-ErrorType`, as Lambda's REST-JSON protocol does (see
//! [`super::errors`]), and every answer an `x-amzn-RequestId`.

use super::errors::{
    async_payload_too_large, error_response, invalid_parameter, invalid_request_content, mapping_exists,
    sync_payload_too_large, MAX_ASYNC_PAYLOAD, MAX_SYNC_PAYLOAD,
};
use super::esm::{check_visibility_timeout, EventSourceMapping, MappingSettings, QueueSource};
use super::instance::InvocationResult;
use super::LambdaFunction;
use crate::wire::AwsError;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use futures::StreamExt;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Lambda returns at most the last 4 KB of the log in `X-Amz-Log-Result`.
const LOG_TAIL_BYTES: usize = 4096;

/// The local Lambda service.
pub struct LambdaService {
    functions: HashMap<String, Arc<LambdaFunction>>,
    mappings: RwLock<Vec<Arc<EventSourceMapping>>>,
    queues: Arc<dyn QueueSource>,
}

impl LambdaService {
    pub fn new(functions: Vec<Arc<LambdaFunction>>, queues: Arc<dyn QueueSource>) -> Arc<Self> {
        Arc::new(LambdaService {
            functions: functions.into_iter().map(|f| (f.config().name, f)).collect(),
            mappings: RwLock::new(Vec::new()),
            queues,
        })
    }

    /// The function named by a name, an ARN or a partial ARN (`function:name`).
    pub fn function(&self, name_or_arn: &str) -> Result<Arc<LambdaFunction>, AwsError> {
        let name = name_or_arn
            .rsplit_once("function:")
            .map_or(name_or_arn, |(_, rest)| rest);
        let (name, qualifier) = name.split_once(':').unwrap_or((name, "$LATEST"));
        match self.functions.get(name) {
            Some(f) if qualifier == "$LATEST" => Ok(f.clone()),
            _ => Err(AwsError::not_found(
                "ResourceNotFoundException",
                format!(
                    "Function not found: arn:aws:lambda:{}:{}:function:{name_or_arn}",
                    self.region(),
                    crate::ACCOUNT_ID
                ),
            )),
        }
    }

    fn region(&self) -> String {
        self.functions
            .values()
            .next()
            .map(|f| f.config().region)
            .unwrap_or_else(|| "us-east-1".into())
    }

    pub fn mappings(&self) -> Vec<Arc<EventSourceMapping>> {
        self.mappings.read().expect("mappings poisoned").clone()
    }

    /// CreateEventSourceMapping: checks AWS's rules, then starts polling.
    pub fn create_mapping(
        &self,
        queue_arn: &str,
        function: &str,
        settings: MappingSettings,
    ) -> Result<Arc<EventSourceMapping>, AwsError> {
        let function = self.function(function)?;
        let queue_name = queue_arn.rsplit(':').next().unwrap_or_default();
        let visibility = self.queues.visibility_timeout(queue_name).ok_or_else(|| {
            invalid_parameter(format!("Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue {queue_arn} does not exist."))
        })?;
        settings.validate(queue_name.ends_with(".fifo"))?;
        check_visibility_timeout(visibility, function.config().timeout)?;
        // Checked and added under one lock, so two concurrent creations cannot both succeed.
        let mut mappings = self.mappings.write().expect("mappings poisoned");
        if let Some(existing) = mappings
            .iter()
            .find(|m| m.queue_arn == queue_arn && Arc::ptr_eq(&m.function, &function))
        {
            return Err(mapping_exists(queue_arn, &function.config().name, &existing.uuid));
        }
        let mapping = EventSourceMapping::start(
            uuid::Uuid::new_v4().to_string(),
            queue_arn.to_string(),
            function,
            settings,
            self.queues.clone(),
        );
        mappings.push(mapping.clone());
        Ok(mapping)
    }

    fn mapping(&self, uuid: &str) -> Result<Arc<EventSourceMapping>, AwsError> {
        self.mappings().into_iter().find(|m| m.uuid == uuid).ok_or_else(|| {
            AwsError::not_found(
                "ResourceNotFoundException",
                format!(
                    "The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: {})",
                    crate::wire::request_id()
                ),
            )
        })
    }

    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            // Invoke reads its body itself, up to Lambda's limit, so that a larger one gets
            // Lambda's error rather than the router's plain-text 413.
            .route(
                "/2015-03-31/functions/{name}/invocations",
                post(invoke).layer(DefaultBodyLimit::disable()),
            )
            .route("/2015-03-31/functions/{name}", get(get_function))
            .route(
                "/2015-03-31/functions/{name}/configuration",
                get(get_function_configuration).put(update_function_configuration),
            )
            .route("/2015-03-31/functions/{name}/versions", get(list_versions))
            .route("/2015-03-31/functions/{name}/aliases", get(list_aliases))
            .route("/2015-03-31/functions/", get(list_functions))
            .route("/2015-03-31/functions", get(list_functions))
            .route(
                "/2015-03-31/event-source-mappings/",
                get(list_mappings).post(create_mapping),
            )
            .route(
                "/2015-03-31/event-source-mappings",
                get(list_mappings).post(create_mapping),
            )
            .route(
                "/2015-03-31/event-source-mappings/{uuid}",
                get(get_mapping).put(update_mapping),
            )
            .layer(axum::middleware::map_response(with_request_id))
            .with_state(self.clone())
    }
}

/// Every Lambda answer, success or error, carries `x-amzn-RequestId` (the SDKs' `RequestId`);
/// Invoke sets its own, the invocation's request id.
async fn with_request_id(mut response: Response) -> Response {
    if !response.headers().contains_key("x-amzn-requestid") {
        if let Ok(id) = HeaderValue::from_str(&crate::wire::request_id()) {
            response.headers_mut().insert("x-amzn-requestid", id);
        }
    }
    response
}

fn json_ok(status: StatusCode, body: Value) -> Response {
    (status, [("content-type", "application/json")], body.to_string()).into_response()
}

#[derive(serde::Deserialize)]
struct QualifierQuery {
    #[serde(rename = "Qualifier")]
    qualifier: Option<String>,
}

async fn invoke(
    State(service): State<Arc<LambdaService>>,
    Path(name): Path<String>,
    Query(query): Query<QualifierQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let payload = match read_payload(body).await {
        Ok(payload) => payload,
        Err(e) => return error_response(e),
    };
    let qualified = match query.qualifier.as_deref() {
        Some(q) => format!("{name}:{q}"),
        None => name,
    };
    let function = match service.function(&qualified) {
        Ok(f) => f,
        Err(e) => return error_response(e),
    };
    if !payload.is_empty() && serde_json::from_slice::<Value>(&payload).is_err() {
        return error_response(invalid_request_content(
            "Could not parse request body into json: Could not parse payload into json",
        ));
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    match header("x-amz-invocation-type") {
        "Event" if payload.len() > MAX_ASYNC_PAYLOAD => error_response(async_payload_too_large(payload.len())),
        "Event" => {
            let request_id = crate::wire::request_id();
            let id = request_id.clone();
            tokio::spawn(async move {
                function.invoke_as(id, payload).await;
            });
            (StatusCode::ACCEPTED, [("x-amz-executed-version", "$LATEST"), ("x-amzn-requestid", request_id.as_str())])
                .into_response()
        }
        "DryRun" => StatusCode::NO_CONTENT.into_response(),
        "" | "RequestResponse" => {
            let record = function.invoke(payload).await;
            let mut out = HeaderMap::new();
            out.insert("content-type", HeaderValue::from_static("application/json"));
            out.insert("x-amz-executed-version", HeaderValue::from_static("$LATEST"));
            if let Ok(id) = HeaderValue::from_str(&record.request_id) {
                out.insert("x-amzn-requestid", id);
            }
            if header("x-amz-log-type") == "Tail" {
                let tail = log_tail(&record.log_lines);
                if let Ok(v) = HeaderValue::from_str(&base64::engine::general_purpose::STANDARD.encode(tail)) {
                    out.insert("x-amz-log-result", v);
                }
            }
            if matches!(record.result, InvocationResult::FunctionError { .. }) {
                out.insert("x-amz-function-error", HeaderValue::from_static("Unhandled"));
            }
            (StatusCode::OK, out, record.result.payload()).into_response()
        }
        other => error_response(invalid_parameter(
            format!("1 validation error detected: Value '{other}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"),
        )),
    }
}

/// Reads an Invoke body of at most [`MAX_SYNC_PAYLOAD`] bytes. A larger one is refused as AWS
/// refuses it, after reading (and dropping) the rest up to a bound, so that the client, still
/// sending, gets the answer rather than a reset connection.
async fn read_payload(body: Body) -> Result<Bytes, AwsError> {
    /// How much of an oversized body is read (and dropped) before the connection is given up.
    const DRAIN_LIMIT: usize = 8 * MAX_SYNC_PAYLOAD;
    let mut stream = body.into_data_stream();
    let mut payload = Vec::new();
    let mut seen = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| invalid_request_content(format!("the request body could not be read: {e}")))?;
        seen += chunk.len();
        if seen > DRAIN_LIMIT {
            break;
        }
        if seen <= MAX_SYNC_PAYLOAD {
            payload.extend_from_slice(&chunk);
        }
    }
    if seen > MAX_SYNC_PAYLOAD {
        return Err(sync_payload_too_large());
    }
    Ok(Bytes::from(payload))
}

/// The last 4 KB of an invocation's log, cut on a character boundary.
fn log_tail(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    if text.len() <= LOG_TAIL_BYTES {
        return text;
    }
    let mut start = text.len() - LOG_TAIL_BYTES;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text[start..].to_string()
}

fn configuration_json(function: &LambdaFunction) -> Value {
    let c = function.config();
    json!({
        "FunctionName": c.name,
        "FunctionArn": c.arn(),
        "Runtime": "provided.al2023",
        "Role": format!("arn:aws:iam::{}:role/{}-role", crate::ACCOUNT_ID, c.name),
        "Handler": "bootstrap",
        "CodeSize": c.code_size,
        "Description": c.description,
        "Timeout": c.timeout.as_secs(),
        "MemorySize": c.memory_mb,
        "LastModified": c.last_modified,
        "CodeSha256": c.code_sha256.get(),
        "Version": "$LATEST",
        "Environment": {"Variables": c.environment},
        "TracingConfig": {"Mode": "PassThrough"},
        "State": "Active",
        "LastUpdateStatus": "Successful",
        "PackageType": "Zip",
        "Architectures": [std::env::consts::ARCH.replace("aarch64", "arm64")],
        "EphemeralStorage": {"Size": 512},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": c.log_group()},
    })
}

async fn get_function(State(service): State<Arc<LambdaService>>, Path(name): Path<String>) -> Response {
    match service.function(&name) {
        Ok(f) => json_ok(
            StatusCode::OK,
            json!({
                "Configuration": configuration_json(&f),
                "Code": {"RepositoryType": "Local", "Location": f.config().binary.display().to_string()},
            }),
        ),
        Err(e) => error_response(e),
    }
}

async fn get_function_configuration(State(service): State<Arc<LambdaService>>, Path(name): Path<String>) -> Response {
    match service.function(&name) {
        Ok(f) => json_ok(StatusCode::OK, configuration_json(&f)),
        Err(e) => error_response(e),
    }
}

async fn update_function_configuration(
    State(service): State<Arc<LambdaService>>,
    Path(name): Path<String>,
    body: Bytes,
) -> Response {
    let result = (|| {
        let function = service.function(&name)?;
        let input: Map<String, Value> =
            serde_json::from_slice(&body).map_err(|e| invalid_request_content(e.to_string()))?;
        let config = updated_config(&service, &function, &input)?;
        function.update_config(config);
        Ok(configuration_json(&function))
    })();
    match result {
        Ok(body) => json_ok(StatusCode::OK, body),
        Err(e) => error_response(e),
    }
}

/// The configuration UpdateFunctionConfiguration asks for, checked whole before anything is
/// applied. The stack applies `Description`, `Timeout`, `MemorySize` and `Environment`; any other
/// member is refused by name, unless it asks for what the function already has (tools that send
/// the whole configuration back, such as Terraform, then still work).
fn updated_config(
    service: &LambdaService,
    function: &Arc<LambdaFunction>,
    input: &Map<String, Value>,
) -> Result<super::FunctionConfig, AwsError> {
    let current = configuration_json(function);
    let mut config = function.config();
    // Lambda's limits, from the API reference of UpdateFunctionConfiguration
    // (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html).
    for (member, value) in input.iter().filter(|(_, value)| !value.is_null()) {
        match member.as_str() {
            "Description" => match value.as_str() {
                Some(text) if text.chars().count() <= 256 => config.description = text.to_string(),
                _ => {
                    return Err(invalid_parameter(
                        "Description must be a string of at most 256 characters",
                    ))
                }
            },
            "Timeout" => match value.as_u64().filter(|t| (1..=900).contains(t)) {
                Some(t) => config.timeout = Duration::from_secs(t),
                None => {
                    return Err(invalid_parameter(
                        "Timeout must be an integer between 1 and 900 seconds",
                    ))
                }
            },
            "MemorySize" => match value.as_u64().filter(|m| (128..=10240).contains(m)) {
                Some(m) => config.memory_mb = m as u32,
                None => {
                    return Err(invalid_parameter(
                        "MemorySize must be an integer between 128 and 10240 MB",
                    ))
                }
            },
            "Environment" => config.environment = environment_variables(value)?,
            other if already_has(&current, other, value) => {}
            other => {
                return Err(invalid_parameter(format!(
                    "{other} cannot be changed on the custctl local stack: UpdateFunctionConfiguration applies \
                     Description, Timeout, MemorySize and Environment"
                )))
            }
        }
    }
    for mapping in service.mappings().iter().filter(|m| Arc::ptr_eq(&m.function, function)) {
        if let Some(visibility) = service.queues.visibility_timeout(&mapping.queue_name) {
            check_visibility_timeout(visibility, config.timeout)?;
        }
    }
    config.last_modified = super::super::aws_lambda_timestamp();
    Ok(config)
}

/// `Environment.Variables`: names to string values; `{}` (or no `Variables`) clears them. Lambda's
/// rules: names match `[a-zA-Z]([a-zA-Z0-9_])+` (botocore's model), and the variables, measured as
/// their JSON, fit in 4 KB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
/// A value with a NUL byte cannot be put in a process's environment, so it is refused too.
fn environment_variables(value: &Value) -> Result<std::collections::BTreeMap<String, String>, AwsError> {
    const MAX_BYTES: usize = 4 * 1024;
    let variables = match value.get("Variables") {
        None | Some(Value::Null) => return Ok(Default::default()),
        Some(Value::Object(variables)) => variables,
        Some(_) => {
            return Err(invalid_parameter(
                "Environment.Variables must be a map of names to strings",
            ))
        }
    };
    let valid_name = |name: &str| {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.len() >= 2
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if !variables.keys().all(|name| valid_name(name)) {
        return Err(invalid_parameter(
            "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys \
             must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
        ));
    }
    // AWS appends "String measured: <the variables>"; left out, as the values may be secrets.
    if Value::Object(variables.clone()).to_string().len() > MAX_BYTES {
        return Err(invalid_parameter(
            "Lambda was unable to configure your environment variables because the environment variables you have \
             provided exceeded the 4KB limit.",
        ));
    }
    variables
        .iter()
        .map(|(name, value)| match value.as_str() {
            Some(text) if !text.contains('\0') => Ok((name.clone(), text.to_string())),
            Some(_) => Err(invalid_parameter(format!(
                "Environment.Variables.{name} contains a NUL character, which no process environment can hold"
            ))),
            None => Err(invalid_parameter(format!(
                "Environment.Variables.{name} must be a string"
            ))),
        })
        .collect()
}

/// Whether `value` asks for nothing the function does not already have: equal, or for an
/// object, each of its members equal to the current one.
fn already_has(current: &Value, member: &str, value: &Value) -> bool {
    fn within(current: &Value, wanted: &Value) -> bool {
        match (current, wanted) {
            (Value::Object(current), Value::Object(wanted)) => {
                wanted.iter().all(|(k, v)| current.get(k).is_some_and(|c| within(c, v)))
            }
            _ => current == wanted,
        }
    }
    current.get(member).is_some_and(|c| within(c, value))
}

async fn list_functions(State(service): State<Arc<LambdaService>>) -> Response {
    let mut functions: Vec<Value> = service.functions.values().map(|f| configuration_json(f)).collect();
    functions.sort_by(|a, b| a["FunctionName"].as_str().cmp(&b["FunctionName"].as_str()));
    json_ok(StatusCode::OK, json!({"Functions": functions}))
}

/// The paging parameters of ListVersionsByFunction and ListAliases. Both take `MaxItems` of 1 to
/// 10,000 (https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html,
/// API_ListAliases.html); read as text, so that a bad value gets Lambda's error rather than the
/// router's plain-text 400.
#[derive(serde::Deserialize)]
struct ListQuery {
    #[serde(rename = "MaxItems")]
    max_items: Option<String>,
}

impl ListQuery {
    fn check(&self) -> Result<(), AwsError> {
        match &self.max_items {
            Some(text) if !text.parse::<u32>().is_ok_and(|n| (1..=10_000).contains(&n)) => Err(invalid_parameter(
                "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value \
                 between 1 and 10000",
            )),
            _ => Ok(()),
        }
    }
}

/// ListVersionsByFunction: the local stack publishes no versions, so a function has only
/// `$LATEST`, which Lambda lists too (with the version-specific configuration of each).
async fn list_versions(
    State(service): State<Arc<LambdaService>>,
    Path(name): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    list_of(
        &service,
        &name,
        &query,
        |f| json!({"Versions": [configuration_json(f)]}),
    )
}

/// ListAliases: the local stack's functions have none.
async fn list_aliases(
    State(service): State<Arc<LambdaService>>,
    Path(name): Path<String>,
    Query(query): Query<ListQuery>,
) -> Response {
    list_of(&service, &name, &query, |_| json!({"Aliases": []}))
}

/// A listing of one function's own resources: its paging checked, the function found, then
/// `answer` for it.
fn list_of(
    service: &LambdaService,
    name: &str,
    query: &ListQuery,
    answer: impl FnOnce(&LambdaFunction) -> Value,
) -> Response {
    match query.check().and_then(|()| service.function(name)) {
        Ok(f) => json_ok(StatusCode::OK, answer(&f)),
        Err(e) => error_response(e),
    }
}

fn mapping_json(m: &EventSourceMapping) -> Value {
    let s = m.settings();
    let mut types: Vec<&str> = Vec::new();
    if s.report_batch_item_failures {
        types.push("ReportBatchItemFailures");
    }
    json!({
        "UUID": m.uuid,
        "BatchSize": s.batch_size,
        "MaximumBatchingWindowInSeconds": s.batching_window_secs,
        "EventSourceArn": m.queue_arn,
        "FunctionArn": m.function.config().arn(),
        "LastModified": m.last_modified(),
        "State": if s.enabled { "Enabled" } else { "Disabled" },
        "StateTransitionReason": "USER_INITIATED",
        // AWS documents this member with stream and broker sources (Kinesis, DynamoDB, MQ); its
        // documented SQS example has none (Lambda Developer Guide, "Using Lambda with Amazon
        // SQS", create-event-source-mapping). The local stack reports it for SQS too, so that
        // `custctl status` can say why a local mapping fails; a reader must accept its absence.
        "LastProcessingResult": m.last_processing_result(),
        "FunctionResponseTypes": types,
        "ScalingConfig": {"MaximumConcurrency": s.maximum_concurrency},
        "EventSourceMappingArn": format!("arn:aws:lambda:{}:{}:event-source-mapping:{}", m.function.config().region, crate::ACCOUNT_ID, m.uuid),
    })
}

#[derive(serde::Deserialize)]
struct MappingQuery {
    #[serde(rename = "FunctionName")]
    function_name: Option<String>,
    #[serde(rename = "EventSourceArn")]
    event_source_arn: Option<String>,
}

async fn list_mappings(State(service): State<Arc<LambdaService>>, Query(q): Query<MappingQuery>) -> Response {
    let wanted_function = match q.function_name.as_deref().map(|n| service.function(n)).transpose() {
        Ok(f) => f,
        Err(e) => return error_response(e),
    };
    let mappings: Vec<Value> = service
        .mappings()
        .iter()
        .filter(|m| wanted_function.as_ref().is_none_or(|f| Arc::ptr_eq(f, &m.function)))
        .filter(|m| q.event_source_arn.as_deref().is_none_or(|arn| arn == m.queue_arn))
        .map(|m| mapping_json(m))
        .collect();
    json_ok(StatusCode::OK, json!({"EventSourceMappings": mappings}))
}

async fn get_mapping(State(service): State<Arc<LambdaService>>, Path(uuid): Path<String>) -> Response {
    match service.mapping(&uuid) {
        Ok(m) => json_ok(StatusCode::OK, mapping_json(&m)),
        Err(e) => error_response(e),
    }
}

/// Applies the members of Create/UpdateEventSourceMapping's input to `settings`.
fn apply_mapping_input(input: &Value, mut settings: MappingSettings) -> MappingSettings {
    if let Some(v) = input.get("Enabled").and_then(Value::as_bool) {
        settings.enabled = v;
    }
    if let Some(v) = input.get("BatchSize").and_then(Value::as_u64) {
        settings.batch_size = v as u32;
    }
    if let Some(v) = input.get("MaximumBatchingWindowInSeconds").and_then(Value::as_u64) {
        settings.batching_window_secs = v as u32;
    }
    if let Some(v) = input
        .pointer("/ScalingConfig/MaximumConcurrency")
        .and_then(Value::as_u64)
    {
        settings.maximum_concurrency = v as u32;
    }
    if let Some(types) = input.get("FunctionResponseTypes").and_then(Value::as_array) {
        settings.report_batch_item_failures = types.iter().any(|t| t == "ReportBatchItemFailures");
    }
    settings
}

async fn create_mapping(State(service): State<Arc<LambdaService>>, body: Bytes) -> Response {
    let result = (|| {
        let input: Value = serde_json::from_slice(&body).map_err(|e| invalid_request_content(e.to_string()))?;
        let arn = input
            .get("EventSourceArn")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid_parameter("EventSourceArn is required"))?;
        let function = input
            .get("FunctionName")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid_parameter("FunctionName is required"))?;
        let defaults = MappingSettings {
            report_batch_item_failures: false,
            ..MappingSettings::default()
        };
        let mapping = service.create_mapping(arn, function, apply_mapping_input(&input, defaults))?;
        Ok(mapping_json(&mapping))
    })();
    match result {
        Ok(body) => json_ok(StatusCode::ACCEPTED, body),
        Err(e) => error_response(e),
    }
}

async fn update_mapping(State(service): State<Arc<LambdaService>>, Path(uuid): Path<String>, body: Bytes) -> Response {
    let result = (|| {
        let mapping = service.mapping(&uuid)?;
        let input: Value = serde_json::from_slice(&body).map_err(|e| invalid_request_content(e.to_string()))?;
        let settings = apply_mapping_input(&input, mapping.settings());
        settings.validate(mapping.queue_name.ends_with(".fifo"))?;
        mapping.update(settings);
        Ok(mapping_json(&mapping))
    })();
    match result {
        Ok(body) => json_ok(StatusCode::ACCEPTED, body),
        Err(e) => error_response(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_variables_follow_lambdas_rules() {
        let vars = |v: Value| environment_variables(&json!({ "Variables": v }));
        assert_eq!(vars(json!({"DB_HOST": "h"})).unwrap()["DB_HOST"], "h");
        assert!(environment_variables(&json!({})).unwrap().is_empty());
        for bad_name in ["1X", "A", "A-B", "A=B", "ÄB", ""] {
            let err = vars(json!({ bad_name: "v" })).unwrap_err();
            assert!(
                err.message.contains("regular expression pattern"),
                "{bad_name}: {}",
                err.message
            );
        }
        let err = vars(json!({"BIG": "x".repeat(4090)})).unwrap_err();
        assert!(err.message.contains("exceeded the 4KB limit."), "{}", err.message);
        assert!(
            !err.message.contains("xxxx"),
            "the values are not echoed: {}",
            err.message
        );
        assert!(vars(json!({"NUL": "a\u{0}b"})).unwrap_err().message.contains("NUL"));
        assert!(vars(json!({"NUM": 3}))
            .unwrap_err()
            .message
            .contains("must be a string"));
    }

    #[test]
    fn already_has_compares_only_what_is_asked_for() {
        let current = json!({"Runtime": "provided.al2023", "LoggingConfig": {"LogFormat": "Text", "LogGroup": "/g"}});
        assert!(already_has(&current, "Runtime", &json!("provided.al2023")));
        assert!(!already_has(&current, "Runtime", &json!("python3.13")));
        assert!(already_has(&current, "LoggingConfig", &json!({"LogFormat": "Text"})));
        assert!(!already_has(&current, "LoggingConfig", &json!({"LogFormat": "JSON"})));
        assert!(!already_has(&current, "Layers", &json!([])));
    }

    #[test]
    fn log_tail_keeps_the_last_4kb_on_a_char_boundary() {
        let lines: Vec<String> = (0..2000).map(|i| format!("línea {i} 😀")).collect();
        let tail = log_tail(&lines);
        assert!(tail.len() <= LOG_TAIL_BYTES);
        assert!(tail.ends_with("línea 1999 😀\n"));
    }
}
