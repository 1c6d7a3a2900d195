"""Kinesis Data Streams -> Firehose with a Lambda transformation: the event of a stream
reading Kinesis names the source stream (`sourceKinesisStreamArn`) and gives each record
its `kinesisRecordMetadata` (shard id, partition key, sequence number, subsequence
number, arrival), as the events Firehose sends then show. AWS's own processing blueprints
re-ingest records with that partition key, so a function that reads it must find it; the
user records of a KPL aggregated record share its sequence number, are numbered by
subsequence and keep their own partition keys."""
import json
import textwrap

import pytest
from aws_kinesis_agg.aggregator import RecordAggregator

from firehose_helpers import ROLE, active_kinesis_stream, kinesis_source_args, processor, wait_for_objects
from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only

# writes, for each record, what the event said about it (one JSON line per record)
ECHO = textwrap.dedent('''
    import base64, json

    def lambda_handler(event, context):
        out = []
        for record in event["records"]:
            seen = {"source": event.get("sourceKinesisStreamArn"), "arrival": record["approximateArrivalTimestamp"],
                    "data": base64.b64decode(record["data"]).decode(),
                    "kinesis": record.get("kinesisRecordMetadata")}
            out.append({"recordId": record["recordId"], "result": "Ok",
                        "data": base64.b64encode(json.dumps(seen).encode() + b"\\n").decode()})
        return {"records": out}
''')


@pytest.fixture
def server(tmp_path):
    functions = tmp_path / "functions"
    functions.mkdir()
    (functions / "echo.py").write_text(ECHO)
    with LakeboxServer(env={"LAKEBOX_FUNCTIONS": str(functions)}) as running:
        running.client("s3").create_bucket(Bucket="kin-lambda")
        yield running


def _echo_processing():
    return {"Enabled": True, "Processors": [processor(
        "Lambda", LambdaArn="arn:aws:lambda:us-east-1:000000000000:function:echo", NumberOfRetries="0",
        BufferIntervalInSeconds="60")]}


def _echoing_source(server, name, shards):
    """ARN of a new Kinesis stream `name`, read by a delivery stream through the echo function."""
    arn = active_kinesis_stream(server.client("kinesis"), name, shards=shards)
    server.client("firehose").create_delivery_stream(DeliveryStreamName=f"{name}-to-s3", **kinesis_source_args(
        arn, "kin-lambda", BufferingHints={"SizeInMBs": 1, "IntervalInSeconds": 60},
        ProcessingConfiguration=_echo_processing()))
    return arn


def _seen(server, count):
    server.advance_clock(2)             # the source is read
    server.advance_clock(61)            # the function's buffer released them
    server.advance_clock(61)            # and the destination's interval passed
    delivered = b"".join(wait_for_objects(server.client("s3"), "kin-lambda", count=1).values())
    seen = [json.loads(line) for line in delivered.splitlines()]
    assert len(seen) == count
    return seen


def test_the_lambda_event_carries_each_records_kinesis_metadata(server):
    kinesis = server.client("kinesis")
    arn = _echoing_source(server, "orders", 2)
    put = {key: kinesis.put_record(StreamName="orders", Data=f"order from {key}".encode(), PartitionKey=key)
           for key in ("alice", "bob", "carol")}
    arrivals = {}
    for shard in kinesis.list_shards(StreamName="orders")["Shards"]:
        iterator = kinesis.get_shard_iterator(StreamName="orders", ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        for record in kinesis.get_records(ShardIterator=iterator)["Records"]:
            arrivals[record["PartitionKey"]] = int(record["ApproximateArrivalTimestamp"].timestamp() * 1000)

    seen = {item["kinesis"]["partitionKey"]: item for item in _seen(server, 3)}
    assert sorted(seen) == ["alice", "bob", "carol"]
    for key, answer in put.items():
        assert seen[key]["source"] == arn
        assert seen[key]["data"] == f"order from {key}"
        assert seen[key]["arrival"] == arrivals[key]
        assert seen[key]["kinesis"] == {"sequenceNumber": answer["SequenceNumber"], "subsequenceNumber": 0,
                                        "partitionKey": key, "shardId": answer["ShardId"],
                                        "approximateArrivalTimestamp": arrivals[key]}


def test_kpl_user_records_share_the_sequence_number_and_count_subsequences(server):
    kinesis = server.client("kinesis")
    arn = _echoing_source(server, "readings", 1)
    aggregator = RecordAggregator()
    for i in range(3):
        aggregator.add_user_record(f"sensor-{i % 2}", f"reading {i}".encode())
    partition_key, explicit_hash_key, data = aggregator.clear_and_get().get_contents()
    answer = kinesis.put_record(StreamName="readings", Data=data, PartitionKey=partition_key,
                                **({"ExplicitHashKey": explicit_hash_key} if explicit_hash_key else {}))

    seen = _seen(server, 3)
    assert sorted(item["data"] for item in seen) == ["reading 0", "reading 1", "reading 2"]
    assert sorted(item["kinesis"]["subsequenceNumber"] for item in seen) == [0, 1, 2]
    # each user record keeps its own partition key, not the aggregate's
    assert sorted((item["data"], item["kinesis"]["partitionKey"]) for item in seen) == [
        ("reading 0", "sensor-0"), ("reading 1", "sensor-1"), ("reading 2", "sensor-0")]
    assert {item["kinesis"]["sequenceNumber"] for item in seen} == {answer["SequenceNumber"]}
    assert {item["kinesis"]["shardId"] for item in seen} == {answer["ShardId"]}
    assert {item["source"] for item in seen} == {arn}


def test_a_direct_put_streams_event_has_no_kinesis_members(server):
    firehose = server.client("firehose")
    firehose.create_delivery_stream(DeliveryStreamName="direct", ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::kin-lambda",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}, "ProcessingConfiguration": _echo_processing()})
    firehose.put_record(DeliveryStreamName="direct", Record={"Data": b"hello"})
    [item] = _seen(server, 1)
    assert (item["source"], item["data"], item["kinesis"]) == (None, "hello", None)
