//! `custctl trace [--id N --name S | --body JSON] [--timeout 60s]`: sends one message marked
//! for tracing (the `custctl-trace` message attribute, a fresh UUID) and follows it: accepted by
//! SQS, taken by an invocation (its `traced record` log line, found by the trace id), written,
//! and the row read back through the database connection `custctl sql` uses. The hops are
//! shown as a waterfall, each with its latency. A trace that stalls stops at `--timeout` (or as
//! soon as the message is known to be in the DLQ) with the last hop seen and the likely cause,
//! from `custctl status`'s findings and a look in the DLQ; exit 1.
//!
//! `--body` is sent exactly as given when it is JSON, even when the schema refuses it: that
//! is how a poison message is followed to the DLQ. A body that is not JSON at all is bad input.
//!
//! The parts: [`follow`] (sending and following the hops, and what a stall is blamed on) and
//! [`waterfall`] (the report and its table).

mod follow;
pub mod waterfall;

use crate::cli::{GlobalArgs, TraceArgs};
use crate::commands::send::sqs_body_problem;
use crate::commands::sql::DbSession;
use crate::config::Settings;
use crate::error::InputError;
use anyhow::{Context, Result};
use customer_ingest::{Customer, CustomerId, CustomerName};
use std::process::ExitCode;
use std::time::Duration;

/// The message to trace, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceMessage {
    /// Exactly what is sent.
    pub body: String,
    /// The row it should become, when the schema accepts it (`None`: it can only end in the DLQ).
    pub expected: Option<Customer>,
    /// Why the schema refuses the body, when it does.
    pub schema_problem: Option<String>,
}

impl TraceMessage {
    pub fn from_args(args: &TraceArgs) -> Result<TraceMessage, InputError> {
        if let (Some(id), Some(name)) = (args.id, &args.name) {
            let id = CustomerId::new(id).map_err(|e| InputError(format!("--id {id}: {e}")))?;
            let name = CustomerName::new(name.clone()).map_err(|e| InputError(format!("--name: {e}")))?;
            let customer = Customer::new(id, name);
            return Ok(TraceMessage {
                body: customer.to_json(),
                expected: Some(customer),
                schema_problem: None,
            });
        }
        // clap makes one of --id/--name and --body required.
        let body = args.body.clone().unwrap_or_default();
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&body) {
            return Err(InputError(format!(
                "--body: not JSON ({e}); a body the schema refuses can be traced, but it must be JSON"
            )));
        }
        if let Some(problem) = sqs_body_problem(&body) {
            return Err(InputError(format!("--body: {problem}")));
        }
        Ok(match Customer::from_json(&body) {
            Ok(customer) => TraceMessage {
                body,
                expected: Some(customer),
                schema_problem: None,
            },
            Err(problem) => TraceMessage {
                body,
                expected: None,
                schema_problem: Some(problem.to_string()),
            },
        })
    }
}

/// `--timeout`: a duration longer than 0.
fn timeout(text: &str) -> Result<Duration, InputError> {
    let parsed = humantime::parse_duration(text)
        .map_err(|e| InputError(format!("--timeout {text}: {e} (a duration such as 30s or 2m)")))?;
    if parsed.is_zero() {
        return Err(InputError(format!("--timeout {text}: must be longer than 0 (try 30s)")));
    }
    Ok(parsed)
}

pub fn run(global: &GlobalArgs, args: &TraceArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(global)?;
    let message = TraceMessage::from_args(args)?;
    let timeout = timeout(&args.timeout)?;
    if let Some(problem) = &message.schema_problem {
        if !settings.quiet {
            eprintln!(
                "note: the schema refuses --body ({problem}); it is sent as given, and followed until it is in the DLQ"
            );
        }
    }
    // Opened before anything is sent, on this thread (the tunnel's ssh lives as long as the
    // thread that started it): a database that cannot be reached is said before a message is
    // on the queue. A body the schema refuses becomes no row, so it needs no session.
    let session =
        match &message.expected {
            Some(_) => Some(DbSession::open(&settings, &args.connection, false).context(
                "custctl trace reads the row back through the database, and cannot reach it; nothing was sent",
            )?),
            None => None,
        };
    let outcome = {
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(follow::trace(
            &settings,
            global.queue.clone(),
            &message,
            timeout,
            session,
        ))
    };
    // The tunnel is ended by now; a signal that ended it still decides the exit code.
    custctl_platform::signals::exit_if_ending_on_signal();
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(id: Option<i64>, name: Option<&str>, body: Option<&str>) -> TraceArgs {
        TraceArgs {
            id,
            name: name.map(str::to_string),
            body: body.map(str::to_string),
            timeout: "60s".into(),
            connection: crate::cli::DbConnectionArgs {
                bastion: None,
                identity: None,
                no_bastion: false,
                db_user: None,
                database: None,
                ssl_mode: None,
                ssl_ca: None,
            },
        }
    }

    #[test]
    fn a_customer_from_flags_is_checked_and_becomes_the_expected_row() {
        let message = TraceMessage::from_args(&args(Some(404), Some("Rodolfo Avelino"), None)).unwrap();
        assert_eq!(message.body, r#"{"CustID":404,"Name":"Rodolfo Avelino"}"#);
        assert_eq!(message.expected.unwrap().name.as_str(), "Rodolfo Avelino");
        let err = TraceMessage::from_args(&args(Some(1 << 40), Some("A"), None)).unwrap_err();
        assert!(err.0.starts_with("--id 1099511627776: CustID:"), "{}", err.0);
        let err = TraceMessage::from_args(&args(Some(1), Some(""), None)).unwrap_err();
        assert_eq!(err.0, "--name: Name: must not be empty");
    }

    #[test]
    fn a_body_is_sent_as_given_even_when_the_schema_refuses_it_but_must_be_json() {
        let poison = TraceMessage::from_args(&args(None, None, Some(r#"{"CustID": "404"}"#))).unwrap();
        assert_eq!(poison.body, r#"{"CustID": "404"}"#);
        assert_eq!(poison.expected, None);
        assert_eq!(
            poison.schema_problem.as_deref(),
            Some(r#"CustID: expected an integer, got the string "404""#)
        );
        let valid = TraceMessage::from_args(&args(None, None, Some(r#"{"CustID": 7, "Name": "Ann"}"#))).unwrap();
        assert_eq!(valid.body, r#"{"CustID": 7, "Name": "Ann"}"#);
        assert_eq!(valid.expected.unwrap().id.get(), 7);
        let err = TraceMessage::from_args(&args(None, None, Some("{not json"))).unwrap_err();
        assert!(err.0.starts_with("--body: not JSON"), "{}", err.0);
        let err = TraceMessage::from_args(&args(None, None, Some("\"a\u{1}b\""))).unwrap_err();
        assert!(err.0.starts_with("--body: not JSON"), "{}", err.0);
    }

    #[test]
    fn timeouts_are_durations_longer_than_zero() {
        assert_eq!(timeout("90s").unwrap(), Duration::from_secs(90));
        assert!(timeout("0s").unwrap_err().0.starts_with("--timeout 0s"));
        assert!(timeout("soon").unwrap_err().0.starts_with("--timeout soon"));
    }
}
