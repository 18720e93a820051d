//! The unmodified AWS CLI (v1, from PyPI) works against the local stack: SQS, Lambda,
//! CloudWatch Logs, RDS and Secrets Manager answer it in their real wire formats.

use custctl_test_support::LocalStack;
use std::process::Command;
use std::time::{Duration, Instant};

/// `aws <args> --endpoint-url <stack>` with fake credentials, parsed as JSON.
fn aws(stack: &LocalStack, args: &[&str]) -> serde_json::Value {
    let out = Command::new("python3")
        .args(["-m", "awscli"])
        .args(args)
        .args(["--endpoint-url", &stack.endpoint, "--output", "json"])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named awscli"),
        "the AWS CLI is missing: `python3 -m pip install awscli`"
    );
    assert!(out.status.success(), "aws {args:?} failed: {stderr}");
    if out.stdout.iter().all(u8::is_ascii_whitespace) {
        return serde_json::Value::Null;
    }
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("aws {args:?} printed non-JSON ({e})"))
}

#[test]
fn the_aws_cli_drives_every_local_service() {
    let stack = LocalStack::up(&[]);
    let url = aws(&stack, &["sqs", "get-queue-url", "--queue-name", "customers"])["QueueUrl"]
        .as_str()
        .unwrap()
        .to_string();
    let sent = aws(
        &stack,
        &[
            "sqs",
            "send-message",
            "--queue-url",
            &url,
            "--message-body",
            r#"{"CustID": 7, "Name": "Çağla Öztürk"}"#,
        ],
    );
    assert_eq!(sent["MD5OfMessageBody"].as_str().unwrap().len(), 32);
    let deadline = Instant::now() + Duration::from_secs(30);
    while stack.rows().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(stack.rows(), vec![(7, "Çağla Öztürk".to_string())]);

    let queues = aws(&stack, &["sqs", "list-queues"]);
    assert_eq!(queues["QueueUrls"].as_array().unwrap().len(), 2);

    let dir = custctl_test_support::scratch_dir("cli-");
    let response = dir.path().join("response.json");
    let event = r#"{"Records":[{"messageId":"cli-1","body":"{\"CustID\": 8, \"Name\": \"Ana\"}"}]}"#;
    let invoked = aws(
        &stack,
        &[
            "lambda",
            "invoke",
            "--function-name",
            "customer-ingest",
            "--payload",
            event,
            "--log-type",
            "Tail",
            response.to_str().unwrap(),
        ],
    );
    assert_eq!(invoked["StatusCode"], 200);
    assert!(invoked["LogResult"].as_str().is_some_and(|l| !l.is_empty()));
    let body: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&response).unwrap()).unwrap();
    assert_eq!(body["batchItemFailures"], serde_json::json!([]));

    let config = aws(
        &stack,
        &[
            "lambda",
            "get-function-configuration",
            "--function-name",
            "customer-ingest",
        ],
    );
    assert_eq!(config["Runtime"], "provided.al2023");
    let mappings = aws(
        &stack,
        &[
            "lambda",
            "list-event-source-mappings",
            "--function-name",
            "customer-ingest",
        ],
    );
    assert_eq!(mappings["EventSourceMappings"][0]["BatchSize"], 10);

    let events = aws(
        &stack,
        &[
            "logs",
            "filter-log-events",
            "--log-group-name",
            "/aws/lambda/customer-ingest",
            "--filter-pattern",
            "REPORT",
        ],
    );
    assert!(!events["events"].as_array().unwrap().is_empty());

    let instances = aws(
        &stack,
        &[
            "rds",
            "describe-db-instances",
            "--db-instance-identifier",
            "customers-db",
        ],
    );
    let instance = &instances["DBInstances"][0];
    assert_eq!(instance["Endpoint"]["Address"], "127.0.0.1");
    let secret_arn = instance["MasterUserSecret"]["SecretArn"].as_str().unwrap();
    let secret = aws(
        &stack,
        &["secretsmanager", "get-secret-value", "--secret-id", secret_arn],
    );
    let credentials: serde_json::Value = serde_json::from_str(secret["SecretString"].as_str().unwrap()).unwrap();
    assert_eq!(credentials["port"], instance["Endpoint"]["Port"]);
}
