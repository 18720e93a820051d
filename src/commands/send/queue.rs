//! Finding the queue: a name or URL given with `--queue`, its URL through GetQueueUrl (with
//! similar names when it does not exist), and what a FIFO queue needs before a send.

use crate::aws;
use crate::error::InputError;
use crate::similar::similar_names;
use anyhow::Result;
use aws_sdk_sqs::error::SdkError;
use aws_sdk_sqs::operation::get_queue_attributes::GetQueueAttributesError;
use aws_sdk_sqs::types::QueueAttributeName;
use aws_smithy_runtime_api::http::Response as HttpResponse;

/// The queue as given with `--queue`: a name, or a URL whose last segment is the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueueTarget {
    pub(crate) name: String,
    pub(crate) url: Option<String>,
}

impl QueueTarget {
    pub(crate) fn parse(queue: &str) -> QueueTarget {
        if queue.starts_with("https://") || queue.starts_with("http://") {
            let name = queue.trim_end_matches('/').rsplit('/').next().unwrap_or(queue);
            QueueTarget {
                name: name.to_string(),
                url: Some(queue.to_string()),
            }
        } else {
            QueueTarget {
                name: queue.to_string(),
                url: None,
            }
        }
    }

    pub(crate) fn is_fifo(&self) -> bool {
        self.name.ends_with(".fifo")
    }
}

/// The queue's URL: GetQueueUrl for a name; for a URL, GetQueueAttributes, so that a URL
/// naming no queue is the same clear error as a name naming none (rather than a failed
/// SendMessageBatch for every message). `cited` is the setting as errors name it
/// (`--queue nope (from CUSTCTL_QUEUE)`).
pub(crate) async fn queue_url(client: &aws_sdk_sqs::Client, queue: &QueueTarget, cited: &str) -> Result<String> {
    let (missing, reason) = match &queue.url {
        None => match client.get_queue_url().queue_name(&queue.name).send().await {
            Ok(answer) => {
                return answer
                    .queue_url
                    .ok_or_else(|| anyhow::anyhow!("GetQueueUrl gave no URL for queue {}", queue.name))
            }
            Err(err) => (
                err.as_service_error().is_some_and(|e| e.is_queue_does_not_exist()),
                aws::describe_sdk_error(&err),
            ),
        },
        Some(url) => {
            match queue_attribute(client, url, QueueAttributeName::QueueArn).await {
                Ok(_) => return Ok(url.clone()),
                Err(err) if err.as_service_error().is_some_and(|e| e.is_queue_does_not_exist()) => {
                    (true, aws::describe_sdk_error(&err))
                }
                // Permission to send without permission to read attributes: let the send decide.
                Err(_) => return Ok(url.clone()),
            }
        }
    };
    if !missing {
        return Err(anyhow::anyhow!("looking up the queue {cited}: {reason}"));
    }
    let similar = similar_queues(client, &queue.name).await;
    let hint = if similar.is_empty() {
        "no queue with a similar name exists".to_string()
    } else {
        format!("queues with similar names: {}", similar.join(", "))
    };
    Err(InputError(format!("{cited}: no such queue ({hint})")).into())
}

/// Names of existing queues that look like `name` (best first, at most 5).
pub(super) async fn similar_queues(client: &aws_sdk_sqs::Client, name: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut token = None;
    for _ in 0..10 {
        let Ok(page) = client
            .list_queues()
            .max_results(1000)
            .set_next_token(token)
            .send()
            .await
        else {
            break;
        };
        names.extend(
            page.queue_urls()
                .iter()
                .filter_map(|url| url.rsplit('/').next().map(str::to_string)),
        );
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    similar_names(name, names.iter().map(String::as_str))
}

/// A FIFO queue without `--dedup-id` needs content-based deduplication, or SQS refuses every
/// message; say so once rather than report each one.
pub(super) async fn require_content_deduplication(client: &aws_sdk_sqs::Client, url: &str, name: &str) -> Result<()> {
    // Without permission to read attributes, let SQS itself decide.
    let Ok(content_based) = queue_attribute(client, url, QueueAttributeName::ContentBasedDeduplication).await else {
        return Ok(());
    };
    if content_based.as_deref() == Some("true") {
        Ok(())
    } else {
        Err(InputError(format!(
            "{name} is a FIFO queue without content-based deduplication: pass --dedup-id auto (or a fixed id for one message)"
        ))
        .into())
    }
}

/// One attribute of the queue at `url` (GetQueueAttributes), if the queue has it.
async fn queue_attribute(
    client: &aws_sdk_sqs::Client,
    url: &str,
    name: QueueAttributeName,
) -> Result<Option<String>, SdkError<GetQueueAttributesError, HttpResponse>> {
    let answer = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(name.clone())
        .send()
        .await?;
    Ok(answer.attributes().and_then(|a| a.get(&name)).cloned())
}
