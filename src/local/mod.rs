//! `custctl local`: the whole pipeline on one machine, on loopback, with no Docker and no AWS
//! account. Real processes where the issue names them (MariaDB, the function binary), and AWS's
//! wire protocols for the services, so unmodified SDKs and CLIs work against it.

pub mod gateway;
pub mod logs;
pub mod mariadb;
pub mod process;
pub mod rds;
pub mod runtime_api;
pub mod secrets;
pub mod sqs;
pub mod wire;
