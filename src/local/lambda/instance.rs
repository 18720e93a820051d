//! One function instance: the real function binary, spawned as Lambda spawns a
//! `provided.al2023` bootstrap, with its own Runtime API and its own log stream.
//!
//! Its stdout and stderr go to the log stream line by line as they are printed, between the
//! START / END / REPORT lines Lambda writes, in Lambda's exact format. Timeouts are enforced
//! (the process is killed), and a crashed or timed-out instance is not reused.

use super::{FunctionConfig, LogSink};
use crate::runtime_api::{InvocationOutcome, RuntimeApiServer};
use axum::body::Bytes;
use custctl_platform::ParentDeathSignal;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::unix::pipe;
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};

/// How an invocation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvocationResult {
    /// The function answered (`response`).
    Response(Bytes),
    /// The function failed: it reported an error, timed out, or its process died.
    FunctionError { error_type: String, error_message: String },
}

impl InvocationResult {
    /// The payload Lambda returns for this result.
    pub fn payload(&self) -> Bytes {
        match self {
            InvocationResult::Response(body) => body.clone(),
            InvocationResult::FunctionError {
                error_type,
                error_message,
            } => Bytes::from(serde_json::json!({"errorMessage": error_message, "errorType": error_type}).to_string()),
        }
    }
}

/// One finished invocation.
#[derive(Debug, Clone)]
pub struct InvocationRecord {
    pub request_id: String,
    pub result: InvocationResult,
    /// This invocation's log lines, START to REPORT.
    pub log_lines: Vec<String>,
    pub log_stream: String,
    pub cold_start: bool,
    /// How long the function ran, as its REPORT line's `Duration` says.
    pub duration: Duration,
}

/// The log stream of one instance; also keeps the lines of the invocation in progress.
struct InstanceLog {
    sink: Arc<dyn LogSink>,
    group: String,
    stream: String,
    current: Mutex<Option<Vec<String>>>,
}

impl InstanceLog {
    fn line(&self, text: String) {
        if let Some(lines) = self.current.lock().expect("log capture poisoned").as_mut() {
            lines.push(text.clone());
        }
        self.sink.append(
            &self.group,
            &self.stream,
            vec![(chrono::Utc::now().timestamp_millis(), text)],
        );
    }

    fn begin_invocation(&self) {
        *self.current.lock().expect("log capture poisoned") = Some(Vec::new());
    }

    fn end_invocation(&self) -> Vec<String> {
        self.current
            .lock()
            .expect("log capture poisoned")
            .take()
            .unwrap_or_default()
    }
}

/// One output pipe (stdout or stderr) of the function, read into the log by a task of its own.
/// [`OutputPipe::drain`] asks that task to read everything the pipe holds at that moment and
/// answers once those bytes are log lines: the function writes its lines before it posts its
/// response, so once the response is in, what it wrote for this invocation is in the pipe, and
/// END can follow it (on AWS, what a function writes before it returns lies between its START
/// and END).
struct OutputPipe {
    drain_requests: mpsc::Sender<oneshot::Sender<()>>,
}

impl OutputPipe {
    async fn drain(&self) {
        let (done, drained) = oneshot::channel();
        if self.drain_requests.send(done).await.is_ok() {
            // An error means the reader has ended: nothing is left to read.
            let _ = drained.await;
        }
    }
}

/// A running function process with its Runtime API.
pub struct FunctionInstance {
    child: Child,
    api: RuntimeApiServer,
    log: Arc<InstanceLog>,
    pipes: Vec<OutputPipe>,
    spawned_at: Instant,
    invoked: bool,
    dead: bool,
    memory_mb: u32,
    timeout: Duration,
}

impl FunctionInstance {
    /// Spawns the function binary with the environment Lambda gives a custom runtime.
    pub async fn start(config: &FunctionConfig, sink: Arc<dyn LogSink>) -> std::io::Result<Self> {
        let api = RuntimeApiServer::start(&config.arn()).await?;
        let stream = log_stream_name();
        let mut command = Command::new(&config.binary);
        command
            .env_clear()
            .envs(&config.environment)
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("TZ", ":UTC")
            .env("LANG", "en_US.UTF-8")
            .env("AWS_LAMBDA_RUNTIME_API", api.address().to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", &config.name)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", config.memory_mb.to_string())
            .env("AWS_LAMBDA_LOG_GROUP_NAME", config.log_group())
            .env("AWS_LAMBDA_LOG_STREAM_NAME", &stream)
            .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
            .env("AWS_REGION", &config.region)
            .env("AWS_DEFAULT_REGION", &config.region)
            .env("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023")
            .env("_HANDLER", "bootstrap")
            .env(
                "LAMBDA_TASK_ROOT",
                config.binary.parent().unwrap_or(std::path::Path::new("/")),
            )
            .env("LAMBDA_RUNTIME_DIR", "/var/runtime")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .killed_with_parent();
        let spawned_at = Instant::now();
        let mut child = command.spawn()?;
        let log = Arc::new(InstanceLog {
            sink,
            group: config.log_group(),
            stream,
            current: Mutex::new(None),
        });
        log.sink.ensure_stream(&log.group, &log.stream);
        let mut pipes = Vec::new();
        if let Some(out) = child.stdout.take() {
            pipes.push(forward_lines(nonblocking(out.into_owned_fd()?)?, log.clone()));
        }
        if let Some(err) = child.stderr.take() {
            pipes.push(forward_lines(nonblocking(err.into_owned_fd()?)?, log.clone()));
        }
        Ok(FunctionInstance {
            child,
            api,
            log,
            pipes,
            spawned_at,
            invoked: false,
            dead: false,
            memory_mb: config.memory_mb,
            timeout: config.timeout,
        })
    }

    pub fn is_alive(&self) -> bool {
        !self.dead
    }

    pub fn log_stream(&self) -> &str {
        &self.log.stream
    }

    /// Runs one invocation to its end, writing START / END / REPORT around the function's lines.
    pub async fn invoke(&mut self, request_id: &str, payload: Bytes) -> InvocationRecord {
        let cold_start = !self.invoked;
        self.invoked = true;
        self.log.begin_invocation();
        if cold_start {
            self.log.line("INIT_START Runtime Version: provided:al2023.v100\tRuntime Version ARN: arn:aws:lambda:local::runtime:custctl".into());
        }
        self.log.line(format!("START RequestId: {request_id} Version: $LATEST"));
        let submitted_at = Instant::now();
        let outcome = self.api.submit(request_id, payload, self.timeout).await;
        let timeout = tokio::time::sleep(self.timeout);
        let result = tokio::select! {
            outcome = outcome => match outcome {
                Ok(InvocationOutcome::Response(body)) => InvocationResult::Response(body),
                Ok(InvocationOutcome::Error { error_type, error_message }) => InvocationResult::FunctionError { error_type, error_message },
                Err(_) => self.exited(request_id).await,
            },
            status = self.child.wait() => {
                let _ = status;
                self.exited(request_id).await
            }
            _ = timeout => {
                let seconds = self.timeout.as_secs_f64();
                let message = format!("{} {request_id} Task timed out after {seconds:.2} seconds", aws_timestamp());
                self.kill().await;
                self.log.line(message.clone());
                InvocationResult::FunctionError { error_type: "Sandbox.Timedout".into(), error_message: message }
            }
        };
        let finished_at = Instant::now();
        self.drain_output().await;
        let init = self
            .api
            .first_poll()
            .filter(|_| cold_start)
            .map(|polled| polled.saturating_duration_since(self.spawned_at));
        let started = self.api.first_poll().map_or(submitted_at, |p| p.max(submitted_at));
        let duration = finished_at.saturating_duration_since(started);
        let status = match (&result, self.dead) {
            (InvocationResult::FunctionError { error_type, .. }, _) if error_type == "Sandbox.Timedout" => {
                Some("timeout")
            }
            (_, true) => Some("error"),
            _ => None,
        };
        self.log.line(format!("END RequestId: {request_id}"));
        self.log.line(report_line(
            request_id,
            duration,
            self.memory_mb,
            self.max_memory_used_mb(),
            init,
            status,
        ));
        self.api.abandon(request_id);
        InvocationRecord {
            request_id: request_id.to_string(),
            result,
            log_lines: self.log.end_invocation(),
            log_stream: self.log.stream.clone(),
            cold_start,
            duration,
        }
    }

    async fn exited(&mut self, request_id: &str) -> InvocationResult {
        let status = self
            .child
            .wait()
            .await
            .map(|s| s.to_string())
            .unwrap_or_else(|e| e.to_string());
        self.dead = true;
        self.drain_output().await;
        let message = format!("Runtime exited with error: {status}");
        self.log
            .line(format!("RequestId: {request_id} Error: {message}\nRuntime.ExitError"));
        InvocationResult::FunctionError {
            error_type: "Runtime.ExitError".into(),
            error_message: format!("RequestId: {request_id} Error: {message}"),
        }
    }

    /// Stops the process at once (a timed-out or discarded instance).
    pub async fn kill(&mut self) {
        self.dead = true;
        let _ = self.child.kill().await;
    }

    /// Returns once every byte the function wrote before now is a log line.
    async fn drain_output(&self) {
        futures::future::join_all(self.pipes.iter().map(OutputPipe::drain)).await;
    }

    /// Peak resident memory of the process (VmHWM), in MB, as Lambda's "Max Memory Used".
    fn max_memory_used_mb(&self) -> u64 {
        let Some(pid) = self.child.id() else { return 0 };
        custctl_platform::peak_rss_mib(pid).unwrap_or(0)
    }
}

/// The longest log event CloudWatch Logs takes: 1 MB (1,048,576 bytes) since April 2025, of
/// which 26 bytes are the event's own overhead (PutLogEvents quotas, CloudWatch Logs User Guide).
/// A longer line is cut into events of this size, as Lambda's log agent does, so that a function
/// printing without newlines cannot grow the stack's memory.
const MAX_EVENT_BYTES: usize = 1_048_576 - 26;

/// The read end of an output pipe: watched by the reactor, and (a duplicate of the same
/// non-blocking descriptor) read directly when a drain must see what the kernel holds now.
struct OutputReader {
    watched: pipe::Receiver,
    direct: File,
}

fn nonblocking(fd: OwnedFd) -> std::io::Result<OutputReader> {
    let watched = pipe::Receiver::from_owned_fd(fd)?;
    let direct = File::from(watched.as_fd().try_clone_to_owned()?);
    Ok(OutputReader { watched, direct })
}

/// Reads a pipe and writes each complete line to the log as soon as it is read; answers drain
/// requests (see [`OutputPipe`]).
fn forward_lines(pipe: OutputReader, log: Arc<InstanceLog>) -> OutputPipe {
    let (drain_requests, mut requests) = mpsc::channel::<oneshot::Sender<()>>(4);
    tokio::spawn(async move {
        let mut lines = LineSplitter::default();
        let mut buf = vec![0u8; 64 * 1024];
        let mut open = true;
        loop {
            tokio::select! {
                // A drain first: its answer must not wait behind a stream of new output.
                biased;
                request = requests.recv() => {
                    let Some(done) = request else { break };
                    if open {
                        // Exactly what the pipe holds now, read from the pipe itself: the
                        // reactor may not have seen those bytes arrive yet (its readiness is a
                        // cache), and a function that keeps writing must not hold the drain,
                        // and so END, back.
                        let pending = custctl_platform::pending_bytes(pipe.direct.as_raw_fd()).unwrap_or(0);
                        let mut direct = &pipe.direct;
                        open = match read_into(|buf| direct.read(buf), &mut buf, pending, &mut lines, &log) {
                            Ok(open) => open,
                            Err(e) => e.kind() == std::io::ErrorKind::WouldBlock,
                        };
                    }
                    // A line cut short by the response still belongs to this invocation.
                    lines.flush(&log);
                    let _ = done.send(());
                }
                readable = pipe.watched.readable(), if open => {
                    // Reads until the pipe is empty (tokio's WouldBlock clears its readiness).
                    open = readable.is_ok()
                        && match read_into(|buf| pipe.watched.try_read(buf), &mut buf, usize::MAX, &mut lines, &log) {
                            Ok(open) => open,
                            Err(e) => e.kind() == std::io::ErrorKind::WouldBlock,
                        };
                    if !open {
                        lines.flush(&log);
                    }
                }
            }
        }
    });
    OutputPipe { drain_requests }
}

/// Reads up to `limit` bytes that are in the pipe now: `Ok(false)` once it is closed, the
/// `WouldBlock` error when it is empty.
fn read_into(
    mut read_some: impl FnMut(&mut [u8]) -> std::io::Result<usize>,
    buf: &mut [u8],
    limit: usize,
    lines: &mut LineSplitter,
    log: &InstanceLog,
) -> std::io::Result<bool> {
    let mut read = 0;
    while read < limit {
        match read_some(buf) {
            Ok(0) => return Ok(false),
            Ok(n) => {
                read += n;
                lines.push(&buf[..n], log);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Cuts bytes into log lines at newlines (a trailing `\r` dropped), and into events of at most
/// [`MAX_EVENT_BYTES`] when a line is longer.
#[derive(Default)]
struct LineSplitter {
    pending: Vec<u8>,
}

impl LineSplitter {
    fn push(&mut self, bytes: &[u8], log: &InstanceLog) {
        for chunk in bytes.split_inclusive(|&b| b == b'\n') {
            let complete = chunk.last() == Some(&b'\n');
            let text = if complete { &chunk[..chunk.len() - 1] } else { chunk };
            let mut text = text;
            while self.pending.len() + text.len() > MAX_EVENT_BYTES {
                let room = MAX_EVENT_BYTES - self.pending.len();
                self.pending.extend_from_slice(&text[..room]);
                text = &text[room..];
                self.emit(log);
            }
            self.pending.extend_from_slice(text);
            if complete {
                if self.pending.last() == Some(&b'\r') {
                    self.pending.pop();
                }
                self.emit(log);
            }
        }
    }

    /// Writes out a line that has no newline yet.
    fn flush(&mut self, log: &InstanceLog) {
        if !self.pending.is_empty() {
            self.emit(log);
        }
    }

    fn emit(&mut self, log: &InstanceLog) {
        log.line(String::from_utf8_lossy(&self.pending).into_owned());
        self.pending.clear();
    }
}

/// `2026/11/23/[$LATEST]<32 hex>`, as Lambda names an instance's stream.
fn log_stream_name() -> String {
    format!(
        "{}/[$LATEST]{}",
        chrono::Utc::now().format("%Y/%m/%d"),
        uuid::Uuid::new_v4().simple()
    )
}

fn aws_timestamp() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Lambda's REPORT line, tab-separated with a trailing tab, exactly as AWS writes it.
pub fn report_line(
    request_id: &str,
    duration: Duration,
    memory_size_mb: u32,
    max_memory_used_mb: u64,
    init: Option<Duration>,
    status: Option<&str>,
) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    let billed = (ms.ceil() as u64).max(1);
    let mut line = format!(
        "REPORT RequestId: {request_id}\tDuration: {ms:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {memory_size_mb} MB\tMax Memory Used: {max_memory_used_mb} MB\t"
    );
    if let Some(init) = init {
        line.push_str(&format!("Init Duration: {:.2} ms\t", init.as_secs_f64() * 1000.0));
    }
    if let Some(status) = status {
        line.push_str(&format!("Status: {status}\t"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_line_matches_lambdas_format() {
        let line = report_line(
            "abc",
            Duration::from_micros(12_345),
            128,
            18,
            Some(Duration::from_micros(120_220)),
            None,
        );
        assert_eq!(
            line,
            "REPORT RequestId: abc\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 18 MB\tInit Duration: 120.22 ms\t"
        );
    }

    #[test]
    fn stream_names_look_like_lambdas() {
        let name = log_stream_name();
        let (date, rest) = name.split_once("/[$LATEST]").unwrap();
        assert_eq!(date.len(), 10);
        assert_eq!(rest.len(), 32);
        assert!(rest.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
