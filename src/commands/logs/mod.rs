//! `custctl logs`: the function's log group (or any groups) as history, live with `--follow`,
//! one invocation with `--request-id`, or a `--summary` of what the function did.

mod cursor;
mod lines;
mod printer;
mod summary;
mod tail;
pub mod times;

use crate::aws;
use crate::cli::{GlobalArgs, GroupByArg, LogFormatArg, LogsArgs, OutputFormat};
use crate::config::Settings;
use crate::error::InputError;
use crate::output;
use crate::similar::similar_names;
use anyhow::{anyhow, Result};
use aws_sdk_cloudwatchlogs::Client;
use cursor::{LogCursor, ReadScope};
use lines::LambdaLine;
use printer::{LogFormat, Printer, PrinterOptions};
use std::io::{BufWriter, IsTerminal, Stdout, Write};
use std::process::ExitCode;
use std::time::Duration;
pub use summary::Summary;
use summary::SummaryBuilder;
use tail::{
    history, now_ms, EventSink, FollowEnd, FollowOptions, LiveTailSession, LiveTailUnavailable, LogGroupTarget,
    LogQuery,
};
use times::{instant, window};

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

/// What `custctl logs` was asked to do, without clap.
#[derive(Debug, Clone)]
pub struct LogsOptions {
    /// Group names; empty means the function's own.
    pub groups: Vec<String>,
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub filter: Option<String>,
    pub stream_prefix: Option<String>,
    pub follow: bool,
    pub until_idle: Option<Duration>,
    pub poll: bool,
    pub format: LogFormat,
    pub request_id: Option<String>,
    pub group_by_request: bool,
    pub summary: bool,
}

impl LogsOptions {
    fn from_args(args: &LogsArgs, settings: &Settings) -> Result<LogsOptions, InputError> {
        let now = now_ms();
        let start_ms =
            parse_when(&args.since, now).map_err(|why| InputError(format!("--since {}: {why}", args.since)))?;
        let end_ms = args
            .until
            .as_deref()
            .map(|until| parse_when(until, now).map_err(|why| InputError(format!("--until {until}: {why}"))))
            .transpose()?;
        if start_ms > now {
            return Err(InputError(format!(
                "--since {}: {} is in the future (it is {} now); give a time in the past or a duration such as 1h",
                args.since,
                instant(start_ms),
                instant(now)
            )));
        }
        if end_ms.is_some_and(|end| end <= start_ms) {
            return Err(InputError(format!(
                "--until {} is not after --since {}",
                args.until.as_deref().unwrap_or_default(),
                args.since
            )));
        }
        let until_idle = args
            .until_idle
            .as_deref()
            .map(|idle| {
                humantime::parse_duration(idle)
                    .map_err(|e| InputError(format!("--until-idle {idle}: {e} (try 30s or 5m)")))
            })
            .transpose()?;
        if args.stream_prefix.is_some() && args.log_groups.len() > 1 {
            return Err(InputError(
                "--stream-prefix works with one log group; give one --log-group".into(),
            ));
        }
        let format = match args.format {
            Some(LogFormatArg::Short) => LogFormat::Short,
            Some(LogFormatArg::Detailed) => LogFormat::Detailed,
            Some(LogFormatArg::Json) => LogFormat::Json,
            None if settings.output == OutputFormat::Json => LogFormat::Json,
            None => LogFormat::Short,
        };
        Ok(LogsOptions {
            groups: args.log_groups.clone(),
            start_ms,
            end_ms,
            filter: args.filter.clone().filter(|f| !f.trim().is_empty()),
            stream_prefix: args.stream_prefix.clone(),
            follow: args.follow,
            until_idle,
            poll: args.poll,
            format,
            request_id: args.request_id.as_deref().map(request_id_or_prefix).transpose()?,
            group_by_request: args.group_by == Some(GroupByArg::Request),
            summary: args.summary,
        })
    }
}

/// A Lambda request id (a UUID) or its start, as the short REPORT line shows it (8 hex
/// digits), lowercased as Lambda writes them. It goes into a filter pattern, so nothing but hex
/// digits and dashes is let through.
fn request_id_or_prefix(text: &str) -> Result<String, InputError> {
    let id = text.trim();
    if id.is_empty() || id.len() > 36 || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(InputError(
            "--request-id takes a request id (a UUID such as 3f2a1b2c-5d6e-4f70-8a9b-0c1d2e3f4a5b) or its \
             start, such as the 8 hex digits a short REPORT line shows"
                .into(),
        ));
    }
    Ok(id.to_ascii_lowercase())
}

/// `10m`, `2h 30m`, `1d` back from `now_ms`, or an RFC 3339 time, a time without zone (UTC) or
/// a date (midnight UTC).
pub fn parse_when(text: &str, now_ms: i64) -> Result<i64, String> {
    let ms = parse_instant(text, now_ms)?;
    // CloudWatch Logs takes times as milliseconds since 1970 and refuses negative ones.
    if ms < 0 {
        return Err("is before 1970-01-01T00:00:00Z, the earliest time there can be a log event".into());
    }
    Ok(ms)
}

/// A duration back from `now_ms` or a time, in ms since the epoch (negative before 1970).
fn parse_instant(text: &str, now_ms: i64) -> Result<i64, String> {
    if let Ok(back) = humantime::parse_duration(text) {
        return i64::try_from(back.as_millis())
            .ok()
            .and_then(|back| now_ms.checked_sub(back))
            .ok_or_else(|| "reaches back before 1970-01-01T00:00:00Z".to_string());
    }
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(time.timestamp_millis());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(time) = chrono::NaiveDateTime::parse_from_str(text, format) {
            return Ok(time.and_utc().timestamp_millis());
        }
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date
            .and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
            .timestamp_millis());
    }
    Err("not a duration (10m, 2h, 1d) or a time (2026-11-23T04:00:00Z, 2026-11-23)".into())
}

pub fn run(global: &GlobalArgs, args: &LogsArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(global)?;
    let options = LogsOptions::from_args(args, &settings)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(logs(&settings, &options))
}

/// Prints through the printer; the one place events reach stdout.
struct PrintingSink {
    printer: Printer<BufWriter<Stdout>>,
}

impl EventSink for PrintingSink {
    fn event(&mut self, event: LogEvent) -> std::io::Result<()> {
        self.printer.print(event)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.printer.flush()
    }
}

async fn logs(settings: &Settings, options: &LogsOptions) -> Result<ExitCode> {
    // Ctrl-C ends a follow with exit 0; caught from the start, so one pressed while the
    // history is read is not lost.
    let mut interrupt = if options.follow {
        Some(tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::interrupt(),
        )?)
    } else {
        None
    };
    let config = aws::sdk_config(settings).await?;
    aws::require_region(&config)?;
    let client = Client::new(&config);
    let names = if options.groups.is_empty() {
        vec![format!("/aws/lambda/{}", settings.function)]
    } else {
        options.groups.clone()
    };
    let groups = resolve_groups(&client, &names, options.groups.is_empty()).await?;
    let query = LogQuery {
        groups,
        filter: options.filter.clone(),
        stream_prefix: options.stream_prefix.clone(),
        stream_names: None,
    };
    let notes = !settings.quiet;
    if let Some(prefix) = &options.stream_prefix {
        check_stream_prefix(&client, &query.groups[0].name, prefix, notes).await?;
    }
    if options.summary {
        return summary(&client, settings, options, &query).await;
    }

    let colour =
        options.format != LogFormat::Json && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut sink = PrintingSink {
        printer: Printer::new(
            BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            PrinterOptions {
                format: options.format,
                colour,
                group_by_request: options.group_by_request,
                show_group: query.groups.len() > 1,
            },
        ),
    };
    if let Some(request_id) = &options.request_id {
        return one_invocation(&client, options, &query, request_id, &mut sink).await;
    }

    // Live tail first: what is stored while the history is read is then in the session.
    let custom_endpoint = config.endpoint_url().is_some();
    let session = if options.follow && !options.poll {
        match LiveTailSession::start(&client, &query, custom_endpoint).await {
            Ok(session) => Some(session),
            Err(LiveTailUnavailable::Permanently(why) | LiveTailUnavailable::ForNow(why)) => {
                if notes {
                    eprintln!("custctl: live tail is unavailable ({why})");
                }
                None
            }
        }
    } else {
        None
    };

    let mut cursor = LogCursor::new();
    let mut scope = ReadScope::new();
    history(&client, &query, options.start_ms, options.end_ms, |event| {
        if cursor.admit(&mut scope, &event) {
            sink.event(event)?;
        }
        Ok(())
    })
    .await?;
    sink.flush()?;
    if notes && sink.printer.printed() == 0 && !options.follow {
        let window = window(options.start_ms, options.end_ms.unwrap_or_else(now_ms));
        let groups: Vec<&str> = query.groups.iter().map(|g| g.name.as_str()).collect();
        match &options.filter {
            Some(filter) => eprintln!(
                "custctl: no event of {} {window} matched --filter {filter}",
                groups.join(", ")
            ),
            None => eprintln!("custctl: no events in {} {window}", groups.join(", ")),
        }
    }
    if options.follow {
        if notes {
            let groups: Vec<&str> = query.groups.iter().map(|g| g.name.as_str()).collect();
            // Said once the history is out and the session (or polling) runs: from here on,
            // every new event is printed.
            eprintln!("custctl: following {} (Ctrl-C stops)", groups.join(", "));
        }
        let follow_options = FollowOptions {
            until_idle: options.until_idle,
            poll: options.poll,
            custom_endpoint,
            notes,
        };
        let end = tail::follow(
            interrupt.as_mut().expect("installed when following"),
            &client,
            &query,
            options.start_ms,
            session,
            &mut cursor,
            &mut sink,
            &follow_options,
        )
        .await?;
        if end == FollowEnd::Idle && notes {
            eprintln!(
                "custctl: no new event for {}; stopping (--until-idle)",
                humantime::format_duration(options.until_idle.unwrap_or_default())
            );
        }
    }
    sink.printer.finish()?;
    Ok(ExitCode::SUCCESS)
}

/// The groups by name, each with its ARN; an unknown one is an error naming those that look
/// like it.
async fn resolve_groups(client: &Client, names: &[String], from_function: bool) -> Result<Vec<LogGroupTarget>> {
    let mut targets = Vec::new();
    for name in names {
        let found = client
            .describe_log_groups()
            .log_group_name_prefix(name)
            .send()
            .await
            .map_err(|e| anyhow!("DescribeLogGroups: {}", aws::describe_sdk_error(&e)))?
            .log_groups
            .unwrap_or_default()
            .into_iter()
            .find(|g| g.log_group_name.as_deref() == Some(name.as_str()));
        match found {
            Some(group) => {
                let arn = group
                    .log_group_arn
                    .or_else(|| group.arn.map(|arn| arn.trim_end_matches(":*").to_string()))
                    .unwrap_or_else(|| name.clone());
                targets.push(LogGroupTarget {
                    name: name.clone(),
                    arn,
                });
            }
            None => {
                let existing = all_group_names(client).await;
                let similar = similar_names(name, existing.iter().map(String::as_str));
                let flag = if from_function {
                    format!("log group {name} (of --function) does not exist")
                } else {
                    format!("--log-group {name}: no such log group")
                };
                let hint = if similar.is_empty() {
                    format!("none of the {} groups has a similar name", existing.len())
                } else {
                    format!("groups with a similar name: {}", similar.join(", "))
                };
                return Err(InputError(format!("{flag}; {hint}")).into());
            }
        }
    }
    Ok(targets)
}

async fn all_group_names(client: &Client) -> Vec<String> {
    let mut pages = client.describe_log_groups().into_paginator().items().send();
    let mut names = Vec::new();
    while let Some(Ok(group)) = pages.next().await {
        names.extend(group.log_group_name);
        if names.len() >= 10_000 {
            break;
        }
    }
    names
}

/// A prefix no stream has is almost always a typo: say so rather than print nothing.
async fn check_stream_prefix(client: &Client, group: &str, prefix: &str, notes: bool) -> Result<()> {
    let streams = client
        .describe_log_streams()
        .log_group_name(group)
        .log_stream_name_prefix(prefix)
        .limit(1)
        .send()
        .await
        .map_err(|e| anyhow!("DescribeLogStreams on {group}: {}", aws::describe_sdk_error(&e)))?;
    if notes && streams.log_streams().is_empty() {
        eprintln!(
            "custctl: no stream of {group} starts with {prefix:?} (Lambda's streams are named like {}/[$LATEST]…)",
            chrono::Utc::now().format("%Y/%m/%d")
        );
    }
    Ok(())
}

/// Reads `[start_ms, end_ms)` of the groups into a summary.
async fn summarize(client: &Client, query: &LogQuery, start_ms: i64, end_ms: Option<i64>) -> Result<SummaryBuilder> {
    let mut builder = SummaryBuilder::default();
    history(client, query, start_ms, end_ms, |event| {
        builder.add(&event);
        Ok(())
    })
    .await?;
    Ok(builder)
}

/// What the REPORT and error lines of `group` say about `[start_ms, end_ms)`, as `--summary`
/// counts them: `custctl status` reads this where CloudWatch has no metrics.
pub async fn report_summary(client: &Client, group: &str, start_ms: i64, end_ms: i64) -> Result<Summary> {
    let builder = summarize(client, &history_of(group, None), start_ms, Some(end_ms)).await?;
    Ok(builder.finish(instant(start_ms), instant(end_ms)))
}

/// Every event of `group` from `start_ms` on that the filter `pattern` matches, oldest first
/// (FilterLogEvents, every page): `custctl trace` looks for its trace id with it.
pub async fn matching_events(client: &Client, group: &str, pattern: &str, start_ms: i64) -> Result<Vec<LogEvent>> {
    let mut events = Vec::new();
    history(client, &history_of(group, Some(pattern)), start_ms, None, |event| {
        events.push(event);
        Ok(())
    })
    .await?;
    Ok(events)
}

/// A history read of one group, filtered by `pattern` when there is one.
fn history_of(group: &str, pattern: Option<&str>) -> LogQuery {
    LogQuery {
        // FilterLogEvents takes the name; the ARN is only for live tail.
        groups: vec![LogGroupTarget {
            name: group.to_string(),
            arn: group.to_string(),
        }],
        filter: pattern.map(str::to_string),
        stream_prefix: None,
        stream_names: None,
    }
}

async fn summary(client: &Client, settings: &Settings, options: &LogsOptions, query: &LogQuery) -> Result<ExitCode> {
    let builder = summarize(client, query, options.start_ms, options.end_ms).await?;
    let summary = builder.finish(
        instant(options.start_ms),
        instant(options.end_ms.unwrap_or_else(now_ms)),
    );
    output::print(settings.output, &summary)?;
    Ok(ExitCode::SUCCESS)
}

/// `--request-id`: finds the invocation's START, then prints its stream from there to its
/// REPORT (an instance runs one invocation at a time, so those lines are all its own). The id
/// may be given in full or by its start, as long as one invocation of the window has it.
async fn one_invocation(
    client: &Client,
    options: &LogsOptions,
    query: &LogQuery,
    prefix: &str,
    sink: &mut PrintingSink,
) -> Result<ExitCode> {
    // A phrase matches anywhere in a message, so the start of an id finds every invocation
    // whose id begins with it.
    let marks = LogQuery {
        filter: Some(format!("\"RequestId: {prefix}\"")),
        ..query.clone()
    };
    // Each matching invocation's first START, by full id, and its REPORT's time.
    let mut starts: std::collections::BTreeMap<String, LogEvent> = std::collections::BTreeMap::new();
    let mut reports: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    history(client, &marks, options.start_ms, options.end_ms, |event| {
        match LambdaLine::parse(&event.message) {
            LambdaLine::Start { request_id: id } if id.starts_with(prefix) => {
                starts.entry(id).or_insert(event);
            }
            LambdaLine::Report(report) if report.request_id.starts_with(prefix) => {
                reports.insert(report.request_id, event.timestamp);
            }
            _ => {}
        }
        Ok(())
    })
    .await?;
    let groups = || {
        query
            .groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let window = || window(options.start_ms, options.end_ms.unwrap_or_else(now_ms));
    // A full id that is also the start of another (never for UUIDs) still means itself.
    let chosen = match starts.remove_entry(prefix) {
        Some(exact) => exact,
        None if starts.len() > 1 => {
            const LISTED: usize = 20;
            let mut matches: Vec<String> = starts
                .iter()
                .take(LISTED)
                .map(|(id, start)| format!("{id} (started {})", instant(start.timestamp)))
                .collect();
            if starts.len() > LISTED {
                matches.push(format!("and {} more", starts.len() - LISTED));
            }
            return Err(InputError(format!(
                "--request-id {prefix} is the start of {} invocations' ids in {} {}; give more of the id: {}",
                starts.len(),
                groups(),
                window(),
                matches.join(", ")
            ))
            .into());
        }
        None => match starts.pop_first() {
            Some(only) => only,
            None => {
                return Err(anyhow!(
                    "no invocation with request id {prefix} in {} {}; widen --since",
                    groups(),
                    window()
                ))
            }
        },
    };
    let (request_id, start) = chosen;
    let request_id = request_id.as_str();
    let report_at = reports.get(request_id).copied();
    let stream = LogQuery {
        groups: query.groups.iter().filter(|g| g.name == start.group).cloned().collect(),
        filter: None,
        stream_prefix: None,
        stream_names: Some(vec![start.stream.clone()]),
    };
    let mut inside = false;
    let mut done = false;
    history(client, &stream, start.timestamp, report_at.map(|t| t + 1), |event| {
        if done {
            return Ok(());
        }
        let line = LambdaLine::parse(&event.message);
        if !inside {
            inside = matches!(&line, LambdaLine::Start { request_id: id } if id == request_id);
        }
        if inside {
            done = matches!(&line, LambdaLine::Report(report) if report.request_id == request_id);
            sink.event(event)?;
        }
        Ok(())
    })
    .await?;
    sink.printer.finish()?;
    if report_at.is_none() {
        eprintln!("custctl: invocation {request_id} has no REPORT yet: it is still running, or its instance died");
    }
    std::io::stdout().flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_durations_or_times() {
        let now = 1_763_870_400_000;
        assert_eq!(parse_when("10m", now), Ok(now - 600_000));
        assert_eq!(parse_when("2h", now), Ok(now - 7_200_000));
        assert_eq!(parse_when("1d", now), Ok(now - 86_400_000));
        assert_eq!(parse_when("2025-11-23T04:00:00Z", now), Ok(1_763_870_400_000));
        assert_eq!(parse_when("2025-11-23T05:00:00+01:00", now), Ok(1_763_870_400_000));
        assert_eq!(parse_when("2025-11-23T04:00:00", now), Ok(1_763_870_400_000));
        assert_eq!(parse_when("2025-11-23", now), Ok(1_763_856_000_000));
        // Windows that cannot be: before 1970, or too far back to compute.
        for text in [
            "9223372036854775807s",
            "10000000w",
            "0000-01-01T00:00:00Z",
            "1969-12-31",
        ] {
            let why = parse_when(text, now).unwrap_err();
            assert!(why.contains("1970-01-01"), "{text}: {why}");
        }
        assert!(parse_when("yesterday", now).is_err());
    }
}
