//! `custctl local`: the whole pipeline on one machine, on loopback, with no Docker and no AWS
//! account. Real processes where the issue names them (MariaDB, the function binary), and AWS's
//! wire protocols for the services, so unmodified SDKs and CLIs work against it.

pub mod bastion;
pub mod cloudformation;
pub mod cloudwatch;
pub mod gateway;
pub mod lambda;
pub mod logs;
pub mod mariadb;
pub mod rds;
pub mod runtime_api;
pub mod secrets;
pub mod sqs;
pub mod stack;
pub mod twin;
pub mod wire;

/// The account id every local ARN and queue URL carries.
pub const ACCOUNT_ID: &str = "000000000000";

/// An instant as AWS's JSON and XML answers write one: RFC 3339 in UTC with milliseconds
/// (`2026-11-23T01:02:03.456Z`).
pub fn iso8601(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// An event one of the stack's services published, numbered in the order of publishing across
/// all of them: a reader of several services' events (the `local up` log) can then put a
/// message's lines in the order they happened (received, invoked, deleted), whichever channel
/// it happened to read first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped<E> {
    pub order: u64,
    pub event: E,
}

impl<E> Stamped<E> {
    pub fn new(event: E) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Stamped {
            order: NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
            event,
        }
    }
}

/// Lambda's `LastModified` format: `2026-11-23T01:02:03.456+0000`.
pub fn aws_lambda_timestamp() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}
