//! The errors SQS reports, in one place. Each one knows its two names: the shape id of the JSON
//! protocol (`com.amazonaws.sqs#QueueDoesNotExist`, in `__type`) and the legacy query-protocol
//! code (`AWS.SimpleQueueService.NonExistentQueue`, in `x-amzn-query-error`), which is what the
//! SDKs match to pick the typed error, so both must be AWS's exact spelling.

use crate::wire::AwsError;

/// An SQS error, with AWS's message text where the message is fixed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqsError {
    #[error("The specified queue does not exist.")]
    QueueDoesNotExist,
    #[error("A queue already exists with the same name and a different value for attribute {0}")]
    QueueNameExists(String),
    #[error("Unknown Attribute {0}.")]
    InvalidAttributeName(String),
    #[error("Invalid value for the parameter {0}.")]
    InvalidAttributeValue(String),
    #[error("{0}")]
    InvalidParameterValue(String),
    #[error("The request must contain the parameter {0}.")]
    MissingParameter(String),
    #[error("The address {0} is not valid for this endpoint.")]
    InvalidAddress(String),
    #[error("There should be at least one {0} in the request.")]
    EmptyBatchRequest(&'static str),
    #[error("Maximum number of entries per request are 10. You have sent {0}.")]
    TooManyEntriesInBatchRequest(usize),
    #[error("Id {0} repeated.")]
    BatchEntryIdsNotDistinct(String),
    #[error(
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. \
         It can be at most 80 letters long."
    )]
    InvalidBatchEntryId,
    #[error("Batch requests cannot be longer than {max} bytes. You have sent {0} bytes.", max = super::models::MAX_MESSAGE_BYTES)]
    BatchRequestTooLong(usize),
    #[error("{0}")]
    InvalidMessageContents(String),
    #[error("The input receipt handle \"{0}\" is not a valid receipt handle.")]
    ReceiptHandleIsInvalid(String),
    #[error("Message does not exist or is not available for visibility timeout change.")]
    MessageNotInflight,
    #[error("Only one PurgeQueue operation on {0} is allowed every 60 seconds.")]
    PurgeQueueInProgress(String),
    /// The message move tasks' "not found" (a source or destination queue, a task). SQS answers
    /// it with 404 (LocalStack's SQS provider, whose answers are recorded against AWS).
    #[error("{0}")]
    ResourceNotFound(String),
}

impl SqsError {
    /// The JSON protocol's `__type`. Errors that SQS's model has are its shapes
    /// (`com.amazonaws.sqs#QueueDoesNotExist`); `InvalidParameterValue` and `MissingParameter`
    /// are AWS's common errors, which the model does not have: SQS sends them as the shapes of
    /// the framework AWS services share, `com.amazon.coral.service#InvalidParameterValueException`
    /// and `com.amazon.coral.service#MissingRequiredParameterException`, with the query code
    /// (`InvalidParameterValue`, `MissingParameter`) in `x-amzn-query-error`, which is what the
    /// SDKs report as the code. (AWS's answers as recorded from SQS: LocalStack's
    /// tests/aws/services/sqs/test_sqs.snapshot.json, `QueryErrorCode`
    /// `InvalidParameterValueException` and `MissingRequiredParameterException`; an answer of
    /// SQS quoted in github.com/http4k/http4k/pull/1336; the JSON protocol's error structure:
    /// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html)
    pub fn json_type(&self) -> String {
        let shape = match self {
            SqsError::InvalidParameterValue(_) => {
                return "com.amazon.coral.service#InvalidParameterValueException".into()
            }
            SqsError::MissingParameter(_) => {
                return "com.amazon.coral.service#MissingRequiredParameterException".into()
            }
            SqsError::QueueDoesNotExist => "QueueDoesNotExist",
            SqsError::QueueNameExists(_) => "QueueNameExists",
            SqsError::InvalidAttributeName(_) => "InvalidAttributeName",
            SqsError::InvalidAttributeValue(_) => "InvalidAttributeValue",
            SqsError::InvalidAddress(_) => "InvalidAddress",
            SqsError::EmptyBatchRequest(_) => "EmptyBatchRequest",
            SqsError::TooManyEntriesInBatchRequest(_) => "TooManyEntriesInBatchRequest",
            SqsError::BatchEntryIdsNotDistinct(_) => "BatchEntryIdsNotDistinct",
            SqsError::InvalidBatchEntryId => "InvalidBatchEntryId",
            SqsError::BatchRequestTooLong(_) => "BatchRequestTooLong",
            SqsError::InvalidMessageContents(_) => "InvalidMessageContents",
            SqsError::ReceiptHandleIsInvalid(_) => "ReceiptHandleIsInvalid",
            SqsError::MessageNotInflight => "MessageNotInflight",
            SqsError::PurgeQueueInProgress(_) => "PurgeQueueInProgress",
            SqsError::ResourceNotFound(_) => "ResourceNotFoundException",
        };
        format!("com.amazonaws.sqs#{shape}")
    }

    /// The query-protocol error code, which is also what `Failed` batch entries carry in `Code`.
    pub fn query_code(&self) -> &'static str {
        match self {
            SqsError::QueueDoesNotExist => "AWS.SimpleQueueService.NonExistentQueue",
            SqsError::QueueNameExists(_) => "QueueAlreadyExists",
            SqsError::InvalidAttributeName(_) => "InvalidAttributeName",
            SqsError::InvalidAttributeValue(_) => "InvalidAttributeValue",
            SqsError::InvalidParameterValue(_) => "InvalidParameterValue",
            SqsError::MissingParameter(_) => "MissingParameter",
            SqsError::InvalidAddress(_) => "InvalidAddress",
            SqsError::EmptyBatchRequest(_) => "AWS.SimpleQueueService.EmptyBatchRequest",
            SqsError::TooManyEntriesInBatchRequest(_) => "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
            SqsError::BatchEntryIdsNotDistinct(_) => "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
            SqsError::InvalidBatchEntryId => "AWS.SimpleQueueService.InvalidBatchEntryId",
            SqsError::BatchRequestTooLong(_) => "AWS.SimpleQueueService.BatchRequestTooLong",
            SqsError::InvalidMessageContents(_) => "InvalidMessageContents",
            SqsError::ReceiptHandleIsInvalid(_) => "ReceiptHandleIsInvalid",
            SqsError::MessageNotInflight => "AWS.SimpleQueueService.MessageNotInflight",
            SqsError::PurgeQueueInProgress(_) => "AWS.SimpleQueueService.PurgeQueueInProgress",
            SqsError::ResourceNotFound(_) => "ResourceNotFoundException",
        }
    }
}

impl From<SqsError> for AwsError {
    fn from(err: SqsError) -> Self {
        let query_error = format!("{};Sender", err.query_code());
        let status = match err {
            SqsError::ResourceNotFound(_) => axum::http::StatusCode::NOT_FOUND,
            _ => axum::http::StatusCode::BAD_REQUEST,
        };
        AwsError::client(err.json_type(), err.to_string())
            .with_status(status)
            .with_query_error(query_error)
    }
}

/// `Value {value} for parameter {parameter} is invalid. Reason: {reason}`, AWS's wording for a
/// parameter outside its range.
pub fn invalid_parameter(parameter: &str, value: impl std::fmt::Display, reason: &str) -> SqsError {
    SqsError::InvalidParameterValue(format!(
        "Value {value} for parameter {parameter} is invalid. Reason: {reason}"
    ))
}
