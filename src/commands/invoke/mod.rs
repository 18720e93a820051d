//! `custctl invoke`: invokes the function once, synchronously, with the event the SQS event
//! source mapping would build for the given message bodies, and tells which records the
//! mapping would delete and which it would put back on the queue. Bodies are sent as given,
//! valid or not: invoke is a probe of the function's own checks, so custctl only warns.

pub mod event;

use crate::aws;
use crate::cli::{GlobalArgs, InvokeArgs, OutputFormat};
use crate::config::Settings;
use crate::error::InputError;
use crate::output;
use crate::similar::similar_names;
use crate::source::{Invalid, Source, SourceSpec};
use anyhow::{anyhow, Context, Result};
use aws_config::SdkConfig;
use aws_lambda_events::event::sqs::SqsEvent;
use aws_sdk_lambda::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_lambda::operation::RequestId;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{InvocationType, LogType};
use custctl_rules::BatchVerdict;
use event::{
    build_event, built_queue_arn, event_json, is_queue_url, record_outcomes, response_value, schema_problem,
    sent_records, Answer, AsyncInvokeReport, InvokeReport, QueueOrigin, RecordInput, SentRecord,
};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// How long `--event-only` and invoke wait to learn the queue's ARN before building one: the
/// event must not depend on a network or credentials being there.
const ARN_LOOKUP_LIMIT: Duration = Duration::from_secs(3);

/// The largest batch an SQS event source mapping sends (a standard queue with a batching
/// window), so the largest event invoke builds.
const MAX_RECORDS: usize = 10_000;

/// What `custctl invoke` was asked to do, without clap.
#[derive(Debug, Clone)]
pub struct InvokeOptions {
    pub input: EventInput,
    pub event_only: bool,
    pub asynchronous: bool,
    pub qualifier: Option<String>,
    pub show_logs: bool,
}

/// Where the event comes from.
#[derive(Debug, Clone)]
pub enum EventInput {
    /// Built from messages (the sources `send` reads), as the event source mapping builds it.
    Records(SourceSpec),
    /// A whole event, sent byte for byte (`-` is stdin).
    EventFile(PathBuf),
}

impl From<InvokeArgs> for InvokeOptions {
    fn from(args: InvokeArgs) -> Self {
        let input = match args.event {
            Some(path) => EventInput::EventFile(path),
            None => EventInput::Records(args.source.spec()),
        };
        InvokeOptions {
            input,
            event_only: args.event_only,
            asynchronous: args.asynchronous,
            qualifier: args.qualifier,
            show_logs: !args.no_logs,
        }
    }
}

pub fn run(global: &GlobalArgs, args: InvokeArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(global)?;
    let options = InvokeOptions::from(args);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(invoke(&settings, &options))
}

/// Every message body to put in the event, with where it came from: the one place where
/// record sources are read. Bodies the schema rejects are kept (invoke probes the function's
/// checks); only what cannot be put in an event at all is an input error.
pub fn record_bodies(spec: SourceSpec) -> Result<Vec<RecordInput>> {
    let mut source = Source::open(spec).map_err(InputError::from)?;
    let mut inputs = Vec::new();
    for message in source.messages().map_err(InputError::from)? {
        let message = message.map_err(InputError::from)?;
        if let Err(reason @ Invalid::NotUtf8) = &message.verdict {
            return Err(InputError(format!("{}: {reason}: it cannot be a record's body", message.location)).into());
        }
        if inputs.len() == MAX_RECORDS {
            return Err(InputError(format!(
                "{}: more than {MAX_RECORDS} messages; an event source mapping never sends a larger batch \
                 (use --generate N or a shorter file, or `custctl send` to go through the queue)",
                source.name()
            ))
            .into());
        }
        inputs.push(RecordInput {
            location: message.location.to_string(),
            body: message.body,
        });
    }
    Ok(inputs)
}

/// The event to send, and its records in order (empty for an event file that is not an SQS
/// event).
struct PreparedEvent {
    payload: Vec<u8>,
    records: Vec<SentRecord>,
}

async fn invoke(settings: &Settings, options: &InvokeOptions) -> Result<ExitCode> {
    let config = aws::sdk_config(settings).await?;
    if !options.event_only {
        aws::require_region(&config)?;
    }
    let event = prepare_event(settings, &config, &options.input).await?;
    for record in &event.records {
        if let Some(reason) = schema_problem(record) {
            eprintln!("warning: {}: {reason} (sent anyway)", record.location);
        }
    }
    if options.event_only {
        let mut out = std::io::stdout().lock();
        out.write_all(&event.payload)?;
        if !event.payload.ends_with(b"\n") {
            writeln!(out)?;
        }
        return Ok(ExitCode::SUCCESS);
    }

    let lambda = aws_sdk_lambda::Client::new(&config);
    let mut request = lambda
        .invoke()
        .function_name(&settings.function)
        .set_qualifier(options.qualifier.clone())
        .payload(Blob::new(event.payload));
    request = if options.asynchronous {
        request.invocation_type(InvocationType::Event)
    } else if options.show_logs {
        request
            .invocation_type(InvocationType::RequestResponse)
            .log_type(LogType::Tail)
    } else {
        request.invocation_type(InvocationType::RequestResponse)
    };
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(err) => return Err(invoke_failure(&lambda, settings, options.qualifier.as_deref(), err).await),
    };

    if options.asynchronous {
        let report = AsyncInvokeReport {
            status_code: answer.status_code(),
            request_id: answer.request_id().map(str::to_string),
        };
        output::print(settings.output, &report)?;
        return Ok(if report.status_code == 202 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    report_answer(settings, &event.records, &answer)
}

/// A synchronous answer read as the event source mapping reads it (see [`Answer::read`]).
pub(crate) fn answer_of(answer: &aws_sdk_lambda::operation::invoke::InvokeOutput, message_ids: &[&str]) -> Answer {
    let payload = answer.payload().map(|p| p.as_ref().to_vec()).unwrap_or_default();
    Answer::read(payload, answer.function_error(), answer.log_result(), message_ids)
}

/// Reads a synchronous answer as the event source mapping would, and prints what came of
/// each record.
fn report_answer(
    settings: &Settings,
    records: &[SentRecord],
    answer: &aws_sdk_lambda::operation::invoke::InvokeOutput,
) -> Result<ExitCode> {
    let ids: Vec<&str> = records.iter().map(|r| r.message_id.as_str()).collect();
    let Answer {
        payload,
        function_error,
        log_tail,
        verdict,
    } = answer_of(answer, &ids);
    if let Some(error) = &function_error {
        eprintln!("error: the function failed: {}: {}", error.error_type, error.message);
    }
    match &verdict {
        BatchVerdict::WholeBatchFailed(reason) if !records.is_empty() => {
            eprintln!(
                "warning: {reason}: Lambda would retry the whole batch: {}",
                ids.join(", ")
            );
        }
        BatchVerdict::SomeFailed(failed) if !settings.quiet => eprintln!(
            "note: {} of {} records failed: the event source mapping would leave them on the queue",
            failed.len(),
            records.len()
        ),
        _ => {}
    }
    let report = InvokeReport {
        records: record_outcomes(records, &verdict),
        function_error,
        log_tail,
        response: response_value(&payload),
    };
    match settings.output {
        OutputFormat::Json => output::print(OutputFormat::Json, &report)?,
        OutputFormat::Table => {
            if let Some(tail) = &report.log_tail {
                eprint!("{tail}");
                if !tail.ends_with('\n') {
                    eprintln!();
                }
            }
            // writeln!, not println!: a closed stdout is an error to return, not a panic.
            writeln!(std::io::stdout(), "response: {}", String::from_utf8_lossy(&payload))?;
            if !report.records.is_empty() {
                output::print(OutputFormat::Table, &report)?;
            }
        }
    }
    Ok(if report.any_failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

async fn prepare_event(settings: &Settings, config: &SdkConfig, input: &EventInput) -> Result<PreparedEvent> {
    match input {
        EventInput::Records(spec) => {
            // Never empty: a source without messages is an input error.
            let inputs = record_bodies(spec.clone())?;
            let origin = queue_origin(settings, config).await;
            let now_ms = chrono::Utc::now().timestamp_millis();
            let event = build_event(&inputs, &origin, now_ms);
            let payload = event_json(&event).into_bytes();
            let records = sent_records(&event, |index| inputs[index].location.clone());
            Ok(PreparedEvent { payload, records })
        }
        EventInput::EventFile(path) => {
            let (name, payload) = read_event_file(path)?;
            let json: serde_json::Value = serde_json::from_slice(&payload).map_err(|e| {
                InputError(format!(
                    "--event {name}: not JSON ({e}); Lambda only accepts JSON events"
                ))
            })?;
            let records = match serde_json::from_value::<SqsEvent>(json) {
                Ok(event) => sent_records(&event, |index| format!("{name} record {}", index + 1)),
                Err(e) => {
                    if !settings.quiet {
                        eprintln!("note: --event {name} is not an SQS event ({e}): its answer is shown, not mapped to records");
                    }
                    Vec::new()
                }
            };
            Ok(PreparedEvent { payload, records })
        }
    }
}

fn read_event_file(path: &PathBuf) -> Result<(String, Vec<u8>)> {
    if path.as_os_str() == "-" {
        let mut payload = Vec::new();
        std::io::stdin()
            .read_to_end(&mut payload)
            .context("--event -: reading stdin")?;
        return Ok(("stdin".into(), payload));
    }
    let name = path.display().to_string();
    let payload = std::fs::read(path).map_err(|e| InputError(format!("--event {name}: {e}")))?;
    Ok((name, payload))
}

/// The queue's real ARN when SQS can be asked in time, else one built from the names.
async fn queue_origin(settings: &Settings, config: &SdkConfig) -> QueueOrigin {
    let region = config.region().map(|r| r.to_string());
    let lookup = tokio::time::timeout(ARN_LOOKUP_LIMIT, queue_arn(config, &settings.queue)).await;
    let why = match lookup {
        Ok(Ok(arn)) => {
            let region = arn.split(':').nth(3).map(str::to_string).or(region).unwrap_or_default();
            return QueueOrigin { arn, region };
        }
        Ok(Err(e)) => format!("{e:#}"),
        Err(_) => format!("no answer within {} s", ARN_LOOKUP_LIMIT.as_secs()),
    };
    let region = region.unwrap_or_else(|| "us-east-1".into());
    let arn = built_queue_arn(&region, &settings.queue);
    if !settings.quiet {
        eprintln!(
            "note: eventSourceARN is {arn}, built rather than resolved from {}: {why}",
            settings.cite_queue()
        );
    }
    QueueOrigin { arn, region }
}

async fn queue_arn(config: &SdkConfig, queue: &str) -> Result<String> {
    use aws_sdk_sqs::types::QueueAttributeName;
    // One attempt each: a missing network or missing credentials should cost one timeout, not four.
    let sqs = aws::sqs_client_without_sdk_retries(config);
    let url = if is_queue_url(queue) {
        queue.to_string()
    } else {
        sqs.get_queue_url()
            .queue_name(queue)
            .send()
            .await
            .map_err(|e| anyhow!("GetQueueUrl: {}", aws::describe_sdk_error(&e)))?
            .queue_url
            .context("GetQueueUrl answered without a QueueUrl")?
    };
    let answer = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| anyhow!("GetQueueAttributes: {}", aws::describe_sdk_error(&e)))?;
    answer
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .cloned()
        .context("GetQueueAttributes answered without a QueueArn")
}

/// The error for a failed Invoke call. For a qualifier the function does not have, the
/// aliases and versions it has; for an unknown function, the functions whose names are close.
pub(crate) async fn invoke_failure<R>(
    lambda: &aws_sdk_lambda::Client,
    settings: &Settings,
    qualifier: Option<&str>,
    err: SdkError<aws_sdk_lambda::operation::invoke::InvokeError, R>,
) -> anyhow::Error
where
    R: std::fmt::Debug,
{
    let function = &settings.function;
    let cited = settings.cite_function();
    let Some(not_found) = err.as_service_error().filter(|e| e.is_resource_not_found_exception()) else {
        return anyhow!("invoking {cited}: {}", aws::describe_sdk_error(&err));
    };
    let reason = not_found.message().unwrap_or("ResourceNotFoundException");
    if let Some(qualifier) = qualifier {
        // Lambda answers the same ResourceNotFoundException for a missing function and for a
        // missing alias or version of one that exists; listing its qualifiers tells which.
        if let Ok(qualifiers) = function_qualifiers(lambda, function).await {
            return InputError(format!(
                "--qualifier {qualifier}: the function {function} has no alias or version {qualifier} \
                 ({qualifiers}); leave out --qualifier to invoke $LATEST"
            ))
            .into();
        }
    }
    let flag = match qualifier {
        Some(qualifier) => format!("{cited} --qualifier {qualifier}"),
        None => cited,
    };
    let hint = similar_functions(lambda, function).await;
    InputError(format!("{flag}: no such function ({reason}); {hint}")).into()
}

/// For an unknown function: the functions whose names are close to `function`, or that there
/// are none (`invoke` and `status` both say it).
pub(crate) async fn similar_functions(lambda: &aws_sdk_lambda::Client, function: &str) -> String {
    match function_names(lambda).await {
        Ok(names) => {
            let similar = similar_names(function, names.iter().map(String::as_str));
            if similar.is_empty() {
                format!("none of the {} listed has a similar name", names.len())
            } else {
                format!("functions with a similar name: {}", similar.join(", "))
            }
        }
        Err(e) => format!("the functions could not be listed: {e:#}"),
    }
}

async fn function_names(lambda: &aws_sdk_lambda::Client) -> Result<Vec<String>> {
    let functions = lambda
        .list_functions()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await;
    let functions = functions.map_err(|e| anyhow!("ListFunctions: {}", aws::describe_sdk_error(&e)))?;
    Ok(functions.into_iter().filter_map(|f| f.function_name).collect())
}

/// `aliases: live, beta; versions: $LATEST, 1, 2` of `function` (ListAliases,
/// ListVersionsByFunction); an error when they cannot be listed (no such function).
async fn function_qualifiers(lambda: &aws_sdk_lambda::Client, function: &str) -> Result<String> {
    let versions = lambda
        .list_versions_by_function()
        .function_name(function)
        .into_paginator();
    let versions = versions.items().send().try_collect().await;
    let versions = versions.map_err(|e| anyhow!("ListVersionsByFunction: {}", aws::describe_sdk_error(&e)))?;
    let aliases = lambda.list_aliases().function_name(function).into_paginator();
    let aliases = aliases.items().send().try_collect().await;
    let aliases = aliases.map_err(|e| anyhow!("ListAliases: {}", aws::describe_sdk_error(&e)))?;
    let versions = versions.into_iter().filter_map(|v| v.version).collect();
    let aliases = aliases.into_iter().filter_map(|a| a.name).collect();
    let list = |names: Vec<String>| {
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    Ok(format!("aliases: {}; versions: {}", list(aliases), list(versions)))
}
