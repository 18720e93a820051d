//! What every verb shares, as a user meets it: exit codes (0, 1, 2, and a quiet exit when
//! stdout is closed early), errors that name the flag, and the order in which settings are
//! taken (flags > environment variables > custctl.toml > defaults).

use std::io::Read;
use std::process::{Output, Stdio};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Arguments that make custctl talk to nothing: a loopback port where nobody listens.
const NOWHERE: [&str; 4] = ["--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:1"];

#[test]
fn bad_usage_exits_2_with_one_error_line() {
    let out = custctl_test_support::custctl()
        .args(["send", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--no-such-flag"), "{}", stderr(&out));

    let out = custctl_test_support::custctl()
        .args(["send", "--id", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--id needs --name");
    assert!(stderr(&out).contains("--name"), "{}", stderr(&out));

    let out = custctl_test_support::custctl()
        .args(["--output", "yaml", "send", "--generate", "1", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("table") && stderr(&out).contains("json"),
        "{}",
        stderr(&out)
    );

    let out = custctl_test_support::custctl()
        .args(["send", "--file", "/nonexistent/customers.ndjson", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("error: /nonexistent/customers.ndjson: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

#[test]
fn an_operation_that_fails_exits_1_without_a_panic() {
    // Nobody listens on port 1: the send fails, and says where it tried.
    let out = custctl_test_support::custctl()
        .args(NOWHERE)
        .args(["send", "--id", "1", "--name", "Ann"])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("test"), "no secret is printed: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    // No credentials at all: said so, with the ways to give them.
    let out = custctl_test_support::custctl()
        .args(NOWHERE)
        .args(["send", "--id", "1", "--name", "Ann"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no AWS credentials found") && err.contains("--profile"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    // `custctl ... | head -c 100`: an event of 10,000 records is megabytes of JSON.
    let mut child = custctl_test_support::custctl()
        .args(NOWHERE)
        .args(["invoke", "--event-only", "--generate", "10000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.as_mut().unwrap().read_exact(&mut head).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with('{') && head.contains("\"Records\""), "{head}");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("error:") && !err.contains("panicked"), "{err}");
}

/// The queue custctl would use, as `--event-only` puts it in the event's ARN.
fn queue_in_event(configure: impl FnOnce(&mut std::process::Command)) -> String {
    let mut command = custctl_test_support::custctl();
    command
        .args(NOWHERE)
        .args(["invoke", "--event-only", "--id", "1", "--name", "A"]);
    configure(&mut command);
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let event: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arn = event["Records"][0]["eventSourceARN"].as_str().unwrap();
    arn.rsplit(':').next().unwrap().to_string()
}

#[test]
fn flags_beat_environment_beat_config_file_beat_defaults() {
    let dir = custctl_test_support::scratch_dir("config-");
    std::fs::write(
        dir.path().join("custctl.toml"),
        "[env.staging]\nqueue = \"from-file\"\nfunction = \"f\"\n",
    )
    .unwrap();
    let here = dir.path().to_path_buf();
    assert_eq!(
        queue_in_event(|c| {
            c.current_dir(&here);
        }),
        "customers",
        "the default"
    );
    assert_eq!(
        queue_in_event(|c| {
            c.current_dir(&here).args(["--env", "staging"]);
        }),
        "from-file"
    );
    assert_eq!(
        queue_in_event(|c| {
            c.current_dir(&here).env("CUSTCTL_ENV", "staging");
        }),
        "from-file",
        "CUSTCTL_ENV chooses the section"
    );
    assert_eq!(
        queue_in_event(|c| {
            c.current_dir(&here)
                .args(["--env", "staging"])
                .env("CUSTCTL_QUEUE", "from-env");
        }),
        "from-env"
    );
    assert_eq!(
        queue_in_event(|c| {
            c.current_dir(&here)
                .args(["--env", "staging", "--queue", "from-flag"])
                .env("CUSTCTL_QUEUE", "from-env");
        }),
        "from-flag"
    );

    // $XDG_CONFIG_HOME/custctl/config.toml when there is no custctl.toml here.
    let xdg = custctl_test_support::scratch_dir("xdg-");
    std::fs::create_dir_all(xdg.path().join("custctl")).unwrap();
    std::fs::write(
        xdg.path().join("custctl/config.toml"),
        "[env.prod]\nqueue = \"from-xdg\"\n",
    )
    .unwrap();
    assert_eq!(
        queue_in_event(|c| {
            c.current_dir(xdg.path())
                .env("XDG_CONFIG_HOME", xdg.path())
                .args(["--env", "prod"]);
        }),
        "from-xdg"
    );

    // An environment the file does not have: exit 2, naming it and the file.
    let out = custctl_test_support::custctl()
        .current_dir(&here)
        .args(["--env", "prdo", "invoke", "--event-only", "--id", "1", "--name", "A"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("prdo"), "{}", stderr(&out));
}
