"""A platform team shares an order queue with a partner account: the platform account
161616161616 owns the queue; the partner account 272727272727 finds it with GetQueueUrl
and QueueOwnerAWSAccountId, sends orders and reads its replies only once the platform
grants it (AddPermission), batches included; the partner may never reshape the queue;
when the partnership ends, RemovePermission takes the access back and the queue hides
from the partner again."""
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from trip_helpers import REGION

pytestmark = pytest.mark.local_only          # two accounts from two access keys
PLATFORM, PARTNER = "161616161616", "272727272727"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def sqs_of(lakebox_server, account):
    session = boto3.Session(aws_access_key_id=account, aws_secret_access_key="x", region_name=REGION)
    return session.client("sqs", endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)


def code_of(call, **params):
    with pytest.raises(ClientError) as raised:
        call(**params)
    return raised.value.response["Error"]["Code"]


def test_platform_shares_a_queue_with_a_partner_then_revokes_it(lakebox_server):
    platform, partner = sqs_of(lakebox_server, PLATFORM), sqs_of(lakebox_server, PARTNER)
    name = f"orders-{uuid.uuid4().hex[:8]}"
    url = platform.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    arn = platform.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    # Before any grant the partner cannot even learn the queue's URL.
    assert code_of(partner.get_queue_url, QueueName=name, QueueOwnerAWSAccountId=PLATFORM) == \
        "AWS.SimpleQueueService.NonExistentQueue"
    assert code_of(partner.send_message, QueueUrl=url, MessageBody="order-0") == "AccessDenied"

    platform.add_permission(QueueUrl=url, Label="partner-orders", AWSAccountIds=[PARTNER],
                            Actions=["GetQueueUrl", "SendMessage", "GetQueueAttributes"])
    found = partner.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=PLATFORM)["QueueUrl"]
    assert found == url
    partner.send_message(QueueUrl=found, MessageBody="order-1")
    sent = partner.send_message_batch(QueueUrl=found, Entries=[
        {"Id": f"o{i}", "MessageBody": f"order-{i}"} for i in (2, 3)])
    assert sorted(entry["Id"] for entry in sent["Successful"]) == ["o2", "o3"]
    assert partner.get_queue_attributes(QueueUrl=found, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "3"
    # Granted to send, not to read; and never to reshape the queue.
    assert code_of(partner.receive_message, QueueUrl=found) == "AccessDenied"
    assert code_of(partner.set_queue_attributes, QueueUrl=found, Attributes={"VisibilityTimeout": "0"}) == \
        "AccessDenied"
    assert code_of(partner.purge_queue, QueueUrl=found) == "AccessDenied"

    received = []
    while len(received) < 3:
        batch = platform.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for message in batch:
            received.append(message["Body"])
            platform.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert sorted(received) == ["order-1", "order-2", "order-3"]

    # The partnership ends.
    platform.remove_permission(QueueUrl=url, Label="partner-orders")
    assert "Policy" not in platform.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get(
        "Attributes", {})
    assert code_of(partner.send_message, QueueUrl=url, MessageBody="order-4") == "AccessDenied"
    assert code_of(partner.get_queue_url, QueueName=name, QueueOwnerAWSAccountId=PLATFORM) == \
        "AWS.SimpleQueueService.NonExistentQueue"
    assert platform.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])[
        "Attributes"]["ApproximateNumberOfMessages"] == "0"
    platform.delete_queue(QueueUrl=url)
