//! The function's handler: an SQS batch in, a partial batch response out.
//!
//! Every record is checked with the shared schema. Invalid records are reported in
//! `batchItemFailures` (SQS retries them and finally moves them to the DLQ); the valid ones are
//! written together, so a batch either lands whole or is reported failed whole. Redelivery is
//! harmless because the write is an upsert; one CustID named twice ends with the later Name.

use crate::schema::Customer;
use crate::store::{CustomerStore, StoreError};
use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::LambdaEvent;
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
}

/// A record the schema rejected, with the reason.
#[derive(Debug, PartialEq, Eq)]
pub struct Rejection<'a> {
    pub message_id: &'a str,
    pub reason: String,
}

/// Checks every record and writes the valid ones through `store`.
pub fn ingest_batch(event: &SqsEvent, store: &mut impl CustomerStore) -> BatchReport {
    let records = &event.records;
    let mut failures: Vec<BatchItemFailure> = Vec::new();
    let mut valid: Vec<Customer> = Vec::with_capacity(records.len());

    for record in records {
        match parse_record(record) {
            Ok(customer) => valid.push(customer),
            Err(reason) => {
                let message_id = record.message_id.as_deref().unwrap_or("");
                tracing::warn!(message_id, reason = %reason, "record rejected");
                failures.push(failure(message_id));
            }
        }
    }

    let valid_records = valid.len();
    let rows = latest_per_id(valid);
    let written = match store.upsert(&rows) {
        Ok(()) => valid_records,
        Err(err) => {
            log_store_error(&err, rows.len());
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

/// The Lambda entry point: runs [`ingest_batch`] and logs one JSON line per invocation.
pub async fn function_handler<S>(
    event: LambdaEvent<SqsEvent>,
    store: SharedStore<S>,
) -> Result<SqsBatchResponse, lambda_runtime::Error>
where
    S: CustomerStore + Send + 'static,
{
    let started = Instant::now();
    let batch = event.payload;
    let report = tokio::task::spawn_blocking(move || {
        // A panic while holding the lock poisons it; the store itself is still sound
        // (a failed write leaves no open transaction), so keep using it.
        let mut store = store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        ingest_batch(&batch, &mut *store)
    })
    .await?;
    tracing::info!(
        records = report.records,
        written = report.written,
        failed = report.failed,
        ms = started.elapsed().as_millis() as u64,
        "batch processed"
    );
    Ok(report.response)
}
