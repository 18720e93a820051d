//! Every service of the local stack behind one gateway on an ephemeral loopback port, routed as
//! `custctl local` routes them (`stack::gateway`), with the real function binary: what the
//! conformance test and the client tests talk to. No MariaDB: the function is never given a
//! database, so an invocation fails in its init, which is still a whole Invoke answer.

use custctl_local::cloudwatch::CloudWatchService;
use custctl_local::lambda::api::LambdaService;
use custctl_local::lambda::{FunctionConfig, LambdaFunction};
use custctl_local::logs::LogsService;
use custctl_local::rds::{DbInstanceSpec, RdsService};
use custctl_local::secrets::SecretsService;
use custctl_local::sqs::SqsService;
use custctl_local::stack::{gateway, queue_source};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub const FUNCTION: &str = "customer-ingest";
pub const DB_INSTANCE: &str = "customers-db";
/// Short, so that a client following a live tail sees its session end (AWS: 3 hours).
pub const LIVE_TAIL_SESSION_LIMIT: Duration = Duration::from_secs(3);

pub struct ServedStack {
    pub endpoint: String,
    pub logs: Arc<LogsService>,
    pub function: Arc<LambdaFunction>,
}

impl ServedStack {
    pub async fn start() -> ServedStack {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let cloudwatch = Arc::new(CloudWatchService::new());
        let sqs = SqsService::with_metrics(endpoint.clone(), "us-east-1".into(), cloudwatch.clone());
        let logs = Arc::new(LogsService::new("us-east-1".into()).with_live_tail_session_limit(LIVE_TAIL_SESSION_LIMIT));
        let secrets = Arc::new(SecretsService::new("us-east-1"));
        let rds = Arc::new(RdsService::new(
            vec![DbInstanceSpec {
                identifier: DB_INSTANCE.into(),
                port: 3306,
                db_name: "customers".into(),
                master_username: "ingest".into(),
                master_user_secret_arn: String::new(),
                region: "us-east-1".into(),
            }],
            Vec::new(),
        ));
        let binary = custctl_test_support::function_binary();
        let function = Arc::new(
            LambdaFunction::new(
                FunctionConfig {
                    name: FUNCTION.into(),
                    code_size: std::fs::metadata(&binary).unwrap().len(),
                    binary,
                    timeout: Duration::from_secs(3),
                    memory_mb: 128,
                    description: "the conformance test's function".into(),
                    environment: BTreeMap::new(),
                    region: "us-east-1".into(),
                    last_modified: custctl_local::aws_lambda_timestamp(),
                    code_sha256: custctl_local::lambda::CodeSha256::known(
                        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
                    ),
                },
                logs.clone(),
            )
            .with_metrics(cloudwatch.clone()),
        );
        logs.ensure_group(&function.config().log_group());
        let lambda = LambdaService::new(vec![function.clone()], queue_source(sqs.clone()));
        let port = listener.local_addr().unwrap().port();
        let router = gateway(&sqs, &cloudwatch, &logs, &secrets, rds, &lambda, None, port);
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        ServedStack {
            endpoint,
            logs,
            function,
        }
    }

    /// What the Python side needs to know about the stack's set-up.
    pub fn context(&self) -> String {
        serde_json::json!({"function": FUNCTION, "db_instance": DB_INSTANCE}).to_string()
    }
}

/// POSTs `body` to `/` at `address` by hand, with a well-formed Signature V4 header and
/// `headers` (each ending in `\r\n`), for requests no SDK would send or a protocol the SDKs at
/// hand do not speak. Returns the response's head and body.
pub async fn raw_post(address: &str, headers: &str, body: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\n{headers}Authorization: {}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        custctl_test_support::SIGV4_AUTHORIZATION,
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.to_string(), body.to_string())
}
