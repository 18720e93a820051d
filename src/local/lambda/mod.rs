//! The local Lambda service: the function (real processes, see [`instance`]), Lambda's REST API
//! for it ([`api`]), and the SQS event source mapping that feeds it ([`esm`]).

pub mod api;
pub mod errors;
pub mod esm;
pub mod instance;

use crate::cloudwatch::models::MetricKey;
use crate::cloudwatch::{now_millis, CloudWatchService};
use axum::body::Bytes;
use instance::{FunctionInstance, InvocationRecord};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

/// Where instances write their log lines (the local CloudWatch Logs service).
pub trait LogSink: Send + Sync + 'static {
    fn ensure_stream(&self, group: &str, stream: &str);
    fn append(&self, group: &str, stream: &str, events: Vec<(i64, String)>);
}

/// The function's configuration, as GetFunctionConfiguration shows it.
#[derive(Debug, Clone)]
pub struct FunctionConfig {
    pub name: String,
    pub binary: PathBuf,
    pub timeout: Duration,
    pub memory_mb: u32,
    pub description: String,
    pub environment: BTreeMap<String, String>,
    pub region: String,
    pub last_modified: String,
    pub code_sha256: CodeSha256,
    pub code_size: u64,
}

/// The function's `CodeSha256` (base64 SHA-256 of its code), computed when a caller first asks
/// for it rather than at start-up: a debug build of the function is some 200 MB, and hashing it
/// before the endpoint opens made every `custctl local up` seconds slower for a field that
/// only GetFunction and ListFunctions show.
#[derive(Debug, Clone)]
pub struct CodeSha256(Arc<CodeSource>);

#[derive(Debug)]
enum CodeSource {
    File { path: PathBuf, digest: OnceLock<String> },
    Known(String),
}

impl CodeSha256 {
    /// The digest of the file at `path`, read the first time [`CodeSha256::get`] is called.
    pub fn of_file(path: PathBuf) -> Self {
        CodeSha256(Arc::new(CodeSource::File {
            path,
            digest: OnceLock::new(),
        }))
    }

    /// A digest already known (base64).
    pub fn known(digest: impl Into<String>) -> Self {
        CodeSha256(Arc::new(CodeSource::Known(digest.into())))
    }

    /// The base64 digest; empty when the file cannot be read (the function cannot start then
    /// either, and its invocations say why).
    pub fn get(&self) -> &str {
        match &*self.0 {
            CodeSource::Known(digest) => digest,
            CodeSource::File { path, digest } => digest.get_or_init(|| sha256_base64(path).unwrap_or_default()),
        }
    }
}

fn sha256_base64(path: &std::path::Path) -> std::io::Result<String> {
    use base64::Engine;
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(hasher.finalize()))
}

impl FunctionConfig {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:lambda:{}:{}:function:{}",
            self.region,
            super::ACCOUNT_ID,
            self.name
        )
    }

    pub fn log_group(&self) -> String {
        format!("/aws/lambda/{}", self.name)
    }
}

/// The function and its warm instances. Each concurrent invocation gets an instance of its
/// own: an idle one if there is one, otherwise a new process (a cold start).
pub struct LambdaFunction {
    config: RwLock<FunctionConfig>,
    idle: Mutex<Vec<FunctionInstance>>,
    sink: Arc<dyn LogSink>,
    events: tokio::sync::broadcast::Sender<InvocationRecord>,
    metrics: Option<Arc<CloudWatchService>>,
    /// Invocations running now (ConcurrentExecutions).
    running: AtomicUsize,
}

/// Lambda's metrics namespace and the dimension it publishes each function's under ("Types of
/// metrics for Lambda functions", Lambda Developer Guide).
const NAMESPACE: &str = "AWS/Lambda";
const FUNCTION_DIMENSION: &str = "FunctionName";

impl LambdaFunction {
    pub fn new(config: FunctionConfig, sink: Arc<dyn LogSink>) -> Self {
        LambdaFunction {
            config: RwLock::new(config),
            idle: Mutex::new(Vec::new()),
            sink,
            events: tokio::sync::broadcast::channel(1024).0,
            metrics: None,
            running: AtomicUsize::new(0),
        }
    }

    /// Publishes the function's metrics to `metrics` (see [`LambdaFunction::invoke_as`]).
    pub fn with_metrics(mut self, metrics: Arc<CloudWatchService>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    fn metric(&self, name: &str) -> MetricKey {
        MetricKey::new(NAMESPACE, name, &[(FUNCTION_DIMENSION, &self.config().name)])
    }

    /// One invocation's metrics, as Lambda publishes them: `Invocations` 1, `Errors` 1 for a
    /// function error and 0 otherwise (so that Sum counts errors and Average is the error
    /// rate), `Duration` in milliseconds.
    fn record_metrics(&self, record: &InvocationRecord) {
        let Some(metrics) = &self.metrics else { return };
        let now = now_millis();
        let failed = matches!(record.result, instance::InvocationResult::FunctionError { .. });
        metrics.observe(self.metric("Invocations"), "Count", 1.0, now);
        metrics.observe(self.metric("Errors"), "Count", if failed { 1.0 } else { 0.0 }, now);
        metrics.observe(
            self.metric("Duration"),
            "Milliseconds",
            record.duration.as_secs_f64() * 1000.0,
            now,
        );
    }

    pub fn config(&self) -> FunctionConfig {
        self.config.read().expect("function config poisoned").clone()
    }

    /// Replaces the configuration; warm instances keep the old one until they are replaced,
    /// so they are stopped now, as Lambda does after an update.
    pub fn update_config(&self, config: FunctionConfig) {
        *self.config.write().expect("function config poisoned") = config;
        self.idle.lock().expect("instance pool poisoned").clear();
    }

    /// Every finished invocation (for `custctl local up`'s live view).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<InvocationRecord> {
        self.events.subscribe()
    }

    /// Number of warm instances waiting for work.
    pub fn idle_instances(&self) -> usize {
        self.idle.lock().expect("instance pool poisoned").len()
    }

    /// Runs one invocation on a warm instance or a new one.
    pub async fn invoke(&self, payload: Bytes) -> InvocationRecord {
        self.invoke_as(uuid::Uuid::new_v4().to_string(), payload).await
    }

    /// Runs one invocation under `request_id` (an Event invocation's id is in its 202 answer
    /// before the invocation runs).
    pub async fn invoke_as(&self, request_id: String, payload: Bytes) -> InvocationRecord {
        let concurrent = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(metrics) = &self.metrics {
            // "ConcurrentExecutions: the number of function instances that are processing
            // events", sampled as each invocation starts (its Maximum is the peak).
            metrics.observe(
                self.metric("ConcurrentExecutions"),
                "Count",
                concurrent as f64,
                now_millis(),
            );
        }
        let record = self.run_invocation(request_id, payload).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        self.record_metrics(&record);
        let _ = self.events.send(record.clone());
        record
    }

    async fn run_invocation(&self, request_id: String, payload: Bytes) -> InvocationRecord {
        let warm = self.idle.lock().expect("instance pool poisoned").pop();
        let mut instance = match warm {
            Some(instance) => instance,
            None => match FunctionInstance::start(&self.config(), self.sink.clone()).await {
                Ok(instance) => instance,
                Err(e) => {
                    let record = InvocationRecord {
                        request_id,
                        result: instance::InvocationResult::FunctionError {
                            error_type: "Runtime.InvalidEntrypoint".into(),
                            error_message: format!("cannot start {}: {e}", self.config().binary.display()),
                        },
                        log_lines: Vec::new(),
                        log_stream: String::new(),
                        cold_start: true,
                        duration: Duration::ZERO,
                    };
                    return record;
                }
            },
        };
        let record = instance.invoke(&request_id, payload).await;
        if instance.is_alive() {
            self.idle.lock().expect("instance pool poisoned").push(instance);
        }
        record
    }

    /// Stops every warm instance.
    pub fn stop_instances(&self) {
        self.idle.lock().expect("instance pool poisoned").clear();
    }
}
