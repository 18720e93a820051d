//! The errors the local CloudWatch answers with. CloudWatch speaks Smithy RPC v2 CBOR and
//! `awsJson1_0` as a query-compatible service: `__type` is the error shape's id
//! (`com.amazonaws.cloudwatch#InvalidParameterValueException`) and `x-amzn-query-error` carries
//! the query code (`InvalidParameterValue;Sender`), which is what the SDKs report (the codes are
//! the `error.code` of each shape in the CloudWatch model).

use crate::wire::AwsError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudWatchError {
    #[error("{0}")]
    InvalidParameterValue(String),
    #[error("{0}")]
    MissingParameter(String),
    #[error("{0}")]
    InvalidParameterCombination(String),
    #[error("{0}")]
    InvalidNextToken(String),
}

impl CloudWatchError {
    fn shape_and_code(&self) -> (&'static str, &'static str) {
        match self {
            CloudWatchError::InvalidParameterValue(_) => ("InvalidParameterValueException", "InvalidParameterValue"),
            CloudWatchError::MissingParameter(_) => ("MissingRequiredParameterException", "MissingParameter"),
            CloudWatchError::InvalidParameterCombination(_) => {
                ("InvalidParameterCombinationException", "InvalidParameterCombination")
            }
            CloudWatchError::InvalidNextToken(_) => ("InvalidNextToken", "InvalidNextToken"),
        }
    }
}

impl From<CloudWatchError> for AwsError {
    fn from(err: CloudWatchError) -> Self {
        let (shape, code) = err.shape_and_code();
        AwsError::client(format!("com.amazonaws.cloudwatch#{shape}"), err.to_string())
            .with_query_error(format!("{code};Sender"))
    }
}
