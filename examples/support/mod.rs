//! What the benchmarks share: the release binaries built once, custctl run hermetically
//! against a state dir of the benchmark's own, and the median of a few rounds.

#![allow(dead_code)] // each benchmark uses a part

use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory of the binaries this benchmark was built beside (`target/release` for
/// `cargo run --release --example ...`). A benchmark never runs cargo itself: the quickstart's
/// `cargo build --release -p custctl -p customer-ingest` makes them, with the same features as
/// the example, so running a benchmark after it compiles only the benchmark.
pub fn release_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    for binary in ["custctl", "customer-ingest"] {
        assert!(
            dir.join(binary).is_file(),
            "{} is missing: build the binaries first with `cargo build --release -p custctl -p customer-ingest`",
            dir.join(binary).display()
        );
    }
    dir
}

/// `custctl --state-dir DIR`, with no CUSTCTL_* variable of the caller's leaking in.
pub fn custctl(bin: &Path, state_dir: &Path) -> Command {
    let mut command = Command::new(bin.join("custctl"));
    command.arg("--state-dir").arg(state_dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CUSTCTL_") {
            command.env_remove(key);
        }
    }
    command
}

/// The middle value (the upper one of an even count).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// `custctl local up --detach` on a free port with `extra` arguments, in `state_dir`; returns
/// the stack's `stack.json` once it is ready.
pub fn up_stack(bin: &Path, state_dir: &Path, extra: &[&str]) -> serde_json::Value {
    let port = custctl_platform::free_loopback_port().unwrap();
    let up = custctl(bin, state_dir)
        .args(["local", "up", "--detach", "--port", &port.to_string()])
        .args(extra)
        .output()
        .unwrap();
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    serde_json::from_str(&std::fs::read_to_string(state_dir.join("stack.json")).unwrap()).unwrap()
}

/// A connection to the stack's MariaDB as the function's user (`stack.json`'s port, the state
/// dir's password file).
pub fn stack_db(state_dir: &Path, info: &serde_json::Value) -> mysql::Conn {
    let password = std::fs::read_to_string(state_dir.join("db-password")).unwrap();
    let opts = mysql::OptsBuilder::new()
        .ip_or_hostname(Some("127.0.0.1"))
        .tcp_port(info["db_port"].as_u64().unwrap() as u16)
        .user(Some("ingest"))
        .pass(Some(password.trim()))
        .db_name(Some("customers"));
    mysql::Conn::new(opts).unwrap()
}
