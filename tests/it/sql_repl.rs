//! The `custctl sql` REPL, driven through a real pseudo-terminal against `custctl local`:
//! multi-line statements, `\G`, SQL errors that keep the session, Ctrl-C that cancels a
//! running statement (KILL QUERY) and keeps the session, and a history without secrets.

use custctl_test_support::LocalStack;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A child on the slave side of a pty; what it prints is collected from the master side.
struct PtySession {
    child: Child,
    master: File,
    seen: Arc<Mutex<String>>,
    cursor: usize,
}

impl PtySession {
    fn spawn(mut command: std::process::Command) -> PtySession {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 40,
            ws_col: 160,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty fills in two new descriptors, which we own from here on.
        let opened = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
        assert_eq!(opened, 0, "openpty failed");
        // SAFETY: sets a flag on the descriptor just opened. Without it the child would hold the
        // master too, and would never see the hangup when the test ends.
        unsafe { libc::fcntl(master, libc::F_SETFD, libc::FD_CLOEXEC) };
        // SAFETY: both descriptors were just opened for us.
        let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        command
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: setsid and TIOCSCTTY make the pty the child's controlling terminal, so that
        // ^C becomes SIGINT for it as at a real terminal.
        unsafe {
            command.pre_exec(|| {
                libc::setsid();
                libc::ioctl(0, libc::TIOCSCTTY, 0);
                Ok(())
            });
        }
        let child = command.spawn().unwrap();
        let seen = Arc::new(Mutex::new(String::new()));
        let mut reader = master.try_clone().unwrap();
        let sink = seen.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        PtySession {
            child,
            master,
            seen,
            cursor: 0,
        }
    }

    /// Types `text` and waits for each of `answers`, in order.
    fn ask(&mut self, text: &str, answers: &[&str]) {
        self.send(text);
        for answer in answers {
            self.expect(answer, Duration::from_secs(30));
        }
    }

    fn send(&mut self, text: &str) {
        self.master.write_all(text.as_bytes()).unwrap();
    }

    /// Waits until `needle` appears after what earlier expectations consumed.
    fn expect(&mut self, needle: &str, limit: Duration) {
        let started = Instant::now();
        loop {
            {
                let seen = self.seen.lock().unwrap();
                if let Some(at) = seen[self.cursor..].find(needle) {
                    self.cursor += at + needle.len();
                    return;
                }
                assert!(
                    started.elapsed() < limit,
                    "no {needle:?} after {limit:?}; the terminal shows:\n{}",
                    &seen[self.cursor..]
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for PtySession {
    /// A failed test must not leave the REPL (and its tunnel) running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
    wait_until_running(&stack, "SELECT SLEEP(10)");
    let started = Instant::now();
    repl.ask("\x03", &["statement cancelled", PROMPT]);
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "Ctrl-C did not cancel SLEEP(10)"
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
    let deadline = Instant::now() + long;
    let status = loop {
        if let Some(status) = repl.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "\\q did not end the REPL; the terminal shows:\n{}",
            repl.seen.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());

    let history_dir = state_home.join("custctl").join("sql-history");
    let file = std::fs::read_dir(&history_dir).unwrap().next().unwrap().unwrap().path();
    let history = std::fs::read_to_string(file).unwrap();
    assert!(history.contains("41 + 1 AS answer;"), "{history}");
    assert!(history.contains("SLEEP(10)"), "{history}");
    assert!(!history.contains("hunter2"), "{history}");
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
