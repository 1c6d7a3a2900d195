"""The query protocol SQS spoke before JSON, which older SDKs still send: form-encoded
requests with `Action=` and indexed members (`Attribute.1.Name`), XML answers in the
2012-11-05 namespace, and errors with the query codes. Requests are written by hand as
the SQS API reference's query examples show them, and signed with SigV4."""
import hashlib
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

pytestmark = pytest.mark.local_only        # writes to the lakebox endpoint directly
NS = {"q": "http://queue.amazonaws.com/doc/2012-11-05/"}


def call(server, action, path="/", **fields):
    """POST one query request; returns (status, parsed XML root)."""
    body = urlencode({"Action": action, "Version": "2012-11-05", **fields})
    request = AWSRequest(method="POST", url=server.endpoint + path, data=body,
                         headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    SigV4Auth(Credentials("test", "test"), "sqs", "us-east-1").add_auth(request)
    answer = requests.post(server.endpoint + path, data=body, headers=dict(request.headers), timeout=30)
    return answer.status_code, ET.fromstring(answer.content)


def text(root, path):
    return root.find(path, NS).text


def test_queue_and_message_round_trip(lakebox_server):
    name = f"query-{uuid.uuid4().hex[:10]}"
    status, created = call(lakebox_server, "CreateQueue", QueueName=name, **{
        "Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "40",
        "Attribute.2.Name": "DelaySeconds", "Attribute.2.Value": "0", "Tag.1.Key": "team", "Tag.1.Value": "data"})
    assert status == 200
    url = text(created, "q:CreateQueueResult/q:QueueUrl")
    assert url.endswith(f"/000000000000/{name}")
    assert created.find("q:ResponseMetadata/q:RequestId", NS) is not None

    _, attrs = call(lakebox_server, "GetQueueAttributes", QueueUrl=url, **{"AttributeName.1": "All"})
    found = {a.find("q:Name", NS).text: a.find("q:Value", NS).text
             for a in attrs.findall("q:GetQueueAttributesResult/q:Attribute", NS)}
    assert found["VisibilityTimeout"] == "40" and found["DelaySeconds"] == "0"

    _, sent = call(lakebox_server, "SendMessage", QueueUrl=url, MessageBody="via query", **{
        "MessageAttribute.1.Name": "colour", "MessageAttribute.1.Value.DataType": "String",
        "MessageAttribute.1.Value.StringValue": "blue"})
    assert text(sent, "q:SendMessageResult/q:MD5OfMessageBody") == hashlib.md5(b"via query").hexdigest()
    message_id = text(sent, "q:SendMessageResult/q:MessageId")

    _, received = call(lakebox_server, "ReceiveMessage", QueueUrl=url, **{
        "AttributeName.1": "All", "MessageAttributeName.1": "All", "MaxNumberOfMessages": "5"})
    [message] = received.findall("q:ReceiveMessageResult/q:Message", NS)
    assert text(message, "q:MessageId") == message_id
    assert text(message, "q:Body") == "via query"
    system = {a.find("q:Name", NS).text: a.find("q:Value", NS).text for a in message.findall("q:Attribute", NS)}
    assert system["ApproximateReceiveCount"] == "1"
    [attribute] = message.findall("q:MessageAttribute", NS)
    assert text(attribute, "q:Name") == "colour"
    assert text(attribute, "q:Value/q:StringValue") == "blue"

    _, batch = call(lakebox_server, "DeleteMessageBatch", QueueUrl=url, **{
        "DeleteMessageBatchRequestEntry.1.Id": "one",
        "DeleteMessageBatchRequestEntry.1.ReceiptHandle": text(message, "q:ReceiptHandle"),
        "DeleteMessageBatchRequestEntry.2.Id": "two", "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "bad"})
    assert text(batch, "q:DeleteMessageBatchResult/q:DeleteMessageBatchResultEntry/q:Id") == "one"
    assert text(batch, "q:DeleteMessageBatchResult/q:BatchResultErrorEntry/q:Code") == "ReceiptHandleIsInvalid"

    _, listed = call(lakebox_server, "ListQueues", QueueNamePrefix=name)
    assert [u.text for u in listed.findall("q:ListQueuesResult/q:QueueUrl", NS)] == [url]
    _, tags = call(lakebox_server, "ListQueueTags", QueueUrl=url)
    assert [(text(t, "q:Key"), text(t, "q:Value")) for t in tags.findall("q:ListQueueTagsResult/q:Tag", NS)] == \
        [("team", "data")]
    status, _ = call(lakebox_server, "DeleteQueue", QueueUrl=url)
    assert status == 200


def test_posting_to_the_queue_url_names_the_queue(lakebox_server):
    """The AWS SDK for Java v1 sends a queue's requests to its URL, without QueueUrl."""
    name = f"query-path-{uuid.uuid4().hex[:8]}"
    _, created = call(lakebox_server, "CreateQueue", QueueName=name)
    url = text(created, "q:CreateQueueResult/q:QueueUrl")
    path = "/000000000000/" + name
    status, _ = call(lakebox_server, "SendMessage", path=path, MessageBody="by path")
    assert status == 200
    _, received = call(lakebox_server, "ReceiveMessage", path=path)
    assert text(received, "q:ReceiveMessageResult/q:Message/q:Body") == "by path"
    call(lakebox_server, "DeleteQueue", QueueUrl=url)


def test_errors_carry_the_query_codes(lakebox_server):
    status, error = call(lakebox_server, "GetQueueUrl", QueueName="no-such-queue-here")
    assert status == 400
    assert text(error, "q:Error/q:Code") == "AWS.SimpleQueueService.NonExistentQueue"
    assert text(error, "q:Error/q:Type") == "Sender"
    assert text(error, "q:Error/q:Message") == "The specified queue does not exist for this wsdl version."
    status, error = call(lakebox_server, "CreateQueue", QueueName="bad name")
    assert (status, text(error, "q:Error/q:Code")) == (400, "InvalidParameterValue")
    status, error = call(lakebox_server, "NoSuchAction")
    assert (status, error.find(".//{*}Code").text) == (400, "InvalidAction")
