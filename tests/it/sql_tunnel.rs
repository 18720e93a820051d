//! The tunnel of `custctl sql` under attack by another local user (issue 12, item 1): ssh's
//! argv shows the forward's port to everyone, so another user can listen on it first and pose
//! as the database. custctl must talk only to its own ssh's listener.

use custctl_test_support::{scratch_dir, LocalStack};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// An `ssh` first on PATH that holds the real one back until something listens on the port of
/// its `-L 127.0.0.1:PORT:...` forward (at most 20 s), so that the attacker wins the race every
/// time; then it runs the real ssh (`{ssh}`) with the same arguments, against the real sshd.
const SSH_HELD_BACK: &str = r#"#!/bin/sh
for arg in "$@"; do
  if [ "$forward" = next ]; then forward=${arg#127.0.0.1:}; forward=${forward%%:*}; fi
  if [ "$arg" = -L ]; then forward=next; fi
done
listening=$(printf '0100007F:%04X 00000000:0000 0A' "$forward")
tries=0
while ! grep -q "$listening" /proc/net/tcp && [ "$tries" -lt 400 ]; do
  tries=$((tries + 1))
  sleep 0.05
done
exec '{ssh}' "$@"
"#;

/// Attack: the user `nobody` watches /proc for an ssh to the stack's bastion, reads the port of
/// its forward from its argv, listens on it before ssh can, and plays a MySQL server that asks
/// for mysql_native_password (port_thief.py). custctl took any listener on the port for its
/// tunnel and sent its login there: the user name and the password's scramble. Now it sends
/// nothing, not even a connection, and fails naming the process that holds the port.
#[test]
fn another_user_who_takes_the_tunnels_port_first_receives_nothing_and_is_named() {
    assert!(
        custctl_platform::is_root(),
        "this test plays a second local user (nobody) and needs root, as CI runs it"
    );
    let stack = LocalStack::up(&[]);
    let bastion_port = stack.info["bastion"]["port"].to_string();

    let mut thief = Command::new("/usr/bin/python3")
        .args(["-I", "-c", include_str!("port_thief.py"), &bastion_port])
        .current_dir("/")
        .env_clear()
        .uid(65534)
        .gid(65534)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("/usr/bin/python3 (Debian's python3, which the user nobody can run)");
    let thief_pid = thief.id();

    let dir = scratch_dir("held-back-ssh-");
    let ssh = custctl_platform::find_program("ssh", "openssh-client").unwrap();
    let wrapper = dir.path().join("ssh");
    std::fs::write(&wrapper, SSH_HELD_BACK.replace("{ssh}", ssh.to_str().unwrap())).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());

    let out = stack
        .custctl()
        .env("PATH", path)
        .args(["--local", "sql", "-e", "SELECT 1"])
        .output()
        .unwrap();
    // Still waiting for a connection if custctl made none: its work is done either way.
    let _ = thief.kill();
    let thief = thief.wait_with_output().unwrap();
    let seen = String::from_utf8_lossy(&thief.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        seen.starts_with("listening "),
        "the attack did not take place: the thief said {seen:?} and {:?}",
        String::from_utf8_lossy(&thief.stderr)
    );
    assert!(
        !seen.contains("auth "),
        "the thief received custctl's login (user and password scramble): {seen}"
    );
    assert!(!seen.contains("connected"), "custctl connected to the thief: {seen}");
    assert_eq!(out.status.code(), Some(1), "custctl: {stderr}");
    assert!(
        stderr.contains(&format!("pid {thief_pid} (`python3`) of user nobody (uid 65534)"))
            && stderr.contains("not by custctl's ssh"),
        "custctl did not name the thief (pid {thief_pid}): {stderr}"
    );
}
