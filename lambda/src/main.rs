//! The `provided.al2023` bootstrap: read the database settings, open the connection once, and
//! serve invocations from whatever `AWS_LAMBDA_RUNTIME_API` names.

use customer_ingest::config::{ConfigError, DbSettings};
use customer_ingest::handler::function_handler;
use customer_ingest::store::MySqlStore;
use lambda_runtime::{service_fn, Diagnostic};
use lambda_runtime_api_client::body::Body;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

#[tokio::main]
async fn main() -> ExitCode {
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

    let settings = match DbSettings::from_environment().await {
        Ok(settings) => settings,
        Err(err) => {
            // Display, not Debug: the message names the variables that fix the problem.
            tracing::error!(error = %err, "cannot start");
            report_init_error(&err).await;
            return ExitCode::FAILURE;
        }
    };
    let mut store = MySqlStore::new(settings.opts());
    // Connecting during init saves the first batch the wait; if the database is down now, the
    // first invocation tries again and reports its records failed rather than crashing init.
    if let Err(err) = store.connect() {
        tracing::warn!(error = %err, "database not reachable at start-up; will retry per batch");
    }
    let store = Arc::new(Mutex::new(store));
    match lambda_runtime::run(service_fn(move |event| function_handler(event, store.clone()))).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "runtime stopped");
            ExitCode::FAILURE
        }
    }
}

/// Tells Lambda why init failed (`POST /runtime/init/error`), so the invoker sees the reason
/// rather than only "Runtime exited". `lambda_runtime` reports init errors only for SnapStart.
async fn report_init_error(err: &ConfigError) {
    let Some(api) = std::env::var("AWS_LAMBDA_RUNTIME_API").ok().filter(|v| !v.is_empty()) else {
        return;
    };
    let diagnostic = Diagnostic {
        error_type: "Runtime.ConfigError".into(),
        error_message: err.to_string(),
    };
    let sent = async {
        let client = lambda_runtime_api_client::Client::builder()
            .with_endpoint(format!("http://{api}").parse()?)
            .build()?;
        let request = lambda_runtime_api_client::build_request()
            .method("POST")
            .uri("/2018-06-01/runtime/init/error")
            .header("lambda-runtime-function-error-type", "Runtime.ConfigError")
            .body(Body::from(serde_json::to_vec(&diagnostic)?))?;
        client.call(request).await?;
        Ok::<_, lambda_runtime::Error>(())
    };
    if let Err(e) = sent.await {
        tracing::error!(error = %e, "could not report the init error to the Runtime API");
    }
}
