//! The one AWS client factory: every client is built from the `SdkConfig` made here, so
//! profile, region, endpoint, credentials and retries are decided in one place.

use crate::config::{Settings, Target};
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

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

/// Whether the target region is known (a missing region is the most common first-run error).
pub fn require_region(config: &SdkConfig) -> anyhow::Result<()> {
    if config.region().is_none() {
        return Err(crate::commands::InputError(
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
