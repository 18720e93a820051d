//! The rules `custctl status` applies to what it gathered: each finding has a severity and
//! the command or template setting that fixes it. Pure functions of the report, so every rule
//! is tested here without AWS.

use super::report::{Finding, MappingStatus, QueueStatus, Severity, StatusReport};
use std::time::Duration;

/// Lambda's advice for an SQS event source: "set the source queue's visibility timeout to at
/// least six times the configuration timeout on your function" (so Lambda can retry a batch
/// that was throttled), plus the batching window, during which the first messages of a batch
/// are already invisible
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html,
/// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
pub const VISIBILITY_FACTOR: i64 = 6;

/// Lambda's advice for the source queue's redrive policy: "set the maxReceiveCount on the
/// source queue's redrive policy to at least 5", so that a message survives a few throttles
/// and transient failures before it is set aside
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html).
pub const LEAST_MAX_RECEIVE_COUNT: u32 = 5;

/// RDS states in which the database answers connections.
const DB_SERVING: &[&str] = &[
    "available",
    "backing-up",
    "storage-optimization",
    "configuring-log-exports",
];

/// What the rules need besides the report.
#[derive(Debug, Clone)]
pub struct Thresholds {
    /// A message older than this is an error.
    pub max_message_age: Duration,
    /// `--since` as given, for the fixes that read logs.
    pub since: String,
}

/// Every finding for `report`, errors first.
pub fn findings(report: &StatusReport, thresholds: &Thresholds) -> Vec<Finding> {
    let mut found = Vec::new();
    function_findings(report, &mut found);
    mapping_findings(report, &mut found);
    for queue in &report.queues {
        queue_findings(report, queue, thresholds, &mut found);
    }
    metric_findings(report, thresholds, &mut found);
    database_findings(report, &mut found);
    // Stable: within a severity, the order the components were listed in.
    found.sort_by_key(|f| f.severity);
    found
}

fn finding(severity: Severity, code: &'static str, component: String, message: String, fix: String) -> Finding {
    Finding {
        severity,
        code,
        component,
        message,
        fix,
    }
}

fn function_findings(report: &StatusReport, found: &mut Vec<Finding>) {
    let function = &report.function;
    let component = format!("function {}", function.name);
    let get = format!("aws lambda get-function --function-name {}", function.name);
    match function.state.as_deref() {
        None | Some("Active") => {}
        Some("Pending") => found.push(finding(
            Severity::Info,
            "function-pending",
            component.clone(),
            "the function is being created or updated (State Pending); it cannot be invoked yet".into(),
            format!("wait, then run custctl status again ({get} shows StateReason)"),
        )),
        Some(state) => found.push(finding(
            Severity::Error,
            "function-not-active",
            component.clone(),
            format!(
                "the function is {state}{}: Lambda cannot invoke it",
                reason(function.state_reason.as_deref())
            ),
            format!("{get}; an Inactive function becomes Active on its next invocation (`custctl invoke --id 1 --name probe`)"),
        )),
    }
    if function.last_update_status.as_deref() == Some("Failed") {
        found.push(finding(
            Severity::Error,
            "function-update-failed",
            component,
            format!(
                "the last update of the function failed{}",
                reason(function.last_update_status_reason.as_deref())
            ),
            format!("correct the setting it names and deploy again (sam deploy), or {get}"),
        ));
    }
}

fn reason(text: Option<&str>) -> String {
    text.filter(|t| !t.is_empty())
        .map(|t| format!(" ({t})"))
        .unwrap_or_default()
}

/// The mapping that feeds `queue` to the function, if any.
fn mapping_of<'a>(report: &'a StatusReport, queue: &QueueStatus) -> Option<&'a MappingStatus> {
    let arn = queue.arn.as_deref()?;
    report
        .mappings
        .iter()
        .find(|m| m.event_source_arn.as_deref() == Some(arn))
}

fn mapping_findings(report: &StatusReport, found: &mut Vec<Finding>) {
    let function = &report.function.name;
    for mapping in &report.mappings {
        let component = format!("mapping {}", mapping.uuid);
        let update = format!("aws lambda update-event-source-mapping --uuid {}", mapping.uuid);
        match mapping.state.as_deref() {
            Some("Disabled" | "Disabling") => found.push(finding(
                Severity::Error,
                "mapping-disabled",
                component.clone(),
                format!(
                    "the mapping is {}: nothing takes messages from the queue to {function}",
                    mapping.state.as_deref().unwrap_or_default()
                ),
                format!("{update} --enabled (template: Enabled: true on the function's SQS event)"),
            )),
            Some("Creating" | "Enabling" | "Updating") => found.push(finding(
                Severity::Info,
                "mapping-changing",
                component.clone(),
                format!("the mapping is {}", mapping.state.as_deref().unwrap_or_default()),
                "wait a few seconds and run custctl status again".into(),
            )),
            _ => {}
        }
        if let Some(problem) = mapping
            .last_processing_result
            .as_deref()
            .and_then(|r| r.strip_prefix("PROBLEM"))
        {
            found.push(finding(
                Severity::Error,
                "mapping-failing",
                component.clone(),
                format!(
                    "the mapping's last processing result is a problem:{}",
                    problem.trim_start_matches(':')
                ),
                format!("see what the function logged: custctl logs --since 15m; then check the function's role may receive from the queue ({update} --enabled once fixed)"),
            ));
        }
        if !mapping.report_batch_item_failures {
            found.push(finding(
                Severity::Error,
                "report-batch-item-failures-off",
                component,
                format!(
                    "ReportBatchItemFailures is off: Lambda ignores the batchItemFailures {function} returns and deletes \
                     every message of a batch that did not throw, so a message it could not write is lost"
                ),
                format!("{update} --function-response-types ReportBatchItemFailures (template: FunctionResponseTypes: [ReportBatchItemFailures])"),
            ));
        }
    }
    if report.mappings.is_empty() {
        let queue_arn = report
            .queues
            .first()
            .and_then(|q| q.arn.clone())
            .unwrap_or_else(|| "QUEUE_ARN".into());
        found.push(finding(
            Severity::Error,
            "no-mapping",
            format!("function {function}"),
            "the function has no event source mapping: nothing invokes it with the queue's messages".into(),
            format!(
                "aws lambda create-event-source-mapping --function-name {function} --event-source-arn {queue_arn} \
                 --function-response-types ReportBatchItemFailures (template: an SQS event on the function)"
            ),
        ));
    }
}

fn queue_findings(report: &StatusReport, queue: &QueueStatus, thresholds: &Thresholds, found: &mut Vec<Finding>) {
    let component = format!("queue {}", queue.name);
    let url = queue.url.clone().unwrap_or_else(|| "QUEUE_URL".into());
    let set = format!("aws sqs set-queue-attributes --queue-url {url} --attributes");
    if let Some(error) = &queue.error {
        found.push(finding(
            Severity::Error,
            "queue-unreadable",
            component,
            format!("the queue could not be read: {error}"),
            "check the queue's name (--queue) and that your credentials may call GetQueueAttributes on it".into(),
        ));
        return;
    }
    if !report.mappings.is_empty() && mapping_of(report, queue).is_none() {
        found.push(finding(
            Severity::Warning,
            "queue-not-mapped",
            component.clone(),
            format!("no event source mapping of {} reads this queue", report.function.name),
            format!(
                "aws lambda create-event-source-mapping --function-name {} --event-source-arn {} --function-response-types ReportBatchItemFailures, or pick the queue the function reads with --queue",
                report.function.name,
                queue.arn.as_deref().unwrap_or("QUEUE_ARN")
            ),
        ));
    }

    if let (Some(visibility), Some(timeout)) = (queue.visibility_timeout_seconds, report.function.timeout_seconds) {
        let window = mapping_of(report, queue)
            .and_then(|m| m.batching_window_seconds)
            .unwrap_or(0);
        let wanted = VISIBILITY_FACTOR * i64::from(timeout) + i64::from(window);
        if visibility < wanted {
            // Below the function's timeout, a batch still running becomes visible again and is
            // processed twice; below the advice, only the retries of a throttled batch suffer.
            let severity = if visibility < i64::from(timeout) {
                Severity::Error
            } else {
                Severity::Warning
            };
            found.push(finding(
                severity,
                "visibility-timeout-too-short",
                component.clone(),
                format!(
                    "the visibility timeout is {visibility} s; AWS advises at least {VISIBILITY_FACTOR} x the function's \
                     {timeout} s timeout + the {window} s batching window = {wanted} s"
                ),
                format!("{set} VisibilityTimeout={wanted} (template: parameter VisibilityTimeout={wanted})"),
            ));
        }
    }

    match (&queue.redrive_policy, &queue.unreadable_redrive_policy) {
        (_, Some(text)) => found.push(finding(
            Severity::Error,
            "redrive-policy-unreadable",
            component.clone(),
            format!("the redrive policy is not the JSON SQS writes: {text}"),
            format!(
                "{set} '{{\"RedrivePolicy\":\"{{\\\"deadLetterTargetArn\\\":\\\"DLQ_ARN\\\",\\\"maxReceiveCount\\\":\\\"{LEAST_MAX_RECEIVE_COUNT}\\\"}}\"}}'"
            ),
        )),
        (None, None) => found.push(finding(
            Severity::Error,
            "no-redrive-policy",
            component.clone(),
            "the queue has no redrive policy: a message the function keeps failing is retried until the queue's \
             retention period ends, then deleted without a trace"
                .into(),
            format!(
                "aws sqs create-queue --queue-name {name}-dlq --attributes MessageRetentionPeriod=1209600, then \
                 {set} '{{\"RedrivePolicy\":\"{{\\\"deadLetterTargetArn\\\":\\\"arn:aws:sqs:REGION:ACCOUNT:{name}-dlq\\\",\\\"maxReceiveCount\\\":\\\"{LEAST_MAX_RECEIVE_COUNT}\\\"}}\"}}' \
                 (template: RedrivePolicy on the queue, parameter MaxReceiveCount)",
                name = queue.name
            ),
        )),
        (Some(policy), None) if policy.max_receive_count < LEAST_MAX_RECEIVE_COUNT => found.push(finding(
            Severity::Warning,
            "max-receive-count-low",
            component.clone(),
            format!(
                "maxReceiveCount is {}: a message goes to the DLQ after {} failed receive(s); AWS advises at least {LEAST_MAX_RECEIVE_COUNT}, \
                 so a throttle or a passing failure does not send it there",
                policy.max_receive_count, policy.max_receive_count
            ),
            format!(
                "{set} '{{\"RedrivePolicy\":\"{{\\\"deadLetterTargetArn\\\":\\\"{}\\\",\\\"maxReceiveCount\\\":\\\"{LEAST_MAX_RECEIVE_COUNT}\\\"}}\"}}' \
                 (template: parameter MaxReceiveCount={LEAST_MAX_RECEIVE_COUNT})",
                policy.dead_letter_target_arn
            ),
        )),
        _ => {}
    }

    let limit = thresholds.max_message_age.as_secs_f64();
    if let Some(age) = queue.counts.as_ref().and_then(|c| c.oldest_age_seconds) {
        if age > limit {
            found.push(finding(
                Severity::Error,
                "oldest-message-too-old",
                component.clone(),
                format!(
                    "the oldest message has waited {} (more than --max-message-age {}): the function is not keeping up, or not running",
                    humantime::format_duration(Duration::from_secs(age as u64)),
                    humantime::format_duration(thresholds.max_message_age)
                ),
                format!(
                    "check the mapping is enabled and the function does not fail (custctl logs --since {}); to take more batches at once: \
                     aws lambda update-event-source-mapping --uuid {} --scaling-config MaximumConcurrency=N",
                    thresholds.since,
                    mapping_of(report, queue).map_or("UUID", |m| m.uuid.as_str())
                ),
            ));
        }
    }

    if let Some(dlq) = &queue.dlq {
        let dlq_component = format!("dlq {}", dlq.name);
        match (&dlq.error, &dlq.counts) {
            (Some(error), _) => found.push(finding(
                Severity::Error,
                "dlq-unreadable",
                dlq_component,
                format!("the dead-letter queue could not be read: {error}"),
                format!(
                    "create it (aws sqs create-queue --queue-name {}) or point the redrive policy at one that exists",
                    dlq.name
                ),
            )),
            (None, Some(counts)) if counts.total() > 0 => found.push(finding(
                Severity::Error,
                "dlq-not-empty",
                dlq_component,
                format!(
                    "{} message(s) in the dead-letter queue{}: the function failed them {} times each",
                    counts.total(),
                    counts
                        .oldest_age_seconds
                        .map(|age| format!(
                            ", the oldest for {}",
                            humantime::format_duration(Duration::from_secs(age as u64))
                        ))
                        .unwrap_or_default(),
                    queue.redrive_policy.as_ref().map_or(0, |p| p.max_receive_count)
                ),
                format!(
                    "see each one and the reason the function logged: custctl --queue {} dlq peek; once the cause is fixed, \
                     move them back to the queue: custctl --queue {} dlq redrive",
                    queue.name, queue.name
                ),
            )),
            _ => {}
        }
    }
}

fn metric_findings(report: &StatusReport, thresholds: &Thresholds, found: &mut Vec<Finding>) {
    let metrics = &report.metrics;
    let component = format!("function {}", report.function.name);
    if let Some(errors @ 1..) = metrics.errors {
        found.push(finding(
            Severity::Error,
            "function-errors",
            component.clone(),
            format!(
                "{errors} of {} invocation(s) failed in the last {} ({}): their whole batch went back to the queue",
                metrics.invocations.unwrap_or(0),
                thresholds.since,
                metrics.source
            ),
            format!(
                "custctl logs --since {} --summary, then custctl logs --since {} --filter ERROR",
                thresholds.since, thresholds.since
            ),
        ));
    }
    if let Some(throttles @ 1..) = metrics.throttles {
        found.push(finding(
            Severity::Warning,
            "function-throttled",
            component.clone(),
            format!("{throttles} invocation(s) were throttled in the last {}", thresholds.since),
            format!(
                "lower the mapping's ScalingConfig.MaximumConcurrency below the function's available concurrency \
                 (aws lambda update-event-source-mapping --uuid {} --scaling-config MaximumConcurrency=N), or raise the \
                 account's concurrency quota",
                report.mappings.first().map_or("UUID", |m| m.uuid.as_str())
            ),
        ));
    }
    if metrics.source != "cloudwatch" {
        found.push(finding(
            Severity::Info,
            "metrics-from-logs",
            component,
            format!(
                "invocations and durations come from {}{}",
                if metrics.source == "logs" {
                    "the REPORT lines of the log group"
                } else {
                    "nowhere"
                },
                metrics.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
            ),
            if metrics.note.as_deref().is_some_and(|n| n.starts_with("GetMetricData:")) {
                "status uses CloudWatch wherever GetMetricData answers (it also counts throttles and the queues' \
                 oldest message): on AWS, allow cloudwatch:GetMetricData to these credentials"
            } else {
                "none needed: CloudWatch records no datapoint for a window without invocations"
            }
            .into(),
        ));
    }
}

fn database_findings(report: &StatusReport, found: &mut Vec<Finding>) {
    let database = &report.database;
    let component = format!("database {}", database.identifier);
    if let Some(error) = &database.error {
        found.push(finding(
            Severity::Error,
            "database-unreadable",
            component,
            format!("the database could not be described: {error}"),
            "pick the instance with --db-instance ID (custctl db lists them)".into(),
        ));
        return;
    }
    let status = database.status.as_deref().unwrap_or("unknown");
    if !DB_SERVING.contains(&status) {
        let fix = if status == "stopped" {
            format!(
                "aws rds start-db-instance --db-instance-identifier {}, then custctl db --db-instance {} --wait",
                database.identifier, database.identifier
            )
        } else {
            format!(
                "wait for it: custctl db --db-instance {} --wait (the function's writes fail until then; the messages wait in the queue)",
                database.identifier
            )
        };
        found.push(finding(
            Severity::Error,
            "database-not-available",
            component,
            format!("the database is {status}, not available"),
            fix,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::report::*;
    use super::*;

    fn healthy() -> StatusReport {
        StatusReport {
            checked_at: "2026-12-01T00:00:00Z".into(),
            window: Window {
                since: "1h".into(),
                from: String::new(),
                to: String::new(),
            },
            function: FunctionStatus {
                name: "customer-ingest".into(),
                arn: None,
                state: Some("Active".into()),
                state_reason: None,
                last_update_status: Some("Successful".into()),
                last_update_status_reason: None,
                runtime: Some("provided.al2023".into()),
                architectures: vec!["arm64".into()],
                memory_mb: Some(128),
                timeout_seconds: Some(30),
                vpc_id: None,
                subnets: vec![],
                security_groups: vec![],
                log_group: "/aws/lambda/customer-ingest".into(),
            },
            mappings: vec![MappingStatus {
                uuid: "u1".into(),
                event_source_arn: Some("arn:aws:sqs:r:1:customers".into()),
                state: Some("Enabled".into()),
                state_transition_reason: None,
                batch_size: Some(10),
                batching_window_seconds: Some(0),
                maximum_concurrency: Some(5),
                report_batch_item_failures: true,
                last_processing_result: Some("OK".into()),
            }],
            queues: vec![QueueStatus {
                name: "customers".into(),
                url: Some("https://q/1/customers".into()),
                arn: Some("arn:aws:sqs:r:1:customers".into()),
                error: None,
                counts: Some(QueueCounts::default()),
                visibility_timeout_seconds: Some(180),
                redrive_policy: Some(RedrivePolicy {
                    dead_letter_target_arn: "arn:aws:sqs:r:1:customers-dlq".into(),
                    max_receive_count: 5,
                }),
                unreadable_redrive_policy: None,
                dlq: Some(DlqStatus {
                    name: "customers-dlq".into(),
                    url: None,
                    arn: "arn:aws:sqs:r:1:customers-dlq".into(),
                    error: None,
                    counts: Some(QueueCounts::default()),
                }),
            }],
            metrics: MetricsStatus {
                source: "cloudwatch",
                invocations: Some(3),
                errors: Some(0),
                throttles: Some(0),
                ..MetricsStatus::default()
            },
            database: DatabaseStatus {
                identifier: "customers-db".into(),
                status: Some("available".into()),
                endpoint: None,
                error: None,
            },
            findings: vec![],
            healthy: true,
        }
    }

    fn thresholds() -> Thresholds {
        Thresholds {
            max_message_age: Duration::from_secs(900),
            since: "1h".into(),
        }
    }

    fn codes(report: &StatusReport) -> Vec<(&'static str, Severity)> {
        findings(report, &thresholds())
            .into_iter()
            .map(|f| (f.code, f.severity))
            .collect()
    }

    #[test]
    fn a_healthy_pipeline_has_no_finding() {
        assert_eq!(codes(&healthy()), []);
    }

    #[test]
    fn the_visibility_timeout_rule_counts_the_batching_window() {
        let mut report = healthy();
        report.mappings[0].batching_window_seconds = Some(5);
        let found = findings(&report, &thresholds());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "visibility-timeout-too-short");
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].fix.contains("VisibilityTimeout=185"), "{}", found[0].fix);
        // Below the function's own timeout a running batch is delivered twice: an error.
        report.queues[0].visibility_timeout_seconds = Some(20);
        assert_eq!(codes(&report), [("visibility-timeout-too-short", Severity::Error)]);
    }

    #[test]
    fn redrive_rules() {
        let mut report = healthy();
        report.queues[0].redrive_policy.as_mut().unwrap().max_receive_count = 3;
        assert_eq!(codes(&report), [("max-receive-count-low", Severity::Warning)]);
        report.queues[0].redrive_policy = None;
        report.queues[0].dlq = None;
        let found = findings(&report, &thresholds());
        assert_eq!(found[0].code, "no-redrive-policy");
        assert!(found[0].fix.contains("customers-dlq"), "{}", found[0].fix);
    }

    #[test]
    fn mapping_rules() {
        let mut report = healthy();
        report.mappings[0].state = Some("Disabled".into());
        report.mappings[0].report_batch_item_failures = false;
        report.mappings[0].last_processing_result = Some("PROBLEM: Function call failed".into());
        let found = findings(&report, &thresholds());
        let mut found: Vec<&str> = found.iter().map(|f| f.code).collect();
        found.sort_unstable();
        assert_eq!(
            found,
            ["mapping-disabled", "mapping-failing", "report-batch-item-failures-off"]
        );
        report.mappings.clear();
        assert_eq!(codes(&report), [("no-mapping", Severity::Error)]);
    }

    #[test]
    fn dlq_age_metrics_and_database_rules() {
        let mut report = healthy();
        report.queues[0].dlq.as_mut().unwrap().counts.as_mut().unwrap().visible = 2;
        report.queues[0].counts.as_mut().unwrap().oldest_age_seconds = Some(901.0);
        report.metrics.errors = Some(1);
        report.metrics.throttles = Some(4);
        report.database.status = Some("stopped".into());
        let found = findings(&report, &thresholds());
        let codes: Vec<(&str, Severity)> = found.iter().map(|f| (f.code, f.severity)).collect();
        assert_eq!(
            codes,
            [
                ("oldest-message-too-old", Severity::Error),
                ("dlq-not-empty", Severity::Error),
                ("function-errors", Severity::Error),
                ("database-not-available", Severity::Error),
                ("function-throttled", Severity::Warning),
            ]
        );
        let stopped = found.iter().find(|f| f.code == "database-not-available").unwrap();
        assert!(stopped.fix.starts_with("aws rds start-db-instance"), "{}", stopped.fix);
    }
}
