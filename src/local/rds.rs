//! RDS as the local stack presents it: the database the stack runs (MariaDB on loopback),
//! described through the RDS query API exactly as AWS describes a managed instance or Aurora
//! cluster, so the same discovery code (endpoint, port, master user secret) works locally and
//! against AWS. Describe-only: the stack decides what exists, when it starts.

mod errors;
mod models;
mod responses;

pub use errors::RdsError;
pub use models::{DbClusterSpec, DbInstanceSpec};

use super::wire::{QueryService, ServiceFuture};
use models::RdsCatalog;

/// The `Version=` the RDS SDKs send; the gateway routes on it.
pub const API_VERSION: &str = "2014-10-31";

const XML_NAMESPACE: &str = "http://rds.amazonaws.com/doc/2014-10-31/";

/// The RDS query service: DescribeDBInstances and DescribeDBClusters over a fixed catalog.
pub struct RdsService {
    catalog: RdsCatalog,
}

impl RdsService {
    /// Describes `instances` and `clusters`, created now. A cluster's members should also be in
    /// `instances` for DescribeDBInstances to show them, as in AWS.
    pub fn new(instances: Vec<DbInstanceSpec>, clusters: Vec<DbClusterSpec>) -> Self {
        RdsService {
            catalog: RdsCatalog::new(instances, clusters, chrono::Utc::now()),
        }
    }
}

impl QueryService for RdsService {
    fn xml_namespace(&self) -> &'static str {
        XML_NAMESPACE
    }

    fn call<'a>(&'a self, action: &'a str, params: &'a [(String, String)]) -> ServiceFuture<'a, String> {
        Box::pin(async move { responses::handle(&self.catalog, action, params) })
    }
}
