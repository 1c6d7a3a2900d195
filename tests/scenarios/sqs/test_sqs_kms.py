"""Encrypted queues: bodies are sealed at rest (SSE-SQS by default, SSE-KMS with a KMS
key), a message is accepted and received while the queue's KMS key is usable, and both
are refused with SQS's Kms* errors (query codes `KMS.<code>`) once the key is disabled or
missing, changing nothing."""
import os

import pytest

from lakebox.testing import LakeboxServer
from sqs_helpers import disk_holds


def test_messages_need_a_usable_key(sqs, make_queue, lakebox_server):
    kms = lakebox_server.client("kms")
    key = kms.create_key(Description="sqs queue key")["KeyMetadata"]["KeyId"]
    url = make_queue(KmsMasterKeyId=key, KmsDataKeyReusePeriodSeconds=120)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attrs["KmsMasterKeyId"], attrs["KmsDataKeyReusePeriodSeconds"], attrs["SqsManagedSseEnabled"]) == \
        (key, "120", "false")
    sqs.send_message(QueueUrl=url, MessageBody="secret")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "secret"
    kms.disable_key(KeyId=key)
    with pytest.raises(sqs.exceptions.KmsDisabled) as raised:
        sqs.send_message(QueueUrl=url, MessageBody="refused")
    assert raised.value.response["Error"]["Code"] == "KMS.DisabledException"
    kms.enable_key(KeyId=key)
    sqs.send_message(QueueUrl=url, MessageBody="accepted again")


def test_a_disabled_key_refuses_receives_and_leaves_messages_waiting(sqs, make_queue, lakebox_server):
    kms = lakebox_server.client("kms")
    key = kms.create_key()["KeyMetadata"]["Arn"]
    url = make_queue(KmsMasterKeyId=key)
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(3)])
    kms.disable_key(KeyId=key)
    with pytest.raises(sqs.exceptions.KmsDisabled) as raised:
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    assert raised.value.response["Error"]["Code"] == "KMS.DisabledException"
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                                                   "ApproximateNumberOfMessagesNotVisible"])
    assert attrs["Attributes"] == {"ApproximateNumberOfMessages": "3", "ApproximateNumberOfMessagesNotVisible": "0"}
    kms.enable_key(KeyId=key)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in received) == ["m0", "m1", "m2"]


def test_messages_keep_their_key_when_the_queue_changes_it(sqs, make_queue, lakebox_server):
    kms = lakebox_server.client("kms")
    first, second = (kms.create_key()["KeyMetadata"]["Arn"] for _ in range(2))
    url = make_queue(KmsMasterKeyId=first)
    sqs.send_message(QueueUrl=url, MessageBody="under the first key")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": second})
    sqs.send_message(QueueUrl=url, MessageBody="under the second key")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": "", "SqsManagedSseEnabled": "false"})
    sqs.send_message(QueueUrl=url, MessageBody="in the clear")
    bodies = sorted(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"])
    assert bodies == ["in the clear", "under the first key", "under the second key"]


def test_managed_and_missing_keys(sqs, make_queue):
    managed = make_queue(KmsMasterKeyId="alias/aws/sqs")
    sqs.send_message(QueueUrl=managed, MessageBody="with the AWS managed key")
    assert sqs.receive_message(QueueUrl=managed)["Messages"][0]["Body"] == "with the AWS managed key"
    missing = make_queue(KmsMasterKeyId="alias/no-such-key")
    with pytest.raises(sqs.exceptions.KmsNotFound) as raised:
        sqs.send_message_batch(QueueUrl=missing, Entries=[{"Id": "a", "MessageBody": "x"}])
    assert raised.value.response["Error"]["Code"] == "KMS.NotFoundException"


@pytest.mark.local_only
def test_bodies_on_disk_are_not_the_plaintext(tmp_path):
    marker = "plaintext-marker-" + os.urandom(16).hex()
    with LakeboxServer(data_dir=str(tmp_path / "data")) as server:
        sqs, kms = server.client("sqs"), server.client("kms")
        key = kms.create_key()["KeyMetadata"]["Arn"]
        urls = [sqs.create_queue(QueueName="sse-sqs")["QueueUrl"],
                sqs.create_queue(QueueName="sse-kms", Attributes={"KmsMasterKeyId": key})["QueueUrl"],
                sqs.create_queue(QueueName="sse.fifo", Attributes={"FifoQueue": "true",
                                                                   "ContentBasedDeduplication": "true"})["QueueUrl"]]
        for url in urls:
            fifo = {"MessageGroupId": "g"} if url.endswith(".fifo") else {}
            sqs.send_message(QueueUrl=url, MessageBody=f"{marker} alone", **fifo)
            sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": f"{marker} {i}", **fifo} for i in range(3)])
        assert not disk_holds(server.data_dir, marker.encode())
        server.kill()
        server.start()
        sqs = server.client("sqs")
        for url in urls:
            bodies = sorted(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"])
            assert bodies == sorted([f"{marker} alone"] + [f"{marker} {i}" for i in range(3)])
