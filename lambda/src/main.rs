//! The `provided.al2023` bootstrap: read the database settings, open the connection once, and
//! serve invocations from whatever `AWS_LAMBDA_RUNTIME_API` names.

use customer_ingest::config::DbSettings;
use customer_ingest::handler::function_handler;
use customer_ingest::store::MySqlStore;
use lambda_runtime::{service_fn, Error};
use std::sync::{Arc, Mutex};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .without_time()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AWS_LAMBDA_LOG_LEVEL")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let settings = DbSettings::from_environment().await?;
    let mut store = MySqlStore::new(settings.opts());
    // Connecting during init saves the first batch the wait; if the database is down now, the
    // first invocation tries again and reports its records failed rather than crashing init.
    if let Err(err) = store.connect() {
        tracing::warn!(error = %err, "database not reachable at start-up; will retry per batch");
    }
    let store = Arc::new(Mutex::new(store));
    lambda_runtime::run(service_fn(move |event| function_handler(event, store.clone()))).await
}
