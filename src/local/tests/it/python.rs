//! Runs the Python clients (boto3, the AWS CLI) the way a user would, but hermetically: only the
//! endpoint and fake keys they are given, nothing from the developer's AWS set-up.

use std::process::Output;
use std::time::Duration;

/// `program args...` with every `AWS_*` variable of the environment replaced by fake keys, a
/// region, and no config or credentials file; the extra `env` on top. Fails the test when it
/// cannot be run or does not end within `limit`.
pub async fn run_hermetic(program: &str, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    let mut command = tokio::process::Command::new(program);
    command.args(args).kill_on_drop(true);
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    command
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .envs(env.iter().copied());
    match tokio::time::timeout(limit, command.output()).await {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => panic!(
            "{program} could not be run ({e}); .ci/test installs python3's boto3 and awscli at the versions \
             the README names"
        ),
        Err(_) => panic!("{program} {args:?} did not end within {limit:?}"),
    }
}

/// Runs a Python script of this directory with `args`, and fails the test with its output
/// unless it succeeds.
pub async fn run_script(script: &str, args: &[&str]) -> String {
    let path = format!("{}/tests/it/{script}", env!("CARGO_MANIFEST_DIR"));
    let mut all = vec![path.as_str()];
    all.extend_from_slice(args);
    let out = run_hermetic("python3", &all, &[], Duration::from_secs(120)).await;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} failed\n--- stdout\n{stdout}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
