//! The pure half of `custctl invoke`: building the SQS event the event source mapping would
//! send for a set of message bodies, and reading the function's answer the way the mapping
//! reads it (which records are done, which come back, and when the whole batch comes back).
//! Nothing here talks to AWS, so every rule is tested without a network.

use crate::output::Render;
use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage, SqsMessageAttribute};
use base64::Engine;
use custctl_rules::BatchVerdict;
use customer_ingest::schema::{CUST_ID_FIELD, NAME_FIELD};
use customer_ingest::Customer;
use rand::{Rng, RngCore};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The account in ARNs that custctl has to make up (and the local stack's account).
pub const UNKNOWN_ACCOUNT: &str = "000000000000";

/// One message body to put in the event, and where it came from (for warnings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordInput {
    /// `--body #2`, `customers.ndjson line 7`: what a person needs to find the input.
    pub location: String,
    /// Sent byte for byte, valid or not.
    pub body: String,
}

/// Where the event says its records come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueOrigin {
    pub arn: String,
    pub region: String,
}

/// The queue's name and, when `queue` is a URL, its account (`https://sqs.<region>.amazonaws.com/<account>/<name>`).
pub fn queue_name_and_account(queue: &str) -> (String, Option<String>) {
    if !is_queue_url(queue) {
        return (queue.to_string(), None);
    }
    let mut segments = queue.trim_end_matches('/').rsplit('/');
    let name = segments.next().unwrap_or(queue).to_string();
    let account = segments
        .next()
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string);
    (name, account)
}

pub fn is_queue_url(queue: &str) -> bool {
    queue.starts_with("https://") || queue.starts_with("http://")
}

/// The ARN the queue would have, for when it cannot be asked for.
pub fn built_queue_arn(region: &str, queue: &str) -> String {
    let (name, account) = queue_name_and_account(queue);
    let account = account.as_deref().unwrap_or(UNKNOWN_ACCOUNT);
    format!("arn:aws:sqs:{region}:{account}:{name}")
}

/// The event the mapping would send for `inputs` received at `now_ms` (epoch milliseconds):
/// one record each, a fresh messageId and receipt handle, the body as given and its MD5.
pub fn build_event(inputs: &[RecordInput], origin: &QueueOrigin, now_ms: i64) -> SqsEvent {
    let sender = sender_id();
    let mut event = SqsEvent::default();
    event.records = inputs
        .iter()
        .map(|input| {
            let mut message = SqsMessage::default();
            message.message_id = Some(uuid::Uuid::new_v4().to_string());
            message.receipt_handle = Some(receipt_handle());
            message.md5_of_body = Some(custctl_rules::md5_hex(input.body.as_bytes()));
            message.body = Some(input.body.clone());
            message.attributes = HashMap::from([
                ("ApproximateReceiveCount".to_string(), "1".to_string()),
                ("SentTimestamp".to_string(), now_ms.to_string()),
                ("SenderId".to_string(), sender.clone()),
                ("ApproximateFirstReceiveTimestamp".to_string(), now_ms.to_string()),
            ]);
            message.event_source = Some("aws:sqs".into());
            message.event_source_arn = Some(origin.arn.clone());
            message.aws_region = Some(origin.region.clone());
            message
        })
        .collect();
    event
}

/// The event as JSON text in AWS's shape: the fields of each record in the order Lambda
/// writes them, and no `md5OfMessageAttributes` when there are no message attributes (the
/// serde types would write `null`, and a `Value` would sort the fields).
pub fn event_json(event: &SqsEvent) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct AwsOrder<'a> {
        message_id: &'a Option<String>,
        receipt_handle: &'a Option<String>,
        body: &'a Option<String>,
        attributes: BTreeMap<&'a str, &'a str>,
        message_attributes: &'a HashMap<String, SqsMessageAttribute>,
        md5_of_body: &'a Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        md5_of_message_attributes: &'a Option<String>,
        event_source: &'a Option<String>,
        #[serde(rename = "eventSourceARN")]
        event_source_arn: &'a Option<String>,
        aws_region: &'a Option<String>,
    }
    #[derive(Serialize)]
    struct Records<'a> {
        #[serde(rename = "Records")]
        records: Vec<AwsOrder<'a>>,
    }
    let records = event
        .records
        .iter()
        .map(|m| AwsOrder {
            message_id: &m.message_id,
            receipt_handle: &m.receipt_handle,
            body: &m.body,
            attributes: m.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
            message_attributes: &m.message_attributes,
            md5_of_body: &m.md5_of_body,
            md5_of_message_attributes: &m.md5_of_message_attributes,
            event_source: &m.event_source,
            event_source_arn: &m.event_source_arn,
            aws_region: &m.aws_region,
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Records { records }).unwrap_or_default();
    text.push('\n');
    text
}

/// An opaque handle in the look of AWS's (`AQEB` and base64), unique per record.
fn receipt_handle() -> String {
    let mut bytes = [0u8; 96];
    rand::rng().fill_bytes(&mut bytes);
    format!("AQEB{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// An IAM user id in the look of AWS's `SenderId` (`AIDA` and 17 characters).
fn sender_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut rng = rand::rng();
    let tail: String = (0..17)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("AIDA{tail}")
}

/// One record of the event that was sent, in event order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRecord {
    pub location: String,
    pub message_id: String,
    /// `None` when a hand-written event's record has no body.
    pub body: Option<String>,
}

/// The records of `event`, each with the location of its input (`inputs` in the same order
/// for a built event; for an event file, `<file> record N`).
pub fn sent_records(event: &SqsEvent, locations: impl Fn(usize) -> String) -> Vec<SentRecord> {
    event
        .records
        .iter()
        .enumerate()
        .map(|(index, record)| SentRecord {
            location: locations(index),
            message_id: record.message_id.clone().unwrap_or_default(),
            body: record.body.clone(),
        })
        .collect()
}

/// Why the shared schema rejects a record's body, if it does.
pub fn schema_problem(record: &SentRecord) -> Option<String> {
    match &record.body {
        None => Some("the record has no body".into()),
        Some(body) => Customer::from_json(body).err().map(|e| e.to_string()),
    }
}

/// A function error (`X-Amz-Function-Error`): timeout, crash, unhandled error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionError {
    #[serde(rename = "type")]
    pub error_type: String,
    pub message: String,
}

impl FunctionError {
    /// Reads Lambda's `{"errorType","errorMessage"}` payload; `kind` is the header's value,
    /// used when the payload does not say.
    pub fn from_payload(kind: &str, payload: &[u8]) -> FunctionError {
        let doc: Value = serde_json::from_slice(payload).unwrap_or(Value::Null);
        let field = |name: &str| doc.get(name).and_then(Value::as_str).map(str::to_string);
        FunctionError {
            error_type: field("errorType").unwrap_or_else(|| kind.to_string()),
            message: field("errorMessage").unwrap_or_else(|| String::from_utf8_lossy(payload).into_owned()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordStatus {
    Ok,
    Failed,
}

/// One line of the report: an input, its messageId, and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordOutcome {
    /// 1-based, in event order.
    pub position: usize,
    /// The CustID as far as the body could be read (`null` when it could not).
    #[serde(rename = "CustID")]
    pub cust_id: Value,
    #[serde(rename = "Name")]
    pub name: Value,
    #[serde(rename = "messageId")]
    pub message_id: String,
    pub status: RecordStatus,
}

/// What came of each record under `verdict`.
pub fn record_outcomes(records: &[SentRecord], verdict: &BatchVerdict) -> Vec<RecordOutcome> {
    records
        .iter()
        .enumerate()
        .map(|(index, record)| {
            let (cust_id, name) = record.body.as_deref().map(readable_fields).unwrap_or_default();
            RecordOutcome {
                position: index + 1,
                cust_id,
                name,
                message_id: record.message_id.clone(),
                status: if verdict.failed(&record.message_id) {
                    RecordStatus::Failed
                } else {
                    RecordStatus::Ok
                },
            }
        })
        .collect()
}

/// The `CustID` and `Name` of a body, as far as it is a JSON object that has them.
fn readable_fields(body: &str) -> (Value, Value) {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(fields)) => (
            fields.get(CUST_ID_FIELD).cloned().unwrap_or(Value::Null),
            fields.get(NAME_FIELD).cloned().unwrap_or(Value::Null),
        ),
        _ => (Value::Null, Value::Null),
    }
}

/// The result of a synchronous invocation, as `--output json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvokeReport {
    pub records: Vec<RecordOutcome>,
    pub function_error: Option<FunctionError>,
    pub log_tail: Option<String>,
    /// The function's answer: JSON when it is JSON, otherwise the text.
    pub response: Value,
}

impl InvokeReport {
    pub fn any_failed(&self) -> bool {
        self.function_error.is_some() || self.records.iter().any(|r| r.status == RecordStatus::Failed)
    }
}

/// The function's answer as a JSON value, or as a string when it is not JSON.
pub fn response_value(payload: &[u8]) -> Value {
    serde_json::from_slice(payload).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(payload).into_owned()))
}

impl Render for InvokeReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = ["Position", "CustID", "Name", "messageId", "Status"]
            .map(String::from)
            .to_vec();
        let cell = |value: &Value| match value {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let rows = self
            .records
            .iter()
            .map(|r| {
                vec![
                    r.position.to_string(),
                    // A CustID that is a string is shown quoted, so `"404"` is told from 404.
                    match &r.cust_id {
                        Value::String(_) => r.cust_id.to_string(),
                        other => cell(other),
                    },
                    cell(&r.name),
                    r.message_id.clone(),
                    match r.status {
                        RecordStatus::Ok => "ok".into(),
                        RecordStatus::Failed => "failed".into(),
                    },
                ]
            })
            .collect();
        (header, rows)
    }
}

/// The result of an asynchronous invocation: Lambda only says it queued the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsyncInvokeReport {
    pub status_code: i32,
    pub request_id: Option<String>,
}

impl Render for AsyncInvokeReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        (
            vec!["Status code".into(), "Request id".into()],
            vec![vec![
                self.status_code.to_string(),
                self.request_id.clone().unwrap_or_default(),
            ]],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn origin() -> QueueOrigin {
        QueueOrigin {
            arn: "arn:aws:sqs:eu-west-1:123456789012:customers".into(),
            region: "eu-west-1".into(),
        }
    }

    fn input(body: &str) -> RecordInput {
        RecordInput {
            location: "--body #1".into(),
            body: body.into(),
        }
    }

    #[test]
    fn the_event_has_the_mappings_shape_and_parses_back() {
        let inputs = [input(r#"{"CustID":1,"Name":"Ann"}"#), input("not json ✓")];
        let event = build_event(&inputs, &origin(), 1_763_859_600_000);
        let text = event_json(&event);
        let body_at = text.find("\"body\"").unwrap();
        assert!(text.find("\"messageId\"").unwrap() < body_at && body_at < text.find("\"awsRegion\"").unwrap());
        let json: Value = serde_json::from_str(&text).unwrap();
        let first = &json["Records"][0];
        assert_eq!(first["body"], r#"{"CustID":1,"Name":"Ann"}"#);
        assert_eq!(first["md5OfBody"], custctl_rules::md5_hex(inputs[0].body.as_bytes()));
        assert_eq!(json["Records"][1]["md5OfBody"], "875dc926248d6ef58e881c81fa705f3c");
        assert_eq!(first["eventSource"], "aws:sqs");
        assert_eq!(first["eventSourceARN"], "arn:aws:sqs:eu-west-1:123456789012:customers");
        assert_eq!(first["awsRegion"], "eu-west-1");
        assert_eq!(first["messageAttributes"], serde_json::json!({}));
        assert!(first.get("md5OfMessageAttributes").is_none());
        let attributes = &first["attributes"];
        assert_eq!(attributes["ApproximateReceiveCount"], "1");
        assert_eq!(attributes["SentTimestamp"], "1763859600000");
        assert_eq!(attributes["ApproximateFirstReceiveTimestamp"], "1763859600000");
        let sender = attributes["SenderId"].as_str().unwrap();
        assert!(sender.starts_with("AIDA") && sender.len() == 21, "{sender}");
        let handle = first["receiptHandle"].as_str().unwrap();
        assert!(handle.starts_with("AQEB") && handle.len() > 100);
        assert!(uuid::Uuid::parse_str(first["messageId"].as_str().unwrap()).is_ok());
        assert_ne!(json["Records"][0]["messageId"], json["Records"][1]["messageId"]);
        assert_ne!(json["Records"][0]["receiptHandle"], json["Records"][1]["receiptHandle"]);

        let parsed: SqsEvent = serde_json::from_value(json).unwrap();
        assert_eq!(parsed, event);
    }

    #[test]
    fn arns_are_built_from_names_and_urls() {
        assert_eq!(
            built_queue_arn("us-east-1", "customers"),
            "arn:aws:sqs:us-east-1:000000000000:customers"
        );
        assert_eq!(
            built_queue_arn(
                "eu-west-1",
                "https://sqs.eu-west-1.amazonaws.com/123456789012/customers-prod"
            ),
            "arn:aws:sqs:eu-west-1:123456789012:customers-prod"
        );
        assert_eq!(
            queue_name_and_account("http://127.0.0.1:4566/000000000000/customers/"),
            ("customers".to_string(), Some("000000000000".to_string()))
        );
    }

    #[test]
    fn outcomes_show_what_could_be_read_of_each_body() {
        let records = vec![
            SentRecord {
                location: "--body #1".into(),
                message_id: "a".into(),
                body: Some(r#"{"CustID":1,"Name":"Ann"}"#.into()),
            },
            SentRecord {
                location: "--body #2".into(),
                message_id: "b".into(),
                body: Some(r#"{"CustID":"404","Name":"Bo"}"#.into()),
            },
            SentRecord {
                location: "--body #3".into(),
                message_id: "c".into(),
                body: Some("garbage".into()),
            },
        ];
        let verdict = BatchVerdict::SomeFailed(HashSet::from(["b".to_string(), "c".to_string()]));
        let report = InvokeReport {
            records: record_outcomes(&records, &verdict),
            function_error: None,
            log_tail: None,
            response: Value::Null,
        };
        assert!(report.any_failed());
        let (_, rows) = report.rows();
        assert_eq!(rows[0], ["1", "1", "Ann", "a", "ok"]);
        assert_eq!(rows[1], ["2", "\"404\"", "Bo", "b", "failed"]);
        assert_eq!(rows[2], ["3", "", "", "c", "failed"]);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["records"][1],
            serde_json::json!({"position": 2, "CustID": "404", "Name": "Bo", "messageId": "b", "status": "failed"})
        );
        assert_eq!(json["records"][2]["CustID"], Value::Null);
        assert_eq!(schema_problem(&records[0]), None);
        assert_eq!(
            schema_problem(&records[1]).unwrap(),
            r#"CustID: expected an integer, got the string "404""#
        );
    }

    #[test]
    fn function_errors_are_read_from_lambdas_payload() {
        let error = FunctionError::from_payload(
            "Unhandled",
            br#"{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 1.00 seconds"}"#,
        );
        assert_eq!(error.error_type, "Sandbox.Timedout");
        assert_eq!(error.message, "Task timed out after 1.00 seconds");
        let bare = FunctionError::from_payload("Unhandled", b"boom");
        assert_eq!((bare.error_type.as_str(), bare.message.as_str()), ("Unhandled", "boom"));
    }
}
