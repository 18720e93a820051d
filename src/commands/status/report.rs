//! What `custctl status` found: each component as AWS described it, and the findings. These
//! types are the `--output json` document, so their field names are a stable interface:
//! add fields, never rename or remove one.

use serde::Serialize;

/// One look at the whole pipeline.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// When the look was taken (RFC 3339, UTC).
    pub checked_at: String,
    /// The window of the function's metrics.
    pub window: Window,
    pub function: FunctionStatus,
    pub mappings: Vec<MappingStatus>,
    pub queues: Vec<QueueStatus>,
    pub metrics: MetricsStatus,
    pub database: DatabaseStatus,
    pub findings: Vec<Finding>,
    /// No finding of severity `error`: what the exit code says (0 healthy, 1 not).
    pub healthy: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    /// As given to `--since`.
    pub since: String,
    pub from: String,
    pub to: String,
}

/// GetFunction's configuration.
#[derive(Debug, Clone, Serialize)]
pub struct FunctionStatus {
    pub name: String,
    pub arn: Option<String>,
    /// `Pending`, `Active`, `Inactive`, `Failed`.
    pub state: Option<String>,
    pub state_reason: Option<String>,
    /// `Successful`, `InProgress`, `Failed`.
    pub last_update_status: Option<String>,
    pub last_update_status_reason: Option<String>,
    pub runtime: Option<String>,
    pub architectures: Vec<String>,
    pub memory_mb: Option<i32>,
    pub timeout_seconds: Option<i32>,
    /// The VPC the function runs in, if any.
    pub vpc_id: Option<String>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// Where its logs go (LoggingConfig.LogGroup, or /aws/lambda/NAME).
    pub log_group: String,
}

/// One event source mapping of the function (ListEventSourceMappings).
#[derive(Debug, Clone, Serialize)]
pub struct MappingStatus {
    pub uuid: String,
    pub event_source_arn: Option<String>,
    /// `Enabled`, `Disabled`, `Creating`, `Enabling`, `Disabling`, `Updating`, `Deleting`.
    pub state: Option<String>,
    pub state_transition_reason: Option<String>,
    pub batch_size: Option<i32>,
    pub batching_window_seconds: Option<i32>,
    pub maximum_concurrency: Option<i32>,
    pub report_batch_item_failures: bool,
    pub last_processing_result: Option<String>,
}

/// A queue the function reads, with its dead-letter queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueStatus {
    pub name: String,
    pub url: Option<String>,
    pub arn: Option<String>,
    /// Why the queue could not be read, when it could not; the counts are then absent.
    pub error: Option<String>,
    pub counts: Option<QueueCounts>,
    pub visibility_timeout_seconds: Option<i64>,
    pub redrive_policy: Option<RedrivePolicy>,
    /// The redrive policy's text when it is not the JSON SQS writes.
    pub unreadable_redrive_policy: Option<String>,
    pub dlq: Option<DlqStatus>,
}

/// GetQueueAttributes' approximate counts, and CloudWatch's age of the oldest message.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueueCounts {
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    /// ApproximateAgeOfOldestMessage (CloudWatch), `null` when CloudWatch has no datapoint.
    pub oldest_age_seconds: Option<f64>,
}

impl QueueCounts {
    pub fn total(&self) -> u64 {
        self.visible + self.in_flight + self.delayed
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: String,
    pub max_receive_count: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct DlqStatus {
    pub name: String,
    pub url: Option<String>,
    pub arn: String,
    pub error: Option<String>,
    pub counts: Option<QueueCounts>,
}

/// The function's invocations over the window, and where the figures came from.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MetricsStatus {
    /// `cloudwatch` (GetMetricData), `logs` (the REPORT lines of the log group), or `none`.
    pub source: &'static str,
    /// Why the figures are not CloudWatch's, when they are not.
    pub note: Option<String>,
    pub invocations: Option<u64>,
    pub errors: Option<u64>,
    /// Only CloudWatch counts throttles: a throttled invocation writes no log line.
    pub throttles: Option<u64>,
    pub duration_p50_ms: Option<f64>,
    pub duration_p95_ms: Option<f64>,
}

/// DescribeDBInstances (or DescribeDBClusters) for the database.
#[derive(Debug, Clone, Serialize)]
pub struct DatabaseStatus {
    pub identifier: String,
    pub status: Option<String>,
    pub endpoint: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Something worth acting on, and how.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// A stable name for the rule (`dlq-not-empty`), for scripts.
    pub code: &'static str,
    /// What it is about: `queue customers`, `mapping 1b2c...`.
    pub component: String,
    pub message: String,
    /// The command or template setting that fixes it.
    pub fix: String,
}
