"""A security team archives audit events from a Kinesis data stream as Parquet
(KinesisStreamAsSource, OpenX JSON in, Parquet out against a Glue table). Some agents send
keep-alive blank lines and one sends a plain-text line. The events land as Parquet rows;
the two bad records land under `audit-errors/format-conversion-failed/` as compact JSON
lines that name the Kinesis sequence number each record had, so the on-call engineer
reads each one back from the stream (GetShardIterator AT_SEQUENCE_NUMBER) and finds the
same bytes as the error record's rawData. The blank line's error message is the one AWS
writes for it."""
import base64
import io
import json
import uuid

import pyarrow.parquet as pq
import pytest

from trip10_firehose_helpers import kinesis_sourced, s3_destination
from trip_helpers import keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-audit"
COLUMNS = [{"Name": "actor", "Type": "string"}, {"Name": "action", "Type": "string"},
           {"Name": "allowed", "Type": "boolean"}, {"Name": "attempt", "Type": "int"}]


@pytest.fixture
def audit_pipeline(client, bucket, database, kinesis_streams):
    firehose, glue = client("firehose"), client("glue")
    glue.create_table(DatabaseName=database, TableInput={"Name": "audit", "StorageDescriptor": {
        "Columns": COLUMNS, "Location": f"s3://{bucket}/audit/"}})
    source_name, source_arn = kinesis_streams("audit-events")
    name = kinesis_sourced(
        firehose, f"audit-{uuid.uuid4().hex[:10]}", source_arn, ROLE, s3_destination(
            ROLE, bucket, Prefix="audit/dt=!{timestamp:yyyy-MM-dd}/",
            ErrorOutputPrefix="audit-errors/!{firehose:error-output-type}/",
            BufferingHints={"SizeInMBs": 64, "IntervalInSeconds": 60},
            DataFormatConversionConfiguration={
                "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "audit"},
                "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}}))
    yield name, source_name
    firehose.delete_delivery_stream(DeliveryStreamName=name)
    glue.delete_table(DatabaseName=database, Name="audit")


def test_bad_audit_records_are_found_again_by_sequence_number(client, clock, bucket, database, audit_pipeline):
    firehose, kinesis, s3 = client("firehose"), client("kinesis"), client("s3")
    name, source_name = audit_pipeline
    events = [{"actor": f"user-{n % 3}", "action": ["login", "read", "delete"][n % 3], "allowed": n % 4 != 0,
               "attempt": n} for n in range(9)]
    sent = [json.dumps(e).encode() + b"\n" for e in events[:5]] + [b"  \n", b"agent=legacy status=ok\n"] + \
        [json.dumps(e).encode() + b"\n" for e in events[5:]]
    sequence_of = {}
    for data in sent:
        put = kinesis.put_record(StreamName=source_name, Data=data, PartitionKey="agent")
        sequence_of[data] = (put["ShardId"], put["SequenceNumber"])
    clock(2)
    clock(61)

    parquet = wait_for(lambda: keys_under(s3, bucket, "audit/"))
    assert all(k.endswith(".parquet") for k in parquet)
    rows = [row for k in parquet for row in pq.read_table(io.BytesIO(
        s3.get_object(Bucket=bucket, Key=k)["Body"].read())).to_pylist()]
    assert sorted(rows, key=lambda r: r["attempt"]) == events

    failed = wait_for(lambda: keys_under(s3, bucket, "audit-errors/"))
    assert [k.split("/")[1] for k in failed] == ["format-conversion-failed"]
    body = b"".join(s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in failed)
    lines = body.splitlines()
    assert len(lines) == 2 and all(line.startswith(b'{"attemptsMade":1,"arrivalTimestamp":') for line in lines)
    documents = [json.loads(line) for line in lines]
    by_raw = {base64.b64decode(d["rawData"]): d for d in documents}
    assert sorted(by_raw) == [b"  \n", b"agent=legacy status=ok\n"]
    blank = by_raw[b"  \n"]
    assert (blank["lastErrorCode"], blank["lastErrorMessage"]) == (
        "DataFormatConversion.MalformedData", "The record was empty or contained only whitespace.")
    assert by_raw[b"agent=legacy status=ok\n"]["lastErrorCode"] == "DataFormatConversion.MalformedData"
    for raw, document in by_raw.items():
        assert document["dataCatalogTable"]["databaseName"] == database
        assert document["dataCatalogTable"]["tableName"] == "audit"
        shard, sequence = sequence_of[raw]
        assert document["sequenceNumber"] == sequence
        iterator = kinesis.get_shard_iterator(StreamName=source_name, ShardId=shard,
                                              ShardIteratorType="AT_SEQUENCE_NUMBER",
                                              StartingSequenceNumber=document["sequenceNumber"])["ShardIterator"]
        assert kinesis.get_records(ShardIterator=iterator, Limit=1)["Records"][0]["Data"] == raw
