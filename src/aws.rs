//! The one AWS client factory: every client is built from the `SdkConfig` made here, so
//! profile, region, endpoint, credentials and retries are decided in one place.

use crate::config::{Origin, Settings, Target};
use crate::error::InputError;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Loads the configuration for `settings.target`: aws-config's default chain (environment,
/// profiles, SSO, `AWS_ENDPOINT_URL`) for AWS, or the local stack's endpoint and fake keys.
/// A profile named by `--profile`, `AWS_PROFILE` or the config file must exist.
pub async fn sdk_config(settings: &Settings) -> anyhow::Result<SdkConfig> {
    let loader =
        aws_config::defaults(BehaviorVersion::latest()).retry_config(RetryConfig::standard().with_max_attempts(4));
    match &settings.target {
        Target::Aws {
            profile,
            region,
            endpoint_url,
        } => {
            let mut loader = loader;
            if let Some(profile) = profile {
                require_profile(profile, &settings.origins.profile).await?;
                loader = loader.profile_name(profile);
            }
            if let Some(region) = region {
                loader = loader.region(Region::new(region.clone()));
            }
            if let Some(url) = endpoint_url {
                loader = loader.endpoint_url(url);
            }
            Ok(loader.load().await)
        }
        Target::Local(info) => Ok(local_sdk_config(&info.endpoint, &info.region).await),
    }
}

/// A profile that is in neither profile file is a typo or the wrong machine. aws-config would
/// go on to its next credential source and end with "no credentials (... IMDS ...)", which
/// does not say that; the AWS CLI says "The config profile (NAME) could not be found". The
/// files are read as aws-config reads them (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`,
/// else `~/.aws/config` and `~/.aws/credentials`). `default` is not checked: naming it changes
/// nothing, so its absence must not fail where leaving it unnamed works (keys in the
/// environment, SSO, a container role).
async fn require_profile(name: &str, origin: &Origin) -> anyhow::Result<()> {
    if name == "default" {
        return Ok(());
    }
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    let fs = aws_types::os_shim_internal::Fs::real();
    let env = aws_types::os_shim_internal::Env::real();
    // A file that does not parse is aws-config's to report, with its line.
    let Ok(profiles) = aws_config::profile::load(&fs, &env, &files, None).await else {
        return Ok(());
    };
    if profiles.get_profile(name).is_some() {
        return Ok(());
    }
    // Where aws-config looked: the variable's path, else the file in ~/.aws.
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let searched = [
        ("AWS_CONFIG_FILE", "config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    ]
    .map(
        |(variable, file)| match std::env::var_os(variable).filter(|v| !v.is_empty()) {
            Some(path) => (
                format!("{} (from {variable})", std::path::Path::new(&path).display()),
                Some(std::path::PathBuf::from(path)),
            ),
            None => (
                format!("~/.aws/{file}"),
                home.as_ref().map(|home| home.join(".aws").join(file)),
            ),
        },
    );
    let mut known: Vec<&str> = profiles.profiles().collect();
    known.sort_unstable();
    let known = if !known.is_empty() {
        format!("profiles there: {}", known.join(", "))
    } else if searched
        .iter()
        .all(|(_, path)| !path.as_ref().is_some_and(|p| p.is_file()))
    {
        "neither file exists".to_string()
    } else {
        "they define no profile".to_string()
    };
    Err(InputError(format!(
        "{}: no such AWS profile in {} or {} ({known}); create it with `aws configure --profile {name}`, \
         or name another with --profile",
        origin.cite("--profile", name),
        searched[0].0,
        searched[1].0,
    ))
    .into())
}

/// An SQS client that makes each call once: for callers that retry on their own (send's
/// batches, with their backoff and their per-entry bookkeeping) or that must fail fast
/// (invoke's queue lookup). Retrying in the SDK as well would multiply the attempts: 6 of
/// send's times 4 of the SDK's made 24 calls for one throttled message.
pub fn sqs_client_without_sdk_retries(config: &SdkConfig) -> aws_sdk_sqs::Client {
    let sqs_config = aws_sdk_sqs::config::Builder::from(config)
        .retry_config(RetryConfig::disabled())
        .build();
    aws_sdk_sqs::Client::from_conf(sqs_config)
}

/// Whether the target region is known (a missing region is the most common first-run error).
pub fn require_region(config: &SdkConfig) -> anyhow::Result<()> {
    if config.region().is_none() {
        return Err(InputError(
            "no AWS region: pass --region, set AWS_REGION, or set region in your AWS profile or in \
             custctl.toml's [env.NAME]; or use --local to talk to the local stack (`custctl local up`)"
                .into(),
        )
        .into());
    }
    Ok(())
}

/// The configuration for a local stack's endpoint: its region and the fake keys it accepts.
/// Tests and benchmarks use it too, so that they reach the stack exactly as custctl does.
pub async fn local_sdk_config(endpoint: &str, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(4))
        .endpoint_url(endpoint)
        .region(Region::new(region.to_string()))
        .credentials_provider(aws_sdk_sqs::config::Credentials::new(
            "test",
            "test",
            None,
            None,
            "custctl-local",
        ))
        .load()
        .await
}

/// One readable line for a failed AWS call: `Code: message` when AWS answered, else the chain
/// of causes (each by its message, never a debug dump), with what to do when the cause is the
/// usual one: no credentials.
pub fn describe_sdk_error<E, R>(err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    if let (Some(code), message) = (err.code(), err.message()) {
        return match message {
            Some(message) => format!("{code}: {message}"),
            None => code.to_string(),
        };
    }
    let mut causes = vec![err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !causes.iter().any(|seen| seen.contains(&text)) {
            causes.push(text);
        }
        source = cause.source();
    }
    // The credential chain lists its attempts one per line; errors here are one line.
    let chain = causes
        .join(": ")
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ")
        .replace(":;", ":");
    if chain.contains("loading credentials") || chain.contains("no credentials") {
        format!(
            "no AWS credentials found ({chain}); set AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY, run `aws sso login`, or use --local"
        )
    } else {
        chain
    }
}
