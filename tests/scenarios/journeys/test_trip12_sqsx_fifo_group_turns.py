"""A print shop's FIFO queue holds one message group per printer. A dispatcher peeks at
the queue (VisibilityTimeout 0) before a printer takes its jobs: a receive gives as many
messages of one group as it can, in send order, then fills up from other groups; a group
not received yet is served before the groups received already, and those come in the
order they were last received. While a printer holds jobs, its later jobs wait; when it
gives one back (ChangeMessageVisibility 0), that job is receivable again at once, behind
the group nobody has received yet, while the job it still holds keeps blocking the rest.

Sources: SQS Developer Guide, "FIFO queue message grouping" (a receive returns as many
messages of one group as possible; a group with a message in flight is held); AWS
replies recorded by localstack's AWS-validated tests
test_fifo_receive_message_group_id_ordering, test_fifo_receive_message_with_zero_visibility_timeout
and test_fifo_message_group_visibility_after_terminate_visibility_timeout."""


def bodies(messages):
    return [m["Body"] for m in messages]


def receive(sqs, url, **params):
    return sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2, **params).get("Messages", [])


def send(sqs, url, *jobs):
    for job in jobs:
        sqs.send_message(QueueUrl=url, MessageBody=job, MessageGroupId=job.split("/")[0])


def test_groups_take_turns(client, sqs_queues):
    sqs = client("sqs")
    url = sqs_queues("printers", FifoQueue="true", ContentBasedDeduplication="true")
    send(sqs, url, "p1/cover", "p2/flyer", "p2/poster", "p3/card", "p1/back")

    # Peeks: one group as far as it goes, then the next; then the group never received first.
    assert bodies(receive(sqs, url, MaxNumberOfMessages=3, VisibilityTimeout=0)) == ["p1/cover", "p1/back", "p2/flyer"]
    assert bodies(receive(sqs, url, MaxNumberOfMessages=10, VisibilityTimeout=0)) == [
        "p3/card", "p1/cover", "p1/back", "p2/flyer", "p2/poster"]


def test_a_job_given_back_while_the_group_is_held(client, sqs_queues):
    sqs = client("sqs")
    url = sqs_queues("presses", FifoQueue="true", ContentBasedDeduplication="true", VisibilityTimeout="30")
    send(sqs, url, "p1/page-1", "p1/page-2", "p2/page-1", "p1/page-3")

    held = receive(sqs, url, MaxNumberOfMessages=2)
    assert bodies(held) == ["p1/page-1", "p1/page-2"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=held[0]["ReceiptHandle"], VisibilityTimeout=0)

    # p2 was never received: it comes first; p1's page 1 is back, page 2 still held,
    # so page 3 waits behind it.
    again = receive(sqs, url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["ApproximateReceiveCount"])
    assert [(m["Body"], m["Attributes"]["ApproximateReceiveCount"]) for m in again] == [
        ("p2/page-1", "1"), ("p1/page-1", "2")]
    for message in again + held[1:]:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert bodies(receive(sqs, url, MaxNumberOfMessages=10)) == ["p1/page-3"]


def test_a_finished_group_and_a_resent_job(client, sqs_queues):
    """A printer finishes what it took: its group is free again and its remaining jobs
    come in their place by first job; the job sent twice (content-based deduplication)
    is there once. Recorded from AWS: localstack's validated
    test_fifo_message_group_visibility_after_delete."""
    sqs = client("sqs")
    url = sqs_queues("binders", FifoQueue="true", ContentBasedDeduplication="true")
    send(sqs, url, "p1/a", "p2/a", "p1/b", "p2/b", "p1/b", "p1/c", "p1/d", "p3/a")
    taken = receive(sqs, url, MaxNumberOfMessages=2)
    assert bodies(taken) == ["p1/a", "p1/b"]
    for message in taken:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert bodies(receive(sqs, url, MaxNumberOfMessages=10)) == ["p2/a", "p2/b", "p1/c", "p1/d", "p3/a"]
