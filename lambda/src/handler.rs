//! The function's handler: an SQS batch in, a partial batch response out.
//!
//! Every record is checked with the shared schema. Invalid records are reported in
//! `batchItemFailures` (SQS retries them and finally moves them to the DLQ); the valid ones are
//! written together, so a batch either lands whole or is reported failed whole. Redelivery is
//! harmless because the write is an upsert; one CustID named twice ends with the later Name.
//! A record that carries the `custctl-trace` attribute gets one more line once its batch is
//! done, with what became of it ([`crate::trace`]).

use crate::schema::Customer;
use crate::store::{CustomerStore, StoreError};
use crate::trace;
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::{Diagnostic, LambdaEvent};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// What one batch came to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BatchReport {
    pub records: usize,
    /// Records whose row was written (including repeats of the same CustID).
    pub written: usize,
    pub failed: usize,
    /// The batch response SQS will read.
    pub response: SqsBatchResponse,
    /// The records the schema rejected, each with the reason it logged.
    pub rejected: Vec<Rejection>,
    /// Why the valid records could not be written, when they could not (every record then failed).
    pub batch_error: Option<String>,
}

/// A record the schema rejected, with the reason.
#[derive(Debug, PartialEq, Eq)]
pub struct Rejection {
    pub message_id: String,
    pub reason: String,
}

/// Checks every record and writes the valid ones through `store`.
pub fn ingest_batch(event: &SqsEvent, store: &mut impl CustomerStore) -> BatchReport {
    let records = &event.records;
    let mut failures: Vec<BatchItemFailure> = Vec::new();
    let mut valid: Vec<Customer> = Vec::with_capacity(records.len());
    let mut rejected: Vec<Rejection> = Vec::new();

    for record in records {
        match parse_record(record) {
            Ok(customer) => valid.push(customer),
            Err(reason) => {
                let message_id = record.message_id.as_deref().unwrap_or("");
                tracing::warn!(message_id, reason = %reason, "record rejected");
                failures.push(failure(message_id));
                rejected.push(Rejection {
                    message_id: message_id.to_string(),
                    reason,
                });
            }
        }
    }

    let valid_records = valid.len();
    let rows = latest_per_id(valid);
    let mut batch_error = None;
    let written = match store.upsert(&rows) {
        Ok(()) => valid_records,
        Err(err) => {
            log_store_error(&err, rows.len());
            batch_error = Some(err.to_string());
            // Nothing is reported done: every record comes back, valid and invalid alike.
            failures = records
                .iter()
                .map(|r| failure(r.message_id.as_deref().unwrap_or("")))
                .collect();
            0
        }
    };
    BatchReport {
        records: records.len(),
        written,
        failed: failures.len(),
        response: {
            let mut response = SqsBatchResponse::default();
            response.batch_item_failures = failures;
            response
        },
        rejected,
        batch_error,
    }
}

/// One row per CustID, the last valid record in SQS order winning, sorted by id so that
/// concurrent batches take row locks in the same order (fewer deadlocks).
fn latest_per_id(mut customers: Vec<Customer>) -> Vec<Customer> {
    // Reversed, a stable sort puts each id's latest record first, and dedup keeps the first.
    customers.reverse();
    customers.sort_by_key(|c| c.id);
    customers.dedup_by_key(|c| c.id);
    customers
}

fn parse_record(record: &SqsMessage) -> Result<Customer, String> {
    if record.message_id.as_deref().unwrap_or("").is_empty() {
        return Err("the record has no messageId".into());
    }
    let body = record.body.as_deref().ok_or("the record has no body")?;
    Customer::from_json(body).map_err(|e| e.to_string())
}

fn failure(message_id: &str) -> BatchItemFailure {
    let mut failure = BatchItemFailure::default();
    failure.item_identifier = message_id.to_string();
    failure
}

fn log_store_error(err: &StoreError, rows: usize) {
    tracing::error!(error = %err, rows, "batch not written; every record will be retried");
}

/// The store shared by invocations: the runtime runs one invocation at a time per process,
/// and the `mysql` crate is blocking, so the work happens on a blocking thread under a mutex.
pub type SharedStore<S> = Arc<Mutex<S>>;

/// The errorType of an event that is not an SQS event. AWS's own runtimes name it so
/// (awslambdaric's `FaultException.UNMARSHAL_ERROR`, aws-lambda-go's `Runtime.UnmarshalError`,
/// with "Unable to unmarshal input: ..."); lambda_runtime would name the Rust type instead,
/// `&lambda_runtime::deserializer::DeserializeError`.
pub const UNMARSHAL_ERROR: &str = "Runtime.UnmarshalError";

/// The errorType when the batch's work ended in a panic. Like Python's `KeyError` or
/// PowerShell's `RuntimeException` (<https://docs.aws.amazon.com/lambda/latest/dg/powershell-exceptions.html>),
/// a short name, not a Rust type's path.
pub const PANIC_ERROR: &str = "Panic";

/// The Lambda entry point: reads the event as an SQS event, runs [`ingest_batch`] and logs one
/// JSON line per invocation. The event is read here rather than by lambda_runtime so that an
/// event of another shape fails with a readable errorType and the path of what was wrong.
pub async fn function_handler<S>(
    event: LambdaEvent<serde_json::Value>,
    store: SharedStore<S>,
) -> Result<SqsBatchResponse, Diagnostic>
where
    S: CustomerStore + Send + 'static,
{
    let started = Instant::now();
    let invocation = trace::Invocation {
        request_id: &event.context.request_id,
        cold_start: trace::first_invocation(),
        started_ms: epoch_ms(),
    };
    let batch: SqsEvent = serde_path_to_error::deserialize(event.payload).map_err(|e| {
        let diagnostic = Diagnostic {
            error_type: UNMARSHAL_ERROR.into(),
            error_message: format!("Unable to unmarshal input: {e}"),
        };
        tracing::error!(error_type = UNMARSHAL_ERROR, error = %diagnostic.error_message, "not an SQS event");
        diagnostic
    })?;
    // Read before the batch moves to the blocking thread; empty unless a record is traced.
    let traced = trace::traced_records(&batch);
    let report = tokio::task::spawn_blocking(move || {
        // A panic while holding the lock poisons it; the store itself is still sound
        // (a failed write leaves no open transaction), so keep using it.
        let mut store = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        ingest_batch(&batch, &mut *store)
    })
    .await
    .map_err(|e| Diagnostic {
        error_type: PANIC_ERROR.into(),
        error_message: format!("the batch's work ended: {e}"),
    })?;
    trace::log(&traced, &report, &invocation, epoch_ms());
    tracing::info!(
        records = report.records,
        written = report.written,
        failed = report.failed,
        ms = started.elapsed().as_millis() as u64,
        "batch processed"
    );
    Ok(report.response)
}

fn epoch_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
