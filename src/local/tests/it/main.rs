//! The local stack's own tests: each AWS service it emulates, served by its gateway on
//! loopback, driven by the real AWS SDK for Rust, boto3 and the AWS CLI, and every answer checked
//! against botocore's service models.

mod clients;
mod conformance;
mod logs;
mod metrics;
mod python;
mod rds_secrets;
mod redrive;
mod served;
mod sqs;
