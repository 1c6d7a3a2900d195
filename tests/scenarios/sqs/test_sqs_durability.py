"""Every acknowledged SendMessage survives `kill -9`, and a received-but-not-deleted
message stays hidden across the restart and reappears when its visibility timeout ends."""
import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


def test_messages_and_visibility_survive_kill_9(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        sqs = server.client("sqs")
        url = sqs.create_queue(QueueName="durable")["QueueUrl"]
        fifo = sqs.create_queue(QueueName="durable.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        sent = {sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")["MessageId"] for i in range(20)}
        sent |= {e["MessageId"] for e in sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": f"b{i}"} for i in range(10)])["Successful"]}
        sqs.send_message(QueueUrl=fifo, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d")
        [held] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=100)["Messages"]

        server.kill()
        server.start()
        sqs = server.client("sqs")

        seen = set()
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600).get("Messages")
            if not batch:
                break
            seen |= {m["MessageId"] for m in batch}
        assert seen == sent - {held["MessageId"]}
        server.advance_clock(101)
        [back] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
        assert back["MessageId"] == held["MessageId"]
        assert back["Attributes"]["ApproximateReceiveCount"] == "2"
        # The FIFO deduplication id was kept too.
        sqs.send_message(QueueUrl=fifo, MessageBody="once", MessageGroupId="g", MessageDeduplicationId="d")
        assert len(sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]) == 1
    finally:
        server.stop()
