//! `customer-ingest`: the Lambda function that writes SQS Customer messages into MySQL, and
//! the one Customer schema that custctl shares with it.

pub mod config;
pub mod handler;
pub mod schema;
pub mod store;
pub mod trace;

pub use schema::{Customer, CustomerId, CustomerName, SchemaError};
