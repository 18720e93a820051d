//! `custctl dlq`: the dead-letter queue of `--queue`, found from the queue's redrive policy.
//! `peek` shows what is in it without consuming it (see [`peek`]), `replay` gives its
//! messages to the function again, `export` writes them to a file, `purge` empties it; these
//! take messages the one way [`held`] does. `redrive` has SQS move them all back (see
//! [`redrive`]).

mod export;
pub(crate) mod held;
mod peek;
mod purge;
mod redrive;
mod replay;

use crate::cli::{DlqCommand, GlobalArgs};
use crate::commands::status::gather::{attributes, parse_redrive_policy, queue_url, Clients};
use crate::config::Settings;
use crate::error::InputError;
use anyhow::{anyhow, Result};
use aws_sdk_sqs::types::QueueAttributeName;
use std::process::ExitCode;

pub fn run(global: &GlobalArgs, command: DlqCommand) -> Result<ExitCode> {
    let settings = Settings::resolve(global)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let config = crate::aws::sdk_config(&settings).await?;
        crate::aws::require_region(&config)?;
        let clients = Clients::new(&config);
        let dlq = find(&clients, &settings.queue).await?;
        match command {
            DlqCommand::Peek(args) => peek::peek(&clients, &settings, &dlq, args.count).await,
            DlqCommand::Replay(args) => {
                replay::replay(&clients, &settings, &dlq, args.count, args.delete_succeeded).await
            }
            DlqCommand::Export(args) => export::export(&clients, &settings, &dlq, &args.file, args.force).await,
            DlqCommand::Purge(args) => purge::purge(&clients, &settings, &dlq, args.yes_i_mean_it.as_deref()).await,
            DlqCommand::Redrive(args) => {
                redrive::redrive(&clients, &settings, &dlq, args.to.as_deref(), args.max_per_second).await
            }
        }
    })
}

/// The dead-letter queue: its name, URL and ARN.
#[derive(Debug, Clone)]
pub struct Dlq {
    pub name: String,
    pub url: String,
    pub arn: String,
}

/// The DLQ of `queue` (a name or URL), from its redrive policy.
async fn find(clients: &Clients, queue: &str) -> Result<Dlq> {
    let url = queue_url(clients, queue)
        .await
        .map_err(|e| InputError(format!("--queue {queue}: {e}")))?;
    let attributes = attributes(clients, &url).await.map_err(|e| anyhow!("{e}"))?;
    let Some(text) = attributes
        .get(&QueueAttributeName::RedrivePolicy)
        .filter(|t| !t.trim().is_empty())
    else {
        return Err(InputError(format!(
            "--queue {queue} has no redrive policy, so no dead-letter queue (custctl status shows the fix)"
        ))
        .into());
    };
    let policy = parse_redrive_policy(text)
        .ok_or_else(|| anyhow!("--queue {queue}: its redrive policy is not the JSON SQS writes: {text}"))?;
    let arn = policy.dead_letter_target_arn;
    let url = queue_url(clients, &arn)
        .await
        .map_err(|e| anyhow!("the dead-letter queue {arn} of --queue {queue}: {e}"))?;
    Ok(Dlq {
        name: arn.rsplit(':').next().unwrap_or(&arn).to_string(),
        url,
        arn,
    })
}
