"""SQS throughput of the custctl local stack vs moto's server, with the same client (boto3).

Usage: python3 examples/sqs_vs_moto.py --endpoint http://127.0.0.1:4566 [--messages 2000]
Needs `pip install boto3 'moto[server]'`. Starts moto's server itself on a free loopback port.
For each endpoint: SendMessageBatch N messages into a fresh queue (so N are queued), then
ReceiveMessage (10 at a time) + DeleteMessageBatch until the queue is empty. Prints msgs/s for
the whole cycle and each phase, and the ratio, as one JSON line.
"""
import argparse
import json
import socket
import subprocess
import sys
import time
import uuid

import boto3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cycle(endpoint, n):
    sqs = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    url = sqs.create_queue(QueueName=f"bench-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    start = time.perf_counter()
    for i in range(0, n, 10):
        entries = [{"Id": str(j), "MessageBody": json.dumps({"CustID": j, "Name": f"Customer {j}"})}
                   for j in range(i, min(n, i + 10))]
        assert not sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed")
    sent = time.perf_counter()
    drained = 0
    while drained < n:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if not got:
            continue
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(k), "ReceiptHandle": m["ReceiptHandle"]}
                                                         for k, m in enumerate(got)])
        drained += len(got)
    done = time.perf_counter()
    return {"send_msgs_per_sec": n / (sent - start), "drain_msgs_per_sec": n / (done - sent),
            "cycle_msgs_per_sec": n / (done - start)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    port = free_port()
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("moto's server did not start (pip install 'moto[server]')")
                time.sleep(0.2)
        moto_result = cycle(f"http://127.0.0.1:{port}", args.messages)
        ours = cycle(args.endpoint, args.messages)
    finally:
        moto.terminate()
        moto.wait()
    print(json.dumps({"messages": args.messages, "custctl_local": ours, "moto": moto_result,
                      "ratio": ours["cycle_msgs_per_sec"] / moto_result["cycle_msgs_per_sec"]}))


if __name__ == "__main__":
    main()
