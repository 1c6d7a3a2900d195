"""Queues with boto3: create (idempotent), find, list, attributes, purge, delete, tags.
Error codes are the query codes AWS sends in `x-amzn-query-error` (botocore reports
them as `Code`), messages as AWS words them (API reference and recorded replies)."""
import json
import uuid

import boto3
import pytest
from sqs_helpers import error_of


def unique(prefix="q"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def test_create_get_list_delete(sqs, lakebox_server):
    name = unique("life")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url.endswith(f"/000000000000/{name}")
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert url in sqs.list_queues(QueueNamePrefix="life-")["QueueUrls"]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as raised:
        sqs.get_queue_url(QueueName=name)
    assert error_of(raised) == ("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
    assert raised.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-query-error"] == \
        "AWS.SimpleQueueService.NonExistentQueue;Sender"


def test_create_is_idempotent_only_with_the_same_attributes(sqs, make_queue):
    url = make_queue(VisibilityTimeout=45)
    name = url.rsplit("/", 1)[1]
    assert sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "45"})["QueueUrl"] == url
    assert sqs.create_queue(QueueName=name)["QueueUrl"] == url
    with pytest.raises(sqs.exceptions.QueueNameExists) as raised:
        sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "46"})
    assert error_of(raised) == ("QueueAlreadyExists", "A queue already exists with the same name and a different "
                                                      "value for attribute VisibilityTimeout")


@pytest.mark.parametrize("name, value", [
    ("DelaySeconds", "901"), ("MaximumMessageSize", "1023"), ("MaximumMessageSize", "1048577"),
    ("MessageRetentionPeriod", "59"), ("MessageRetentionPeriod", "1209601"), ("VisibilityTimeout", "43201"),
    ("ReceiveMessageWaitTimeSeconds", "21"), ("VisibilityTimeout", "ten"), ("DelaySeconds", ""),
])
def test_attribute_out_of_range(sqs, name, value):
    with pytest.raises(sqs.exceptions.InvalidAttributeValue) as raised:
        sqs.create_queue(QueueName=unique(), Attributes={name: value})
    assert error_of(raised) == ("InvalidAttributeValue", f"Invalid value for the parameter {name}.")


def test_fifo_only_and_read_only_attributes(sqs, make_queue):
    with pytest.raises(sqs.exceptions.InvalidAttributeName) as raised:
        sqs.create_queue(QueueName=unique(), Attributes={"DeduplicationScope": "queue"})
    assert error_of(raised) == ("InvalidAttributeName",
                                "You can specify the DeduplicationScope only when FifoQueue is set to true.")
    url = make_queue()
    with pytest.raises(sqs.exceptions.InvalidAttributeName) as raised:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"QueueArn": "arn:aws:sqs:us-east-1:000000000000:x"})
    assert error_of(raised) == ("InvalidAttributeName", "Unknown Attribute QueueArn.")
    with pytest.raises(sqs.exceptions.InvalidAttributeName) as raised:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"ContentBasedDeduplication": "true"})
    assert error_of(raised) == ("InvalidAttributeName", "Unknown Attribute ContentBasedDeduplication.")


@pytest.mark.parametrize("name, attributes, message", [
    ("has space", {}, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"),
    ("x" * 81, {}, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"),
    ("plain.fifo", {}, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"),
    ("nofifosuffix", {"FifoQueue": "true"}, "The name of a FIFO queue can only include alphanumeric characters, "
     "hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."),
])
def test_bad_queue_names(sqs, name, attributes, message):
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.create_queue(QueueName=name, Attributes=attributes)
    assert error_of(raised) == ("InvalidParameterValue", message)


def test_attributes_all_and_named(sqs, make_queue):
    url = make_queue(DelaySeconds=5, MessageRetentionPeriod=3600)
    every = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert every["DelaySeconds"] == "5"
    assert every["MessageRetentionPeriod"] == "3600"
    assert every["VisibilityTimeout"] == "30"
    assert every["MaximumMessageSize"] == "1048576"
    assert every["ReceiveMessageWaitTimeSeconds"] == "0"
    assert every["SqsManagedSseEnabled"] == "true"
    assert every["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:" + url.rsplit("/", 1)[1]
    assert "FifoQueue" not in every
    named = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout", "QueueArn"])["Attributes"]
    assert named == {"VisibilityTimeout": "30", "QueueArn": every["QueueArn"]}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "90", "DelaySeconds": "0"})
    after = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout", "DelaySeconds"])
    assert after["Attributes"] == {"VisibilityTimeout": "90", "DelaySeconds": "0"}


def test_fifo_attributes(sqs, make_queue):
    url = make_queue(fifo=True, ContentBasedDeduplication="true", DeduplicationScope="messageGroup",
                     FifoThroughputLimit="perMessageGroupId")
    every = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (every["FifoQueue"], every["ContentBasedDeduplication"], every["DeduplicationScope"],
            every["FifoThroughputLimit"]) == ("true", "true", "messageGroup", "perMessageGroupId")
    with pytest.raises(sqs.exceptions.InvalidAttributeValue) as raised:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"DeduplicationScope": "queue"})
    assert error_of(raised) == ("InvalidAttributeValue", "The perMessageGroupId value is allowed only when the "
                                                         "value for DeduplicationScope is messageGroup.")


def test_failed_set_changes_nothing(sqs, make_queue):
    url = make_queue()
    with pytest.raises(sqs.exceptions.InvalidAttributeValue):
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "60", "DelaySeconds": "-1"})
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"]
    assert attrs == {"VisibilityTimeout": "30"}


def test_counts_are_exact(sqs, make_queue):
    url = make_queue()
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=600)
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
             "ApproximateNumberOfMessagesDelayed"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    assert attrs == {names[0]: "3", names[1]: "2", names[2]: "1"}


def test_list_queues_pages(sqs):
    prefix = unique("page")
    urls = sorted(sqs.create_queue(QueueName=f"{prefix}-{i:02d}")["QueueUrl"] for i in range(7))
    try:
        seen, token = [], None
        while True:
            args = {"QueueNamePrefix": prefix, "MaxResults": 3, **({"NextToken": token} if token else {})}
            page = sqs.list_queues(**args)
            seen += page["QueueUrls"]
            token = page.get("NextToken")
            if not token:
                break
        assert seen == urls
        assert "NextToken" not in sqs.list_queues(QueueNamePrefix=prefix)
        assert sqs.list_queues(QueueNamePrefix=prefix + "-nothing").get("QueueUrls", []) == []
    finally:
        for url in urls:
            sqs.delete_queue(QueueUrl=url)


def test_tags(sqs, make_queue):
    url = make_queue()
    sqs.tag_queue(QueueUrl=url, Tags={"team": "data", "env": "dev"})
    sqs.untag_queue(QueueUrl=url, TagKeys=["env"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "data"}
    name = unique("tagged")
    tagged = sqs.create_queue(QueueName=name, tags={"owner": "me"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=tagged)["Tags"] == {"owner": "me"}
    sqs.delete_queue(QueueUrl=tagged)
    sqs.tag_queue(QueueUrl=url, Tags={f"k{i}": "v" for i in range(49)})
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.tag_queue(QueueUrl=url, Tags={"one-too-many": "v"})
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.tag_queue(QueueUrl=url, Tags={"aws:reserved": "v"})
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert len(sqs.list_queue_tags(QueueUrl=url)["Tags"]) == 50


def test_purge_once_a_minute(sqs, make_queue):
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="gone")
    sqs.purge_queue(QueueUrl=url)
    assert sqs.receive_message(QueueUrl=url).get("Messages") is None
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as raised:
        sqs.purge_queue(QueueUrl=url)
    name = url.rsplit("/", 1)[1]
    assert error_of(raised) == ("AWS.SimpleQueueService.PurgeQueueInProgress",
                                f"Only one PurgeQueue operation on {name} is allowed every 60 seconds.")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.local_only
def test_purge_again_after_a_minute_and_recreate_after_delete(sqs, make_queue, clock):
    url = make_queue()
    sqs.purge_queue(QueueUrl=url)
    clock(61)
    sqs.purge_queue(QueueUrl=url)
    name = url.rsplit("/", 1)[1]
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDeletedRecently) as raised:
        sqs.create_queue(QueueName=name)
    assert error_of(raised) == ("AWS.SimpleQueueService.QueueDeletedRecently", "You must wait 60 seconds after "
                                "deleting a queue before you can create another with the same name.")
    clock(61)
    assert sqs.create_queue(QueueName=name)["QueueUrl"] == url


def test_resource_api(lakebox_server):
    resource = boto3.resource("sqs", endpoint_url=lakebox_server.endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
    queue = resource.create_queue(QueueName=unique("res"), Attributes={"DelaySeconds": "0"})
    try:
        queue.send_messages(Entries=[{"Id": str(i), "MessageBody": f"body {i}"} for i in range(3)])
        assert resource.get_queue_by_name(QueueName=queue.url.rsplit("/", 1)[1]).url == queue.url
        assert queue.attributes["ApproximateNumberOfMessages"] == "3"
        received = queue.receive_messages(MaxNumberOfMessages=10)
        assert sorted(m.body for m in received) == ["body 0", "body 1", "body 2"]
        for message in received:
            message.delete()
        queue.reload()
        assert queue.attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
    finally:
        queue.delete()


def test_permissions_become_policy_statements(sqs, make_queue):
    url = make_queue()
    sqs.add_permission(QueueUrl=url, Label="share", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
    [statement] = policy["Statement"]
    assert statement["Sid"] == "share"
    assert statement["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert statement["Action"] == "SQS:SendMessage"
    with pytest.raises(sqs.exceptions.ClientError) as raised:
        sqs.add_permission(QueueUrl=url, Label="share", AWSAccountIds=["111122223333"], Actions=["SendMessage"])
    assert error_of(raised) == ("InvalidParameterValue", "Value share for parameter Label is invalid. Reason: "
                                                         "Already exists.")
    sqs.remove_permission(QueueUrl=url, Label="share")
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
