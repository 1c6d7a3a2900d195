"""Partitions registered as files arrive, instead of by crawler or MSCK: the bucket tells
an SQS queue (whose policy lets S3 send) about new `.parquet` objects under
`lake/events/`; writers land hive-partitioned files with awswrangler (PutObject) and a
large backfill file with boto3's multipart transfer (CompleteMultipartUpload); the
registrar reads the S3 event records (keys URL-encoded, `=` as `%3D`), creates each new
partition with BatchCreatePartition (a partition it already made comes back in Errors
and is ignored), and Athena sees every day as soon as its partition exists."""
import io
import json
import uuid
from urllib.parse import unquote_plus

import boto3.s3.transfer
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from trip_helpers import athena_rows

COLUMNS = [{"Name": "event_id", "Type": "bigint"}, {"Name": "kind", "Type": "string"}]
PARQUET = {"InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
           "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
           "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}


@pytest.fixture
def queue(client, bucket):
    sqs, s3 = client("sqs"), client("s3")
    url = sqs.create_queue(QueueName=f"new-files-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": arn, "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}}}]})})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
        "Id": "new-parquet", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "lake/events/"},
                                            {"Name": "suffix", "Value": ".parquet"}]}}}]})
    yield url
    sqs.delete_queue(QueueUrl=url)


class Registrar:
    def __init__(self, sqs, glue, queue_url, database):
        self.sqs, self.glue, self.queue_url, self.database = sqs, glue, queue_url, database
        self.records = []

    def poll(self):
        """One receive: registers the partitions the messages announce; returns how many
        messages it handled."""
        messages = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10,
                                            WaitTimeSeconds=1).get("Messages", [])
        for message in messages:
            body = json.loads(message["Body"])
            for record in body.get("Records", []):          # the s3:TestEvent carries none
                self.records.append(record)
                self.register(record["s3"]["bucket"]["name"], unquote_plus(record["s3"]["object"]["key"]))
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def register(self, bucket, key):
        folder = key.rsplit("/", 1)[0]
        day = folder.rsplit("dt=", 1)[1]
        answer = self.glue.batch_create_partition(DatabaseName=self.database, TableName="events", PartitionInputList=[
            {"Values": [day], "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/{folder}/",
                                                    **PARQUET}}])
        assert all(e["ErrorDetail"]["ErrorCode"] == "AlreadyExistsException" for e in answer.get("Errors", []))


def drain(registrar):
    while registrar.poll():
        pass


def count_by_day(athena, bucket, database):
    return athena_rows(athena, "SELECT dt, count(*) FROM events GROUP BY dt ORDER BY dt", database,
                       f"s3://{bucket}/athena/")


def test_partitions_registered_from_s3_events(client, wr, session, bucket, database, queue):
    s3, sqs, glue, athena = client("s3"), client("sqs"), client("glue"), client("athena")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "events", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
        "PartitionKeys": [{"Name": "dt", "Type": "string"}],
        "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/lake/events/", **PARQUET}})
    registrar = Registrar(sqs, glue, queue, database)
    drain(registrar)                                         # the configuration's s3:TestEvent
    assert registrar.records == []

    for day, count in (("2024-06-01", 3), ("2024-06-02", 2)):
        frame = pd.DataFrame({"event_id": range(count), "kind": ["view"] * count, "dt": day})
        wr.s3.to_parquet(frame, f"s3://{bucket}/lake/events/", dataset=True, partition_cols=["dt"],
                         boto3_session=session)
    wr.s3.to_parquet(pd.DataFrame({"event_id": [9], "kind": ["click"], "dt": "2024-06-01"}),
                     f"s3://{bucket}/lake/events/", dataset=True, partition_cols=["dt"], boto3_session=session)
    s3.put_object(Bucket=bucket, Key="lake/events/dt=2024-06-02/_SUCCESS", Body=b"")     # filtered out
    drain(registrar)
    assert count_by_day(athena, bucket, database) == [["2024-06-01", "4"], ["2024-06-02", "2"]]

    backfill = pa.table({"event_id": pa.array(range(600_000), pa.int64()),
                         "kind": pa.array(["backfill"] * 600_000)})
    body = io.BytesIO()
    pq.write_table(backfill, body, compression="none", use_dictionary=False)
    assert body.tell() > 10 * 1024 * 1024                   # over the transfer's multipart threshold
    body.seek(0)
    key = "lake/events/dt=2024-05-31/backfill part 1.parquet"
    s3.upload_fileobj(body, bucket, key, Config=boto3.s3.transfer.TransferConfig(
        multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
    drain(registrar)
    assert count_by_day(athena, bucket, database) == [["2024-05-31", "600000"], ["2024-06-01", "4"],
                                                     ["2024-06-02", "2"]]

    names = {r["eventName"] for r in registrar.records}
    assert names == {"ObjectCreated:Put", "ObjectCreated:CompleteMultipartUpload"}
    raw_keys = [r["s3"]["object"]["key"] for r in registrar.records]
    assert "lake/events/dt%3D2024-05-31/backfill+part+1.parquet" in raw_keys
    assert all(k.endswith(".parquet") for k in raw_keys) and len(raw_keys) == 4
    multipart = next(r for r in registrar.records if r["eventName"] == "ObjectCreated:CompleteMultipartUpload")
    assert multipart["s3"]["object"]["size"] == s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
    partitions = glue.get_partitions(DatabaseName=database, TableName="events")["Partitions"]
    assert sorted(p["Values"][0] for p in partitions) == ["2024-05-31", "2024-06-01", "2024-06-02"]
