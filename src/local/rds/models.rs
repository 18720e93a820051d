//! The RDS catalog: the instances and clusters the stack declared, with what AWS derives from
//! them (ARNs, resource ids, cluster membership), and AWS's rules for describing them:
//! identifiers or ARNs, filters, and MaxRecords/Marker paging. No HTTP here.

use super::errors::RdsError;
use chrono::{DateTime, Utc};
use md5::{Digest, Md5};

/// The account every local ARN is in.
pub const ACCOUNT_ID: &str = "000000000000";

/// A DB instance the stack runs (for the stack: `customers-db`, MySQL-compatible, on loopback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbInstanceSpec {
    pub identifier: String,
    /// The loopback port the database listens on.
    pub port: u16,
    /// The database created with the instance (`customers`).
    pub db_name: String,
    pub master_username: String,
    /// The Secrets Manager secret with the master credentials (an RDS-managed master password);
    /// empty for none. Not shown for an Aurora cluster member: there the cluster owns the secret.
    pub master_user_secret_arn: String,
    pub region: String,
}

/// An Aurora MySQL cluster the stack presents. Both of its endpoints are the one local server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbClusterSpec {
    pub identifier: String,
    pub port: u16,
    pub database_name: String,
    pub master_username: String,
    /// As for [`DbInstanceSpec::master_user_secret_arn`]; empty for none.
    pub master_user_secret_arn: String,
    pub region: String,
    /// The identifiers of the member instances; the first one is the writer.
    pub members: Vec<String>,
}

/// An engine as RDS names it, with the instance settings AWS shows for the smallest deployment of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Engine {
    pub name: &'static str,
    pub version: &'static str,
    pub parameter_group: &'static str,
    pub instance_class: &'static str,
    pub storage_type: &'static str,
    /// GiB; Aurora reports 1 because its storage grows by itself.
    pub allocated_storage: u32,
}

pub const MYSQL: Engine = Engine {
    name: "mysql",
    version: "8.0.39",
    parameter_group: "default.mysql8.0",
    instance_class: "db.t4g.micro",
    storage_type: "gp3",
    allocated_storage: 20,
};

/// Aurora has no micro class; db.t4g.medium is its smallest.
pub const AURORA_MYSQL: Engine = Engine {
    name: "aurora-mysql",
    version: "8.0.mysql_aurora.3.08.0",
    parameter_group: "default.aurora-mysql8.0",
    instance_class: "db.t4g.medium",
    storage_type: "aurora",
    allocated_storage: 1,
};

/// The cluster an instance belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterMembership {
    pub identifier: String,
    pub arn: String,
}

/// A DB instance as DescribeDBInstances shows it.
#[derive(Debug, Clone)]
pub struct DbInstance {
    pub spec: DbInstanceSpec,
    pub arn: String,
    /// `DbiResourceId`: stable for the region and identifier, as AWS's is for the instance's life.
    pub resource_id: String,
    pub created: DateTime<Utc>,
    pub engine: Engine,
    pub cluster: Option<ClusterMembership>,
}

/// A DB cluster as DescribeDBClusters shows it.
#[derive(Debug, Clone)]
pub struct DbCluster {
    pub spec: DbClusterSpec,
    pub arn: String,
    pub resource_id: String,
    pub created: DateTime<Utc>,
    pub engine: Engine,
}

impl DbCluster {
    /// The members with whether each is the writer.
    pub fn members(&self) -> impl Iterator<Item = (&str, bool)> {
        self.spec
            .members
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i == 0))
    }
}

/// One `Filters.Filter.N` of a describe request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

/// What DescribeDBInstances and DescribeDBClusters have in common.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DescribeRequest {
    /// An identifier (case-insensitive) or an ARN.
    pub identifier: Option<String>,
    pub filters: Vec<Filter>,
    pub max_records: Option<i32>,
    pub marker: Option<String>,
}

/// One page of a describe answer; `marker` is set when there are more.
#[derive(Debug)]
pub struct Page<'a, T> {
    pub records: Vec<&'a T>,
    pub marker: Option<String>,
}

/// Everything the local RDS knows about.
#[derive(Debug, Clone)]
pub struct RdsCatalog {
    instances: Vec<DbInstance>,
    clusters: Vec<DbCluster>,
}

impl RdsCatalog {
    pub fn new(instances: Vec<DbInstanceSpec>, clusters: Vec<DbClusterSpec>, created: DateTime<Utc>) -> Self {
        let mut clusters: Vec<DbCluster> = clusters
            .into_iter()
            .map(|spec| DbCluster {
                arn: arn(&spec.region, "cluster", &spec.identifier),
                resource_id: resource_id("cluster-", &spec.region, &spec.identifier),
                created,
                engine: AURORA_MYSQL,
                spec,
            })
            .collect();
        let mut instances: Vec<DbInstance> = instances
            .into_iter()
            .map(|spec| {
                let cluster = clusters
                    .iter()
                    .find(|c| c.spec.members.iter().any(|m| m.eq_ignore_ascii_case(&spec.identifier)));
                DbInstance {
                    arn: arn(&spec.region, "db", &spec.identifier),
                    resource_id: resource_id("db-", &spec.region, &spec.identifier),
                    created,
                    engine: if cluster.is_some() { AURORA_MYSQL } else { MYSQL },
                    cluster: cluster.map(|c| ClusterMembership {
                        identifier: c.spec.identifier.clone(),
                        arn: c.arn.clone(),
                    }),
                    spec,
                }
            })
            .collect();
        // AWS lists records in identifier order, which is also what makes markers stable.
        instances.sort_by(|a, b| a.spec.identifier.cmp(&b.spec.identifier));
        clusters.sort_by(|a, b| a.spec.identifier.cmp(&b.spec.identifier));
        RdsCatalog { instances, clusters }
    }

    pub fn describe_instances(&self, request: &DescribeRequest) -> Result<Page<'_, DbInstance>, RdsError> {
        describe(&self.instances, request)
    }

    pub fn describe_clusters(&self, request: &DescribeRequest) -> Result<Page<'_, DbCluster>, RdsError> {
        describe(&self.clusters, request)
    }
}

/// `arn:aws:rds:{region}:{account}:{kind}:{identifier}`.
fn arn(region: &str, kind: &str, identifier: &str) -> String {
    format!("arn:aws:rds:{region}:{ACCOUNT_ID}:{kind}:{identifier}")
}

/// AWS's resource ids are a prefix and 26 upper-case characters; deriving them from the region
/// and identifier keeps them the same across restarts of the stack, as they are in AWS.
fn resource_id(prefix: &str, region: &str, identifier: &str) -> String {
    let digest = Md5::digest(format!("{region}/{identifier}").as_bytes());
    let mut id = hex::encode_upper(digest);
    id.truncate(26);
    format!("{prefix}{id}")
}

/// A record that describe requests select by identifier, ARN and filters.
trait Described {
    /// The request parameter that names one record, as AWS's messages call it.
    const IDENTIFIER_PARAMETER: &'static str;
    /// The filter names AWS accepts for this record type.
    const FILTERS: &'static [&'static str];
    /// The record's identifier and ARN: the two names a request may give it by.
    fn names(&self) -> (&str, &str);
    fn matches_filter(&self, filter: &str, value: &str) -> bool;
    fn not_found(wanted: &str) -> RdsError;

    fn is_named(&self, wanted: &str) -> bool {
        let (identifier, arn) = self.names();
        names(identifier, arn, wanted)
    }
}

/// Whether `wanted` (an identifier, which RDS compares case-insensitively, or an ARN) names the
/// record with `identifier` and `arn`.
fn names(identifier: &str, arn: &str, wanted: &str) -> bool {
    if wanted.starts_with("arn:") {
        arn == wanted
    } else {
        identifier.eq_ignore_ascii_case(wanted)
    }
}

impl Described for DbInstance {
    const IDENTIFIER_PARAMETER: &'static str = "DBInstanceIdentifier";
    const FILTERS: &'static [&'static str] =
        &["db-cluster-id", "db-instance-id", "dbi-resource-id", "domain", "engine"];

    fn names(&self) -> (&str, &str) {
        (&self.spec.identifier, &self.arn)
    }

    fn matches_filter(&self, filter: &str, value: &str) -> bool {
        match filter {
            "db-instance-id" => self.is_named(value),
            "db-cluster-id" => self
                .cluster
                .as_ref()
                .is_some_and(|c| names(&c.identifier, &c.arn, value)),
            "dbi-resource-id" => self.resource_id == value,
            "engine" => self.engine.name == value,
            // No local instance is joined to a directory.
            _ => false,
        }
    }

    fn not_found(wanted: &str) -> RdsError {
        RdsError::DbInstanceNotFound(wanted.to_owned())
    }
}

impl Described for DbCluster {
    const IDENTIFIER_PARAMETER: &'static str = "DBClusterIdentifier";
    const FILTERS: &'static [&'static str] = &[
        "clone-group-id",
        "db-cluster-id",
        "db-cluster-resource-id",
        "domain",
        "engine",
    ];

    fn names(&self) -> (&str, &str) {
        (&self.spec.identifier, &self.arn)
    }

    fn matches_filter(&self, filter: &str, value: &str) -> bool {
        match filter {
            "db-cluster-id" => self.is_named(value),
            "db-cluster-resource-id" => self.resource_id == value,
            "engine" => self.engine.name == value,
            // No local cluster is a clone or joined to a directory.
            _ => false,
        }
    }

    fn not_found(wanted: &str) -> RdsError {
        RdsError::DbClusterNotFound(wanted.to_owned())
    }
}

/// AWS's default page size, and the bounds it enforces on MaxRecords.
const MAX_RECORDS_DEFAULT: usize = 100;
const MAX_RECORDS_RANGE: std::ops::RangeInclusive<i32> = 20..=100;

fn describe<'a, T: Described>(records: &'a [T], request: &DescribeRequest) -> Result<Page<'a, T>, RdsError> {
    let page_size = match request.max_records {
        None => MAX_RECORDS_DEFAULT,
        Some(n) if MAX_RECORDS_RANGE.contains(&n) => n as usize,
        Some(n) => {
            return Err(RdsError::InvalidParameterValue(format!(
                "Invalid value {n} for MaxRecords. Must be between {} and {}",
                MAX_RECORDS_RANGE.start(),
                MAX_RECORDS_RANGE.end()
            )))
        }
    };
    if let Some(unknown) = request.filters.iter().find(|f| !T::FILTERS.contains(&f.name.as_str())) {
        return Err(RdsError::InvalidParameterValue(format!(
            "Unrecognized filter name: {}",
            unknown.name
        )));
    }
    let start = match &request.marker {
        None => 0,
        Some(marker) => marker
            .parse::<usize>()
            .map_err(|_| RdsError::InvalidParameterValue(format!("Invalid marker: {marker}")))?,
    };
    if let Some(wanted) = &request.identifier {
        check_identifier::<T>(wanted)?;
        if !records.iter().any(|r| r.is_named(wanted)) {
            return Err(T::not_found(wanted));
        }
    }
    let matching: Vec<&T> = records
        .iter()
        .filter(|r| request.identifier.as_deref().is_none_or(|wanted| r.is_named(wanted)))
        .filter(|r| {
            request
                .filters
                .iter()
                .all(|f| f.values.iter().any(|v| r.matches_filter(&f.name, v)))
        })
        .collect();
    let end = start.saturating_add(page_size);
    let marker = (end < matching.len()).then(|| end.to_string());
    Ok(Page {
        records: matching.into_iter().skip(start).take(page_size).collect(),
        marker,
    })
}

/// AWS rejects a malformed identifier before looking it up, with this message.
fn check_identifier<T: Described>(wanted: &str) -> Result<(), RdsError> {
    if wanted.starts_with("arn:") {
        return Ok(());
    }
    let valid = wanted.len() <= 63
        && wanted.starts_with(|c: char| c.is_ascii_alphabetic())
        && wanted.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !wanted.ends_with('-')
        && !wanted.contains("--");
    if valid {
        Ok(())
    } else {
        Err(RdsError::InvalidParameterValue(format!(
            "The parameter {} is not a valid identifier. Identifiers must begin with a letter; must contain only \
             ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.",
            T::IDENTIFIER_PARAMETER
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(identifier: &str) -> DbInstanceSpec {
        DbInstanceSpec {
            identifier: identifier.into(),
            port: 3306,
            db_name: "customers".into(),
            master_username: "admin".into(),
            master_user_secret_arn: "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf".into(),
            region: "us-east-1".into(),
        }
    }

    fn aurora() -> DbClusterSpec {
        DbClusterSpec {
            identifier: "customers-cluster".into(),
            port: 3306,
            database_name: "customers".into(),
            master_username: "admin".into(),
            master_user_secret_arn: "arn:aws:secretsmanager:us-east-1:000000000000:secret:cluster-AbCdEf".into(),
            region: "us-east-1".into(),
            members: vec!["aurora-1".into(), "aurora-2".into()],
        }
    }

    fn catalog() -> RdsCatalog {
        RdsCatalog::new(
            vec![instance("customers-db"), instance("aurora-2"), instance("aurora-1")],
            vec![aurora()],
            Utc::now(),
        )
    }

    fn ids<T: Described>(page: &Page<'_, T>) -> Vec<String> {
        page.records.iter().map(|r| r.names().0.to_owned()).collect()
    }

    fn by_identifier(id: &str) -> DescribeRequest {
        DescribeRequest {
            identifier: Some(id.into()),
            ..Default::default()
        }
    }

    fn filtered(name: &str, values: &[&str]) -> DescribeRequest {
        DescribeRequest {
            filters: vec![Filter {
                name: name.into(),
                values: values.iter().map(|v| v.to_string()).collect(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn lists_every_instance_in_identifier_order() {
        let catalog = catalog();
        let page = catalog.describe_instances(&DescribeRequest::default()).unwrap();
        assert_eq!(ids(&page), ["aurora-1", "aurora-2", "customers-db"]);
        assert_eq!(page.marker, None);
    }

    #[test]
    fn finds_an_instance_by_identifier_in_any_case_or_by_arn() {
        let catalog = catalog();
        let by_id = catalog.describe_instances(&by_identifier("Customers-DB")).unwrap();
        assert_eq!(ids(&by_id), ["customers-db"]);
        let by_arn = catalog
            .describe_instances(&by_identifier("arn:aws:rds:us-east-1:000000000000:db:customers-db"))
            .unwrap();
        assert_eq!(ids(&by_arn), ["customers-db"]);
    }

    #[test]
    fn an_unknown_identifier_is_not_found_and_a_malformed_one_is_invalid() {
        let catalog = catalog();
        assert_eq!(
            catalog.describe_instances(&by_identifier("orders-db")).unwrap_err(),
            RdsError::DbInstanceNotFound("orders-db".into())
        );
        assert_eq!(
            catalog.describe_clusters(&by_identifier("orders")).unwrap_err(),
            RdsError::DbClusterNotFound("orders".into())
        );
        for malformed in ["1db", "db--x", "db-", "db_x"] {
            assert!(
                matches!(
                    catalog.describe_instances(&by_identifier(malformed)),
                    Err(RdsError::InvalidParameterValue(_))
                ),
                "{malformed}"
            );
        }
    }

    #[test]
    fn cluster_members_are_aurora_and_know_their_cluster() {
        let catalog = catalog();
        let members = catalog
            .describe_instances(&filtered("db-cluster-id", &["customers-cluster"]))
            .unwrap();
        assert_eq!(ids(&members), ["aurora-1", "aurora-2"]);
        assert!(members.records.iter().all(|i| i.engine == AURORA_MYSQL));
        let standalone = catalog.describe_instances(&by_identifier("customers-db")).unwrap();
        assert_eq!(standalone.records[0].engine, MYSQL);
        assert_eq!(standalone.records[0].cluster, None);
        let cluster = catalog.describe_clusters(&DescribeRequest::default()).unwrap();
        assert_eq!(
            cluster.records[0].members().collect::<Vec<_>>(),
            [("aurora-1", true), ("aurora-2", false)]
        );
    }

    #[test]
    fn filters_combine_values_with_or_and_filters_with_and() {
        let catalog = catalog();
        let either = catalog
            .describe_instances(&filtered("db-instance-id", &["customers-db", "aurora-1"]))
            .unwrap();
        assert_eq!(ids(&either), ["aurora-1", "customers-db"]);
        let mut both = filtered("db-instance-id", &["customers-db", "aurora-1"]);
        both.filters.push(Filter {
            name: "engine".into(),
            values: vec!["mysql".into()],
        });
        assert_eq!(ids(&catalog.describe_instances(&both).unwrap()), ["customers-db"]);
        let resource_id = catalog.describe_instances(&by_identifier("aurora-2")).unwrap().records[0]
            .resource_id
            .clone();
        let by_resource = catalog
            .describe_instances(&filtered("dbi-resource-id", &[&resource_id]))
            .unwrap();
        assert_eq!(ids(&by_resource), ["aurora-2"]);
    }

    #[test]
    fn an_unknown_filter_name_is_rejected() {
        let err = catalog()
            .describe_instances(&filtered("db-name", &["customers"]))
            .unwrap_err();
        assert_eq!(
            err,
            RdsError::InvalidParameterValue("Unrecognized filter name: db-name".into())
        );
    }

    #[test]
    fn pages_follow_the_marker_and_max_records_is_bounded() {
        let specs = (0..45).map(|i| instance(&format!("db-{i:02}"))).collect();
        let catalog = RdsCatalog::new(specs, vec![], Utc::now());
        let mut request = DescribeRequest {
            max_records: Some(20),
            ..Default::default()
        };
        let mut seen = Vec::new();
        loop {
            let page = catalog.describe_instances(&request).unwrap();
            seen.extend(ids(&page));
            match page.marker {
                Some(marker) => request.marker = Some(marker),
                None => break,
            }
        }
        assert_eq!(seen, (0..45).map(|i| format!("db-{i:02}")).collect::<Vec<_>>());
        for out_of_range in [19, 101] {
            let request = DescribeRequest {
                max_records: Some(out_of_range),
                ..Default::default()
            };
            assert!(matches!(
                catalog.describe_instances(&request),
                Err(RdsError::InvalidParameterValue(_))
            ));
        }
    }

    #[test]
    fn resource_ids_look_like_aws_and_stay_the_same() {
        let first = catalog();
        let second = catalog();
        let id = |c: &RdsCatalog| {
            c.describe_instances(&by_identifier("customers-db")).unwrap().records[0]
                .resource_id
                .clone()
        };
        assert_eq!(id(&first), id(&second));
        let id = id(&first);
        assert!(id.starts_with("db-") && id.len() == 29, "{id}");
        assert!(id[3..].chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    }
}
