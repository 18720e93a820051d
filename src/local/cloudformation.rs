//! CloudFormation as the local stack presents it: DescribeStacks for the pipeline's stack,
//! whose Outputs are the template's, evaluated against the local resources, so that
//! `custctl --local init --stack NAME` reads the local stack exactly as it reads a deployed
//! one. Describe-only: the stack exists because `custctl local up` runs.

mod models;
mod responses;

pub use models::StackRecord;

use super::wire::{QueryService, ServiceFuture};
use models::StackCatalog;

/// The `Version=` the CloudFormation SDKs send (awsQuery protocol); the gateway routes on it.
pub const API_VERSION: &str = "2010-05-15";

const XML_NAMESPACE: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/// The CloudFormation query service over the stacks the local stack declared.
pub struct CloudFormationService {
    catalog: StackCatalog,
}

impl CloudFormationService {
    pub fn new(stacks: Vec<StackRecord>) -> Self {
        CloudFormationService {
            catalog: StackCatalog::new(stacks),
        }
    }
}

impl QueryService for CloudFormationService {
    fn xml_namespace(&self) -> &'static str {
        XML_NAMESPACE
    }

    fn call<'a>(&'a self, action: &'a str, params: &'a [(String, String)]) -> ServiceFuture<'a, String> {
        Box::pin(async move { responses::handle(&self.catalog, action, params) })
    }
}
