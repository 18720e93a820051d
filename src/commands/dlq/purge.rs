//! `custctl dlq purge [--yes-i-mean-it QUEUE_NAME]`: deletes every message of the dead-letter
//! queue with PurgeQueue, for good. Only once the queue's name has been typed: at a terminal
//! when asked, or in a script as the value of `--yes-i-mean-it`, so that neither a reflex nor
//! the wrong `--queue` purges the wrong queue.

use super::held::queue_counts;
use super::Dlq;
use crate::aws;
use crate::commands::status::gather::Clients;
use crate::config::Settings;
use crate::error::InputError;
use crate::output::{self, Render};
use crate::terminal::{confirmed_by_typing, visible};
use anyhow::{anyhow, Result};
use serde::Serialize;
use std::io::IsTerminal;
use std::process::ExitCode;

/// The flag that confirms a purge without a terminal.
const CONFIRM_FLAG: &str = "--yes-i-mean-it";

#[derive(Debug, Serialize)]
pub struct PurgeReport {
    pub dlq: String,
    pub purged: bool,
    /// The messages before the purge (visible, in flight and delayed), as SQS counted them.
    pub approximate_messages: Option<u64>,
}

impl Render for PurgeReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        (Vec::new(), Vec::new())
    }

    fn line(&self) -> Option<String> {
        let about = self
            .approximate_messages
            .map_or(String::new(), |n| format!(" (about {n} message(s))"));
        Some(format!(
            "purged the dead-letter queue {}{about}; SQS finishes deleting within 60 seconds",
            visible(&self.dlq)
        ))
    }
}

pub async fn purge(clients: &Clients, settings: &Settings, dlq: &Dlq, typed: Option<&str>) -> Result<ExitCode> {
    let approximate = queue_counts(clients, dlq).await.map(|counts| counts.total());
    let name = &dlq.name;
    match typed {
        Some(typed) if typed == name => {}
        Some(typed) => {
            return Err(InputError(format!(
                "{CONFIRM_FLAG} {}: the dead-letter queue of {} is {}, so nothing was purged",
                visible(typed),
                settings.cite_queue(),
                visible(name)
            ))
            .into())
        }
        None if !std::io::stdin().is_terminal() => {
            return Err(InputError(format!(
                "dlq purge deletes every message of {} for good, and there is no terminal to confirm at: \
                 pass {CONFIRM_FLAG} {}",
                visible(name),
                visible(name)
            ))
            .into())
        }
        None => {
            let about = approximate.map_or(String::new(), |n| format!(" (about {n} message(s))"));
            let warning = format!(
                "This deletes every message of the dead-letter queue {}{about}, for good.",
                visible(name)
            );
            if !confirmed_by_typing(&warning, "the queue's name", name, "purge it")? {
                return Err(InputError(format!("not purged: the name typed was not {}", visible(name))).into());
            }
        }
    }

    if let Err(err) = clients.sqs.purge_queue().queue_url(&dlq.url).send().await {
        // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html:
        // PurgeQueueInProgress when the queue was purged within the last 60 seconds.
        if err.as_service_error().is_some_and(|e| e.is_purge_queue_in_progress()) {
            return Err(anyhow!(
                "PurgeQueue on {}: a purge of it is in progress (PurgeQueueInProgress): SQS allows one purge \
                 of a queue every 60 seconds; try again in a minute",
                visible(name)
            ));
        }
        return Err(anyhow!(
            "PurgeQueue on {}: {}",
            visible(name),
            aws::describe_sdk_error(&err)
        ));
    }
    let report = PurgeReport {
        dlq: name.clone(),
        purged: true,
        approximate_messages: approximate,
    };
    output::print(settings.output, &report)?;
    Ok(ExitCode::SUCCESS)
}
