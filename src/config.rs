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
}

impl Settings {
    /// Resolves the global options. The config file is only read when it exists.
    pub fn resolve(global: &GlobalArgs) -> Result<Settings> {
        Self::resolve_with(global, global.env.as_deref())
    }

    /// As [`Settings::resolve`], with the environment `env` of the config file (or none).
    pub fn resolve_with(global: &GlobalArgs, env: Option<&str>) -> Result<Settings> {
        let file = ConfigFile::locate().map(|path| ConfigFile::load(&path)).transpose()?;
        let config_file = file.as_ref().map(|(path, _)| path.clone());
        let environment = match (env, file) {
            (Some(name), Some((path, file))) => file.env.get(name).cloned().ok_or_else(|| {
                let known: Vec<&str> = file.env.keys().map(String::as_str).collect();
                let known = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                InputError(format!(
                    "--env {name}: no [env.{name}] in {} (it has: {known})",
                    path.display()
                ))
            })?,
            (Some(name), None) => {
                return Err(InputError(format!(
                    "--env {name}: no config file (custctl.toml here, or $XDG_CONFIG_HOME/custctl/config.toml)"
                ))
                .into())
            }
            (None, _) => EnvironmentConfig::default(),
        };
        let state_dir = global.state_dir.clone().unwrap_or_else(default_state_dir);
        let target = if global.local {
            let info = StackInfo::read_running(&state_dir).ok_or_else(|| {
                anyhow::anyhow!(
                    "--local: no local stack runs in {} (start one with `custctl local up --detach`, or unset CUSTCTL_LOCAL)",
                    state_dir.display()
                )
            })?;
            Target::Local(Box::new(info))
        } else {
            Target::Aws {
                profile: global.profile.clone().or(environment.profile.clone()),
                region: global.region.clone().or(environment.region.clone()),
                endpoint_url: global.endpoint_url.clone().or(environment.endpoint_url.clone()),
            }
        };
        let pick = |flag: &Option<String>, file: &Option<String>, default: &str| {
            flag.clone()
                .or_else(|| file.clone())
                .unwrap_or_else(|| default.to_string())
        };
        // The defaults are the deploy template's names (examples/aws/template.yaml, built in),
        // which the local stack uses too.
        let defaults = custctl_rules::template::default_names();
        Ok(Settings {
            target,
            output: global.output,
            quiet: global.quiet,
            function: pick(&global.function, &environment.function, &defaults.function),
            queue: pick(&global.queue, &environment.queue, &defaults.queue),
            db_instance: pick(&global.db_instance, &environment.db_instance, &defaults.db_instance),
            bastion: environment.bastion,
            identity: environment.identity,
            known_hosts: environment.known_hosts,
            ssl_mode: environment.ssl_mode,
            ssl_ca: environment.ssl_ca.map(|path| expand_home(&path)),
            config_file,
            state_dir,
        })
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
