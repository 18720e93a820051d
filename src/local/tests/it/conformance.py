"""The local stack's answers, checked against the service models botocore ships.

Run by conformance.rs with two arguments: the endpoint of a gateway serving every service of the
stack, and a JSON object naming what the stack was set up with (the function, the database
instance). Exits 1 with a list of every non-conformity found.

1. Every operation of every model is probed with a signed request: what does not get the
   protocol's "unknown operation" answer is an operation the stack answers. Each of them must have
   cases below (a new operation is held to the models from its first commit), and each case's
   operation must be answered (the list stays true).
2. Each case is sent as botocore serialises it (signed with SigV4, as the SDKs send it), and the raw
   answer is checked against the operation's model: status, member names with their exact casing,
   types, enums, required members, no member the model does not have, no null; errors with the code,
   status and members of their error shape; an x-amzn-RequestId on every answer.
"""

import base64
import datetime
import http.client
import io
import json
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ElementTree

import botocore
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.credentials import Credentials
from botocore.eventstream import EventStreamBuffer
from botocore.parsers import RpcV2CBORParser
from botocore.serialize import create_serializer

# The models are botocore's; a model change is a deliberate update of this pin (and of .ci/test
# and the README's "Conformance" section).
PINNED_BOTOCORE = "1.43.11"
if botocore.__version__ != PINNED_BOTOCORE:
    sys.exit(
        f"botocore {botocore.__version__} is installed, but the conformance test is pinned to the models of "
        f"botocore {PINNED_BOTOCORE}: python3 -m pip install boto3==1.43.11 botocore==1.43.11 awscli==1.45.11 "
        "(or update PINNED_BOTOCORE, .ci/test and the README together)"
    )

ENDPOINT = sys.argv[1].rstrip("/")
CONTEXT = json.loads(sys.argv[2])
REGION = "us-east-1"
SERVICES = ["sqs", "logs", "lambda", "secretsmanager", "rds", "cloudwatch"]
CBOR = "smithy-rpc-v2-cbor"
# The Smithy namespace of the error shapes' ids in `__type` (query-compatible services).
SHAPE_NAMESPACES = {"sqs": "com.amazonaws.sqs", "cloudwatch": "com.amazonaws.cloudwatch"}
session = botocore.session.get_session()
MODELS = {name: session.get_service_model(name) for name in SERVICES}
CREDENTIALS = Credentials("test", "test")

# Errors AWS sends that the models do not have, with where that is documented or recorded.
UNMODELLED_ERRORS = {
    # SQS (awsQueryCompatible): AWS's common errors, as the shared framework's shapes; the query
    # code is in x-amzn-query-error. Recorded from SQS: LocalStack's test_sqs.snapshot.json.
    "sqs": {
        "com.amazon.coral.service#InvalidParameterValueException": ("InvalidParameterValue", 400),
        "com.amazon.coral.service#MissingRequiredParameterException": ("MissingParameter", 400),
    },
    # Lambda answers an oversized Invoke with RequestEntityTooLargeException (413), not the
    # model's RequestTooLargeException (see src/local/lambda/errors.rs).
    "lambda": {"RequestEntityTooLargeException": (None, 413)},
}

# Errors a service documents as common to all its operations, which the models list only on
# some: CloudWatch's "Common Errors" (InvalidParameterValue, InvalidParameterCombination,
# MissingParameter; https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html).
COMMON_ERRORS = {
    "cloudwatch": {"InvalidParameterValueException", "InvalidParameterCombinationException",
                   "MissingRequiredParameterException"},
}

problems = []
# The protocol of the answer being checked (CBOR timestamps are tagged, JSON ones numbers).
CURRENT_PROTOCOL = [None]


def problem(where, text):
    problems.append(f"{where}: {text}")


# ---- requests, as the SDKs send them ----------------------------------------------------------


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    def json(self):
        if self.headers.get("content-type", "").startswith("application/cbor"):
            return cbor(self.body)
        return json.loads(self.body) if self.body else {}


def cbor(body):
    """A CBOR body, decoded as botocore decodes one (tag 1 becomes a datetime)."""
    if not body:
        return {}
    parser = RpcV2CBORParser()
    return parser.parse_data_item(parser.get_peekable_stream_from_bytes(body))


def signed(service, request_dict):
    model = MODELS[service]
    # As boto3 with inject_host_prefix=False: StartLiveTail's `stream-` host prefix is for AWS's
    # own endpoints.
    request_dict.pop("host_prefix", None)
    prepare_request_dict(request_dict, ENDPOINT)
    request = create_request_object(request_dict)
    signing_name = model.metadata.get("signingName", model.metadata["endpointPrefix"])
    SigV4Auth(CREDENTIALS, signing_name, REGION).add_auth(request)
    return request


def send(request, stream=False):
    url = urllib.parse.urlsplit(request.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    path = url.path + (f"?{url.query}" if url.query else "")
    body = request.body
    if isinstance(body, str):
        body = body.encode()
    connection.request(request.method, path or "/", body=body, headers=dict(request.headers.items()))
    response = connection.getresponse()
    if stream:
        return connection, response
    answer = Answer(response.status, response.getheaders(), response.read())
    connection.close()
    return answer


def serialised(service, operation, params):
    model = MODELS[service]
    request_dict = create_serializer(model.metadata["protocol"], include_validation=False).serialize_to_request(
        params, model.operation_model(operation)
    )
    return signed(service, request_dict)


def call(service, operation, params=None):
    return send(serialised(service, operation, params or {}))


# ---- which operations the stack answers -------------------------------------------------------


def answered(service):
    """The operations of `service` that the stack answers with something other than 'unknown'."""
    model = MODELS[service]
    protocol = model.metadata["protocol"]
    found = set()
    for operation in model.operation_names:
        om = model.operation_model(operation)
        if protocol == "json":
            request = signed(
                service,
                {
                    "url_path": "/",
                    "query_string": "",
                    "method": "POST",
                    "headers": {
                        "X-Amz-Target": f"{model.metadata['targetPrefix']}.{operation}",
                        "Content-Type": f"application/x-amz-json-{model.metadata['jsonVersion']}",
                    },
                    "body": b"{}",
                },
            )
            answer = send(request)
            unknown = answer.status == 400 and str(answer.json().get("__type", "")).endswith("UnknownOperationException")
        elif protocol == CBOR:
            request = signed(
                service,
                {
                    "url_path": f"/service/{model.metadata['targetPrefix']}/operation/{operation}",
                    "query_string": "",
                    "method": "POST",
                    "headers": {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"},
                    "body": b"\xa0",
                },
            )
            answer = send(request)
            unknown = answer.status == 400 and str(answer.json().get("__type", "")).endswith("UnknownOperationException")
        elif protocol == "query":
            body = urllib.parse.urlencode({"Action": operation, "Version": model.metadata["apiVersion"]})
            request = signed(
                service,
                {
                    "url_path": "/",
                    "query_string": "",
                    "method": "POST",
                    "headers": {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                    "body": body.encode(),
                },
            )
            answer = send(request)
            unknown = answer.status == 400 and b"<Code>InvalidAction</Code>" in answer.body
        else:  # rest-json: a route that exists answers in Lambda's format (x-amzn-ErrorType) or 2xx
            path = om.http["requestUri"]
            for name in om.input_shape.members if om.input_shape else []:
                path = path.replace("{" + name + "}", "conformance-probe").replace("{" + name + "+}", "conformance-probe")
            url_path, _, query = path.partition("?")
            request = signed(
                service,
                {
                    "url_path": url_path,
                    "query_string": dict(urllib.parse.parse_qsl(query, keep_blank_values=True)),
                    "method": om.http["method"],
                    "headers": {},
                    "body": b"",
                },
            )
            answer = send(request)
            unknown = not (200 <= answer.status < 300 or "x-amzn-errortype" in answer.headers)
        if not unknown:
            found.add(operation)
    return found


# ---- the model checks -------------------------------------------------------------------------


def check_value(where, shape, value):
    """A JSON value against its shape."""
    if value is None:
        problem(where, "null (a member without a value must be absent)")
        return
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return problem(where, f"expected an object ({shape.name}), got {type(value).__name__}")
        check_members(where, shape, value)
    elif kind == "list":
        if not isinstance(value, list):
            return problem(where, f"expected a list, got {type(value).__name__}")
        for i, item in enumerate(value):
            check_value(f"{where}[{i}]", shape.member, item)
    elif kind == "map":
        if not isinstance(value, dict):
            return problem(where, f"expected a map, got {type(value).__name__}")
        for key, item in value.items():
            check_value(f"{where}.{key}", shape.value, item)
    elif kind == "string":
        if not isinstance(value, str):
            return problem(where, f"expected a string, got {value!r}")
        if shape.enum and value not in shape.enum:
            problem(where, f"{value!r} is not one of the enum {shape.name}: {shape.enum}")
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            problem(where, f"expected an integer, got {value!r}")
    elif kind in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problem(where, f"expected a number, got {value!r}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problem(where, f"expected a boolean, got {value!r}")
    elif kind == "timestamp":
        if CURRENT_PROTOCOL[0] == CBOR:
            if not isinstance(value, datetime.datetime):
                problem(where, f"expected a CBOR timestamp (tag 1), got {value!r}")
        elif shape.serialization.get("timestampFormat") == "iso8601":
            if not isinstance(value, str):
                problem(where, f"expected an ISO 8601 string, got {value!r}")
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            problem(where, f"expected epoch seconds, got {value!r}")
    elif kind == "blob":
        try:
            base64.b64decode(value, validate=True)
        except Exception:
            problem(where, f"expected base64, got {value!r:.60}")
    else:
        problem(where, f"no check for the model type {kind}")


def body_members(shape):
    """The members of a structure that travel in a JSON body, by their wire name."""
    return {
        member.serialization.get("name", name): member
        for name, member in shape.members.items()
        if member.serialization.get("location") is None and not member.serialization.get("eventstream")
    }


def check_members(where, shape, value):
    members = body_members(shape)
    for key, item in value.items():
        if key not in members:
            near = [m for m in members if m.lower() == key.lower()]
            hint = f" (the model spells it {near[0]})" if near else ""
            problem(where, f"member {key!r} is not in {shape.name}{hint}")
        else:
            check_value(f"{where}.{key}", members[key], item)
    for required in shape.required_members:
        wire = shape.members[required].serialization.get("name", required)
        if wire in members and wire not in value:
            problem(where, f"required member {wire!r} of {shape.name} is missing")
    if shape.is_tagged_union and len(value) != 1:
        problem(where, f"a union ({shape.name}) has exactly one member, got {sorted(value)}")


def check_xml(where, shape, element):
    """A query-protocol XML element against its shape."""
    kind = shape.type_name
    text = (element.text or "").strip()
    if kind == "structure":
        names = {member.serialization.get("name", name): member for name, member in shape.members.items()}
        seen = set()
        for child in element:
            tag = child.tag.split("}")[-1]
            if tag not in names:
                problem(where, f"element <{tag}> is not in {shape.name}")
                continue
            member = names[tag]
            if tag in seen and not member.serialization.get("flattened"):
                problem(where, f"element <{tag}> appears twice")
            seen.add(tag)
            check_xml(f"{where}.{tag}", member, child)
        for required in shape.required_members:
            wire = shape.members[required].serialization.get("name", required)
            if wire not in seen:
                problem(where, f"required member {wire!r} of {shape.name} is missing")
    elif kind == "list":
        item_name = shape.member.serialization.get("name", "member")
        for i, child in enumerate(element):
            tag = child.tag.split("}")[-1]
            if tag != item_name:
                problem(where, f"list item <{tag}>, the model says <{item_name}>")
            check_xml(f"{where}[{i}]", shape.member, child)
    elif kind == "string":
        if shape.enum and text not in shape.enum:
            problem(where, f"{text!r} is not one of the enum {shape.name}")
    elif kind in ("integer", "long"):
        try:
            int(text)
        except ValueError:
            problem(where, f"expected an integer, got {text!r}")
    elif kind in ("float", "double"):
        try:
            float(text)
        except ValueError:
            problem(where, f"expected a number, got {text!r}")
    elif kind == "boolean":
        if text not in ("true", "false"):
            problem(where, f"expected true or false, got {text!r}")
    elif kind == "timestamp":
        try:
            datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            problem(where, f"expected an ISO 8601 time, got {text!r}")
    elif kind == "map":
        problem(where, "no check for XML maps (no answered operation has one)")


def check_request_id(where, answer):
    if not answer.headers.get("x-amzn-requestid"):
        problem(where, "no x-amzn-RequestId header")


def check_ok(service, operation, answer):
    """A successful answer against the operation's output shape."""
    where = f"{service}.{operation}"
    model = MODELS[service]
    om = model.operation_model(operation)
    protocol = model.metadata["protocol"]
    check_request_id(where, answer)
    CURRENT_PROTOCOL[0] = protocol
    if not 200 <= answer.status < 300:
        return problem(where, f"expected success, got {answer.status}: {answer.body[:300]!r}")
    if protocol == CBOR:
        if answer.headers.get("smithy-protocol") != "rpc-v2-cbor":
            problem(where, "no smithy-protocol: rpc-v2-cbor header")
        if answer.headers.get("content-type") != "application/cbor":
            problem(where, f"content type {answer.headers.get('content-type')!r}")
    expected_status = om.http.get("responseCode", 200)
    if protocol == "rest-json" and operation != "Invoke" and answer.status != expected_status:
        problem(where, f"status {answer.status}, the model says {expected_status}")
    shape = om.output_shape
    if protocol == "query":
        root = ElementTree.fromstring(answer.body)
        if root.tag.split("}")[-1] != f"{operation}Response":
            return problem(where, f"root element <{root.tag}>, expected <{operation}Response>")
        result = root.find(f"{{*}}{om.output_shape.serialization.get('resultWrapper', operation + 'Result')}")
        if result is None:
            return problem(where, "no result element")
        return check_xml(where, shape, result)
    if shape is None:
        if answer.body.strip() not in (b"", b"{}"):
            problem(where, f"the model has no output, the body is {answer.body[:200]!r}")
        return
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location == "header":
            header = member.serialization.get("name", name).lower()
            if header in answer.headers and member.type_name == "integer":
                if not answer.headers[header].isdigit():
                    problem(where, f"header {header} is not an integer")
    if shape.serialization.get("payload"):
        return  # the body is the payload itself (Invoke's function answer)
    try:
        body = answer.json()
    except ValueError:
        return problem(where, f"the body is not JSON: {answer.body[:200]!r}")
    check_value(where, shape, body)


def error_shape(service, code):
    model = MODELS[service]
    for shape in model.error_shapes:
        if shape.name == code or shape.metadata.get("error", {}).get("code") == code:
            return shape
    return None


def error_members(shape):
    """The members an error body may have: its shape's, by their exact names. Every AWS JSON error
    carries a message: spelt as the shape spells its message member, `message` when the shape
    has none (CloudWatch Logs' shapes have no members; AWS sends `message`)."""
    members = set(body_members(shape)) if shape is not None else set()
    if not any(m.lower() == "message" for m in members):
        members.add("message")
    return members


def check_error(service, operation, answer, expected_code, expected_status=None):
    """An error answer: AWS's code, the status and members of its shape, the protocol's form."""
    where = f"{service}.{operation} ({expected_code})"
    model = MODELS[service]
    protocol = model.metadata["protocol"]
    check_request_id(where, answer)
    if protocol == "query":
        root = ElementTree.fromstring(answer.body)
        code = root.findtext("{*}Error/{*}Code")
        message = root.findtext("{*}Error/{*}Message")
        if root.tag.split("}")[-1] != "ErrorResponse" or message is None or root.findtext("{*}Error/{*}Type") is None:
            problem(where, f"not a query-protocol ErrorResponse: {answer.body[:300]!r}")
        shape = error_shape(service, code)
        wire_code = code
    elif protocol in ("json", CBOR):
        body = answer.json()
        wire_code = body.get("__type", "")
        code = wire_code.split("#")[-1]
        shape = None if "#" in wire_code and wire_code in UNMODELLED_ERRORS.get(service, {}) else error_shape(service, code)
        if model.metadata.get("awsQueryCompatible") is not None:
            # The query code (what the SDKs report) is in x-amzn-query-error; __type is the
            # fully qualified shape: com.amazonaws.sqs#<shape>, or a common error's framework shape.
            query_error = answer.headers.get("x-amzn-query-error", "")
            query_code, _, fault = query_error.partition(";")
            if fault not in ("Sender", "Receiver"):
                problem(where, f"x-amzn-query-error is {query_error!r}, expected '<code>;Sender'")
            if wire_code in UNMODELLED_ERRORS.get(service, {}):
                code = UNMODELLED_ERRORS[service][wire_code][0]
                if query_code != code:
                    problem(where, f"x-amzn-query-error code {query_code!r}, AWS sends {code!r}")
            elif not wire_code.startswith(f"{SHAPE_NAMESPACES[service]}#"):
                problem(where, f"__type {wire_code!r} is not a fully qualified shape id")
        allowed = {"__type"} | error_members(shape)
        for key in body:
            if key not in allowed:
                problem(where, f"error member {key!r} is not in {shape.name if shape else wire_code} (allowed: {sorted(allowed)})")
        if shape is not None:
            check_value(where, shape, {k: v for k, v in body.items() if k in body_members(shape)})
    else:  # rest-json
        wire_code = answer.headers.get("x-amzn-errortype", "").split(":")[0]
        code = wire_code
        shape = error_shape(service, code)
        body = answer.json()
        allowed = error_members(shape) | {"Type"}
        for key in body:
            if key not in allowed:
                problem(where, f"error member {key!r} is not in {code} (allowed: {sorted(allowed)})")
        if shape is not None:
            check_value(where, shape, {k: v for k, v in body.items() if k in body_members(shape)})
    if code != expected_code and wire_code != expected_code:
        problem(where, f"error code {code!r} ({wire_code!r}), expected {expected_code!r}: {answer.body[:300]!r}")
    unmodelled = UNMODELLED_ERRORS.get(service, {}).get(wire_code)
    if shape is None and unmodelled is None:
        problem(where, f"{wire_code!r} is not an error shape of the {service} model")
    if shape is not None and operation in MODELS[service].operation_names:
        op_errors = {s.name for s in model.operation_model(operation).error_shapes}
        if op_errors and shape.name not in op_errors | COMMON_ERRORS.get(service, set()):
            problem(where, f"{shape.name} is not among {operation}'s errors in the model")
    status = (
        expected_status
        or (unmodelled[1] if unmodelled else None)
        or (shape.metadata.get("error", {}).get("httpStatusCode") if shape is not None else None)
        or 400
    )
    if answer.status != status:
        problem(where, f"status {answer.status}, expected {status}")


def ok(service, operation, params=None):
    answer = call(service, operation, params)
    check_ok(service, operation, answer)
    try:
        return answer.json() if MODELS[service].metadata["protocol"] != "query" else answer.body
    except ValueError:
        return {}


def fails(service, operation, params, code, status=None):
    check_error(service, operation, call(service, operation, params), code, status)


# ---- the cases: every operation the stack answers ---------------------------------------------


def sqs_cases():
    url = ok("sqs", "CreateQueue", {"QueueName": "conformance", "Attributes": {"VisibilityTimeout": "60"}})["QueueUrl"]
    fifo = ok("sqs", "CreateQueue", {"QueueName": "conformance.fifo", "Attributes": {"FifoQueue": "true"}})["QueueUrl"]
    fails("sqs", "CreateQueue", {"QueueName": "conformance", "Attributes": {"VisibilityTimeout": "61"}}, "QueueNameExists")
    fails("sqs", "CreateQueue", {"QueueName": "bad name!"}, "InvalidParameterValue")
    ok("sqs", "GetQueueUrl", {"QueueName": "conformance"})
    fails("sqs", "GetQueueUrl", {"QueueName": "absent"}, "QueueDoesNotExist")
    ok("sqs", "ListQueues", {})
    ok("sqs", "ListQueues", {"QueueNamePrefix": "conf", "MaxResults": 1})
    ok("sqs", "GetQueueAttributes", {"QueueUrl": url, "AttributeNames": ["All"]})
    fails("sqs", "GetQueueAttributes", {"QueueUrl": url, "AttributeNames": ["Colour"]}, "InvalidAttributeName")
    ok("sqs", "SetQueueAttributes", {"QueueUrl": url, "Attributes": {"DelaySeconds": "0"}})
    fails("sqs", "SetQueueAttributes", {"QueueUrl": url, "Attributes": {"DelaySeconds": "901"}}, "InvalidAttributeValue")
    ok("sqs", "SendMessage", {"QueueUrl": url, "MessageBody": "one",
                              "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}})
    fails("sqs", "SendMessage", {"QueueUrl": url}, "MissingParameter")
    fails("sqs", "SendMessage", {"QueueUrl": fifo, "MessageBody": "x"}, "MissingParameter")
    fails("sqs", "SendMessage", {"QueueUrl": url, "MessageBody": "x", "DelaySeconds": 901}, "InvalidParameterValue")
    fails("sqs", "SendMessage", {"QueueUrl": url.replace("conformance", "absent"), "MessageBody": "x"}, "QueueDoesNotExist")
    ok("sqs", "SendMessageBatch", {"QueueUrl": url, "Entries": [{"Id": "a", "MessageBody": "two"},
                                                                 {"Id": "b", "MessageBody": "three", "DelaySeconds": 901}]})
    fails("sqs", "SendMessageBatch", {"QueueUrl": url, "Entries": []}, "EmptyBatchRequest")
    fails("sqs", "SendMessageBatch", {"QueueUrl": url, "Entries": [{"Id": "a", "MessageBody": "x"}] * 2}, "BatchEntryIdsNotDistinct")
    fails("sqs", "SendMessageBatch", {"QueueUrl": url, "Entries": [{"Id": str(i), "MessageBody": "x"} for i in range(11)]},
          "TooManyEntriesInBatchRequest")
    fails("sqs", "SendMessageBatch", {"QueueUrl": url, "Entries": [{"Id": "no good", "MessageBody": "x"}]}, "InvalidBatchEntryId")
    received = ok("sqs", "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10, "MessageAttributeNames": ["All"],
                                            "MessageSystemAttributeNames": ["All"]})
    handles = [m["ReceiptHandle"] for m in received.get("Messages", [])]
    if len(handles) < 2:
        problem("sqs.ReceiveMessage", f"expected 2 messages, got {received}")
        return
    ok("sqs", "ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 0})
    fails("sqs", "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 11}, "InvalidParameterValue")
    ok("sqs", "ChangeMessageVisibility", {"QueueUrl": url, "ReceiptHandle": handles[0], "VisibilityTimeout": 30})
    fails("sqs", "ChangeMessageVisibility", {"QueueUrl": url, "ReceiptHandle": "junk", "VisibilityTimeout": 30},
          "ReceiptHandleIsInvalid")
    ok("sqs", "ChangeMessageVisibilityBatch", {"QueueUrl": url, "Entries": [
        {"Id": "a", "ReceiptHandle": handles[0], "VisibilityTimeout": 20},
        {"Id": "b", "ReceiptHandle": "junk", "VisibilityTimeout": 20}]})
    ok("sqs", "DeleteMessage", {"QueueUrl": url, "ReceiptHandle": handles[0]})
    fails("sqs", "DeleteMessage", {"QueueUrl": url, "ReceiptHandle": "junk"}, "ReceiptHandleIsInvalid")
    ok("sqs", "DeleteMessageBatch", {"QueueUrl": url, "Entries": [{"Id": "a", "ReceiptHandle": handles[1]},
                                                                   {"Id": "b", "ReceiptHandle": "junk"}]})
    ok("sqs", "PurgeQueue", {"QueueUrl": url})
    fails("sqs", "PurgeQueue", {"QueueUrl": url}, "PurgeQueueInProgress")
    ok("sqs", "DeleteQueue", {"QueueUrl": fifo})
    fails("sqs", "DeleteQueue", {"QueueUrl": fifo}, "QueueDoesNotExist")
    move_task_cases(url)


def move_task_cases(url):
    """DLQ redrive: ListDeadLetterSourceQueues and the message move tasks."""
    arn = "arn:aws:sqs:us-east-1:000000000000:"
    dlq = ok("sqs", "CreateQueue", {"QueueName": "conformance-dlq"})["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn + "conformance-dlq", "maxReceiveCount": 1})
    ok("sqs", "CreateQueue", {"QueueName": "conformance-src", "Attributes": {"RedrivePolicy": policy}})
    ok("sqs", "ListDeadLetterSourceQueues", {"QueueUrl": dlq})
    ok("sqs", "ListDeadLetterSourceQueues", {"QueueUrl": dlq, "MaxResults": 1})
    fails("sqs", "ListDeadLetterSourceQueues", {"QueueUrl": dlq.replace("conformance-dlq", "absent")}, "QueueDoesNotExist")
    for i in range(3):
        ok("sqs", "SendMessage", {"QueueUrl": dlq, "MessageBody": f"dead {i}"})
    # One a second: still running while it is listed and cancelled.
    handle = ok("sqs", "StartMessageMoveTask", {"SourceArn": arn + "conformance-dlq", "DestinationArn": arn + "conformance",
                                                "MaxNumberOfMessagesPerSecond": 1}).get("TaskHandle", "missing")
    running = ok("sqs", "ListMessageMoveTasks", {"SourceArn": arn + "conformance-dlq", "MaxResults": 10})
    if [t.get("Status") for t in running.get("Results", [])] != ["RUNNING"] or "TaskHandle" not in running["Results"][0]:
        problem("sqs.ListMessageMoveTasks", f"expected one RUNNING task with its handle, got {running}")
    ok("sqs", "CancelMessageMoveTask", {"TaskHandle": handle})
    fails("sqs", "CancelMessageMoveTask", {"TaskHandle": "junk"}, "InvalidParameterValue")
    fails("sqs", "StartMessageMoveTask", {"SourceArn": arn + "conformance"}, "InvalidParameterValue")
    fails("sqs", "StartMessageMoveTask", {"SourceArn": arn + "absent"}, "ResourceNotFoundException", 404)
    fails("sqs", "StartMessageMoveTask", {"SourceArn": arn + "conformance-dlq", "MaxNumberOfMessagesPerSecond": 501},
          "InvalidParameterValue")
    fails("sqs", "ListMessageMoveTasks", {"SourceArn": arn + "absent"}, "ResourceNotFoundException", 404)
    fails("sqs", "ListMessageMoveTasks", {"SourceArn": arn + "conformance-dlq", "MaxResults": 11}, "InvalidParameterValue")
    # The cancelled task ends at its next step; then a task without a destination runs, and
    # fails: these messages were sent to the DLQ directly, so they have no source to go back to.
    for _ in range(100):
        if ok("sqs", "ListMessageMoveTasks", {"SourceArn": arn + "conformance-dlq"})["Results"][0]["Status"] == "CANCELLED":
            break
        time.sleep(0.05)
    ok("sqs", "StartMessageMoveTask", {"SourceArn": arn + "conformance-dlq"})
    for _ in range(100):
        last = ok("sqs", "ListMessageMoveTasks", {"SourceArn": arn + "conformance-dlq"})["Results"][0]
        if last["Status"] != "RUNNING":
            break
        time.sleep(0.05)
    if last.get("FailureReason") != "CouldNotDetermineMessageSource":
        problem("sqs.ListMessageMoveTasks", f"expected a FAILED task with its FailureReason, got {last}")


def logs_cases():
    group = "/conformance/group"
    ok("logs", "CreateLogGroup", {"logGroupName": group})
    fails("logs", "CreateLogGroup", {"logGroupName": group}, "ResourceAlreadyExistsException")
    ok("logs", "CreateLogStream", {"logGroupName": group, "logStreamName": "s1"})
    fails("logs", "CreateLogStream", {"logGroupName": group, "logStreamName": "s1"}, "ResourceAlreadyExistsException")
    fails("logs", "CreateLogStream", {"logGroupName": "/absent", "logStreamName": "s1"}, "ResourceNotFoundException")
    now = int(datetime.datetime.now().timestamp() * 1000)
    ok("logs", "PutLogEvents", {"logGroupName": group, "logStreamName": "s1",
                                "logEvents": [{"timestamp": now, "message": "hello"}, {"timestamp": now, "message": "ERROR x"}]})
    fails("logs", "PutLogEvents", {"logGroupName": group, "logStreamName": "absent",
                                   "logEvents": [{"timestamp": now, "message": "x"}]}, "ResourceNotFoundException")
    ok("logs", "DescribeLogGroups", {})
    ok("logs", "DescribeLogGroups", {"logGroupNamePrefix": "/conformance", "limit": 1})
    fails("logs", "DescribeLogGroups", {"limit": 0}, "InvalidParameterException")
    ok("logs", "DescribeLogStreams", {"logGroupName": group})
    ok("logs", "DescribeLogStreams", {"logGroupName": group, "orderBy": "LastEventTime", "descending": True})
    fails("logs", "DescribeLogStreams", {"logGroupName": "/absent"}, "ResourceNotFoundException")
    ok("logs", "GetLogEvents", {"logGroupName": group, "logStreamName": "s1", "startFromHead": True})
    fails("logs", "GetLogEvents", {"logGroupName": group, "logStreamName": "absent"}, "ResourceNotFoundException")
    ok("logs", "FilterLogEvents", {"logGroupName": group, "filterPattern": "ERROR"})
    ok("logs", "FilterLogEvents", {"logGroupIdentifier": group, "logStreamNamePrefix": "s", "limit": 1})
    fails("logs", "FilterLogEvents", {"logGroupName": "/absent"}, "ResourceNotFoundException")
    live_tail(group)
    live_tail(group, {"logStreamNamePrefixes": ["s"]})
    fails("logs", "StartLiveTail", {"logGroupIdentifiers": ["/absent"]}, "ResourceNotFoundException")
    fails("logs", "StartLiveTail", {"logGroupIdentifiers": [group], "logStreamNames": ["a"], "logStreamNamePrefixes": ["b"]},
          "InvalidParameterException")
    ok("logs", "DeleteLogStream", {"logGroupName": group, "logStreamName": "s1"})
    fails("logs", "DeleteLogStream", {"logGroupName": group, "logStreamName": "s1"}, "ResourceNotFoundException")
    ok("logs", "PutRetentionPolicy", {"logGroupName": group, "retentionInDays": 7})
    fails("logs", "PutRetentionPolicy", {"logGroupName": group, "retentionInDays": 2}, "InvalidParameterException")
    fails("logs", "PutRetentionPolicy", {"logGroupName": "/absent", "retentionInDays": 7}, "ResourceNotFoundException")
    ok("logs", "DeleteRetentionPolicy", {"logGroupName": group})
    fails("logs", "DeleteRetentionPolicy", {"logGroupName": "/absent"}, "ResourceNotFoundException")
    ok("logs", "DeleteLogGroup", {"logGroupName": group})
    fails("logs", "DeleteLogGroup", {"logGroupName": group}, "ResourceNotFoundException")


def live_tail(group, extra=None):
    """StartLiveTail: the event stream's first events against the model: initial-response, then
    sessionStart, then a sessionUpdate (the stack sends one at least every second)."""
    where = "logs.StartLiveTail"
    om = MODELS["logs"].operation_model("StartLiveTail")
    stream = om.output_shape.members["responseStream"]
    connection, response = send(serialised("logs", "StartLiveTail", {"logGroupIdentifiers": [group], **(extra or {})}), True)
    check_request_id(where, Answer(response.status, response.getheaders(), b""))
    if response.status != 200:
        problem(where, f"status {response.status}: {response.read()[:300]!r}")
        return connection.close()
    if response.getheader("content-type") != "application/vnd.amazon.eventstream":
        problem(where, f"content type {response.getheader('content-type')!r}")
    buffer = EventStreamBuffer()
    events = []
    while len(events) < 3:
        data = response.read1(65536)
        if not data:
            break
        buffer.add_data(data)
        events.extend(buffer)
    connection.close()
    kinds = [e.headers.get(":event-type") for e in events[:3]]
    if kinds != ["initial-response", "sessionStart", "sessionUpdate"]:
        return problem(where, f"the stream starts with {kinds}, expected initial-response, sessionStart, sessionUpdate")
    for event in events[:3]:
        if event.headers.get(":message-type") != "event":
            problem(where, f"{event.headers} is not an event")
    initial = json.loads(events[0].payload)
    check_members(f"{where} initial-response", om.output_shape, initial)
    check_value(f"{where} sessionStart", stream.members["sessionStart"], json.loads(events[1].payload))
    check_value(f"{where} sessionUpdate", stream.members["sessionUpdate"], json.loads(events[2].payload))


def secrets_cases():
    arn = ok("secretsmanager", "CreateSecret", {"Name": "conformance/secret", "SecretString": "s3cr3t",
                                                "Description": "d", "Tags": [{"Key": "k", "Value": "v"}]})["ARN"]
    fails("secretsmanager", "CreateSecret", {"Name": "conformance/secret", "SecretString": "x"}, "ResourceExistsException")
    fails("secretsmanager", "CreateSecret", {"Name": "conformance/both", "SecretString": "x", "SecretBinary": b"x"},
          "InvalidParameterException")
    ok("secretsmanager", "PutSecretValue", {"SecretId": arn, "SecretString": "n3w"})
    fails("secretsmanager", "PutSecretValue", {"SecretId": "absent", "SecretString": "x"}, "ResourceNotFoundException")
    ok("secretsmanager", "GetSecretValue", {"SecretId": arn})
    ok("secretsmanager", "GetSecretValue", {"SecretId": "conformance/secret", "VersionStage": "AWSPREVIOUS"})
    fails("secretsmanager", "GetSecretValue", {"SecretId": "absent"}, "ResourceNotFoundException")
    fails("secretsmanager", "GetSecretValue", {"SecretId": arn, "VersionStage": "NOPE"}, "ResourceNotFoundException")
    ok("secretsmanager", "DescribeSecret", {"SecretId": arn})
    fails("secretsmanager", "DescribeSecret", {"SecretId": "absent"}, "ResourceNotFoundException")
    ok("secretsmanager", "ListSecrets", {})
    ok("secretsmanager", "ListSecrets", {"MaxResults": 1, "Filters": [{"Key": "name", "Values": ["conformance"]}]})
    fails("secretsmanager", "ListSecrets", {"NextToken": "junk"}, "InvalidNextTokenException")


def rds_cases():
    instance = CONTEXT["db_instance"]
    ok("rds", "DescribeDBInstances", {})
    ok("rds", "DescribeDBInstances", {"DBInstanceIdentifier": instance})
    ok("rds", "DescribeDBInstances", {"Filters": [{"Name": "engine", "Values": ["mysql"]}]})
    fails("rds", "DescribeDBInstances", {"DBInstanceIdentifier": "absent"}, "DBInstanceNotFound")
    ok("rds", "DescribeDBClusters", {})
    fails("rds", "DescribeDBClusters", {"DBClusterIdentifier": "absent"}, "DBClusterNotFoundFault")


def cloudwatch_cases():
    now = datetime.datetime.now(datetime.timezone.utc)
    window = {"StartTime": now - datetime.timedelta(minutes=10), "EndTime": now + datetime.timedelta(minutes=1)}

    def stat(metric, statistic, **extra):
        return {"Metric": {"Namespace": "AWS/SQS", "MetricName": metric,
                           "Dimensions": [{"Name": "QueueName", "Value": "conformance"}]},
                "Period": 60, "Stat": statistic, **extra}

    # The SQS cases sent to the queue `conformance`: these have datapoints, with timestamps.
    answer = ok("cloudwatch", "GetMetricData", {"MetricDataQueries": [
        {"Id": "sent", "MetricStat": stat("NumberOfMessagesSent", "Sum"), "Label": "sent"},
        {"Id": "visible", "MetricStat": stat("ApproximateNumberOfMessagesVisible", "p95"), "ReturnData": True},
        {"Id": "unused", "MetricStat": stat("NumberOfMessagesDeleted", "Sum"), "ReturnData": False},
    ], **window})
    results = answer.get("MetricDataResults", [])
    if [r.get("Id") for r in results] != ["sent", "visible"] or not results[0].get("Timestamps"):
        problem("cloudwatch.GetMetricData", f"expected datapoints for sent and visible, got {answer}")
    ok("cloudwatch", "GetMetricData", {"MetricDataQueries": [{"Id": "sent", "MetricStat": stat("NumberOfMessagesSent", "Sum")}],
                                       "ScanBy": "TimestampAscending", "MaxDatapoints": 1, **window})
    fails("cloudwatch", "GetMetricData", {"MetricDataQueries": [{"Id": "a", "MetricStat": stat("NumberOfMessagesSent", "Sum")}],
                                          "StartTime": window["EndTime"], "EndTime": window["StartTime"]}, "InvalidParameterValueException")
    fails("cloudwatch", "GetMetricData", window, "MissingRequiredParameterException")
    fails("cloudwatch", "GetMetricData", {"MetricDataQueries": [{"Id": "a", "MetricStat": stat("NumberOfMessagesSent", "Sum"),
                                                                 "Expression": "SUM(METRICS())"}], **window},
          "InvalidParameterCombinationException")
    fails("cloudwatch", "GetMetricData", {"MetricDataQueries": [{"Id": "a", "MetricStat": stat("NumberOfMessagesSent", "p101")}],
                                          **window}, "InvalidParameterValueException")
    fails("cloudwatch", "GetMetricData", {"MetricDataQueries": [{"Id": "a", "MetricStat": stat("NumberOfMessagesSent", "Sum")}],
                                          "NextToken": "junk", **window}, "InvalidNextToken")


def lambda_cases():
    function = CONTEXT["function"]
    ok("lambda", "ListFunctions", {})
    ok("lambda", "GetFunction", {"FunctionName": function})
    fails("lambda", "GetFunction", {"FunctionName": "absent"}, "ResourceNotFoundException")
    ok("lambda", "GetFunctionConfiguration", {"FunctionName": function})
    fails("lambda", "GetFunctionConfiguration", {"FunctionName": "absent"}, "ResourceNotFoundException")
    ok("lambda", "ListVersionsByFunction", {"FunctionName": function})
    ok("lambda", "ListVersionsByFunction", {"FunctionName": function, "MaxItems": 50})
    fails("lambda", "ListVersionsByFunction", {"FunctionName": "absent"}, "ResourceNotFoundException")
    ok("lambda", "ListAliases", {"FunctionName": function})
    ok("lambda", "ListAliases", {"FunctionName": function, "FunctionVersion": "$LATEST", "MaxItems": 10})
    fails("lambda", "ListAliases", {"FunctionName": "absent"}, "ResourceNotFoundException")
    ok("lambda", "UpdateFunctionConfiguration", {"FunctionName": function, "Description": "conformance", "Timeout": 5})
    fails("lambda", "UpdateFunctionConfiguration", {"FunctionName": function, "Timeout": 0}, "InvalidParameterValueException")
    fails("lambda", "UpdateFunctionConfiguration", {"FunctionName": function, "Layers": ["arn:aws:lambda:us-east-1:1:layer:x:1"]},
          "InvalidParameterValueException")
    fails("lambda", "UpdateFunctionConfiguration", {"FunctionName": "absent", "Timeout": 5}, "ResourceNotFoundException")
    ok("lambda", "Invoke", {"FunctionName": function, "Payload": b"{}", "LogType": "Tail"})
    ok("lambda", "Invoke", {"FunctionName": function, "Payload": b"{}", "InvocationType": "DryRun"})
    fails("lambda", "Invoke", {"FunctionName": function, "Payload": b"not json"}, "InvalidRequestContentException")
    fails("lambda", "Invoke", {"FunctionName": "absent", "Payload": b"{}"}, "ResourceNotFoundException")
    too_large = b'"' + b"x" * (6 * 1024 * 1024) + b'"'
    fails("lambda", "Invoke", {"FunctionName": function, "Payload": too_large}, "RequestEntityTooLargeException")
    fails("lambda", "Invoke", {"FunctionName": function, "Payload": b'"' + b"x" * (1024 * 1024) + b'"', "InvocationType": "Event"},
          "RequestEntityTooLargeException")
    queue_url = ok("sqs", "CreateQueue", {"QueueName": "conformance-mapped", "Attributes": {"VisibilityTimeout": "60"}})["QueueUrl"]
    queue_arn = "arn:aws:sqs:us-east-1:000000000000:conformance-mapped"
    mapping = ok("lambda", "CreateEventSourceMapping", {"EventSourceArn": queue_arn, "FunctionName": function, "BatchSize": 5,
                                                        "FunctionResponseTypes": ["ReportBatchItemFailures"]})
    fails("lambda", "CreateEventSourceMapping", {"EventSourceArn": queue_arn, "FunctionName": function}, "ResourceConflictException")
    fails("lambda", "CreateEventSourceMapping", {"EventSourceArn": queue_arn, "FunctionName": function, "BatchSize": 20},
          "InvalidParameterValueException")
    ok("lambda", "ListEventSourceMappings", {})
    ok("lambda", "ListEventSourceMappings", {"FunctionName": function, "EventSourceArn": queue_arn})
    ok("lambda", "GetEventSourceMapping", {"UUID": mapping.get("UUID", "missing")})
    fails("lambda", "GetEventSourceMapping", {"UUID": "00000000-0000-0000-0000-000000000000"}, "ResourceNotFoundException")
    ok("lambda", "UpdateEventSourceMapping", {"UUID": mapping.get("UUID", "missing"), "Enabled": False})
    fails("lambda", "UpdateEventSourceMapping", {"UUID": mapping.get("UUID", "missing"), "BatchSize": 0},
          "InvalidParameterValueException")
    ok("sqs", "DeleteQueue", {"QueueUrl": queue_url})


CASES = {
    "sqs": (sqs_cases, {"CreateQueue", "GetQueueUrl", "ListQueues", "GetQueueAttributes", "SetQueueAttributes", "DeleteQueue",
                        "PurgeQueue", "SendMessage", "SendMessageBatch", "ReceiveMessage", "DeleteMessage",
                        "DeleteMessageBatch", "ChangeMessageVisibility", "ChangeMessageVisibilityBatch",
                        "ListDeadLetterSourceQueues", "StartMessageMoveTask", "ListMessageMoveTasks",
                        "CancelMessageMoveTask"}),
    "cloudwatch": (cloudwatch_cases, {"GetMetricData"}),
    "logs": (logs_cases, {"CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "CreateLogStream", "DeleteLogStream",
                          "DescribeLogStreams", "PutLogEvents", "GetLogEvents", "FilterLogEvents", "StartLiveTail",
                          "PutRetentionPolicy", "DeleteRetentionPolicy"}),
    "secretsmanager": (secrets_cases, {"GetSecretValue", "DescribeSecret", "ListSecrets", "CreateSecret", "PutSecretValue"}),
    "rds": (rds_cases, {"DescribeDBInstances", "DescribeDBClusters"}),
    "lambda": (lambda_cases, {"Invoke", "GetFunction", "GetFunctionConfiguration", "UpdateFunctionConfiguration", "ListFunctions",
                              "ListVersionsByFunction", "ListAliases",
                              "CreateEventSourceMapping", "ListEventSourceMappings", "GetEventSourceMapping",
                              "UpdateEventSourceMapping"}),
}

for service, (cases, covered) in CASES.items():
    found = answered(service)
    for operation in sorted(found - covered):
        problem(service, f"the stack answers {operation}, but the conformance test has no case for it: add one")
    for operation in sorted(covered - found):
        problem(service, f"{operation} has cases, but the stack does not answer it")
    cases()

if problems:
    print(f"{len(problems)} answers do not conform to the botocore {PINNED_BOTOCORE} models:", file=sys.stderr)
    for line in problems:
        print(f"  {line}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({service: sorted(covered) for service, (_, covered) in CASES.items()}))
