//! What every benchmark needs: the release binaries, built once, and custctl aimed at a
//! state dir with none of the caller's CUSTCTL_* settings.
#![allow(dead_code)] // each benchmark uses its own part

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds custctl and customer-ingest in release mode; returns the directory they are in.
pub fn release_dir() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "custctl",
            "-p",
            "customer-ingest",
            "--bins",
        ])
        .status()
        .expect("cargo runs");
    assert!(built.success(), "release build failed");
    std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The release custctl with `--state-dir state_dir`.
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
