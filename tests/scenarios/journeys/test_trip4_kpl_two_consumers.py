"""One stream, two readers, as fleets with the Kinesis Producer Library run it: devices
send KPL-aggregated records (aws-kinesis-agg, the KPL's format, several newline-ended
JSON readings per Kinesis record); a Firehose delivery stream reading the stream
archives the readings gzipped under `raw/YYYY/MM/dd/HH/` (Firehose de-aggregates KPL
records itself), while an application reads the same shards with GetRecords and
de-aggregates them with the library; both see every reading once."""
import base64
import gzip
import json
import re
import time
import uuid

import pytest
from aws_kinesis_agg.aggregator import RecordAggregator
from aws_kinesis_agg.deaggregator import iter_deaggregate_records

from trip_helpers import wait_for

pytestmark = pytest.mark.local_only          # the archive's buffer is flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose"
READINGS = [{"device": f"dev-{i % 9}", "seq": i, "celsius": round(18 + (i % 13) * 0.5, 1)} for i in range(500)]


@pytest.fixture
def stream(client):
    kinesis = client("kinesis")
    name = f"fleet-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    yield name, kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


@pytest.fixture
def archive(client, bucket, stream):
    firehose = client("firehose")
    name = f"archive-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": stream[1], "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "raw/", "CompressionFormat": "GZIP",
            "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60}})
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def aggregated(readings):
    """The KPL's Kinesis records for the readings: (partition key, explicit hash key or
    None, data)."""
    aggregator, out = RecordAggregator(), []
    for reading in readings:
        full = aggregator.add_user_record(reading["device"], (json.dumps(reading) + "\n").encode())
        if full is not None:
            out.append(full.get_contents())
    out.append(aggregator.clear_and_get().get_contents())
    return out


def get_records(kinesis, iterator):
    """GetRecords as KCL workers call it: a pause between reads, and a back-off when the
    shard's five reads a second (shared with the Firehose reading it) are spent."""
    for attempt in range(10):
        time.sleep(0.2 * (attempt + 1))
        try:
            return kinesis.get_records(ShardIterator=iterator, Limit=100)
        except kinesis.exceptions.ProvisionedThroughputExceededException:
            continue
    raise AssertionError("GetRecords stayed throttled")


def read_application(kinesis, stream_name):
    """The application's reader: every shard from the start, de-aggregated."""
    readings = []
    for shard in kinesis.list_shards(StreamName=stream_name)["Shards"]:
        iterator = kinesis.get_shard_iterator(StreamName=stream_name, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = get_records(kinesis, iterator)
            # the library hands user records back shaped as Lambda's Kinesis events (base64 data)
            readings += [json.loads(base64.b64decode(u["kinesis"]["data"]))
                         for u in iter_deaggregate_records(page["Records"], data_format="Boto3")]
            if not page["Records"] and page.get("MillisBehindLatest", 0) == 0:
                break
            iterator = page.get("NextShardIterator")
    return readings


def test_kpl_records_archived_by_firehose_and_read_by_an_application(client, clock, bucket, stream, archive):
    kinesis, s3 = client("kinesis"), client("s3")
    records = aggregated(READINGS)
    assert len(records) < len(READINGS) / 10            # many readings per Kinesis record
    clock(1)                                             # the archive reads from LATEST: start it first
    for partition_key, hash_key, data in records:
        kinesis.put_record(StreamName=stream[0], PartitionKey=partition_key, Data=data,
                           **({"ExplicitHashKey": hash_key} if hash_key else {}))

    seen = read_application(kinesis, stream[0])
    assert sorted(r["seq"] for r in seen) == list(range(500))

    clock(61)

    def archived():
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="raw/").get("Contents", [])]
        lines = [line for k in keys
                 for line in gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read()).splitlines()]
        return (keys, lines) if len(lines) >= len(READINGS) else None
    keys, lines = wait_for(archived)
    name = rf"raw/\d{{4}}/\d{{2}}/\d{{2}}/\d{{2}}/{archive}-\d+-\d{{4}}(-\d{{2}}){{5}}-[0-9a-f-]{{36}}\.gz"
    assert all(re.fullmatch(name, k) for k in keys), keys
    assert sorted(json.loads(line)["seq"] for line in lines) == list(range(500))
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="processing-failed/")
