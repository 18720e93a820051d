//! SQS's state and rules, with no HTTP in sight: queues and their attributes, messages moving
//! between visible, delayed and in flight, receive counts and the redrive to a dead-letter queue,
//! FIFO groups and deduplication. Every method takes `now` (milliseconds since the epoch), so the
//! rules are tested without sleeping.
//!
//! Every operation costs the same whatever the queue's length: visible messages wait in a
//! `VecDeque`, delayed and in-flight ones in a `BinaryHeap` ordered by when they come back, and
//! both hold `(key, generation)` entries that are dropped when found stale instead of being
//! searched for and removed.

use super::errors::{invalid_parameter, SqsError};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};

mod move_tasks;
pub use move_tasks::{MoveTask, MoveTaskStatus};

/// The one account of the local stack.
pub const ACCOUNT_ID: &str = "000000000000";
/// AWS's limit on one message, and on all the messages of one batch together: 1 MiB since
/// August 2025 (SendMessage API reference, MessageBody: "The maximum size is 1 MiB or 1,048,576
/// bytes"; MaximumMessageSize takes 1,024 to 1,048,576), and the default of a new queue.
pub const MAX_MESSAGE_BYTES: usize = 1_048_576;
/// How many entries a batch request may carry.
pub const MAX_BATCH_ENTRIES: usize = 10;
/// The longest visibility timeout, in seconds (12 hours).
pub const MAX_VISIBILITY_TIMEOUT: u32 = 43_200;
/// How long a FIFO queue remembers a deduplication id.
const DEDUPLICATION_WINDOW_MS: u64 = 5 * 60 * 1000;
/// How often a queue may be purged.
const PURGE_INTERVAL_MS: u64 = 60 * 1000;
/// Where FIFO sequence numbers start: AWS's are 20-digit numbers.
const FIRST_SEQUENCE_NUMBER: u128 = 18_000_000_000_000_000_000;

/// Milliseconds since the Unix epoch: the model's clock, always passed in.
pub type EpochMillis = u64;

/// One message attribute, in AWS's JSON shape (the binary value is base64 on the wire).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MessageAttributeValue {
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "base64_bytes")]
    pub binary_value: Option<Vec<u8>>,
}

impl MessageAttributeValue {
    /// A `String` attribute.
    pub fn string(value: impl Into<String>) -> Self {
        MessageAttributeValue {
            data_type: "String".into(),
            string_value: Some(value.into()),
            binary_value: None,
        }
    }

    fn is_binary(&self) -> bool {
        self.data_type.starts_with("Binary")
    }

    /// The attribute as a Lambda SQS event carries it (`stringValue`, `dataType`, ...).
    pub fn to_lambda_event(&self) -> serde_json::Value {
        let mut value = serde_json::json!({
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": self.data_type,
        });
        if let Some(s) = &self.string_value {
            value["stringValue"] = s.clone().into();
        }
        if let Some(b) = &self.binary_value {
            value["binaryValue"] = BASE64.encode(b).into();
        }
        value
    }

    fn byte_len(&self) -> usize {
        self.string_value.as_ref().map_or(0, String::len) + self.binary_value.as_ref().map_or(0, Vec::len)
    }
}

mod base64_bytes {
    use super::BASE64;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(bytes) => serializer.serialize_str(&BASE64.encode(bytes)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            Some(text) => BASE64
                .decode(text.as_bytes())
                .map(Some)
                .map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

/// Message attributes by name; the order of names is the order AWS digests them in.
pub type MessageAttributes = BTreeMap<String, MessageAttributeValue>;

pub use custctl_rules::md5_hex;

/// `MD5OfMessageAttributes` by AWS's algorithm: for each attribute in order of name, the name,
/// the data type and the value, each as a 4-byte big-endian length and its bytes, with a
/// transport byte (1 string, 2 binary) before the value. `None` when there are none.
pub fn md5_of_message_attributes<'a>(
    attributes: impl IntoIterator<Item = (&'a String, &'a MessageAttributeValue)>,
) -> Option<String> {
    fn length_prefixed(hasher: &mut Md5, bytes: &[u8]) {
        hasher.update((bytes.len() as u32).to_be_bytes());
        hasher.update(bytes);
    }
    let mut hasher = Md5::new();
    let mut any = false;
    for (name, value) in attributes {
        any = true;
        length_prefixed(&mut hasher, name.as_bytes());
        length_prefixed(&mut hasher, value.data_type.as_bytes());
        if value.is_binary() {
            hasher.update([2u8]);
            length_prefixed(&mut hasher, value.binary_value.as_deref().unwrap_or_default());
        } else {
            hasher.update([1u8]);
            length_prefixed(
                &mut hasher,
                value.string_value.as_deref().unwrap_or_default().as_bytes(),
            );
        }
    }
    any.then(|| hex::encode(hasher.finalize()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The first character of `text` outside the XML character set SQS accepts
/// (#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF).
fn disallowed_character(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        let c = c as u32;
        !(c == 0x9
            || c == 0xA
            || c == 0xD
            || (0x20..=0xD7FF).contains(&c)
            || (0xE000..=0xFFFD).contains(&c)
            || c >= 0x10000)
    })
}

/// The size SQS counts against the message size limit: the body plus every attribute's name,
/// data type and value.
pub fn message_size(body: &str, attributes: &MessageAttributes) -> usize {
    body.len()
        + attributes
            .iter()
            .map(|(name, value)| name.len() + value.data_type.len() + value.byte_len())
            .sum::<usize>()
}

fn validate_message_attributes(attributes: &MessageAttributes) -> Result<(), SqsError> {
    if attributes.len() > 10 {
        return Err(SqsError::InvalidParameterValue(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [10].",
            attributes.len()
        )));
    }
    for (name, value) in attributes {
        let lower = name.to_ascii_lowercase();
        let valid_name = !name.is_empty()
            && name.len() <= 256
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            && !name.starts_with('.')
            && !name.ends_with('.')
            && !name.contains("..")
            && !lower.starts_with("aws.")
            && !lower.starts_with("amazon.");
        if !valid_name {
            return Err(SqsError::InvalidParameterValue(format!(
                "Message (user) attribute name '{name}' is invalid. Names can contain alphanumeric characters, \
                 hyphens, underscores and periods, must not start or end with a period or have two in a row, \
                 and must not start with AWS. or Amazon."
            )));
        }
        let base_type = value.data_type.split('.').next().unwrap_or_default();
        if !matches!(base_type, "String" | "Number" | "Binary") || value.data_type.len() > 256 {
            return Err(SqsError::InvalidParameterValue(format!(
                "The type of message (user) attribute '{name}' is invalid. You must use only the following \
                 supported type prefixes: Binary, Number, String."
            )));
        }
        let present = if value.is_binary() {
            value.binary_value.as_ref().is_some_and(|b| !b.is_empty())
        } else {
            value.string_value.as_ref().is_some_and(|s| !s.is_empty())
        };
        if !present {
            return Err(SqsError::InvalidParameterValue(format!(
                "The message attribute '{name}' must contain non-empty message attribute value for message \
                 attribute type '{base_type}'."
            )));
        }
        if let Some(text) = &value.string_value {
            if base_type == "Number" && text.trim().parse::<f64>().is_err() {
                return Err(SqsError::InvalidParameterValue(format!(
                    "Can't cast the value of message (user) attribute '{name}' to a number."
                )));
            }
            if let Some(c) = disallowed_character(text) {
                return Err(SqsError::InvalidParameterValue(format!(
                    "Message (user) attribute '{name}' value contains invalid character #x{:X}.",
                    c as u32
                )));
            }
        }
    }
    Ok(())
}

/// Ids of FIFO groups and deduplication: 1 to 128 alphanumeric or punctuation characters.
fn validate_fifo_id(parameter: &str, value: &str) -> Result<(), SqsError> {
    if value.is_empty()
        || value.len() > 128
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
    {
        return Err(invalid_parameter(
            parameter,
            value,
            &format!("{parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length."),
        ));
    }
    Ok(())
}

/// Batch entry ids: present, at most ten, 1 to 80 of `[A-Za-z0-9_-]`, all different.
/// `entry_kind` names the entry type in AWS's `EmptyBatchRequest` message.
pub fn check_batch_entry_ids(ids: &[&str], entry_kind: &'static str) -> Result<(), SqsError> {
    if ids.is_empty() {
        return Err(SqsError::EmptyBatchRequest(entry_kind));
    }
    if ids.len() > MAX_BATCH_ENTRIES {
        return Err(SqsError::TooManyEntriesInBatchRequest(ids.len()));
    }
    for id in ids {
        if id.is_empty() || id.len() > 80 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(SqsError::InvalidBatchEntryId);
        }
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(SqsError::BatchEntryIdsNotDistinct((*id).to_string()));
        }
    }
    Ok(())
}

/// The queue name in an SQS ARN of the local account.
pub fn queue_name_from_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some("sqs"), Some(_region), Some(account), Some(name)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    (account == ACCOUNT_ID && !name.is_empty()).then_some(name)
}

/// A queue's `RedrivePolicy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: String,
    pub max_receive_count: u32,
}

impl RedrivePolicy {
    /// Parses the attribute's JSON; an empty value removes the policy.
    fn parse(value: &str) -> Result<Option<Self>, SqsError> {
        if value.trim().is_empty() {
            return Ok(None);
        }
        let reason = |reason: &str| invalid_parameter("RedrivePolicy", value, reason);
        let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(value) else {
            return Err(reason("Redrive policy is not a valid JSON map."));
        };
        let Some(arn) = map.get("deadLetterTargetArn").and_then(|v| v.as_str()) else {
            return Err(reason(
                "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
            ));
        };
        let Some(count) = map.get("maxReceiveCount") else {
            return Err(reason(
                "Redrive policy does not contain mandatory attribute: maxReceiveCount.",
            ));
        };
        let parsed = match count {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        match parsed {
            Some(n @ 1..=1000) => Ok(Some(RedrivePolicy {
                dead_letter_target_arn: arn.to_string(),
                max_receive_count: n as u32,
            })),
            _ => Err(reason(&format!(
                "Invalid value for maxReceiveCount: {count}, valid values are from 1 to 1000 both inclusive."
            ))),
        }
    }

    /// The attribute as AWS returns it, `maxReceiveCount` as a number.
    pub fn to_json_string(&self) -> String {
        serde_json::json!({"deadLetterTargetArn": self.dead_letter_target_arn, "maxReceiveCount": self.max_receive_count})
            .to_string()
    }
}

/// The queue attributes that can be set, in the order `GetQueueAttributes` lists them.
const CONFIGURABLE_ATTRIBUTES: &[&str] = &[
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "Policy",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
    "RedriveAllowPolicy",
];

/// The attributes `GetQueueAttributes` computes.
const COMPUTED_ATTRIBUTES: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
];

/// A queue's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSettings {
    pub visibility_timeout: u32,
    pub message_retention_period: u32,
    pub delay_seconds: u32,
    pub receive_message_wait_time_seconds: u32,
    pub maximum_message_size: u32,
    pub redrive_policy: Option<RedrivePolicy>,
    pub fifo_queue: bool,
    pub content_based_deduplication: bool,
    pub deduplication_scope: String,
    pub fifo_throughput_limit: String,
    stored_as_given: BTreeMap<String, String>,
}

impl Default for QueueSettings {
    fn default() -> Self {
        QueueSettings {
            visibility_timeout: 30,
            message_retention_period: 345_600,
            delay_seconds: 0,
            receive_message_wait_time_seconds: 0,
            maximum_message_size: MAX_MESSAGE_BYTES as u32,
            redrive_policy: None,
            fifo_queue: false,
            content_based_deduplication: false,
            deduplication_scope: "queue".into(),
            fifo_throughput_limit: "perQueue".into(),
            // New queues have SSE-SQS on since 2022.
            stored_as_given: BTreeMap::from([("SqsManagedSseEnabled".to_string(), "true".to_string())]),
        }
    }
}

fn parse_number(name: &str, value: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32, SqsError> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| SqsError::InvalidAttributeValue(name.to_string()))
}

fn parse_bool(name: &str, value: &str) -> Result<bool, SqsError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(SqsError::InvalidAttributeValue(name.to_string())),
    }
}

impl QueueSettings {
    /// The settings of a new queue with `attributes` (as given to `CreateQueue`).
    pub fn from_attributes<'a>(
        attributes: impl IntoIterator<Item = (&'a String, &'a String)> + Clone,
    ) -> Result<Self, SqsError> {
        let mut settings = QueueSettings::default();
        if let Some((_, value)) = attributes.clone().into_iter().find(|(name, _)| *name == "FifoQueue") {
            settings.fifo_queue = parse_bool("FifoQueue", value)?;
        }
        for (name, value) in attributes {
            if name != "FifoQueue" {
                settings.set(name, value)?;
            }
        }
        Ok(settings)
    }

    /// Sets one attribute as `SetQueueAttributes` does.
    fn set(&mut self, name: &str, value: &str) -> Result<(), SqsError> {
        let fifo = self.fifo_queue;
        let fifo_only = || {
            if fifo {
                Ok(())
            } else {
                Err(SqsError::InvalidAttributeName(name.to_string()))
            }
        };
        match name {
            "VisibilityTimeout" => self.visibility_timeout = parse_number(name, value, 0..=MAX_VISIBILITY_TIMEOUT)?,
            "MessageRetentionPeriod" => self.message_retention_period = parse_number(name, value, 60..=1_209_600)?,
            "DelaySeconds" => self.delay_seconds = parse_number(name, value, 0..=900)?,
            "ReceiveMessageWaitTimeSeconds" => {
                self.receive_message_wait_time_seconds = parse_number(name, value, 0..=20)?
            }
            "MaximumMessageSize" => {
                self.maximum_message_size = parse_number(name, value, 1024..=MAX_MESSAGE_BYTES as u32)?
            }
            "RedrivePolicy" => self.redrive_policy = RedrivePolicy::parse(value)?,
            "ContentBasedDeduplication" => {
                fifo_only()?;
                self.content_based_deduplication = parse_bool(name, value)?;
            }
            "DeduplicationScope" => {
                fifo_only()?;
                if !matches!(value, "messageGroup" | "queue") {
                    return Err(SqsError::InvalidAttributeValue(name.to_string()));
                }
                self.deduplication_scope = value.to_string();
            }
            "FifoThroughputLimit" => {
                fifo_only()?;
                if !matches!(value, "perQueue" | "perMessageGroupId") {
                    return Err(SqsError::InvalidAttributeValue(name.to_string()));
                }
                self.fifo_throughput_limit = value.to_string();
            }
            "KmsDataKeyReusePeriodSeconds" => {
                let seconds = parse_number(name, value, 60..=86_400)?;
                self.stored_as_given.insert(name.to_string(), seconds.to_string());
            }
            "SqsManagedSseEnabled" => {
                let enabled = parse_bool(name, value)?;
                self.stored_as_given.insert(name.to_string(), enabled.to_string());
            }
            "Policy" | "KmsMasterKeyId" | "RedriveAllowPolicy" => {
                if value.is_empty() {
                    self.stored_as_given.remove(name);
                } else {
                    self.stored_as_given.insert(name.to_string(), value.to_string());
                }
            }
            // FifoQueue can only be chosen at creation; AWS treats anything else as unknown.
            _ => return Err(SqsError::InvalidAttributeName(name.to_string())),
        }
        Ok(())
    }

    /// A configurable attribute's value as `GetQueueAttributes` shows it; `None` when the queue
    /// does not have it (FIFO attributes of a standard queue, a policy never set).
    pub fn get(&self, name: &str) -> Option<String> {
        let fifo = |value: String| self.fifo_queue.then_some(value);
        match name {
            "VisibilityTimeout" => Some(self.visibility_timeout.to_string()),
            "MaximumMessageSize" => Some(self.maximum_message_size.to_string()),
            "MessageRetentionPeriod" => Some(self.message_retention_period.to_string()),
            "DelaySeconds" => Some(self.delay_seconds.to_string()),
            "ReceiveMessageWaitTimeSeconds" => Some(self.receive_message_wait_time_seconds.to_string()),
            "RedrivePolicy" => self.redrive_policy.as_ref().map(RedrivePolicy::to_json_string),
            "FifoQueue" => fifo("true".into()),
            "ContentBasedDeduplication" => fifo(self.content_based_deduplication.to_string()),
            "DeduplicationScope" => fifo(self.deduplication_scope.clone()),
            "FifoThroughputLimit" => fifo(self.fifo_throughput_limit.clone()),
            other => self.stored_as_given.get(other).cloned(),
        }
    }

    /// Every configurable attribute the queue has, enough to create it again.
    pub fn configured_attributes(&self) -> BTreeMap<String, String> {
        CONFIGURABLE_ATTRIBUTES
            .iter()
            .filter_map(|name| Some((name.to_string(), self.get(name)?)))
            .collect()
    }
}

/// Checks a queue name: 1 to 80 characters of `[A-Za-z0-9_-]`, plus `.fifo` exactly for FIFO queues.
fn validate_queue_name(name: &str, fifo: bool) -> Result<(), SqsError> {
    let (base, has_suffix) = match name.strip_suffix(".fifo") {
        Some(base) => (base, true),
        None => (name, false),
    };
    let valid_chars = !base.is_empty() && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if name.len() > 80 || !valid_chars || has_suffix != fifo {
        let message = if fifo || has_suffix {
            "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, \
             must end with .fifo suffix and be 1 to 80 in length."
        } else {
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
        };
        return Err(SqsError::InvalidParameterValue(message.to_string()));
    }
    Ok(())
}

/// Something that happened to a message, for the stack's lifecycle output and tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum QueueEvent {
    Sent {
        queue: String,
        message_id: String,
    },
    Received {
        queue: String,
        message_id: String,
        receive_count: u32,
    },
    Deleted {
        queue: String,
        message_id: String,
    },
    /// Noticed when the queue is next looked at, so it can come a little after the timeout.
    VisibilityExpired {
        queue: String,
        message_id: String,
    },
    MovedToDeadLetterQueue {
        from: String,
        to: String,
        message_id: String,
    },
}

/// How full a queue is, for the queue metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueDepth {
    pub queue: String,
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    /// `None` when the queue is empty.
    pub oldest_age_secs: Option<u64>,
}

/// A message as stored, and as persisted in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageRecord {
    message_id: String,
    body: String,
    md5_of_body: String,
    #[serde(default)]
    message_attributes: MessageAttributes,
    #[serde(default)]
    trace_header: Option<String>,
    sent_at: EpochMillis,
    #[serde(default)]
    first_received_at: Option<EpochMillis>,
    #[serde(default)]
    receive_count: u32,
    #[serde(default)]
    group_id: Option<String>,
    #[serde(default)]
    deduplication_id: Option<String>,
    #[serde(default)]
    sequence_number: Option<String>,
    /// Snapshots only: when a delayed message becomes visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    delayed_until: Option<EpochMillis>,
    /// The queue whose redrive policy moved the message here: AWS's `DeadLetterQueueSourceArn`
    /// system attribute (ReceiveMessage API reference, MessageSystemAttributeNames), and where a
    /// move task without a destination takes the message back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dead_letter_source_arn: Option<String>,
    /// When the message was moved to this dead-letter queue: a DLQ's ApproximateAgeOfOldestMessage
    /// counts from then, not from when it was sent ("Setting-up dead-letter queue retention",
    /// SQS Developer Guide).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dead_lettered_at: Option<EpochMillis>,
}

/// What a sender asks for (one `SendMessage`, or one batch entry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutgoingMessage {
    pub body: String,
    /// Kept signed so that a negative value gets AWS's message rather than a parse error.
    pub delay_seconds: Option<i64>,
    pub message_attributes: MessageAttributes,
    /// The `AWSTraceHeader` system attribute.
    pub trace_header: Option<String>,
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
}

impl OutgoingMessage {
    /// A message with only a body.
    pub fn body(body: impl Into<String>) -> Self {
        OutgoingMessage {
            body: body.into(),
            ..Default::default()
        }
    }

    /// The size checked against the limits.
    pub fn size(&self) -> usize {
        message_size(&self.body, &self.message_attributes)
    }
}

/// The answer to one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    pub message_id: String,
    pub md5_of_message_body: String,
    pub md5_of_message_attributes: Option<String>,
    pub md5_of_message_system_attributes: Option<String>,
    pub sequence_number: Option<String>,
}

/// One message handed to a receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    pub md5_of_body: String,
    pub message_attributes: MessageAttributes,
    /// Every system attribute the message has, by AWS's name (`SentTimestamp`, ...).
    pub system_attributes: BTreeMap<&'static str, String>,
}

/// The `SenderId` of every message: the local account.
const SENDER_ID: &str = ACCOUNT_ID;

impl MessageRecord {
    fn system_attributes(&self) -> BTreeMap<&'static str, String> {
        let mut attributes = BTreeMap::from([
            ("SenderId", SENDER_ID.to_string()),
            ("SentTimestamp", self.sent_at.to_string()),
            ("ApproximateReceiveCount", self.receive_count.to_string()),
            (
                "ApproximateFirstReceiveTimestamp",
                self.first_received_at.unwrap_or(self.sent_at).to_string(),
            ),
        ]);
        let optional = [
            ("MessageGroupId", &self.group_id),
            ("MessageDeduplicationId", &self.deduplication_id),
            ("SequenceNumber", &self.sequence_number),
            ("AWSTraceHeader", &self.trace_header),
            ("DeadLetterQueueSourceArn", &self.dead_letter_source_arn),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                attributes.insert(name, value.clone());
            }
        }
        attributes
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MessageState {
    Visible,
    Delayed,
    InFlight,
}

#[derive(Debug)]
struct StoredMessage {
    record: MessageRecord,
    state: MessageState,
    /// Bumped on every state change, so queue and timer entries made before it are stale.
    generation: u64,
    /// The nonce of the latest receipt handle: only that one deletes the message.
    receipt: Option<String>,
    /// When a delayed or in-flight message becomes visible.
    visible_at: EpochMillis,
}

/// An entry of the visible queue.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: u64,
    generation: u64,
}

/// An entry of the timer heap: a delayed or in-flight message that becomes visible at `due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Timer {
    due: EpochMillis,
    key: u64,
    generation: u64,
}

/// The messages of one FIFO message group, oldest first. In-flight messages are always a
/// prefix: a group gives out messages only from its front, and only while none is in flight.
#[derive(Debug, Default)]
struct FifoGroup {
    keys: VecDeque<u64>,
    in_flight: usize,
    /// Whether the group is in `ready_groups`.
    queued: bool,
}

#[derive(Debug)]
struct Deduplicated {
    message_id: String,
    sequence_number: Option<String>,
    expires_at: EpochMillis,
}

/// One queue: its settings and its messages.
#[derive(Debug)]
struct Queue {
    name: String,
    settings: QueueSettings,
    created_at: EpochMillis,
    modified_at: EpochMillis,
    messages: HashMap<u64, StoredMessage>,
    next_key: u64,
    /// Standard queues: visible messages, oldest first (stale entries skipped).
    ready: VecDeque<Slot>,
    timers: BinaryHeap<Reverse<Timer>>,
    /// FIFO queues: messages by group, and the groups that may have a message to give.
    groups: HashMap<String, FifoGroup>,
    ready_groups: VecDeque<String>,
    deduplicated: HashMap<String, Deduplicated>,
    deduplication_expiry: VecDeque<(EpochMillis, String)>,
    next_sequence: u128,
    delayed: usize,
    in_flight: usize,
    last_purge: Option<EpochMillis>,
}

/// What a receive took out of a queue.
struct Taken {
    deliveries: Vec<Delivery>,
    /// Messages past the redrive policy's receive count, for the dead-letter queue.
    dead_letters: Vec<MessageRecord>,
}

impl Queue {
    fn new(name: &str, settings: QueueSettings, now: EpochMillis) -> Self {
        Queue {
            name: name.to_string(),
            settings,
            created_at: now,
            modified_at: now,
            messages: HashMap::new(),
            next_key: 0,
            ready: VecDeque::new(),
            timers: BinaryHeap::new(),
            groups: HashMap::new(),
            ready_groups: VecDeque::new(),
            deduplicated: HashMap::new(),
            deduplication_expiry: VecDeque::new(),
            next_sequence: FIRST_SEQUENCE_NUMBER,
            delayed: 0,
            in_flight: 0,
            last_purge: None,
        }
    }

    fn is_fifo(&self) -> bool {
        self.settings.fifo_queue
    }

    /// The name of the queue this one's redrive policy moves messages to, if any.
    fn dead_letter_target(&self) -> Option<&str> {
        let policy = self.settings.redrive_policy.as_ref()?;
        queue_name_from_arn(&policy.dead_letter_target_arn)
    }

    fn visible(&self) -> usize {
        self.messages.len() - self.delayed - self.in_flight
    }

    fn next_sequence_number(&mut self) -> String {
        let number = self.next_sequence;
        self.next_sequence += 1;
        number.to_string()
    }

    /// Queues a group for delivery if it has messages and none in flight.
    fn wake_group(&mut self, group_id: &str) {
        if let Some(group) = self.groups.get_mut(group_id) {
            if group.in_flight == 0 && !group.queued && !group.keys.is_empty() {
                group.queued = true;
                self.ready_groups.push_back(group_id.to_string());
            }
        }
    }

    fn fifo_group_of(&self, key: u64) -> Option<String> {
        if !self.is_fifo() {
            return None;
        }
        self.messages.get(&key).and_then(|m| m.record.group_id.clone())
    }

    /// Stores a message, visible now or at `delayed_until`.
    fn enqueue(&mut self, record: MessageRecord, delayed_until: Option<EpochMillis>) {
        let key = self.next_key;
        self.next_key += 1;
        let group = if self.is_fifo() { record.group_id.clone() } else { None };
        let (state, visible_at) = match delayed_until {
            Some(until) => {
                self.delayed += 1;
                self.timers.push(Reverse(Timer {
                    due: until,
                    key,
                    generation: 0,
                }));
                (MessageState::Delayed, until)
            }
            None => (MessageState::Visible, 0),
        };
        self.messages.insert(
            key,
            StoredMessage {
                record,
                state,
                generation: 0,
                receipt: None,
                visible_at,
            },
        );
        match group {
            Some(group_id) => {
                self.groups.entry(group_id.clone()).or_default().keys.push_back(key);
                if state == MessageState::Visible {
                    self.wake_group(&group_id);
                }
            }
            None if state == MessageState::Visible => self.ready.push_back(Slot { key, generation: 0 }),
            None => {}
        }
    }

    /// Makes visible every delayed or in-flight message whose time has come.
    fn promote(&mut self, now: EpochMillis, events: &mut Vec<QueueEvent>) {
        let mut returned = Vec::new();
        while let Some(&Reverse(timer)) = self.timers.peek() {
            if timer.due > now {
                break;
            }
            self.timers.pop();
            let Some(message) = self.messages.get_mut(&timer.key) else {
                continue;
            };
            if message.generation != timer.generation || message.state == MessageState::Visible {
                continue;
            }
            let was = message.state;
            message.state = MessageState::Visible;
            message.generation += 1;
            let slot = Slot {
                key: timer.key,
                generation: message.generation,
            };
            let message_id = message.record.message_id.clone();
            if was == MessageState::Delayed {
                self.delayed -= 1;
            } else {
                self.in_flight -= 1;
                events.push(QueueEvent::VisibilityExpired {
                    queue: self.name.clone(),
                    message_id,
                });
            }
            match self.fifo_group_of(timer.key) {
                Some(group_id) => {
                    if was == MessageState::InFlight {
                        if let Some(group) = self.groups.get_mut(&group_id) {
                            group.in_flight = group.in_flight.saturating_sub(1);
                        }
                    }
                    self.wake_group(&group_id);
                }
                // A delayed message is new, so it goes to the back; one whose visibility timed
                // out is older than anything waiting, so it goes to the front.
                None if was == MessageState::Delayed => self.ready.push_back(slot),
                None => returned.push(slot),
            }
        }
        for slot in returned.into_iter().rev() {
            self.ready.push_front(slot);
        }
    }

    /// Takes up to `max` visible messages; those already received `redrive_after` times go to
    /// `dead_letters` instead.
    fn take(
        &mut self,
        max: usize,
        visibility_ms: u64,
        redrive_after: Option<u32>,
        now: EpochMillis,
        events: &mut Vec<QueueEvent>,
    ) -> Taken {
        let mut taken = Taken {
            deliveries: Vec::new(),
            dead_letters: Vec::new(),
        };
        let retention_ms = u64::from(self.settings.message_retention_period) * 1000;
        let past_retention = |message: &StoredMessage| message.record.sent_at + retention_ms <= now;
        let exhausted =
            |message: &StoredMessage| redrive_after.is_some_and(|limit| message.record.receive_count >= limit);
        if !self.is_fifo() {
            while taken.deliveries.len() < max {
                let Some(slot) = self.ready.pop_front() else { break };
                let Some(message) = self.messages.get(&slot.key) else {
                    continue;
                };
                if message.generation != slot.generation || message.state != MessageState::Visible {
                    continue;
                }
                if past_retention(message) {
                    self.remove(slot.key);
                } else if exhausted(message) {
                    if let Some(removed) = self.remove(slot.key) {
                        taken.dead_letters.push(removed.record);
                    }
                } else if let Some(delivery) = self.deliver(slot.key, visibility_ms, now, events) {
                    taken.deliveries.push(delivery);
                }
            }
            return taken;
        }
        while taken.deliveries.len() < max {
            let Some(group_id) = self.ready_groups.pop_front() else {
                break;
            };
            let Some(group) = self.groups.get_mut(&group_id) else {
                continue;
            };
            group.queued = false;
            if group.in_flight > 0 {
                continue;
            }
            let (mut deliver, mut drop, mut dead) = (Vec::new(), Vec::new(), Vec::new());
            for &key in &group.keys {
                if taken.deliveries.len() + deliver.len() >= max {
                    break;
                }
                let Some(message) = self.messages.get(&key) else {
                    continue;
                };
                if message.state != MessageState::Visible {
                    break;
                }
                if past_retention(message) {
                    drop.push(key);
                } else if exhausted(message) {
                    dead.push(key);
                } else {
                    deliver.push(key);
                }
            }
            // Deliveries first, so that the group is in flight before removals look at it.
            for key in deliver {
                if let Some(delivery) = self.deliver(key, visibility_ms, now, events) {
                    taken.deliveries.push(delivery);
                }
            }
            for key in drop {
                self.remove(key);
            }
            for key in dead {
                if let Some(removed) = self.remove(key) {
                    taken.dead_letters.push(removed.record);
                }
            }
        }
        taken
    }

    /// Puts a visible message in flight and returns it with a new receipt handle.
    fn deliver(
        &mut self,
        key: u64,
        visibility_ms: u64,
        now: EpochMillis,
        events: &mut Vec<QueueEvent>,
    ) -> Option<Delivery> {
        let group = self.fifo_group_of(key);
        let message = self.messages.get_mut(&key)?;
        message.record.receive_count += 1;
        message.record.first_received_at.get_or_insert(now);
        message.generation += 1;
        message.state = MessageState::InFlight;
        message.visible_at = now + visibility_ms;
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let receipt_handle = ReceiptHandle::encode(&self.name, key, &nonce);
        message.receipt = Some(nonce);
        self.timers.push(Reverse(Timer {
            due: message.visible_at,
            key,
            generation: message.generation,
        }));
        self.in_flight += 1;
        let record = &message.record;
        events.push(QueueEvent::Received {
            queue: self.name.clone(),
            message_id: record.message_id.clone(),
            receive_count: record.receive_count,
        });
        let delivery = Delivery {
            message_id: record.message_id.clone(),
            receipt_handle,
            body: record.body.clone(),
            md5_of_body: record.md5_of_body.clone(),
            message_attributes: record.message_attributes.clone(),
            system_attributes: record.system_attributes(),
        };
        if let Some(group) = group.and_then(|g| self.groups.get_mut(&g)) {
            group.in_flight += 1;
        }
        Some(delivery)
    }

    /// Removes a message from every structure that counts it (stale entries stay behind).
    fn remove(&mut self, key: u64) -> Option<StoredMessage> {
        let group_id = self.fifo_group_of(key);
        let message = self.messages.remove(&key)?;
        match message.state {
            MessageState::Visible => {}
            MessageState::Delayed => self.delayed -= 1,
            MessageState::InFlight => self.in_flight -= 1,
        }
        if let Some(group_id) = group_id {
            if let Some(group) = self.groups.get_mut(&group_id) {
                if let Some(position) = group.keys.iter().position(|&k| k == key) {
                    group.keys.remove(position);
                }
                if message.state == MessageState::InFlight {
                    group.in_flight = group.in_flight.saturating_sub(1);
                }
                if group.keys.is_empty() && group.in_flight == 0 {
                    self.groups.remove(&group_id);
                } else {
                    self.wake_group(&group_id);
                }
            }
        }
        Some(message)
    }

    fn prune_deduplication(&mut self, now: EpochMillis) {
        while let Some((expires_at, _)) = self.deduplication_expiry.front() {
            if *expires_at > now {
                break;
            }
            if let Some((expires_at, key)) = self.deduplication_expiry.pop_front() {
                if self.deduplicated.get(&key).is_some_and(|d| d.expires_at == expires_at) {
                    self.deduplicated.remove(&key);
                }
            }
        }
    }

    fn send(
        &mut self,
        message: OutgoingMessage,
        now: EpochMillis,
        events: &mut Vec<QueueEvent>,
    ) -> Result<SendReceipt, SqsError> {
        if message.body.is_empty() {
            return Err(SqsError::MissingParameter("MessageBody".into()));
        }
        if let Some(c) = disallowed_character(&message.body) {
            return Err(SqsError::InvalidMessageContents(format!(
                "Invalid binary character '#x{:X}' was found in the message body, the set of allowed characters \
                 is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
                c as u32
            )));
        }
        validate_message_attributes(&message.message_attributes)?;
        let limit = self.settings.maximum_message_size as usize;
        if message.size() > limit {
            return Err(SqsError::InvalidParameterValue(format!(
                "One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."
            )));
        }
        if let Some(delay) = message.delay_seconds {
            if !(0..=900).contains(&delay) {
                return Err(invalid_parameter(
                    "DelaySeconds",
                    delay,
                    "DelaySeconds must be >= 0 and <= 900.",
                ));
            }
            if self.is_fifo() && delay != 0 {
                return Err(invalid_parameter(
                    "DelaySeconds",
                    delay,
                    "The request include parameter that is not valid for this queue type.",
                ));
            }
        }
        if let Some(group_id) = &message.group_id {
            validate_fifo_id("MessageGroupId", group_id)?;
        }
        if let Some(deduplication_id) = &message.deduplication_id {
            if !self.is_fifo() {
                return Err(invalid_parameter(
                    "MessageDeduplicationId",
                    deduplication_id,
                    "The request includes a parameter that is not valid for this queue type.",
                ));
            }
            validate_fifo_id("MessageDeduplicationId", deduplication_id)?;
        }
        let md5_of_message_body = md5_hex(message.body.as_bytes());
        let system_attributes = message
            .trace_header
            .as_ref()
            .map(|header| BTreeMap::from([("AWSTraceHeader".to_string(), MessageAttributeValue::string(header))]));
        let md5_of_message_system_attributes = system_attributes.as_ref().and_then(md5_of_message_attributes);
        let md5_of_message_attributes = md5_of_message_attributes(&message.message_attributes);
        let mut deduplication_id = None;
        if self.is_fifo() {
            let Some(group_id) = &message.group_id else {
                return Err(SqsError::MissingParameter("MessageGroupId".into()));
            };
            let id = match (&message.deduplication_id, self.settings.content_based_deduplication) {
                (Some(id), _) => id.clone(),
                (None, true) => sha256_hex(message.body.as_bytes()),
                (None, false) => {
                    return Err(SqsError::InvalidParameterValue(
                        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId \
                         provided explicitly"
                            .into(),
                    ))
                }
            };
            let scope_key = if self.settings.deduplication_scope == "messageGroup" {
                format!("{group_id}\u{0}{id}")
            } else {
                id.clone()
            };
            self.prune_deduplication(now);
            if let Some(original) = self.deduplicated.get(&scope_key) {
                return Ok(SendReceipt {
                    message_id: original.message_id.clone(),
                    md5_of_message_body,
                    md5_of_message_attributes,
                    md5_of_message_system_attributes,
                    sequence_number: original.sequence_number.clone(),
                });
            }
            deduplication_id = Some((id, scope_key));
        }
        let message_id = uuid::Uuid::new_v4().to_string();
        let sequence_number = self.is_fifo().then(|| self.next_sequence_number());
        if let Some((_, scope_key)) = &deduplication_id {
            let expires_at = now + DEDUPLICATION_WINDOW_MS;
            self.deduplicated.insert(
                scope_key.clone(),
                Deduplicated {
                    message_id: message_id.clone(),
                    sequence_number: sequence_number.clone(),
                    expires_at,
                },
            );
            self.deduplication_expiry.push_back((expires_at, scope_key.clone()));
        }
        let delay = message
            .delay_seconds
            .map_or(u64::from(self.settings.delay_seconds), |d| d as u64);
        let record = MessageRecord {
            message_id: message_id.clone(),
            body: message.body,
            md5_of_body: md5_of_message_body.clone(),
            message_attributes: message.message_attributes,
            trace_header: message.trace_header,
            sent_at: now,
            first_received_at: None,
            receive_count: 0,
            group_id: message.group_id,
            deduplication_id: deduplication_id.map(|(id, _)| id),
            sequence_number: sequence_number.clone(),
            delayed_until: None,
            dead_letter_source_arn: None,
            dead_lettered_at: None,
        };
        self.enqueue(record, (delay > 0).then(|| now + delay * 1000));
        events.push(QueueEvent::Sent {
            queue: self.name.clone(),
            message_id: message_id.clone(),
        });
        Ok(SendReceipt {
            message_id,
            md5_of_message_body,
            md5_of_message_attributes,
            md5_of_message_system_attributes,
            sequence_number,
        })
    }

    /// Takes in a message moved here by another queue's redrive policy: same id, body and
    /// attributes. The receive count carries on; FIFO queues restart the retention clock.
    fn accept_dead_letter(&mut self, mut record: MessageRecord, from: &str, now: EpochMillis) {
        if self.is_fifo() {
            record.sent_at = now;
            record.sequence_number = Some(self.next_sequence_number());
            record.group_id.get_or_insert_with(|| from.to_string());
        }
        self.enqueue(record, None);
    }

    fn attribute(&self, name: &str) -> Option<String> {
        match name {
            "QueueArn" => None,
            "ApproximateNumberOfMessages" => Some(self.visible().to_string()),
            "ApproximateNumberOfMessagesNotVisible" => Some(self.in_flight.to_string()),
            "ApproximateNumberOfMessagesDelayed" => Some(self.delayed.to_string()),
            "CreatedTimestamp" => Some((self.created_at / 1000).to_string()),
            "LastModifiedTimestamp" => Some((self.modified_at / 1000).to_string()),
            other => self.settings.get(other),
        }
    }
}

/// A receipt handle: which queue, which message, which receive.
struct ReceiptHandle {
    queue: String,
    key: u64,
    nonce: String,
}

impl ReceiptHandle {
    fn encode(queue: &str, key: u64, nonce: &str) -> String {
        BASE64.encode(format!("custctl-sqs/{queue}/{key}/{nonce}"))
    }

    fn decode(handle: &str) -> Option<Self> {
        let text = String::from_utf8(BASE64.decode(handle.as_bytes()).ok()?).ok()?;
        let mut parts = text.split('/');
        let (Some("custctl-sqs"), Some(queue), Some(key), Some(nonce), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(ReceiptHandle {
            queue: queue.to_string(),
            key: key.parse().ok()?,
            nonce: nonce.to_string(),
        })
    }
}

/// One queue in a snapshot.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueueSnapshot {
    name: String,
    attributes: BTreeMap<String, String>,
    created_at: EpochMillis,
    last_modified_at: EpochMillis,
    /// A string: JSON numbers do not hold 128 bits.
    next_sequence_number: String,
    messages: Vec<MessageRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoreSnapshot {
    version: u32,
    queues: Vec<QueueSnapshot>,
}

/// All the queues of the local account, and the events they produced since last asked.
#[derive(Debug)]
pub struct Queues {
    region: String,
    queues: BTreeMap<String, Queue>,
    events: Vec<QueueEvent>,
    /// Message move tasks, oldest first (see [`move_tasks`]).
    move_tasks: Vec<MoveTask>,
}

/// Looks a queue up and brings its timers up to date, as every operation on a queue must.
fn promoted<'a>(
    queues: &'a mut BTreeMap<String, Queue>,
    events: &mut Vec<QueueEvent>,
    name: &str,
    now: EpochMillis,
) -> Result<&'a mut Queue, SqsError> {
    let queue = queues.get_mut(name).ok_or(SqsError::QueueDoesNotExist)?;
    queue.promote(now, events);
    Ok(queue)
}

impl Queues {
    pub fn new(region: impl Into<String>) -> Self {
        Queues {
            region: region.into(),
            queues: BTreeMap::new(),
            events: Vec::new(),
            move_tasks: Vec::new(),
        }
    }

    /// `arn:aws:sqs:{region}:000000000000:{name}`.
    pub fn queue_arn(&self, name: &str) -> String {
        format!("arn:aws:sqs:{}:{ACCOUNT_ID}:{name}", self.region)
    }

    pub fn exists(&self, name: &str) -> bool {
        self.queues.contains_key(name)
    }

    /// The events since the last call.
    pub fn take_events(&mut self) -> Vec<QueueEvent> {
        std::mem::take(&mut self.events)
    }

    pub fn settings(&self, name: &str) -> Option<&QueueSettings> {
        self.queues.get(name).map(|q| &q.settings)
    }

    /// Checks that a redrive policy points at an existing queue of the same type.
    fn check_redrive_target(&self, settings: &QueueSettings) -> Result<(), SqsError> {
        let Some(policy) = &settings.redrive_policy else {
            return Ok(());
        };
        let reason = |reason: &str| invalid_parameter("RedrivePolicy", policy.to_json_string(), reason);
        let Some(target) = queue_name_from_arn(&policy.dead_letter_target_arn) else {
            return Err(reason("Invalid value for deadLetterTargetArn."));
        };
        let Some(target) = self.queues.get(target) else {
            return Err(reason("Dead letter target does not exist."));
        };
        if target.is_fifo() != settings.fifo_queue {
            return Err(reason("Dead-letter queue must be same type of queue as the source."));
        }
        Ok(())
    }

    /// `CreateQueue`: creates the queue, or accepts an existing one whose attributes match
    /// every attribute given. Returns whether it was created.
    pub fn create_queue(
        &mut self,
        name: &str,
        attributes: &BTreeMap<String, String>,
        now: EpochMillis,
    ) -> Result<bool, SqsError> {
        let settings = QueueSettings::from_attributes(attributes)?;
        validate_queue_name(name, settings.fifo_queue)?;
        if let Some(existing) = self.queues.get(name) {
            for attribute in attributes.keys() {
                if existing.settings.get(attribute) != settings.get(attribute) {
                    return Err(SqsError::QueueNameExists(attribute.clone()));
                }
            }
            return Ok(false);
        }
        self.check_redrive_target(&settings)?;
        self.queues.insert(name.to_string(), Queue::new(name, settings, now));
        Ok(true)
    }

    /// `ListQueues`: names in order, `max_results` (1 to 1000) at a time after `next_token`.
    pub fn list_queues(
        &self,
        prefix: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), SqsError> {
        self.page_of_queues(|queue| queue.name.starts_with(prefix), max_results, next_token)
    }

    /// `ListDeadLetterSourceQueues`: the queues whose redrive policy targets `name`, paginated
    /// as `ListQueues` is (MaxResults 1 to 1000; 1,000 at most without it, and then no
    /// NextToken: the operation's API reference).
    pub fn list_dead_letter_source_queues(
        &self,
        name: &str,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), SqsError> {
        if !self.exists(name) {
            return Err(SqsError::QueueDoesNotExist);
        }
        self.page_of_queues(
            |queue| queue.dead_letter_target() == Some(name),
            max_results,
            next_token,
        )
    }

    /// The names of the queues that `wanted` selects, in order, `max_results` (1 to 1000) at a
    /// time after `next_token`.
    fn page_of_queues(
        &self,
        wanted: impl Fn(&Queue) -> bool,
        max_results: Option<i64>,
        next_token: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), SqsError> {
        let limit = match max_results {
            None => 1000,
            Some(n @ 1..=1000) => n as usize,
            Some(n) => {
                return Err(invalid_parameter(
                    "MaxResults",
                    n,
                    "MaxResults must be an integer between 1 and 1000.",
                ))
            }
        };
        let after = match next_token {
            None | Some("") => None,
            Some(token) => Some(
                BASE64
                    .decode(token.as_bytes())
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(|| SqsError::InvalidParameterValue("Invalid NextToken value.".into()))?,
            ),
        };
        let mut names = self
            .queues
            .iter()
            .filter(|(name, queue)| wanted(queue) && after.as_ref().is_none_or(|after| *name > after))
            .take(limit + 1)
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>();
        let more = names.len() > limit;
        names.truncate(limit);
        let token = (more && max_results.is_some())
            .then(|| names.last().map(|last| BASE64.encode(last)))
            .flatten();
        Ok((names, token))
    }

    /// `GetQueueAttributes` for `names` (`All` for every one). Attributes the queue does not
    /// have are left out; names SQS does not know are an error.
    pub fn queue_attributes(
        &mut self,
        name: &str,
        names: &[String],
        now: EpochMillis,
    ) -> Result<BTreeMap<String, String>, SqsError> {
        let arn = self.queue_arn(name);
        let queue = promoted(&mut self.queues, &mut self.events, name, now)?;
        let known = |n: &str| n == "All" || CONFIGURABLE_ATTRIBUTES.contains(&n) || COMPUTED_ATTRIBUTES.contains(&n);
        if let Some(unknown) = names.iter().find(|n| !known(n)) {
            return Err(SqsError::InvalidAttributeName(unknown.clone()));
        }
        let all = names.iter().any(|n| n == "All");
        let wanted = COMPUTED_ATTRIBUTES
            .iter()
            .chain(CONFIGURABLE_ATTRIBUTES)
            .copied()
            .filter(|&n| all || names.iter().any(|w| w == n));
        Ok(wanted
            .filter_map(|n| {
                let value = if n == "QueueArn" {
                    Some(arn.clone())
                } else {
                    queue.attribute(n)
                };
                Some((n.to_string(), value?))
            })
            .collect())
    }

    /// `SetQueueAttributes`: all or nothing.
    pub fn set_queue_attributes(
        &mut self,
        name: &str,
        attributes: &BTreeMap<String, String>,
        now: EpochMillis,
    ) -> Result<(), SqsError> {
        let queue = self.queues.get(name).ok_or(SqsError::QueueDoesNotExist)?;
        let mut settings = queue.settings.clone();
        for (attribute, value) in attributes {
            settings.set(attribute, value)?;
        }
        self.check_redrive_target(&settings)?;
        if let Some(queue) = self.queues.get_mut(name) {
            queue.settings = settings;
            queue.modified_at = now;
        }
        Ok(())
    }

    pub fn delete_queue(&mut self, name: &str) -> Result<(), SqsError> {
        self.queues.remove(name).ok_or(SqsError::QueueDoesNotExist)?;
        // A queue created later under the same name starts with no task history.
        self.move_tasks.retain(|task| task.source != name);
        Ok(())
    }

    /// `PurgeQueue`: drops every message; AWS allows it once a minute.
    pub fn purge_queue(&mut self, name: &str, now: EpochMillis) -> Result<(), SqsError> {
        let arn = self.queue_arn(name);
        let queue = self.queues.get_mut(name).ok_or(SqsError::QueueDoesNotExist)?;
        if queue.last_purge.is_some_and(|last| now < last + PURGE_INTERVAL_MS) {
            return Err(SqsError::PurgeQueueInProgress(arn));
        }
        let mut purged = Queue::new(name, queue.settings.clone(), queue.created_at);
        purged.modified_at = queue.modified_at;
        purged.next_sequence = queue.next_sequence;
        purged.deduplicated = std::mem::take(&mut queue.deduplicated);
        purged.deduplication_expiry = std::mem::take(&mut queue.deduplication_expiry);
        purged.last_purge = Some(now);
        *queue = purged;
        Ok(())
    }

    /// `SendMessage`.
    pub fn send(&mut self, name: &str, message: OutgoingMessage, now: EpochMillis) -> Result<SendReceipt, SqsError> {
        let queue = promoted(&mut self.queues, &mut self.events, name, now)?;
        queue.send(message, now, &mut self.events)
    }

    /// `ReceiveMessage` without waiting: up to `max` messages, in flight for `visibility_timeout`
    /// seconds (the queue's when `None`). Messages past the redrive policy's receive count move
    /// to the dead-letter queue instead.
    pub fn receive(
        &mut self,
        name: &str,
        max: usize,
        visibility_timeout: Option<u32>,
        now: EpochMillis,
    ) -> Result<Vec<Delivery>, SqsError> {
        let source = self.queues.get(name).ok_or(SqsError::QueueDoesNotExist)?;
        // Without a dead-letter queue to move them to, messages stay where they are.
        let redrive = source.settings.redrive_policy.as_ref().and_then(|policy| {
            let target = queue_name_from_arn(&policy.dead_letter_target_arn)?;
            (target != name && self.queues.contains_key(target)).then(|| (target.to_string(), policy.max_receive_count))
        });
        let queue = promoted(&mut self.queues, &mut self.events, name, now)?;
        let visibility = visibility_timeout.unwrap_or(queue.settings.visibility_timeout);
        let taken = queue.take(
            max,
            u64::from(visibility) * 1000,
            redrive.as_ref().map(|r| r.1),
            now,
            &mut self.events,
        );
        if let Some((target_name, _)) = redrive {
            let source_arn = self.queue_arn(name);
            if let Some(target) = self.queues.get_mut(&target_name) {
                for mut record in taken.dead_letters {
                    record.dead_letter_source_arn = Some(source_arn.clone());
                    record.dead_lettered_at = Some(now);
                    let message_id = record.message_id.clone();
                    target.accept_dead_letter(record, name, now);
                    self.events.push(QueueEvent::MovedToDeadLetterQueue {
                        from: name.to_string(),
                        to: target_name.clone(),
                        message_id,
                    });
                }
            }
        }
        Ok(taken.deliveries)
    }

    /// Every queue's depth and oldest message, for the queue metrics. The age of the oldest
    /// message counts, in a dead-letter queue, from when the message was moved there ("The
    /// ApproximateAgeOfOldestMessage metric indicates when the message moved to the dead-letter
    /// queue", SQS Developer Guide, "Setting-up dead-letter queue retention"). Looks at every
    /// message: it runs once a minute and per metrics read, not per request.
    pub fn depths(&mut self, now: EpochMillis) -> Vec<QueueDepth> {
        let names: Vec<String> = self.queues.keys().cloned().collect();
        let mut depths = Vec::with_capacity(names.len());
        for name in names {
            let Ok(queue) = promoted(&mut self.queues, &mut self.events, &name, now) else {
                continue;
            };
            let oldest = queue
                .messages
                .values()
                .map(|m| m.record.dead_lettered_at.unwrap_or(m.record.sent_at))
                .min();
            depths.push(QueueDepth {
                visible: queue.visible() as u64,
                in_flight: queue.in_flight as u64,
                delayed: queue.delayed as u64,
                oldest_age_secs: oldest.map(|at| now.saturating_sub(at) / 1000),
                queue: name,
            });
        }
        depths
    }

    /// When the next delayed or in-flight message of the queue may become visible.
    pub fn next_due(&self, name: &str) -> Option<EpochMillis> {
        self.queues.get(name)?.timers.peek().map(|Reverse(timer)| timer.due)
    }

    fn receipt_for(&self, name: &str, handle: &str) -> Result<ReceiptHandle, SqsError> {
        if !self.queues.contains_key(name) {
            return Err(SqsError::QueueDoesNotExist);
        }
        ReceiptHandle::decode(handle)
            .filter(|receipt| receipt.queue == name)
            .ok_or_else(|| SqsError::ReceiptHandleIsInvalid(handle.to_string()))
    }

    /// `DeleteMessage`. As on AWS, a handle from an earlier receive of a message that has been
    /// received again succeeds without deleting it, and deleting twice succeeds.
    pub fn delete_message(&mut self, name: &str, handle: &str, now: EpochMillis) -> Result<(), SqsError> {
        let receipt = self.receipt_for(name, handle)?;
        let queue = promoted(&mut self.queues, &mut self.events, name, now)?;
        let current = queue
            .messages
            .get(&receipt.key)
            .is_some_and(|m| m.receipt.as_deref() == Some(receipt.nonce.as_str()));
        if current {
            if let Some(message) = queue.remove(receipt.key) {
                self.events.push(QueueEvent::Deleted {
                    queue: name.to_string(),
                    message_id: message.record.message_id,
                });
            }
        }
        Ok(())
    }

    /// `ChangeMessageVisibility`: the message becomes visible `seconds` from now.
    pub fn change_visibility(
        &mut self,
        name: &str,
        handle: &str,
        seconds: i64,
        now: EpochMillis,
    ) -> Result<(), SqsError> {
        if !(0..=i64::from(MAX_VISIBILITY_TIMEOUT)).contains(&seconds) {
            return Err(invalid_parameter(
                "VisibilityTimeout",
                seconds,
                "Must be between 0 and 43200, if provided.",
            ));
        }
        let receipt = self.receipt_for(name, handle)?;
        let queue = promoted(&mut self.queues, &mut self.events, name, now)?;
        let Some(message) = queue
            .messages
            .get_mut(&receipt.key)
            .filter(|m| m.receipt.as_deref() == Some(receipt.nonce.as_str()))
        else {
            return Err(invalid_parameter(
                "ReceiptHandle",
                handle,
                "Message does not exist or is not available for visibility timeout change.",
            ));
        };
        if message.state != MessageState::InFlight {
            return Err(SqsError::MessageNotInflight);
        }
        message.generation += 1;
        message.visible_at = now + seconds as u64 * 1000;
        queue.timers.push(Reverse(Timer {
            due: message.visible_at,
            key: receipt.key,
            generation: message.generation,
        }));
        Ok(())
    }

    /// Every queue with its attributes and messages, as JSON.
    pub fn snapshot(&self) -> serde_json::Value {
        let queues = self
            .queues
            .values()
            .map(|queue| {
                let mut keys = queue.messages.keys().copied().collect::<Vec<_>>();
                keys.sort_unstable();
                let messages = keys
                    .iter()
                    .filter_map(|key| queue.messages.get(key))
                    .map(|message| {
                        let mut record = message.record.clone();
                        record.delayed_until = (message.state == MessageState::Delayed).then_some(message.visible_at);
                        record
                    })
                    .collect();
                QueueSnapshot {
                    name: queue.name.clone(),
                    attributes: queue.settings.configured_attributes(),
                    created_at: queue.created_at,
                    last_modified_at: queue.modified_at,
                    next_sequence_number: queue.next_sequence.to_string(),
                    messages,
                }
            })
            .collect();
        serde_json::to_value(StoreSnapshot { version: 1, queues }).unwrap_or_default()
    }

    /// Replaces every queue with those of `snapshot`. Messages that were in flight are visible.
    pub fn restore(&mut self, snapshot: serde_json::Value, now: EpochMillis) -> Result<(), String> {
        let snapshot: StoreSnapshot =
            serde_json::from_value(snapshot).map_err(|e| format!("not an SQS snapshot: {e}"))?;
        if snapshot.version != 1 {
            return Err(format!("SQS snapshot version {} is not supported", snapshot.version));
        }
        let mut queues = BTreeMap::new();
        for saved in snapshot.queues {
            let settings =
                QueueSettings::from_attributes(&saved.attributes).map_err(|e| format!("queue {}: {e}", saved.name))?;
            validate_queue_name(&saved.name, settings.fifo_queue).map_err(|e| format!("queue {}: {e}", saved.name))?;
            let mut queue = Queue::new(&saved.name, settings, saved.created_at);
            queue.modified_at = saved.last_modified_at;
            queue.next_sequence = saved.next_sequence_number.parse().unwrap_or(FIRST_SEQUENCE_NUMBER);
            for mut record in saved.messages {
                let delayed_until = record.delayed_until.take().filter(|&until| until > now);
                if queue.is_fifo() && record.group_id.is_none() {
                    record.group_id = Some(saved.name.clone());
                }
                queue.enqueue(record, delayed_until);
            }
            queues.insert(saved.name, queue);
        }
        self.queues = queues;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: EpochMillis = 1_700_000_000_000;

    fn attributes(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn with_queue(name: &str, pairs: &[(&str, &str)]) -> Queues {
        let mut queues = Queues::new("us-east-1");
        queues.create_queue(name, &attributes(pairs), T0).unwrap();
        queues
    }

    fn send(queues: &mut Queues, name: &str, body: &str, now: EpochMillis) -> String {
        queues.send(name, OutgoingMessage::body(body), now).unwrap().message_id
    }

    fn fifo_message(body: &str, group: &str) -> OutgoingMessage {
        OutgoingMessage {
            group_id: Some(group.into()),
            ..OutgoingMessage::body(body)
        }
    }

    fn bodies(deliveries: &[Delivery]) -> Vec<&str> {
        deliveries.iter().map(|d| d.body.as_str()).collect()
    }

    fn count(queues: &mut Queues, name: &str, attribute: &str, now: EpochMillis) -> String {
        queues.queue_attributes(name, &[attribute.to_string()], now).unwrap()[attribute].clone()
    }

    #[test]
    fn attribute_digests_match_the_values_aws_returns() {
        let number = |v: &str| MessageAttributeValue {
            data_type: "Number".into(),
            string_value: Some(v.into()),
            binary_value: None,
        };
        let one = BTreeMap::from([("timestamp".to_string(), number("1493147359900"))]);
        assert_eq!(
            md5_of_message_attributes(&one).as_deref(),
            Some("235c5c510d26fb653d073faed50ae77c")
        );
        let mixed = BTreeMap::from([
            ("ccc".to_string(), MessageAttributeValue::string("testjunk")),
            (
                "aaa".to_string(),
                MessageAttributeValue {
                    data_type: "Binary".into(),
                    string_value: None,
                    binary_value: Some(vec![2, 3, 4]),
                },
            ),
            ("zzz".to_string(), number("0230.01")),
            ("öther_encodings".to_string(), MessageAttributeValue::string("Tüst")),
        ]);
        assert_eq!(
            md5_of_message_attributes(&mixed).as_deref(),
            Some("8ae21a7957029ef04146b42aeaa18a22")
        );
        assert_eq!(md5_of_message_attributes(&MessageAttributes::new()), None);
    }

    #[test]
    fn queue_names_follow_aws_rules() {
        let mut queues = Queues::new("us-east-1");
        let fifo = attributes(&[("FifoQueue", "true")]);
        let too_long = "x".repeat(81);
        assert!(queues.create_queue("orders_1-a", &BTreeMap::new(), T0).unwrap());
        assert!(queues.create_queue("orders.fifo", &fifo, T0).unwrap());
        for (name, attrs) in [
            ("", BTreeMap::new()),
            ("has space", BTreeMap::new()),
            (too_long.as_str(), BTreeMap::new()),
            ("plain.fifo", BTreeMap::new()),
            ("no-suffix", fifo.clone()),
        ] {
            let err = queues.create_queue(name, &attrs, T0).unwrap_err();
            assert_eq!(err.query_code(), "InvalidParameterValue", "{name:?}");
        }
    }

    #[test]
    fn create_is_idempotent_only_with_the_same_attributes() {
        let mut queues = with_queue("q", &[("VisibilityTimeout", "60")]);
        assert!(!queues
            .create_queue("q", &attributes(&[("VisibilityTimeout", "60")]), T0)
            .unwrap());
        assert!(!queues.create_queue("q", &BTreeMap::new(), T0).unwrap());
        let err = queues
            .create_queue("q", &attributes(&[("VisibilityTimeout", "61")]), T0)
            .unwrap_err();
        assert_eq!(err, SqsError::QueueNameExists("VisibilityTimeout".into()));
        assert_eq!(err.query_code(), "QueueAlreadyExists");
    }

    #[test]
    fn attributes_are_validated_and_unknown_names_refused() {
        let mut queues = with_queue("q", &[]);
        let err = queues
            .set_queue_attributes("q", &attributes(&[("VisibilityTimeout", "43201")]), T0)
            .unwrap_err();
        assert_eq!(err, SqsError::InvalidAttributeValue("VisibilityTimeout".into()));
        let err = queues
            .set_queue_attributes("q", &attributes(&[("Colour", "blue")]), T0)
            .unwrap_err();
        assert_eq!(err, SqsError::InvalidAttributeName("Colour".into()));
        let err = queues.queue_attributes("q", &["Colour".into()], T0).unwrap_err();
        assert_eq!(err, SqsError::InvalidAttributeName("Colour".into()));
        let all = queues.queue_attributes("q", &["All".into()], T0).unwrap();
        assert_eq!(all["QueueArn"], "arn:aws:sqs:us-east-1:000000000000:q");
        assert_eq!(all["VisibilityTimeout"], "30");
        assert_eq!(all["CreatedTimestamp"], (T0 / 1000).to_string());
        assert!(
            !all.contains_key("FifoQueue"),
            "standard queues have no FIFO attributes"
        );
    }

    #[test]
    fn redrive_policy_needs_an_existing_target_of_the_same_type() {
        let mut queues = with_queue("dlq", &[]);
        queues.create_queue("q", &BTreeMap::new(), T0).unwrap();
        let missing = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:nope","maxReceiveCount":3}"#;
        let err = queues
            .set_queue_attributes("q", &attributes(&[("RedrivePolicy", missing)]), T0)
            .unwrap_err();
        assert!(err.to_string().contains("Dead letter target does not exist"), "{err}");
        let too_many = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":1001}"#;
        assert!(queues
            .set_queue_attributes("q", &attributes(&[("RedrivePolicy", too_many)]), T0)
            .is_err());
        let good = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"2"}"#;
        queues
            .set_queue_attributes("q", &attributes(&[("RedrivePolicy", good)]), T0)
            .unwrap();
        assert_eq!(
            count(&mut queues, "q", "RedrivePolicy", T0),
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":2}"#
        );
    }

    #[test]
    fn a_received_message_is_invisible_until_its_timeout() {
        let mut queues = with_queue("q", &[("VisibilityTimeout", "30")]);
        send(&mut queues, "q", "hello", T0);
        let first = queues.receive("q", 10, None, T0).unwrap();
        assert_eq!(bodies(&first), ["hello"]);
        assert_eq!(first[0].system_attributes["ApproximateReceiveCount"], "1");
        assert!(queues.receive("q", 10, None, T0 + 29_999).unwrap().is_empty());
        assert_eq!(
            count(&mut queues, "q", "ApproximateNumberOfMessagesNotVisible", T0 + 29_999),
            "1"
        );
        let again = queues.receive("q", 10, None, T0 + 30_000).unwrap();
        assert_eq!(again[0].system_attributes["ApproximateReceiveCount"], "2");
        assert_eq!(
            again[0].system_attributes["ApproximateFirstReceiveTimestamp"],
            T0.to_string()
        );
        assert_ne!(again[0].receipt_handle, first[0].receipt_handle);
    }

    #[test]
    fn only_the_latest_receipt_handle_deletes() {
        let mut queues = with_queue("q", &[]);
        send(&mut queues, "q", "m", T0);
        let first = queues.receive("q", 1, Some(0), T0).unwrap();
        let second = queues.receive("q", 1, Some(30), T0 + 1).unwrap();
        queues.delete_message("q", &first[0].receipt_handle, T0 + 2).unwrap();
        assert_eq!(
            count(&mut queues, "q", "ApproximateNumberOfMessagesNotVisible", T0 + 2),
            "1",
            "stale handle deletes nothing"
        );
        queues.delete_message("q", &second[0].receipt_handle, T0 + 3).unwrap();
        queues.delete_message("q", &second[0].receipt_handle, T0 + 4).unwrap();
        assert_eq!(
            count(&mut queues, "q", "ApproximateNumberOfMessagesNotVisible", T0 + 4),
            "0"
        );
        let err = queues.delete_message("q", "not-a-handle", T0).unwrap_err();
        assert_eq!(err.query_code(), "ReceiptHandleIsInvalid");
    }

    #[test]
    fn visibility_changes_only_for_messages_in_flight() {
        let mut queues = with_queue("q", &[]);
        send(&mut queues, "q", "m", T0);
        let handle = queues.receive("q", 1, Some(10), T0).unwrap().remove(0).receipt_handle;
        queues.change_visibility("q", &handle, 100, T0 + 5_000).unwrap();
        assert!(queues.receive("q", 1, None, T0 + 50_000).unwrap().is_empty());
        queues.change_visibility("q", &handle, 0, T0 + 50_000).unwrap();
        assert_eq!(count(&mut queues, "q", "ApproximateNumberOfMessages", T0 + 50_000), "1");
        let err = queues.change_visibility("q", &handle, 10, T0 + 50_000).unwrap_err();
        assert_eq!(err, SqsError::MessageNotInflight);
        assert!(queues.change_visibility("q", &handle, 43_201, T0).is_err());
    }

    #[test]
    fn delayed_messages_wait_and_are_counted_apart() {
        let mut queues = with_queue("q", &[]);
        let delayed = OutgoingMessage {
            delay_seconds: Some(5),
            ..OutgoingMessage::body("later")
        };
        queues.send("q", delayed, T0).unwrap();
        send(&mut queues, "q", "now", T0);
        assert_eq!(count(&mut queues, "q", "ApproximateNumberOfMessagesDelayed", T0), "1");
        assert_eq!(bodies(&queues.receive("q", 10, None, T0).unwrap()), ["now"]);
        assert_eq!(bodies(&queues.receive("q", 10, None, T0 + 5_000).unwrap()), ["later"]);
        let too_long = OutgoingMessage {
            delay_seconds: Some(901),
            ..OutgoingMessage::body("x")
        };
        assert_eq!(
            queues.send("q", too_long, T0).unwrap_err().query_code(),
            "InvalidParameterValue"
        );
    }

    #[test]
    fn messages_move_to_the_dead_letter_queue_after_max_receives() {
        let mut queues = with_queue("dlq", &[]);
        let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":2}"#;
        queues
            .create_queue("q", &attributes(&[("RedrivePolicy", policy)]), T0)
            .unwrap();
        let id = queues
            .send(
                "q",
                OutgoingMessage {
                    message_attributes: BTreeMap::from([("k".to_string(), MessageAttributeValue::string("v"))]),
                    ..OutgoingMessage::body("poison")
                },
                T0,
            )
            .unwrap()
            .message_id;
        queues.take_events();
        assert_eq!(queues.receive("q", 1, Some(0), T0).unwrap().len(), 1);
        assert_eq!(
            queues.receive("q", 1, Some(0), T0 + 1).unwrap().len(),
            1,
            "not moved after the first failure"
        );
        assert!(
            queues.receive("q", 1, Some(0), T0 + 2).unwrap().is_empty(),
            "moved instead of a third delivery"
        );
        let events = queues.take_events();
        assert!(events.contains(&QueueEvent::MovedToDeadLetterQueue {
            from: "q".into(),
            to: "dlq".into(),
            message_id: id.clone()
        }));
        let moved = queues.receive("dlq", 1, None, T0 + 3).unwrap();
        assert_eq!(moved[0].message_id, id);
        assert_eq!(moved[0].body, "poison");
        assert_eq!(moved[0].message_attributes["k"], MessageAttributeValue::string("v"));
        assert_eq!(count(&mut queues, "q", "ApproximateNumberOfMessages", T0 + 3), "0");
    }

    #[test]
    fn a_dlqs_oldest_message_is_as_old_as_its_move_there() {
        let mut queues = with_queue("dlq", &[]);
        let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":1}"#;
        queues
            .create_queue("q", &attributes(&[("RedrivePolicy", policy)]), T0)
            .unwrap();
        send(&mut queues, "q", "poison", T0);
        queues.receive("q", 1, Some(0), T0 + 10_000).unwrap();
        queues.receive("q", 1, Some(0), T0 + 60_000).unwrap();
        let depths = queues.depths(T0 + 90_000);
        let depth = |name: &str| depths.iter().find(|d| d.queue == name).unwrap().clone();
        assert_eq!(
            depth("dlq").oldest_age_secs,
            Some(30),
            "counted from the move, not the send"
        );
        assert_eq!((depth("dlq").visible, depth("q").visible), (1, 0));
        assert_eq!(depth("q").oldest_age_secs, None, "an empty queue has no oldest message");
    }

    #[test]
    fn fifo_groups_deliver_in_order_one_batch_at_a_time() {
        let mut queues = with_queue(
            "q.fifo",
            &[("FifoQueue", "true"), ("ContentBasedDeduplication", "true")],
        );
        for (body, group) in [("a1", "a"), ("b1", "b"), ("a2", "a"), ("a3", "a")] {
            queues.send("q.fifo", fifo_message(body, group), T0).unwrap();
        }
        let first = queues.receive("q.fifo", 2, Some(30), T0).unwrap();
        assert_eq!(bodies(&first), ["a1", "a2"]);
        let second = queues.receive("q.fifo", 10, Some(30), T0).unwrap();
        assert_eq!(
            bodies(&second),
            ["b1"],
            "group a is blocked while a1 and a2 are in flight"
        );
        queues.delete_message("q.fifo", &first[0].receipt_handle, T0).unwrap();
        assert!(
            queues.receive("q.fifo", 10, None, T0).unwrap().is_empty(),
            "a2 is still in flight"
        );
        // a2's visibility times out: it comes back before a3.
        let third = queues.receive("q.fifo", 10, None, T0 + 30_000).unwrap();
        assert_eq!(bodies(&third), ["b1", "a2", "a3"]);
        let sequence = |d: &Delivery| d.system_attributes["SequenceNumber"].parse::<u128>().unwrap();
        let a = third
            .iter()
            .filter(|d| d.body.starts_with('a'))
            .map(sequence)
            .collect::<Vec<_>>();
        assert!(a.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn fifo_requires_group_and_deduplication() {
        let mut queues = with_queue("q.fifo", &[("FifoQueue", "true")]);
        let err = queues.send("q.fifo", OutgoingMessage::body("x"), T0).unwrap_err();
        assert_eq!(err, SqsError::MissingParameter("MessageGroupId".into()));
        let err = queues.send("q.fifo", fifo_message("x", "g"), T0).unwrap_err();
        assert_eq!(err.query_code(), "InvalidParameterValue");
        let with_id = OutgoingMessage {
            deduplication_id: Some("d1".into()),
            ..fifo_message("x", "g")
        };
        let first = queues.send("q.fifo", with_id.clone(), T0).unwrap();
        let duplicate = queues.send("q.fifo", with_id.clone(), T0 + 299_999).unwrap();
        assert_eq!(duplicate.message_id, first.message_id);
        assert_eq!(count(&mut queues, "q.fifo", "ApproximateNumberOfMessages", T0), "1");
        let after_window = queues.send("q.fifo", with_id, T0 + 300_000).unwrap();
        assert_ne!(after_window.message_id, first.message_id);
        assert!(after_window.sequence_number > first.sequence_number);
    }

    #[test]
    fn content_based_deduplication_uses_the_body_hash() {
        let mut queues = with_queue(
            "q.fifo",
            &[("FifoQueue", "true"), ("ContentBasedDeduplication", "true")],
        );
        let first = queues.send("q.fifo", fifo_message("same", "g"), T0).unwrap();
        let second = queues.send("q.fifo", fifo_message("same", "other"), T0).unwrap();
        assert_eq!(first.message_id, second.message_id);
        let delivered = queues.receive("q.fifo", 10, None, T0).unwrap();
        assert_eq!(
            delivered[0].system_attributes["MessageDeduplicationId"],
            sha256_hex(b"same")
        );
    }

    #[test]
    fn bodies_with_characters_outside_xml_are_refused() {
        let mut queues = with_queue("q", &[]);
        let err = queues
            .send("q", OutgoingMessage::body("bad \u{1} char"), T0)
            .unwrap_err();
        assert_eq!(err.query_code(), "InvalidMessageContents");
        assert!(err.to_string().contains("#x1"), "{err}");
        send(&mut queues, "q", "tab\tnewline\n emoji 😀 \u{FFFD}", T0);
    }

    #[test]
    fn batch_entry_ids_are_checked_like_aws() {
        assert_eq!(check_batch_entry_ids(&[], "E"), Err(SqsError::EmptyBatchRequest("E")));
        assert_eq!(
            check_batch_entry_ids(&["a"; 11], "E"),
            Err(SqsError::TooManyEntriesInBatchRequest(11))
        );
        assert_eq!(
            check_batch_entry_ids(&["a", "b c"], "E"),
            Err(SqsError::InvalidBatchEntryId)
        );
        assert_eq!(
            check_batch_entry_ids(&["a", "b", "a"], "E"),
            Err(SqsError::BatchEntryIdsNotDistinct("a".into()))
        );
        assert_eq!(check_batch_entry_ids(&["a-1", "b_2"], "E"), Ok(()));
    }

    #[test]
    fn purge_drops_everything_once_a_minute() {
        let mut queues = with_queue("q", &[]);
        send(&mut queues, "q", "a", T0);
        queues.receive("q", 1, None, T0).unwrap();
        send(&mut queues, "q", "b", T0);
        queues.purge_queue("q", T0).unwrap();
        assert_eq!(count(&mut queues, "q", "ApproximateNumberOfMessages", T0), "0");
        assert_eq!(
            count(&mut queues, "q", "ApproximateNumberOfMessagesNotVisible", T0),
            "0"
        );
        assert_eq!(
            queues.purge_queue("q", T0 + 59_999).unwrap_err().query_code(),
            "AWS.SimpleQueueService.PurgeQueueInProgress"
        );
        queues.purge_queue("q", T0 + 60_000).unwrap();
    }

    #[test]
    fn messages_past_retention_are_not_delivered() {
        let mut queues = with_queue("q", &[("MessageRetentionPeriod", "60")]);
        send(&mut queues, "q", "old", T0);
        assert!(queues.receive("q", 1, None, T0 + 60_000).unwrap().is_empty());
        assert_eq!(count(&mut queues, "q", "ApproximateNumberOfMessages", T0 + 60_000), "0");
    }

    #[test]
    fn snapshot_restores_queues_and_makes_in_flight_messages_visible() {
        let mut queues = with_queue("dlq", &[]);
        let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":5}"#;
        queues
            .create_queue(
                "q",
                &attributes(&[("RedrivePolicy", policy), ("VisibilityTimeout", "45")]),
                T0,
            )
            .unwrap();
        queues
            .create_queue(
                "f.fifo",
                &attributes(&[("FifoQueue", "true"), ("ContentBasedDeduplication", "true")]),
                T0,
            )
            .unwrap();
        let id = send(&mut queues, "q", "in flight", T0);
        send(&mut queues, "q", "visible", T0);
        queues
            .send(
                "q",
                OutgoingMessage {
                    delay_seconds: Some(60),
                    ..OutgoingMessage::body("delayed")
                },
                T0,
            )
            .unwrap();
        queues.send("f.fifo", fifo_message("f1", "g"), T0).unwrap();
        queues.receive("q", 1, None, T0).unwrap();

        let snapshot = queues.snapshot();
        let mut restored = Queues::new("us-east-1");
        restored
            .restore(serde_json::from_str(&snapshot.to_string()).unwrap(), T0 + 1)
            .unwrap();
        assert_eq!(count(&mut restored, "q", "VisibilityTimeout", T0 + 1), "45");
        assert_eq!(
            count(&mut restored, "q", "RedrivePolicy", T0 + 1),
            count(&mut queues, "q", "RedrivePolicy", T0 + 1)
        );
        assert_eq!(
            count(&mut restored, "q", "ApproximateNumberOfMessagesDelayed", T0 + 1),
            "1"
        );
        let delivered = restored.receive("q", 10, None, T0 + 1).unwrap();
        assert_eq!(bodies(&delivered), ["in flight", "visible"]);
        assert_eq!(delivered[0].message_id, id);
        assert_eq!(delivered[0].system_attributes["ApproximateReceiveCount"], "2");
        assert_eq!(bodies(&restored.receive("f.fifo", 10, None, T0 + 1).unwrap()), ["f1"]);
        assert!(restored
            .restore(serde_json::json!({"version": 9, "queues": []}), T0)
            .is_err());
    }

    #[test]
    fn receive_cost_does_not_depend_on_queue_length() {
        // Not a timing test: it checks the structure that makes receive cheap, namely that a
        // receive touches only the front of the visible queue.
        let mut queues = with_queue("q", &[]);
        for i in 0..10_000 {
            send(&mut queues, "q", &format!("m{i}"), T0);
        }
        let delivered = queues.receive("q", 10, None, T0).unwrap();
        assert_eq!(bodies(&delivered), (0..10).map(|i| format!("m{i}")).collect::<Vec<_>>());
        let queue = &queues.queues["q"];
        assert_eq!(queue.ready.len(), 9_990);
        assert_eq!(queue.timers.len(), 10);
    }
}
