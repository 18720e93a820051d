//! `custctl dlq redrive [--to QUEUE] [--max-per-second N]`: moves every message of the
//! dead-letter queue back to `--queue` (or to `--to`) with one SQS message move task, the
//! console's "DLQ redrive", and shows its progress until SQS says it is over. SQS moves the
//! messages itself; custctl starts the task, follows it, and cancels it on Ctrl-C.
//!
//! The three calls, as their API references describe them:
//! - StartMessageMoveTask
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html>):
//!   `SourceArn` is the DLQ's; `DestinationArn` is always given, the ARN of `--queue` or
//!   `--to` (left out, each message would go back to "their respective original source
//!   queues", and one that was sent to the DLQ by hand has none, which fails the task);
//!   `MaxNumberOfMessagesPerSecond` is 1 to 500, left out "the system will optimize the rate";
//!   "only one active message movement task is supported per queue at any given time".
//! - ListMessageMoveTasks
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html>):
//!   the source's most recent tasks, newest first; each with `Status` (RUNNING, COMPLETED,
//!   CANCELLING, CANCELLED, FAILED), `ApproximateNumberOfMessagesMoved` and `...ToMove`,
//!   `FailureReason` when it failed, and `TaskHandle` only while it runs.
//! - CancelMessageMoveTask
//!   (<https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CancelMessageMoveTask.html>):
//!   only a RUNNING task; it "does not revert the messages that have already been moved".

use super::Dlq;
use crate::aws;
use crate::commands::logs::times::instant;
use crate::commands::send::EXIT_INTERRUPTED;
use crate::commands::status::gather::{attributes, counts, queue_url, Clients};
use crate::config::Settings;
use crate::error::InputError;
use crate::output::{self, Render};
use crate::progress::Progress;
use crate::terminal::visible;
use anyhow::{anyhow, Context, Result};
use aws_sdk_sqs::types::{ListMessageMoveTasksResultEntry, QueueAttributeName};
use futures::FutureExt;
use serde::Serialize;
use std::process::ExitCode;
use std::time::Duration;
use tokio::signal::unix::{signal, Signal, SignalKind};

const COMPLETED: &str = "COMPLETED";
const FAILED: &str = "FAILED";
const CANCELLED: &str = "CANCELLED";
/// The slowest the task is polled: "about every second".
const POLL_EVERY: Duration = Duration::from_secs(1);
/// The first poll: a small DLQ is moved in well under a second, so the polls start fast and
/// slow down to [`POLL_EVERY`].
const FIRST_POLL: Duration = Duration::from_millis(100);
/// Polls that may fail in a row before custctl gives up following (the task goes on in SQS).
const POLL_FAILURES: u32 = 5;
/// How long a cancelled task may take to say CANCELLED before custctl stops waiting.
const CANCEL_WAIT: Duration = Duration::from_secs(30);

/// Where the task stands: what the report shows.
#[derive(Debug, Clone, Serialize)]
pub struct RedriveReport {
    pub dlq: String,
    pub destination: String,
    pub task_handle: String,
    /// As SQS spells it: RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED.
    pub status: String,
    pub moved: u64,
    /// SQS counts it when the task starts; `null` until it has.
    pub to_move: Option<u64>,
    pub failure_reason: Option<String>,
}

impl RedriveReport {
    fn update(&mut self, entry: &ListMessageMoveTasksResultEntry) {
        if let Some(status) = entry.status() {
            self.status = status.to_string();
        }
        self.moved = entry.approximate_number_of_messages_moved().max(0) as u64;
        if let Some(to_move) = entry.approximate_number_of_messages_to_move() {
            self.to_move = Some(to_move.max(0) as u64);
        }
        self.failure_reason = entry.failure_reason().map(str::to_string);
    }

    fn is_over(&self) -> bool {
        is_over(&self.status)
    }
}

fn is_over(status: &str) -> bool {
    [COMPLETED, FAILED, CANCELLED].contains(&status)
}

impl Render for RedriveReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = output::header(&["dlq", "destination", "status", "moved", "to move", "failure reason"]);
        let row = vec![
            visible(&self.dlq).into_owned(),
            visible(&self.destination).into_owned(),
            visible(&self.status).into_owned(),
            self.moved.to_string(),
            self.to_move.map_or(String::new(), |n| n.to_string()),
            self.failure_reason
                .as_deref()
                .map_or(String::new(), |r| visible(r).into_owned()),
        ];
        (header, vec![row])
    }
}

/// The queue the messages go to.
struct Destination {
    name: String,
    arn: String,
}

pub async fn redrive(
    clients: &Clients,
    settings: &Settings,
    dlq: &Dlq,
    to: Option<&str>,
    max_per_second: Option<u32>,
) -> Result<ExitCode> {
    // Listening before the task exists: a Ctrl-C from here on cancels the task (or starts
    // none), instead of ending custctl with a task running that nobody follows.
    let mut interrupts = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
    let destination = destination(clients, settings, dlq, to).await?;
    let dlq_counts = counts(
        &attributes(clients, &dlq.url)
            .await
            .map_err(|e| anyhow!("the dead-letter queue {}: {e}", visible(&dlq.name)))?,
    );
    if dlq_counts.visible == 0 {
        if !settings.quiet {
            let in_flight = match dlq_counts.in_flight {
                0 => String::new(),
                n => format!(" ({n} in flight, held by a consumer: they move once visible again)"),
            };
            eprintln!(
                "note: the dead-letter queue {} has no visible message{in_flight}: nothing to redrive, no task started",
                visible(&dlq.name)
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let before = latest_task(clients, dlq).await?;
    if let Some(active) = before.as_ref().filter(|t| t.status().is_some_and(|s| !is_over(s))) {
        return Err(already_running(dlq, active));
    }
    if interrupts.recv().now_or_never().is_some() {
        eprintln!("custctl: interrupted before the move task was started: nothing moved");
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }

    let started = clients
        .sqs
        .start_message_move_task()
        .source_arn(&dlq.arn)
        .destination_arn(&destination.arn)
        .set_max_number_of_messages_per_second(max_per_second.map(|n| n as i32))
        .send()
        .await;
    let handle = match started {
        Ok(answer) => answer.task_handle.unwrap_or_default(),
        Err(err) => {
            // Another task may have started since the look above: say which.
            if let Ok(Some(active)) = latest_task(clients, dlq).await {
                if active.status().is_some_and(|s| !is_over(s)) {
                    return Err(already_running(dlq, &active));
                }
            }
            return Err(anyhow!(
                "StartMessageMoveTask from {} to {}: {}",
                visible(&dlq.name),
                visible(&destination.name),
                aws::describe_sdk_error(&err)
            ));
        }
    };
    let mut report = RedriveReport {
        dlq: dlq.name.clone(),
        destination: destination.name.clone(),
        task_handle: handle,
        status: "RUNNING".into(),
        moved: 0,
        to_move: None,
        failure_reason: None,
    };
    let task = Task {
        clients,
        dlq,
        before: before.map(|t| (t.started_timestamp(), t.approximate_number_of_messages_moved())),
    };
    let progress = Progress::bar(settings.quiet, dlq_counts.visible, "messages");
    progress.set_message(format!(
        "moving {} to {}",
        visible(&dlq.name),
        visible(&destination.name)
    ));
    let interrupted = task.follow(&mut report, &progress, &mut interrupts).await?;
    if interrupted {
        progress.note("custctl: interrupted; cancelling the move task (Ctrl-C again to stop waiting)");
        task.cancel(&mut report, &progress, &mut interrupts).await;
    }
    progress.clear();
    output::print(settings.output, &report)?;
    if interrupted {
        return Ok(ExitCode::from(EXIT_INTERRUPTED));
    }
    Ok(match report.status.as_str() {
        COMPLETED => ExitCode::SUCCESS,
        FAILED => {
            eprintln!(
                "error: the move task failed: {}; the messages not moved stay in {}",
                report
                    .failure_reason
                    .as_deref()
                    .map_or("(SQS gave no reason)".into(), visible),
                visible(&dlq.name)
            );
            ExitCode::FAILURE
        }
        _ => {
            eprintln!(
                "error: the move task ended {} (cancelled elsewhere); the messages not moved stay in {}",
                visible(&report.status),
                visible(&dlq.name)
            );
            ExitCode::FAILURE
        }
    })
}

/// The ARN of `--to`, else of `--queue`; a queue that is not there, or is the DLQ itself, is bad input.
async fn destination(clients: &Clients, settings: &Settings, dlq: &Dlq, to: Option<&str>) -> Result<Destination> {
    let (cited, queue) = match to {
        Some(queue) => (format!("--to {}", visible(queue)), queue),
        None => (settings.cite_queue(), settings.queue.as_str()),
    };
    let url = queue_url(clients, queue)
        .await
        .map_err(|e| InputError(format!("{cited}: {e}")))?;
    let arn = attributes(clients, &url)
        .await
        .map_err(|e| anyhow!("{cited}: {e}"))?
        .remove(&QueueAttributeName::QueueArn)
        .ok_or_else(|| anyhow!("{cited}: GetQueueAttributes answered without its QueueArn"))?;
    if arn == dlq.arn {
        return Err(InputError(format!(
            "{cited} is the dead-letter queue itself: redrive moves messages out of it (name another queue with --to)"
        ))
        .into());
    }
    let name = arn.rsplit(':').next().unwrap_or(&arn).to_string();
    Ok(Destination { name, arn })
}

/// The DLQ's most recent move task, if it has had one.
async fn latest_task(clients: &Clients, dlq: &Dlq) -> Result<Option<ListMessageMoveTasksResultEntry>> {
    let answer = clients
        .sqs
        .list_message_move_tasks()
        .source_arn(&dlq.arn)
        .max_results(1)
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "ListMessageMoveTasks of {}: {}",
                visible(&dlq.name),
                aws::describe_sdk_error(&e)
            )
        })?;
    Ok(answer.results.unwrap_or_default().into_iter().next())
}

/// SQS allows one active task per source queue: the one there is, and how to be rid of it.
fn already_running(dlq: &Dlq, task: &ListMessageMoveTasksResultEntry) -> anyhow::Error {
    let status = task.status().unwrap_or_default();
    let of = task
        .approximate_number_of_messages_to_move()
        .map_or(String::new(), |n| format!(" of {n}"));
    let what_to_do = match task.task_handle() {
        Some(handle) => format!(
            "wait for it to end, or cancel it: aws sqs cancel-message-move-task --task-handle {}",
            visible(handle)
        ),
        None => "wait for it to end".to_string(),
    };
    anyhow!(
        "a message move task of the dead-letter queue {} is already {} (started {}, {}{of} moved), and SQS \
         allows one at a time: {what_to_do}",
        visible(&dlq.name),
        visible(status),
        instant(task.started_timestamp()),
        task.approximate_number_of_messages_moved(),
    )
}

/// The task this command started, as ListMessageMoveTasks shows it.
struct Task<'a> {
    clients: &'a Clients,
    dlq: &'a Dlq,
    /// The DLQ's latest task before this one started (its StartedTimestamp and count moved):
    /// ListMessageMoveTasks gives a finished task no handle, and right after the start it may
    /// still show the earlier one, which must not be taken for this one.
    before: Option<(i64, i64)>,
}

impl Task<'_> {
    /// This task's entry, once SQS lists it.
    async fn poll(&self, handle: &str) -> Result<Option<ListMessageMoveTasksResultEntry>> {
        let latest = latest_task(self.clients, self.dlq).await?;
        Ok(latest.filter(|entry| {
            entry.task_handle() == Some(handle)
                || self.before != Some((entry.started_timestamp(), entry.approximate_number_of_messages_moved()))
        }))
    }

    /// Follows the task until it is over (false) or Ctrl-C comes (true), keeping `report` and
    /// the progress bar up to date.
    async fn follow(&self, report: &mut RedriveReport, progress: &Progress, interrupts: &mut Signal) -> Result<bool> {
        let mut wait = FIRST_POLL;
        let mut failures = 0;
        loop {
            let polled = tokio::select! {
                biased;
                _ = interrupts.recv() => return Ok(true),
                polled = async {
                    tokio::time::sleep(wait).await;
                    self.poll(&report.task_handle).await
                } => polled,
            };
            wait = (wait * 2).min(POLL_EVERY);
            match polled {
                Ok(Some(entry)) => {
                    failures = 0;
                    report.update(&entry);
                    if let Some(total) = report.to_move {
                        progress.set_length(total);
                    }
                    progress.set_position(report.moved);
                    if report.is_over() {
                        return Ok(false);
                    }
                }
                Ok(None) => {}
                Err(err) => {
                    failures += 1;
                    if failures >= POLL_FAILURES {
                        return Err(err.context(format!(
                            "custctl stopped following the move task, which goes on in SQS (cancel it with \
                             aws sqs cancel-message-move-task --task-handle {})",
                            visible(&report.task_handle)
                        )));
                    }
                }
            }
        }
    }

    /// Cancels the task and waits, for [`CANCEL_WAIT`] at most, until SQS says it is over; a
    /// second Ctrl-C stops the wait. `report` ends as the last answer left it.
    async fn cancel(&self, report: &mut RedriveReport, progress: &Progress, interrupts: &mut Signal) {
        let cancelled = self
            .clients
            .sqs
            .cancel_message_move_task()
            .task_handle(&report.task_handle)
            .send()
            .await;
        match cancelled {
            Ok(answer) => {
                report.moved = report
                    .moved
                    .max(answer.approximate_number_of_messages_moved.max(0) as u64);
                report.status = "CANCELLING".into();
            }
            // Only a RUNNING task can be cancelled: this one ended meanwhile; the poll says how.
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) => {}
            Err(err) => progress.note(&format!(
                "warning: CancelMessageMoveTask: {}; the task may still be running",
                aws::describe_sdk_error(&err)
            )),
        }
        let deadline = tokio::time::Instant::now() + CANCEL_WAIT;
        while !report.is_over() {
            if tokio::time::Instant::now() >= deadline {
                progress.note(&format!(
                    "warning: the move task was still {} after {} s; SQS ends it on its own",
                    visible(&report.status),
                    CANCEL_WAIT.as_secs()
                ));
                return;
            }
            tokio::select! {
                biased;
                _ = interrupts.recv() => {
                    progress.note("custctl: stopped waiting for the move task to end");
                    return;
                }
                polled = async {
                    tokio::time::sleep(FIRST_POLL).await;
                    self.poll(&report.task_handle).await
                } => {
                    if let Ok(Some(entry)) = polled {
                        report.update(&entry);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(status: &str, moved: i64, to_move: Option<i64>) -> ListMessageMoveTasksResultEntry {
        ListMessageMoveTasksResultEntry::builder()
            .status(status)
            .approximate_number_of_messages_moved(moved)
            .set_approximate_number_of_messages_to_move(to_move)
            .build()
    }

    #[test]
    fn the_report_follows_what_sqs_lists() {
        let mut report = RedriveReport {
            dlq: "customers-dlq".into(),
            destination: "customers".into(),
            task_handle: "h".into(),
            status: "RUNNING".into(),
            moved: 0,
            to_move: None,
            failure_reason: None,
        };
        report.update(&entry("RUNNING", 3, Some(10)));
        assert!(!report.is_over());
        assert_eq!((report.moved, report.to_move), (3, Some(10)));
        // A later entry without the count keeps the one SQS gave.
        report.update(&entry("CANCELLED", 4, None));
        assert!(report.is_over());
        assert_eq!((report.moved, report.to_move), (4, Some(10)));
        let failed = ListMessageMoveTasksResultEntry::builder()
            .status("FAILED")
            .failure_reason("CouldNotDetermineMessageSource\u{1b}[2J")
            .build();
        report.update(&failed);
        let (_, rows) = report.rows();
        assert_eq!(rows[0][5], "CouldNotDetermineMessageSource\\x1B[2J");
    }
}
