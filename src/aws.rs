//! The one AWS client factory: every client is built from the `SdkConfig` made here, so
//! profile, region, endpoint, credentials and retries are decided in one place.

use crate::config::{Settings, Target};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Loads the configuration for `settings.target`: aws-config's default chain (environment,
/// profiles, SSO, `AWS_ENDPOINT_URL`) for AWS, or the local stack's endpoint and fake keys.
pub async fn sdk_config(settings: &Settings) -> SdkConfig {
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
                loader = loader.profile_name(profile);
            }
            if let Some(region) = region {
                loader = loader.region(Region::new(region.clone()));
            }
            if let Some(url) = endpoint_url {
                loader = loader.endpoint_url(url);
            }
            loader.load().await
        }
        Target::Local(info) => local_sdk_config(&info.endpoint, &info.region).await,
    }
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
        return Err(crate::error::InputError(
            "no AWS region: pass --region, set AWS_REGION, or set region in your AWS profile".into(),
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
