//! The local RDS and Secrets Manager services, driven by the real AWS SDK clients through the
//! local endpoint: what a deployment's discovery code reads (endpoint, port, master user secret)
//! comes back field for field, and the secret it points at resolves.

use aws_sdk_rds::types::Filter;
use aws_sdk_secretsmanager::types::{Filter as SecretFilter, FilterNameStringType};
use custctl_local::gateway::Gateway;
use custctl_local::rds::{self, DbClusterSpec, DbInstanceSpec, RdsService};
use custctl_local::secrets::{self, SecretsService};
use custctl_local::wire::JsonProtocol;
use serde_json::json;
use std::sync::Arc;

const REGION: &str = "us-east-1";

/// A local endpoint with the stack's instance, an Aurora cluster of two, and their secrets.
struct Endpoint {
    url: String,
    instance_secret_arn: String,
    cluster_secret_arn: String,
    secrets: Arc<SecretsService>,
}

/// The master user secret as RDS stores it.
fn rds_secret(password: &str, port: u16) -> serde_json::Value {
    json!({
        "username": "admin",
        "password": password,
        "engine": "mysql",
        "host": "127.0.0.1",
        "port": port,
        "dbname": "customers",
    })
}

async fn start() -> Endpoint {
    let secrets = Arc::new(SecretsService::new(REGION));
    let instance_secret_arn = secrets.put_secret("rds!db-customers", &rds_secret("s3cret", 13306).to_string());
    let cluster_secret_arn = secrets.put_secret("rds!cluster-customers", &rds_secret("other", 13307).to_string());
    let instance = |identifier: &str, port: u16, secret: &str| DbInstanceSpec {
        identifier: identifier.into(),
        port,
        db_name: "customers".into(),
        master_username: "admin".into(),
        master_user_secret_arn: secret.into(),
        region: REGION.into(),
    };
    let rds = RdsService::new(
        vec![
            instance("customers-db", 13306, &instance_secret_arn),
            instance("customers-aurora-1", 13307, ""),
            instance("customers-aurora-2", 13307, ""),
        ],
        vec![DbClusterSpec {
            identifier: "customers-aurora".into(),
            port: 13307,
            database_name: "customers".into(),
            master_username: "admin".into(),
            master_user_secret_arn: cluster_secret_arn.clone(),
            region: REGION.into(),
            members: vec!["customers-aurora-1".into(), "customers-aurora-2".into()],
        }],
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let router = Gateway::new()
        .query_service(rds::API_VERSION, Arc::new(rds))
        .json_service(secrets::TARGET_PREFIX, JsonProtocol::V1_1, secrets.clone())
        .into_router(listener.local_addr().unwrap().port());
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Endpoint {
        url,
        instance_secret_arn,
        cluster_secret_arn,
        secrets,
    }
}

impl Endpoint {
    fn rds(&self) -> aws_sdk_rds::Client {
        let config = aws_sdk_rds::Config::builder()
            .behavior_version(aws_sdk_rds::config::BehaviorVersion::latest())
            .endpoint_url(&self.url)
            .region(aws_sdk_rds::config::Region::new(REGION))
            .credentials_provider(aws_sdk_rds::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .build();
        aws_sdk_rds::Client::from_conf(config)
    }

    fn secrets_manager(&self) -> aws_sdk_secretsmanager::Client {
        use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
        let config = aws_sdk_secretsmanager::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&self.url)
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("test", "test", None, None, "test"))
            .build();
        aws_sdk_secretsmanager::Client::from_conf(config)
    }
}

fn instance_ids(out: &aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput) -> Vec<&str> {
    out.db_instances()
        .iter()
        .filter_map(|i| i.db_instance_identifier())
        .collect()
}

#[tokio::test]
async fn describe_db_instances_returns_every_field_discovery_reads() {
    let endpoint = start().await;
    let rds = endpoint.rds();

    let all = rds.describe_db_instances().send().await.unwrap();
    assert_eq!(
        instance_ids(&all),
        ["customers-aurora-1", "customers-aurora-2", "customers-db"]
    );
    assert_eq!(all.marker(), None);

    let out = rds
        .describe_db_instances()
        .db_instance_identifier("customers-db")
        .send()
        .await
        .unwrap();
    let [db] = out.db_instances() else {
        panic!("expected one instance, got {:?}", out.db_instances())
    };
    assert_eq!(db.db_instance_identifier(), Some("customers-db"));
    assert_eq!(db.db_instance_class(), Some("db.t4g.micro"));
    assert_eq!(db.engine(), Some("mysql"));
    assert_eq!(db.engine_version(), Some("8.0.39"));
    assert_eq!(db.db_instance_status(), Some("available"));
    assert_eq!(db.master_username(), Some("admin"));
    assert_eq!(db.db_name(), Some("customers"));
    let address = db.endpoint().expect("Endpoint");
    assert_eq!(address.address(), Some("127.0.0.1"));
    assert_eq!(address.port(), Some(13306));
    assert!(address.hosted_zone_id().is_some_and(|z| !z.is_empty()));
    assert_eq!(db.allocated_storage(), Some(20));
    assert!(db.instance_create_time().is_some());
    assert_eq!(db.availability_zone(), Some("us-east-1a"));
    let subnet_group = db.db_subnet_group().expect("DBSubnetGroup");
    assert_eq!(subnet_group.db_subnet_group_name(), Some("default"));
    assert!(subnet_group.vpc_id().is_some_and(|v| v.starts_with("vpc-")));
    assert_eq!(subnet_group.subnet_group_status(), Some("Complete"));
    let zones: Vec<_> = subnet_group
        .subnets()
        .iter()
        .map(|s| {
            assert!(s.subnet_identifier().is_some_and(|id| id.starts_with("subnet-")));
            assert_eq!(s.subnet_status(), Some("Active"));
            s.subnet_availability_zone().and_then(|z| z.name())
        })
        .collect();
    assert_eq!(zones, [Some("us-east-1a"), Some("us-east-1b")]);
    let [security_group] = db.vpc_security_groups() else {
        panic!("expected one VPC security group")
    };
    assert!(security_group
        .vpc_security_group_id()
        .is_some_and(|id| id.starts_with("sg-")));
    assert_eq!(security_group.status(), Some("active"));
    assert_eq!(db.publicly_accessible(), Some(false));
    assert_eq!(db.storage_encrypted(), Some(true));
    assert_eq!(db.iam_database_authentication_enabled(), Some(false));
    assert!(db.dbi_resource_id().is_some_and(|id| id.starts_with("db-")));
    assert_eq!(
        db.db_instance_arn(),
        Some("arn:aws:rds:us-east-1:000000000000:db:customers-db")
    );
    assert_eq!(db.db_cluster_identifier(), None);
    let secret = db.master_user_secret().expect("MasterUserSecret");
    assert_eq!(secret.secret_arn(), Some(endpoint.instance_secret_arn.as_str()));
    assert_eq!(secret.secret_status(), Some("active"));
    assert!(secret
        .kms_key_id()
        .is_some_and(|k| k.starts_with("arn:aws:kms:us-east-1:")));

    // Identifiers are case-insensitive, and an ARN names the instance too.
    let by_arn = rds
        .describe_db_instances()
        .db_instance_identifier("arn:aws:rds:us-east-1:000000000000:db:customers-db")
        .send()
        .await
        .unwrap();
    assert_eq!(instance_ids(&by_arn), ["customers-db"]);
    let upper = rds
        .describe_db_instances()
        .db_instance_identifier("CUSTOMERS-DB")
        .send()
        .await
        .unwrap();
    assert_eq!(instance_ids(&upper), ["customers-db"]);
}

#[tokio::test]
async fn filters_and_pages_select_instances() {
    let endpoint = start().await;
    let rds = endpoint.rds();

    let mysql = rds
        .describe_db_instances()
        .filters(Filter::builder().name("engine").values("mysql").build())
        .send()
        .await
        .unwrap();
    assert_eq!(instance_ids(&mysql), ["customers-db"]);

    let members = rds
        .describe_db_instances()
        .filters(
            Filter::builder()
                .name("db-cluster-id")
                .values("customers-aurora")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(instance_ids(&members), ["customers-aurora-1", "customers-aurora-2"]);
    let member = &members.db_instances()[0];
    assert_eq!(member.engine(), Some("aurora-mysql"));
    assert_eq!(member.db_cluster_identifier(), Some("customers-aurora"));
    // In Aurora the cluster, not its instances, holds the master user secret.
    assert!(member.master_user_secret().is_none());

    let items: Vec<_> = rds
        .describe_db_instances()
        .max_records(20)
        .into_paginator()
        .items()
        .send()
        .collect()
        .await;
    assert_eq!(items.len(), 3);

    let err = rds
        .describe_db_instances()
        .filters(Filter::builder().name("db-name").values("customers").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.as_service_error().and_then(|e| e.meta().code()),
        Some("InvalidParameterValue")
    );
}

#[tokio::test]
async fn an_unknown_instance_or_cluster_is_not_found() {
    let endpoint = start().await;
    let rds = endpoint.rds();

    let err = rds
        .describe_db_instances()
        .db_instance_identifier("orders-db")
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_db_instance_not_found_fault(), "{err:?}");
    assert_eq!(err.meta().message(), Some("DBInstance orders-db not found."));

    let err = rds
        .describe_db_clusters()
        .db_cluster_identifier("orders")
        .send()
        .await
        .unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_db_cluster_not_found_fault(), "{err:?}");
    assert_eq!(err.meta().message(), Some("DBCluster orders not found."));
}

#[tokio::test]
async fn describe_db_clusters_returns_the_aurora_cluster() {
    let endpoint = start().await;
    let rds = endpoint.rds();

    let all = rds.describe_db_clusters().send().await.unwrap();
    assert_eq!(all.db_clusters().len(), 1);
    let out = rds
        .describe_db_clusters()
        .db_cluster_identifier("customers-aurora")
        .send()
        .await
        .unwrap();
    let [cluster] = out.db_clusters() else {
        panic!("expected one cluster, got {:?}", out.db_clusters())
    };
    assert_eq!(cluster.db_cluster_identifier(), Some("customers-aurora"));
    assert_eq!(cluster.engine(), Some("aurora-mysql"));
    assert!(cluster.engine_version().is_some_and(|v| v.contains("mysql_aurora")));
    assert_eq!(cluster.status(), Some("available"));
    assert_eq!(cluster.endpoint(), Some("127.0.0.1"));
    assert_eq!(cluster.reader_endpoint(), Some("127.0.0.1"));
    assert_eq!(cluster.port(), Some(13307));
    assert_eq!(cluster.database_name(), Some("customers"));
    assert_eq!(cluster.master_username(), Some("admin"));
    let members: Vec<_> = cluster
        .db_cluster_members()
        .iter()
        .map(|m| (m.db_instance_identifier().unwrap_or_default(), m.is_cluster_writer()))
        .collect();
    assert_eq!(
        members,
        [("customers-aurora-1", Some(true)), ("customers-aurora-2", Some(false))]
    );
    let [security_group] = cluster.vpc_security_groups() else {
        panic!("expected one VPC security group")
    };
    assert_eq!(security_group.status(), Some("active"));
    assert_eq!(cluster.storage_encrypted(), Some(true));
    assert_eq!(cluster.iam_database_authentication_enabled(), Some(false));
    let secret = cluster.master_user_secret().expect("MasterUserSecret");
    assert_eq!(secret.secret_arn(), Some(endpoint.cluster_secret_arn.as_str()));
    assert_eq!(secret.secret_status(), Some("active"));
    assert_eq!(
        cluster.db_cluster_arn(),
        Some("arn:aws:rds:us-east-1:000000000000:cluster:customers-aurora")
    );
    assert_eq!(cluster.db_subnet_group(), Some("default"));
    assert_eq!(cluster.availability_zones(), ["us-east-1a", "us-east-1b"]);
}

#[tokio::test]
async fn the_master_user_secret_resolves_by_name_and_arn() {
    let endpoint = start().await;
    let sm = endpoint.secrets_manager();
    let expected = rds_secret("s3cret", 13306);

    let by_name = sm
        .get_secret_value()
        .secret_id("rds!db-customers")
        .send()
        .await
        .unwrap();
    assert_eq!(by_name.arn(), Some(endpoint.instance_secret_arn.as_str()));
    assert_eq!(by_name.name(), Some("rds!db-customers"));
    assert_eq!(by_name.version_stages(), ["AWSCURRENT"]);
    assert!(by_name.version_id().is_some());
    assert!(by_name.created_date().is_some());
    let parsed: serde_json::Value = serde_json::from_str(by_name.secret_string().unwrap()).unwrap();
    assert_eq!(parsed, expected);

    let arn = &endpoint.instance_secret_arn;
    let partial_arn = &arn[..arn.len() - 7];
    for secret_id in [arn.as_str(), partial_arn] {
        let out = sm.get_secret_value().secret_id(secret_id).send().await.unwrap();
        assert_eq!(out.secret_string(), by_name.secret_string(), "{secret_id}");
    }

    // What a client does: find the instance, then read the secret it points at.
    let instances = endpoint
        .rds()
        .describe_db_instances()
        .db_instance_identifier("customers-db")
        .send()
        .await
        .unwrap();
    let secret_arn = instances.db_instances()[0]
        .master_user_secret()
        .and_then(|s| s.secret_arn())
        .unwrap();
    let out = sm.get_secret_value().secret_id(secret_arn).send().await.unwrap();
    let parsed: serde_json::Value = serde_json::from_str(out.secret_string().unwrap()).unwrap();
    assert_eq!(parsed["port"], 13306);
    assert_eq!(parsed["password"], "s3cret");

    let err = sm
        .get_secret_value()
        .secret_id("rds!db-orders")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    assert_eq!(
        err.meta().message(),
        Some("Secrets Manager can't find the specified secret.")
    );
}

#[tokio::test]
async fn secrets_are_created_updated_described_and_listed() {
    let endpoint = start().await;
    let sm = endpoint.secrets_manager();

    let created = sm
        .create_secret()
        .name("custctl/test")
        .secret_string("one")
        .send()
        .await
        .unwrap();
    let arn = created.arn().unwrap().to_owned();
    assert!(arn.starts_with("arn:aws:secretsmanager:us-east-1:000000000000:secret:custctl/test-"));
    let err = sm
        .create_secret()
        .name("custctl/test")
        .secret_string("again")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_resource_exists_exception());

    let put = sm
        .put_secret_value()
        .secret_id(&arn)
        .secret_string("two")
        .send()
        .await
        .unwrap();
    assert_eq!(put.version_stages(), ["AWSCURRENT"]);
    let current = sm.get_secret_value().secret_id("custctl/test").send().await.unwrap();
    assert_eq!(current.secret_string(), Some("two"));
    let previous = sm
        .get_secret_value()
        .secret_id("custctl/test")
        .version_stage("AWSPREVIOUS")
        .send()
        .await
        .unwrap();
    assert_eq!(previous.secret_string(), Some("one"));
    assert_eq!(previous.version_id(), created.version_id());

    let described = sm.describe_secret().secret_id("custctl/test").send().await.unwrap();
    assert_eq!(described.arn(), Some(arn.as_str()));
    let versions = described.version_ids_to_stages().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[put.version_id().unwrap()], ["AWSCURRENT"]);
    assert!(described.last_accessed_date().is_some());

    // The stack's own put keeps the ARN it handed out.
    assert_eq!(endpoint.secrets.put_secret("custctl/test", "three"), arn);
    let current = sm.get_secret_value().secret_id(&arn).send().await.unwrap();
    assert_eq!(current.secret_string(), Some("three"));

    let listed = sm
        .list_secrets()
        .filters(
            SecretFilter::builder()
                .key(FilterNameStringType::Name)
                .values("rds!")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let names: Vec<_> = listed.secret_list().iter().filter_map(|s| s.name()).collect();
    assert_eq!(names, ["rds!db-customers", "rds!cluster-customers"]);
    let entry = &listed.secret_list()[0];
    assert_eq!(entry.arn(), Some(endpoint.instance_secret_arn.as_str()));
    assert_eq!(entry.secret_versions_to_stages().map(|v| v.len()), Some(1));

    let pages: Vec<_> = sm.list_secrets().max_results(1).into_paginator().send().collect().await;
    let names: Vec<String> = pages
        .into_iter()
        .flat_map(|page| {
            page.unwrap()
                .secret_list()
                .iter()
                .filter_map(|s| s.name().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(names, ["rds!db-customers", "rds!cluster-customers", "custctl/test"]);
}

#[tokio::test]
async fn secrets_survive_a_snapshot_and_restore() {
    let endpoint = start().await;
    let snapshot = endpoint.secrets.snapshot();
    let restored = SecretsService::new(REGION);
    restored.restore(snapshot).unwrap();
    assert_eq!(
        restored.put_secret("rds!db-customers", "new"),
        endpoint.instance_secret_arn
    );
    assert!(restored.restore(json!({"secrets": "not a list"})).is_err());
}
