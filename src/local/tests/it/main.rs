//! The local stack's own tests: each AWS service it emulates, served by its gateway on
//! loopback, driven by the real AWS SDK for Rust and boto3.

mod logs;
mod rds_secrets;
mod sqs;
