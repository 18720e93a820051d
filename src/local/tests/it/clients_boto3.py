"""boto3 against the local stack, one check per argument: run by clients.rs as
`clients_boto3.py CHECK ENDPOINT`. Each check is what broke for boto3 users before, asserted as a
user of boto3 sees it."""

import sys
import threading
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

CHECK, ENDPOINT = sys.argv[1], sys.argv[2]
FUNCTION = "customer-ingest"


def client(service, **config):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name="us-east-1", config=Config(**config))


def expect_client_error(code, call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as err:
        assert err.response["Error"]["Code"] == code, err.response
        return err
    raise AssertionError(f"expected {code}, the call succeeded")


def live_tail():
    # The SDKs send StartLiveTail to stream-<host>; a custom endpoint needs the prefix off.
    logs = client("logs", inject_host_prefix=False)
    group = "/live-tail/boto3"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    stream = logs.start_live_tail(logGroupIdentifiers=[group])["responseStream"]

    def write():
        time.sleep(0.3)
        logs.put_log_events(logGroupName=group, logStreamName="s",
                            logEvents=[{"timestamp": int(time.time() * 1000), "message": "hello from boto3"}])

    threading.Thread(target=write).start()
    seen = []
    start = None
    try:
        for event in stream:
            if "sessionStart" in event:
                start = event["sessionStart"]
            for result in event.get("sessionUpdate", {}).get("sessionResults", []):
                seen.append(result["message"])
            if seen:
                break
    finally:
        stream.close()
    assert start is not None and start["logGroupIdentifiers"] == [group], start
    assert "logStreamNamePrefixes" not in start and "logStreamNames" not in start, start
    assert seen == ["hello from boto3"], seen


def duplicate_mapping():
    sqs, lam = client("sqs"), client("lambda")
    sqs.create_queue(QueueName="mapped", Attributes={"VisibilityTimeout": "60"})
    arn = "arn:aws:sqs:us-east-1:000000000000:mapped"
    first = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=FUNCTION)
    try:
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=FUNCTION)
        raise AssertionError("a second mapping of the same queue and function was created")
    except lam.exceptions.ResourceConflictException as err:
        assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 409, err.response
        assert first["UUID"] in err.response["Error"]["Message"], err.response
    mappings = lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
    assert [m["UUID"] for m in mappings] == [first["UUID"]], mappings


def invoke_too_large():
    lam = client("lambda", retries={"max_attempts": 1})
    six_mb = 6 * 1024 * 1024
    err = expect_client_error("RequestEntityTooLargeException", lam.invoke, FunctionName=FUNCTION,
                              Payload=b'"' + b"x" * six_mb + b'"')
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 413, err.response
    assert err.response["Error"]["Message"] == "Request must be smaller than 6291456 bytes for the InvokeFunction operation"
    err = expect_client_error("RequestEntityTooLargeException", lam.invoke, FunctionName=FUNCTION, InvocationType="Event",
                              Payload=b'"' + b"x" * (1024 * 1024) + b'"')
    assert "too large for the Event invocation type (limit 1048576 bytes)" in err.response["Error"]["Message"], err.response
    # Just under the limit is taken (and reaches the function, which fails its init here).
    answer = lam.invoke(FunctionName=FUNCTION, Payload=b'"' + b"x" * (six_mb - 2) + b'"')
    assert answer["StatusCode"] == 200, answer


def update_configuration():
    lam = client("lambda")
    updated = lam.update_function_configuration(FunctionName=FUNCTION, Description="nightly import", Timeout=7)
    assert updated["Description"] == "nightly import" and updated["Timeout"] == 7, updated
    got = lam.get_function_configuration(FunctionName=FUNCTION)
    assert got["Description"] == "nightly import" and got["Timeout"] == 7, got
    # What the stack cannot honour is refused by name, and nothing of the request is applied.
    err = expect_client_error("InvalidParameterValueException", lam.update_function_configuration, FunctionName=FUNCTION,
                              Description="other", Layers=["arn:aws:lambda:us-east-1:000000000000:layer:x:1"])
    assert "Layers" in err.response["Error"]["Message"], err.response
    assert lam.get_function_configuration(FunctionName=FUNCTION)["Description"] == "nightly import"
    # Sending back what the function already has is no change, as Terraform does.
    lam.update_function_configuration(FunctionName=FUNCTION, Runtime=got["Runtime"], Handler=got["Handler"])


def request_ids():
    lam = client("lambda")
    ids = [
        lam.get_function(FunctionName=FUNCTION)["ResponseMetadata"]["RequestId"],
        lam.list_functions()["ResponseMetadata"]["RequestId"],
        lam.invoke(FunctionName=FUNCTION, InvocationType="DryRun")["ResponseMetadata"]["RequestId"],
        lam.invoke(FunctionName=FUNCTION, Payload=b"{}")["ResponseMetadata"]["RequestId"],
        lam.list_event_source_mappings()["ResponseMetadata"]["RequestId"],
    ]
    try:
        lam.get_function(FunctionName="absent")
    except lam.exceptions.ResourceNotFoundException as err:
        ids.append(err.response["ResponseMetadata"]["RequestId"])
    assert all(ids) and len(set(ids)) == len(ids), ids


def error_messages():
    # botocore puts an error shape's modelled members in the response by their model names:
    # Lambda's ResourceNotFoundException and every Secrets Manager error have `Message`.
    lam, secrets = client("lambda"), client("secretsmanager")
    try:
        lam.get_function(FunctionName="absent")
        raise AssertionError("GetFunction of an absent function succeeded")
    except lam.exceptions.ResourceNotFoundException as err:
        assert err.response.get("Message", "").startswith("Function not found"), err.response
        assert err.response.get("Type") == "User", err.response
    try:
        secrets.get_secret_value(SecretId="absent")
        raise AssertionError("GetSecretValue of an absent secret succeeded")
    except secrets.exceptions.ResourceNotFoundException as err:
        assert err.response.get("Message") == "Secrets Manager can't find the specified secret.", err.response


{
    "live_tail": live_tail,
    "duplicate_mapping": duplicate_mapping,
    "invoke_too_large": invoke_too_large,
    "update_configuration": update_configuration,
    "request_ids": request_ids,
    "error_messages": error_messages,
}[CHECK]()
print(f"{CHECK}: ok")
