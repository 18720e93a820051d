//! The Secrets Manager errors the local service can answer with. None of them carries a secret
//! value: only names, ids and staging labels.

use crate::wire::AwsError;
use axum::http::StatusCode;

/// A Secrets Manager error as AWS words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretsError {
    #[error("Secrets Manager can't find the specified secret.")]
    SecretNotFound,
    #[error("Secrets Manager can't find the specified secret value for VersionId: {0}")]
    VersionNotFound(String),
    #[error("Secrets Manager can't find the specified secret value for staging label: {0}")]
    StageNotFound(String),
    #[error("The operation failed because the secret {0} already exists.")]
    SecretExists(String),
    #[error("You can't modify an existing version, you can only create a new version.")]
    VersionExists,
    #[error("{0}")]
    InvalidParameter(String),
    #[error("{0}")]
    InvalidRequest(String),
    #[error("The NextToken value is invalid.")]
    InvalidNextToken,
    #[error("the secrets snapshot does not have the expected shape ({0})")]
    Snapshot(String),
}

impl SecretsError {
    fn code(&self) -> &'static str {
        match self {
            SecretsError::SecretNotFound | SecretsError::VersionNotFound(_) | SecretsError::StageNotFound(_) => {
                "ResourceNotFoundException"
            }
            SecretsError::SecretExists(_) | SecretsError::VersionExists => "ResourceExistsException",
            SecretsError::InvalidParameter(_) => "InvalidParameterException",
            SecretsError::InvalidRequest(_) => "InvalidRequestException",
            SecretsError::InvalidNextToken => "InvalidNextTokenException",
            SecretsError::Snapshot(_) => "InternalServiceError",
        }
    }
}

impl From<SecretsError> for AwsError {
    fn from(err: SecretsError) -> Self {
        // Secrets Manager answers every client error with 400, "not found" included.
        let status = match err {
            SecretsError::Snapshot(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        // Every Secrets Manager error shape names its member `Message` (botocore's
        // secretsmanager/2017-10-17 model).
        AwsError::client(err.code(), err.to_string())
            .with_status(status)
            .with_capitalised_message()
    }
}
