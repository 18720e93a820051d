//! AWS's rules that both custctl's verbs and the local stack apply, kept in one place so that
//! the two can never disagree: the digest SQS gives a message body, how an SQS event source
//! mapping reads a function's batch response, and the fastest a message move task may go
//! (`move_tasks`). `template` reads the deploy template, whose names are custctl's defaults and
//! whose settings the local stack runs with. And one rule of a tool both drive: how a path is
//! written into an OpenSSH option (`ssh_config`).

pub mod move_tasks;
pub mod ssh_config;
pub mod template;

use serde_json::Value;
use std::collections::HashSet;

/// Lowercase hex MD5 of a message body, as SQS reports it in `MD5OfMessageBody` and Lambda's
/// SQS event in `md5OfBody`.
pub fn md5_hex(bytes: &[u8]) -> String {
    use md5::{Digest, Md5};
    hex::encode(Md5::digest(bytes))
}

/// How the event source mapping reads the function's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchVerdict {
    /// Every record is deleted from the queue.
    AllSucceeded,
    /// Only these messageIds come back.
    SomeFailed(HashSet<String>),
    /// Every record comes back, for this reason.
    WholeBatchFailed(String),
}

impl BatchVerdict {
    pub fn failed(&self, message_id: &str) -> bool {
        match self {
            BatchVerdict::AllSucceeded => false,
            BatchVerdict::SomeFailed(ids) => ids.contains(message_id),
            BatchVerdict::WholeBatchFailed(_) => true,
        }
    }
}

/// Reads a successful invocation's response as the mapping does with
/// `ReportBatchItemFailures`: empty, `null`, `{}` or no failures is a full success; an
/// `itemIdentifier` that is empty, missing or not one of `message_ids`, or an answer that is
/// not JSON, fails the whole batch.
pub fn read_batch_response(response: &[u8], message_ids: &[&str]) -> BatchVerdict {
    let text = String::from_utf8_lossy(response);
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "null" {
        return BatchVerdict::AllSucceeded;
    }
    let Ok(doc) = serde_json::from_str::<Value>(trimmed) else {
        return BatchVerdict::WholeBatchFailed("the response is not valid JSON".into());
    };
    let failures = match doc.get("batchItemFailures") {
        None | Some(Value::Null) => return BatchVerdict::AllSucceeded,
        Some(Value::Array(items)) => items,
        Some(_) => return BatchVerdict::WholeBatchFailed("batchItemFailures is not a list".into()),
    };
    let in_batch: HashSet<&str> = message_ids.iter().copied().collect();
    let mut failed = HashSet::new();
    for item in failures {
        match item.get("itemIdentifier").and_then(Value::as_str) {
            Some(id) if !id.is_empty() && in_batch.contains(id) => {
                failed.insert(id.to_string());
            }
            Some("") | None => {
                return BatchVerdict::WholeBatchFailed("an itemIdentifier is empty or missing".into());
            }
            Some(other) => {
                return BatchVerdict::WholeBatchFailed(format!("itemIdentifier {other:?} is not in the batch"));
            }
        }
    }
    if failed.is_empty() {
        BatchVerdict::AllSucceeded
    } else {
        BatchVerdict::SomeFailed(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict_of(response: &str) -> BatchVerdict {
        read_batch_response(response.as_bytes(), &["a", "b"])
    }

    #[test]
    fn answers_without_failures_succeed() {
        for response in [
            "",
            "  ",
            "null",
            "{}",
            r#"{"batchItemFailures":[]}"#,
            r#"{"batchItemFailures":null}"#,
        ] {
            assert_eq!(verdict_of(response), BatchVerdict::AllSucceeded, "{response:?}");
        }
    }

    #[test]
    fn reported_failures_fail_only_their_records() {
        let verdict = verdict_of(r#"{"batchItemFailures":[{"itemIdentifier":"b"}]}"#);
        assert_eq!(verdict, BatchVerdict::SomeFailed(HashSet::from(["b".to_string()])));
        assert!(!verdict.failed("a") && verdict.failed("b"));
    }

    #[test]
    fn bad_identifiers_and_non_json_fail_the_whole_batch() {
        for (response, reason) in [
            (r#"{"batchItemFailures":[{"itemIdentifier":""}]}"#, "empty or missing"),
            (r#"{"batchItemFailures":[{}]}"#, "empty or missing"),
            (r#"{"batchItemFailures":[{"itemIdentifier":null}]}"#, "empty or missing"),
            (
                r#"{"batchItemFailures":[{"itemIdentifier":"zzz"}]}"#,
                r#""zzz" is not in the batch"#,
            ),
            (r#"{"batchItemFailures":"a"}"#, "not a list"),
            ("not json", "not valid JSON"),
        ] {
            match verdict_of(response) {
                BatchVerdict::WholeBatchFailed(why) => assert!(why.contains(reason), "{response}: {why}"),
                other => panic!("{response}: {other:?}"),
            }
        }
    }

    #[test]
    fn body_digest_is_sqs_md5() {
        assert_eq!(md5_hex(b"derp"), "58fd9edd83341c29f1aebba81c31e257");
    }
}
