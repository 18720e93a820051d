//! Who answers on a loopback TCP port. custctl sends the database password through the local
//! end of an ssh tunnel (`ssh -L 127.0.0.1:PORT:...`); any local user can watch ssh's argv,
//! bind that port first and pose as the database. Before anything is sent, the tunnel asks
//! here whether the listener on the port is its own ssh child's, and if not, whose it is.
//!
//! Once ssh holds the listening socket, nobody else can take the port from it: the kernel
//! refuses a second bind of a listening address (and lets `SO_REUSEPORT` share one only within
//! one user, which ssh does not ask for). So "ssh listens, and nobody else does" stays true for
//! as long as ssh lives.

use std::fmt;

/// The process that listens on a port, as far as custctl can see it: another user's process
/// shows its pid only to root on Linux, and not at all to `lsof` on macOS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortHolder {
    pub pid: Option<u32>,
    /// The command name (`comm`): whatever its owner set, so hostile text.
    pub command: Option<String>,
    pub uid: Option<u32>,
}

impl PortHolder {
    /// Whether the holder belongs to another user than custctl's (an unseen one is: custctl
    /// sees all of its own user's processes).
    pub fn is_another_users(&self) -> bool {
        self.uid != Some(nix::unistd::geteuid().as_raw())
    }
}

impl fmt::Display for PortHolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let owner = match self.uid {
            Some(uid) => match nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)) {
                // escape_debug: names are the owner's text; they must not steer the terminal.
                Ok(Some(user)) => format!("user {} (uid {uid})", user.name.escape_debug()),
                _ => format!("uid {uid}"),
            },
            None => "another user".to_string(),
        };
        match (self.pid, &self.command) {
            (Some(pid), Some(command)) => write!(f, "pid {pid} (`{}`) of {owner}", command.escape_debug()),
            (Some(pid), None) => write!(f, "pid {pid} of {owner}"),
            (None, _) => write!(f, "a process of {owner} that custctl cannot see"),
        }
    }
}

/// Who would accept a connection to `127.0.0.1:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopbackListener {
    /// Nobody: a connection would be refused.
    Nobody,
    /// The expected process, and no other.
    Expected,
    /// Another process (the expected one may listen too, on an address that overlaps).
    Other(PortHolder),
}

/// Who listens on `127.0.0.1:port` (or on an address that includes it: `0.0.0.0`, `::`,
/// `::ffff:127.0.0.1`), compared with the process `expected` (a child of the caller).
pub fn loopback_listener(port: u16, expected: u32) -> std::io::Result<LoopbackListener> {
    crate::sys::loopback_listener(port, expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn a_listener_of_this_process_is_the_expected_one_and_names_it_to_anyone_else() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let me = std::process::id();
        assert_eq!(loopback_listener(port, me).unwrap(), LoopbackListener::Expected);

        // Expecting some other process (pid 1): this one is named, with its user.
        let LoopbackListener::Other(holder) = loopback_listener(port, 1).unwrap() else {
            panic!("a listener of pid {me} was not reported as another process's");
        };
        assert_eq!(holder.pid, Some(me));
        assert_eq!(holder.uid, Some(nix::unistd::geteuid().as_raw()));
        assert!(!holder.is_another_users());
        assert!(holder.to_string().starts_with(&format!("pid {me} (`")), "{holder}");

        drop(listener);
        assert_eq!(loopback_listener(port, me).unwrap(), LoopbackListener::Nobody);
    }

    #[test]
    fn a_wildcard_listener_counts_and_a_connected_socket_does_not() {
        // A dual-stack listener on `::` takes connections to 127.0.0.1 too.
        let wildcard = TcpListener::bind(("::", 0)).unwrap();
        let port = wildcard.local_addr().unwrap().port();
        assert!(matches!(
            loopback_listener(port, 1).unwrap(),
            LoopbackListener::Other(_)
        ));

        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let client_port = client.local_addr().unwrap().port();
        assert_eq!(loopback_listener(client_port, 1).unwrap(), LoopbackListener::Nobody);
    }

    #[test]
    fn a_hostile_command_name_is_shown_escaped() {
        let holder = PortHolder {
            pid: Some(7),
            command: Some("ssh\u{1b}]0;x\u{7}".into()),
            uid: None,
        };
        let shown = holder.to_string();
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        assert!(shown.ends_with("of another user"), "{shown}");
        let unseen = PortHolder {
            pid: None,
            command: None,
            uid: Some(65534),
        };
        assert_eq!(
            unseen.to_string(),
            "a process of user nobody (uid 65534) that custctl cannot see"
        );
        assert!(holder.is_another_users());
    }
}
