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

/// The eventSourceARN `invoke --event-only` builds, with the queue custctl would use.
fn arn_in_event(configure: impl FnOnce(&mut std::process::Command)) -> String {
    let mut command = custctl_test_support::custctl();
    command.args(["invoke", "--event-only", "--id", "1", "--name", "A"]);
    configure(&mut command);
    let out = command.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let event: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    event["Records"][0]["eventSourceARN"].as_str().unwrap().to_string()
}

/// A directory with a custctl.toml and AWS profile files of its own: `[env.prod]` with a
/// region, a profile and a dead endpoint; `[env.profiled]` with only a profile; `[env.typo]`
/// naming a profile that does not exist. The profiles
/// `fileprof` (region eu-north-1) and `envprof` (region ap-south-1) have keys.
fn settings_dir() -> tempfile::TempDir {
    let dir = custctl_test_support::scratch_dir("settings-");
    std::fs::write(
        dir.path().join("custctl.toml"),
        "[env.prod]\nregion = \"eu-west-1\"\nprofile = \"fileprof\"\nendpoint_url = \"http://127.0.0.1:1\"\n\n\
         [env.profiled]\nprofile = \"fileprof\"\nendpoint_url = \"http://127.0.0.1:1\"\n\n\
         [env.typo]\nprofile = \"nope\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("aws-config"),
        "[profile fileprof]\nregion = eu-north-1\n\n[profile envprof]\nregion = ap-south-1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("aws-credentials"),
        "[fileprof]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file\n\n\
         [envprof]\naws_access_key_id = AKIDENV\naws_secret_access_key = env\n",
    )
    .unwrap();
    dir
}

/// `custctl` in `dir`, reading only `dir`'s AWS profile files.
fn in_settings_dir(command: &mut std::process::Command, dir: &std::path::Path) {
    command
        .current_dir(dir)
        .env("AWS_CONFIG_FILE", dir.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("aws-credentials"));
}

/// The region of the queue ARN that `invoke --event-only` builds in `dir`, with `[env.section]`
/// chosen by CUSTCTL_ENV, and `args` and `variables` added.
fn region_in_event(dir: &std::path::Path, section: &str, args: &[&str], variables: &[(&str, &str)]) -> String {
    let arn = arn_in_event(|c| {
        in_settings_dir(c, dir);
        c.env("CUSTCTL_ENV", section).args(args).envs(variables.iter().copied());
    });
    arn.split(':').nth(3).unwrap().to_string()
}

#[test]
fn exported_aws_variables_beat_the_config_file() {
    let dir = settings_dir();
    let here = dir.path();

    // Region: the file's, unless AWS_REGION or AWS_DEFAULT_REGION is exported; --region beats both.
    assert_eq!(region_in_event(here, "prod", &[], &[]), "eu-west-1", "the file's");
    let exported = [("AWS_REGION", "us-west-2")];
    assert_eq!(region_in_event(here, "prod", &[], &exported), "us-west-2");
    let default_region = [("AWS_DEFAULT_REGION", "us-west-1")];
    assert_eq!(region_in_event(here, "prod", &[], &default_region), "us-west-1");
    let flag = ["--region", "ca-central-1"];
    assert_eq!(region_in_event(here, "prod", &flag, &exported), "ca-central-1");

    // Profile: the file names fileprof; an exported AWS_PROFILE wins (the region shows which
    // profile was read); --profile beats both.
    assert_eq!(region_in_event(here, "profiled", &[], &[]), "eu-north-1", "the file's");
    let exported = [("AWS_PROFILE", "envprof")];
    assert_eq!(region_in_event(here, "profiled", &[], &exported), "ap-south-1");
    let flag = ["--profile", "fileprof"];
    assert_eq!(region_in_event(here, "profiled", &flag, &exported), "eu-north-1");

    // Endpoint: the file's is a dead port; an exported AWS_ENDPOINT_URL is where the queue's
    // ARN is looked up.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let (connected, reached) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        if let Ok((socket, _)) = listener.accept() {
            let _ = connected.send(());
            drop(socket);
        }
    });
    arn_in_event(|c| {
        in_settings_dir(c, here);
        c.env("CUSTCTL_ENV", "prod").env("AWS_ENDPOINT_URL", &endpoint);
    });
    assert!(
        reached.recv_timeout(std::time::Duration::from_secs(5)).is_ok(),
        "AWS_ENDPOINT_URL was not used: the file's endpoint_url won"
    );
}

#[test]
fn a_profile_that_does_not_exist_is_named_with_where_profiles_were_looked_for() {
    let dir = settings_dir();
    let here = dir.path();
    let config = here.join("aws-config").display().to_string();
    let credentials = here.join("aws-credentials").display().to_string();
    let refused = |args: &[&str], variables: &[(&str, &str)], named: &str| {
        let mut command = custctl_test_support::custctl();
        in_settings_dir(&mut command, here);
        command
            .args(["--region", "eu-west-1"])
            .args(args)
            .envs(variables.iter().copied())
            .args(["send", "--id", "1", "--name", "Ann"]);
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!(
                "error: {named}: no such AWS profile in {config} (from AWS_CONFIG_FILE) or {credentials} \
                 (from AWS_SHARED_CREDENTIALS_FILE) (profiles there: envprof, fileprof)"
            )),
            "{err}"
        );
        assert!(!err.contains("IMDS") && !err.contains("credentials found"), "{err}");
    };
    refused(&["--profile", "nope"], &[], "--profile nope");
    refused(&[], &[("AWS_PROFILE", "nope")], "--profile nope (from AWS_PROFILE)");
    refused(
        &["--env", "typo"],
        &[],
        "--profile nope (from [env.typo] in custctl.toml)",
    );

    // Without the variables: ~/.aws/config and ~/.aws/credentials, as the SDK reads them.
    let home = custctl_test_support::scratch_dir("home-");
    let out = custctl_test_support::custctl()
        .env("HOME", home.path())
        .args([
            "--region",
            "eu-west-1",
            "--profile",
            "nope",
            "send",
            "--id",
            "1",
            "--name",
            "Ann",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no such AWS profile in ~/.aws/config or ~/.aws/credentials (neither file exists)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn errors_caused_by_an_environment_variable_name_it() {
    let dir = settings_dir();
    let here = dir.path();

    // The config file's environment, chosen by CUSTCTL_ENV.
    let out = custctl_test_support::custctl()
        .current_dir(here)
        .env("CUSTCTL_ENV", "prdo")
        .args(["invoke", "--event-only", "--id", "1", "--name", "A"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "error: --env prdo (from CUSTCTL_ENV): no [env.prdo] in custctl.toml (it has: prod, profiled, typo)"
        ),
        "{}",
        stderr(&out)
    );

    // A value clap refuses, taken from a variable.
    let out = custctl_test_support::custctl()
        .env("CUSTCTL_OUTPUT", "yaml")
        .args(["send", "--generate", "1", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("invalid value 'yaml' for '--output <OUTPUT>'")
            && stderr(&out).contains("The value came from the environment variable CUSTCTL_OUTPUT"),
        "{}",
        stderr(&out)
    );

    // --local, typed or exported: "unset CUSTCTL_LOCAL" only when it is exported.
    let empty = custctl_test_support::scratch_dir("no-stack-");
    let out = custctl_test_support::custctl()
        .arg("--state-dir")
        .arg(empty.path())
        .args(["--local", "send", "--id", "1", "--name", "A"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--local: no local stack runs in"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("CUSTCTL_LOCAL"), "{}", stderr(&out));
    let out = custctl_test_support::custctl()
        .env("CUSTCTL_STATE_DIR", empty.path())
        .env("CUSTCTL_LOCAL", "1")
        .args(["send", "--id", "1", "--name", "A"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("CUSTCTL_LOCAL is set")
            && err.contains("unset CUSTCTL_LOCAL")
            && err.contains("(from CUSTCTL_STATE_DIR)"),
        "{err}"
    );

    // No region anywhere: the ways to give one, --local among them.
    let home = custctl_test_support::scratch_dir("home-");
    let out = custctl_test_support::custctl()
        .env("HOME", home.path())
        .args(["send", "--id", "1", "--name", "A"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no AWS region") && err.contains("--region") && err.contains("--local"),
        "{err}"
    );
}
