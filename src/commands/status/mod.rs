//! `custctl status`: is the pipeline healthy? Starting from the function's name it reads the
//! function, its event source mappings, the queues they read and their dead-letter queues,
//! the function's metrics over `--since`, and the database ([`gather`]); then applies the
//! rules of [`findings`], each finding with its severity and fix. Exit 0 when no finding is an
//! error, 1 when one is (so it can gate a deploy or run from cron), 2 for bad input.
//! `--watch` looks again every few seconds: on a terminal it redraws in place, elsewhere it
//! prints one document (or table) after another; Ctrl-C ends it with exit 0.

mod findings;
pub(crate) mod gather;
mod metrics;
mod render;
pub mod report;

use crate::aws;
use crate::cli::{GlobalArgs, OutputFormat, StatusArgs};
use crate::config::Settings;
use crate::error::InputError;
use crate::output;
use anyhow::Result;
use findings::Thresholds;
use gather::{Clients, Scope};
use report::{Severity, StatusReport};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

/// CloudWatch keeps a metric's one-hour datapoints for 455 days, its finest ones for less; a
/// window reaching further back has nothing to show
/// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#metrics-retention).
const LONGEST_WINDOW: Duration = Duration::from_secs(455 * 24 * 3600);

/// What `custctl status` was asked to do, without clap.
#[derive(Debug, Clone)]
pub struct StatusOptions {
    pub watch: Option<Duration>,
    /// `--since` as given, and what it means.
    pub since: String,
    pub window: Duration,
    pub max_message_age: Duration,
}

impl StatusOptions {
    pub fn from_args(args: &StatusArgs) -> Result<StatusOptions, InputError> {
        let duration = |flag: &str, text: &str| {
            let parsed = humantime::parse_duration(text)
                .map_err(|e| InputError(format!("{flag} {text}: {e} (a duration such as 15m, 1h or 1d)")))?;
            if parsed.is_zero() {
                return Err(InputError(format!("{flag} {text}: must be longer than 0 (try 15m)")));
            }
            Ok(parsed)
        };
        let window = duration("--since", &args.since)?;
        if window > LONGEST_WINDOW {
            return Err(InputError(format!(
                "--since {}: CloudWatch keeps metrics for at most 455 days; give a shorter window",
                args.since
            )));
        }
        Ok(StatusOptions {
            watch: args.watch.map(Duration::from_secs),
            since: args.since.clone(),
            window,
            max_message_age: duration("--max-message-age", &args.max_message_age)?,
        })
    }
}

pub fn run(global: &GlobalArgs, args: &StatusArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(global)?;
    let options = StatusOptions::from_args(args)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(status(&settings, global.queue.clone(), &options))
}

/// 0 when healthy, 1 when a finding is an error.
fn exit_code(report: &StatusReport) -> ExitCode {
    if report.healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One look at the pipeline, findings included.
pub async fn look(
    clients: &Clients,
    settings: &Settings,
    named_queue: Option<String>,
    options: &StatusOptions,
) -> Result<StatusReport> {
    let end_ms = chrono::Utc::now().timestamp_millis();
    let window_ms = i64::try_from(options.window.as_millis()).unwrap_or(i64::MAX);
    let start_ms = end_ms.saturating_sub(window_ms);
    let scope = Scope::new(settings, named_queue, options.since.clone(), start_ms, end_ms);
    let mut report = gather::gather(clients, &scope).await?;
    report.findings = findings::findings(
        &report,
        &Thresholds {
            max_message_age: options.max_message_age,
            since: options.since.clone(),
        },
    );
    report.healthy = !report.findings.iter().any(|f| f.severity == Severity::Error);
    Ok(report)
}

async fn status(settings: &Settings, named_queue: Option<String>, options: &StatusOptions) -> Result<ExitCode> {
    // Installed before the first call, so a Ctrl-C during it is seen, not the default kill.
    let mut interrupt = match options.watch {
        Some(_) => Some(tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::interrupt(),
        )?),
        None => None,
    };
    let config = aws::sdk_config(settings).await?;
    aws::require_region(&config)?;
    let clients = Clients::new(&config);
    let (Some(every), Some(interrupt)) = (options.watch, interrupt.as_mut()) else {
        let report = look(&clients, settings, named_queue, options).await?;
        output::print(settings.output, &report)?;
        return Ok(exit_code(&report));
    };

    let mut screen = Screen::new(settings.output, every);
    let mut first = true;
    loop {
        let looked = tokio::select! {
            looked = look(&clients, settings, named_queue.clone(), options) => looked,
            // Ctrl-C: the last frame stays, and the watch ends as asked, with 0.
            _ = interrupt.recv() => return Ok(ExitCode::SUCCESS),
        };
        match looked {
            Ok(report) => screen.draw(&report)?,
            // The first look decides whether watching makes sense at all (an unknown function);
            // later, a failed look (a network blip) is said and the watch goes on.
            Err(error) if first => return Err(error),
            Err(error) => eprintln!("custctl: {error:#} (trying again in {} s)", every.as_secs()),
        }
        first = false;
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = interrupt.recv() => return Ok(ExitCode::SUCCESS),
        }
    }
}

/// Where `--watch` draws: a terminal, redrawn in place, or a pipe or file, which gets one
/// document (NDJSON) or table after another and never an escape code.
struct Screen {
    format: OutputFormat,
    every: Duration,
    terminal: bool,
    drawn: bool,
}

impl Screen {
    fn new(format: OutputFormat, every: Duration) -> Screen {
        Screen {
            format,
            every,
            terminal: std::io::stdout().is_terminal(),
            drawn: false,
        }
    }

    fn draw(&mut self, report: &StatusReport) -> Result<()> {
        let mut out = std::io::stdout().lock();
        if !self.terminal {
            let text = match self.format {
                OutputFormat::Json => output::json_line(report)?,
                OutputFormat::Table => output::render(OutputFormat::Table, report)? + "\n",
            };
            out.write_all(text.as_bytes())?;
            out.flush()?;
            return Ok(());
        }
        let body = output::render(self.format, report)?;
        let mut frame = String::with_capacity(body.len() + 256);
        // Home, then each line cleared to its end, then everything below: no flicker, and no
        // remains of a longer frame before it.
        frame.push_str(if self.drawn { "\x1b[H" } else { "\x1b[H\x1b[2J" });
        let heading = format!(
            "custctl status: every {} s, last look {}; Ctrl-C stops",
            self.every.as_secs(),
            report.checked_at
        );
        for line in std::iter::once(heading.as_str()).chain(body.lines()) {
            frame.push_str(line);
            frame.push_str("\x1b[K\n");
        }
        frame.push_str("\x1b[J");
        out.write_all(frame.as_bytes())?;
        out.flush()?;
        self.drawn = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(since: &str, age: &str) -> StatusArgs {
        StatusArgs {
            watch: None,
            since: since.into(),
            max_message_age: age.into(),
        }
    }

    #[test]
    fn bad_durations_name_their_flag() {
        for (since, age, flag) in [
            ("yesterday", "15m", "--since yesterday"),
            ("0s", "15m", "--since 0s"),
            ("500d", "15m", "--since 500d"),
            ("1h", "old", "--max-message-age old"),
        ] {
            let err = StatusOptions::from_args(&args(since, age)).unwrap_err();
            assert!(err.0.starts_with(flag), "{}", err.0);
        }
        let ok = StatusOptions::from_args(&args("1h", "15m")).unwrap();
        assert_eq!(ok.window, Duration::from_secs(3600));
    }
}
