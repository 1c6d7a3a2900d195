"""Kinesis Data Streams answers as real Kinesis gave them (radkawar/stackd captures
testdata/aws/kinesis/*.json, native AWS, us-east-1): an audit team's reader registers an
enhanced fan-out consumer, reads, and tears everything down; each step's answer is the
recorded one."""
import pytest

from trip_helpers import error_of, wait_for

ACCOUNT = "000000000000"


def active_consumer(kinesis, arn, name):
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName=name)["Consumer"]
    wait_for(lambda: kinesis.describe_stream_consumer(ConsumerARN=consumer["ConsumerARN"])[
        "ConsumerDescription"]["ConsumerStatus"] == "ACTIVE")
    return consumer


def deregistered(kinesis, consumer_arn):
    """Deregisters the consumer and waits until Kinesis no longer finds it."""
    kinesis.deregister_stream_consumer(ConsumerARN=consumer_arn)

    def gone():
        try:
            kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)
        except kinesis.exceptions.ResourceNotFoundException:
            return True
    wait_for(gone)


def test_a_deregistered_consumer_is_named_by_its_parts_once_gone(client, kinesis_streams):
    """audit_data.json verify-consumer-absent-2: the consumer's name, creation timestamp,
    stream and account, not its ARN."""
    kinesis = client("kinesis")
    name, arn = kinesis_streams("kaudit")
    consumer = active_consumer(kinesis, arn, "audit-reader")
    consumer_arn = consumer["ConsumerARN"]
    created = consumer_arn.rsplit(":", 1)[1]
    assert created == str(int(consumer["ConsumerCreationTimestamp"].timestamp()))
    deregistered(kinesis, consumer_arn)
    assert error_of(kinesis.describe_stream_consumer, ConsumerARN=consumer_arn) == (
        "ResourceNotFoundException",
        f"Consumer audit-reader with creation timestamp {created} under stream: {name}, account {ACCOUNT} not found.")


def test_a_consumer_named_under_a_stream_that_has_none_of_that_name(client, kinesis_streams):
    """control_audit.json missing-consumer-description: DescribeStreamConsumer by
    StreamARN and ConsumerName."""
    kinesis = client("kinesis")
    name, arn = kinesis_streams("kctl")
    assert error_of(kinesis.describe_stream_consumer, StreamARN=arn, ConsumerName="never-existed") == (
        "ResourceNotFoundException", f"Consumer never-existed under stream: {name}, account {ACCOUNT} not found.")


def test_a_reader_naming_what_is_not_there(client, kinesis_streams):
    """dry_run.json missing-resource-dry-run-SubscribeToShard (a consumer ARN under the
    stream that names no consumer: its name, without a creation timestamp) and
    missing-resource-dry-run-GetRecords (an iterator of one stream with the ARN of
    another)."""
    kinesis = client("kinesis")
    name, arn = kinesis_streams("kdry")
    assert error_of(kinesis.subscribe_to_shard, ConsumerARN=f"{arn}/consumer/absent:1",
                    ShardId="shardId-000000000000", StartingPosition={"Type": "TRIM_HORIZON"}) == (
        "ResourceNotFoundException", f"Consumer absent under stream: {name}, account {ACCOUNT} not found.")
    iterator = kinesis.get_shard_iterator(StreamARN=arn, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert error_of(kinesis.get_records, StreamARN=f"{arn}-absent", ShardIterator=iterator, Limit=10) == (
        "InvalidArgumentException", f"Input stream name {name} doesn't match the inferred name in stream arn "
                                    f"{name}-absent")
    assert kinesis.get_records(StreamARN=arn, ShardIterator=iterator, Limit=10)["Records"] == []


def test_a_subscription_outlives_its_deregistered_consumer(client, kinesis_streams):
    """efo_termination.json, the deregister-data case: a subscription open when its
    consumer is deregistered goes on delivering, and a record put once the consumer is
    proven gone still arrives on it."""
    kinesis = client("kinesis")
    name, arn = kinesis_streams("kderegister")
    consumer_arn = active_consumer(kinesis, arn, "deregister-data-reader")["ConsumerARN"]
    kinesis.put_record(StreamARN=arn, Data=b"before-consumer-deregister", PartitionKey="control-before")
    answer = kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId="shardId-000000000000",
                                        StartingPosition={"Type": "TRIM_HORIZON"})
    events = iter(answer["EventStream"])
    first = next(events)["SubscribeToShardEvent"]
    assert [r["Data"] for r in first["Records"]] == [b"before-consumer-deregister"]
    deregistered(kinesis, consumer_arn)
    kinesis.put_record(StreamARN=arn, Data=b"after-proven-consumer-absence", PartitionKey="control-after")
    later = []
    for event in events:
        later += [r["Data"] for r in event["SubscribeToShardEvent"]["Records"]]
        if later:
            break
    answer["EventStream"].close()
    assert later == [b"after-proven-consumer-absence"]
