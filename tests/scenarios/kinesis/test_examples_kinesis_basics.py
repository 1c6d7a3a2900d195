"""The flows of AWS's Kinesis examples for Python (awsdocs/aws-doc-sdk-examples,
python/example_code/kinesis): the basics scenario (create a stream and poll
DescribeStreamSummary until ACTIVE, ListStreams paged by ExclusiveStartStreamName,
ListShards, PutRecords of JSON sensor readings, a TRIM_HORIZON iterator and GetRecords,
tags added/listed/removed, an enhanced fan-out consumer registered, polled until ACTIVE
and deregistered, then DeleteStream with EnforceConsumerDeletion polled until
ResourceNotFoundException), and the stream wrapper (the stream_exists waiter, PutRecord,
GetRecords by NextShardIterator, the stream_not_exists waiter)."""
import json
import time
import uuid

import pytest

FAST = {"Delay": 1, "MaxAttempts": 60}


def _poll(read, ready, attempts=60):
    for _ in range(attempts):
        answer = read()
        if ready(answer):
            return answer
        time.sleep(0.5)
    raise AssertionError(f"never ready: {answer}")


def _all_streams(kinesis):
    page = kinesis.list_streams(Limit=2)
    summaries = list(page["StreamSummaries"])
    while page["HasMoreStreams"]:
        page = kinesis.list_streams(Limit=2, ExclusiveStartStreamName=summaries[-1]["StreamName"])
        summaries.extend(page["StreamSummaries"])
    return summaries


def test_kinesis_basics_scenario_runs_end_to_end(kinesis):
    name = f"sdk-example-stream-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    summary = _poll(lambda: kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"],
                    lambda s: s["StreamStatus"] == "ACTIVE")
    stream_arn = summary["StreamARN"]

    listed = {s["StreamName"]: s for s in _all_streams(kinesis)}
    assert listed[name]["StreamStatus"] == "ACTIVE"
    assert listed[name]["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert summary["RetentionPeriodHours"] == 24 and summary["OpenShardCount"] == 1
    assert summary["EncryptionType"] == "NONE"

    shards = kinesis.list_shards(StreamName=name)["Shards"]
    assert len(shards) == 1
    shard = shards[0]
    assert shard["HashKeyRange"] == {"StartingHashKey": "0", "EndingHashKey": str(2**128 - 1)}
    assert shard["SequenceNumberRange"]["StartingSequenceNumber"]

    readings = [{"sensor_id": f"sensor-00{n % 3 + 1}", "temperature": 70 + n} for n in range(5)]
    put = kinesis.put_records(StreamName=name, Records=[
        {"Data": json.dumps(r).encode(), "PartitionKey": r["sensor_id"]} for r in readings])
    assert put["FailedRecordCount"] == 0
    assert all(r["ShardId"] == shard["ShardId"] and r["SequenceNumber"] for r in put["Records"])

    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    got = kinesis.get_records(ShardIterator=iterator, Limit=10)["Records"]
    assert [json.loads(r["Data"]) for r in got] == readings

    kinesis.add_tags_to_stream(StreamName=name, Tags={"Project": "kinesis-demo", "Environment": "development",
                                                      "CostCenter": "12345"})
    tags = kinesis.list_tags_for_stream(StreamName=name)
    assert {t["Key"]: t["Value"] for t in tags["Tags"]} == {
        "Project": "kinesis-demo", "Environment": "development", "CostCenter": "12345"}
    assert tags["HasMoreTags"] is False
    kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["CostCenter"])
    assert sorted(t["Key"] for t in kinesis.list_tags_for_stream(StreamName=name)["Tags"]) == ["Environment", "Project"]

    consumer = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="sdk-example-consumer")["Consumer"]
    assert consumer["ConsumerName"] == "sdk-example-consumer"
    assert consumer["ConsumerStatus"] in ("CREATING", "ACTIVE")
    with pytest.raises(kinesis.exceptions.ResourceInUseException):
        kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="sdk-example-consumer")
    described = _poll(lambda: kinesis.describe_stream_consumer(
        StreamARN=stream_arn, ConsumerName="sdk-example-consumer")["ConsumerDescription"],
        lambda d: d["ConsumerStatus"] == "ACTIVE")
    assert described["ConsumerARN"] == consumer["ConsumerARN"]
    kinesis.deregister_stream_consumer(ConsumerARN=consumer["ConsumerARN"])

    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)

    def gone():
        try:
            kinesis.describe_stream_summary(StreamName=name)
        except kinesis.exceptions.ResourceNotFoundException:
            return True
        return False
    _poll(gone, bool)


def test_kinesis_stream_wrapper_flow_with_waiters(kinesis):
    name = f"sdk-example-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=FAST)
    details = kinesis.describe_stream(StreamName=name)["StreamDescription"]
    assert details["StreamName"] == name and details["StreamStatus"] == "ACTIVE"

    for n in range(3):
        kinesis.put_record(StreamName=name, Data=json.dumps({"n": n}), PartitionKey="key")
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=details["Shards"][0]["ShardId"],
                                          ShardIteratorType="LATEST")["ShardIterator"]
    kinesis.put_record(StreamName=name, Data=json.dumps({"n": 3}), PartitionKey="key")
    answer = kinesis.get_records(ShardIterator=iterator, Limit=10)
    assert [json.loads(r["Data"]) for r in answer["Records"]] == [{"n": 3}]
    assert kinesis.get_records(ShardIterator=answer["NextShardIterator"], Limit=10)["Records"] == []

    kinesis.delete_stream(StreamName=name)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig=FAST)
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.describe_stream_summary(StreamName=name)


def test_hello_kinesis_and_paged_shard_listing(kinesis, make_stream):
    name = make_stream(shards=4)
    hello = kinesis.list_streams(Limit=10)
    assert len(hello["StreamNames"]) <= 10
    assert [s["StreamName"] for s in hello["StreamSummaries"]] == hello["StreamNames"]
    every = [n for page in kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 1})
             for n in page["StreamNames"]]
    assert name in every

    page = kinesis.list_shards(StreamName=name, MaxResults=2)
    shards = list(page["Shards"])
    while "NextToken" in page:
        page = kinesis.list_shards(NextToken=page["NextToken"], MaxResults=2)
        shards.extend(page["Shards"])
    assert [s["ShardId"] for s in shards] == [f"shardId-00000000000{n}" for n in range(4)]


def test_cleanup_deletes_a_stream_whose_consumer_is_still_registered(kinesis):
    name = f"sdk-example-stream-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig=FAST)
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="sdk-example-consumer")["Consumer"]
    with pytest.raises(kinesis.exceptions.ResourceInUseException):
        kinesis.delete_stream(StreamName=name)
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig=FAST)
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException):
        kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])
