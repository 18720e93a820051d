//! `custctl db`: the RDS instances and Aurora clusters of the region, or one of them in full
//! (endpoint, network, encryption, master user secret), optionally waiting until it is
//! available. `custctl sql` finds its endpoint and secret through [`find`].

use crate::cli::{DbArgs, GlobalArgs};
use crate::config::Settings;
use crate::error::InputError;
use crate::output::{self, Render};
use crate::progress::Progress;
use anyhow::{Context, Result};
use aws_sdk_rds::types::{DbCluster, DbInstance};
use serde::Serialize;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// One instance or cluster, as `custctl db` shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DbDescription {
    pub identifier: String,
    /// `instance` or `cluster`.
    pub kind: &'static str,
    pub engine: String,
    pub engine_version: String,
    pub status: String,
    pub endpoint: Option<String>,
    pub port: Option<u16>,
    /// Clusters only: the reader endpoint.
    pub reader_endpoint: Option<String>,
    pub database: Option<String>,
    pub vpc: Option<String>,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub publicly_accessible: Option<bool>,
    pub storage_encrypted: Option<bool>,
    pub iam_auth: Option<bool>,
    pub master_user_secret_arn: Option<String>,
}

impl DbDescription {
    fn of_instance(db: &DbInstance) -> DbDescription {
        let subnet_group = db.db_subnet_group();
        DbDescription {
            identifier: db.db_instance_identifier().unwrap_or_default().to_string(),
            kind: "instance",
            engine: db.engine().unwrap_or_default().to_string(),
            engine_version: db.engine_version().unwrap_or_default().to_string(),
            status: db.db_instance_status().unwrap_or_default().to_string(),
            endpoint: db.endpoint().and_then(|e| e.address()).map(str::to_string),
            port: db.endpoint().and_then(|e| e.port()).and_then(|p| u16::try_from(p).ok()),
            reader_endpoint: None,
            database: db.db_name().map(str::to_string),
            vpc: subnet_group.and_then(|g| g.vpc_id()).map(str::to_string),
            subnets: subnet_group
                .map(|g| {
                    g.subnets()
                        .iter()
                        .filter_map(|s| s.subnet_identifier().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            security_groups: security_group_ids(db.vpc_security_groups()),
            publicly_accessible: db.publicly_accessible(),
            storage_encrypted: db.storage_encrypted(),
            iam_auth: db.iam_database_authentication_enabled(),
            master_user_secret_arn: db.master_user_secret().and_then(|s| s.secret_arn()).map(str::to_string),
        }
    }

    /// A cluster has no subnet list of its own: its first member's network is the cluster's.
    fn of_cluster(db: &DbCluster, members: &[DbDescription]) -> DbDescription {
        let member = db
            .db_cluster_members()
            .iter()
            .filter_map(|m| m.db_instance_identifier())
            .find_map(|id| members.iter().find(|d| d.identifier == id));
        DbDescription {
            identifier: db.db_cluster_identifier().unwrap_or_default().to_string(),
            kind: "cluster",
            engine: db.engine().unwrap_or_default().to_string(),
            engine_version: db.engine_version().unwrap_or_default().to_string(),
            status: db.status().unwrap_or_default().to_string(),
            endpoint: db.endpoint().map(str::to_string),
            port: db.port().and_then(|p| u16::try_from(p).ok()),
            reader_endpoint: db.reader_endpoint().map(str::to_string),
            database: db.database_name().map(str::to_string),
            vpc: member.and_then(|m| m.vpc.clone()),
            subnets: member.map(|m| m.subnets.clone()).unwrap_or_default(),
            security_groups: security_group_ids(db.vpc_security_groups()),
            publicly_accessible: db.publicly_accessible(),
            storage_encrypted: db.storage_encrypted(),
            iam_auth: db.iam_database_authentication_enabled(),
            master_user_secret_arn: db.master_user_secret().and_then(|s| s.secret_arn()).map(str::to_string),
        }
    }

    /// `host:port`, or `-` while RDS has not assigned one.
    fn address(&self) -> String {
        match (&self.endpoint, self.port) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.clone(),
            _ => "-".into(),
        }
    }
}

fn security_group_ids(groups: &[aws_sdk_rds::types::VpcSecurityGroupMembership]) -> Vec<String> {
    groups
        .iter()
        .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
        .collect()
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => "-".into(),
    }
}

impl Render for DbDescription {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let list = |v: &[String]| if v.is_empty() { "-".into() } else { v.join(", ") };
        let mut rows = vec![
            ("identifier", self.identifier.clone()),
            ("kind", self.kind.to_string()),
            ("engine", format!("{} {}", self.engine, self.engine_version)),
            ("status", self.status.clone()),
            ("endpoint", self.address()),
        ];
        if let Some(reader) = &self.reader_endpoint {
            rows.push(("reader endpoint", reader.clone()));
        }
        rows.extend([
            ("database", or_dash(&self.database)),
            ("vpc", or_dash(&self.vpc)),
            ("subnets", list(&self.subnets)),
            ("security groups", list(&self.security_groups)),
            ("publicly accessible", yes_no(self.publicly_accessible)),
            ("storage encrypted", yes_no(self.storage_encrypted)),
            ("iam auth", yes_no(self.iam_auth)),
            ("master user secret", or_dash(&self.master_user_secret_arn)),
        ]);
        (
            Vec::new(),
            rows.into_iter().map(|(k, v)| vec![k.to_string(), v]).collect(),
        )
    }
}

/// Every instance and cluster of the region.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct DbList(pub Vec<DbDescription>);

impl Render for DbList {
    fn rows(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let header = output::header(&["identifier", "kind", "engine", "status", "endpoint", "database"]);
        let rows = self
            .0
            .iter()
            .map(|d| {
                vec![
                    d.identifier.clone(),
                    d.kind.to_string(),
                    format!("{} {}", d.engine, d.engine_version),
                    d.status.clone(),
                    d.address(),
                    d.database.clone().unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        (header, rows)
    }

    fn line(&self) -> Option<String> {
        self.0
            .is_empty()
            .then(|| "no RDS instances or clusters in this region".to_string())
    }
}

/// Every instance, then every cluster, of the region (all pages).
pub async fn list(client: &aws_sdk_rds::Client) -> Result<Vec<DbDescription>> {
    let instances: Vec<DbInstance> = client
        .describe_db_instances()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(|e| anyhow::anyhow!("DescribeDBInstances: {}", crate::aws::describe_sdk_error(&e)))?;
    let clusters: Vec<DbCluster> = client
        .describe_db_clusters()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<_, _>>()
        .await
        .map_err(|e| anyhow::anyhow!("DescribeDBClusters: {}", crate::aws::describe_sdk_error(&e)))?;
    let mut all: Vec<DbDescription> = instances.iter().map(DbDescription::of_instance).collect();
    let clusters: Vec<DbDescription> = clusters.iter().map(|c| DbDescription::of_cluster(c, &all)).collect();
    all.extend(clusters);
    Ok(all)
}

/// The instance or cluster `identifier`; an unknown one is bad input, and the error names the
/// setting as `cited` (`--db-instance x (from CUSTCTL_DB_INSTANCE)`) and the ones that exist.
pub async fn find(client: &aws_sdk_rds::Client, identifier: &str, cited: &str) -> Result<DbDescription> {
    let all = list(client).await?;
    // A cluster's writer instance has the same endpoint; ask for the cluster by its own name.
    if let Some(found) = all.iter().find(|d| d.identifier == identifier) {
        return Ok(found.clone());
    }
    let known: Vec<&str> = all.iter().map(|d| d.identifier.as_str()).collect();
    Err(InputError(format!(
        "{cited}: no such RDS instance or cluster in this region (there are: {})",
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        }
    ))
    .into())
}

pub fn run(global: &crate::cli::GlobalArgs, args: &DbArgs) -> Result<ExitCode> {
    let settings = Settings::resolve(global)?;
    // With no --db-instance (or CUSTCTL_DB_INSTANCE) the whole region is listed.
    let identifier = chosen_identifier(global, &settings);
    if args.wait && identifier.is_none() {
        return Err(InputError("--wait needs --db-instance ID: which instance to wait for".into()).into());
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let config = crate::aws::sdk_config(&settings).await?;
        crate::aws::require_region(&config)?;
        let client = aws_sdk_rds::Client::new(&config);
        let Some(identifier) = identifier else {
            output::print(settings.output, &DbList(list(&client).await?))?;
            return Ok(ExitCode::SUCCESS);
        };
        let mut found = find(&client, &identifier, &settings.cite_db_instance()).await?;
        if args.wait {
            found = wait_available(&client, &settings, found, Duration::from_secs(args.wait_timeout)).await?;
        }
        output::print(settings.output, &found)?;
        Ok(ExitCode::SUCCESS)
    })
}

fn chosen_identifier(global: &GlobalArgs, settings: &Settings) -> Option<String> {
    global.db_instance.as_ref().map(|_| settings.db_instance.clone())
}

async fn wait_available(
    client: &aws_sdk_rds::Client,
    settings: &Settings,
    mut current: DbDescription,
    limit: Duration,
) -> Result<DbDescription> {
    let progress = Progress::spinner(settings.quiet, "");
    let deadline = Instant::now() + limit;
    while current.status != "available" {
        progress.set_message(format!("waiting for {} ({})", current.identifier, current.status));
        if Instant::now() > deadline {
            progress.clear();
            anyhow::bail!(
                "{} is still {} after {} s (raise --wait-timeout)",
                current.identifier,
                current.status,
                limit.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
        current = find(client, &current.identifier, &settings.cite_db_instance())
            .await
            .context("while waiting")?;
    }
    progress.clear();
    Ok(current)
}
