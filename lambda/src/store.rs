//! Writing Customers to MySQL: one parameterised multi-row upsert per batch, in one transaction,
//! retried on InnoDB deadlocks and lock wait timeouts, over one connection kept across invocations.

use crate::schema::Customer;
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, TxOpts, Value};
use std::time::Duration;

/// The table, created once per cold start. `utf8mb4` so that every Unicode name fits.
pub const CREATE_TABLE_SQL: &str = "CREATE TABLE IF NOT EXISTS Customer (\
     CustID INT NOT NULL PRIMARY KEY, \
     Name VARCHAR(255) NOT NULL\
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

/// Rows per statement: keeps each packet far below `max_allowed_packet` and the 65,535
/// placeholder limit, whatever the batch size (SQS batches go up to 10,000 records).
pub const ROWS_PER_STATEMENT: usize = 1000;

/// How often a deadlock (1213) or lock wait timeout (1205) is retried before the batch fails.
pub const LOCK_RETRIES: u32 = 5;

const ER_LOCK_WAIT_TIMEOUT: u16 = 1205;
const ER_LOCK_DEADLOCK: u16 = 1213;

/// Why a batch could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot connect to the database: {}", describe_error(.0))]
    Connect(mysql::Error),
    #[error("the database failed: {}", describe_error(.0))]
    Query(mysql::Error),
    #[error("still deadlocked after {attempts} attempts: {}", describe_error(.last))]
    LockContention { attempts: u32, last: mysql::Error },
}

/// A `mysql` error as a person reads it: a server's error as the mysql client shows it
/// (`ERROR 1045 (28000): Access denied for user ...`), any other the I/O, driver or TLS error
/// itself. The crate's own `Display` wraps each in its Rust variant's name
/// (`MySqlError { ERROR 1045 ... }`), which is no message for a person.
pub fn describe_error(err: &mysql::Error) -> String {
    match err {
        mysql::Error::MySqlError(e) => e.to_string(),
        mysql::Error::IoError(e) => e.to_string(),
        mysql::Error::CodecError(e) => e.to_string(),
        mysql::Error::DriverError(e) => e.to_string(),
        mysql::Error::UrlError(e) => e.to_string(),
        mysql::Error::TlsError(e) => format!("TLS: {e}"),
        mysql::Error::FromValueError(_) | mysql::Error::FromRowError(_) => err.to_string(),
    }
}

/// The side effect the handler needs: make these rows exist with these names.
pub trait CustomerStore {
    /// Upserts `customers` (distinct ids) atomically: all of them or none.
    fn upsert(&mut self, customers: &[Customer]) -> Result<(), StoreError>;
}

/// `INSERT INTO Customer (CustID, Name) VALUES (?, ?), ... ON DUPLICATE KEY UPDATE ...`
/// for `rows` rows. `VALUES(Name)` is understood by both MySQL 8 and MariaDB.
pub fn upsert_sql(rows: usize) -> String {
    let mut sql = String::with_capacity(64 + rows * 8);
    sql.push_str("INSERT INTO Customer (CustID, Name) VALUES ");
    for i in 0..rows {
        sql.push_str(if i == 0 { "(?, ?)" } else { ", (?, ?)" });
    }
    sql.push_str(" ON DUPLICATE KEY UPDATE Name = VALUES(Name)");
    sql
}

/// Runs the upsert for `customers` in one transaction on `conn`.
pub fn upsert_in_transaction(conn: &mut Conn, customers: &[Customer]) -> mysql::Result<()> {
    let mut tx = conn.start_transaction(TxOpts::default())?;
    for chunk in customers.chunks(ROWS_PER_STATEMENT) {
        let params: Vec<Value> = chunk
            .iter()
            .flat_map(|c| [Value::from(c.id.get()), Value::from(c.name.as_str())])
            .collect();
        tx.exec_drop(upsert_sql(chunk.len()), params)?;
    }
    tx.commit()
}

fn is_lock_contention(err: &mysql::Error) -> bool {
    matches!(err, mysql::Error::MySqlError(e) if e.code == ER_LOCK_DEADLOCK || e.code == ER_LOCK_WAIT_TIMEOUT)
}

/// The MySQL store: connects lazily, creates the table on its first connection, and drops the
/// connection after any failure so that the next batch starts from a fresh one.
pub struct MySqlStore {
    opts: Opts,
    conn: Option<Conn>,
    table_ready: bool,
}

impl MySqlStore {
    pub fn new(opts: Opts) -> Self {
        MySqlStore {
            opts,
            conn: None,
            table_ready: false,
        }
    }

    /// Whether a connection is open (it is dropped after a failure).
    pub fn is_connected(&self) -> bool {
        self.conn.is_some()
    }

    /// Opens the connection (and creates the table) now rather than on the first batch.
    pub fn connect(&mut self) -> Result<&mut Conn, StoreError> {
        if self.conn.is_none() {
            let mut conn = Conn::new(self.opts.clone()).map_err(StoreError::Connect)?;
            if !self.table_ready {
                conn.query_drop(CREATE_TABLE_SQL).map_err(StoreError::Query)?;
                self.table_ready = true;
            }
            self.conn = Some(conn);
        }
        Ok(self.conn.as_mut().expect("connection was just opened"))
    }
}

impl CustomerStore for MySqlStore {
    fn upsert(&mut self, customers: &[Customer]) -> Result<(), StoreError> {
        if customers.is_empty() {
            return Ok(());
        }
        let mut attempt = 1;
        loop {
            let result = self
                .connect()
                .and_then(|conn| upsert_in_transaction(conn, customers).map_err(StoreError::Query));
            match result {
                Ok(()) => return Ok(()),
                Err(StoreError::Query(e)) if is_lock_contention(&e) => {
                    if attempt >= LOCK_RETRIES {
                        self.conn = None;
                        return Err(StoreError::LockContention {
                            attempts: attempt,
                            last: e,
                        });
                    }
                    // The transaction was rolled back when it was dropped; back off a little
                    // (growing, with jitter) so the competing batch can finish first.
                    std::thread::sleep(lock_backoff(attempt));
                    attempt += 1;
                }
                Err(e) => {
                    self.conn = None;
                    return Err(e);
                }
            }
        }
    }
}

fn lock_backoff(attempt: u32) -> Duration {
    let base_ms = 10u64 << attempt.min(6);
    let jitter = u64::from(std::process::id() ^ attempt) % base_ms;
    Duration::from_millis(base_ms + jitter)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upsert_sql_has_one_placeholder_pair_per_row() {
        assert_eq!(
            upsert_sql(2),
            "INSERT INTO Customer (CustID, Name) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE Name = VALUES(Name)"
        );
        assert_eq!(upsert_sql(1000).matches('?').count(), 2000);
    }

    #[test]
    fn errors_read_as_the_mysql_client_shows_them() {
        let denied = mysql::Error::MySqlError(mysql::MySqlError {
            state: "28000".into(),
            message: "Access denied for user 'app'@'localhost' (using password: YES)".into(),
            code: 1045,
        });
        assert_eq!(
            StoreError::Connect(denied).to_string(),
            "cannot connect to the database: ERROR 1045 (28000): Access denied for user 'app'@'localhost' (using password: YES)"
        );
        let lost = mysql::Error::server_disconnected();
        assert_eq!(
            StoreError::Query(lost).to_string(),
            "the database failed: server disconnected"
        );
    }

    #[test]
    fn only_deadlocks_and_lock_waits_are_retried() {
        let err = |code| {
            mysql::Error::MySqlError(mysql::MySqlError {
                state: "40001".into(),
                message: "x".into(),
                code,
            })
        };
        assert!(is_lock_contention(&err(1213)));
        assert!(is_lock_contention(&err(1205)));
        assert!(!is_lock_contention(&err(1062)));
    }
}
