"""A multi-tenant job queue (a standard queue) tags each job with its tenant as the
MessageGroupId. A noisy tenant floods it and its workers hold many of its jobs in flight;
a quiet tenant's jobs, and jobs sent with no group, sent after the flood are still among
the next jobs received instead of waiting behind the whole backlog (SQS fair queues). The
group id comes back as the MessageGroupId attribute, and is absent on ungrouped jobs.
Recorded from real SQS: radkawar/stackd testdata/aws/sqs/fairness.json (noisy,
hold_noisy, quiet, ungrouped, contended)."""


def test_a_quiet_tenant_is_not_stuck_behind_a_noisy_one(client, sqs_queues):
    sqs = client("sqs")
    url = sqs_queues("tenant-jobs")
    for start in range(0, 60, 10):
        sent = sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": f"noisy-{i}", "MessageGroupId": "noisy"} for i in range(start, start + 10)])
        assert len(sent["Successful"]) == 10 and not sent.get("Failed")
    held = []
    for _ in range(3):
        held += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600,
                                    MessageSystemAttributeNames=["MessageGroupId"])["Messages"]
    assert {m["Attributes"]["MessageGroupId"] for m in held} == {"noisy"} and len(held) == 30

    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "MessageBody": f"quiet-{i}", "MessageGroupId": "quiet"} for i in range(4)])
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"ungrouped-{i}"} for i in range(2)])
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600,
                              MessageSystemAttributeNames=["ApproximateReceiveCount", "MessageGroupId"])["Messages"]
    bodies = [m["Body"] for m in got]
    assert any(not body.startswith("noisy-") for body in bodies), bodies
    for message in got:
        tenant = message["Body"].rsplit("-", 1)[0]
        expected = {"ApproximateReceiveCount": "1"}
        if tenant != "ungrouped":
            expected["MessageGroupId"] = tenant
        assert message["Attributes"] == expected
