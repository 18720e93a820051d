//! The RDS errors the local service can answer with, and their AWS codes and HTTP statuses.

use crate::wire::AwsError;

/// An RDS error as AWS words it (the messages are AWS's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RdsError {
    #[error("DBInstance {0} not found.")]
    DbInstanceNotFound(String),
    #[error("DBCluster {0} not found.")]
    DbClusterNotFound(String),
    #[error("{0}")]
    InvalidParameterValue(String),
    #[error("The action {0} is not valid for this web service.")]
    InvalidAction(String),
}

impl RdsError {
    /// The query-protocol error code, which is what the SDKs match on (`is_db_instance_not_found_fault()`).
    fn code(&self) -> &'static str {
        match self {
            RdsError::DbInstanceNotFound(_) => "DBInstanceNotFound",
            RdsError::DbClusterNotFound(_) => "DBClusterNotFoundFault",
            RdsError::InvalidParameterValue(_) => "InvalidParameterValue",
            RdsError::InvalidAction(_) => "InvalidAction",
        }
    }
}

impl From<RdsError> for AwsError {
    fn from(err: RdsError) -> Self {
        let message = err.to_string();
        match err {
            RdsError::DbInstanceNotFound(_) | RdsError::DbClusterNotFound(_) => {
                AwsError::not_found(err.code(), message)
            }
            RdsError::InvalidParameterValue(_) | RdsError::InvalidAction(_) => AwsError::client(err.code(), message),
        }
    }
}
