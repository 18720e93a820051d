//! TLS to the database, and who the server is: the mode (`--ssl-mode`), the CA bundle, and
//! the check itself. Through the tunnel the connection goes to 127.0.0.1, but the certificate
//! must name the endpoint as RDS gives it, and be signed by a CA in the bundle only (no public
//! web roots). rustls does the TLS; [`super::login`] runs the login over it.

use crate::cli::SslMode;
use crate::error::InputError;
use mysql::consts::CapabilityFlags;
use mysql_common::io::ParseBuf;
use mysql_common::packets::HandshakePacket;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// Where AWS publishes the CA bundle that signs every RDS region's certificates.
pub const RDS_CA_BUNDLE_URL: &str = "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem";

/// How long connecting, the greeting and the TLS handshake may each take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(20);
/// A server's first packet is a few hundred bytes; more is not a MySQL server.
const MAX_GREETING: usize = 16 * 1024;

/// Where the CA bundle may come from, most specific first.
#[derive(Debug, Clone, Default)]
pub struct CaLocations {
    /// `--ssl-ca` (or `CUSTCTL_SSL_CA`), else `ssl_ca` of the config file's environment.
    pub given: Option<PathBuf>,
    /// The config file that was read, to name in the error when no bundle is found.
    pub config_file: Option<PathBuf>,
    /// The bundle's documented place, used when it exists.
    pub default: Option<PathBuf>,
}

/// What custctl demands of the server's TLS, settled before anything is sent.
#[derive(Debug, Clone)]
pub struct TlsPolicy {
    mode: SslMode,
    /// The endpoint as RDS gives it: the name the certificate must carry.
    endpoint: String,
    /// The CA bundle of the verify modes: the only roots trusted.
    ca: Option<CaBundle>,
}

#[derive(Debug, Clone)]
struct CaBundle {
    path: PathBuf,
    roots: Arc<RootCertStore>,
}

/// The mode when none is given: verify RDS endpoints (and any endpoint the user gave a CA
/// bundle for) fully; loopback may stay plaintext (the bytes never leave the machine, or the
/// bastion's own loopback at the end of the SSH tunnel); any other host must speak TLS.
pub fn default_mode(endpoint: &str, ca_given: bool) -> SslMode {
    if is_rds_endpoint(endpoint) || ca_given {
        SslMode::VerifyIdentity
    } else if is_loopback(endpoint) {
        SslMode::Disabled
    } else {
        SslMode::Required
    }
}

/// An RDS endpoint: `db.abc123.eu-west-1.rds.amazonaws.com`, or in the China regions, whose
/// domain is `amazonaws.com.cn` with the region after the service
/// (https://docs.amazonaws.cn/en_us/general/latest/gr/endpoints-Beijing.html),
/// `db.abc123.rds.cn-north-1.amazonaws.com.cn`. AWS's own instructions verify these against
/// the endpoint's name (`--ssl-mode=VERIFY_IDENTITY` with the global bundle:
/// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ConnectToInstanceSSL.CLI.html).
pub fn is_rds_endpoint(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    match labels.as_slice() {
        [_, .., "rds", "amazonaws", "com"] => true,
        [_, .., "rds", region, "amazonaws", "com", "cn"] => region.starts_with("cn-"),
        _ => false,
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl TlsPolicy {
    /// The policy for `endpoint`: `mode`, else [`default_mode`]; in the verify modes the CA
    /// bundle is read now, so that a missing or unreadable one is an input error (exit 2)
    /// before any connection is made.
    pub fn resolve(endpoint: &str, mode: Option<SslMode>, ca: &CaLocations) -> Result<TlsPolicy, InputError> {
        let defaulted = mode.is_none();
        let mode = mode.unwrap_or_else(|| default_mode(endpoint, ca.given.is_some()));
        let mut policy = TlsPolicy {
            mode,
            endpoint: endpoint.to_string(),
            ca: None,
        };
        if !matches!(mode, SslMode::VerifyCa | SslMode::VerifyIdentity) {
            return Ok(policy);
        }
        let how = if defaulted {
            format!("--ssl-mode {mode} (the default for {endpoint})")
        } else {
            format!("--ssl-mode {mode}")
        };
        if mode == SslMode::VerifyIdentity && ServerName::try_from(endpoint).is_err() {
            return Err(InputError(format!(
                "{how}: the endpoint `{}` is not a name a certificate can carry (use --ssl-mode verify-ca)",
                endpoint.escape_debug()
            )));
        }
        let found = ca.given.clone().or_else(|| ca.default.clone().filter(|p| p.is_file()));
        let Some(path) = found else {
            return Err(InputError(missing_ca(&how, ca)));
        };
        let roots = load_roots(&path)?;
        policy.ca = Some(CaBundle {
            path,
            roots: Arc::new(roots),
        });
        Ok(policy)
    }

    pub fn mode(&self) -> SslMode {
        self.mode
    }

    /// Connects to `host:port` (the tunnel's local end, or the endpoint itself) and reads the
    /// server's greeting, which must offer TLS. Nothing is sent.
    pub async fn greet(&self, host: &str, port: u16) -> Result<Greeted, TlsRefusal> {
        let mut stream = within(TcpStream::connect((host, port)))
            .await
            .map_err(|e| self.io_error(e))?;
        let (_, greeting) = within(read_packet(&mut stream, MAX_GREETING))
            .await
            .map_err(|e| self.io_error(e))?;
        self.offers_tls(&greeting)?;
        Ok(Greeted { stream, greeting })
    }

    /// Sends `ssl_request` (the first 32 bytes of a handshake response: capabilities, no user,
    /// no password) as packet 1 and completes the TLS handshake, which passes only with a
    /// certificate the mode accepts.
    pub async fn secure(&self, mut stream: TcpStream, ssl_request: &[u8]) -> Result<TlsStream<TcpStream>, TlsRefusal> {
        write_packet(&mut stream, 1, ssl_request)
            .await
            .map_err(|e| self.io_error(e))?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(self.client_config()));
        within(connector.connect(self.server_name(), stream))
            .await
            .map_err(
                |err| match err.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()).cloned() {
                    Some(e) => self.handshake_error(e),
                    None => self.io_error(err),
                },
            )
    }

    fn offers_tls(&self, greeting: &[u8]) -> Result<(), TlsRefusal> {
        let server = self.endpoint.clone();
        if let [0xFF, code_low, code_high, message @ ..] = greeting {
            return Err(TlsRefusal::ServerError {
                server,
                code: u16::from_le_bytes([*code_low, *code_high]),
                message: shown(&String::from_utf8_lossy(message)),
            });
        }
        let handshake = ParseBuf(greeting)
            .parse::<HandshakePacket>(())
            .ok()
            .filter(|h| h.protocol_version() == 10)
            .ok_or(TlsRefusal::NotMysql { server: server.clone() })?;
        if !handshake.capabilities().contains(CapabilityFlags::CLIENT_SSL) {
            return Err(TlsRefusal::NotOffered {
                server,
                mode: self.mode,
            });
        }
        Ok(())
    }

    /// A client that trusts only the bundle (in the verify modes), with TLS 1.2 and 1.3.
    fn client_config(&self) -> rustls::ClientConfig {
        // The provider the `mysql` crate's own TLS uses (rustls's process default).
        let provider = rustls::ClientConfig::builder().crypto_provider().clone();
        let webpki = self.ca.as_ref().and_then(|ca| {
            WebPkiServerVerifier::builder_with_provider(ca.roots.clone(), provider.clone())
                .build()
                .ok()
        });
        let check = ServerCertCheck {
            mode: self.mode,
            webpki,
            provider: provider.clone(),
        };
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("the default provider supports the default TLS versions")
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(check))
            .with_no_client_auth()
    }

    /// The endpoint's name; a name that cannot be one (only in the modes that do not check
    /// names, [`TlsPolicy::resolve`] made sure) is sent as the loopback address, which no
    /// certificate check uses.
    fn server_name(&self) -> ServerName<'static> {
        ServerName::try_from(self.endpoint.clone())
            .unwrap_or_else(|_| ServerName::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()))
    }

    fn ca_path(&self) -> String {
        self.ca
            .as_ref()
            .map(|c| c.path.display().to_string())
            .unwrap_or_default()
    }

    pub fn io_error(&self, source: std::io::Error) -> TlsRefusal {
        TlsRefusal::Io {
            server: self.endpoint.clone(),
            source,
        }
    }

    fn handshake_error(&self, error: rustls::Error) -> TlsRefusal {
        let server = self.endpoint.clone();
        let ca = self.ca_path();
        match error {
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => TlsRefusal::UnknownCa { server, ca },
            rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext { presented, .. }) => {
                TlsRefusal::WrongName {
                    server,
                    presented: presented
                        .iter()
                        .map(|n| presented_name(n))
                        .collect::<Vec<_>>()
                        .join(", "),
                    ca,
                }
            }
            rustls::Error::InvalidCertificate(CertificateError::NotValidForName) => TlsRefusal::WrongName {
                server,
                presented: "other names".into(),
                ca,
            },
            rustls::Error::InvalidCertificate(CertificateError::ExpiredContext { not_after, .. }) => {
                TlsRefusal::Expired {
                    server,
                    when: instant(not_after),
                }
            }
            rustls::Error::InvalidCertificate(CertificateError::Expired) => TlsRefusal::Expired {
                server,
                when: "a date that has passed".into(),
            },
            rustls::Error::InvalidCertificate(
                CertificateError::NotValidYetContext { .. } | CertificateError::NotValidYet,
            ) => TlsRefusal::Handshake {
                server,
                detail: "its certificate is not valid yet (check this machine's clock)".into(),
            },
            other => TlsRefusal::Handshake {
                server,
                detail: other.to_string(),
            },
        }
    }
}

/// Why custctl refused to log in to a server (or could not check it).
#[derive(Debug, thiserror::Error)]
pub enum TlsRefusal {
    #[error(
        "{server} offers no TLS, and --ssl-mode {mode} demands it \
         (--ssl-mode disabled logs in without TLS: inside the SSH tunnel, but in plaintext from the bastion to the database)"
    )]
    NotOffered { server: String, mode: SslMode },
    #[error(
        "the certificate of {server} is not signed by a CA in {ca} (unknown CA) \
         (pass --ssl-ca with the bundle that signs it; RDS's is {RDS_CA_BUNDLE_URL})"
    )]
    UnknownCa { server: String, ca: String },
    #[error(
        "the certificate of {server} is for {presented}, not for {server} (name mismatch) \
         (--ssl-mode verify-ca checks only that it is signed by a CA in {ca})"
    )]
    WrongName {
        server: String,
        presented: String,
        ca: String,
    },
    #[error("the certificate of {server} expired at {when}")]
    Expired { server: String, when: String },
    #[error("the TLS handshake with {server} failed: {detail}")]
    Handshake { server: String, detail: String },
    #[error("{server} refused the connection before any login: ERROR {code}: {message}")]
    ServerError { server: String, code: u16, message: String },
    #[error("{server} did not greet as a MySQL server does")]
    NotMysql { server: String },
    #[error("checking the TLS of {server}: {source}")]
    Io { server: String, source: std::io::Error },
}

impl TlsRefusal {
    /// Whether the server was reached and judged (rather than not reached at all, which the
    /// tunnel may explain).
    pub fn is_verdict(&self) -> bool {
        !matches!(self, TlsRefusal::Io { .. })
    }
}

/// Accepts what the mode accepts: `required` any certificate, `verify-ca` one that chains to
/// the bundle whatever its name, `verify-identity` one that chains and names the endpoint.
/// The handshake's own signatures are always checked, with the certificate's key.
#[derive(Debug)]
struct ServerCertCheck {
    mode: SslMode,
    webpki: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for ServerCertCheck {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(webpki) = &self.webpki else {
            return match self.mode {
                SslMode::Required => Ok(ServerCertVerified::assertion()),
                _ => Err(rustls::Error::General("no CA bundle to verify with".into())),
            };
        };
        match webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            // webpki checks the chain before the name, so this error means the chain passed.
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if self.mode == SslMode::VerifyCa => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// Says where custctl looked, and where AWS publishes the bundle.
fn missing_ca(how: &str, ca: &CaLocations) -> String {
    let file = ca
        .config_file
        .as_ref()
        .map_or_else(|| "the config file".to_string(), |p| p.display().to_string());
    let default = ca.default.as_ref().map_or_else(
        || "~/.config/custctl/global-bundle.pem".to_string(),
        |p| p.display().to_string(),
    );
    format!(
        "{how} needs the CA bundle that signs the database's certificate, and there is none: \
         no --ssl-ca (or CUSTCTL_SSL_CA), no ssl_ca in {file}'s environment, no {default}. \
         AWS publishes RDS's bundle at {RDS_CA_BUNDLE_URL}: save it as {default} or pass --ssl-ca FILE \
         (--ssl-mode required encrypts without verifying the server)"
    )
}

/// Every certificate of a PEM bundle, as the only roots to trust.
fn load_roots(path: &Path) -> Result<RootCertStore, InputError> {
    let named = |what: String| InputError(format!("--ssl-ca {}: {what}", path.display()));
    let certificates = CertificateDer::pem_file_iter(path)
        .map_err(|e| named(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| named(format!("not a PEM bundle ({e})")))?;
    if certificates.is_empty() {
        return Err(named(format!(
            "no PEM certificate in it (RDS's bundle is {RDS_CA_BUNDLE_URL})"
        )));
    }
    let count = certificates.len();
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(certificates);
    if added == 0 {
        return Err(named(format!("none of its {count} certificates can be parsed")));
    }
    Ok(roots)
}

/// A server that greeted and offered TLS, before anything was sent to it.
pub struct Greeted {
    pub stream: TcpStream,
    /// The greeting packet's payload, for the client that logs in.
    pub greeting: Vec<u8>,
}

/// `step`, or a timeout error after [`CHECK_TIMEOUT`].
async fn within<T>(step: impl std::future::Future<Output = std::io::Result<T>>) -> std::io::Result<T> {
    tokio::time::timeout(CHECK_TIMEOUT, step).await.unwrap_or_else(|_| {
        Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "no answer within 20 s",
        ))
    })
}

/// One MySQL packet (3 bytes of length, 1 of sequence number, then the payload) of at most
/// `limit` bytes: its sequence number and payload.
pub async fn read_packet(stream: &mut (impl AsyncRead + Unpin), limit: usize) -> std::io::Result<(u8, Vec<u8>)> {
    let mut header = [0u8; 4];
    stream.read_exact(&mut header).await?;
    let length = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
    if length > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("a packet of {length} bytes where at most {limit} belong"),
        ));
    }
    let mut payload = vec![0u8; length];
    stream.read_exact(&mut payload).await?;
    Ok((header[3], payload))
}

/// Writes one packet of fewer than 16 MiB, and flushes it.
pub async fn write_packet(stream: &mut (impl AsyncWrite + Unpin), sequence: u8, payload: &[u8]) -> std::io::Result<()> {
    let length = (payload.len() as u32).to_le_bytes();
    let mut packet = vec![length[0], length[1], length[2], sequence];
    packet.extend_from_slice(payload);
    stream.write_all(&packet).await?;
    stream.flush().await
}

/// Text from the server, with control characters escaped and its length bounded: it is
/// shown on a terminal, and whoever answers may be hostile.
fn shown(text: &str) -> String {
    let escaped: String = text.escape_debug().collect();
    match escaped.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped,
    }
}

/// A name rustls found in a certificate (`DnsName("db.example.com")`, `IpAddress(10.0.0.1)`), as
/// the name alone, shown safely.
fn presented_name(name: &str) -> String {
    let inner = [("DnsName(\"", "\")"), ("IpAddress(", ")")]
        .iter()
        .find_map(|(prefix, suffix)| name.strip_prefix(prefix)?.strip_suffix(suffix))
        .unwrap_or(name);
    shown(inner)
}

fn instant(time: UnixTime) -> String {
    i64::try_from(time.as_secs())
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map_or_else(|| time.as_secs().to_string(), |t| t.to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rds_endpoints_are_verified_loopback_may_be_plaintext_and_other_hosts_need_tls() {
        let rds = "customers-db.c9akciq32.eu-west-1.rds.amazonaws.com";
        assert_eq!(default_mode(rds, false), SslMode::VerifyIdentity);
        assert_eq!(
            default_mode("db.c1t9kbuexy3c.rds.cn-north-1.amazonaws.com.cn", false),
            SslMode::VerifyIdentity
        );
        assert_eq!(default_mode("rds.amazonaws.com", false), SslMode::Required);
        assert_eq!(default_mode("db.rds.amazonaws.com.cn", false), SslMode::Required);
        assert_eq!(
            default_mode("CUSTOMERS.X.RDS.AMAZONAWS.COM.", false),
            SslMode::VerifyIdentity
        );
        assert_eq!(default_mode("127.0.0.1", false), SslMode::Disabled);
        assert_eq!(default_mode("::1", false), SslMode::Disabled);
        assert_eq!(default_mode("localhost", false), SslMode::Disabled);
        assert_eq!(default_mode("db.internal.example.com", false), SslMode::Required);
        // A name that only looks like RDS's is not.
        assert_eq!(default_mode("rds.amazonaws.com.evil.example", false), SslMode::Required);
        assert_eq!(default_mode("10.0.1.5", false), SslMode::Required);
        // A CA bundle given means: verify.
        assert_eq!(default_mode("127.0.0.1", true), SslMode::VerifyIdentity);
        assert_eq!(default_mode("db.internal.example.com", true), SslMode::VerifyIdentity);
    }

    #[test]
    fn a_verify_mode_without_a_bundle_says_where_it_looked_and_where_aws_publishes_it() {
        let locations = CaLocations {
            given: None,
            config_file: Some(PathBuf::from("/home/ann/.config/custctl/config.toml")),
            default: Some(PathBuf::from("/nonexistent/custctl/global-bundle.pem")),
        };
        let err = TlsPolicy::resolve("customers-db.x.eu-west-1.rds.amazonaws.com", None, &locations).unwrap_err();
        let text = err.to_string();
        for needle in [
            "--ssl-mode verify-identity (the default for customers-db.x.eu-west-1.rds.amazonaws.com)",
            "--ssl-ca",
            "CUSTCTL_SSL_CA",
            "/home/ann/.config/custctl/config.toml",
            "/nonexistent/custctl/global-bundle.pem",
            RDS_CA_BUNDLE_URL,
            "--ssl-mode required",
        ] {
            assert!(text.contains(needle), "{needle} missing from: {text}");
        }
        // Plaintext or unverified modes need no bundle.
        assert!(TlsPolicy::resolve("127.0.0.1", None, &locations).is_ok());
        assert!(TlsPolicy::resolve("db.x.rds.amazonaws.com", Some(SslMode::Required), &locations).is_ok());
    }

    #[test]
    fn a_bundle_that_is_missing_or_holds_no_certificate_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        for path in [dir.path().join("missing.pem"), empty] {
            let locations = CaLocations {
                given: Some(path.clone()),
                ..CaLocations::default()
            };
            let err = TlsPolicy::resolve("db.example.com", Some(SslMode::VerifyCa), &locations).unwrap_err();
            assert!(
                err.to_string().starts_with(&format!("--ssl-ca {}: ", path.display())),
                "{err}"
            );
        }
    }

    #[test]
    fn the_name_a_certificate_must_carry_is_the_endpoints_whatever_address_is_connected_to() {
        let endpoint = "customers-db.c9akciq32.eu-west-1.rds.amazonaws.com";
        let policy = TlsPolicy::resolve(endpoint, Some(SslMode::Required), &CaLocations::default()).unwrap();
        // greet(host, port) gets the tunnel's 127.0.0.1; the name comes from here alone.
        assert_eq!(policy.server_name(), ServerName::try_from(endpoint).unwrap());
        let policy = TlsPolicy::resolve("10.0.1.5", Some(SslMode::Required), &CaLocations::default()).unwrap();
        assert_eq!(policy.server_name(), ServerName::try_from("10.0.1.5").unwrap());
    }

    #[test]
    fn names_from_a_certificate_are_shown_without_their_control_characters() {
        assert_eq!(shown("evil\u{1b}[2Jname"), "evil\\u{1b}[2Jname");
        assert_eq!(shown(&"x".repeat(500)).chars().count(), 201);
        assert_eq!(presented_name("DnsName(\"db.example.com\")"), "db.example.com");
        assert_eq!(presented_name("IpAddress(10.0.0.1)"), "10.0.0.1");
        assert_eq!(presented_name("Other\u{7}"), "Other\\u{7}");
    }
}
