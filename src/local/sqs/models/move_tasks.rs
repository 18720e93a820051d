//! SQS's message move tasks, the API behind "DLQ redrive" (StartMessageMoveTask,
//! ListMessageMoveTasks, CancelMessageMoveTask), by AWS's rules:
//!
//! - the source must be a dead-letter queue of another queue, and only one task may be active
//!   (RUNNING or CANCELLING) per source queue (StartMessageMoveTask API reference);
//! - without `DestinationArn`, each message goes back to the queue it was moved from (its
//!   `DeadLetterQueueSourceArn`); a message with no known source fails the task with
//!   `CouldNotDetermineMessageSource`, and the messages not yet moved stay in the DLQ;
//! - a moved message is a new message: "All redriven messages are considered new messages with a
//!   new messageID and enqueueTime", and the task "resets the retention period" (SQS Developer
//!   Guide, "Configure a dead-letter queue redrive"); its body, message attributes and trace
//!   header stay, and its receive count starts again at zero;
//! - `MaxNumberOfMessagesPerSecond` is 1 to 500 (the API reference); the pace itself is the
//!   service's (see `SqsService`), this module moves what each step is allowed to.
//!
//! A move is one removal and one insertion under the lock that guards every queue, so a message
//! is never in both queues, nor in neither. Only the messages that were in the source when the
//! task started move (those visible then, and any of them that become visible again while it
//! runs). Error messages are AWS's as recorded by moto's and LocalStack's tests against SQS.

use super::{
    promoted, queue_name_from_arn, EpochMillis, MessageRecord, MessageState, Queue, QueueEvent, Queues, BASE64,
};
use crate::sqs::errors::{invalid_parameter, SqsError};
use base64::Engine;
use custctl_rules::move_tasks::MAX_MESSAGES_PER_SECOND;

/// ListMessageMoveTasks returns "the most recent message movement tasks (up to 10)".
const TASKS_KEPT_PER_SOURCE: usize = 10;
/// A task's `FailureReason` when a message has no source to go back to (moto's tests record
/// this value from SQS).
const COULD_NOT_DETERMINE_SOURCE: &str = "CouldNotDetermineMessageSource";
/// A task's `FailureReason` when the queue a message should go to no longer exists.
const DESTINATION_DOES_NOT_EXIST: &str = "AWS.SimpleQueueService.NonExistentQueue";

/// A task's status, as AWS spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveTaskStatus {
    Running,
    Completed,
    Cancelling,
    Cancelled,
    Failed,
}

impl MoveTaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MoveTaskStatus::Running => "RUNNING",
            MoveTaskStatus::Completed => "COMPLETED",
            MoveTaskStatus::Cancelling => "CANCELLING",
            MoveTaskStatus::Cancelled => "CANCELLED",
            MoveTaskStatus::Failed => "FAILED",
        }
    }

    fn is_active(self) -> bool {
        matches!(self, MoveTaskStatus::Running | MoveTaskStatus::Cancelling)
    }
}

/// One message move task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveTask {
    pub id: String,
    /// What StartMessageMoveTask returns and CancelMessageMoveTask takes: AWS's is the base64 of
    /// `{"taskId": .., "sourceArn": ..}` (moto's tests decode SQS's handles so).
    pub handle: String,
    /// The source queue's name.
    pub source: String,
    pub source_arn: String,
    pub destination_arn: Option<String>,
    pub max_messages_per_second: Option<u32>,
    pub status: MoveTaskStatus,
    pub moved: u64,
    /// The source's visible messages when the task started.
    pub to_move: u64,
    pub started_at: EpochMillis,
    pub failure_reason: Option<String>,
    /// The source's messages with a key below this were there when the task started.
    key_limit: u64,
}

/// What one step of a task did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoveStep {
    pub moved: u64,
    /// The task is over (completed, cancelled, failed, or gone): no step will move anything.
    pub finished: bool,
}

fn resource_not_found(parameter: &str) -> SqsError {
    SqsError::ResourceNotFound(format!(
        "The resource that you specified for the {parameter} parameter doesn't exist."
    ))
}

fn encode_handle(task_id: &str, source_arn: &str) -> String {
    BASE64.encode(serde_json::json!({"taskId": task_id, "sourceArn": source_arn}).to_string())
}

/// The task id and source ARN of a handle, if it is one.
fn decode_handle(handle: &str) -> Option<(String, String)> {
    let bytes = BASE64.decode(handle.as_bytes()).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let field = |name: &str| value.get(name)?.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    Some((field("taskId")?, field("sourceArn")?))
}

impl Queue {
    /// The oldest visible message with a key below `key_limit`, dropping the stale entries at
    /// the front of the visible queue on the way (a moved message leaves one behind).
    fn next_movable(&mut self, key_limit: u64) -> Option<u64> {
        let visible = |queue: &Queue, key: u64| {
            queue
                .messages
                .get(&key)
                .is_some_and(|m| m.state == MessageState::Visible)
        };
        if self.is_fifo() {
            // In flight messages are a prefix of each group: its first visible one is its oldest.
            return self
                .groups
                .values()
                .filter_map(|group| group.keys.iter().copied().find(|&key| visible(self, key)))
                .filter(|&key| key < key_limit)
                .min();
        }
        while let Some(slot) = self.ready.front() {
            let current = self
                .messages
                .get(&slot.key)
                .is_some_and(|m| m.generation == slot.generation && m.state == MessageState::Visible);
            if current {
                break;
            }
            self.ready.pop_front();
        }
        self.ready
            .iter()
            .find(|slot| {
                slot.key < key_limit
                    && self
                        .messages
                        .get(&slot.key)
                        .is_some_and(|m| m.generation == slot.generation && m.state == MessageState::Visible)
            })
            .map(|slot| slot.key)
    }

    /// Takes in a message a move task brought from `from`: a new message with a new id, sent
    /// now, never received, with the body, attributes and trace header of the old one. Returns
    /// its id.
    fn accept_moved(&mut self, old: MessageRecord, from: &str, now: EpochMillis) -> String {
        let fifo = self.is_fifo();
        let message_id = uuid::Uuid::new_v4().to_string();
        let record = MessageRecord {
            message_id: message_id.clone(),
            body: old.body,
            md5_of_body: old.md5_of_body,
            message_attributes: old.message_attributes,
            trace_header: old.trace_header,
            sent_at: now,
            first_received_at: None,
            receive_count: 0,
            group_id: fifo.then(|| old.group_id.unwrap_or_else(|| from.to_string())),
            deduplication_id: old.deduplication_id.filter(|_| fifo),
            sequence_number: fifo.then(|| self.next_sequence_number()),
            delayed_until: None,
            dead_letter_source_arn: None,
            dead_lettered_at: None,
        };
        self.enqueue(record, None);
        message_id
    }
}

impl Queues {
    /// The name of the existing local queue an ARN names.
    fn existing_queue_of_arn(&self, arn: &str) -> Option<String> {
        queue_name_from_arn(arn)
            .filter(|name| self.queues.contains_key(*name))
            .map(str::to_string)
    }

    /// `StartMessageMoveTask`: checks AWS's rules and records a RUNNING task; the service then
    /// moves its messages with [`Queues::move_step`].
    pub fn start_move_task(
        &mut self,
        source_arn: &str,
        destination_arn: Option<&str>,
        max_messages_per_second: Option<i64>,
        now: EpochMillis,
    ) -> Result<MoveTask, SqsError> {
        let rate = match max_messages_per_second {
            None => None,
            Some(n) if (1..=i64::from(MAX_MESSAGES_PER_SECOND)).contains(&n) => Some(n as u32),
            Some(n) => {
                return Err(invalid_parameter(
                    "MaxNumberOfMessagesPerSecond",
                    n,
                    "Must be between 1 and 500.",
                ))
            }
        };
        let source = self
            .existing_queue_of_arn(source_arn)
            .ok_or_else(|| resource_not_found("SourceArn"))?;
        if !self
            .queues
            .values()
            .any(|queue| queue.dead_letter_target() == Some(source.as_str()))
        {
            return Err(SqsError::InvalidParameterValue(
                "Source queue must be configured as a Dead Letter Queue.".into(),
            ));
        }
        if let Some(destination) = destination_arn {
            let name = self
                .existing_queue_of_arn(destination)
                .ok_or_else(|| resource_not_found("DestinationArn"))?;
            if name == source {
                return Err(SqsError::InvalidParameterValue(
                    "Source queue arn and destination queue arn cannot be the same.".into(),
                ));
            }
            // "you can also configure any other queue as the redrive destination if both queues
            // are the same type" (Developer Guide, "Configure a dead-letter queue redrive").
            if self.queues[&name].is_fifo() != self.queues[&source].is_fifo() {
                return Err(SqsError::InvalidParameterValue(
                    "The destination queue must be of the same type (standard or FIFO) as the source queue.".into(),
                ));
            }
        }
        if self
            .move_tasks
            .iter()
            .any(|task| task.source == source && task.status.is_active())
        {
            return Err(SqsError::InvalidParameterValue(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given \
                 time."
                    .into(),
            ));
        }
        let source_arn = self.queue_arn(&source);
        let queue = promoted(&mut self.queues, &mut self.events, &source, now)?;
        let id = uuid::Uuid::new_v4().to_string();
        let task = MoveTask {
            handle: encode_handle(&id, &source_arn),
            id,
            source: source.clone(),
            source_arn,
            destination_arn: destination_arn.map(str::to_string),
            max_messages_per_second: rate,
            status: MoveTaskStatus::Running,
            moved: 0,
            to_move: queue.visible() as u64,
            started_at: now,
            failure_reason: None,
            key_limit: queue.next_key,
        };
        self.move_tasks.push(task.clone());
        while self.move_tasks.iter().filter(|t| t.source == source).count() > TASKS_KEPT_PER_SOURCE {
            match self
                .move_tasks
                .iter()
                .position(|t| t.source == source && !t.status.is_active())
            {
                Some(oldest) => self.move_tasks.remove(oldest),
                None => break,
            };
        }
        Ok(task)
    }

    /// Moves up to `budget` messages of the task; a task being cancelled becomes CANCELLED here,
    /// so that nothing moves once CancelMessageMoveTask has answered.
    pub fn move_step(&mut self, task_id: &str, budget: u64, now: EpochMillis) -> MoveStep {
        let finished = MoveStep {
            moved: 0,
            finished: true,
        };
        let Some(index) = self.move_tasks.iter().position(|t| t.id == task_id) else {
            return finished;
        };
        match self.move_tasks[index].status {
            MoveTaskStatus::Running => {}
            MoveTaskStatus::Cancelling => {
                self.move_tasks[index].status = MoveTaskStatus::Cancelled;
                return finished;
            }
            _ => return finished,
        }
        let mut moved = 0;
        let outcome = loop {
            if moved >= budget {
                break None;
            }
            match self.move_one(index, now) {
                Ok(true) => moved += 1,
                Ok(false) => break Some(Ok(())),
                Err(reason) => break Some(Err(reason)),
            }
        };
        let task = &mut self.move_tasks[index];
        task.moved += moved;
        match outcome {
            None => MoveStep { moved, finished: false },
            Some(result) => {
                match result {
                    Ok(()) => task.status = MoveTaskStatus::Completed,
                    Err(reason) => {
                        task.status = MoveTaskStatus::Failed;
                        task.failure_reason = Some(reason.to_string());
                    }
                }
                MoveStep { moved, finished: true }
            }
        }
    }

    /// Moves the task's next message: `Ok(false)` when none is left, the task's failure reason
    /// when the message cannot go anywhere (it then stays where it is).
    fn move_one(&mut self, index: usize, now: EpochMillis) -> Result<bool, &'static str> {
        let task = &self.move_tasks[index];
        let (source, destination_arn, key_limit) = (task.source.clone(), task.destination_arn.clone(), task.key_limit);
        let Ok(queue) = promoted(&mut self.queues, &mut self.events, &source, now) else {
            return Err(DESTINATION_DOES_NOT_EXIST);
        };
        let retention_ms = u64::from(queue.settings.message_retention_period) * 1000;
        let key = loop {
            let Some(key) = queue.next_movable(key_limit) else {
                return Ok(false);
            };
            // A message past its retention is gone, not moved (and so not given a new life).
            if queue.messages[&key].record.sent_at + retention_ms <= now {
                queue.remove(key);
                continue;
            }
            break key;
        };
        let record = &queue.messages[&key].record;
        let target_arn = destination_arn
            .or_else(|| record.dead_letter_source_arn.clone())
            .ok_or(COULD_NOT_DETERMINE_SOURCE)?;
        let target = self
            .existing_queue_of_arn(&target_arn)
            .ok_or(DESTINATION_DOES_NOT_EXIST)?;
        let removed = self
            .queues
            .get_mut(&source)
            .and_then(|queue| queue.remove(key))
            .ok_or(DESTINATION_DOES_NOT_EXIST)?;
        let old_id = removed.record.message_id.clone();
        let new_id = match self.queues.get_mut(&target) {
            Some(queue) => queue.accept_moved(removed.record, &source, now),
            None => return Err(DESTINATION_DOES_NOT_EXIST),
        };
        self.events.push(QueueEvent::Deleted {
            queue: source,
            message_id: old_id,
        });
        self.events.push(QueueEvent::Sent {
            queue: target,
            message_id: new_id,
        });
        Ok(true)
    }

    /// `CancelMessageMoveTask`: a RUNNING task becomes CANCELLING; returns how many it moved.
    pub fn cancel_move_task(&mut self, handle: &str) -> Result<u64, SqsError> {
        let (task_id, source_arn) = decode_handle(handle)
            .ok_or_else(|| SqsError::InvalidParameterValue("Value for parameter TaskHandle is invalid.".into()))?;
        self.existing_queue_of_arn(&source_arn)
            .ok_or_else(|| resource_not_found("SourceArn"))?;
        let task = self
            .move_tasks
            .iter_mut()
            .find(|task| task.id == task_id && task.status == MoveTaskStatus::Running)
            .ok_or_else(|| SqsError::ResourceNotFound("Task does not exist.".into()))?;
        task.status = MoveTaskStatus::Cancelling;
        Ok(task.moved)
    }

    /// `ListMessageMoveTasks`: the source's most recent tasks, newest first, `max_results` (1 to
    /// 10, default 1) of them.
    pub fn list_move_tasks(&self, source_arn: &str, max_results: Option<i64>) -> Result<Vec<MoveTask>, SqsError> {
        let limit = match max_results {
            None => 1,
            Some(n @ 1..=10) => n as usize,
            Some(n) => return Err(invalid_parameter("MaxResults", n, "Must be between 1 and 10.")),
        };
        let source = self
            .existing_queue_of_arn(source_arn)
            .ok_or_else(|| resource_not_found("SourceArn"))?;
        Ok(self
            .move_tasks
            .iter()
            .rev()
            .filter(|task| task.source == source)
            .take(limit)
            .cloned()
            .collect())
    }

    /// The task with this id, if the stack still knows it.
    pub fn move_task(&self, task_id: &str) -> Option<&MoveTask> {
        self.move_tasks.iter().find(|task| task.id == task_id)
    }
}

#[cfg(test)]
mod tests {
    use super::super::OutgoingMessage;
    use super::*;
    use std::collections::BTreeMap;

    const T0: EpochMillis = 1_700_000_000_000;
    const DLQ_ARN: &str = "arn:aws:sqs:us-east-1:000000000000:dlq";

    /// Queues `a` and `b` with `dlq` as their DLQ after one receive, `other` without, and
    /// `bodies` dead-lettered from `a`.
    fn with_dead_letters(bodies: &[&str]) -> Queues {
        let mut queues = Queues::new("us-east-1");
        let policy = format!(r#"{{"deadLetterTargetArn":"{DLQ_ARN}","maxReceiveCount":1}}"#);
        let redrive = BTreeMap::from([("RedrivePolicy".to_string(), policy)]);
        queues.create_queue("dlq", &BTreeMap::new(), T0).unwrap();
        queues.create_queue("a", &redrive, T0).unwrap();
        queues.create_queue("b", &redrive, T0).unwrap();
        queues.create_queue("other", &BTreeMap::new(), T0).unwrap();
        for body in bodies {
            queues.send("a", OutgoingMessage::body(*body), T0).unwrap();
        }
        queues.receive("a", 10, Some(0), T0).unwrap();
        queues.receive("a", 10, Some(0), T0 + 1).unwrap();
        queues
    }

    fn bodies(queues: &mut Queues, name: &str, now: EpochMillis) -> Vec<String> {
        let mut bodies: Vec<String> = queues
            .receive(name, 10, Some(0), now)
            .unwrap()
            .into_iter()
            .map(|d| d.body)
            .collect();
        bodies.sort();
        bodies
    }

    #[test]
    fn a_task_moves_each_message_back_to_its_source_as_a_new_message() {
        let mut queues = with_dead_letters(&["m1", "m2", "m3"]);
        let old = queues.receive("dlq", 10, Some(0), T0 + 2).unwrap();
        assert_eq!(
            old[0].system_attributes["DeadLetterQueueSourceArn"],
            queues.queue_arn("a")
        );
        let task = queues.start_move_task(DLQ_ARN, None, Some(2), T0 + 3).unwrap();
        assert_eq!(task.to_move, 3);
        assert_eq!(
            decode_handle(&task.handle),
            Some((task.id.clone(), DLQ_ARN.to_string()))
        );
        let step = queues.move_step(&task.id, 2, T0 + 4);
        assert_eq!(
            step,
            MoveStep {
                moved: 2,
                finished: false
            }
        );
        let step = queues.move_step(&task.id, 2, T0 + 5);
        assert_eq!(
            step,
            MoveStep {
                moved: 1,
                finished: true
            }
        );
        let listed = queues.list_move_tasks(DLQ_ARN, None).unwrap();
        assert_eq!((listed[0].status, listed[0].moved), (MoveTaskStatus::Completed, 3));
        let back = queues.receive("a", 10, Some(30), T0 + 6).unwrap();
        assert_eq!(back.len(), 3);
        for message in &back {
            assert!(
                old.iter().all(|o| o.message_id != message.message_id),
                "a new message id"
            );
            assert_eq!(message.system_attributes["ApproximateReceiveCount"], "1");
            let sent: EpochMillis = message.system_attributes["SentTimestamp"].parse().unwrap();
            assert!(sent == T0 + 4 || sent == T0 + 5, "sent when moved, not when first sent");
            assert!(!message.system_attributes.contains_key("DeadLetterQueueSourceArn"));
        }
        assert!(bodies(&mut queues, "dlq", T0 + 7).is_empty());
    }

    #[test]
    fn only_one_active_task_per_source_and_cancel_stops_it() {
        let mut queues = with_dead_letters(&["m1", "m2", "m3"]);
        let task = queues.start_move_task(DLQ_ARN, None, None, T0 + 2).unwrap();
        let err = queues.start_move_task(DLQ_ARN, None, None, T0 + 2).unwrap_err();
        assert!(err.to_string().starts_with("There is already a task running."), "{err}");
        queues.move_step(&task.id, 1, T0 + 3);
        assert_eq!(queues.cancel_move_task(&task.handle), Ok(1));
        assert_eq!(
            queues.list_move_tasks(DLQ_ARN, None).unwrap()[0].status,
            MoveTaskStatus::Cancelling
        );
        assert_eq!(
            queues.move_step(&task.id, 10, T0 + 4),
            MoveStep {
                moved: 0,
                finished: true
            }
        );
        assert_eq!(
            queues.list_move_tasks(DLQ_ARN, None).unwrap()[0].status,
            MoveTaskStatus::Cancelled
        );
        assert_eq!(bodies(&mut queues, "dlq", T0 + 5).len(), 2, "the rest stays in the DLQ");
        assert_eq!(
            queues.cancel_move_task(&task.handle),
            Err(SqsError::ResourceNotFound("Task does not exist.".into()))
        );
        assert!(
            queues.start_move_task(DLQ_ARN, None, None, T0 + 6).is_ok(),
            "a new task may start"
        );
    }

    #[test]
    fn a_message_without_a_known_source_fails_the_task_and_stays() {
        let mut queues = with_dead_letters(&[]);
        queues.send("dlq", OutgoingMessage::body("direct"), T0).unwrap();
        let task = queues.start_move_task(DLQ_ARN, None, None, T0 + 2).unwrap();
        assert!(queues.move_step(&task.id, 10, T0 + 3).finished);
        let listed = &queues.list_move_tasks(DLQ_ARN, None).unwrap()[0];
        assert_eq!(listed.status, MoveTaskStatus::Failed);
        assert_eq!(listed.failure_reason.as_deref(), Some("CouldNotDetermineMessageSource"));
        assert_eq!(bodies(&mut queues, "dlq", T0 + 4), ["direct"]);
        // With a destination, the same message moves.
        let other = queues.queue_arn("other");
        let task = queues.start_move_task(DLQ_ARN, Some(&other), None, T0 + 5).unwrap();
        assert!(queues.move_step(&task.id, 10, T0 + 6).finished);
        assert_eq!(bodies(&mut queues, "other", T0 + 7), ["direct"]);
    }

    #[test]
    fn messages_that_arrive_after_the_start_stay() {
        let mut queues = with_dead_letters(&["before"]);
        let task = queues.start_move_task(DLQ_ARN, None, None, T0 + 2).unwrap();
        queues.send("b", OutgoingMessage::body("after"), T0 + 2).unwrap();
        queues.receive("b", 10, Some(0), T0 + 2).unwrap();
        queues.receive("b", 10, Some(0), T0 + 3).unwrap();
        assert!(queues.move_step(&task.id, 10, T0 + 4).finished);
        assert_eq!(bodies(&mut queues, "dlq", T0 + 5), ["after"]);
        assert_eq!(bodies(&mut queues, "a", T0 + 5), ["before"]);
    }

    #[test]
    fn a_fifo_dlq_moves_back_in_order_keeping_each_group() {
        let mut queues = Queues::new("us-east-1");
        let fifo = |extra: &[(&str, &str)]| {
            let mut attributes = BTreeMap::from([
                ("FifoQueue".to_string(), "true".to_string()),
                ("ContentBasedDeduplication".to_string(), "true".to_string()),
            ]);
            attributes.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            attributes
        };
        queues.create_queue("dlq.fifo", &fifo(&[]), T0).unwrap();
        let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq.fifo","maxReceiveCount":1}"#;
        queues
            .create_queue("q.fifo", &fifo(&[("RedrivePolicy", policy)]), T0)
            .unwrap();
        for (body, group) in [("a1", "a"), ("b1", "b"), ("a2", "a")] {
            let message = OutgoingMessage {
                group_id: Some(group.into()),
                ..OutgoingMessage::body(body)
            };
            queues.send("q.fifo", message, T0).unwrap();
        }
        for at in 1..=6 {
            queues.receive("q.fifo", 10, Some(0), T0 + at).unwrap();
        }
        let dlq_arn = queues.queue_arn("dlq.fifo");
        let task = queues.start_move_task(&dlq_arn, None, None, T0 + 10).unwrap();
        assert_eq!(task.to_move, 3);
        assert!(queues.move_step(&task.id, 10, T0 + 11).finished);
        assert_eq!(queues.list_move_tasks(&dlq_arn, None).unwrap()[0].moved, 3);
        let back = queues.receive("q.fifo", 10, Some(30), T0 + 12).unwrap();
        let groups: Vec<(&str, &str)> = back
            .iter()
            .map(|d| (d.body.as_str(), d.system_attributes["MessageGroupId"].as_str()))
            .collect();
        let of_group = |group: &str| -> Vec<&str> {
            groups
                .iter()
                .filter(|(_, g)| *g == group)
                .map(|(body, _)| *body)
                .collect()
        };
        assert_eq!(
            (of_group("a"), of_group("b")),
            (vec!["a1", "a2"], vec!["b1"]),
            "each group in order"
        );
        assert!(back
            .windows(2)
            .all(|w| w[0].system_attributes["SequenceNumber"] != w[1].system_attributes["SequenceNumber"]));
    }

    #[test]
    fn awss_errors_for_bad_requests() {
        let mut queues = with_dead_letters(&[]);
        let code = |r: Result<MoveTask, SqsError>| r.unwrap_err().to_string();
        assert_eq!(
            code(queues.start_move_task(DLQ_ARN, None, Some(501), T0)),
            "Value 501 for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500."
        );
        assert_eq!(
            code(queues.start_move_task("arn:aws:sqs:us-east-1:000000000000:nope", None, None, T0)),
            "The resource that you specified for the SourceArn parameter doesn't exist."
        );
        let a = queues.queue_arn("a");
        assert_eq!(
            code(queues.start_move_task(&a, None, None, T0)),
            "Source queue must be configured as a Dead Letter Queue."
        );
        assert_eq!(
            code(queues.start_move_task(DLQ_ARN, Some("arn:aws:sqs:us-east-1:000000000000:nope"), None, T0)),
            "The resource that you specified for the DestinationArn parameter doesn't exist."
        );
        assert_eq!(
            queues.cancel_move_task("junk"),
            Err(SqsError::InvalidParameterValue(
                "Value for parameter TaskHandle is invalid.".into()
            ))
        );
        assert!(queues.list_move_tasks(DLQ_ARN, Some(11)).is_err());
        assert_eq!(queues.list_move_tasks(DLQ_ARN, Some(10)).unwrap(), Vec::new());
        let (sources, token) = queues.list_dead_letter_source_queues("dlq", None, None).unwrap();
        assert_eq!((sources, token), (vec!["a".to_string(), "b".to_string()], None));
        assert_eq!(
            queues.list_dead_letter_source_queues("nope", None, None),
            Err(SqsError::QueueDoesNotExist)
        );
    }
}
