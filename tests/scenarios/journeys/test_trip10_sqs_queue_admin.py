"""A platform team's queue-admin script (boto3): it lists a team's queues page by page by
name prefix, resolves a queue URL with the owner's account id as a shared library does,
grants a partner account send and receive rights with AddPermission (a label per grant;
labels with spaces or over 80 characters are refused), reads the resulting Policy
document, revokes one grant, purges a queue twice in a row, and recreates a queue right
after deleting it.

Sources: ListQueues, GetQueueUrl (QueueOwnerAWSAccountId), AddPermission (Label: "Maximum
80 characters. Allowed characters include alphanumeric characters, hyphens (-), and
underscores (_)"), RemovePermission, PurgeQueue ("only one PurgeQueue per 60 seconds") and
CreateQueue ("wait at least 60 seconds") API reference. AWS's words for a refused label are
not on public record; the other refusals are SQS's replies as public test suites record
them."""
import json
import uuid

import pytest

from trip_helpers import error_of


def test_queue_admin_script(client):
    sqs = client("sqs")
    team = f"fleet-{uuid.uuid4().hex[:8]}"
    urls = sorted(sqs.create_queue(QueueName=f"{team}-{name}")["QueueUrl"]
                  for name in ("ingest", "resize", "thumbs", "notify", "audit"))
    try:
        account = urls[0].split("/")[-2]
        pages, token = [], None
        while True:
            page = sqs.list_queues(QueueNamePrefix=team, MaxResults=2, **({"NextToken": token} if token else {}))
            pages.append(page["QueueUrls"])
            token = page.get("NextToken")
            if not token:
                break
        assert [len(p) for p in pages] == [2, 2, 1]
        assert sorted(u for p in pages for u in p) == urls
        everything = sqs.list_queues(QueueNamePrefix=team)
        assert sorted(everything["QueueUrls"]) == urls and "NextToken" not in everything
        assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=team + "-nothing")
        assert error_of(sqs.list_queues, QueueNamePrefix=team, MaxResults=1001)[0] == "InvalidParameterValue"

        ingest = f"{team}-ingest"
        own = sqs.get_queue_url(QueueName=ingest, QueueOwnerAWSAccountId=account)["QueueUrl"]
        assert own == sqs.get_queue_url(QueueName=ingest)["QueueUrl"] and own in urls
        assert error_of(sqs.get_queue_url, QueueName=ingest, QueueOwnerAWSAccountId="111122223333") == (
            "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")

        # Grants for a partner account.
        for label in ("partner send", "p" * 81, "partner:send"):
            assert error_of(sqs.add_permission, QueueUrl=own, Label=label, AWSAccountIds=["111122223333"],
                            Actions=["SendMessage"]) == (
                "InvalidParameterValue", f"Value {label} for parameter Label is invalid. Reason: Maximum 80 "
                                         "characters; alphanumeric characters, hyphens (-), and underscores (_) are "
                                         "allowed.")
        assert "Policy" not in sqs.get_queue_attributes(QueueUrl=own, AttributeNames=["Policy"]).get("Attributes", {})
        sqs.add_permission(QueueUrl=own, Label="partner-send", AWSAccountIds=["111122223333", "444455556666"],
                           Actions=["SendMessage", "GetQueueUrl"])
        sqs.add_permission(QueueUrl=own, Label="p" * 80, AWSAccountIds=["111122223333"], Actions=["ReceiveMessage"])
        assert error_of(sqs.add_permission, QueueUrl=own, Label="partner-send", AWSAccountIds=["111122223333"],
                        Actions=["DeleteMessage"]) == (
            "InvalidParameterValue", "Value partner-send for parameter Label is invalid. Reason: Already exists.")
        queue_arn = f"arn:aws:sqs:us-east-1:{account}:{ingest}"
        policy = json.loads(sqs.get_queue_attributes(QueueUrl=own, AttributeNames=["Policy"])["Attributes"]["Policy"])
        assert policy == {"Version": "2012-10-17", "Id": f"{queue_arn}/SQSDefaultPolicy", "Statement": [
            {"Sid": "partner-send", "Effect": "Allow",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]},
             "Action": ["SQS:SendMessage", "SQS:GetQueueUrl"], "Resource": queue_arn},
            {"Sid": "p" * 80, "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "SQS:ReceiveMessage", "Resource": queue_arn}]}
        sqs.remove_permission(QueueUrl=own, Label="p" * 80)
        assert error_of(sqs.remove_permission, QueueUrl=own, Label="p" * 80) == (
            "InvalidParameterValue", f"Value {'p' * 80} for parameter Label is invalid. Reason: can't find label on "
                                     "existing policy.")
        kept = json.loads(sqs.get_queue_attributes(QueueUrl=own, AttributeNames=["Policy"])["Attributes"]["Policy"])
        assert [s["Sid"] for s in kept["Statement"]] == ["partner-send"]

        # Purging twice in a row, recreating right after deleting.
        sqs.send_message(QueueUrl=own, MessageBody="stale")
        sqs.purge_queue(QueueUrl=own)
        assert error_of(sqs.purge_queue, QueueUrl=own) == (
            "AWS.SimpleQueueService.PurgeQueueInProgress",
            f"Only one PurgeQueue operation on {ingest} is allowed every 60 seconds.")
        sqs.delete_queue(QueueUrl=own)
        urls.remove(own)
        assert error_of(sqs.create_queue, QueueName=ingest) == (
            "AWS.SimpleQueueService.QueueDeletedRecently",
            "You must wait 60 seconds after deleting a queue before you can create another with the same name.")
    finally:
        for url in urls:
            sqs.delete_queue(QueueUrl=url)


@pytest.mark.local_only
def test_recreated_after_a_minute(client, clock):
    sqs = client("sqs")
    name = f"fleet-{uuid.uuid4().hex[:8]}-jobs"
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "120"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="old")
    sqs.delete_queue(QueueUrl=url)
    clock(61)
    again = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert again == url
    # A new queue: default attributes, none of the old messages.
    assert sqs.get_queue_attributes(QueueUrl=again, AttributeNames=["VisibilityTimeout",
                                                                    "ApproximateNumberOfMessages"])[
        "Attributes"] == {"VisibilityTimeout": "30", "ApproximateNumberOfMessages": "0"}
    sqs.delete_queue(QueueUrl=again)
