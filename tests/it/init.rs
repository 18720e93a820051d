//! `custctl init`: a stack's Outputs become `[env.NAME]` in custctl.toml, which the other
//! verbs then use; and the local stack as the template's twin (settings from `--template`).

use custctl_test_support::{custctl, scratch_dir, LocalStack};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// `custctl` run in `dir`, with no config file but `dir/custctl.toml` in reach.
fn custctl_in(dir: &Path) -> Command {
    let mut command = custctl();
    command.current_dir(dir).env("XDG_CONFIG_HOME", dir.join("xdg"));
    command
}

fn stdout_of(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn init_against_the_local_stack_writes_an_env_that_send_logs_and_sql_use() {
    // (and invoke and db: every verb that talks to the pipeline)
    let stack = LocalStack::up(&[]);
    let dir = scratch_dir("init-local-");
    let ssh = stdout_of(custctl_in(dir.path()).arg("--state-dir").arg(stack.state_dir()).args([
        "--local",
        "init",
        "--stack",
        "customers",
        "--env",
        "dev",
    ]));
    assert!(ssh.starts_with("Host 127.0.0.1\n"), "{ssh}");
    let file = std::fs::read_to_string(dir.path().join("custctl.toml")).unwrap();
    assert!(
        file.contains(&format!("endpoint_url = \"{}\"", stack.endpoint)),
        "{file}"
    );
    assert!(file.contains("queue = \"http"), "{file}");

    // From here on no --local: only what init wrote (and keys, as for any endpoint).
    let with_env = |args: &[&str]| {
        let mut command = custctl_in(dir.path());
        command
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .args(["--env", "dev"])
            .args(args);
        command
    };
    stdout_of(&mut with_env(&["send", "--id", "4041", "--name", "Written by init"]));
    let rows = stack.wait_for_rows(1, Duration::from_secs(60));
    assert_eq!(rows, [(4041, "Written by init".to_string())]);

    stdout_of(&mut with_env(&[
        "invoke",
        "--id",
        "4042",
        "--name",
        "Invoked by init's env",
    ]));
    assert_eq!(
        stack.rows(),
        [
            (4041, "Written by init".to_string()),
            (4042, "Invoked by init's env".to_string())
        ]
    );
    let db = stdout_of(&mut with_env(&["db"]));
    assert!(db.contains("customers-db"), "{db}");

    let logs = stdout_of(&mut with_env(&["logs", "--since", "10m"]));
    assert!(logs.contains("batch processed"), "{logs}");

    let sql = stdout_of(&mut with_env(&[
        "sql",
        "--format",
        "csv",
        "-e",
        "SELECT Name FROM Customer WHERE CustID = 4041",
    ]));
    assert!(sql.contains("Written by init"), "{sql}");
}

/// The JSON of `aws cloudformation describe-stacks` for a stack deployed from the template.
fn describe_stacks_json(without: &str) -> String {
    let outputs: Vec<serde_json::Value> = [
        ("Region", "eu-west-1"),
        ("QueueUrl", "https://sqs.eu-west-1.amazonaws.com/123456789012/customers"),
        (
            "DeadLetterQueueUrl",
            "https://sqs.eu-west-1.amazonaws.com/123456789012/customers-dlq",
        ),
        ("FunctionName", "customer-ingest"),
        ("LogGroupName", "/aws/lambda/customer-ingest"),
        ("DBInstanceId", "customers-db"),
        (
            "DBSecretArn",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf",
        ),
        ("BastionInstanceId", "i-0123456789abcdef0"),
        ("BastionSshTarget", "ec2-user@i-0123456789abcdef0"),
        (
            "SshProxyCommand",
            "aws ec2-instance-connect open-tunnel --instance-id %h --region eu-west-1",
        ),
    ]
    .into_iter()
    .filter(|(key, _)| *key != without)
    .map(|(key, value)| serde_json::json!({"OutputKey": key, "OutputValue": value}))
    .collect();
    serde_json::json!({"Stacks": [{"StackName": "prod", "StackStatus": "CREATE_COMPLETE", "Outputs": outputs}]})
        .to_string()
}

#[test]
fn init_keeps_a_hand_written_comment_and_another_env() {
    let dir = scratch_dir("init-merge-");
    let config = dir.path().join("custctl.toml");
    let original = "# Our environments; ask #platform before changing prod.\n\
                    [env.staging]\n\
                    region = \"eu-west-1\"\n\
                    queue = \"customers-staging\" # the shared one\n\
                    \n\
                    [env.prod]\n\
                    # a key of our own\n\
                    identity = \"~/.ssh/bastion-prod\"\n\
                    region = \"us-east-1\"\n";
    std::fs::write(&config, original).unwrap();
    std::fs::write(dir.path().join("stacks.json"), describe_stacks_json("")).unwrap();

    // --dry-run shows the section and changes nothing.
    let init_prod = [
        "--env",
        "prod",
        "init",
        "--stack",
        "prod",
        "--from-outputs",
        "stacks.json",
    ];
    let dry = custctl_in(dir.path())
        .args(init_prod)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    assert!(String::from_utf8_lossy(&dry.stderr).contains("region = \"eu-west-1\""));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), original);

    let ssh = stdout_of(custctl_in(dir.path()).args(init_prod));
    assert_eq!(
        ssh,
        "Host i-0123456789abcdef0\n  User ec2-user\n  ProxyCommand aws ec2-instance-connect open-tunnel --instance-id %h --region eu-west-1\n"
    );
    // Only [env.prod] changed: its region in place (its comment and own key kept), the
    // other names added after them.
    let expected = original.replace(
        "region = \"us-east-1\"\n",
        "region = \"eu-west-1\"\n\
         queue = \"https://sqs.eu-west-1.amazonaws.com/123456789012/customers\"\n\
         function = \"customer-ingest\"\n\
         db_instance = \"customers-db\"\n\
         bastion = \"ec2-user@i-0123456789abcdef0\"\n",
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), expected);

    // The file is one custctl reads: an unknown --env is still an error naming what it has.
    let out = custctl_in(dir.path())
        .args(["--env", "nope", "send", "--id", "1", "--name", "x", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(it has: prod, staging)"));
}

#[test]
fn init_names_a_missing_output() {
    let dir = scratch_dir("init-missing-");
    std::fs::write(dir.path().join("stacks.json"), describe_stacks_json("SshProxyCommand")).unwrap();
    let out = custctl_in(dir.path())
        .args(["init", "--stack", "prod", "--from-outputs", "stacks.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the stack prod has no output SshProxyCommand"),
        "{stderr}"
    );
    assert!(!dir.path().join("custctl.toml").exists());
}

#[test]
fn a_template_with_other_settings_gives_exactly_those_to_the_local_stack() {
    let dir = scratch_dir("template-");
    let template = custctl_rules::template::PROJECT_TEMPLATE
        .replace(
            "  BatchSize:\n    Type: Number\n    Default: 10\n",
            "  BatchSize:\n    Type: Number\n    Default: 7\n",
        )
        .replace(
            "  MaxReceiveCount:\n    Type: Number\n    Default: 5\n",
            "  MaxReceiveCount:\n    Type: Number\n    Default: 2\n",
        )
        .replace(
            "  VisibilityTimeout:\n    Type: Number\n    Default: 180\n",
            "  VisibilityTimeout:\n    Type: Number\n    Default: 40\n",
        )
        // A setting the local stack cannot honour.
        .replace(
            "      Timeout: !Ref FunctionTimeout\n",
            "      Timeout: !Ref FunctionTimeout\n      ReservedConcurrentExecutions: 3\n",
        );
    assert_ne!(template, custctl_rules::template::PROJECT_TEMPLATE);
    let path = dir.path().join("template.yaml");
    std::fs::write(&path, template).unwrap();
    let stack = LocalStack::up(&["--template", path.to_str().unwrap()]);
    assert!(
        stack.stderr.contains(
            "Resources.IngestFunction.Properties.ReservedConcurrentExecutions: not emulated by the local stack"
        ),
        "{}",
        stack.stderr
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = stack.sdk().await;
        let lambda = aws_sdk_lambda::Client::new(&config);
        let mappings = lambda.list_event_source_mappings().send().await.unwrap();
        let mapping = &mappings.event_source_mappings()[0];
        assert_eq!(mapping.batch_size(), Some(7));
        assert_eq!(mapping.scaling_config().and_then(|s| s.maximum_concurrency()), Some(5));

        let sqs = aws_sdk_sqs::Client::new(&config);
        let url = custctl_test_support::queue_url(&sqs, "customers").await;
        let attributes = custctl_test_support::queue_attributes(&sqs, &url).await;
        assert_eq!(
            attributes[&aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout],
            "40"
        );
        let redrive: serde_json::Value =
            serde_json::from_str(&attributes[&aws_sdk_sqs::types::QueueAttributeName::RedrivePolicy]).unwrap();
        assert_eq!(redrive["maxReceiveCount"], 2);
        assert!(redrive["deadLetterTargetArn"]
            .as_str()
            .unwrap()
            .ends_with(":customers-dlq"));
    });
}
