//! The CloudWatch Logs exceptions, in one place: what the models report when a request breaks one
//! of AWS's rules, and how each becomes the error code and message AWS sends (all HTTP 400).

use crate::wire::AwsError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogsError {
    #[error("The specified log group does not exist.")]
    LogGroupNotFound,
    #[error("The specified log stream does not exist.")]
    LogStreamNotFound,
    #[error("The specified log group already exists")]
    LogGroupAlreadyExists,
    #[error("The specified log stream already exists")]
    LogStreamAlreadyExists,
    /// A value AWS rejects: a broken constraint, a bad combination of parameters, a bad token or
    /// filter pattern. The text is AWS's message.
    #[error("{0}")]
    InvalidParameter(String),
}

impl LogsError {
    /// AWS's wording for a value that breaks a constraint of the API model, e.g.
    /// `Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`.
    pub fn validation(value: impl std::fmt::Display, member: &str, constraint: &str) -> Self {
        LogsError::InvalidParameter(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    /// A required member that the request left out.
    pub fn missing(member: &str) -> Self {
        LogsError::InvalidParameter(format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ))
    }

    pub fn invalid_token() -> Self {
        LogsError::InvalidParameter("The specified nextToken is invalid.".into())
    }

    pub fn code(&self) -> &'static str {
        match self {
            LogsError::LogGroupNotFound | LogsError::LogStreamNotFound => "ResourceNotFoundException",
            LogsError::LogGroupAlreadyExists | LogsError::LogStreamAlreadyExists => "ResourceAlreadyExistsException",
            LogsError::InvalidParameter(_) => "InvalidParameterException",
        }
    }
}

impl From<LogsError> for AwsError {
    fn from(err: LogsError) -> Self {
        AwsError::client(err.code(), err.to_string())
    }
}
