//! Asks AWS about each part of the pipeline, starting from the function's name: GetFunction,
//! then its event source mappings (ListEventSourceMappings), the queues they read and those
//! queues' dead-letter queues (GetQueueAttributes), the database (DescribeDBInstances), and
//! the metrics (see [`super::metrics`]). Independent calls run at once. A part that cannot be
//! read becomes an `error` in the report, not the end of the command: the rest still tells
//! the operator something. Only an unknown function is bad input.

use super::metrics::{self, MetricTargets};
use super::report::{
    DatabaseStatus, DlqStatus, FunctionStatus, MappingStatus, QueueCounts, QueueStatus, RedrivePolicy, StatusReport,
    Window,
};
use crate::aws;
use crate::commands::invoke::event::is_queue_url;
use crate::commands::logs::times::instant;
use crate::config::Settings;
use crate::error::InputError;
use anyhow::{anyhow, Result};
use aws_config::SdkConfig;
use aws_sdk_sqs::types::QueueAttributeName;
use std::collections::HashMap;

/// Every client `status` uses, built once from the one factory's configuration.
pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    pub sqs: aws_sdk_sqs::Client,
    rds: aws_sdk_rds::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
}

impl Clients {
    pub fn new(config: &SdkConfig) -> Clients {
        Clients {
            lambda: aws_sdk_lambda::Client::new(config),
            sqs: aws_sdk_sqs::Client::new(config),
            rds: aws_sdk_rds::Client::new(config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(config),
            logs: aws_sdk_cloudwatchlogs::Client::new(config),
        }
    }
}

/// What to look at, without clap.
#[derive(Debug, Clone)]
pub struct Scope {
    pub function: String,
    /// The queue named with --queue / CUSTCTL_QUEUE, looked at besides the mappings' queues.
    pub named_queue: Option<String>,
    /// The queue to look at when the function has no SQS mapping (the configured one).
    pub fallback_queue: String,
    pub db_instance: String,
    /// `--db-instance ID` and where ID came from (a flag, a variable, the config file).
    pub db_instance_cited: String,
    /// `--since` as given, and the window it means (ms since the epoch).
    pub since: String,
    pub start_ms: i64,
    pub end_ms: i64,
}

impl Scope {
    pub fn new(settings: &Settings, named_queue: Option<String>, since: String, start_ms: i64, end_ms: i64) -> Scope {
        Scope {
            function: settings.function.clone(),
            named_queue,
            fallback_queue: settings.queue.clone(),
            db_instance: settings.db_instance.clone(),
            db_instance_cited: settings.cite_db_instance(),
            since,
            start_ms,
            end_ms,
        }
    }
}

/// One look at everything; the findings are left empty for [`super::findings`].
pub async fn gather(clients: &Clients, scope: &Scope) -> Result<StatusReport> {
    let (function, mappings, database) = tokio::join!(
        function(clients, &scope.function),
        mappings(clients, &scope.function),
        database(clients, &scope.db_instance, &scope.db_instance_cited),
    );
    let function = function?;
    let mappings = mappings?;

    let mut targets: Vec<String> = mappings
        .iter()
        .filter_map(|m| m.event_source_arn.clone())
        .filter(|arn| arn.split(':').nth(2) == Some("sqs"))
        .collect();
    if let Some(named) = &scope.named_queue {
        if !targets.iter().any(|arn| same_queue(arn, named)) {
            targets.push(named.clone());
        }
    }
    if targets.is_empty() {
        targets.push(scope.fallback_queue.clone());
    }
    let mut queues = futures::future::join_all(targets.iter().map(|target| queue(clients, target))).await;

    let metric_targets = MetricTargets {
        function: scope.function.clone(),
        log_group: function.log_group.clone(),
        queues: queues
            .iter()
            .flat_map(|q| std::iter::once(q.name.clone()).chain(q.dlq.as_ref().map(|d| d.name.clone())))
            .collect(),
        start_ms: scope.start_ms,
        end_ms: scope.end_ms,
    };
    let (metrics, ages) = metrics::gather(&clients.cloudwatch, &clients.logs, &metric_targets).await;
    for queue in &mut queues {
        if let Some(counts) = &mut queue.counts {
            counts.oldest_age_seconds = ages.get(&queue.name).copied();
        }
        if let Some(dlq) = &mut queue.dlq {
            let age = ages.get(&dlq.name).copied();
            if let Some(counts) = &mut dlq.counts {
                counts.oldest_age_seconds = age;
            }
        }
    }

    Ok(StatusReport {
        checked_at: instant(scope.end_ms),
        window: Window {
            since: scope.since.clone(),
            from: instant(scope.start_ms),
            to: instant(scope.end_ms),
        },
        function,
        mappings,
        queues,
        metrics,
        database,
        findings: Vec::new(),
        healthy: true,
    })
}

/// Whether the queue ARN `arn` is the queue `named` (a name or a URL) names.
fn same_queue(arn: &str, named: &str) -> bool {
    queue_name(named) == arn.rsplit(':').next().unwrap_or_default()
}

/// The name of a queue given by name, URL or ARN.
fn queue_name(queue: &str) -> &str {
    if is_queue_url(queue) {
        queue.trim_end_matches('/').rsplit('/').next().unwrap_or(queue)
    } else if queue.starts_with("arn:") {
        queue.rsplit(':').next().unwrap_or(queue)
    } else {
        queue
    }
}

async fn function(clients: &Clients, name: &str) -> Result<FunctionStatus> {
    let answer = match clients.lambda.get_function().function_name(name).send().await {
        Ok(answer) => answer,
        Err(err) => {
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception())
            {
                let hint = crate::commands::invoke::similar_functions(&clients.lambda, name).await;
                return Err(InputError(format!("--function {name}: no such function; {hint}")).into());
            }
            return Err(anyhow!("GetFunction {name}: {}", aws::describe_sdk_error(&err)));
        }
    };
    let config = answer.configuration();
    let vpc = config.and_then(|c| c.vpc_config());
    let text = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(str::to_string);
    Ok(FunctionStatus {
        name: name.to_string(),
        arn: text(config.and_then(|c| c.function_arn())),
        state: config.and_then(|c| c.state()).map(|s| s.as_str().to_string()),
        state_reason: text(config.and_then(|c| c.state_reason())),
        last_update_status: config
            .and_then(|c| c.last_update_status())
            .map(|s| s.as_str().to_string()),
        last_update_status_reason: text(config.and_then(|c| c.last_update_status_reason())),
        runtime: config.and_then(|c| c.runtime()).map(|r| r.as_str().to_string()),
        architectures: config
            .map(|c| c.architectures().iter().map(|a| a.as_str().to_string()).collect())
            .unwrap_or_default(),
        memory_mb: config.and_then(|c| c.memory_size()),
        timeout_seconds: config.and_then(|c| c.timeout()),
        vpc_id: text(vpc.and_then(|v| v.vpc_id())),
        subnets: vpc.map(|v| v.subnet_ids().to_vec()).unwrap_or_default(),
        security_groups: vpc.map(|v| v.security_group_ids().to_vec()).unwrap_or_default(),
        log_group: text(config.and_then(|c| c.logging_config()).and_then(|l| l.log_group()))
            .unwrap_or_else(|| format!("/aws/lambda/{name}")),
    })
}

async fn mappings(clients: &Clients, function: &str) -> Result<Vec<MappingStatus>> {
    let mut pages = clients
        .lambda
        .list_event_source_mappings()
        .function_name(function)
        .into_paginator()
        .items()
        .send();
    let mut mappings = Vec::new();
    while let Some(mapping) = pages.next().await {
        // An unknown function was already refused by GetFunction, which runs beside this.
        let mapping = mapping.map_err(|e| anyhow!("ListEventSourceMappings: {}", aws::describe_sdk_error(&e)))?;
        mappings.push(MappingStatus {
            uuid: mapping.uuid().unwrap_or_default().to_string(),
            event_source_arn: mapping.event_source_arn().map(str::to_string),
            state: mapping.state().map(str::to_string),
            state_transition_reason: mapping.state_transition_reason().map(str::to_string),
            batch_size: mapping.batch_size(),
            batching_window_seconds: mapping.maximum_batching_window_in_seconds(),
            maximum_concurrency: mapping.scaling_config().and_then(|s| s.maximum_concurrency()),
            report_batch_item_failures: mapping
                .function_response_types()
                .iter()
                .any(|t| t.as_str() == "ReportBatchItemFailures"),
            last_processing_result: mapping.last_processing_result().map(str::to_string),
        });
    }
    Ok(mappings)
}

/// A queue's URL: as given, or asked for by name (and account, from an ARN).
pub(crate) async fn queue_url(clients: &Clients, target: &str) -> Result<String, String> {
    if is_queue_url(target) {
        return Ok(target.to_string());
    }
    let mut request = clients.sqs.get_queue_url().queue_name(queue_name(target));
    if target.starts_with("arn:") {
        if let Some(account) = target.split(':').nth(4).filter(|a| !a.is_empty()) {
            request = request.queue_owner_aws_account_id(account);
        }
    }
    request
        .send()
        .await
        .map_err(|e| format!("GetQueueUrl: {}", aws::describe_sdk_error(&e)))?
        .queue_url
        .ok_or_else(|| "GetQueueUrl answered without a QueueUrl".to_string())
}

/// Every attribute of the queue at `url`.
pub(crate) async fn attributes(clients: &Clients, url: &str) -> Result<HashMap<QueueAttributeName, String>, String> {
    clients
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .map(|answer| answer.attributes.unwrap_or_default())
        .map_err(|e| format!("GetQueueAttributes: {}", aws::describe_sdk_error(&e)))
}

pub(crate) fn counts(attributes: &HashMap<QueueAttributeName, String>) -> QueueCounts {
    let count = |name: QueueAttributeName| attributes.get(&name).and_then(|v| v.parse().ok()).unwrap_or(0);
    QueueCounts {
        visible: count(QueueAttributeName::ApproximateNumberOfMessages),
        in_flight: count(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
        delayed: count(QueueAttributeName::ApproximateNumberOfMessagesDelayed),
        oldest_age_seconds: None,
    }
}

/// A RedrivePolicy attribute: SQS writes `maxReceiveCount` as a number, and accepts (and some
/// tools write) a string of digits.
pub fn parse_redrive_policy(text: &str) -> Option<RedrivePolicy> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let arn = value.get("deadLetterTargetArn")?.as_str()?.to_string();
    let count = match value.get("maxReceiveCount")? {
        serde_json::Value::Number(n) => n.as_u64()?,
        serde_json::Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    Some(RedrivePolicy {
        dead_letter_target_arn: arn,
        max_receive_count: u32::try_from(count).ok()?,
    })
}

async fn queue(clients: &Clients, target: &str) -> QueueStatus {
    let mut status = QueueStatus {
        name: queue_name(target).to_string(),
        url: None,
        arn: target.starts_with("arn:").then(|| target.to_string()),
        error: None,
        counts: None,
        visibility_timeout_seconds: None,
        redrive_policy: None,
        unreadable_redrive_policy: None,
        dlq: None,
    };
    let read = async {
        let url = queue_url(clients, target).await?;
        status.url = Some(url.clone());
        attributes(clients, &url).await
    };
    let attributes = match read.await {
        Ok(attributes) => attributes,
        Err(error) => {
            status.error = Some(error);
            return status;
        }
    };
    status.arn = attributes.get(&QueueAttributeName::QueueArn).cloned().or(status.arn);
    status.counts = Some(counts(&attributes));
    status.visibility_timeout_seconds = attributes
        .get(&QueueAttributeName::VisibilityTimeout)
        .and_then(|v| v.parse().ok());
    if let Some(text) = attributes
        .get(&QueueAttributeName::RedrivePolicy)
        .filter(|t| !t.trim().is_empty())
    {
        match parse_redrive_policy(text) {
            Some(policy) => status.redrive_policy = Some(policy),
            None => status.unreadable_redrive_policy = Some(text.chars().take(200).collect()),
        }
    }
    if let Some(policy) = &status.redrive_policy {
        status.dlq = Some(dlq(clients, &policy.dead_letter_target_arn).await);
    }
    status
}

async fn dlq(clients: &Clients, arn: &str) -> DlqStatus {
    let mut status = DlqStatus {
        name: queue_name(arn).to_string(),
        url: None,
        arn: arn.to_string(),
        error: None,
        counts: None,
    };
    match queue_url(clients, arn).await {
        Ok(url) => {
            match attributes(clients, &url).await {
                Ok(attributes) => status.counts = Some(counts(&attributes)),
                Err(error) => status.error = Some(error),
            }
            status.url = Some(url);
        }
        Err(error) => status.error = Some(error),
    }
    status
}

async fn database(clients: &Clients, identifier: &str, cited: &str) -> DatabaseStatus {
    match crate::commands::db::find(&clients.rds, identifier, cited).await {
        Ok(found) => DatabaseStatus {
            identifier: identifier.to_string(),
            status: Some(found.status.clone()),
            endpoint: found.endpoint.as_ref().map(|host| match found.port {
                Some(port) => format!("{host}:{port}"),
                None => host.clone(),
            }),
            error: None,
        },
        Err(error) => DatabaseStatus {
            identifier: identifier.to_string(),
            status: None,
            endpoint: None,
            error: Some(format!("{error:#}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_names_from_names_urls_and_arns() {
        assert_eq!(queue_name("customers"), "customers");
        assert_eq!(
            queue_name("https://sqs.eu-west-1.amazonaws.com/1/customers"),
            "customers"
        );
        assert_eq!(queue_name("arn:aws:sqs:eu-west-1:1:customers-dlq"), "customers-dlq");
        assert!(same_queue(
            "arn:aws:sqs:r:1:customers",
            "http://127.0.0.1:4566/1/customers"
        ));
    }

    #[test]
    fn redrive_policies_as_sqs_writes_them_and_as_tools_do() {
        let want = RedrivePolicy {
            dead_letter_target_arn: "arn:aws:sqs:r:1:d".into(),
            max_receive_count: 5,
        };
        assert_eq!(
            parse_redrive_policy(r#"{"deadLetterTargetArn":"arn:aws:sqs:r:1:d","maxReceiveCount":5}"#),
            Some(want.clone())
        );
        assert_eq!(
            parse_redrive_policy(r#"{"maxReceiveCount":"5","deadLetterTargetArn":"arn:aws:sqs:r:1:d"}"#),
            Some(want)
        );
        for bad in [
            "",
            "[]",
            r#"{"deadLetterTargetArn":"a"}"#,
            r#"{"deadLetterTargetArn":"a","maxReceiveCount":-1}"#,
            r#"{"deadLetterTargetArn":"a","maxReceiveCount":99999999999}"#,
        ] {
            assert_eq!(parse_redrive_policy(bad), None, "{bad}");
        }
    }
}
