//! The RDS query protocol: reads `Action=` requests into describe requests and renders the
//! records as AWS's XML, element for element as aws-sdk-rds and botocore parse it (a wrong
//! list member name parses as an empty list without any error, so the names here are AWS's).

use super::errors::RdsError;
use super::models::{DbCluster, DbInstance, DescribeRequest, Filter, Page, RdsCatalog, ACCOUNT_ID};
use crate::wire::{xml_escape, AwsError};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt::{Display, Write};

/// Answers one query-protocol request with the inner XML of `<{Action}Result>`.
pub fn handle(catalog: &RdsCatalog, action: &str, params: &[(String, String)]) -> Result<String, AwsError> {
    match action {
        "DescribeDBInstances" => {
            let request = describe_request(params, "DBInstanceIdentifier")?;
            let page = catalog.describe_instances(&request)?;
            Ok(render_page(&page, "DBInstances", "DBInstance", instance))
        }
        "DescribeDBClusters" => {
            let request = describe_request(params, "DBClusterIdentifier")?;
            let page = catalog.describe_clusters(&request)?;
            Ok(render_page(&page, "DBClusters", "DBCluster", cluster))
        }
        other => Err(RdsError::InvalidAction(other.to_owned()).into()),
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn describe_request(params: &[(String, String)], identifier_param: &str) -> Result<DescribeRequest, RdsError> {
    let max_records = param(params, "MaxRecords")
        .map(|v| {
            v.parse::<i32>()
                .map_err(|_| RdsError::InvalidParameterValue(format!("Invalid value {v} for MaxRecords")))
        })
        .transpose()?;
    Ok(DescribeRequest {
        identifier: param(params, identifier_param).map(str::to_owned),
        filters: filters(params)?,
        max_records,
        marker: param(params, "Marker").map(str::to_owned),
    })
}

/// Reads `Filters.Filter.N.Name` and `Filters.Filter.N.Values.Value.M`, in N and M order.
fn filters(params: &[(String, String)]) -> Result<Vec<Filter>, RdsError> {
    let mut by_index: BTreeMap<u32, (Option<String>, BTreeMap<u32, String>)> = BTreeMap::new();
    for (key, value) in params {
        let Some(rest) = key.strip_prefix("Filters.Filter.") else {
            continue;
        };
        let malformed = || RdsError::InvalidParameterValue(format!("Malformed filter parameter {key}"));
        let (index, field) = rest.split_once('.').ok_or_else(malformed)?;
        let index: u32 = index.parse().map_err(|_| malformed())?;
        let entry = by_index.entry(index).or_default();
        if field == "Name" {
            entry.0 = Some(value.clone());
        } else if let Some(value_index) = field.strip_prefix("Values.Value.") {
            entry
                .1
                .insert(value_index.parse().map_err(|_| malformed())?, value.clone());
        } else {
            return Err(malformed());
        }
    }
    by_index
        .into_iter()
        .map(|(index, (name, values))| {
            let name = name.ok_or_else(|| {
                RdsError::InvalidParameterValue(format!("The parameter Filters.Filter.{index}.Name must be provided"))
            })?;
            Ok(Filter {
                name,
                values: values.into_values().collect(),
            })
        })
        .collect()
}

/// Builds XML with every text value escaped.
#[derive(Default)]
struct Xml(String);

impl Xml {
    fn text(&mut self, name: &str, value: impl Display) {
        let _ = write!(self.0, "<{name}>{}</{name}>", xml_escape(&value.to_string()));
    }

    fn element(&mut self, name: &str, children: impl FnOnce(&mut Xml)) {
        let _ = write!(self.0, "<{name}>");
        children(self);
        let _ = write!(self.0, "</{name}>");
    }
}

fn render_page<T>(page: &Page<'_, T>, list: &str, member: &str, render: fn(&mut Xml, &T)) -> String {
    let mut xml = Xml::default();
    xml.element(list, |x| {
        for record in &page.records {
            x.element(member, |x| render(x, record));
        }
    });
    if let Some(marker) = &page.marker {
        xml.text("Marker", marker);
    }
    xml.0
}

/// The local database listens on loopback only.
const LOOPBACK: &str = "127.0.0.1";
/// RDS's Route 53 zone in us-east-1; clients only display it.
const HOSTED_ZONE_ID: &str = "Z2R2ITUGPM61AM";
/// The local stack has no VPC; these ids have AWS's shape so that clients that display them work.
const VPC_ID: &str = "vpc-00000000000000001";
const SECURITY_GROUP_ID: &str = "sg-00000000000000001";
const SUBNETS: [(&str, char); 2] = [("subnet-00000000000000001", 'a'), ("subnet-00000000000000002", 'b')];
const SUBNET_GROUP: &str = "default";
/// The AWS-managed keys RDS storage and Secrets Manager encrypt with.
const STORAGE_KEY_ID: &str = "00000000-0000-4000-8000-000000000001";
const SECRET_KEY_ID: &str = "00000000-0000-4000-8000-000000000002";
const BACKUP_WINDOW: &str = "03:00-03:30";
const MAINTENANCE_WINDOW: &str = "sun:05:00-sun:05:30";

fn timestamp(at: &DateTime<Utc>) -> String {
    crate::iso8601(at)
}

fn kms_key_arn(region: &str, key_id: &str) -> String {
    format!("arn:aws:kms:{region}:{ACCOUNT_ID}:key/{key_id}")
}

fn instance(x: &mut Xml, db: &DbInstance) {
    let spec = &db.spec;
    let region = spec.region.as_str();
    x.text("DBInstanceIdentifier", &spec.identifier);
    x.text("DBInstanceClass", db.engine.instance_class);
    x.text("Engine", db.engine.name);
    x.text("DBInstanceStatus", "available");
    x.text("MasterUsername", &spec.master_username);
    x.text("DBName", &spec.db_name);
    x.element("Endpoint", |x| {
        x.text("Address", LOOPBACK);
        x.text("Port", spec.port);
        x.text("HostedZoneId", HOSTED_ZONE_ID);
    });
    x.text("AllocatedStorage", db.engine.allocated_storage);
    x.text("InstanceCreateTime", timestamp(&db.created));
    x.text("PreferredBackupWindow", BACKUP_WINDOW);
    x.text("BackupRetentionPeriod", 1);
    vpc_security_groups(x);
    x.element("DBParameterGroups", |x| {
        x.element("DBParameterGroup", |x| {
            x.text("DBParameterGroupName", db.engine.parameter_group);
            x.text("ParameterApplyStatus", "in-sync");
        })
    });
    x.text("AvailabilityZone", format!("{region}a"));
    x.element("DBSubnetGroup", |x| {
        x.text("DBSubnetGroupName", SUBNET_GROUP);
        x.text("DBSubnetGroupDescription", "default");
        x.text("VpcId", VPC_ID);
        x.text("SubnetGroupStatus", "Complete");
        x.element("Subnets", |x| {
            for (subnet_id, zone) in SUBNETS {
                x.element("Subnet", |x| {
                    x.text("SubnetIdentifier", subnet_id);
                    x.element("SubnetAvailabilityZone", |x| x.text("Name", format!("{region}{zone}")));
                    x.text("SubnetStatus", "Active");
                })
            }
        });
    });
    x.text("PreferredMaintenanceWindow", MAINTENANCE_WINDOW);
    x.element("PendingModifiedValues", |_| {});
    x.text("MultiAZ", false);
    x.text("EngineVersion", db.engine.version);
    x.text("AutoMinorVersionUpgrade", true);
    x.text("LicenseModel", "general-public-license");
    x.text("PubliclyAccessible", false);
    x.text("StorageType", db.engine.storage_type);
    x.text("DbInstancePort", 0);
    if let Some(cluster) = &db.cluster {
        x.text("DBClusterIdentifier", &cluster.identifier);
    }
    x.text("StorageEncrypted", true);
    x.text("KmsKeyId", kms_key_arn(region, STORAGE_KEY_ID));
    x.text("DbiResourceId", &db.resource_id);
    x.text("CACertificateIdentifier", "rds-ca-rsa2048-g1");
    x.text("CopyTagsToSnapshot", false);
    x.text("MonitoringInterval", 0);
    if db.cluster.is_some() {
        x.text("PromotionTier", 1);
    }
    x.text("DBInstanceArn", &db.arn);
    x.text("IAMDatabaseAuthenticationEnabled", false);
    x.text("PerformanceInsightsEnabled", false);
    x.text("DeletionProtection", false);
    x.element("TagList", |_| {});
    x.text("CustomerOwnedIpEnabled", false);
    x.text("NetworkType", "IPV4");
    x.text("BackupTarget", "region");
    // In Aurora the cluster owns the master user secret; its instances do not show one.
    if db.cluster.is_none() {
        master_user_secret(x, region, &spec.master_user_secret_arn);
    }
    x.text("DedicatedLogVolume", false);
}

fn cluster(x: &mut Xml, db: &DbCluster) {
    let spec = &db.spec;
    let region = spec.region.as_str();
    x.text("AllocatedStorage", db.engine.allocated_storage);
    x.element("AvailabilityZones", |x| {
        for (_, zone) in SUBNETS {
            x.text("AvailabilityZone", format!("{region}{zone}"));
        }
    });
    x.text("BackupRetentionPeriod", 1);
    x.text("DatabaseName", &spec.database_name);
    x.text("DBClusterIdentifier", &spec.identifier);
    x.text("DBClusterParameterGroup", db.engine.parameter_group);
    x.text("DBSubnetGroup", SUBNET_GROUP);
    x.text("Status", "available");
    x.text("EarliestRestorableTime", timestamp(&db.created));
    x.text("Endpoint", LOOPBACK);
    x.text("ReaderEndpoint", LOOPBACK);
    x.text("MultiAZ", spec.members.len() > 1);
    x.text("Engine", db.engine.name);
    x.text("EngineVersion", db.engine.version);
    x.text("LatestRestorableTime", timestamp(&Utc::now()));
    x.text("Port", spec.port);
    x.text("MasterUsername", &spec.master_username);
    x.text("PreferredBackupWindow", BACKUP_WINDOW);
    x.text("PreferredMaintenanceWindow", MAINTENANCE_WINDOW);
    x.element("DBClusterMembers", |x| {
        for (instance_id, is_writer) in db.members() {
            x.element("DBClusterMember", |x| {
                x.text("DBInstanceIdentifier", instance_id);
                x.text("IsClusterWriter", is_writer);
                x.text("DBClusterParameterGroupStatus", "in-sync");
                x.text("PromotionTier", 1);
            })
        }
    });
    vpc_security_groups(x);
    x.text("HostedZoneId", HOSTED_ZONE_ID);
    x.text("StorageEncrypted", true);
    x.text("KmsKeyId", kms_key_arn(region, STORAGE_KEY_ID));
    x.text("DbClusterResourceId", &db.resource_id);
    x.text("DBClusterArn", &db.arn);
    x.text("IAMDatabaseAuthenticationEnabled", false);
    x.text("ClusterCreateTime", timestamp(&db.created));
    x.text("EngineMode", "provisioned");
    x.text("DeletionProtection", false);
    x.text("HttpEndpointEnabled", false);
    x.text("CopyTagsToSnapshot", false);
    x.text("CrossAccountClone", false);
    x.element("TagList", |_| {});
    x.text("NetworkType", "IPV4");
    master_user_secret(x, region, &spec.master_user_secret_arn);
    x.text("StorageType", db.engine.storage_type);
}

fn vpc_security_groups(x: &mut Xml) {
    x.element("VpcSecurityGroups", |x| {
        x.element("VpcSecurityGroupMembership", |x| {
            x.text("VpcSecurityGroupId", SECURITY_GROUP_ID);
            x.text("Status", "active");
        })
    });
}

fn master_user_secret(x: &mut Xml, region: &str, secret_arn: &str) {
    if secret_arn.is_empty() {
        return;
    }
    x.element("MasterUserSecret", |x| {
        x.text("SecretArn", secret_arn);
        x.text("SecretStatus", "active");
        x.text("KmsKeyId", kms_key_arn(region, SECRET_KEY_ID));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_filters_in_the_order_of_their_indexes() {
        let request = describe_request(
            &params(&[
                ("Action", "DescribeDBInstances"),
                ("Filters.Filter.2.Name", "engine"),
                ("Filters.Filter.2.Values.Value.1", "mysql"),
                ("Filters.Filter.1.Values.Value.2", "b"),
                ("Filters.Filter.1.Name", "db-instance-id"),
                ("Filters.Filter.1.Values.Value.1", "a"),
                ("MaxRecords", "20"),
            ]),
            "DBInstanceIdentifier",
        )
        .unwrap();
        assert_eq!(
            request.filters,
            [
                Filter {
                    name: "db-instance-id".into(),
                    values: vec!["a".into(), "b".into()]
                },
                Filter {
                    name: "engine".into(),
                    values: vec!["mysql".into()]
                },
            ]
        );
        assert_eq!(request.max_records, Some(20));
    }

    #[test]
    fn malformed_parameters_get_invalid_parameter_value() {
        for bad in [
            [("MaxRecords", "twenty")],
            [("Filters.Filter.x.Name", "engine")],
            [("Filters.Filter.1.Values.Value.1", "mysql")],
        ] {
            let err = describe_request(&params(&bad), "DBInstanceIdentifier").unwrap_err();
            assert!(matches!(err, RdsError::InvalidParameterValue(_)), "{bad:?}");
        }
    }

    #[test]
    fn an_unknown_action_is_invalid_action() {
        let catalog = RdsCatalog::new(vec![], vec![], Utc::now());
        let err = handle(&catalog, "CreateDBInstance", &[]).unwrap_err();
        assert_eq!(err.code, "InvalidAction");
    }

    #[test]
    fn values_are_escaped() {
        let mut xml = Xml::default();
        xml.text("DBName", "a<b&c");
        assert_eq!(xml.0, "<DBName>a&lt;b&amp;c</DBName>");
    }
}
