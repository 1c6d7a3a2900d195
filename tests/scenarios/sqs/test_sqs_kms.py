"""SSE-KMS queues: a message is accepted while the queue's KMS key is usable, and refused
with SQS's Kms* errors (query codes `KMS.<code>`) once the key is disabled or missing."""
import pytest


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


def test_managed_and_missing_keys(sqs, make_queue):
    managed = make_queue(KmsMasterKeyId="alias/aws/sqs")
    sqs.send_message(QueueUrl=managed, MessageBody="with the AWS managed key")
    missing = make_queue(KmsMasterKeyId="alias/no-such-key")
    with pytest.raises(sqs.exceptions.KmsNotFound) as raised:
        sqs.send_message_batch(QueueUrl=missing, Entries=[{"Id": "a", "MessageBody": "x"}])
    assert raised.value.response["Error"]["Code"] == "KMS.NotFoundException"
