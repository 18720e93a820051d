//! SQS's message move tasks (the API behind "DLQ redrive"): the limit custctl checks before it
//! asks for a task and the local stack enforces when asked, so that the two agree. From
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html>.

/// The fastest a task may be asked to move messages: `MaxNumberOfMessagesPerSecond` is 1 to
/// 500 ("The maximum value for messages per second is 500").
pub const MAX_MESSAGES_PER_SECOND: u32 = 500;
