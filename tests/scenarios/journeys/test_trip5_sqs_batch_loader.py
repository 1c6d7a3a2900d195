"""An SQS-driven batch loader: an upstream job drops CSV extracts in S3 and announces each
with a message whose attributes say which table, how many rows and the file's MD5 (as
binary); the loader receives them with all attributes and its receive count, loads the
rows into DynamoDB with a batch writer and deletes the messages in one batch. A message
naming a file that is not there is retried until the queue's redrive policy moves it to
the dead-letter queue (which only that queue may use); once the file arrives, the operator
moves it back to the source and the loader finishes the job."""
import csv
import hashlib
import io
import json
import uuid

import pytest

from trip_helpers import error_of, keyed_table, wait_for

EXTRACTS = {"extracts/customers-1.csv": "customer_id,name,tier\nc-1,Ada,gold\nc-2,Linus,silver\n",
            "extracts/customers-2.csv": "customer_id,name,tier\nc-3,Grace,gold\n"}
LATE = ("extracts/customers-3.csv", "customer_id,name,tier\nc-4,Ken,bronze\nc-5,Barbara,gold\n")


def announcement(bucket, key, body):
    return {"MessageBody": json.dumps({"bucket": bucket, "key": key}), "MessageAttributes": {
        "table": {"DataType": "String", "StringValue": "customers"},
        "rows": {"DataType": "Number", "StringValue": str(body.count("\n") - 1)},
        "md5": {"DataType": "Binary", "BinaryValue": hashlib.md5(body.encode()).digest()}}}


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


@pytest.fixture
def queues(client):
    sqs, suffix = client("sqs"), uuid.uuid4().hex[:8]
    dlq = sqs.create_queue(QueueName=f"loads-dlq-{suffix}")["QueueUrl"]
    loads = sqs.create_queue(QueueName=f"loads-{suffix}", Attributes={
        "VisibilityTimeout": "0", "RedrivePolicy": json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq),
                                                               "maxReceiveCount": "2"})})["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(
        {"redrivePermission": "byQueue", "sourceQueueArns": [arn_of(sqs, loads)]})})
    yield loads, dlq
    for url in (loads, dlq):
        sqs.delete_queue(QueueUrl=url)


class Loader:
    def __init__(self, sqs, s3, table, url):
        self.sqs, self.s3, self.table, self.url = sqs, s3, table, url
        self.loaded, self.missing = [], []

    def poll(self) -> int:
        messages = self.sqs.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                            MessageSystemAttributeNames=["ApproximateReceiveCount"]
                                            ).get("Messages", [])
        done = []
        for message in messages:
            where = json.loads(message["Body"])
            attributes = message["MessageAttributes"]
            try:
                body = self.s3.get_object(Bucket=where["bucket"], Key=where["key"])["Body"].read()
            except self.s3.exceptions.NoSuchKey:
                self.missing.append((where["key"], message["Attributes"]["ApproximateReceiveCount"]))
                continue
            assert hashlib.md5(body).digest() == attributes["md5"]["BinaryValue"]
            rows = list(csv.DictReader(io.StringIO(body.decode())))
            assert len(rows) == int(attributes["rows"]["StringValue"])
            with self.table.batch_writer() as batch:
                for row in rows:
                    batch.put_item(Item={**row, "source": where["key"]})
            self.loaded.append(where["key"])
            done.append({"Id": str(len(done)), "ReceiptHandle": message["ReceiptHandle"]})
        if done:
            deleted = self.sqs.delete_message_batch(QueueUrl=self.url, Entries=done)
            assert len(deleted["Successful"]) == len(done) and not deleted.get("Failed")
        return len(messages)

    def drain(self):
        while self.poll():
            pass


def test_extracts_loaded_and_a_missing_one_redriven(client, resource, bucket, table_name, queues):
    sqs, s3 = client("sqs"), client("s3")
    loads, dlq = queues
    customers = keyed_table(resource("dynamodb"), table_name, "customer_id")
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [loads]

    for key, body in EXTRACTS.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body.encode())
    entries = [{"Id": f"e{i}", **announcement(bucket, key, body)}
               for i, (key, body) in enumerate([*EXTRACTS.items(), LATE])]
    sent = sqs.send_message_batch(QueueUrl=loads, Entries=entries)
    assert sorted(s["Id"] for s in sent["Successful"]) == ["e0", "e1", "e2"]
    assert all(s["MD5OfMessageAttributes"] and s["MD5OfMessageBody"] for s in sent["Successful"])

    assert error_of(sqs.send_message_batch, QueueUrl=loads, Entries=[entries[0], {**entries[1], "Id": "e0"}]) == (
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id e0 repeated.")

    loader = Loader(sqs, s3, customers, loads)
    loader.drain()
    assert sorted(loader.loaded) == sorted(EXTRACTS)
    assert loader.missing == [(LATE[0], "1"), (LATE[0], "2")]
    dead = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
    assert dead["Attributes"] == {"ApproximateNumberOfMessages": "1"}

    s3.put_object(Bucket=bucket, Key=LATE[0], Body=LATE[1].encode())
    handle = sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq), DestinationArn=arn_of(sqs, loads))["TaskHandle"]
    assert handle
    moved = wait_for(lambda: [t for t in sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"]
                              if t["Status"] == "COMPLETED"])
    assert (moved[0]["ApproximateNumberOfMessagesMoved"], moved[0]["DestinationArn"]) == (1, arn_of(sqs, loads))
    loader.drain()
    assert loader.loaded[-1] == LATE[0]

    items = {i["customer_id"]: (i["name"], i["tier"], i["source"]) for i in customers.scan()["Items"]}
    assert items == {"c-1": ("Ada", "gold", "extracts/customers-1.csv"),
                     "c-2": ("Linus", "silver", "extracts/customers-1.csv"),
                     "c-3": ("Grace", "gold", "extracts/customers-2.csv"),
                     "c-4": ("Ken", "bronze", LATE[0]), "c-5": ("Barbara", "gold", LATE[0])}
    for url in (loads, dlq):
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        assert counts["Attributes"] == {"ApproximateNumberOfMessages": "0"}
