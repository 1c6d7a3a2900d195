"""Helpers shared by the Kinesis scenarios (test files import them from here, not from
conftest: several folders have a conftest, and only one can be imported by that name)."""
import os
import time

from botocore.config import Config

NO_RETRIES = Config(retries={"total_max_attempts": 1}, parameter_validation=False)
ACCOUNT = os.environ.get("KINESIS_TEST_ACCOUNT", "000000000000")


def get_records(kinesis, iterator, **args):
    """GetRecords as a well-behaved consumer calls it: on throttling, wait and retry
    (a shard serves 5 reads a second, on AWS and on lakebox alike)."""
    for attempt in range(50):
        try:
            return kinesis.get_records(ShardIterator=iterator, **args)
        except kinesis.exceptions.ProvisionedThroughputExceededException:
            time.sleep(0.2)
    raise AssertionError("GetRecords stayed throttled for 10 s")


def read_shard(kinesis, stream, shard_id, iterator_type="TRIM_HORIZON", **position):
    """Every record of a shard from a position to its end (or to the tip of an open shard)."""
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard_id, ShardIteratorType=iterator_type,
                                          **position)["ShardIterator"]
    records = []
    while iterator:
        answer = get_records(kinesis, iterator)
        records += answer["Records"]
        if not answer["Records"] and answer["MillisBehindLatest"] == 0 and "ChildShards" not in answer:
            break
        iterator = answer.get("NextShardIterator")
    return records


def error_of(raised):
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


def active_consumer(kinesis, stream_arn, consumer_name):
    """Registers a consumer and waits (boto3 has no waiter for it) until it is ACTIVE; its ARN."""
    arn = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName=consumer_name)["Consumer"]["ConsumerARN"]
    for _ in range(60):
        if kinesis.describe_stream_consumer(ConsumerARN=arn)["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE":
            return arn
        time.sleep(0.5)
    raise AssertionError("consumer never became ACTIVE")
