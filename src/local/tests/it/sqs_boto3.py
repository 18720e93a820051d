"""boto3 against the local SQS: run by tests/local_sqs.rs with the endpoint as the only argument.

Checks what a Python user of SQS would: answers, AWS's checksums (computed here independently
of the server), typed errors, batches, long polls and FIFO queues. Exits non-zero on the first
failure, with the reason on stderr.
"""

import hashlib
import struct
import sys

import boto3


def md5_of_attributes(attributes):
    """AWS's MD5OfMessageAttributes, written from AWS's description of the algorithm."""
    digest = hashlib.md5()

    def length_prefixed(data):
        digest.update(struct.pack(">I", len(data)))
        digest.update(data)

    for name in sorted(attributes):
        value = attributes[name]
        length_prefixed(name.encode())
        length_prefixed(value["DataType"].encode())
        if value["DataType"].startswith("Binary"):
            digest.update(b"\x02")
            length_prefixed(value["BinaryValue"])
        else:
            digest.update(b"\x01")
            length_prefixed(value["StringValue"].encode())
    return digest.hexdigest()


def expect_error(code, call, **kwargs):
    try:
        call(**kwargs)
    except sqs.exceptions.ClientError as err:
        got = err.response["Error"]["Code"]
        assert got == code, f"expected {code}, got {got}: {err}"
        return err
    raise AssertionError(f"expected {code}, the call succeeded")


endpoint = sys.argv[1]
sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1")

url = sqs.create_queue(QueueName="py-orders", Attributes={"VisibilityTimeout": "40"})["QueueUrl"]
assert url == f"{endpoint}/000000000000/py-orders", url
assert sqs.get_queue_url(QueueName="py-orders")["QueueUrl"] == url
assert url in sqs.list_queues(QueueNamePrefix="py-")["QueueUrls"]
attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
assert attributes["VisibilityTimeout"] == "40", attributes
assert attributes["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:py-orders", attributes

# Typed errors, as botocore maps them from the query-compatible error code.
try:
    sqs.get_queue_url(QueueName="does-not-exist")
    raise AssertionError("GetQueueUrl of a missing queue succeeded")
except sqs.exceptions.QueueDoesNotExist:
    pass
try:
    sqs.create_queue(QueueName="py-orders", Attributes={"VisibilityTimeout": "41"})
    raise AssertionError("CreateQueue with different attributes succeeded")
except sqs.exceptions.QueueNameExists:
    pass
expect_error("InvalidParameterValue", sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11)
expect_error("InvalidParameterValue", sqs.receive_message, QueueUrl=url, WaitTimeSeconds=21)

message_attributes = {
    "kind": {"DataType": "String", "StringValue": "customer"},
    "count": {"DataType": "Number", "StringValue": "42"},
    "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe"},
}
body = '{"CustID": 7, "Name": "Grace Hopper \u00e9"}'
sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=message_attributes)
assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest(), sent
assert sent["MD5OfMessageAttributes"] == md5_of_attributes(message_attributes), sent

received = sqs.receive_message(
    QueueUrl=url.replace("127.0.0.1", "localhost"),
    MessageAttributeNames=["All"],
    MessageSystemAttributeNames=["All"],
    WaitTimeSeconds=1,
)["Messages"]
assert len(received) == 1, received
message = received[0]
assert message["MessageId"] == sent["MessageId"], message
assert message["Body"] == body
assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
assert message["MessageAttributes"]["raw"]["BinaryValue"] == b"\x00\x01\xfe", message
assert message["Attributes"]["ApproximateReceiveCount"] == "1", message
assert int(message["Attributes"]["SentTimestamp"]) > 0

sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
expect_error("ReceiptHandleIsInvalid", sqs.delete_message, QueueUrl=url, ReceiptHandle="nonsense")

empty = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
assert "Messages" not in empty, empty

batch = sqs.send_message_batch(
    QueueUrl=url,
    Entries=[
        {"Id": "one", "MessageBody": "first"},
        {"Id": "two", "MessageBody": "bad \x01 byte"},
        {"Id": "three", "MessageBody": "third", "DelaySeconds": 0},
    ],
)
assert [s["Id"] for s in batch["Successful"]] == ["one", "three"], batch
assert batch["Failed"][0]["Id"] == "two" and batch["Failed"][0]["Code"] == "InvalidMessageContents", batch
assert batch["Failed"][0]["SenderFault"] is True
try:
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": f"e{i}", "MessageBody": "x"} for i in range(11)])
    raise AssertionError("a batch of 11 succeeded")
except sqs.exceptions.TooManyEntriesInBatchRequest:
    pass

received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
assert sorted(m["Body"] for m in received) == ["first", "third"], received
deleted = sqs.delete_message_batch(
    QueueUrl=url, Entries=[{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(received)]
)
assert len(deleted["Successful"]) == 2, deleted

fifo = sqs.create_queue(
    QueueName="py-jobs.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
)["QueueUrl"]
first = sqs.send_message(QueueUrl=fifo, MessageBody="job 1", MessageGroupId="g")
again = sqs.send_message(QueueUrl=fifo, MessageBody="job 1", MessageGroupId="g")
assert again["MessageId"] == first["MessageId"], (first, again)
second = sqs.send_message(QueueUrl=fifo, MessageBody="job 2", MessageGroupId="g")
assert int(second["SequenceNumber"]) > int(first["SequenceNumber"])
jobs = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
assert [m["Body"] for m in jobs] == ["job 1", "job 2"], jobs
assert jobs[0]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"job 1").hexdigest()

# AWS's common errors: the code boto3 reports comes from x-amzn-query-error, and the JSON
# protocol's __type is the shared framework's shape, which botocore keeps as QueryErrorCode.
err = expect_error("MissingParameter", sqs.send_message, QueueUrl=fifo, MessageBody="no group")
assert err.response["Error"]["QueryErrorCode"] == "MissingRequiredParameterException", err.response
assert err.response["Error"]["Message"] == "The request must contain the parameter MessageGroupId.", err.response
err = expect_error("InvalidParameterValue", sqs.send_message, QueueUrl=fifo, MessageBody="x", MessageGroupId="g", DelaySeconds=5)
assert err.response["Error"]["QueryErrorCode"] == "InvalidParameterValueException", err.response

sqs.purge_queue(QueueUrl=fifo)
sqs.delete_queue(QueueUrl=url)
try:
    sqs.send_message(QueueUrl=url, MessageBody="after delete")
    raise AssertionError("sending to a deleted queue succeeded")
except sqs.exceptions.QueueDoesNotExist:
    pass

print("boto3 checks passed")
