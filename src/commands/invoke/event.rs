//! The pure half of `custctl invoke`: building the SQS event the event source mapping would
//! send for a set of message bodies, and reading the function's answer the way the mapping
//! reads it (which records are done, which come back, and when the whole batch comes back).
//! Nothing here talks to AWS, so every rule is tested without a network.

use crate::output::{self, Render};
use aws_lambda_events::encodings::Base64Data;
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

/// Records per event when custctl splits messages into events itself (`dlq replay`): an SQS
/// event source mapping's default batch size
/// (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html).
pub const RECORDS_PER_EVENT: usize = 10;

/// The largest payload of a synchronous invocation: 6 MB
/// (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html), which Lambda counts as
/// 6 MiB ("Request must be smaller than 6291456 bytes for the InvokeFunction operation").
pub const MAX_SYNC_PAYLOAD: usize = 6 * 1024 * 1024;

/// One message as the event source mapping received it from SQS, to become one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceivedMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    /// System attributes by name (ApproximateReceiveCount, SentTimestamp, SenderId, ...).
    pub attributes: HashMap<String, String>,
    pub message_attributes: HashMap<String, SqsMessageAttribute>,
    pub md5_of_message_attributes: Option<String>,
}

/// The record the mapping writes for `message` received from the queue of `origin`.
pub fn record(message: ReceivedMessage, origin: &QueueOrigin) -> SqsMessage {
    let mut record = SqsMessage::default();
    record.md5_of_body = Some(custctl_rules::md5_hex(message.body.as_bytes()));
    record.message_id = Some(message.message_id);
    record.receipt_handle = Some(message.receipt_handle);
    record.body = Some(message.body);
    record.attributes = message.attributes;
    record.message_attributes = message.message_attributes;
    record.md5_of_message_attributes = message.md5_of_message_attributes;
    record.event_source = Some("aws:sqs".into());
    record.event_source_arn = Some(origin.arn.clone());
    record.aws_region = Some(origin.region.clone());
    record
}

/// The event the mapping would send for `inputs` received at `now_ms` (epoch milliseconds):
/// one record each, a fresh messageId and receipt handle, the body as given and its MD5.
pub fn build_event(inputs: &[RecordInput], origin: &QueueOrigin, now_ms: i64) -> SqsEvent {
    let sender = sender_id();
    let mut event = SqsEvent::default();
    event.records = inputs
        .iter()
        .map(|input| {
            let message = ReceivedMessage {
                message_id: uuid::Uuid::new_v4().to_string(),
                receipt_handle: receipt_handle(),
                body: input.body.clone(),
                attributes: HashMap::from([
                    ("ApproximateReceiveCount".to_string(), "1".to_string()),
                    ("SentTimestamp".to_string(), now_ms.to_string()),
                    ("SenderId".to_string(), sender.clone()),
                    ("ApproximateFirstReceiveTimestamp".to_string(), now_ms.to_string()),
                ]),
                ..ReceivedMessage::default()
            };
            record(message, origin)
        })
        .collect();
    event
}

/// A record in AWS's shape: its fields in the order Lambda writes them, and no
/// `md5OfMessageAttributes` when there are no message attributes (the serde types would write
/// `null`, and a `Value` would sort the fields).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AwsOrder<'a> {
    message_id: &'a Option<String>,
    receipt_handle: &'a Option<String>,
    body: &'a Option<String>,
    attributes: BTreeMap<&'a str, &'a str>,
    message_attributes: BTreeMap<&'a str, AwsMessageAttribute<'a>>,
    md5_of_body: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    md5_of_message_attributes: &'a Option<String>,
    event_source: &'a Option<String>,
    #[serde(rename = "eventSourceARN")]
    event_source_arn: &'a Option<String>,
    aws_region: &'a Option<String>,
}

impl<'a> From<&'a SqsMessage> for AwsOrder<'a> {
    fn from(m: &'a SqsMessage) -> Self {
        AwsOrder {
            message_id: &m.message_id,
            receipt_handle: &m.receipt_handle,
            body: &m.body,
            attributes: m.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
            message_attributes: m
                .message_attributes
                .iter()
                .map(|(k, v)| (k.as_str(), AwsMessageAttribute::from(v)))
                .collect(),
            md5_of_body: &m.md5_of_body,
            md5_of_message_attributes: &m.md5_of_message_attributes,
            event_source: &m.event_source,
            event_source_arn: &m.event_source_arn,
            aws_region: &m.aws_region,
        }
    }
}

/// A message attribute as Lambda's event writes it: only the values it has (binary ones in
/// base64), its lists, its data type. `dlq export` writes message attributes so too.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsMessageAttribute<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    string_value: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    binary_value: &'a Option<Base64Data>,
    string_list_values: &'a [String],
    binary_list_values: &'a [Base64Data],
    data_type: &'a Option<String>,
}

impl<'a> From<&'a SqsMessageAttribute> for AwsMessageAttribute<'a> {
    fn from(a: &'a SqsMessageAttribute) -> Self {
        AwsMessageAttribute {
            string_value: &a.string_value,
            binary_value: &a.binary_value,
            string_list_values: &a.string_list_values,
            binary_list_values: &a.binary_list_values,
            data_type: &a.data_type,
        }
    }
}

#[derive(Serialize)]
struct Records<'a> {
    #[serde(rename = "Records")]
    records: Vec<AwsOrder<'a>>,
}

fn aws_records(event: &SqsEvent) -> Records<'_> {
    Records {
        records: event.records.iter().map(AwsOrder::from).collect(),
    }
}

/// The event as JSON text in AWS's shape, indented for people (what `invoke` sends and
/// `--event-only` prints).
pub fn event_json(event: &SqsEvent) -> String {
    let mut text = serde_json::to_string_pretty(&aws_records(event)).unwrap_or_default();
    text.push('\n');
    text
}

/// The event as compact JSON in AWS's shape: what `dlq replay` sends, and what
/// [`split_into_events`] measures.
pub fn event_payload(event: &SqsEvent) -> Vec<u8> {
    serde_json::to_vec(&aws_records(event)).unwrap_or_default()
}

/// The bytes of `{"Records":[` and `]}` around the records of a compact payload.
const ENVELOPE_BYTES: usize = r#"{"Records":[]}"#.len();

/// The bytes one record takes in a compact payload.
fn record_bytes(record: &SqsMessage) -> usize {
    serde_json::to_vec(&AwsOrder::from(record)).map_or(0, |json| json.len())
}

/// How records were cut into events.
#[derive(Debug, Default, PartialEq)]
pub struct Split {
    /// In the records' order, each within the limits.
    pub events: Vec<SqsEvent>,
    /// Records whose payload alone is over the byte limit: no invocation can carry them.
    pub too_large: Vec<SqsMessage>,
}

/// Cuts `records` into events in their order, each of at most `per_event` records whose
/// compact payload ([`event_payload`]) is at most `max_bytes`: a new event starts when the
/// next record would break either limit. Lambda refuses a larger synchronous payload than
/// [`MAX_SYNC_PAYLOAD`]; a mapping sends batches of [`RECORDS_PER_EVENT`] by default.
pub fn split_into_events(records: Vec<SqsMessage>, per_event: usize, max_bytes: usize) -> Split {
    let per_event = per_event.max(1);
    let mut split = Split::default();
    let mut current: Vec<SqsMessage> = Vec::new();
    let mut current_bytes = ENVELOPE_BYTES;
    for record in records {
        let bytes = record_bytes(&record);
        if ENVELOPE_BYTES + bytes > max_bytes {
            split.too_large.push(record);
            continue;
        }
        // A comma before every record but the first.
        let with_comma = bytes + usize::from(!current.is_empty());
        if current.len() == per_event || current_bytes + with_comma > max_bytes {
            split.events.push(event_of(std::mem::take(&mut current)));
            current_bytes = ENVELOPE_BYTES + bytes;
        } else {
            current_bytes += with_comma;
        }
        current.push(record);
    }
    if !current.is_empty() {
        split.events.push(event_of(current));
    }
    split
}

fn event_of(records: Vec<SqsMessage>) -> SqsEvent {
    let mut event = SqsEvent::default();
    event.records = records;
    event
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
pub fn readable_fields(body: &str) -> (Value, Value) {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(fields)) => (
            fields.get(CUST_ID_FIELD).cloned().unwrap_or(Value::Null),
            fields.get(NAME_FIELD).cloned().unwrap_or(Value::Null),
        ),
        _ => (Value::Null, Value::Null),
    }
}

/// A field of a body in a table cell: a string as it is, nothing for none.
pub fn field_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A CustID in a table cell: one that is a string is shown quoted, so `"404"` is told from 404.
pub fn cust_id_cell(value: &Value) -> String {
    match value {
        Value::String(_) => value.to_string(),
        other => field_cell(other),
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

/// The function's answer to a synchronous invocation, read as the event source mapping reads
/// it: a function error fails the whole batch, otherwise the batch response says which
/// records failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub payload: Vec<u8>,
    pub function_error: Option<FunctionError>,
    /// The log tail Lambda returns with `LogType Tail` (the invocation's last 4 KB of log),
    /// decoded.
    pub log_tail: Option<String>,
    pub verdict: BatchVerdict,
}

impl Answer {
    /// Reads an answer: its payload, its `X-Amz-Function-Error` and `X-Amz-Log-Result` (base64)
    /// headers, for an event of the records `message_ids`.
    pub fn read(
        payload: Vec<u8>,
        function_error: Option<&str>,
        log_result: Option<&str>,
        message_ids: &[&str],
    ) -> Answer {
        let function_error = function_error.map(|kind| FunctionError::from_payload(kind, &payload));
        let log_tail = log_result.map(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_else(|_| encoded.to_string())
        });
        let verdict = match &function_error {
            Some(error) => BatchVerdict::WholeBatchFailed(format!("the function failed ({})", error.error_type)),
            None => custctl_rules::read_batch_response(&payload, message_ids),
        };
        Answer {
            payload,
            function_error,
            log_tail,
            verdict,
        }
    }
}

impl Render for InvokeReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = output::header(&["Position", "CustID", "Name", "messageId", "Status"]);
        let rows = self
            .records
            .iter()
            .map(|r| {
                vec![
                    r.position.to_string(),
                    cust_id_cell(&r.cust_id),
                    field_cell(&r.name),
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

    fn received(id: &str, body: &str) -> SqsMessage {
        let message = ReceivedMessage {
            message_id: id.into(),
            receipt_handle: format!("handle-{id}"),
            body: body.into(),
            attributes: HashMap::from([("ApproximateReceiveCount".to_string(), "4".to_string())]),
            ..ReceivedMessage::default()
        };
        record(message, &origin())
    }

    fn ids(event: &SqsEvent) -> Vec<&str> {
        event.records.iter().filter_map(|r| r.message_id.as_deref()).collect()
    }

    #[test]
    fn a_received_message_keeps_its_id_handle_attributes_and_message_attributes() {
        let mut attribute = SqsMessageAttribute::default();
        attribute.data_type = Some("String".into());
        attribute.string_value = Some("retry".into());
        let message = ReceivedMessage {
            message_id: "m-1".into(),
            receipt_handle: "h-1".into(),
            body: r#"{"CustID":1,"Name":"Ann"}"#.into(),
            attributes: HashMap::from([("SentTimestamp".to_string(), "1763859600000".to_string())]),
            message_attributes: HashMap::from([("cause".to_string(), attribute)]),
            md5_of_message_attributes: Some("0123456789abcdef0123456789abcdef".into()),
        };
        let event = event_of(vec![record(message, &origin())]);
        let json: Value = serde_json::from_slice(&event_payload(&event)).unwrap();
        let first = &json["Records"][0];
        assert_eq!(first["messageId"], "m-1");
        assert_eq!(first["receiptHandle"], "h-1");
        assert_eq!(
            first["attributes"],
            serde_json::json!({"SentTimestamp": "1763859600000"})
        );
        assert_eq!(
            first["messageAttributes"],
            serde_json::json!({"cause": {"stringValue": "retry", "stringListValues": [], "binaryListValues": [], "dataType": "String"}})
        );
        assert_eq!(first["md5OfMessageAttributes"], "0123456789abcdef0123456789abcdef");
        assert_eq!(
            first["md5OfBody"],
            custctl_rules::md5_hex(br#"{"CustID":1,"Name":"Ann"}"#)
        );
        assert_eq!(first["eventSourceARN"], origin().arn);
    }

    #[test]
    fn messages_are_split_into_events_of_at_most_ten_in_order() {
        let records: Vec<SqsMessage> = (0..23).map(|i| received(&format!("m{i}"), "{}")).collect();
        let split = split_into_events(records, RECORDS_PER_EVENT, MAX_SYNC_PAYLOAD);
        let sizes: Vec<usize> = split.events.iter().map(|e| e.records.len()).collect();
        assert_eq!(sizes, [10, 10, 3]);
        let order: Vec<&str> = split.events.iter().flat_map(ids).collect();
        let expected: Vec<String> = (0..23).map(|i| format!("m{i}")).collect();
        assert_eq!(order, expected);
        assert!(split.too_large.is_empty());
        assert_eq!(split_into_events(Vec::new(), 10, MAX_SYNC_PAYLOAD), Split::default());
    }

    #[test]
    fn an_event_never_outgrows_the_payload_limit_and_its_size_is_counted_exactly() {
        let body = "x".repeat(1000);
        let one = event_payload(&event_of(vec![received("m0", &body)])).len();
        // Room for exactly three records: three payloads of one, less two envelopes, plus two commas.
        let limit = 3 * one - 2 * ENVELOPE_BYTES + 2;
        let records: Vec<SqsMessage> = (0..7).map(|i| received(&format!("m{i}"), &body)).collect();
        let split = split_into_events(records, RECORDS_PER_EVENT, limit);
        let sizes: Vec<usize> = split.events.iter().map(|e| e.records.len()).collect();
        assert_eq!(sizes, [3, 3, 1]);
        assert_eq!(event_payload(&split.events[0]).len(), limit);
        assert!(split.events.iter().all(|e| event_payload(e).len() <= limit));
        let split = split_into_events(
            (0..3).map(|i| received(&format!("m{i}"), &body)).collect(),
            10,
            limit - 1,
        );
        assert_eq!(split.events.iter().map(|e| e.records.len()).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn a_record_too_large_for_any_event_is_set_apart_and_the_rest_still_go() {
        // JSON escaping counts: a body of control characters grows sixfold in the payload.
        let small = received("small", "{}");
        let escaped = received("escaped", &"\u{1}".repeat(200));
        let limit = event_payload(&event_of(vec![received("x", &"y".repeat(600))])).len();
        let split = split_into_events(vec![small.clone(), escaped.clone(), received("after", "{}")], 10, limit);
        assert_eq!(split.too_large, vec![escaped]);
        assert_eq!(split.events.len(), 1);
        assert_eq!(ids(&split.events[0]), ["small", "after"]);
        assert_eq!(split.events[0].records[0], small);
    }

    #[test]
    fn answers_are_read_with_their_log_tail_decoded() {
        let answer = Answer::read(
            br#"{"batchItemFailures":[{"itemIdentifier":"b"}]}"#.to_vec(),
            None,
            Some("U1RBUlQK"),
            &["a", "b"],
        );
        assert_eq!(answer.log_tail.as_deref(), Some("START\n"));
        assert_eq!(
            answer.verdict,
            BatchVerdict::SomeFailed(HashSet::from(["b".to_string()]))
        );
        let crashed = Answer::read(
            br#"{"errorType":"Panic","errorMessage":"boom"}"#.to_vec(),
            Some("Unhandled"),
            None,
            &["a"],
        );
        assert_eq!(crashed.function_error.unwrap().error_type, "Panic");
        assert!(matches!(crashed.verdict, BatchVerdict::WholeBatchFailed(_)));
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
