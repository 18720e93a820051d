//! The command line, as clap sees it: the only module that knows about clap. Each verb's
//! arguments become a plain settings struct before any work starts.

use crate::source::{FileFormat, SourceSpec};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// custctl: send, invoke, tail and query the Customer SQS -> Lambda -> MySQL pipeline.
#[derive(Debug, Parser)]
#[command(name = "custctl", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every verb understands.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Talk to the local stack (`custctl local up`) instead of AWS.
    #[arg(long, global = true, env = "CUSTCTL_LOCAL", value_parser = clap::builder::FalseyValueParser::new())]
    pub local: bool,

    /// Output format of results: a table for people, JSON for programs.
    #[arg(long, global = true, env = "CUSTCTL_OUTPUT", value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,

    /// Print no progress and no notes on stderr (errors are still printed).
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Where the local stack keeps its state [default: $XDG_STATE_HOME/custctl/local].
    #[arg(long, global = true, env = "CUSTCTL_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// Named environment from the config file (`[env.NAME]` in custctl.toml).
    #[arg(long, global = true, env = "CUSTCTL_ENV", value_name = "NAME")]
    pub env: Option<String>,

    /// AWS profile [default: the config file's, then "default"].
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region [default: AWS_DEFAULT_REGION, the config file's, then the AWS profile's].
    #[arg(long, global = true, env = "AWS_REGION", value_name = "REGION")]
    pub region: Option<String>,

    /// Send every AWS call to this endpoint [default: AWS_ENDPOINT_URL (and aws-config's
    /// AWS_ENDPOINT_URL_<SERVICE>), the config file's, else AWS].
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// The Lambda function [default: customer-ingest].
    #[arg(long, global = true, env = "CUSTCTL_FUNCTION", value_name = "NAME")]
    pub function: Option<String>,

    /// The SQS queue, by name or URL [default: customers].
    #[arg(long, global = true, env = "CUSTCTL_QUEUE", value_name = "NAME|URL")]
    pub queue: Option<String>,

    /// The RDS instance or cluster [default: customers-db].
    #[arg(long, global = true, env = "CUSTCTL_DB_INSTANCE", value_name = "ID")]
    pub db_instance: Option<String>,

    /// The options above whose value came from an environment variable (the option's id, as
    /// `queue`, to the variable, as `CUSTCTL_QUEUE`), so that an error about one names it.
    #[arg(skip)]
    pub from_environment: BTreeMap<String, String>,
}

impl GlobalArgs {
    /// The environment variable that gave option `id` its value, if one did.
    pub fn variable_of(&self, id: &str) -> Option<&str> {
        self.from_environment.get(id).map(String::as_str)
    }
}

impl Cli {
    /// Parses the command line as `Cli::parse` does (bad usage exits with clap's message),
    /// noting which options were taken from environment variables.
    pub fn parse_noting_environment() -> Cli {
        let mut command = command();
        let matches = command
            .try_get_matches_from_mut(std::env::args_os())
            .unwrap_or_else(|err| exit_naming_variable(&command, err));
        let mut cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
        cli.global.from_environment = environment_sources(&command, &matches);
        cli
    }
}

/// Exits as clap does for `err`; when it is a bad value that came from an option's environment
/// variable (`CUSTCTL_OUTPUT=yaml`), which clap's message does not say (it names `--output`),
/// says which variable.
fn exit_naming_variable(command: &clap::Command, err: clap::Error) -> ! {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let variable = match (err.kind(), err.get(ContextKind::InvalidArg)) {
        (ErrorKind::InvalidValue | ErrorKind::ValueValidation, Some(ContextValue::String(shown))) => {
            let flag = shown.split_whitespace().next().unwrap_or_default().to_string();
            let typed = std::env::args_os().skip(1).any(|arg| {
                arg.to_str()
                    .is_some_and(|arg| arg == flag || arg.starts_with(&format!("{flag}=")))
            });
            let variable = command
                .get_arguments()
                .find(|arg| arg.get_long().is_some_and(|long| flag == format!("--{long}")))
                .and_then(|arg| arg.get_env())
                .map(|variable| variable.to_string_lossy().into_owned());
            variable
                .filter(|variable| !typed && std::env::var_os(variable).is_some())
                .map(|variable| (flag, variable))
        }
        _ => None,
    };
    let _ = err.print();
    if let Some((flag, variable)) = variable {
        eprintln!("The value came from the environment variable {variable}: change or unset it, or pass {flag}.");
    }
    std::process::exit(err.exit_code())
}

/// The global options `matches` took from environment variables. Global options are
/// propagated to the top level's matches, wherever they were given.
fn environment_sources(command: &clap::Command, matches: &clap::ArgMatches) -> BTreeMap<String, String> {
    command
        .get_arguments()
        .filter_map(|arg| {
            let id = arg.get_id().as_str();
            let from_env = matches.value_source(id) == Some(clap::parser::ValueSource::EnvVariable);
            let variable = arg.get_env()?.to_string_lossy().into_owned();
            from_env.then(|| (id.to_string(), variable))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send Customer messages to the queue, each checked against the schema first.
    Send(SendArgs),
    /// Run the whole pipeline on this machine: no Docker, no AWS account.
    #[command(subcommand)]
    Local(LocalCommand),
    /// Invoke the function once with an SQS event built as the event source mapping builds it.
    Invoke(InvokeArgs),
    /// Show the function's log group: history, live (--follow), one invocation, a summary.
    Logs(LogsArgs),
    /// Describe the RDS instances and Aurora clusters: all of them, or one with --db-instance.
    Db(DbArgs),
    /// Query the private database through the bastion: one-shot (-e, --file) or a REPL.
    Sql(SqlArgs),
    /// Write a deployed stack's names (its CloudFormation Outputs) into custctl.toml as [env.ENV].
    Init(InitArgs),
    /// Is the pipeline healthy? The function, its mappings, queue, DLQ, metrics and database, then findings with fixes (exit 1 on an error finding).
    Status(StatusArgs),
    /// The dead-letter queue of --queue (from its redrive policy): look at its messages, replay, export, purge or redrive them.
    #[command(subcommand)]
    Dlq(DlqCommand),
    /// Send one message marked for tracing and follow it: sent, taken by an invocation, written, read back (exit 1 when it stalls, with the likely cause).
    Trace(TraceArgs),
    /// Print shell completions for custctl.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): custctl's own, or a verb's; --dir writes every page.
    Man(ManArgs),
}

/// `custctl man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The verb whose page to print, with its subcommand if it has one (`send`, `local up`) [default: custctl's own page].
    #[arg(value_name = "VERB", conflicts_with = "dir")]
    pub verb: Vec<String>,

    /// Write every page (custctl.1, custctl-send.1, custctl-local-up.1, ...) into DIR, created if missing, e.g. ~/.local/share/man/man1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Where the messages come from: exactly one of --id/--name, --body, --file, --generate.
/// (`send` and `invoke` share it.)
#[derive(Debug, Args)]
#[group(skip)]
#[command(next_help_heading = "Message source")]
#[command(group(clap::ArgGroup::new("source").required(true).args(["id", "body", "file", "generate"])))]
pub struct SourceArgs {
    /// CustID of one customer (with --name).
    #[arg(long, requires = "name", allow_negative_numbers = true, value_name = "CUSTID")]
    pub id: Option<i64>,

    /// Name of that customer (with --id).
    #[arg(long, requires = "id")]
    pub name: Option<String>,

    /// A message body, sent exactly as given (repeat for more).
    #[arg(long, value_name = "JSON")]
    pub body: Vec<String>,

    /// A file of messages: NDJSON, a JSON array, or CSV with a header CustID,Name (`-` is stdin).
    #[arg(long, short, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// The file's format [default: from its extension (.ndjson/.jsonl, .json, .csv); ndjson for stdin].
    #[arg(long, value_enum, requires = "file")]
    pub format: Option<FileFormatArg>,

    /// N synthetic customers with varied names from many languages.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub generate: Option<u64>,

    /// CustID of the first generated customer.
    #[arg(
        long,
        default_value_t = 1,
        requires = "generate",
        allow_negative_numbers = true,
        value_name = "K"
    )]
    pub start_id: i64,

    /// Seed of the generated names: the same seed gives the same customers.
    #[arg(long, default_value_t = 1, requires = "generate", value_name = "S")]
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormatArg {
    Ndjson,
    Json,
    Csv,
}

impl SourceArgs {
    /// The source as the domain code sees it.
    pub fn spec(&self) -> SourceSpec {
        if let (Some(id), Some(name)) = (self.id, &self.name) {
            return SourceSpec::Customer { id, name: name.clone() };
        }
        if !self.body.is_empty() {
            return SourceSpec::Bodies(self.body.clone());
        }
        if let Some(count) = self.generate {
            return SourceSpec::Generate {
                count,
                start_id: self.start_id,
                seed: self.seed,
            };
        }
        SourceSpec::File {
            // clap's group makes one source required, so this is --file.
            path: self.file.clone().unwrap_or_else(|| PathBuf::from("-")),
            format: self.format.map(|format| match format {
                FileFormatArg::Ndjson => FileFormat::Ndjson,
                FileFormatArg::Json => FileFormat::Json,
                FileFormatArg::Csv => FileFormat::Csv,
            }),
        }
    }
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Check every message and report what would be sent; send nothing (needs no AWS access).
    #[arg(long, help_heading = "Sending")]
    pub dry_run: bool,

    /// Send the valid messages and report the invalid ones (default: an invalid message stops the run before anything is sent).
    #[arg(long, help_heading = "Sending")]
    pub skip_invalid: bool,

    /// Skip the first N messages of the source (to resume an interrupted send).
    #[arg(long, default_value_t = 0, value_name = "N", help_heading = "Sending")]
    pub skip: u64,

    /// Batches of up to 10 messages in flight at once (FIFO queues: 1, to keep order).
    #[arg(long, default_value_t = 8, value_name = "N", help_heading = "Sending", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,

    /// MessageGroupId of every message (required for FIFO queues).
    #[arg(long, value_name = "ID", help_heading = "Sending")]
    pub group_id: Option<String>,

    /// MessageDeduplicationId (FIFO): `auto` hashes each message's location and body, so a re-run within 5 minutes is dropped by SQS; any other value is a fixed id for a single message.
    #[arg(long, value_name = "auto|ID", help_heading = "Sending")]
    pub dedup_id: Option<String>,

    /// Seconds before the messages become visible (standard queues only; 0 to 900).
    #[arg(long, value_name = "SECONDS", help_heading = "Sending", value_parser = clap::value_parser!(u32).range(0..=900))]
    pub delay_seconds: Option<u32>,
}

/// The clap command, for completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_definition_is_consistent() {
        super::command().debug_assert();
    }
}

/// `custctl invoke`: message bodies (or a whole event) in, each record's fate out.
#[derive(Debug, Args)]
pub struct InvokeArgs {
    /// The records' bodies, sent byte for byte even when invalid: the same sources as `send`.
    #[command(flatten)]
    pub source: SourceArgs,

    /// Send this event file as it is instead of building one (`-` reads stdin).
    #[arg(long, value_name = "FILE", group = "source")]
    pub event: Option<PathBuf>,

    /// Print the event on stdout and invoke nothing.
    #[arg(long)]
    pub event_only: bool,

    /// Invoke asynchronously (InvocationType Event): Lambda queues the event and answers 202.
    #[arg(long = "async", conflicts_with = "event_only")]
    pub asynchronous: bool,

    /// Invoke this version or alias of the function.
    #[arg(long, value_name = "QUALIFIER")]
    pub qualifier: Option<String>,

    /// Do not ask for or show the function's log tail.
    #[arg(long)]
    pub no_logs: bool,
}

/// `custctl logs`: the function's log group, as history or live.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// A log group to read instead of /aws/lambda/<function> (repeat to merge several in time order).
    #[arg(long = "log-group", value_name = "GROUP")]
    pub log_groups: Vec<String>,

    /// Start of the window: a duration back from now (10m, 2h, 1d) or a time (2026-11-23T04:00:00Z).
    #[arg(long, default_value = "10m", value_name = "WHEN")]
    pub since: String,

    /// End of the window (same forms as --since) [default: now].
    #[arg(long, value_name = "WHEN", conflicts_with = "follow")]
    pub until: Option<String>,

    /// A CloudWatch filter pattern, applied by the service: terms, "quoted phrases", ?alternatives, { $.level = "ERROR" }.
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,

    /// Only streams whose name starts with this (Lambda's look like 2026/11/23/[$LATEST]...).
    #[arg(long, value_name = "PREFIX")]
    pub stream_prefix: Option<String>,

    /// Keep printing new events as they are stored (StartLiveTail; polling where it is unavailable).
    #[arg(long, short)]
    pub follow: bool,

    /// With --follow: stop after this long without a new event (30s, 5m).
    #[arg(long, value_name = "DURATION", requires = "follow")]
    pub until_idle: Option<String>,

    /// With --follow: poll FilterLogEvents every second instead of using live tail.
    #[arg(long, requires = "follow")]
    pub poll: bool,

    /// How each event is printed [default: short; json with --output json].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<LogFormatArg>,

    /// Only this invocation's lines, START to REPORT.
    #[arg(long, value_name = "ID", conflicts_with_all = ["follow", "summary"])]
    pub request_id: Option<String>,

    /// Print each invocation's lines together once its REPORT has arrived.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub group_by: Option<GroupByArg>,

    /// Invocations, errors, timeouts, cold starts and duration p50/p95/max over the window.
    #[arg(long, conflicts_with = "follow")]
    pub summary: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormatArg {
    Short,
    Detailed,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupByArg {
    Request,
}

#[derive(Debug, Subcommand)]
pub enum LocalCommand {
    /// Start the local stack (foreground until Ctrl-C, or --detach).
    Up(UpArgs),
    /// Stop the local stack and every process it started.
    Down,
    /// Show whether the local stack runs, and what it serves.
    Status,
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Return once the stack is ready, leaving it running in the background.
    #[arg(long, short)]
    pub detach: bool,

    /// Port of the AWS-compatible endpoint on 127.0.0.1 [default: 4566].
    #[arg(long)]
    pub port: Option<u16>,

    /// Start from empty: delete the queues, logs and database of earlier runs.
    #[arg(long)]
    pub fresh: bool,

    /// The function binary [default: customer-ingest beside custctl].
    #[arg(long, env = "CUSTCTL_FUNCTION_BINARY", value_name = "PATH")]
    pub function_binary: Option<PathBuf>,

    /// The deploy template the stack is the twin of [default: examples/aws/template.yaml, built in].
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    /// The CloudFormation stack name the local endpoint answers DescribeStacks for.
    #[arg(long, default_value = "customers", value_name = "NAME")]
    pub stack_name: String,

    /// Records per batch of the event source mapping (above 10 needs --batch-window) [default: the template's].
    #[arg(long, value_name = "N")]
    pub batch_size: Option<u32>,

    /// MaximumBatchingWindowInSeconds of the event source mapping [default: the template's].
    #[arg(long, value_name = "SECONDS")]
    pub batch_window: Option<u32>,

    /// ScalingConfig.MaximumConcurrency: batches (and function instances) at once [default: the template's].
    #[arg(long, value_name = "N")]
    pub concurrency: Option<u32>,

    /// The function's timeout [default: the template's].
    #[arg(long, value_name = "SECONDS")]
    pub function_timeout: Option<u32>,

    /// The queue's visibility timeout (at least the function timeout, as AWS requires) [default: the template's].
    #[arg(long, value_name = "SECONDS")]
    pub visibility_timeout: Option<u32>,

    /// Receives before a message moves to the dead-letter queue [default: the template's].
    #[arg(long, value_name = "N")]
    pub max_receive_count: Option<u32>,

    /// How long a StartLiveTail session lasts before it ends with SessionTimeoutException
    /// (AWS: 3 hours; shorter to try a client's reconnects).
    #[arg(long, default_value_t = 10_800, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(1..))]
    pub live_tail_session_limit: u32,

    /// How long the endpoint waits for a client's request headers (on a new or idle connection)
    /// and between the pieces of a request body before it closes the connection.
    #[arg(long, default_value_t = 20, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(1..))]
    pub client_timeout: u32,
}

/// `custctl init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The CloudFormation stack deployed from examples/aws/template.yaml (the environment is
    /// named after it unless --env says otherwise).
    #[arg(long, value_name = "NAME")]
    pub stack: String,

    /// Read the Outputs from this file, the JSON of `aws cloudformation describe-stacks` (`-` is
    /// stdin), instead of calling DescribeStacks.
    #[arg(long, value_name = "FILE")]
    pub from_outputs: Option<PathBuf>,

    /// Print the [env.ENV] section that would be written; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `custctl status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Check again every SECONDS (default 5) until Ctrl-C, redrawing in place on a terminal.
    #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "5", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub watch: Option<u64>,

    /// The window of the function's metrics: a duration back from now (15m, 1h, 1d).
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub since: String,

    /// A message waiting longer than this (ApproximateAgeOfOldestMessage) is an error finding.
    #[arg(long, default_value = "15m", value_name = "DURATION")]
    pub max_message_age: String,
}

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// Show the messages in the DLQ without consuming them, each with the reason the function logged for it.
    Peek(DlqPeekArgs),
    /// Invoke the function with the DLQ's messages as the event source mapping would, and show each one's verdict (exit 1 if any failed).
    Replay(DlqReplayArgs),
    /// Write every message of the DLQ to a file as NDJSON, consuming none.
    Export(DlqExportArgs),
    /// Delete every message of the DLQ (PurgeQueue), once the queue's name is typed to confirm.
    Purge(DlqPurgeArgs),
    /// Move every message of the DLQ back to --queue (or to --to) with an SQS message move task, showing its progress.
    Redrive(DlqRedriveArgs),
}

/// `custctl dlq peek`.
#[derive(Debug, Args)]
pub struct DlqPeekArgs {
    /// Show at most N messages.
    #[arg(short = 'n', long = "count", default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub count: u32,
}

/// `custctl dlq replay`.
#[derive(Debug, Args)]
pub struct DlqReplayArgs {
    /// Replay at most N messages (in events of up to 10).
    #[arg(short = 'n', long = "count", default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub count: u32,

    /// Delete from the DLQ the messages the function took (default: delete nothing).
    #[arg(long)]
    pub delete_succeeded: bool,
}

/// `custctl dlq export`.
#[derive(Debug, Args)]
pub struct DlqExportArgs {
    /// The NDJSON file to write (`-` is stdout).
    #[arg(long, short, value_name = "FILE")]
    pub file: PathBuf,

    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `custctl dlq purge`.
#[derive(Debug, Args)]
pub struct DlqPurgeArgs {
    /// Purge without asking: the DLQ's name, typed here, confirms it (for scripts).
    #[arg(long, value_name = "QUEUE_NAME")]
    pub yes_i_mean_it: Option<String>,
}

/// `custctl dlq redrive`.
#[derive(Debug, Args)]
pub struct DlqRedriveArgs {
    /// Move the messages to this queue (name or URL) instead of --queue.
    #[arg(long, value_name = "NAME|URL")]
    pub to: Option<String>,

    /// Move at most N messages a second (1 to 500) [default: SQS picks the rate].
    #[arg(long, value_name = "N", value_parser = messages_per_second)]
    pub max_per_second: Option<u32>,
}

/// `--max-per-second`: SQS's MaxNumberOfMessagesPerSecond, checked here so that a bad value
/// is refused before any AWS call.
fn messages_per_second(text: &str) -> Result<u32, String> {
    let limit = custctl_rules::move_tasks::MAX_MESSAGES_PER_SECOND;
    match text.parse::<u32>() {
        Ok(n) if (1..=limit).contains(&n) => Ok(n),
        _ => Err(format!(
            "a move task moves 1 to {limit} messages a second (SQS's MaxNumberOfMessagesPerSecond)"
        )),
    }
}

/// `custctl trace`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("message").required(true).args(["id", "body"])))]
pub struct TraceArgs {
    /// CustID of the customer to send (with --name).
    #[arg(long, requires = "name", allow_negative_numbers = true, value_name = "CUSTID")]
    pub id: Option<i64>,

    /// Name of that customer (with --id).
    #[arg(long, requires = "id")]
    pub name: Option<String>,

    /// A message body (JSON), sent exactly as given, even one the schema refuses: a poison message is followed to the DLQ.
    #[arg(long, value_name = "JSON", conflicts_with = "id")]
    pub body: Option<String>,

    /// Stop following after this long (30s, 2m) and say where the message stalled.
    #[arg(long, default_value = "60s", value_name = "DURATION")]
    pub timeout: String,

    /// How to reach the database to read the row back.
    #[command(flatten)]
    pub connection: DbConnectionArgs,
}

/// `custctl db`.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// Wait (with a spinner) until the instance or cluster is available (needs --db-instance).
    #[arg(long)]
    pub wait: bool,

    /// Give up waiting after this many seconds.
    #[arg(long, default_value_t = 1800, value_name = "SECONDS", requires = "wait")]
    pub wait_timeout: u64,
}

/// `custctl sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// Run these statements (separated by `;`) and exit, instead of starting the REPL.
    #[arg(long, short = 'e', value_name = "SQL", conflicts_with = "file")]
    pub execute: Option<String>,

    /// Run the statements of this file (`-` is stdin) and exit.
    #[arg(long, short, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// How results are printed [default: table; json with --output json].
    #[arg(long, value_enum)]
    pub format: Option<SqlFormat>,

    /// How to reach the database.
    #[command(flatten)]
    pub connection: DbConnectionArgs,

    /// Allow writes (the session is read-only by default).
    #[arg(long)]
    pub write: bool,
}

/// How `custctl sql` (and `custctl trace`, to read the row back) reaches the database.
#[derive(Debug, Clone, Args)]
pub struct DbConnectionArgs {
    /// Reach the database through this SSH bastion [default: the config file's, or the local stack's].
    #[arg(
        long,
        env = "CUSTCTL_BASTION",
        value_name = "USER@HOST[:PORT]",
        help_heading = "Connection"
    )]
    pub bastion: Option<String>,

    /// The private key to log in to the bastion with (default: ssh's own choice: agent, ~/.ssh).
    #[arg(
        long,
        short = 'i',
        env = "CUSTCTL_IDENTITY",
        value_name = "FILE",
        help_heading = "Connection"
    )]
    pub identity: Option<PathBuf>,

    /// Connect to the database's endpoint directly, without a bastion.
    #[arg(long, conflicts_with_all = ["bastion", "identity"], help_heading = "Connection")]
    pub no_bastion: bool,

    /// Log in as this user (password from MYSQL_PWD or a prompt) instead of the master user secret.
    #[arg(long, value_name = "USER", help_heading = "Connection")]
    pub db_user: Option<String>,

    /// The database (schema) to use [default: the instance's database name].
    #[arg(long, value_name = "NAME", help_heading = "Connection")]
    pub database: Option<String>,

    /// TLS to the database: disabled, required (encrypted, nothing verified), verify-ca (the
    /// certificate chains to --ssl-ca), verify-identity (that, and it names the endpoint)
    /// [default: verify-identity for *.rds.amazonaws.com or with a CA bundle given, disabled for
    /// loopback, required for any other host].
    #[arg(
        long,
        env = "CUSTCTL_SSL_MODE",
        value_enum,
        value_name = "MODE",
        help_heading = "Connection"
    )]
    pub ssl_mode: Option<SslMode>,

    /// The only CA bundle (PEM) trusted to sign the server's certificate [default:
    /// ~/.config/custctl/global-bundle.pem; RDS publishes it at
    /// https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem].
    #[arg(long, env = "CUSTCTL_SSL_CA", value_name = "FILE", help_heading = "Connection")]
    pub ssl_ca: Option<PathBuf>,
}

/// What TLS `custctl sql` demands of the database server (the names are MySQL's `--ssl-mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    /// No TLS.
    Disabled,
    /// TLS, with any certificate.
    Required,
    /// TLS, with a certificate that chains to the CA bundle; any name.
    VerifyCa,
    /// TLS, with a certificate that chains to the CA bundle and names the endpoint.
    VerifyIdentity,
}

impl std::fmt::Display for SslMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.to_possible_value().expect("no SslMode is skipped");
        f.write_str(name.get_name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SqlFormat {
    Table,
    Vertical,
    Csv,
    Tsv,
    Json,
}
