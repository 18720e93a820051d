//! The table form of a status report: one titled table per component, then the findings.
//! Every text AWS returned is shown through [`visible`], so a hostile queue name, state reason
//! or processing result cannot steer the terminal.

use super::report::{QueueCounts, StatusReport};
use crate::output::{self, Render, Section};
use crate::terminal::visible;
use std::time::Duration;

fn dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| visible(&v.to_string()).into_owned())
}

fn age(seconds: Option<f64>) -> String {
    match seconds {
        Some(seconds) => humantime::format_duration(Duration::from_secs(seconds.max(0.0) as u64)).to_string(),
        None => "-".into(),
    }
}

fn pairs(rows: Vec<(&str, String)>) -> Vec<Vec<String>> {
    rows.into_iter().map(|(k, v)| vec![k.to_string(), v]).collect()
}

fn queue_row(kind: &str, name: &str, counts: Option<&QueueCounts>, error: Option<&String>) -> Vec<String> {
    let mut row = vec![kind.to_string(), visible(name).into_owned()];
    match (counts, error) {
        (Some(c), _) => row.extend([
            c.visible.to_string(),
            c.in_flight.to_string(),
            c.delayed.to_string(),
            age(c.oldest_age_seconds),
        ]),
        (None, error) => {
            row.push(format!("unreadable: {}", dash(error)));
            row.extend(["-".into(), "-".into(), "-".into()]);
        }
    }
    row
}

impl Render for StatusReport {
    /// The findings alone (the sections below are what a table shows).
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = output::header(&["severity", "component", "finding", "fix"]);
        let rows = self
            .findings
            .iter()
            .map(|f| {
                vec![
                    f.severity.as_str().to_string(),
                    visible(&f.component).into_owned(),
                    visible(&f.message).into_owned(),
                    visible(&f.fix).into_owned(),
                ]
            })
            .collect();
        (header, rows)
    }

    fn sections(&self) -> Vec<Section> {
        let f = &self.function;
        let vpc = match &f.vpc_id {
            Some(vpc) => format!(
                "{vpc} ({} subnets, {} security groups)",
                f.subnets.len(),
                f.security_groups.len()
            ),
            None => "none".into(),
        };
        let function = Section {
            title: format!("function {}", visible(&f.name)),
            header: Vec::new(),
            rows: pairs(vec![
                (
                    "state",
                    match &f.state_reason {
                        Some(reason) => format!("{} ({})", dash(f.state.as_ref()), visible(reason)),
                        None => dash(f.state.as_ref()),
                    },
                ),
                ("last update", dash(f.last_update_status.as_ref())),
                ("runtime", dash(f.runtime.as_ref())),
                ("architecture", visible(&f.architectures.join(", ")).into_owned()),
                ("memory", dash(f.memory_mb.map(|m| format!("{m} MB")))),
                ("timeout", dash(f.timeout_seconds.map(|t| format!("{t} s")))),
                ("vpc", visible(&vpc).into_owned()),
                ("log group", visible(&f.log_group).into_owned()),
            ]),
        };

        let mappings = Section {
            title: "event source mappings".into(),
            header: output::header(&[
                "uuid",
                "queue",
                "state",
                "batch",
                "window",
                "max concurrency",
                "ReportBatchItemFailures",
                "last result",
            ]),
            rows: self
                .mappings
                .iter()
                .map(|m| {
                    vec![
                        visible(&m.uuid).into_owned(),
                        dash(m.event_source_arn.as_deref().map(|a| a.rsplit(':').next().unwrap_or(a))),
                        dash(m.state.as_ref()),
                        dash(m.batch_size),
                        dash(m.batching_window_seconds.map(|w| format!("{w} s"))),
                        dash(m.maximum_concurrency),
                        if m.report_batch_item_failures { "on" } else { "off" }.into(),
                        dash(m.last_processing_result.as_ref()),
                    ]
                })
                .collect(),
        };

        let mut queue_rows = Vec::new();
        for q in &self.queues {
            let mut row = queue_row("queue", &q.name, q.counts.as_ref(), q.error.as_ref());
            row.push(dash(q.visibility_timeout_seconds.map(|v| format!("{v} s"))));
            row.push(match (&q.redrive_policy, &q.unreadable_redrive_policy) {
                (Some(p), _) => format!(
                    "to {} after {} receives",
                    visible(p.dead_letter_target_arn.rsplit(':').next().unwrap_or_default()),
                    p.max_receive_count
                ),
                (None, Some(_)) => "unreadable".into(),
                (None, None) => "none".into(),
            });
            queue_rows.push(row);
            if let Some(dlq) = &q.dlq {
                let mut row = queue_row("dlq", &dlq.name, dlq.counts.as_ref(), dlq.error.as_ref());
                row.extend(["-".into(), "-".into()]);
                queue_rows.push(row);
            }
        }
        let queues = Section {
            title: "queues".into(),
            header: output::header(&[
                "",
                "name",
                "visible",
                "in flight",
                "delayed",
                "oldest",
                "visibility timeout",
                "redrive",
            ]),
            rows: queue_rows,
        };

        let m = &self.metrics;
        let ms = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.2} ms"));
        let metrics = Section {
            title: format!(
                "invocations, last {} (from {})",
                visible(&self.window.since),
                match m.source {
                    "cloudwatch" => "CloudWatch metrics",
                    "logs" => "the log group's REPORT lines",
                    _ => "nowhere: unavailable",
                }
            ),
            header: Vec::new(),
            rows: pairs(vec![
                ("invocations", dash(m.invocations)),
                ("errors", dash(m.errors)),
                (
                    "throttles",
                    m.throttles
                        .map_or("- (only CloudWatch counts them)".into(), |t| t.to_string()),
                ),
                ("duration p50", ms(m.duration_p50_ms)),
                ("duration p95", ms(m.duration_p95_ms)),
            ]),
        };

        let d = &self.database;
        let database = Section {
            title: format!("database {}", visible(&d.identifier)),
            header: Vec::new(),
            rows: pairs(vec![
                (
                    "status",
                    match &d.error {
                        Some(error) => format!("unreadable: {}", visible(error)),
                        None => dash(d.status.as_ref()),
                    },
                ),
                ("endpoint", dash(d.endpoint.as_ref())),
            ]),
        };

        let (header, rows) = self.rows();
        let findings = if rows.is_empty() {
            Section {
                title: "findings: none, the pipeline is healthy".into(),
                header: Vec::new(),
                rows: Vec::new(),
            }
        } else {
            Section {
                title: format!(
                    "findings ({})",
                    if self.healthy {
                        "healthy: no error"
                    } else {
                        "NOT healthy"
                    }
                ),
                header,
                rows,
            }
        };
        vec![function, mappings, queues, metrics, database, findings]
    }
}
