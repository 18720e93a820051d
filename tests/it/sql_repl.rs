//! The `custctl sql` REPL, driven through a real pseudo-terminal against `custctl local`:
//! multi-line statements, `\G`, SQL errors that keep the session, Ctrl-C that cancels a
//! running statement (KILL QUERY) and keeps the session, and a history without secrets.

use crate::pty::{screen_lines, PtySession};
use custctl_test_support::LocalStack;
use std::time::{Duration, Instant};

const PROMPT: &str = "customers (ro)> ";

#[test]
fn the_repl_runs_multi_line_statements_cancels_with_ctrl_c_and_keeps_secrets_out_of_history() {
    let stack = LocalStack::up(&[]);
    let state_home = stack.state_dir().join("xdg");
    let mut command = stack.custctl();
    command
        .env("XDG_STATE_HOME", &state_home)
        .env("TERM", "xterm")
        .args(["--local", "sql"]);
    let mut repl = PtySession::spawn(command);
    let long = Duration::from_secs(30);

    repl.expect(PROMPT, long);
    repl.ask("SELECT\r", &["-> "]);
    repl.ask("41 + 1 AS answer;\r", &["42", "1 row in set (", PROMPT]);
    repl.ask("SELECT 'vertical' AS shape\\G\r", &["shape: vertical", PROMPT]);
    repl.ask("SELECT nope;\r", &["ERROR 1054", PROMPT]);
    repl.ask("INSERT INTO nowhere VALUES (1);\r", &["ERROR", PROMPT]);

    repl.send("SELECT SLEEP(10) AS slept;\r");
    // The end of the typed line: what follows is custctl's.
    repl.expect("slept;", long);
    repl.expect("\n", long);
    wait_until_running(&stack, "SELECT SLEEP(10)");
    let started = Instant::now();
    repl.send("\x03");
    let shown = repl.until(PROMPT, long);
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "Ctrl-C did not cancel SLEEP(10)"
    );
    // One clean line, over the ^C the terminal echoed: no result, no ERROR 1317 beside it.
    let lines: Vec<String> = screen_lines(&shown).into_iter().filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 1, "{shown:?}");
    assert!(
        lines[0].starts_with("Statement cancelled (") && lines[0].ends_with(" sec)"),
        "{shown:?}"
    );

    // The session goes on after the cancel.
    repl.ask("SELECT 'still here' AS s;\r", &["still here", PROMPT]);
    repl.ask("SET PASSWORD = PASSWORD('hunter2');\r", &["hunter2", PROMPT]);

    // The tunnel dies under the session: the next statement says so and goes through a new one.
    let ssh = custctl_test_support::wait_for_child_ssh(repl.child.id());
    // SAFETY: a signal to the test's own grandchild, found by its parent pid.
    unsafe { libc::kill(ssh as i32, libc::SIGKILL) };
    let gone_by = Instant::now() + long;
    while custctl_platform::process_alive(ssh) {
        assert!(Instant::now() < gone_by, "ssh {ssh} outlived SIGKILL");
        std::thread::sleep(Duration::from_millis(10));
    }
    repl.ask(
        "SELECT 'reopened' AS r;\r",
        &["tunnel to the bastion dropped", "reopened", PROMPT],
    );
    repl.send("\\q\r");
    assert!(repl.wait(long).success(), "\\q did not end the REPL well");

    let history_dir = state_home.join("custctl").join("sql-history");
    let file = std::fs::read_dir(&history_dir).unwrap().next().unwrap().unwrap().path();
    let history = std::fs::read_to_string(file).unwrap();
    assert!(history.contains("41 + 1 AS answer;"), "{history}");
    assert!(history.contains("SLEEP(10)"), "{history}");
    assert!(!history.contains("hunter2"), "{history}");
}

#[test]
fn a_confirmed_update_shows_its_time_like_other_results() {
    use mysql::prelude::Queryable;
    let stack = LocalStack::up(&[]);
    let mut db = stack.db();
    db.query_drop("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(20))")
        .unwrap();
    db.query_drop("INSERT INTO notes VALUES (1, 'a'), (2, 'b')").unwrap();
    let mut command = stack.custctl();
    command
        .env("XDG_STATE_HOME", stack.state_dir().join("xdg"))
        .env("TERM", "xterm")
        .args(["--local", "sql", "--write"]);
    let mut repl = PtySession::spawn(command);
    let long = Duration::from_secs(30);
    let prompt = "customers (rw)> ";
    repl.expect(prompt, long);

    // A keyed update, as every result shows its time.
    repl.ask(
        "UPDATE notes SET body = 'c' WHERE id = 2;\r",
        &["Query OK, 1 row affected (", prompt],
    );
    // No key in the WHERE: safe-updates mode refuses it until the database's name is typed.
    repl.ask(
        "UPDATE notes SET body = 'z' WHERE body = 'a';\r",
        &["Type the database's name (customers) to run it anyway: "],
    );
    repl.send("customers\r");
    let shown = repl.until(prompt, long);
    let lines: Vec<String> = screen_lines(&shown).into_iter().filter(|l| !l.is_empty()).collect();
    let last = lines.last().cloned().unwrap_or_default();
    let time = last
        .strip_prefix("Query OK, 1 row affected (")
        .and_then(|rest| rest.strip_suffix(" sec)"))
        .unwrap_or_else(|| panic!("no time: {shown:?}"));
    assert!(time.parse::<f64>().is_ok(), "{time}");
    let bodies: Vec<String> = db.query("SELECT body FROM notes ORDER BY id").unwrap();
    assert_eq!(bodies, ["z", "c"]);
}

/// Waits until the database runs a statement that starts with `text` (sent by the REPL).
fn wait_until_running(stack: &LocalStack, text: &str) {
    use mysql::prelude::Queryable;
    let mut conn = stack.db();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let running: Option<u64> = conn
            .exec_first(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE CONCAT(?, '%')",
                (text,),
            )
            .unwrap();
        if running.unwrap_or(0) > 0 {
            return;
        }
        assert!(Instant::now() < deadline, "{text} never started on the server");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Attack (issue 12, item 5): Customer names come from the queue, so from anyone who can send;
/// a name with terminal escape sequences (colour, window title, bell) was printed raw to the
/// developer's terminal. At a terminal they are now shown, not obeyed.
#[test]
fn escape_sequences_in_data_are_shown_not_obeyed_at_a_terminal() {
    use mysql::prelude::Queryable;
    let stack = LocalStack::up(&[]);
    let mut db = stack.db();
    db.query_drop("CREATE TABLE names (name VARCHAR(100))").unwrap();
    db.exec_drop(
        "INSERT INTO names VALUES (?)",
        ("\u{1b}[31mred\u{1b}]0;owned\u{7}\u{202e}txt",),
    )
    .unwrap();
    let mut command = stack.custctl();
    command
        .env("XDG_STATE_HOME", stack.state_dir().join("xdg"))
        .env("TERM", "xterm")
        .args(["--local", "sql"]);
    let mut repl = PtySession::spawn(command);
    repl.expect(PROMPT, Duration::from_secs(30));
    repl.ask("SELECT name FROM names;\r", &["1 row in set", PROMPT]);
    let seen = repl.seen.lock().unwrap().clone();
    assert!(seen.contains("\\x1B[31mred\\x1B]0;owned\\x07\\u{202E}txt"), "{seen:?}");
    assert!(!seen.contains("\u{1b}]0;owned"), "the escape reached the terminal");
}
