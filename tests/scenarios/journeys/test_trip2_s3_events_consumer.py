"""An event-driven ingest: CSV files land under `landing/`, S3 tells an SQS queue, a
consumer polls it, reads each new object, turns it into Parquet under `clean/` and
deletes its messages; a file it cannot parse is given back (visibility 0) until
maxReceiveCount moves it to the dead-letter queue, where the operator finds its key."""
import io
import json
import uuid
from urllib.parse import unquote_plus

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest


@pytest.fixture
def queues(client):
    sqs = client("sqs")
    suffix = uuid.uuid4().hex[:10]
    dlq = sqs.create_queue(QueueName=f"ingest-dlq-{suffix}")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    main = sqs.create_queue(QueueName=f"ingest-{suffix}", Attributes={
        "VisibilityTimeout": "30",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})})["QueueUrl"]
    yield main, dlq
    sqs.delete_queue(QueueUrl=main)
    sqs.delete_queue(QueueUrl=dlq)


def wire_bucket(s3, sqs, bucket, queue_url):
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
        "Id": "landing-csv", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "landing/"},
                                            {"Name": "suffix", "Value": ".csv"}]}}}]})


def consume_once(s3, sqs, queue_url) -> tuple[list, list]:
    """One poll of the consumer: converts each announced CSV to Parquet and deletes its
    message; a file that fails is made visible again at once. Returns (done, failed) keys."""
    done, failed = [], []
    batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                MessageSystemAttributeNames=["ApproximateReceiveCount"])
    for message in batch.get("Messages", []):
        body = json.loads(message["Body"])
        if body.get("Event") == "s3:TestEvent":
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            continue
        for record in body["Records"]:
            bucket = record["s3"]["bucket"]["name"]
            key = unquote_plus(record["s3"]["object"]["key"])
            try:
                raw = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                table = pacsv.read_csv(io.BytesIO(raw))
                if table.column_names != ["order_id", "amount"]:
                    raise ValueError(f"unexpected header {table.column_names}")
                out = io.BytesIO()
                pq.write_table(table, out)
                s3.put_object(Bucket=bucket, Key=key.replace("landing/", "clean/").replace(".csv", ".parquet"),
                              Body=out.getvalue())
            except Exception:
                failed.append(key)
                sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"],
                                              VisibilityTimeout=0)
                break
        else:
            done.append(key)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return done, failed


def test_csv_to_parquet_consumer_with_dead_letters(client, bucket, queues):
    s3, sqs = client("s3"), client("sqs")
    main, dlq = queues
    wire_bucket(s3, sqs, bucket, main)
    s3.put_object(Bucket=bucket, Key="landing/2024-05-01.csv", Body=b"order_id,amount\n1,9.5\n2,3.0\n")
    s3.put_object(Bucket=bucket, Key="landing/2024-05-02.csv", Body=b"order_id,amount\n3,12.25\n")
    s3.put_object(Bucket=bucket, Key="landing/readme.txt", Body=b"not announced")
    s3.put_object(Bucket=bucket, Key="landing/broken.csv", Body=b"id;amt\n\x00\x01")

    converted, failures = [], []
    for _ in range(4):
        done, failed = consume_once(s3, sqs, main)
        converted += done
        failures += failed
    assert sorted(converted) == ["landing/2024-05-01.csv", "landing/2024-05-02.csv"]
    assert failures == ["landing/broken.csv", "landing/broken.csv"]

    listed = s3.list_objects_v2(Bucket=bucket, Prefix="clean/")["Contents"]
    assert [o["Key"] for o in listed] == ["clean/2024-05-01.parquet", "clean/2024-05-02.parquet"]
    first = pq.read_table(io.BytesIO(s3.get_object(Bucket=bucket, Key="clean/2024-05-01.parquet")["Body"].read()))
    assert first.to_pylist() == [{"order_id": 1, "amount": 9.5}, {"order_id": 2, "amount": 3.0}]

    assert sqs.receive_message(QueueUrl=main, WaitTimeSeconds=0).get("Messages", []) == []
    [dead] = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                 MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    [record] = json.loads(dead["Body"])["Records"]
    assert unquote_plus(record["s3"]["object"]["key"]) == "landing/broken.csv"
    assert record["eventName"] == "ObjectCreated:Put"
    attributes = sqs.get_queue_attributes(QueueUrl=main, AttributeNames=["ApproximateNumberOfMessages",
                                                                         "ApproximateNumberOfMessagesNotVisible"])
    assert attributes["Attributes"] == {"ApproximateNumberOfMessages": "0",
                                        "ApproximateNumberOfMessagesNotVisible": "0"}
    sources = sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"]
    assert sources == [main]
