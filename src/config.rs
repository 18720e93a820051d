//! Settings every verb shares, resolved in one place: flags > environment variables >
//! config file (`custctl.toml` here, else `$XDG_CONFIG_HOME/custctl/config.toml`, section
//! `[env.<name>]` chosen with `--env` / `CUSTCTL_ENV`) > defaults. With `--local`, the running
//! local stack supplies the endpoint, region, fake credentials and the pipeline's names.

use crate::cli::{GlobalArgs, OutputFormat, SslMode};
use crate::error::InputError;
use anyhow::{Context, Result};
use custctl_local::stack::StackInfo;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `$XDG_STATE_HOME/custctl/local`, or `~/.local/state/custctl/local`.
pub fn default_state_dir() -> PathBuf {
    custctl_state_home().join("local")
}

/// `$XDG_STATE_HOME/custctl`, or `~/.local/state/custctl`: custctl's own state (the local
/// stack, the SQL history).
pub fn custctl_state_home() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(|| PathBuf::from(".custctl-state"));
    base.join("custctl")
}

/// `$XDG_CONFIG_HOME/custctl`, or `~/.config/custctl`: the config file, and the RDS CA bundle.
pub fn custctl_config_home() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("custctl"))
}

/// Where `custctl sql` looks for the RDS CA bundle when none is given: AWS's own file name.
pub fn default_ssl_ca() -> Option<PathBuf> {
    Some(custctl_config_home()?.join("global-bundle.pem"))
}

/// One named environment of the config file.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentConfig {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub function: Option<String>,
    pub queue: Option<String>,
    pub db_instance: Option<String>,
    /// `user@host[:port]` of the SSH bastion in front of the database.
    pub bastion: Option<String>,
    pub identity: Option<PathBuf>,
    /// Trust only the host keys in this file for the bastion (the local stack's, written by
    /// `custctl --local init`); otherwise ssh's own known_hosts.
    pub known_hosts: Option<PathBuf>,
    /// `custctl sql`'s TLS demand (`disabled`, `required`, `verify-ca`, `verify-identity`).
    pub ssl_mode: Option<SslMode>,
    /// The CA bundle that signs the database's certificate (`~/` is the home directory).
    pub ssl_ca: Option<PathBuf>,
}

/// The config file: `[env.<name>]` sections.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub env: BTreeMap<String, EnvironmentConfig>,
}

/// Where the AWS side is: AWS itself (profile and region through aws-config's chain, maybe an
/// endpoint override), or the local stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Aws {
        profile: Option<String>,
        region: Option<String>,
        endpoint_url: Option<String>,
    },
    /// Boxed: a `StackInfo` is several times the size of the `Aws` variant.
    Local(Box<StackInfo>),
}

/// Where a setting's value came from, so that an error about it says what to change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// Typed on the command line.
    Flag,
    /// An environment variable (`CUSTCTL_QUEUE`, `AWS_PROFILE`).
    Variable(String),
    /// A `[env.NAME]` section of the config file.
    File { path: PathBuf, section: String },
    /// custctl's default (the deploy template's names), or aws-config's chain.
    #[default]
    Default,
}

impl Origin {
    /// `--queue nope`, followed by where `nope` came from when it was not typed:
    /// `--queue nope (from CUSTCTL_QUEUE)`. How an error names a setting: the flag that
    /// changes it, and the variable or file that set it.
    pub fn cite(&self, flag: &str, value: &str) -> String {
        match self {
            Origin::Flag => format!("{flag} {value}"),
            Origin::Variable(variable) => format!("{flag} {value} (from {variable})"),
            Origin::File { path, section } => {
                format!("{flag} {value} (from [env.{section}] in {})", path.display())
            }
            Origin::Default => format!("{flag} {value} (the default)"),
        }
    }
}

/// Where each named setting came from.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    pub function: Origin,
    pub queue: Origin,
    pub db_instance: Origin,
    pub profile: Origin,
    pub region: Origin,
}

/// Everything a verb needs to know before it starts, with no clap types in it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub target: Target,
    pub output: OutputFormat,
    pub quiet: bool,
    pub function: String,
    pub queue: String,
    pub db_instance: String,
    pub bastion: Option<String>,
    pub identity: Option<PathBuf>,
    pub known_hosts: Option<PathBuf>,
    pub ssl_mode: Option<SslMode>,
    pub ssl_ca: Option<PathBuf>,
    /// The config file the settings came from, for errors that point into it.
    pub config_file: Option<PathBuf>,
    pub state_dir: PathBuf,
    pub origins: Origins,
}

impl Settings {
    /// Resolves the global options. The config file is only read when it exists.
    pub fn resolve(global: &GlobalArgs) -> Result<Settings> {
        Self::resolve_with(global, global.env.as_deref())
    }

    /// `--queue NAME` and where NAME came from, for errors about the queue.
    pub fn cite_queue(&self) -> String {
        self.origins.queue.cite("--queue", &self.queue)
    }

    /// `--function NAME` and where NAME came from, for errors about the function.
    pub fn cite_function(&self) -> String {
        self.origins.function.cite("--function", &self.function)
    }

    /// `--db-instance ID` and where ID came from, for errors about the database.
    pub fn cite_db_instance(&self) -> String {
        self.origins.db_instance.cite("--db-instance", &self.db_instance)
    }

    /// As [`Settings::resolve`], with the environment `env` of the config file (or none).
    pub fn resolve_with(global: &GlobalArgs, env: Option<&str>) -> Result<Settings> {
        let origin_of = |id: &str| match global.variable_of(id) {
            Some(variable) => Origin::Variable(variable.to_string()),
            None => Origin::Flag,
        };
        let file = ConfigFile::locate().map(|path| ConfigFile::load(&path)).transpose()?;
        let config_file = file.as_ref().map(|(path, _)| path.clone());
        let (environment, file_origin) = match (env, file) {
            (Some(name), Some((path, file))) => {
                let Some(environment) = file.env.get(name).cloned() else {
                    let known: Vec<&str> = file.env.keys().map(String::as_str).collect();
                    let known = if known.is_empty() {
                        "it has no [env.NAME] section".to_string()
                    } else {
                        format!("it has: {}", known.join(", "))
                    };
                    return Err(InputError(format!(
                        "{}: no [env.{name}] in {} ({known})",
                        origin_of("env").cite("--env", name),
                        path.display()
                    ))
                    .into());
                };
                let origin = Origin::File {
                    path,
                    section: name.to_string(),
                };
                (environment, origin)
            }
            (Some(name), None) => {
                return Err(InputError(format!(
                    "{}: no config file (custctl.toml here, or $XDG_CONFIG_HOME/custctl/config.toml)",
                    origin_of("env").cite("--env", name)
                ))
                .into())
            }
            (None, _) => (EnvironmentConfig::default(), Origin::Default),
        };
        // Each setting: the flag or its environment variable (clap reads both), then the
        // config file, then the default; an empty value counts as none.
        let layered = |id: &str, given: &Option<String>, from_file: &Option<String>| {
            if let Some(value) = non_empty(given) {
                Some((value, origin_of(id)))
            } else {
                non_empty(from_file).map(|value| (value, file_origin.clone()))
            }
        };
        let state_dir = global.state_dir.clone().unwrap_or_else(default_state_dir);
        let mut origins = Origins::default();
        let target = if global.local {
            let info = StackInfo::read_running(&state_dir).ok_or_else(|| no_local_stack(global, &state_dir))?;
            Target::Local(Box::new(info))
        } else {
            let profile = layered("profile", &global.profile, &environment.profile);
            // AWS_DEFAULT_REGION is aws-config's second region variable, after AWS_REGION: an
            // environment variable too, so it comes before the file.
            let region = layered("region", &global.region, &None)
                .or_else(|| {
                    std::env::var("AWS_DEFAULT_REGION")
                        .ok()
                        .filter(|v| !v.is_empty())
                        .map(|v| (v, Origin::Variable("AWS_DEFAULT_REGION".into())))
                })
                .or_else(|| non_empty(&environment.region).map(|v| (v, file_origin.clone())));
            // An exported AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_<SERVICE>) beats the file's
            // endpoint: it is left to aws-config, which reads it as every AWS SDK and the AWS CLI
            // do (a service's own variable first, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS honoured).
            let endpoint_url = non_empty(&global.endpoint_url).or_else(|| {
                let exported = std::env::vars_os().any(|(name, value)| {
                    name.to_str().is_some_and(|n| n.starts_with("AWS_ENDPOINT_URL")) && !value.is_empty()
                });
                (!exported).then(|| non_empty(&environment.endpoint_url)).flatten()
            });
            let (profile, profile_origin) = profile.unzip();
            let (region, region_origin) = region.unzip();
            origins.profile = profile_origin.unwrap_or_default();
            origins.region = region_origin.unwrap_or_default();
            Target::Aws {
                profile,
                region,
                endpoint_url,
            }
        };
        // The defaults are the deploy template's names (examples/aws/template.yaml, built in),
        // which the local stack uses too.
        let defaults = custctl_rules::template::default_names();
        let pick = |id: &str, given: &Option<String>, from_file: &Option<String>, default: &str| {
            layered(id, given, from_file).unwrap_or_else(|| (default.to_string(), Origin::Default))
        };
        let (function, function_origin) = pick("function", &global.function, &environment.function, &defaults.function);
        let (queue, queue_origin) = pick("queue", &global.queue, &environment.queue, &defaults.queue);
        let (db_instance, db_instance_origin) = pick(
            "db_instance",
            &global.db_instance,
            &environment.db_instance,
            &defaults.db_instance,
        );
        origins.function = function_origin;
        origins.queue = queue_origin;
        origins.db_instance = db_instance_origin;
        Ok(Settings {
            target,
            output: global.output,
            quiet: global.quiet,
            function,
            queue,
            db_instance,
            bastion: environment.bastion,
            identity: environment.identity,
            known_hosts: environment.known_hosts,
            ssl_mode: environment.ssl_mode,
            ssl_ca: environment.ssl_ca.map(|path| expand_home(&path)),
            config_file,
            state_dir,
            origins,
        })
    }
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.is_empty())
}

/// `--local` (or `CUSTCTL_LOCAL`) with no stack running in the state dir: how to start one, and
/// how to stop asking for one when the variable asked.
fn no_local_stack(global: &GlobalArgs, state_dir: &Path) -> anyhow::Error {
    let dir = match global.variable_of("state_dir") {
        Some(variable) => format!("{} (from {variable})", state_dir.display()),
        None => state_dir.display().to_string(),
    };
    match global.variable_of("local") {
        Some(variable) => anyhow::anyhow!(
            "{variable} is set, so custctl talks to the local stack, but none runs in {dir}: start one with \
             `custctl local up --detach`, or unset {variable} to talk to AWS"
        ),
        None => anyhow::anyhow!("--local: no local stack runs in {dir} (start one with `custctl local up --detach`)"),
    }
}

/// `~/x` as `$HOME/x`; any other path as it is.
fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}

impl ConfigFile {
    /// `./custctl.toml`, else `$XDG_CONFIG_HOME/custctl/config.toml` (`~/.config/...`).
    pub fn locate() -> Option<PathBuf> {
        let here = PathBuf::from("custctl.toml");
        if here.is_file() {
            return Some(here);
        }
        Some(custctl_config_home()?.join("config.toml")).filter(|p| p.is_file())
    }

    pub fn load(path: &Path) -> Result<(PathBuf, ConfigFile)> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let file: ConfigFile =
            toml::from_str(&text).map_err(|e| InputError(format!("{}: {}", path.display(), e.message())))?;
        Ok((path.to_path_buf(), file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_file_sections_parse_and_unknown_keys_are_refused() {
        let file: ConfigFile = toml::from_str(
            "[env.prod]\nprofile = \"prod\"\nregion = \"eu-west-1\"\nqueue = \"customers-prod\"\nbastion = \"ec2-user@bastion.example.com:22\"\n",
        )
        .unwrap();
        let prod = &file.env["prod"];
        assert_eq!(prod.profile.as_deref(), Some("prod"));
        assert_eq!(prod.queue.as_deref(), Some("customers-prod"));
        assert!(toml::from_str::<ConfigFile>("[env.prod]\nqueueu = \"x\"\n").is_err());
    }

    #[test]
    fn ssl_settings_parse_and_a_mode_that_does_not_exist_names_the_ones_that_do() {
        let file: ConfigFile =
            toml::from_str("[env.prod]\nssl_mode = \"verify-ca\"\nssl_ca = \"~/rds/global-bundle.pem\"\n").unwrap();
        assert_eq!(file.env["prod"].ssl_mode, Some(SslMode::VerifyCa));
        let err = toml::from_str::<ConfigFile>("[env.prod]\nssl_mode = \"verify_full\"\n").unwrap_err();
        assert!(err.message().contains("verify-identity"), "{}", err.message());
    }
}
