//! Where the function finds its database: `DATABASE_URL`, or `DB_SECRET_ID` naming a Secrets
//! Manager secret in the shape RDS writes. TLS is required for every host that is not loopback.

use mysql::{Opts, OptsBuilder, SslOpts};
use serde::Deserialize;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Why the database settings could not be built. Never carries a password.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("set DATABASE_URL (mysql://user:pass@host:port/db) or DB_SECRET_ID (a Secrets Manager secret)")]
    Missing,
    #[error("DATABASE_URL is not a valid mysql:// URL ({0})")]
    BadUrl(String),
    #[error("secret {id}: {reason}")]
    Secret { id: String, reason: String },
}

/// A password that never shows up in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(p: impl Into<String>) -> Self {
        Password(p.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Everything needed to reach the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSettings {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Password,
    pub database: String,
    /// CA bundle for TLS (`DB_TLS_CA_FILE`), e.g. the RDS global bundle.
    pub tls_ca_file: Option<PathBuf>,
}

/// The secret RDS writes for a database (`MasterUserSecret` holds only the first two fields;
/// `DB_HOST`, `DB_PORT` and `DB_NAME` fill in what it lacks).
#[derive(Deserialize)]
struct RdsSecret {
    username: String,
    password: String,
    host: Option<String>,
    port: Option<PortValue>,
    dbname: Option<String>,
}

/// RDS writes the port as a number; hand-made secrets often hold a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum PortValue {
    Number(u16),
    Text(String),
}

impl DbSettings {
    /// Reads `DATABASE_URL` or, failing that, fetches `DB_SECRET_ID` from Secrets Manager.
    pub async fn from_environment() -> Result<Self, ConfigError> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let tls_ca_file = env("DB_TLS_CA_FILE").map(PathBuf::from);
        let mut settings = if let Some(url) = env("DATABASE_URL") {
            Self::from_url(&url)?
        } else if let Some(id) = env("DB_SECRET_ID") {
            let secret = fetch_secret(&id).await?;
            Self::from_rds_secret(&secret, env("DB_HOST"), env("DB_PORT"), env("DB_NAME"))
                .map_err(|reason| ConfigError::Secret { id, reason })?
        } else {
            return Err(ConfigError::Missing);
        };
        settings.tls_ca_file = tls_ca_file;
        Ok(settings)
    }

    /// Parses `mysql://user:pass@host:port/db` (percent-encoding allowed in user and password).
    pub fn from_url(url: &str) -> Result<Self, ConfigError> {
        // mysql's own parser understands the URL; its errors never echo the URL (and so the password).
        let opts = Opts::from_url(url).map_err(|e| ConfigError::BadUrl(e.to_string()))?;
        let database = opts.get_db_name().unwrap_or("").to_string();
        if database.is_empty() {
            return Err(ConfigError::BadUrl(
                "it names no database: add /<db> after the host".into(),
            ));
        }
        Ok(DbSettings {
            host: opts.get_ip_or_hostname().to_string(),
            port: opts.get_tcp_port(),
            user: opts.get_user().unwrap_or("").to_string(),
            password: Password::new(opts.get_pass().unwrap_or("")),
            database,
            tls_ca_file: None,
        })
    }

    /// Builds settings from a Secrets Manager secret string.
    pub fn from_rds_secret(
        secret: &str,
        host: Option<String>,
        port: Option<String>,
        dbname: Option<String>,
    ) -> Result<Self, String> {
        // serde's message could quote the secret's text; say only what is wrong with its shape.
        let s: RdsSecret = serde_json::from_str(secret).map_err(|e| {
            format!(
                "not the JSON RDS writes ({{\"username\",\"password\",\"host\",\"port\",\"dbname\"}}): {}",
                e.classify_name()
            )
        })?;
        let host = s.host.or(host).ok_or("it has no \"host\" and DB_HOST is not set")?;
        let port = match s.port {
            Some(PortValue::Number(p)) => p,
            Some(PortValue::Text(t)) => t.parse().map_err(|_| "its \"port\" is not a port number")?,
            None => match port {
                Some(p) => p.parse().map_err(|_| "DB_PORT is not a port number")?,
                None => 3306,
            },
        };
        let database = s
            .dbname
            .or(dbname)
            .ok_or("it has no \"dbname\" and DB_NAME is not set")?;
        Ok(DbSettings {
            host,
            port,
            user: s.username,
            password: Password::new(s.password),
            database,
            tls_ca_file: None,
        })
    }

    /// Loopback hosts may go without TLS; every other host must use it.
    pub fn is_loopback(&self) -> bool {
        self.host == "localhost" || self.host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// Connection options for the `mysql` crate.
    pub fn opts(&self) -> Opts {
        let mut builder = OptsBuilder::new()
            .ip_or_hostname(Some(self.host.clone()))
            .tcp_port(self.port)
            .user(Some(self.user.clone()))
            .pass(Some(self.password.expose().to_string()))
            .db_name(Some(self.database.clone()))
            .tcp_connect_timeout(Some(Duration::from_secs(5)))
            .read_timeout(Some(Duration::from_secs(60)))
            .write_timeout(Some(Duration::from_secs(60)))
            .init(vec!["SET NAMES utf8mb4"]);
        if !self.is_loopback() || self.tls_ca_file.is_some() {
            let mut ssl = SslOpts::default();
            if let Some(ca) = &self.tls_ca_file {
                ssl = ssl.with_root_cert_path(Some(ca.clone()));
            }
            builder = builder.ssl_opts(Some(ssl));
        }
        builder.into()
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "could not be read",
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "it is not valid JSON",
            serde_json::error::Category::Data => "a field is missing or has the wrong type",
        }
    }
}

async fn fetch_secret(id: &str) -> Result<String, ConfigError> {
    let config = aws_config::load_from_env().await;
    let client = aws_sdk_secretsmanager::Client::new(&config);
    let out = client
        .get_secret_value()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| ConfigError::Secret {
            id: id.to_string(),
            reason: aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string(),
        })?;
    out.secret_string.ok_or_else(|| ConfigError::Secret {
        id: id.to_string(),
        reason: "it holds binary data, not a JSON string".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_is_parsed_and_percent_decoded() {
        let s = DbSettings::from_url("mysql://app:p%40ss@127.0.0.1:3307/customers").unwrap();
        assert_eq!((s.host.as_str(), s.port, s.user.as_str()), ("127.0.0.1", 3307, "app"));
        assert_eq!(s.password.expose(), "p@ss");
        assert_eq!(s.database, "customers");
        assert!(s.is_loopback());
        assert!(s.opts().get_ssl_opts().is_none());
    }

    #[test]
    fn remote_hosts_require_tls() {
        let s = DbSettings::from_url("mysql://app:x@db.example.internal:3306/customers").unwrap();
        assert!(!s.is_loopback());
        assert!(s.opts().get_ssl_opts().is_some());
    }

    #[test]
    fn a_ca_file_turns_tls_on_with_that_root_even_on_loopback() {
        // DB_TLS_CA_FILE: the RDS bundle the deploy template mounts at /opt/global-bundle.pem.
        let mut s = DbSettings::from_url("mysql://app:x@127.0.0.1:3306/customers").unwrap();
        s.tls_ca_file = Some(PathBuf::from("/opt/global-bundle.pem"));
        let opts = s.opts();
        let ssl = opts.get_ssl_opts().expect("TLS on");
        assert_eq!(
            ssl.root_cert_path(),
            Some(std::path::Path::new("/opt/global-bundle.pem"))
        );
    }

    #[test]
    fn bad_urls_never_echo_the_password() {
        for url in [
            "postgres://u:hunter2@h/db",
            "mysql://u:hunter2@h:99999/db",
            "mysql://u:hunter2@h:3306",
        ] {
            let err = DbSettings::from_url(url).unwrap_err().to_string();
            assert!(!err.contains("hunter2"), "{err}");
            assert!(err.starts_with("DATABASE_URL"), "{err}");
        }
    }

    #[test]
    fn rds_secret_shape_and_fallbacks() {
        let full = r#"{"username":"admin","password":"s3cr3t","engine":"mysql","host":"10.0.0.5","port":3306,"dbname":"customers"}"#;
        let s = DbSettings::from_rds_secret(full, None, None, None).unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.database.as_str()),
            ("10.0.0.5", 3306, "customers")
        );
        let master = r#"{"username":"admin","password":"s3cr3t"}"#;
        let s = DbSettings::from_rds_secret(master, Some("h".into()), Some("3307".into()), Some("d".into())).unwrap();
        assert_eq!((s.host.as_str(), s.port, s.database.as_str()), ("h", 3307, "d"));
        let err = DbSettings::from_rds_secret(master, None, None, None).unwrap_err();
        assert!(err.contains("DB_HOST"), "{err}");
        let err = DbSettings::from_rds_secret(r#"{"password":"s3cr3t"}"#, None, None, None).unwrap_err();
        assert!(!err.contains("s3cr3t"), "{err}");
    }

    #[test]
    fn debug_output_hides_the_password() {
        let s = DbSettings::from_url("mysql://app:hunter2@127.0.0.1:3306/customers").unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
