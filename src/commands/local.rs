//! `custctl local up | down | status`: run, stop and inspect the local stack.

use crate::cli::{GlobalArgs, LocalCommand, UpArgs};
use crate::error::InputError;
use crate::output::{self, Render};
use anyhow::{Context, Result};
use custctl_local::bastion::BastionServer;
use custctl_local::lambda::esm::{MappingEvent, MappingSettings};
use custctl_local::sqs::models::QueueEvent;
use custctl_local::stack::{self, Stack, StackInfo, StackSettings};
use custctl_platform::signal_pid;
use custctl_rules::template::{PipelineSettings, Template, PROJECT_TEMPLATE};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

pub fn run(global: &GlobalArgs, command: LocalCommand) -> Result<ExitCode> {
    let state_dir = global
        .state_dir
        .clone()
        .unwrap_or_else(crate::config::default_state_dir);
    match command {
        LocalCommand::Up(args) => up(global, &state_dir, &args),
        LocalCommand::Down => down(global, &state_dir),
        LocalCommand::Status => status(global, &state_dir),
    }
}

/// The template `up` is the twin of: `--template FILE`, else the project's own.
fn read_template(args: &UpArgs) -> Result<(Template, PipelineSettings)> {
    let (source, text) = match &args.template {
        Some(path) => (
            format!("--template {}", path.display()),
            std::fs::read_to_string(path).map_err(|e| InputError(format!("--template {}: {e}", path.display())))?,
        ),
        None => ("the built-in template".to_string(), PROJECT_TEMPLATE.to_string()),
    };
    let template =
        Template::parse(&text, stack::REGION, &args.stack_name).map_err(|e| InputError(format!("{source}: {e}")))?;
    let pipeline = template.pipeline().map_err(|e| InputError(format!("{source}: {e}")))?;
    Ok((template, pipeline))
}

/// Says on stderr what of the template the stack cannot honour, and where its settings stray
/// from AWS's advice.
fn report_template_gaps(settings: &StackSettings) {
    for note in &settings.pipeline.not_honoured {
        eprintln!("custctl: template: {note}");
    }
    if settings
        .pipeline
        .environment
        .iter()
        .any(|(name, _)| name == custctl_local::twin::TLS_CA_VARIABLE)
    {
        eprintln!(
            "custctl: template: {}: not set locally: MariaDB on loopback speaks plain TCP (the function requires TLS only off loopback)",
            custctl_local::twin::TLS_CA_VARIABLE
        );
    }
    // AWS: "set the source queue's visibility timeout to at least six times the timeout that
    // you configure on your function" (Lambda Developer Guide, services-sqs-configure), plus
    // the batching window, during which received messages are already invisible.
    let function_timeout = settings.function_timeout.as_secs();
    let advised = 6 * function_timeout + u64::from(settings.mapping.batching_window_secs);
    if u64::from(settings.visibility_timeout) < advised {
        eprintln!(
            "custctl: note: the visibility timeout ({} s) is below AWS's advice of 6 x the function timeout + the batching window ({advised} s); a throttled batch may be received twice",
            settings.visibility_timeout
        );
    }
}

/// The endpoint's port when `--port` is not given (LocalStack's, so tools configured for it work).
const DEFAULT_PORT: u16 = 4566;

fn settings_from(state_dir: &Path, args: &UpArgs) -> Result<StackSettings> {
    let function_binary = match &args.function_binary {
        Some(path) if path.is_file() => path.clone(),
        Some(path) => return Err(InputError(format!("--function-binary {}: no such file", path.display())).into()),
        None => stack::default_function_binary().ok_or_else(|| {
            InputError(format!(
                "the function binary `{}` is not beside custctl; build it with `cargo build --release -p customer-ingest`, or name it with --function-binary",
                stack::FUNCTION_BINARY
            ))
        })?,
    };
    let (template, pipeline) = read_template(args)?;
    // The template's VisibilityTimeout, else SQS's default (30 s).
    let template_visibility = match pipeline.queue_attributes.get("VisibilityTimeout") {
        Some(text) => text.parse().map_err(|_| {
            InputError(format!(
                "the template's VisibilityTimeout `{text}` is not a number of seconds"
            ))
        })?,
        None => 30,
    };
    Ok(StackSettings {
        state_dir: state_dir.to_path_buf(),
        port: args.port.unwrap_or(DEFAULT_PORT),
        fresh: args.fresh,
        function_binary,
        mapping: MappingSettings {
            batch_size: args.batch_size.unwrap_or(pipeline.batch_size),
            batching_window_secs: args.batch_window.unwrap_or(pipeline.batching_window),
            maximum_concurrency: args.concurrency.unwrap_or(pipeline.maximum_concurrency),
            report_batch_item_failures: pipeline.report_batch_item_failures,
            ..MappingSettings::default()
        },
        function_timeout: Duration::from_secs(args.function_timeout.unwrap_or(pipeline.function_timeout).into()),
        visibility_timeout: args.visibility_timeout.unwrap_or(template_visibility),
        max_receive_count: args.max_receive_count.unwrap_or(pipeline.max_receive_count),
        live_tail_session_limit: Duration::from_secs(args.live_tail_session_limit.into()),
        client_timeout: Duration::from_secs(args.client_timeout.into()),
        template,
        pipeline,
        stack_name: args.stack_name.clone(),
        // The function's own table definition, so that the database can be queried before the
        // function's first cold start (which creates it too, against real RDS).
        database_schema: vec![customer_ingest::store::CREATE_TABLE_SQL.to_string()],
    })
}

fn up(global: &GlobalArgs, state_dir: &Path, args: &UpArgs) -> Result<ExitCode> {
    // Private: it holds the database password, the bastion's keys and MariaDB's socket.
    custctl_local::mariadb::make_private_dir(state_dir).with_context(|| {
        format!(
            "creating the state dir {} with mode 0700 (see --state-dir)",
            state_dir.display()
        )
    })?;
    if let Some(info) = StackInfo::read_running(state_dir) {
        // An explicit --port that the running stack does not listen on cannot be honoured
        // without stopping it; saying "it runs" would leave the user on the wrong port.
        if let Some(wanted) = args.port.filter(|wanted| info.port() != Some(*wanted)) {
            return Err(InputError(format!(
                "a local stack already runs in {} at {} (pid {}), not on --port {wanted}; use that endpoint, or run `custctl local down` first (or give another --state-dir) to start one on port {wanted}",
                state_dir.display(),
                info.endpoint,
                info.pid
            ))
            .into());
        }
        if !global.quiet {
            eprintln!(
                "custctl: the local stack already runs at {} (pid {})",
                info.endpoint, info.pid
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let settings = settings_from(state_dir, args)?;
    if !global.quiet {
        report_template_gaps(&settings);
    }
    let mapping_check = settings.mapping.validate(false);
    if let Err(e) = mapping_check {
        return Err(InputError(format!(
            "{} (see --batch-size, --batch-window, --concurrency)",
            e.message
        ))
        .into());
    }
    if let Err(e) =
        custctl_local::lambda::esm::check_visibility_timeout(settings.visibility_timeout, settings.function_timeout)
    {
        return Err(InputError(format!(
            "{} (raise --visibility-timeout or lower --function-timeout)",
            e.message
        ))
        .into());
    }
    if args.detach {
        return detach(global, state_dir, args);
    }
    if args.fresh {
        for stale in [
            "mariadb",
            "state",
            "mariadb.port",
            "db-password",
            "stack.json",
            "bastion",
        ] {
            let path = state_dir.join(stale);
            let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
        }
    }
    let db = stack::SupervisedDatabase::start(&settings)?;
    // Started from this thread, which lives as long as the stack: the parent-death signal
    // stops sshd with it. PermitOpen names the database's port of this run.
    let bastion = BastionServer::start(state_dir, db.port).context("starting the bastion (sshd)")?;
    let runtime = tokio::runtime::Runtime::new()?;
    let result = runtime.block_on(serve(global, &settings, &db, &bastion));
    runtime.shutdown_timeout(Duration::from_secs(2));
    drop(bastion);
    drop(db);
    let _ = std::fs::remove_file(StackInfo::path(state_dir));
    result.map(|()| ExitCode::SUCCESS)
}

async fn serve(
    global: &GlobalArgs,
    settings: &StackSettings,
    db: &stack::SupervisedDatabase,
    bastion: &BastionServer,
) -> Result<()> {
    let stack = Stack::start(settings, db, Some(bastion)).await?;
    let info_path = StackInfo::path(&settings.state_dir);
    let temporary = settings.state_dir.join(".stack.json.tmp");
    std::fs::write(&temporary, serde_json::to_string_pretty(&stack.info)?)?;
    std::fs::rename(&temporary, &info_path)?;
    if !global.quiet {
        // Started by `up --detach`, the stack has no terminal (stdin is /dev/null) and Ctrl-C
        // cannot reach it: its log, stack.log, names what does stop it.
        let stop = if std::io::stdin().is_terminal() {
            "Ctrl-C stops it"
        } else {
            "`custctl local down` stops it"
        };
        eprintln!(
            "custctl: local stack ready at {} (queue {}, function {}, MariaDB on 127.0.0.1:{}, bastion on 127.0.0.1:{}); {stop}",
            stack.info.endpoint,
            settings.pipeline.queue_name,
            settings.pipeline.function_name,
            stack.info.db_port,
            bastion.port
        );
    }
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut queue_events = stack.sqs.subscribe();
    let mut mapping_events = stack.lambda.mappings().first().map(|m| m.subscribe());
    let mut save_every = tokio::time::interval(Duration::from_secs(10));
    let mut out = std::io::stdout();
    let mut print = |line: String| {
        if !global.quiet {
            // The live view is best effort: a closed stdout must not stop the stack.
            let _ = writeln!(out, "{} {line}", chrono::Utc::now().format("%H:%M:%S%.3f"));
        }
    };
    // The lines of what the services published, by publishing order; see `drain`.
    let mut pending: Vec<(u64, Vec<String>)> = Vec::new();
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = terminate.recv() => break,
            _ = save_every.tick() => {
                if let Err(e) = stack.save_state() {
                    eprintln!("custctl: could not save the stack's state: {e:#}");
                }
            }
            event = queue_events.recv() => match event {
                Ok(stamped) => pending.push((stamped.order, vec![describe_queue_event(&stamped.event)])),
                Err(RecvError::Lagged(n)) => print(format!("({n} queue events not shown: the output fell behind)")),
                Err(RecvError::Closed) => break,
            },
            event = async { match mapping_events.as_mut() { Some(rx) => rx.recv().await, None => std::future::pending().await } } => match event {
                Ok(stamped) => pending.push((stamped.order, describe_mapping_event(&stamped.event))),
                Err(RecvError::Lagged(n)) => print(format!("({n} invocation events not shown: the output fell behind)")),
                Err(RecvError::Closed) => mapping_events = None,
            },
        }
        // A message's lines come from two channels (the queue's "received" and "deleted", the
        // mapping's "invoked"), each in order by itself. Everything either has published by
        // now is taken and printed in publishing order: a line published earlier is always
        // already in its channel, so none is printed after one that happened later.
        drain(&mut queue_events, &mut pending, |event| {
            vec![describe_queue_event(event)]
        });
        if let Some(rx) = mapping_events.as_mut() {
            drain(rx, &mut pending, describe_mapping_event);
        }
        pending.sort_by_key(|(order, _)| *order);
        for line in pending.drain(..).flat_map(|(_, lines)| lines) {
            print(line);
        }
    }
    if !global.quiet {
        eprintln!("custctl: stopping the local stack");
    }
    stack.shut_down()
}

/// Takes what `events` holds now into `pending`, described; a lag is said in its place.
fn drain<E: Clone>(
    events: &mut tokio::sync::broadcast::Receiver<custctl_local::Stamped<E>>,
    pending: &mut Vec<(u64, Vec<String>)>,
    describe: impl Fn(&E) -> Vec<String>,
) {
    loop {
        match events.try_recv() {
            Ok(stamped) => pending.push((stamped.order, describe(&stamped.event))),
            Err(TryRecvError::Lagged(n)) => {
                pending.push((0, vec![format!("({n} events not shown: the output fell behind)")]));
            }
            Err(_) => return,
        }
    }
}

/// The first 8 characters (by character: an id read back from a state file is not trusted to be ASCII).
fn short(id: &str) -> &str {
    id.char_indices().nth(8).map_or(id, |(end, _)| &id[..end])
}

fn describe_queue_event(event: &QueueEvent) -> String {
    match event {
        QueueEvent::Sent { queue, message_id } => format!("{}  sent to {queue}", short(message_id)),
        QueueEvent::Received {
            queue,
            message_id,
            receive_count,
        } => {
            format!("{}  received from {queue} (receive {receive_count})", short(message_id))
        }
        QueueEvent::Deleted { queue, message_id } => format!("{}  deleted from {queue}", short(message_id)),
        QueueEvent::VisibilityExpired { queue, message_id } => {
            format!("{}  visible again in {queue}", short(message_id))
        }
        QueueEvent::MovedToDeadLetterQueue { from, to, message_id } => {
            format!("{}  moved from {from} to {to}", short(message_id))
        }
    }
}

fn describe_mapping_event(event: &MappingEvent) -> Vec<String> {
    match event {
        MappingEvent::Invoked {
            request_id,
            message_ids,
            cold_start,
            function_error,
        } => {
            let how = match (cold_start, function_error) {
                (_, Some(error)) => format!(" (function error {error})"),
                (true, None) => " (cold start)".to_string(),
                (false, None) => String::new(),
            };
            message_ids
                .iter()
                .map(|id| format!("{}  invoked in request {request_id}{how}", short(id)))
                .collect()
        }
        MappingEvent::Deleted { .. } => Vec::new(),
        MappingEvent::Problem { reason } => vec![format!("event source mapping: {reason}")],
        MappingEvent::WillRetry { message_id, reason, .. } => {
            vec![format!(
                "{}  will be retried after the visibility timeout: {reason}",
                short(message_id)
            )]
        }
    }
}

/// Starts `custctl local up` in the background and waits until it is ready.
fn detach(global: &GlobalArgs, state_dir: &Path, args: &UpArgs) -> Result<ExitCode> {
    let log_path = state_dir.join("stack.log");
    let log = std::fs::OpenOptions::new().create(true).append(true).open(&log_path)?;
    // The log keeps earlier runs: a failure shows only what this run wrote.
    let this_run_from = log.metadata()?.len();
    let exe = std::env::current_exe()?;
    let mut command = std::process::Command::new(exe);
    command
        .args(["local", "up"])
        .arg("--state-dir")
        .arg(state_dir)
        .args(["--stack-name", &args.stack_name])
        .args(["--live-tail-session-limit", &args.live_tail_session_limit.to_string()])
        .args(["--client-timeout", &args.client_timeout.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    if args.fresh {
        command.arg("--fresh");
    }
    if let Some(port) = args.port {
        command.args(["--port", &port.to_string()]);
    }
    if let Some(binary) = &args.function_binary {
        command.arg("--function-binary").arg(binary);
    }
    if let Some(template) = &args.template {
        // The child runs in this directory too, but an absolute path says exactly which file.
        command.arg("--template").arg(std::path::absolute(template)?);
    }
    // Only what was given: the rest comes from the template, as it does here.
    for (flag, value) in [
        ("--batch-size", args.batch_size),
        ("--batch-window", args.batch_window),
        ("--concurrency", args.concurrency),
        ("--function-timeout", args.function_timeout),
        ("--visibility-timeout", args.visibility_timeout),
        ("--max-receive-count", args.max_receive_count),
    ] {
        if let Some(value) = value {
            command.args([flag, &value.to_string()]);
        }
    }
    // A Ctrl-C meant for this shell must not stop the stack.
    custctl_platform::detach_from_terminal(&mut command);
    let mut child = command.spawn().context("starting the background stack")?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(info) = StackInfo::read_running(state_dir).filter(|i| i.pid == child.id()) {
            if !global.quiet {
                eprintln!(
                    "custctl: local stack ready at {} (pid {}; log in {})",
                    info.endpoint,
                    info.pid,
                    log_path.display()
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        if let Some(status) = child.try_wait()? {
            let log = std::fs::read(&log_path).unwrap_or_default();
            let this_run = String::from_utf8_lossy(log.get(this_run_from as usize..).unwrap_or_default());
            let lines: Vec<&str> = this_run.lines().collect();
            let tail = &lines[lines.len().saturating_sub(20)..];
            anyhow::bail!(
                "the local stack exited ({status}) before it was ready:\n{}",
                tail.join("\n")
            );
        }
        if Instant::now() > deadline {
            signal_pid(child.id(), Duration::from_secs(5));
            anyhow::bail!("the local stack was not ready after 120 s; see {}", log_path.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn down(global: &GlobalArgs, state_dir: &Path) -> Result<ExitCode> {
    let Some(info) = StackInfo::read_running(state_dir) else {
        if !global.quiet {
            eprintln!("custctl: no local stack runs in {}", state_dir.display());
        }
        let _ = std::fs::remove_file(StackInfo::path(state_dir));
        return Ok(ExitCode::SUCCESS);
    };
    // `read_running` has just checked that the pid is the stack (by its start time, or in an
    // older record by its name).
    match info.pid_start.as_deref() {
        Some(start) => custctl_platform::signal_process(info.pid, start, Duration::from_secs(30)),
        None => signal_pid(info.pid, Duration::from_secs(30)),
    }
    // The stack stops MariaDB and sshd itself; should it have died without doing so, do it here.
    stop(
        info.db_pid,
        info.db_pid_start.as_deref(),
        "mariadbd",
        Duration::from_secs(10),
    );
    if let Some(bastion) = info.bastion.as_ref() {
        stop(
            bastion.pid,
            bastion.pid_start.as_deref(),
            "sshd",
            Duration::from_secs(5),
        );
    }
    let _ = std::fs::remove_file(StackInfo::path(state_dir));
    if !global.quiet {
        eprintln!("custctl: local stack stopped (was pid {})", info.pid);
    }
    Ok(ExitCode::SUCCESS)
}

/// Stops the process a stack record names, only if the pid still names it: the one that
/// started at `start`, or, in a record from an older custctl without start times, at least a
/// process named `program`.
fn stop(pid: u32, start: Option<&str>, program: &str, grace: Duration) {
    match start {
        Some(start) => custctl_platform::signal_process(pid, start, grace),
        None if custctl_platform::process_name(pid).is_some_and(|name| name == program) => signal_pid(pid, grace),
        None => {}
    }
}

/// `custctl local status`.
#[derive(Debug, Serialize)]
struct StackStatus {
    running: bool,
    /// Said here only when no stack runs: a running stack's record has its own `state_dir`,
    /// and one JSON object must not name a key twice.
    #[serde(skip_serializing_if = "Option::is_none")]
    state_dir: Option<PathBuf>,
    #[serde(flatten)]
    info: Option<StackInfo>,
}

impl Render for StackStatus {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut rows = vec![
            vec![
                "state".to_string(),
                if self.running { "running" } else { "stopped" }.to_string(),
            ],
            vec![
                "state dir".to_string(),
                self.state_dir
                    .as_deref()
                    .or(self.info.as_ref().map(|i| i.state_dir.as_path()))
                    .map(|dir| dir.display().to_string())
                    .unwrap_or_default(),
            ],
        ];
        if let Some(i) = &self.info {
            rows.extend(
                [
                    ("pid", i.pid.to_string()),
                    ("endpoint", i.endpoint.clone()),
                    ("stack name", i.stack_name.clone()),
                    ("region", i.region.clone()),
                    ("queue", i.queue_url.clone()),
                    ("dead-letter queue", i.dead_letter_queue_url.clone()),
                    ("function", i.function.clone()),
                    ("log group", i.log_group.clone()),
                    ("db instance", format!("{} (127.0.0.1:{})", i.db_instance, i.db_port)),
                    ("db secret", i.db_secret_arn.clone()),
                    (
                        "bastion",
                        i.bastion.as_ref().map_or_else(
                            || "none".to_string(),
                            |b| format!("{}@{}:{} (key {})", b.user, b.host, b.port, b.identity.display()),
                        ),
                    ),
                    ("started", i.started_at.clone()),
                ]
                .map(|(k, v)| vec![k.to_string(), v]),
            );
        }
        (Vec::new(), rows)
    }
}

fn status(global: &GlobalArgs, state_dir: &Path) -> Result<ExitCode> {
    let info = StackInfo::read_running(state_dir);
    let status = StackStatus {
        running: info.is_some(),
        state_dir: info.is_none().then(|| state_dir.to_path_buf()),
        info,
    };
    output::print(global.output, &status)?;
    Ok(if status.running {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
