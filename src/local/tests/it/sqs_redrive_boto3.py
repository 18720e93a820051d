"""boto3 redriving a DLQ on the local SQS: run by redrive.rs with the endpoint as the only argument.

What a Python user of StartMessageMoveTask would check: the DLQ's source queues are listed; a task
without a destination takes every message back to its source once, as a new message with its
attributes; a task to another queue, cancelled mid-way, reports what it moved, and the moved and
the remaining messages add up to the DLQ's, each once. Exits non-zero on the first failure.
"""

import collections
import json
import sys
import time

import boto3

endpoint = sys.argv[1]
sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")
ARN = "arn:aws:sqs:us-east-1:000000000000:"

dlq = sqs.create_queue(QueueName="py-dlq")["QueueUrl"]
policy = json.dumps({"deadLetterTargetArn": ARN + "py-dlq", "maxReceiveCount": 1})
source = sqs.create_queue(QueueName="py-source", Attributes={"RedrivePolicy": policy})["QueueUrl"]
other = sqs.create_queue(QueueName="py-other")["QueueUrl"]
assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [source]

COUNT = 60
bodies = {f'{{"CustID": {i}, "Name": "Py {i}"}}' for i in range(COUNT)}
for body in bodies:
    sqs.send_message(QueueUrl=source, MessageBody=body,
                     MessageAttributes={"kind": {"DataType": "String", "StringValue": "customer"}})


def depth(url):
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return sum(int(v) for v in attributes.values())


def dead_letter_everything():
    for _ in range(COUNT):
        if depth(dlq) == COUNT:
            return
        sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=10, VisibilityTimeout=0)
    raise AssertionError(f"only {depth(dlq)} of {COUNT} messages reached the DLQ")


def drain(url):
    got = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                       MessageSystemAttributeNames=["All"]).get("Messages", [])
        if not messages:
            return got
        for message in messages:
            got.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def newest_task(until):
    for _ in range(600):
        task = sqs.list_message_move_tasks(SourceArn=ARN + "py-dlq")["Results"][0]
        if until(task):
            return task
        time.sleep(0.05)
    raise AssertionError(f"the task never got there: {task}")


# Back to the source, every message once, as a new message.
dead_letter_everything()
old_ids = {m["MessageId"] for m in sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10,
                                                         VisibilityTimeout=0)["Messages"]}
sqs.start_message_move_task(SourceArn=ARN + "py-dlq")
task = newest_task(lambda t: t["Status"] == "COMPLETED")
assert task["ApproximateNumberOfMessagesMoved"] == COUNT, task
assert "TaskHandle" not in task and "DestinationArn" not in task, task
back = drain(source)
assert sorted(m["Body"] for m in back) == sorted(bodies), "every message back once"
assert not old_ids & {m["MessageId"] for m in back}, "a redriven message has a new id"
assert all(m["Attributes"]["ApproximateReceiveCount"] == "1" for m in back)
assert all(m["MessageAttributes"]["kind"]["StringValue"] == "customer" for m in back)

# Elsewhere, cancelled mid-way.
for body in bodies:
    sqs.send_message(QueueUrl=source, MessageBody=body)
dead_letter_everything()
handle = sqs.start_message_move_task(SourceArn=ARN + "py-dlq", DestinationArn=ARN + "py-other",
                                     MaxNumberOfMessagesPerSecond=20)["TaskHandle"]
newest_task(lambda t: t["ApproximateNumberOfMessagesMoved"] >= 3)
moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
task = newest_task(lambda t: t["Status"] == "CANCELLED")
assert task["ApproximateNumberOfMessagesMoved"] == moved, (task, moved)
assert task["DestinationArn"] == ARN + "py-other" and task["MaxNumberOfMessagesPerSecond"] == 20, task
arrived = [m["Body"] for m in drain(other)]
left = [m["Body"] for m in drain(dlq)]
assert len(arrived) == moved, (len(arrived), moved)
counts = collections.Counter(arrived + left)
assert set(counts) == bodies and set(counts.values()) == {1}, "none lost, none twice"
print(f"redrove {COUNT}; cancelled after {moved}")
