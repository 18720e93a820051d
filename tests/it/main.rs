//! custctl's integration tests: one binary, a module per verb, each driving the real
//! `custctl` against the real local stack (MariaDB, sshd, the function) on loopback.

mod cli;
mod completions;
mod dlq;
mod dlq_redrive;
mod dlq_replay;
mod edges;
mod init;
mod invoke;
mod local_aws_cli;
mod local_log_order;
mod local_stack;
mod logs;
mod pty;
mod send;
mod sql;
mod sql_repl;
mod sql_tls;
mod sql_tunnel;
mod status;
mod tables;
mod trace;
mod wording;
