"""SQS's documented examples replayed as written: the API reference's query-protocol
requests (form fields to the queue's path, `AttributeName=All` with no index, GET with
the fields in the query string) with the digests its sample responses show, and the aws
cli's examples (awscli/examples/sqs) through boto3, each answer compared with the page
(ids, receipt handles and timestamps left out)."""
import json
from urllib.parse import urlparse

import pytest
from aws_cli import answer_of, run_cli
from sqs_query_helpers import NS, call, pairs, text

BODY_1 = "test message body 1"
BODY_1_MD5 = "0e024d309850c78cba5eabbeff7cae71"       # the API reference's sample responses


def _path(url):
    """The queue's path with the trailing slash the API reference's requests carry."""
    return urlparse(url).path + "/"


def test_receive_message_with_an_unindexed_attribute_name(lakebox_server, make_queue):
    """API_ReceiveMessage's query example: `AttributeName=All` names the list's one item."""
    url = make_queue()
    status, _, sent = call(lakebox_server, "SendMessage", path=_path(url), MessageBody=BODY_1)
    assert (status, text(sent, "q:SendMessageResult/q:MD5OfMessageBody")) == (200, BODY_1_MD5)
    status, _, root = call(lakebox_server, "ReceiveMessage", path=_path(url), MaxNumberOfMessages="5",
                           VisibilityTimeout="15", AttributeName="All")
    assert status == 200
    message, = root.findall("q:ReceiveMessageResult/q:Message", NS)
    assert (text(message, "q:Body"), text(message, "q:MD5OfBody")) == (BODY_1, BODY_1_MD5)
    attributes = pairs(message, "q:Attribute")
    assert sorted(attributes) == ["ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "SenderId",
                                  "SentTimestamp"]
    assert attributes["ApproximateReceiveCount"] == "1"


def test_get_queue_attributes_with_an_unindexed_attribute_name(lakebox_server, make_queue):
    url = make_queue(VisibilityTimeout=40)
    status, _, root = call(lakebox_server, "GetQueueAttributes", path=_path(url), AttributeName="VisibilityTimeout")
    assert (status, pairs(root, "q:GetQueueAttributesResult/q:Attribute")) == (200, {"VisibilityTimeout": "40"})


def test_set_queue_attributes_with_an_unindexed_attribute(lakebox_server, make_queue):
    """API_SetQueueAttributes' query example: `Attribute.Name=Policy&Attribute.Value=...`,
    the map's one entry named without its index."""
    url = make_queue()
    arn = url.replace("http://", "").split("/", 1)[1]        # <account>/<name>
    account, name = arn.split("/")
    policy = json.dumps({"Version": "2012-10-17", "Id": "UseCase1", "Statement": [{
        "Sid": "Queue1ReceiveMessage", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SQS:ReceiveMessage",
        "Resource": f"arn:aws:sqs:us-east-1:{account}:{name}"}]}, separators=(",", ":"))
    status, _, root = call(lakebox_server, "SetQueueAttributes", path=_path(url),
                           **{"Attribute.Name": "Policy", "Attribute.Value": policy})
    assert (status, root.tag) == (200, "{%s}SetQueueAttributesResponse" % NS["q"])
    _, _, root = call(lakebox_server, "GetQueueAttributes", path=_path(url), AttributeName="Policy")
    assert json.loads(pairs(root, "q:GetQueueAttributesResult/q:Attribute")["Policy"]) == json.loads(policy)


def test_send_message_batch_query_example(lakebox_server, make_queue):
    """API_SendMessageBatch's GET example, Expires and all, and its sample response's digests."""
    url = make_queue()
    entry = "SendMessageBatchRequestEntry"
    status, _, root = call(lakebox_server, "SendMessageBatch", path=_path(url), method="GET", **{
        f"{entry}.1.Id": "test_msg_001", f"{entry}.1.MessageBody": BODY_1,
        f"{entry}.2.Id": "test_msg_002", f"{entry}.2.MessageBody": "test message body 2",
        f"{entry}.2.DelaySeconds": "60",
        f"{entry}.2.MessageAttribute.1.Name": "test_attribute_name_1",
        f"{entry}.2.MessageAttribute.1.Value.StringValue": "test_attribute_value_1",
        f"{entry}.2.MessageAttribute.1.Value.DataType": "String",
        "Expires": "2020-05-05T22:52:43PST"})
    assert status == 200
    entries = root.findall("q:SendMessageBatchResult/q:SendMessageBatchResultEntry", NS)
    assert [(text(e, "q:Id"), text(e, "q:MD5OfMessageBody"), text(e, "q:MD5OfMessageAttributes")) for e in entries] == [
        ("test_msg_001", BODY_1_MD5, None),
        ("test_msg_002", "7fb8146a82f95e0af155278f406862c2", "ba056227cfd9533dba1f72ad9816d233")]


def _fuel_report(account, stamp, time, seller, city, postal, price):
    attributes = {"SellerName": seller, "City": city, "Region": "WA", "PostalCode": postal}
    return {"Id": f"FuelReport-{account}-2015-09-16T{stamp}Z",
            "MessageBody": f"Fuel report for account {account} on 2015-09-16 at {time} PM.", "DelaySeconds": 10,
            "MessageAttributes": {**{k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
                                  "PricePerGallon": {"DataType": "Number", "StringValue": price}}}


def _digest(md5, shown):
    """The page shows a digest's first and last eight digits."""
    return f"{md5[:8]}...{md5[-8:]}" == shown


def test_cli_send_message_batch_example_digests(sqs, make_queue):
    entries = [_fuel_report("0001", "140731", "02:07:31", "Example Store", "Any City", "99065", "1.99"),
               _fuel_report("0002", "140930", "02:09:30", "Example Fuels", "North Town", "99123", "1.87")]
    answer = sqs.send_message_batch(QueueUrl=make_queue(), Entries=entries)
    assert "Failed" not in answer                # AWS leaves out an empty list
    shown = {"FuelReport-0001-2015-09-16T140731Z": ("203c4a38...7943237e", "10809b55...baf283ef"),
             "FuelReport-0002-2015-09-16T140930Z": ("2cf0159a...c1980595", "55623928...ae354a25")}
    for entry in answer["Successful"]:
        body, attributes = shown.pop(entry["Id"])
        assert _digest(entry["MD5OfMessageBody"], body) and _digest(entry["MD5OfMessageAttributes"], attributes)
    assert shown == {}


@pytest.mark.parametrize("names, message_names, attributes, digest", [
    (["All"], ["All"], ["ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "SenderId", "SentTimestamp"],
     "9424c491...26bc3ae7"),
    (["SenderId", "SentTimestamp"], ["PostalCode"], ["SenderId", "SentTimestamp"], "b8e89563...e088e74f"),
])
def test_cli_receive_message_examples(sqs, make_queue, names, message_names, attributes, digest):
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="My first message.", MessageAttributes={
        "PostalCode": {"DataType": "String", "StringValue": "ABC123"},
        "City": {"DataType": "String", "StringValue": "Any City"}})
    message, = sqs.receive_message(QueueUrl=url, AttributeNames=names, MessageAttributeNames=message_names,
                                   MaxNumberOfMessages=10)["Messages"]
    assert sorted(message["Attributes"]) == attributes
    assert _digest(message["MD5OfMessageAttributes"], digest)
    wanted = ["City", "PostalCode"] if message_names == ["All"] else message_names
    assert sorted(message["MessageAttributes"]) == wanted


def test_cli_queue_examples(sqs, make_queue):
    """create-queue with a dead-letter queue, set-queue-attributes, get-queue-attributes
    for two names, list-dead-letter-source-queues, tags and add-permission."""
    dead = make_queue(prefix="MyDeadLetterQueue")
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = '{"deadLetterTargetArn":"%s","maxReceiveCount":"1000"}' % dead_arn
    source = make_queue(prefix="MyQueue", RedrivePolicy=policy, MessageRetentionPeriod=259200)
    other = make_queue(prefix="MyOtherQueue")
    answer = sqs.set_queue_attributes(QueueUrl=other, Attributes={
        "DelaySeconds": "10", "MaximumMessageSize": "131072", "MessageRetentionPeriod": "259200",
        "ReceiveMessageWaitTimeSeconds": "20", "RedrivePolicy": policy, "VisibilityTimeout": "60"})
    assert list(answer) == ["ResponseMetadata"]
    attributes = sqs.get_queue_attributes(QueueUrl=other, AttributeNames=["All"])["Attributes"]
    assert {k: attributes[k] for k in ("DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
                                       "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "RedrivePolicy")} == {
        "DelaySeconds": "10", "MaximumMessageSize": "131072", "MessageRetentionPeriod": "259200",
        "ReceiveMessageWaitTimeSeconds": "20", "VisibilityTimeout": "60",
        "RedrivePolicy": '{"deadLetterTargetArn":"%s","maxReceiveCount":1000}' % dead_arn}
    assert sqs.get_queue_attributes(QueueUrl=other, AttributeNames=["MaximumMessageSize", "VisibilityTimeout"])[
        "Attributes"] == {"VisibilityTimeout": "60", "MaximumMessageSize": "131072"}
    assert sorted(sqs.list_dead_letter_source_queues(QueueUrl=dead)["queueUrls"]) == sorted([source, other])
    sqs.tag_queue(QueueUrl=source, Tags={"Team": "Alpha"})
    assert sqs.list_queue_tags(QueueUrl=source)["Tags"] == {"Team": "Alpha"}
    sqs.add_permission(QueueUrl=source, Label="SendMessagesFromMyQueue", AWSAccountIds=["123456789012"],
                       Actions=["SendMessage"])
    assert '"Sid":"SendMessagesFromMyQueue"' in \
        sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["Policy"])["Attributes"]["Policy"]


def test_cli_send_message_batch_example(lakebox_server, make_queue, tmp_path):
    """send-message-batch with the page's file, run with the aws cli: the page's digests."""
    entries = tmp_path / "send-message-batch.json"
    entries.write_text(json.dumps([
        _fuel_report("0001", "140731", "02:07:31", "Example Store", "Any City", "99065", "1.99"),
        _fuel_report("0002", "140930", "02:09:30", "Example Fuels", "North Town", "99123", "1.87")]))
    answer = answer_of(run_cli(lakebox_server, "sqs", "send-message-batch", "--queue-url", make_queue(),
                               "--entries", f"file://{entries}"))
    assert [(e["Id"], e["MD5OfMessageBody"][:8], e["MD5OfMessageAttributes"][:8]) for e in answer["Successful"]] == [
        ("FuelReport-0001-2015-09-16T140731Z", "203c4a38", "10809b55"),
        ("FuelReport-0002-2015-09-16T140930Z", "2cf0159a", "55623928")]
