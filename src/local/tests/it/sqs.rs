//! The local SQS against real clients: the AWS SDK for Rust and boto3, pointed at a gateway on
//! loopback, with nothing but the endpoint URL changed. What they check is what a user of SQS
//! would: answers, checksums, typed errors, visibility, redrive, FIFO order, long polls.

use aws_sdk_sqs::error::ProvideErrorMetadata;
use aws_sdk_sqs::operation::receive_message::builders::ReceiveMessageFluentBuilder;
use aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput;
use aws_sdk_sqs::primitives::Blob;
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, MessageAttributeValue,
    MessageSystemAttributeName, QueueAttributeName, SendMessageBatchRequestEntry,
};
use aws_sdk_sqs::Client;
use custctl_local::gateway::Gateway;
use custctl_local::sqs::{QueueEvent, SqsService};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// A gateway serving a fresh SQS on an ephemeral loopback port, and an SDK client for it.
struct LocalSqs {
    address: SocketAddr,
    endpoint: String,
    service: Arc<SqsService>,
    client: Client,
}

async fn serve(service: Arc<SqsService>, listener: tokio::net::TcpListener) {
    let port = listener.local_addr().unwrap().port();
    let router = Gateway::new()
        .json_service(SqsService::TARGET_PREFIX, SqsService::PROTOCOL, service)
        .into_router(port);
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
}

async fn client_for(endpoint: &str) -> Client {
    let credentials = aws_sdk_sqs::config::Credentials::new("test", "test", None, None, "test");
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region("us-east-1")
        .credentials_provider(credentials)
        .load()
        .await;
    Client::new(&config)
}

async fn start() -> LocalSqs {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    let endpoint = format!("http://{address}");
    let service = Arc::new(SqsService::new(endpoint.clone(), "us-east-1".into()));
    serve(service.clone(), listener).await;
    let client = client_for(&endpoint).await;
    LocalSqs {
        address,
        endpoint,
        service,
        client,
    }
}

impl LocalSqs {
    async fn create(&self, name: &str, attributes: &[(QueueAttributeName, &str)]) -> String {
        let mut request = self.client.create_queue().queue_name(name);
        for (attribute, value) in attributes {
            request = request.attributes(attribute.clone(), *value);
        }
        request.send().await.unwrap().queue_url.unwrap()
    }

    async fn send(&self, url: &str, body: &str) -> aws_sdk_sqs::operation::send_message::SendMessageOutput {
        self.client
            .send_message()
            .queue_url(url)
            .message_body(body)
            .send()
            .await
            .unwrap()
    }

    /// ReceiveMessage on `url` with what `tune` sets (a count, a wait, the attributes to return).
    async fn receive(
        &self,
        url: &str,
        tune: impl FnOnce(ReceiveMessageFluentBuilder) -> ReceiveMessageFluentBuilder,
    ) -> ReceiveMessageOutput {
        tune(self.client.receive_message().queue_url(url)).send().await.unwrap()
    }

    async fn delete(&self, url: &str, receipt_handle: &str) {
        self.client
            .delete_message()
            .queue_url(url)
            .receipt_handle(receipt_handle)
            .send()
            .await
            .unwrap();
    }

    async fn attribute(&self, url: &str, name: QueueAttributeName) -> String {
        let out = self
            .client
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(name.clone())
            .send()
            .await
            .unwrap();
        out.attributes.unwrap()[&name].clone()
    }

    /// POSTs a JSON body with `X-Amz-Target: AmazonSQS.{operation}` by hand, for requests
    /// no SDK would send. Returns the status, the `x-amzn-query-error` header and the body.
    async fn raw(&self, operation: &str, body: &str) -> (u16, Option<String>, serde_json::Value) {
        let headers = format!("Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AmazonSQS.{operation}\r\n");
        let (head, body) = super::served::raw_post(&self.address.to_string(), &headers, body).await;
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let query_error = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("x-amzn-query-error")
                .then(|| value.trim().to_string())
        });
        (status, query_error, serde_json::from_str(&body).unwrap())
    }
}

fn string_attribute(value: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .unwrap()
}

fn md5_hex(bytes: &[u8]) -> String {
    use md5::Digest;
    hex::encode(md5::Md5::digest(bytes))
}

#[tokio::test]
async fn queues_are_created_listed_configured_and_deleted() {
    let sqs = start().await;
    let url = sqs
        .create("orders", &[(QueueAttributeName::VisibilityTimeout, "45")])
        .await;
    assert_eq!(url, format!("{}/000000000000/orders", sqs.endpoint));
    // Same attributes: the same queue. Different ones: AWS's QueueNameExists.
    assert_eq!(
        sqs.create("orders", &[(QueueAttributeName::VisibilityTimeout, "45")])
            .await,
        url
    );
    let err = sqs
        .client
        .create_queue()
        .queue_name("orders")
        .attributes(QueueAttributeName::VisibilityTimeout, "46")
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().unwrap().is_queue_name_exists(), "{err:?}");
    let err = sqs
        .client
        .create_queue()
        .queue_name("bad name!")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.as_service_error().unwrap().code(), Some("InvalidParameterValue"));

    for name in ["orders-dlq", "other"] {
        sqs.create(name, &[]).await;
    }
    let got = sqs
        .client
        .get_queue_url()
        .queue_name("orders-dlq")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.queue_url.unwrap(),
        format!("{}/000000000000/orders-dlq", sqs.endpoint)
    );
    let listed = sqs
        .client
        .list_queues()
        .queue_name_prefix("orders")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.queue_urls().len(), 2);
    let first_page = sqs.client.list_queues().max_results(2).send().await.unwrap();
    assert_eq!(first_page.queue_urls().len(), 2);
    let second_page = sqs
        .client
        .list_queues()
        .max_results(2)
        .next_token(first_page.next_token.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        second_page.queue_urls(),
        [format!("{}/000000000000/other", sqs.endpoint)]
    );
    assert!(second_page.next_token.is_none());

    let all = sqs
        .client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .unwrap();
    let all = all.attributes.unwrap();
    assert_eq!(
        all[&QueueAttributeName::QueueArn],
        "arn:aws:sqs:us-east-1:000000000000:orders"
    );
    assert_eq!(all[&QueueAttributeName::VisibilityTimeout], "45");
    assert_eq!(all[&QueueAttributeName::MaximumMessageSize], "1048576");
    assert_eq!(all[&QueueAttributeName::ApproximateNumberOfMessages], "0");
    assert!(all.contains_key(&QueueAttributeName::CreatedTimestamp));

    let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:orders-dlq","maxReceiveCount":"3"}"#;
    sqs.client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(QueueAttributeName::RedrivePolicy, policy)
        .attributes(QueueAttributeName::DelaySeconds, "2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sqs.attribute(&url, QueueAttributeName::RedrivePolicy).await,
        r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:orders-dlq","maxReceiveCount":3}"#
    );
    let err = sqs
        .client
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(QueueAttributeName::VisibilityTimeout, "99999")
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().unwrap().is_invalid_attribute_value(), "{err:?}");

    sqs.client.delete_queue().queue_url(&url).send().await.unwrap();
    let err = sqs
        .client
        .get_queue_url()
        .queue_name("orders")
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().unwrap().is_queue_does_not_exist(), "{err:?}");
    let err = sqs
        .client
        .send_message()
        .queue_url(&url)
        .message_body("x")
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().unwrap().is_queue_does_not_exist(), "{err:?}");
}

#[tokio::test]
async fn messages_carry_checksums_attributes_and_receive_counts() {
    let sqs = start().await;
    let url = sqs.create("q", &[]).await;
    let sent = sqs
        .client
        .send_message()
        .queue_url(&url)
        .message_body("derp")
        .message_attributes(
            "timestamp",
            MessageAttributeValue::builder()
                .data_type("Number")
                .string_value("1493147359900")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(sent.md5_of_message_body(), Some("58fd9edd83341c29f1aebba81c31e257"));
    // AWS's digest of this attribute, as AWS returns it.
    assert_eq!(
        sent.md5_of_message_attributes(),
        Some("235c5c510d26fb653d073faed50ae77c")
    );

    let binary = MessageAttributeValue::builder()
        .data_type("Binary")
        .binary_value(Blob::new(vec![0, 1, 2, 255]))
        .build()
        .unwrap();
    let body = "Héllo 😀 <&>";
    let sent = sqs
        .client
        .send_message()
        .queue_url(&url)
        .message_body(body)
        .message_attributes("kind", string_attribute("customer"))
        .message_attributes("trace.id", string_attribute("abc"))
        .message_attributes("blob", binary.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(sent.md5_of_message_body(), Some(md5_hex(body.as_bytes()).as_str()));

    let url_via_localhost = url.replace("127.0.0.1", "localhost");
    let received = sqs
        .receive(&url_via_localhost, |r| {
            r.max_number_of_messages(10)
                .message_system_attribute_names(MessageSystemAttributeName::All)
                .message_attribute_names("All")
        })
        .await;
    let messages = received.messages();
    assert_eq!(messages.len(), 2);
    let message = messages.iter().find(|m| m.body() == Some(body)).unwrap();
    assert_eq!(message.message_id(), sent.message_id());
    assert_eq!(message.md5_of_body(), Some(md5_hex(body.as_bytes()).as_str()));
    assert_eq!(message.md5_of_message_attributes(), sent.md5_of_message_attributes());
    let attributes = message.message_attributes().unwrap();
    assert_eq!(attributes["blob"], binary);
    assert_eq!(attributes["kind"].string_value(), Some("customer"));
    let system = message.attributes().unwrap();
    assert_eq!(system[&MessageSystemAttributeName::ApproximateReceiveCount], "1");
    assert_eq!(system[&MessageSystemAttributeName::SenderId], "000000000000");
    assert!(system[&MessageSystemAttributeName::SentTimestamp]
        .parse::<u64>()
        .is_ok());

    // Only the attributes asked for, with a digest of those.
    sqs.client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(message.receipt_handle().unwrap())
        .visibility_timeout(0)
        .send()
        .await
        .unwrap();
    let again = sqs.receive(&url, |r| r.message_attribute_names("trace.*")).await;
    let again = &again.messages()[0];
    assert_eq!(again.message_id(), sent.message_id());
    assert_eq!(
        again.message_attributes().unwrap().keys().collect::<Vec<_>>(),
        ["trace.id"]
    );
    assert!(again.attributes().is_none());
    assert_ne!(
        again.receipt_handle(),
        message.receipt_handle(),
        "each receive gives a new receipt handle"
    );

    // The first handle is stale: the delete succeeds but the message stays.
    sqs.delete(&url, message.receipt_handle().unwrap()).await;
    assert_eq!(
        sqs.attribute(&url, QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .await,
        "2"
    );
    sqs.delete(&url, again.receipt_handle().unwrap()).await;
    assert_eq!(
        sqs.attribute(&url, QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .await,
        "1"
    );

    let err = sqs
        .client
        .delete_message()
        .queue_url(&url)
        .receipt_handle("garbage")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.as_service_error().unwrap().is_receipt_handle_is_invalid(),
        "{err:?}"
    );
    let err = sqs
        .client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(again.receipt_handle().unwrap())
        .visibility_timeout(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.as_service_error().unwrap().code(),
        Some("InvalidParameterValue"),
        "{err:?}"
    );
}

#[tokio::test]
async fn visibility_changes_need_a_message_in_flight() {
    let sqs = start().await;
    let url = sqs.create("q", &[]).await;
    sqs.send(&url, "m").await;
    let received = sqs.receive(&url, |r| r.visibility_timeout(0)).await;
    let handle = received.messages()[0].receipt_handle().unwrap().to_string();
    // Visible again at once: no longer in flight.
    let err = sqs
        .client
        .change_message_visibility()
        .queue_url(&url)
        .receipt_handle(&handle)
        .visibility_timeout(30)
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().unwrap().is_message_not_inflight(), "{err:?}");
    let received = sqs.receive(&url, |r| r).await;
    let handle = received.messages()[0].receipt_handle().unwrap().to_string();
    let err = sqs
        .client
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(11)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.as_service_error().unwrap().code(), Some("InvalidParameterValue"));
    let out = sqs
        .client
        .change_message_visibility_batch()
        .queue_url(&url)
        .entries(
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id("ok")
                .receipt_handle(&handle)
                .visibility_timeout(60)
                .build()
                .unwrap(),
        )
        .entries(
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id("bad")
                .receipt_handle("junk")
                .visibility_timeout(60)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.successful()[0].id(), "ok");
    assert_eq!(out.failed()[0].id(), "bad");
    assert_eq!(out.failed()[0].code(), "ReceiptHandleIsInvalid");
    let out = sqs
        .client
        .delete_message_batch()
        .queue_url(&url)
        .entries(
            DeleteMessageBatchRequestEntry::builder()
                .id("a")
                .receipt_handle(&handle)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.successful().len(), 1);
    assert_eq!(
        sqs.attribute(&url, QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .await,
        "0"
    );
}

fn entry(id: &str, body: &str) -> SendMessageBatchRequestEntry {
    SendMessageBatchRequestEntry::builder()
        .id(id)
        .message_body(body)
        .build()
        .unwrap()
}

#[tokio::test]
async fn batches_follow_aws_rules_and_fail_entries_alone() {
    let sqs = start().await;
    let url = sqs.create("q", &[]).await;
    let out = sqs
        .client
        .send_message_batch()
        .queue_url(&url)
        .entries(entry("good", "fine"))
        .entries(entry("bad", "bell \u{7} character"))
        .entries(entry("also-good", "fine too"))
        .send()
        .await
        .unwrap();
    let ids = out.successful().iter().map(|s| s.id()).collect::<Vec<_>>();
    assert_eq!(ids, ["good", "also-good"]);
    assert_eq!(out.successful()[0].md5_of_message_body(), md5_hex(b"fine"));
    let failed = &out.failed()[0];
    assert_eq!(
        (failed.id(), failed.code(), failed.sender_fault()),
        ("bad", "InvalidMessageContents", true)
    );
    assert_eq!(
        sqs.attribute(&url, QueueAttributeName::ApproximateNumberOfMessages)
            .await,
        "2"
    );

    let batch = |entries: Vec<SendMessageBatchRequestEntry>| {
        sqs.client
            .send_message_batch()
            .queue_url(&url)
            .set_entries(Some(entries))
            .send()
    };
    let err = batch((0..11).map(|i| entry(&format!("e{i}"), "x")).collect())
        .await
        .unwrap_err();
    assert!(
        err.as_service_error().unwrap().is_too_many_entries_in_batch_request(),
        "{err:?}"
    );
    let err = batch(vec![entry("same", "x"), entry("same", "y")]).await.unwrap_err();
    assert!(
        err.as_service_error().unwrap().is_batch_entry_ids_not_distinct(),
        "{err:?}"
    );
    let err = batch(vec![]).await.unwrap_err();
    assert!(err.as_service_error().unwrap().is_empty_batch_request(), "{err:?}");
    let err = batch(vec![entry("no spaces", "x")]).await.unwrap_err();
    assert!(err.as_service_error().unwrap().is_invalid_batch_entry_id(), "{err:?}");
    let half = "x".repeat(600_000);
    let err = batch(vec![entry("a", &half), entry("b", &half)]).await.unwrap_err();
    assert!(err.as_service_error().unwrap().is_batch_request_too_long(), "{err:?}");
    let err = sqs
        .client
        .send_message()
        .queue_url(&url)
        .message_body("x".repeat(1_048_577))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.as_service_error().unwrap().code(), Some("InvalidParameterValue"));
    // 1 MiB is SQS's limit today (it was 256 KiB until August 2025).
    sqs.send(&url, &"x".repeat(1_048_576)).await;
}

#[tokio::test]
async fn a_long_poll_returns_as_soon_as_a_message_arrives() {
    let sqs = start().await;
    let url = sqs.create("q", &[]).await;
    let empty = sqs.receive(&url, |r| r.wait_time_seconds(1)).await;
    assert!(
        empty.messages().is_empty(),
        "an empty queue answers empty at the end of the wait"
    );

    let poll = {
        let (client, url) = (sqs.client.clone(), url.clone());
        tokio::spawn(async move {
            client
                .receive_message()
                .queue_url(url)
                .wait_time_seconds(20)
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    sqs.send(&url, "wake up").await;
    // Were the poll not woken, this would wait 20 s; the test harness's timeout catches that.
    let received = tokio::time::timeout(Duration::from_secs(10), poll)
        .await
        .expect("the long poll was not woken")
        .unwrap()
        .unwrap();
    assert_eq!(received.messages()[0].body(), Some("wake up"));
}

#[tokio::test]
async fn poison_messages_go_to_the_dead_letter_queue_after_max_receives() {
    let sqs = start().await;
    let dlq = sqs.create("q-dlq", &[]).await;
    let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:q-dlq","maxReceiveCount":2}"#;
    let url = sqs.create("q", &[(QueueAttributeName::RedrivePolicy, policy)]).await;
    let sent = sqs
        .client
        .send_message()
        .queue_url(&url)
        .message_body("poison")
        .message_attributes("kind", string_attribute("bad"))
        .send()
        .await
        .unwrap();
    for attempt in 1..=2 {
        let out = sqs.receive(&url, |r| r.visibility_timeout(0)).await;
        assert_eq!(out.messages().len(), 1, "receive {attempt} still delivers");
    }
    let third = sqs.receive(&url, |r| r).await;
    assert!(third.messages().is_empty());
    let moved = sqs.receive(&dlq, |r| r.message_attribute_names("All")).await;
    let moved = &moved.messages()[0];
    assert_eq!(moved.message_id(), sent.message_id());
    assert_eq!(moved.body(), Some("poison"));
    assert_eq!(moved.message_attributes().unwrap()["kind"].string_value(), Some("bad"));
}

#[tokio::test]
async fn fifo_queues_keep_order_per_group_and_deduplicate() {
    let sqs = start().await;
    let url = sqs
        .create("jobs.fifo", &[(QueueAttributeName::FifoQueue, "true")])
        .await;
    let send = |body: &str, group: &str, dedup: &str| {
        sqs.client
            .send_message()
            .queue_url(&url)
            .message_body(body)
            .message_group_id(group)
            .message_deduplication_id(dedup)
            .send()
    };
    let a1 = send("a1", "a", "1").await.unwrap();
    let duplicate = send("a1 again", "a", "1").await.unwrap();
    assert_eq!(
        duplicate.message_id(),
        a1.message_id(),
        "a duplicate returns the original id"
    );
    let a2 = send("a2", "a", "2").await.unwrap();
    send("b1", "b", "3").await.unwrap();
    let sequence = |s: Option<&str>| s.unwrap().parse::<u128>().unwrap();
    assert!(sequence(a2.sequence_number()) > sequence(a1.sequence_number()));
    assert_eq!(
        sqs.attribute(&url, QueueAttributeName::ApproximateNumberOfMessages)
            .await,
        "3"
    );

    let first = sqs.receive(&url, |r| r).await;
    assert_eq!(first.messages()[0].body(), Some("a1"));
    // a1 is in flight: group a gives nothing more, group b still does.
    let second = sqs.receive(&url, |r| r.max_number_of_messages(10)).await;
    let bodies = second.messages().iter().map(|m| m.body().unwrap()).collect::<Vec<_>>();
    assert_eq!(bodies, ["b1"]);
    sqs.delete(&url, first.messages()[0].receipt_handle().unwrap()).await;
    let third = sqs
        .receive(&url, |r| {
            r.message_system_attribute_names(MessageSystemAttributeName::All)
        })
        .await;
    let message = &third.messages()[0];
    assert_eq!(message.body(), Some("a2"));
    let attributes = message.attributes().unwrap();
    assert_eq!(attributes[&MessageSystemAttributeName::MessageGroupId], "a");
    assert_eq!(attributes[&MessageSystemAttributeName::MessageDeduplicationId], "2");

    let err = sqs
        .client
        .send_message()
        .queue_url(&url)
        .message_body("x")
        .message_deduplication_id("9")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.as_service_error().unwrap().code(), Some("MissingParameter"));
    let err = sqs
        .client
        .send_message()
        .queue_url(&url)
        .message_body("x")
        .message_group_id("g")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.as_service_error().unwrap().code(), Some("InvalidParameterValue"));
}

#[tokio::test]
async fn malformed_requests_get_aws_error_shapes() {
    let sqs = start().await;
    let (status, query_error, body) = sqs.raw("SendMessage", r#"{"MessageBody":"x"}"#).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["__type"],
        "com.amazon.coral.service#MissingRequiredParameterException"
    );
    assert_eq!(body["message"], "The request must contain the parameter QueueUrl.");
    assert_eq!(query_error.as_deref(), Some("MissingParameter;Sender"));

    let (status, query_error, body) = sqs.raw("GetQueueUrl", r#"{"QueueName":"nope"}"#).await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "com.amazonaws.sqs#QueueDoesNotExist");
    assert_eq!(
        query_error.as_deref(),
        Some("AWS.SimpleQueueService.NonExistentQueue;Sender")
    );

    let (status, _, body) = sqs.raw("ExplodeQueue", "{}").await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "UnknownOperationException");

    let (status, _, body) = sqs.raw("CreateQueue", r#"{"QueueName": 42}"#).await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "SerializationException");
}

#[tokio::test]
async fn the_stack_receives_deletes_and_follows_events_in_process() {
    let sqs = start().await;
    let service = &sqs.service;
    let url = service.create_queue_with("customers-dlq", HashMap::new()).unwrap();
    assert!(url.ends_with("/000000000000/customers-dlq"));
    let policy = r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:customers-dlq","maxReceiveCount":1}"#;
    service
        .create_queue_with(
            "customers",
            HashMap::from([("RedrivePolicy".to_string(), policy.to_string())]),
        )
        .unwrap();
    assert_eq!(
        service.queue_arn("customers").as_deref(),
        Some("arn:aws:sqs:us-east-1:000000000000:customers")
    );
    assert_eq!(service.visibility_timeout("customers"), Some(30));
    assert_eq!(service.redrive_policy("customers").unwrap().max_receive_count, 1);
    assert_eq!(service.queue_arn("missing"), None);

    let mut events = service.subscribe();
    let customers = format!("{}/000000000000/customers", sqs.endpoint);
    let sent = sqs
        .client
        .send_message()
        .queue_url(&customers)
        .message_body(r#"{"CustID":1,"Name":"Ada"}"#)
        .message_attributes("source", string_attribute("test"))
        .send()
        .await
        .unwrap();
    let batch = service
        .receive_batch("customers", 10, Some(Duration::from_secs(0)), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(batch.len(), 1);
    let message = &batch[0];
    assert_eq!(Some(message.message_id.as_str()), sent.message_id());
    assert_eq!(message.attributes["ApproximateReceiveCount"], "1");
    assert_eq!(message.message_attributes["source"]["stringValue"], "test");
    assert_eq!(message.message_attributes["source"]["dataType"], "String");
    assert_eq!(
        message.md5_of_message_attributes.as_deref(),
        sent.md5_of_message_attributes()
    );

    // Received once already, with maxReceiveCount 1: the next receive moves it.
    let none = service
        .receive_batch("customers", 10, None, Duration::ZERO)
        .await
        .unwrap();
    assert!(none.is_empty());
    let dead = service
        .receive_batch("customers-dlq", 10, None, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(dead[0].message_id, message.message_id);
    service
        .change_visibility("customers-dlq", &dead[0].receipt_handle, 0)
        .unwrap();
    let dead = service
        .receive_batch("customers-dlq", 10, None, Duration::ZERO)
        .await
        .unwrap();
    service.delete("customers-dlq", &dead[0].receipt_handle).unwrap();

    let id = message.message_id.clone();
    let mut seen = Vec::new();
    while let Ok(stamped) = events.try_recv() {
        seen.push(stamped.event);
    }
    let expected = [
        QueueEvent::Sent {
            queue: "customers".into(),
            message_id: id.clone(),
        },
        QueueEvent::Received {
            queue: "customers".into(),
            message_id: id.clone(),
            receive_count: 1,
        },
        QueueEvent::MovedToDeadLetterQueue {
            from: "customers".into(),
            to: "customers-dlq".into(),
            message_id: id.clone(),
        },
        QueueEvent::Received {
            queue: "customers-dlq".into(),
            message_id: id.clone(),
            receive_count: 2,
        },
        QueueEvent::Received {
            queue: "customers-dlq".into(),
            message_id: id.clone(),
            receive_count: 3,
        },
        QueueEvent::Deleted {
            queue: "customers-dlq".into(),
            message_id: id.clone(),
        },
    ];
    let without_expiries = seen
        .into_iter()
        .filter(|e| !matches!(e, QueueEvent::VisibilityExpired { .. }))
        .collect::<Vec<_>>();
    assert_eq!(without_expiries, expected);
}

#[tokio::test]
async fn queues_and_messages_survive_a_snapshot_and_restore() {
    let before = start().await;
    let url = before
        .create("customers", &[(QueueAttributeName::VisibilityTimeout, "120")])
        .await;
    for body in ["one", "two"] {
        before.send(&url, body).await;
    }
    // One message in flight at shutdown: visible again after the restart.
    before.receive(&url, |r| r).await;
    let snapshot = serde_json::to_string(&before.service.snapshot()).unwrap();

    let after = start().await;
    after.service.restore(serde_json::from_str(&snapshot).unwrap()).unwrap();
    let url = after
        .client
        .get_queue_url()
        .queue_name("customers")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    assert_eq!(
        after.attribute(&url, QueueAttributeName::VisibilityTimeout).await,
        "120"
    );
    let received = after.receive(&url, |r| r.max_number_of_messages(10)).await;
    let mut bodies = received
        .messages()
        .iter()
        .map(|m| m.body().unwrap())
        .collect::<Vec<_>>();
    bodies.sort_unstable();
    assert_eq!(bodies, ["one", "two"]);
}

#[tokio::test]
async fn boto3_works_against_the_local_sqs() {
    let sqs = start().await;
    super::python::run_script("sqs_boto3.py", &[&sqs.endpoint]).await;
}
