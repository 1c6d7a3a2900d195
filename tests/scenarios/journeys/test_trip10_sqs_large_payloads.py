"""A document pipeline drops its S3 claim-check for payloads under 1 MiB now that SQS takes
messages up to 1 MiB. Its old queue was created with the former 256 KiB limit, so a
300 KiB document is refused until the team raises MaximumMessageSize to 1,048,576 bytes
(the new queues get that by default; 1,048,577 and 1,023 are refused). The producer
learns that a message's size counts its attributes too (each name, data type and value):
a body of exactly 1 MiB goes through alone and is refused with one small attribute, in
SendMessage's words and, inside a batch, per entry in SendMessageBatch's own. A batch of
documents whose bodies add up to more than 1 MiB is refused whole. What is accepted comes
back byte for byte, with the digests the SDKs check.

Sources: SQS Developer Guide, message quotas (1 MiB); CreateQueue / SetQueueAttributes
API reference (MaximumMessageSize 1,024 to 1,048,576, default 1,048,576);
MessageAttributeValue ("All parts of the message attribute, including Name, Type, and
Value, are part of the message size restriction (1 MiB or 1,048,576 bytes)"); the refusals'
words as AWS answered them in localstack's test_send_batch_message_size snapshot and, for
BatchRequestTooLong, in the Ballerina SQS connector's tests run against AWS."""
import hashlib

from trip_helpers import error_of

MIB = 1_048_576


def test_moving_to_one_mib_messages(client, sqs_queues):
    sqs = client("sqs")
    old = sqs_queues("documents-v1", MaximumMessageSize="262144")
    new = sqs_queues("documents-v2")
    assert sqs.get_queue_attributes(QueueUrl=new, AttributeNames=["MaximumMessageSize"])["Attributes"] == {
        "MaximumMessageSize": str(MIB)}

    document = "d" * (300 * 1024)
    assert error_of(sqs.send_message, QueueUrl=old, MessageBody=document) == (
        "InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than 262144 "
                                 "bytes.")
    for wrong in ("1048577", "1023"):
        assert error_of(sqs.set_queue_attributes, QueueUrl=old, Attributes={"MaximumMessageSize": wrong}) == (
            "InvalidAttributeValue", "Invalid value for the parameter MaximumMessageSize.")
    sqs.set_queue_attributes(QueueUrl=old, Attributes={"MaximumMessageSize": str(MIB)})
    sent = sqs.send_message(QueueUrl=old, MessageBody=document)
    assert sent["MD5OfMessageBody"] == hashlib.md5(document.encode()).hexdigest()

    # Exactly 1 MiB, alone and with one attribute ("kind" + "String" + "pdf": 13 bytes).
    whole = "w" * MIB
    kind = {"kind": {"DataType": "String", "StringValue": "pdf"}}
    sqs.send_message(QueueUrl=new, MessageBody=whole)
    assert error_of(sqs.send_message, QueueUrl=new, MessageBody=whole[:-12], MessageAttributes=kind) == (
        "InvalidParameterValue", f"One or more parameters are invalid. Reason: Message must be shorter than {MIB} "
                                 "bytes.")
    fits = sqs.send_message(QueueUrl=new, MessageBody=whole[:-13], MessageAttributes=kind)
    assert fits["MD5OfMessageAttributes"]

    # Small queue for the batch rules: a 2 KiB limit, attributes counted per entry.
    small = sqs_queues("documents-small", MaximumMessageSize="2048")
    batch = sqs.send_message_batch(QueueUrl=small, Entries=[
        {"Id": "fits", "MessageBody": "f" * 2035, "MessageAttributes": kind},
        {"Id": "over", "MessageBody": "o" * 2036, "MessageAttributes": kind}])
    assert [e["Id"] for e in batch["Successful"]] == ["fits"]
    assert batch["Failed"] == [{"Id": "over", "SenderFault": True, "Code": "InvalidParameterValue",
                                "Message": "One or more parameters cannot be validated. Reason: Message must be "
                                           "shorter than 2048 bytes."}]
    halves = [{"Id": f"part-{n}", "MessageBody": "h" * (MIB // 2)} for n in range(2)]
    sqs.send_message_batch(QueueUrl=new, Entries=halves)            # exactly 1 MiB in all
    halves.append({"Id": "part-2", "MessageBody": "x"})
    assert error_of(sqs.send_message_batch, QueueUrl=new, Entries=halves) == (
        "AWS.SimpleQueueService.BatchRequestTooLong",
        f"Batch requests cannot be longer than {MIB} bytes. You have sent {MIB + 1} bytes.")

    [back] = sqs.receive_message(QueueUrl=old, WaitTimeSeconds=5)["Messages"]
    assert back["Body"] == document and back["MD5OfBody"] == sent["MD5OfMessageBody"]
    got = []
    while len(got) < 4:
        got += sqs.receive_message(QueueUrl=new, MaxNumberOfMessages=10, WaitTimeSeconds=5,
                                   MessageAttributeNames=["All"]).get("Messages", [])
    assert sorted((len(m["Body"]), m.get("MessageAttributes")) for m in got) == sorted([
        (MIB, None), (MIB - 13, kind), (MIB // 2, None), (MIB // 2, None)])
