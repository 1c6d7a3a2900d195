"""Kinesis Data Streams answers as real Kinesis gave them (radkawar/stackd captures
testdata/aws/kinesis/*.json, native AWS, us-east-1): an audit team's reader registers an
enhanced fan-out consumer, reads, and tears everything down; each step's answer is the
recorded one."""
import pytest

from trip_helpers import error_of, wait_for

ACCOUNT = "000000000000"


def test_a_deregistered_consumer_is_named_by_its_parts_once_gone(client, kinesis_streams):
    """audit_data.json verify-consumer-absent-2: the consumer's name, creation timestamp,
    stream and account, not its ARN."""
    kinesis = client("kinesis")
    name, arn = kinesis_streams("kaudit")
    consumer = kinesis.register_stream_consumer(StreamARN=arn, ConsumerName="audit-reader")["Consumer"]
    consumer_arn = consumer["ConsumerARN"]
    created = consumer_arn.rsplit(":", 1)[1]
    assert created == str(int(consumer["ConsumerCreationTimestamp"].timestamp()))
    wait_for(lambda: kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)[
        "ConsumerDescription"]["ConsumerStatus"] == "ACTIVE")
    kinesis.deregister_stream_consumer(ConsumerARN=consumer_arn)

    def gone():
        try:
            kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)
        except kinesis.exceptions.ResourceNotFoundException:
            return True
    wait_for(gone)
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
