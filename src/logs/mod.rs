//! Reading a Lambda function's CloudWatch log group for `custctl logs`: the events as custctl
//! sees them, what Lambda's own lines mean ([`lines`]), which events were already printed
//! ([`cursor`]), how they are printed ([`printer`]), the `--summary` figures ([`summary`]) and
//! how they are fetched, as history or live ([`tail`]).

pub mod cursor;
pub mod lines;
pub mod printer;
pub mod summary;
pub mod tail;

/// One log event, from FilterLogEvents or a live tail session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    pub group: String,
    pub stream: String,
    /// When it happened, in ms since the epoch (as the writer said).
    pub timestamp: i64,
    /// When CloudWatch stored it, in ms since the epoch.
    pub ingestion_time: i64,
    pub message: String,
    /// FilterLogEvents gives one; live tail does not.
    pub event_id: Option<String>,
}
