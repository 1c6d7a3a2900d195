"""Two services share an orders queue during a migration: the legacy one still speaks the
SQS query API (form-encoded, SigV4-signed `Action=` requests, as SDKs before the JSON
switch sent them, posted to the queue's URL or with a QueueUrl field), the new one uses
boto3 (the JSON protocol). The legacy producer sends typed attributes (Number.float and a
Binary value, base64 on the wire); the new consumer gets the same digests back and asks
for system attributes by the new name while the legacy one uses `AttributeName.N`. Each
protocol reports a missing queue in its own words. Queue URLs are accepted in the forms
clients hold (the host they were given, or another one, or just the name)."""
import base64
import hashlib
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from trip_helpers import KEY, REGION, SECRET, error_of

NS = {"q": "http://queue.amazonaws.com/doc/2012-11-05/"}


def legacy(endpoint, action, path="/", **fields):
    """A query-protocol request as the old SDKs send it: (status, XML root)."""
    body = urlencode({"Action": action, "Version": "2012-11-05", **fields})
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    request = AWSRequest(method="POST", url=endpoint + path, data=body, headers=headers)
    SigV4Auth(Credentials(KEY, SECRET), "sqs", REGION).add_auth(request)
    answer = requests.post(endpoint + path, data=body, headers=dict(request.headers), timeout=30)
    return answer.status_code, ET.fromstring(answer.content)


def text(root, path):
    found = root.find(path, NS)
    return None if found is None else found.text


@pytest.fixture
def orders(sqs_queues):
    return sqs_queues("orders")


def test_legacy_producer_new_consumer(client, lakebox_server, orders):
    sqs = client("sqs")
    endpoint = lakebox_server.endpoint or f"https://sqs.{REGION}.amazonaws.com"
    status, sent = legacy(endpoint, "SendMessage", path=urlsplit(orders).path, MessageBody='{"order": 7}', **{
        "MessageAttribute.1.Name": "total", "MessageAttribute.1.Value.DataType": "Number.float",
        "MessageAttribute.1.Value.StringValue": "19.99",
        "MessageAttribute.2.Name": "receipt", "MessageAttribute.2.Value.DataType": "Binary",
        "MessageAttribute.2.Value.BinaryValue": base64.b64encode(b"\x00\x01pdf").decode()})
    assert status == 200
    assert text(sent, "q:SendMessageResult/q:MD5OfMessageBody") == hashlib.md5(b'{"order": 7}').hexdigest()
    digest = text(sent, "q:SendMessageResult/q:MD5OfMessageAttributes")

    (message,) = sqs.receive_message(QueueUrl=orders, WaitTimeSeconds=5, MessageAttributeNames=["All"],
                                     MessageSystemAttributeNames=["ApproximateReceiveCount"],
                                     VisibilityTimeout=0)["Messages"]
    assert message["MessageId"] == text(sent, "q:SendMessageResult/q:MessageId")
    assert message["MessageAttributes"] == {"total": {"DataType": "Number.float", "StringValue": "19.99"},
                                            "receipt": {"DataType": "Binary", "BinaryValue": b"\x00\x01pdf"}}
    assert message["MD5OfMessageAttributes"] == digest
    assert message["Attributes"] == {"ApproximateReceiveCount": "1"}

    status, received = legacy(endpoint, "ReceiveMessage", QueueUrl=orders, **{
        "AttributeName.1": "ApproximateReceiveCount", "MessageAttributeName.1": "receipt"})
    assert status == 200
    found = received.find("q:ReceiveMessageResult/q:Message", NS)
    assert text(found, "q:Body") == '{"order": 7}'
    assert {text(a, "q:Name"): text(a, "q:Value") for a in found.findall("q:Attribute", NS)} == {
        "ApproximateReceiveCount": "2"}
    assert text(found, "q:MessageAttribute/q:Value/q:BinaryValue") == base64.b64encode(b"\x00\x01pdf").decode()
    status, _ = legacy(endpoint, "DeleteMessage", QueueUrl=orders, ReceiptHandle=text(found, "q:ReceiptHandle"))
    assert status == 200
    assert sqs.receive_message(QueueUrl=orders).get("Messages") is None


def test_a_missing_queue_in_each_protocol(client, lakebox_server):
    sqs = client("sqs")
    endpoint = lakebox_server.endpoint or f"https://sqs.{REGION}.amazonaws.com"
    name = f"retired-{uuid.uuid4().hex[:8]}"
    assert error_of(sqs.get_queue_url, QueueName=name) == (
        "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
    status, refused = legacy(endpoint, "GetQueueUrl", QueueName=name)
    assert (status, text(refused, "q:Error/q:Type"), text(refused, "q:Error/q:Code"),
            text(refused, "q:Error/q:Message")) == (
        400, "Sender", "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist for this wsdl version.")


@pytest.mark.local_only          # AWS's queue URLs name AWS's own hosts
def test_queue_url_forms(client, orders):
    sqs = client("sqs")
    path = urlsplit(orders).path
    name = path.rsplit("/", 1)[1]
    arn = sqs.get_queue_attributes(QueueUrl=orders, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for url in (orders, f"http://localhost:4566{path}", f"http://sqs.{REGION}.localhost.localstack.cloud:4566{path}",
                f"https://sqs.{REGION}.amazonaws.com{path}", name):
        sqs.send_message(QueueUrl=url, MessageBody=url)
        assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"] == arn
    got = sqs.receive_message(QueueUrl=orders, MaxNumberOfMessages=10, VisibilityTimeout=60)["Messages"]
    for _ in range(20):
        if len(got) == 5:
            break
        got += sqs.receive_message(QueueUrl=orders, MaxNumberOfMessages=10, VisibilityTimeout=60).get("Messages", [])
    assert len(got) == 5
    code, message = error_of(sqs.get_queue_attributes, QueueUrl=f"http://localhost:4566/000000000000/queue/{name}",
                             AttributeNames=["QueueArn"])
    assert (code, message) == ("InvalidAddress", f"The address http://localhost:4566/000000000000/queue/{name} is "
                                                 "not valid for this endpoint.")
