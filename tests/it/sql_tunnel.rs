//! The tunnel of `custctl sql` under attack by another local user (issue 12, item 1): ssh's
//! argv shows the forward's port to everyone, so another user can listen on it first and pose
//! as the database. custctl must talk only to its own ssh's listener.

use custctl_test_support::{scratch_dir, LocalStack};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

/// An `ssh` first on PATH that holds the first real one back until something listens on the
/// port of its `-L 127.0.0.1:PORT:...` forward (at most 20 s), so that whoever takes the port
/// wins the race every time; then it runs the real ssh (`{ssh}`) with the same arguments,
/// against the real sshd. Later ones run at once.
const SSH_HELD_BACK: &str = r#"#!/bin/sh
for arg in "$@"; do
  if [ "$forward" = next ]; then forward=${arg#127.0.0.1:}; forward=${forward%%:*}; fi
  if [ "$arg" = -L ]; then forward=next; fi
done
if mkdir "$0.held" 2>/dev/null; then
  listening=$(printf '0100007F:%04X 00000000:0000 0A' "$forward")
  tries=0
  while ! grep -q "$listening" /proc/net/tcp && [ "$tries" -lt 400 ]; do
    tries=$((tries + 1))
    sleep 0.05
  done
fi
exec '{ssh}' "$@"
"#;

/// `custctl --local sql -e 'SELECT 1 AS one'` for `stack`, with [`SSH_HELD_BACK`] as its ssh,
/// started (and the directory of that ssh, to keep while it runs).
fn sql_with_held_back_ssh(stack: &LocalStack) -> (tempfile::TempDir, std::process::Child) {
    let dir = scratch_dir("held-back-ssh-");
    let ssh = custctl_platform::find_program("ssh", "openssh-client").unwrap();
    let wrapper = dir.path().join("ssh");
    std::fs::write(&wrapper, SSH_HELD_BACK.replace("{ssh}", ssh.to_str().unwrap())).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
    let custctl = stack
        .custctl()
        .env("PATH", path)
        .args(["--local", "sql", "--format", "csv", "-e", "SELECT 1 AS one"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    (dir, custctl)
}

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

    let (_ssh_dir, custctl) = sql_with_held_back_ssh(&stack);
    let out = custctl.wait_with_output().unwrap();
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

/// The same race, lost to a process of the user's own (another custctl's tunnel that drew the
/// same free port): that is chance, not an attack, and custctl picks another port, sending
/// nothing to the first one's listener.
#[test]
fn a_port_taken_by_a_process_of_the_users_own_makes_custctl_pick_another() {
    let stack = LocalStack::up(&[]);
    let (_ssh_dir, custctl) = sql_with_held_back_ssh(&stack);
    let first_port = crate::sql::tunnel_port(custctl_test_support::wait_for_child_ssh(custctl.id()));
    let taken = std::net::TcpListener::bind(("127.0.0.1", first_port)).unwrap();
    let out = custctl.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "custctl: {stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "one\n1\n");
    taken.set_nonblocking(true).unwrap();
    assert!(
        matches!(taken.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "custctl connected to the process that took its first port"
    );
}
