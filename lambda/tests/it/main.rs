//! customer-ingest's own tests: the handler against a real MariaDB, and the built binary
//! against a Runtime API, as Lambda runs it.

mod binary;
mod handler;
