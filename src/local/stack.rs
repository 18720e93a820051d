//! The running local stack: MariaDB, the services behind one endpoint, the function and its
//! event source mapping, all wired together, with state kept in the state dir across runs.
//!
//! `stack.json` in the state dir says that a stack runs, where, and under which pid; the
//! other verbs (`--local`) read it to find the endpoint and the pipeline's names.

use super::bastion::BastionServer;
use super::cloudformation::{CloudFormationService, StackRecord};
use super::cloudwatch::CloudWatchService;
use super::gateway::Gateway;
use super::lambda::api::LambdaService;
use super::lambda::esm::{check_visibility_timeout, MappingSettings, QueueMessage, QueueSource};
use super::lambda::{CodeSha256, FunctionConfig, LambdaFunction, LogSink};
use super::logs::LogsService;
use super::mariadb::MariaDbServer;
use super::rds::{DbInstanceSpec, RdsService};
use super::secrets::SecretsService;
use super::sqs::SqsService;
use super::twin::LocalResources;
use super::wire::{AwsError, JsonProtocol, ServiceFuture};
use anyhow::{bail, Context, Result};
use custctl_rules::template::{PipelineSettings, Template};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The local stack's region. The pipeline's names (queue, function, database...) come from
/// the deploy template ([`StackSettings::pipeline`]), as the deployed stack's do.
pub const REGION: &str = "us-east-1";
/// The user the function and `custctl sql` log in to MariaDB as.
pub const DB_USER: &str = "ingest";
/// The function's executable, as cargo builds it.
pub const FUNCTION_BINARY: &str = "customer-ingest";

/// How the stack should run.
#[derive(Debug, Clone)]
pub struct StackSettings {
    pub state_dir: PathBuf,
    pub port: u16,
    pub fresh: bool,
    pub function_binary: PathBuf,
    pub mapping: MappingSettings,
    pub function_timeout: Duration,
    pub visibility_timeout: u32,
    pub max_receive_count: u32,
    /// How long a StartLiveTail session lasts (AWS: 3 hours).
    pub live_tail_session_limit: Duration,
    /// How long the endpoint waits on a client that sends nothing (see `gateway::serve`).
    pub client_timeout: Duration,
    /// The deploy template the stack is the twin of, and what it says about the pipeline
    /// (`mapping`, the timeouts and `max_receive_count` above are its values after the flags).
    pub template: Template,
    pub pipeline: PipelineSettings,
    /// The name the local CloudFormation answers DescribeStacks for.
    pub stack_name: String,
    /// Statements that create the tables the function writes (`CREATE TABLE IF NOT EXISTS`),
    /// run whenever the database is created or started, so that the database can be queried
    /// before the function's first cold start.
    pub database_schema: Vec<String>,
}

/// What `stack.json` records about a running stack.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StackInfo {
    pub pid: u32,
    /// When `pid` started (`custctl_platform::process_start_token`): after a crash the pid may
    /// be reused by an unrelated process, which this tells apart.
    #[serde(default)]
    pub pid_start: Option<String>,
    pub endpoint: String,
    pub region: String,
    pub queue_url: String,
    pub dead_letter_queue_url: String,
    pub function: String,
    pub log_group: String,
    pub db_instance: String,
    pub db_port: u16,
    pub db_pid: u32,
    /// When `db_pid` started, for the same reason as `pid_start`: `local down` stops MariaDB
    /// itself should the stack have died without doing so, and must not hit another process
    /// (another stack's MariaDB among them) that got the pid since.
    #[serde(default)]
    pub db_pid_start: Option<String>,
    pub db_secret_arn: String,
    /// The bastion (sshd) in front of the database, and what a client needs to log in to it.
    /// Boxed: it would make `StackInfo` (and `config::Target`) large for every verb.
    #[serde(default)]
    pub bastion: Option<Box<BastionInfo>>,
    pub state_dir: PathBuf,
    pub started_at: String,
    /// The CloudFormation stack the local endpoint describes.
    #[serde(default)]
    pub stack_name: String,
}

impl StackInfo {
    /// The endpoint's port (`http://127.0.0.1:PORT`).
    pub fn port(&self) -> Option<u16> {
        self.endpoint.rsplit_once(':')?.1.trim_end_matches('/').parse().ok()
    }

    pub fn path(state_dir: &Path) -> PathBuf {
        state_dir.join("stack.json")
    }

    /// The recorded stack, if its process still runs.
    pub fn read_running(state_dir: &Path) -> Option<StackInfo> {
        let text = std::fs::read_to_string(Self::path(state_dir)).ok()?;
        let info: StackInfo = serde_json::from_str(&text).ok()?;
        info.still_runs().then_some(info)
    }

    /// Whether `pid` is still the stack that wrote this record, not a process that got its pid
    /// after the stack crashed: the pid's start time must be the recorded one (a record
    /// without it, from an older custctl, must at least name a running `custctl`).
    pub fn still_runs(&self) -> bool {
        if !custctl_platform::process_alive(self.pid) {
            return false;
        }
        match &self.pid_start {
            Some(recorded) => custctl_platform::is_process(self.pid, recorded),
            None => custctl_platform::process_name(self.pid).is_some_and(|name| name.starts_with("custctl")),
        }
    }
}

/// Where the local bastion listens and how to log in: `ssh -i key -p port user@host`, trusting
/// the host key in `known_hosts`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BastionInfo {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub identity: PathBuf,
    pub known_hosts: PathBuf,
    pub log: PathBuf,
    pub pid: u32,
    /// When `pid` started (see [`StackInfo::db_pid_start`]).
    #[serde(default)]
    pub pid_start: Option<String>,
}

impl BastionInfo {
    pub fn of(server: &BastionServer) -> BastionInfo {
        BastionInfo {
            host: "127.0.0.1".into(),
            port: server.port,
            user: server.user.clone(),
            identity: server.files.client_key(),
            known_hosts: server.files.known_hosts(),
            log: server.files.log(),
            pid: server.pid(),
            pid_start: custctl_platform::process_start_token(server.pid()),
        }
    }
}

/// The function binary beside the running custctl (cargo puts both in one target dir).
pub fn default_function_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    // Tests and examples run from target/<profile>/deps or examples; the binary is one up.
    [dir.join(FUNCTION_BINARY), dir.parent()?.join(FUNCTION_BINARY)]
        .into_iter()
        .find(|p| p.is_file())
}

/// The endpoint's routes: each service the stack speaks for, by protocol. One function, so that
/// the conformance test (src/local/tests/it/conformance.rs) serves exactly what the stack serves.
#[allow(clippy::too_many_arguments)]
pub fn gateway(
    sqs: &Arc<SqsService>,
    cloudwatch: &Arc<CloudWatchService>,
    logs: &Arc<LogsService>,
    secrets: &Arc<SecretsService>,
    rds: Arc<RdsService>,
    lambda: &Arc<LambdaService>,
    cloudformation: Option<Arc<CloudFormationService>>,
    port: u16,
) -> axum::Router {
    let mut gateway = Gateway::new()
        .json_service(SqsService::TARGET_PREFIX, SqsService::PROTOCOL, sqs.clone())
        .json_service(
            super::cloudwatch::TARGET_PREFIX,
            super::cloudwatch::PROTOCOL,
            cloudwatch.clone(),
        )
        .cbor_service(
            super::cloudwatch::TARGET_PREFIX,
            cloudwatch.clone(),
            super::cloudwatch::TIMESTAMP_MEMBERS,
        )
        .json_service(super::logs::TARGET_PREFIX, super::logs::PROTOCOL, logs.clone())
        .streaming_operation(super::logs::LIVE_TAIL_TARGET, logs.clone())
        .json_service(super::secrets::TARGET_PREFIX, JsonProtocol::V1_1, secrets.clone())
        .query_service(super::rds::API_VERSION, rds);
    if let Some(cloudformation) = cloudformation {
        gateway = gateway.query_service(super::cloudformation::API_VERSION, cloudformation);
    }
    gateway.rest(lambda.router()).into_router(port)
}

/// SQS as the event source mapping reads it.
pub fn queue_source(sqs: Arc<SqsService>) -> Arc<dyn QueueSource> {
    Arc::new(SqsQueueSource(sqs))
}

/// The queue service as the event source mapping sees it.
struct SqsQueueSource(Arc<SqsService>);

impl QueueSource for SqsQueueSource {
    fn receive<'a>(&'a self, queue_name: &'a str, max: usize, wait: Duration) -> ServiceFuture<'a, Vec<QueueMessage>> {
        Box::pin(async move {
            let received = self.0.receive_batch(queue_name, max, None, wait).await?;
            Ok(received
                .into_iter()
                .map(|m| QueueMessage {
                    message_id: m.message_id,
                    receipt_handle: m.receipt_handle,
                    body: m.body,
                    md5_of_body: m.md5_of_body,
                    attributes: m.attributes.into_iter().collect(),
                    message_attributes: m.message_attributes,
                })
                .collect())
        })
    }

    fn delete(&self, queue_name: &str, receipt_handle: &str) -> Result<(), AwsError> {
        self.0.delete(queue_name, receipt_handle)
    }

    fn release(&self, queue_name: &str, receipt_handle: &str) -> Result<(), AwsError> {
        self.0.change_visibility(queue_name, receipt_handle, 0)
    }

    fn visibility_timeout(&self, queue_name: &str) -> Option<u32> {
        self.0.visibility_timeout(queue_name)
    }
}

impl LogSink for LogsService {
    fn ensure_stream(&self, group: &str, stream: &str) {
        self.append(group, stream, Vec::new());
    }

    fn append(&self, group: &str, stream: &str, events: Vec<(i64, String)>) {
        LogsService::append(self, group, stream, events);
    }
}

/// The services of a running stack.
pub struct Stack {
    pub info: StackInfo,
    pub sqs: Arc<SqsService>,
    pub cloudwatch: Arc<CloudWatchService>,
    pub logs: Arc<LogsService>,
    pub secrets: Arc<SecretsService>,
    pub lambda: Arc<LambdaService>,
    pub function: Arc<LambdaFunction>,
    state_dir: PathBuf,
    server: tokio::task::JoinHandle<()>,
    metrics_sampler: tokio::task::JoinHandle<()>,
}

/// The database password, generated once and kept (mode 0600) in the state dir.
fn database_password(state_dir: &Path) -> Result<String> {
    let path = state_dir.join("db-password");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if !existing.trim().is_empty() {
            return Ok(existing.trim().to_string());
        }
    }
    let password: String = {
        use rand::Rng;
        let mut rng = rand::rng();
        (0..24).map(|_| rng.sample(rand::distr::Alphanumeric) as char).collect()
    };
    write_private(&path, &password)?;
    Ok(password)
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// MariaDB, kept running for the life of the stack: a thread owns the server and starts it
/// again if it dies (as RDS would after a failure), on the same port and data.
pub struct SupervisedDatabase {
    pub port: u16,
    pub password: String,
    pid: Arc<std::sync::atomic::AtomicU32>,
    stop: std::sync::mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SupervisedDatabase {
    /// Starts the server and its supervisor; returns once the database is ready.
    pub fn start(settings: &StackSettings) -> Result<Self> {
        let dir = settings.state_dir.join("mariadb");
        let port_file = settings.state_dir.join("mariadb.port");
        // Keep the same port across runs, so that endpoints people copied stay valid.
        let port = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|p| p.trim().parse().ok())
            .filter(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
            .map_or_else(custctl_platform::free_loopback_port, Ok)?;
        let password = database_password(&settings.state_dir)?;
        let pid = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<()>>();
        let (stop, stop_rx) = std::sync::mpsc::channel::<()>();
        let thread_pid = pid.clone();
        let thread_password = password.clone();
        let database = settings.pipeline.database_name.clone();
        let schema = settings.database_schema.clone();
        // The server is tied (parent-death signal) to this thread, which lives as long as the stack.
        let thread = std::thread::Builder::new()
            .name("mariadb-supervisor".into())
            .spawn(move || {
                let start = || -> Result<MariaDbServer> {
                    let server = MariaDbServer::start(&dir, port).context("starting MariaDB")?;
                    server
                        .admin()
                        .ensure_database(&database, DB_USER, &thread_password)
                        .with_context(|| format!("creating the {database} database"))?;
                    server
                        .admin()
                        .create_schema(&database, &schema)
                        .with_context(|| format!("creating the tables of the {database} database"))?;
                    thread_pid.store(server.pid().unwrap_or(0), std::sync::atomic::Ordering::SeqCst);
                    Ok(server)
                };
                let mut server = match start() {
                    Ok(server) => {
                        let _ = ready_tx.send(Ok(()));
                        server
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                loop {
                    match stop_rx.recv_timeout(Duration::from_millis(200)) {
                        Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    }
                    if server.has_exited() {
                        eprintln!("custctl: MariaDB exited unexpectedly; starting it again on port {port}");
                        match start() {
                            Ok(restarted) => server = restarted,
                            Err(e) => eprintln!("custctl: MariaDB did not start again ({e:#}); retrying"),
                        }
                    }
                }
            })?;
        ready_rx
            .recv()
            .context("the MariaDB supervisor ended before MariaDB was ready")??;
        std::fs::write(&port_file, port.to_string())?;
        Ok(SupervisedDatabase {
            port,
            password,
            pid,
            stop,
            thread: Some(thread),
        })
    }

    /// The server's current pid (it changes when the server is restarted).
    pub fn pid(&self) -> u32 {
        self.pid.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for SupervisedDatabase {
    fn drop(&mut self) {
        let _ = self.stop.send(());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Stack {
    /// Starts every service and the endpoint. MariaDB (and the bastion) must already run.
    pub async fn start(
        settings: &StackSettings,
        db: &SupervisedDatabase,
        bastion: Option<&BastionServer>,
    ) -> Result<Stack> {
        check_visibility_timeout(settings.visibility_timeout, settings.function_timeout)
            .map_err(|e| anyhow::anyhow!("{} (raise --visibility-timeout or lower --function-timeout)", e.message))?;
        settings
            .mapping
            .validate(false)
            .map_err(|e| anyhow::anyhow!("{} (see --batch-size, --batch-window, --concurrency)", e.message))?;

        let listener = tokio::net::TcpListener::bind(("127.0.0.1", settings.port))
            .await
            .with_context(|| {
                format!(
                    "cannot listen on 127.0.0.1:{} (pick another with --port)",
                    settings.port
                )
            })?;
        let endpoint = format!("http://127.0.0.1:{}", settings.port);

        let state = StateFiles::new(&settings.state_dir);
        // Metrics start empty with each run: they are what this run of the stack saw.
        let cloudwatch = Arc::new(CloudWatchService::new());
        let sqs = SqsService::with_metrics(endpoint.clone(), REGION.into(), cloudwatch.clone());
        state.restore("sqs", |v| sqs.restore(v))?;
        let logs =
            Arc::new(LogsService::new(REGION.into()).with_live_tail_session_limit(settings.live_tail_session_limit));
        state.restore("logs", |v| logs.restore(v))?;
        let secrets = Arc::new(SecretsService::new(REGION));
        state.restore("secrets", |v| secrets.restore(v))?;

        let pipeline = &settings.pipeline;
        let dlq_attributes: HashMap<String, String> =
            pipeline.dead_letter_queue_attributes.clone().into_iter().collect();
        let dead_letter_queue_url =
            create_or_update_queue(&sqs, &pipeline.dead_letter_queue_name, dlq_attributes).await?;
        let dlq_arn = sqs
            .queue_arn(&pipeline.dead_letter_queue_name)
            .context("the dead-letter queue was not created")?;
        let redrive =
            serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": settings.max_receive_count})
                .to_string();
        let mut queue_attributes: HashMap<String, String> = pipeline.queue_attributes.clone().into_iter().collect();
        queue_attributes.insert("VisibilityTimeout".to_string(), settings.visibility_timeout.to_string());
        queue_attributes.insert("RedrivePolicy".to_string(), redrive);
        let queue_url = create_or_update_queue(&sqs, &pipeline.queue_name, queue_attributes).await?;
        let queue_arn = sqs
            .queue_arn(&pipeline.queue_name)
            .context("the queue was not created")?;

        let secret = serde_json::json!({
            "username": DB_USER, "password": db.password, "engine": "mysql",
            "host": "127.0.0.1", "port": db.port, "dbname": pipeline.database_name,
        });
        // The name RDS gives the secret of a managed master password.
        let secret_arn = secrets.put_secret(&format!("rds!db-{}", pipeline.db_instance), &secret.to_string());
        let rds = Arc::new(RdsService::new(
            vec![DbInstanceSpec {
                identifier: pipeline.db_instance.clone(),
                port: db.port,
                db_name: pipeline.database_name.clone(),
                master_username: DB_USER.into(),
                master_user_secret_arn: secret_arn.clone(),
                region: REGION.into(),
            }],
            Vec::new(),
        ));

        let binary = &settings.function_binary;
        let code_size = std::fs::metadata(binary)
            .with_context(|| format!("reading the function binary {}", binary.display()))?
            .len();
        let resources = LocalResources {
            pipeline: pipeline.clone(),
            region: REGION.into(),
            queue_url: queue_url.clone(),
            queue_arn: queue_arn.clone(),
            dead_letter_queue_url: dead_letter_queue_url.clone(),
            dead_letter_queue_arn: dlq_arn,
            function_arn: format!(
                "arn:aws:lambda:{REGION}:{}:function:{}",
                crate::ACCOUNT_ID,
                pipeline.function_name
            ),
            db_port: db.port,
            db_secret_arn: secret_arn.clone(),
            bastion: bastion.map(|server| format!("127.0.0.1:{}", server.port)),
        };
        let mut environment = resources.function_environment(&settings.template)?;
        environment.extend([
            ("AWS_ENDPOINT_URL".to_string(), endpoint.clone()),
            ("AWS_ACCESS_KEY_ID".to_string(), "test".to_string()),
            ("AWS_SECRET_ACCESS_KEY".to_string(), "test".to_string()),
        ]);
        let function = Arc::new(
            LambdaFunction::new(
                FunctionConfig {
                    name: pipeline.function_name.clone(),
                    binary: binary.clone(),
                    timeout: settings.function_timeout,
                    memory_mb: pipeline.memory_size,
                    description: "Writes SQS Customer messages into MySQL (custctl local stack)".into(),
                    environment,
                    region: REGION.into(),
                    last_modified: super::aws_lambda_timestamp(),
                    code_sha256: CodeSha256::of_file(binary.clone()),
                    code_size,
                },
                logs.clone(),
            )
            .with_metrics(cloudwatch.clone()),
        );
        logs.ensure_group(&function.config().log_group());
        if let Some(days) = pipeline.log_retention_days {
            logs.set_retention(&function.config().log_group(), days);
        }
        let lambda = LambdaService::new(vec![function.clone()], queue_source(sqs.clone()));
        lambda
            .create_mapping(&queue_arn, &pipeline.function_name, settings.mapping.clone())
            .map_err(aws_error)?;

        // The template's Outputs, pointing here, and its parameters with the values used.
        let mut template = settings.template.clone();
        if let Some(server) = bastion {
            // The local bastion logs in the user running the stack, not the image's user.
            template.set_parameter("BastionUser", server.user.clone());
        }
        let cloudformation = Arc::new(CloudFormationService::new(vec![StackRecord {
            name: settings.stack_name.clone(),
            region: REGION.into(),
            description: None,
            outputs: resources.outputs(&template)?,
            parameters: template
                .parameters()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }]));

        let port = listener.local_addr()?.port();
        let router = gateway(
            &sqs,
            &cloudwatch,
            &logs,
            &secrets,
            rds,
            &lambda,
            Some(cloudformation),
            port,
        );
        let metrics_sampler = cloudwatch.spawn_sampler();
        let client_timeout = settings.client_timeout;
        let server = tokio::spawn(super::gateway::serve(listener, router, client_timeout));
        let info = StackInfo {
            pid: std::process::id(),
            pid_start: custctl_platform::process_start_token(std::process::id()),
            endpoint,
            region: REGION.into(),
            queue_url,
            dead_letter_queue_url,
            function: pipeline.function_name.clone(),
            log_group: function.config().log_group(),
            db_instance: pipeline.db_instance.clone(),
            db_port: db.port,
            db_pid: db.pid(),
            db_pid_start: custctl_platform::process_start_token(db.pid()),
            db_secret_arn: secret_arn,
            bastion: bastion.map(|server| Box::new(BastionInfo::of(server))),
            state_dir: settings.state_dir.clone(),
            started_at: crate::iso8601(&chrono::Utc::now()),
            stack_name: settings.stack_name.clone(),
        };
        Ok(Stack {
            info,
            sqs,
            cloudwatch,
            logs,
            secrets,
            lambda,
            function,
            state_dir: settings.state_dir.clone(),
            server,
            metrics_sampler,
        })
    }

    /// Writes the queues, logs and secrets to the state dir.
    pub fn save_state(&self) -> Result<()> {
        let state = StateFiles::new(&self.state_dir);
        state.save("sqs", &self.sqs.snapshot())?;
        state.save("logs", &self.logs.snapshot())?;
        state.save("secrets", &self.secrets.snapshot())?;
        Ok(())
    }

    /// Stops polling and serving, ends every function instance, and saves the state.
    pub fn shut_down(&self) -> Result<()> {
        for mapping in self.lambda.mappings() {
            let settings = MappingSettings {
                enabled: false,
                ..mapping.settings()
            };
            mapping.update(settings);
        }
        self.server.abort();
        self.metrics_sampler.abort();
        self.function.stop_instances();
        self.save_state()
    }
}

/// Creates `name` with `attributes`, or, when it exists from an earlier run, applies them.
async fn create_or_update_queue(sqs: &SqsService, name: &str, attributes: HashMap<String, String>) -> Result<String> {
    match sqs.create_queue_with(name, attributes.clone()) {
        Ok(url) => Ok(url),
        Err(_) => {
            let url = sqs.queue_url(name);
            let input = serde_json::json!({"QueueUrl": url, "Attributes": attributes});
            super::wire::JsonService::call(sqs, "SetQueueAttributes", input)
                .await
                .map_err(|e| aws_error(e).context(format!("applying the template's attributes to the queue {name}")))?;
            Ok(url)
        }
    }
}

fn aws_error(e: AwsError) -> anyhow::Error {
    anyhow::anyhow!("{}: {}", e.code, e.message)
}

/// The JSON snapshots of the services, under `<state dir>/state/`.
struct StateFiles {
    dir: PathBuf,
}

impl StateFiles {
    fn new(state_dir: &Path) -> Self {
        StateFiles {
            dir: state_dir.join("state"),
        }
    }

    fn restore(&self, name: &str, apply: impl FnOnce(serde_json::Value) -> Result<(), String>) -> Result<()> {
        let path = self.dir.join(format!("{name}.json"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(());
        };
        let value: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is damaged; start with --fresh to discard it", path.display()))?;
        apply(value).map_err(|e| anyhow::anyhow!("{}: {e}; start with --fresh to discard it", path.display()))
    }

    fn save(&self, name: &str, value: &serde_json::Value) -> Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(format!("{name}.json"));
        let temporary = self.dir.join(format!(".{name}.json.tmp"));
        // Written aside and renamed, so that a crash mid-write never leaves half a file.
        write_private(&temporary, &value.to_string())?;
        std::fs::rename(&temporary, &path)?;
        Ok(())
    }
}

/// Refuses to start a second stack on the same state dir.
pub fn ensure_not_running(state_dir: &Path) -> Result<()> {
    if let Some(info) = StackInfo::read_running(state_dir) {
        bail!("a local stack already runs (pid {}, {})", info.pid, info.endpoint);
    }
    Ok(())
}
