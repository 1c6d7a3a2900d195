"""A producer and a consumer on their own threads, as an application runs them: the
producer sends batches while the consumer long-polls, deletes what it processed and
leaves poison messages undeleted; their visibility timeouts end, they come back, and
after maxReceiveCount receives they land in the dead-letter queue. Nothing is lost and
nothing good is dead-lettered."""
import json
import threading
import time

GOOD, POISON = 40, 4
VISIBILITY_S = 2           # long enough for a loaded machine to delete what it processed


def test_producer_consumer_with_visibility_timeouts_and_a_dead_letter_queue(sqs, client, make_queue):
    dlq = make_queue(prefix="pc-dlq")
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = make_queue(prefix="pc", VisibilityTimeout=VISIBILITY_S, RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}))
    bodies = [f"good-{i}" for i in range(GOOD)] + [f"poison-{i}" for i in range(POISON)]
    processed, receives, refused, done = set(), {}, [], threading.Event()

    def produce():
        producer = client("sqs")
        for start in range(0, len(bodies), 10):
            producer.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies[start:start + 10])])

    def consume():
        consumer = client("sqs")
        deadline = time.monotonic() + 60
        while not done.is_set() and time.monotonic() < deadline:
            handled = []
            for message in consumer.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                                    MessageSystemAttributeNames=["ApproximateReceiveCount"]
                                                    ).get("Messages", []):
                body = message["Body"]
                receives[body] = int(message["Attributes"]["ApproximateReceiveCount"])
                if body.startswith("good"):
                    processed.add(body)
                    handled.append({"Id": str(len(handled)), "ReceiptHandle": message["ReceiptHandle"]})
            if handled:
                refused.extend(consumer.delete_message_batch(QueueUrl=url, Entries=handled).get("Failed", []))

    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for thread in threads:
        thread.start()
    dead = []
    deadline = time.monotonic() + 60
    while len(dead) < POISON and time.monotonic() < deadline:
        dead += sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    done.set()
    for thread in threads:
        thread.join()
    assert refused == []
    assert processed == {body for body in bodies if body.startswith("good")}
    assert sorted(message["Body"] for message in dead) == [f"poison-{i}" for i in range(POISON)]
    assert all(receives[f"poison-{i}"] == 2 for i in range(POISON))
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                                                   "ApproximateNumberOfMessagesNotVisible"])
    assert attrs["Attributes"] == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}
