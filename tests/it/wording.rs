//! Messages are written as a person would write them, never in Rust's `Debug` form: a list of
//! names is `loc, prod`, not `["loc", "prod"]`; a database error is the server's
//! `ERROR 1045 (28000): ...`, not `MySqlError { ... }`; the function's errorType is a name
//! like AWS's runtimes give (`Runtime.UnmarshalError`), not a Rust type's path.

use custctl_test_support::LocalStack;
use std::process::Output;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// No trace of Rust's Debug formatting.
fn assert_plain(text: &str) {
    for debug in ["[\"", "MySqlError", "IoError {", "DriverError {", "::", "Some(", "None"] {
        assert!(!text.contains(debug), "{debug:?} in: {text}");
    }
}

#[test]
fn an_unknown_env_lists_the_file_s_envs_as_words() {
    let dir = custctl_test_support::scratch_dir("wording-");
    std::fs::write(
        dir.path().join("custctl.toml"),
        "[env.loc]\nregion = \"eu-west-1\"\n\n[env.prod]\nregion = \"eu-west-1\"\n",
    )
    .unwrap();
    let out = custctl_test_support::custctl()
        .current_dir(dir.path())
        .args(["--env", "nope", "send", "--dry-run", "--id", "1", "--name", "Ann"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("(it has: loc, prod)"), "{err}");
    assert_plain(&err);
}

#[test]
fn database_and_function_errors_read_as_their_own_tools_show_them() {
    let stack = LocalStack::up(&[]);

    // A refused login: the server's words, as the mysql client shows them.
    let out = stack
        .custctl()
        .env("MYSQL_PWD", "not-the-password")
        .args(["--local", "sql", "--db-user", "nobody", "-e", "SELECT 1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("as nobody: ERROR 1045 (28000): Access denied for user 'nobody'"),
        "{err}"
    );
    assert_plain(&err);

    // An event that is not an SQS event: the errorType AWS's runtimes give, and what was wrong.
    let event = stack.state_dir().join("not-sqs.json");
    std::fs::write(&event, r#"{"Records": [{"messageId": 5, "body": "{}"}]}"#).unwrap();
    let out = stack
        .custctl()
        .args(["--local", "invoke", "--no-logs", "--event"])
        .arg(&event)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: the function failed: Runtime.UnmarshalError: Unable to unmarshal input: \
             Records[0].messageId: invalid type: integer `5`, expected a string"
        ),
        "{err}"
    );
    let err_without_note: String = err.lines().filter(|line| !line.starts_with("note:")).collect();
    assert_plain(&err_without_note);
}
