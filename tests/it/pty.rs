//! A real pseudo-terminal for the tests that must see what a person at a terminal sees: the
//! REPL, tables laid out for the terminal's width. The child runs on the slave side with the
//! pty as its controlling terminal; everything it prints is collected from the master side.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A child on the slave side of a pty; what it prints is collected from the master side.
pub struct PtySession {
    pub child: Child,
    master: File,
    pub seen: Arc<Mutex<String>>,
    cursor: usize,
    reader: Option<JoinHandle<()>>,
}

impl PtySession {
    /// Runs `command` at a terminal of 160 columns and 40 rows.
    pub fn spawn(command: std::process::Command) -> PtySession {
        PtySession::spawn_sized(command, 160, 40)
    }

    /// Runs `command` at a terminal that reports `columns` x `rows` (0 x 0 is what a pty that
    /// nobody sized reports).
    pub fn spawn_sized(mut command: std::process::Command, columns: u16, rows: u16) -> PtySession {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: rows,
            ws_col: columns,
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
        // The command holds the slave's descriptors: dropping it leaves the child the only
        // holder, so the reader sees the end once the child is gone.
        drop(command);
        let seen = Arc::new(Mutex::new(String::new()));
        let mut reader = master.try_clone().unwrap();
        let sink = seen.clone();
        let reader = std::thread::spawn(move || {
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
            reader: Some(reader),
        }
    }

    /// Types `text` and waits for each of `answers`, in order.
    pub fn ask(&mut self, text: &str, answers: &[&str]) {
        self.send(text);
        for answer in answers {
            self.expect(answer, Duration::from_secs(30));
        }
    }

    pub fn send(&mut self, text: &str) {
        self.master.write_all(text.as_bytes()).unwrap();
    }

    /// Waits until `needle` appears after what earlier expectations consumed.
    pub fn expect(&mut self, needle: &str, limit: Duration) {
        self.until(needle, limit);
    }

    /// Waits until `needle` appears after what earlier expectations consumed, and returns what
    /// came before it.
    pub fn until(&mut self, needle: &str, limit: Duration) -> String {
        let started = Instant::now();
        loop {
            {
                let seen = self.seen.lock().unwrap();
                if let Some(at) = seen[self.cursor..].find(needle) {
                    let before = seen[self.cursor..self.cursor + at].to_string();
                    self.cursor += at + needle.len();
                    return before;
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

    /// Waits (up to `limit`) for the child to exit.
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the child did not exit within {limit:?}; the terminal shows:\n{}",
                self.seen.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (up to `limit`) for the child to exit, and returns its status and all it printed.
    pub fn finish(&mut self, limit: Duration) -> (ExitStatus, String) {
        let status = self.wait(limit);
        // The reader ends when the last holder of the slave side (the child) is gone.
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        (status, self.seen.lock().unwrap().clone())
    }
}

impl Drop for PtySession {
    /// A failed test must not leave the child (a REPL and its tunnel) running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines a terminal shows for `raw` output: escape sequences are dropped, and a carriage
/// return starts the line over (what follows overwrites what was there).
pub fn screen_lines(raw: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line: Vec<char> = Vec::new();
    let mut column = 0;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => {
                // CSI: ESC [ parameters final-byte; other escapes: ESC and one character.
                if chars.next() == Some('[') {
                    for c in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c) {
                            if c == 'K' {
                                line.truncate(column);
                            }
                            break;
                        }
                    }
                }
            }
            '\r' => column = 0,
            '\n' => {
                lines.push(line.iter().collect::<String>().trim_end().to_string());
                line.clear();
                column = 0;
            }
            c => {
                if column < line.len() {
                    line[column] = c;
                } else {
                    line.push(c);
                }
                column += 1;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line.iter().collect::<String>().trim_end().to_string());
    }
    lines
}
