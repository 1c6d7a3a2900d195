"""Audit of issue 11's dynamic partitioning as a user checks it with boto3: the buffer
rules AWS applies to partitioned streams (64 MiB at least, no zero buffering), keys taken
by JQ from nested fields, and records whose key is missing or null sent to error output
while the others are delivered."""
import base64
import json
import re
import uuid

import pytest
from botocore.exceptions import ClientError

from firehose_helpers import ROLE, partitioned, processor, wait_for_objects

JQ = processor("MetadataExtraction", MetadataExtractionQuery="{cid: .customer.id, region: .geo.region}",
               JsonParsingEngine="JQ-1.6")
PREFIX = "c=!{partitionKeyFromQuery:cid}/r=!{partitionKeyFromQuery:region}/"
ERRORS = "errors/!{firehose:error-output-type}/"


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def _create(firehose, bucket, **settings):
    name = f"audit-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", **settings})
    return name


def test_a_partitioned_stream_needs_a_64_mib_buffer(firehose, bucket):
    settings = partitioned(PREFIX, ERRORS, JQ)
    settings["BufferingHints"] = {"SizeInMBs": 5, "IntervalInSeconds": 60}
    name = f"audit-{uuid.uuid4().hex[:10]}"
    code, message = _error(firehose.create_delivery_stream, DeliveryStreamName=name,
                           ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                                                               **settings})
    assert (code, message) == ("InvalidArgumentException",
                               "BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled.")
    assert name not in firehose.list_delivery_streams(Limit=10000)["DeliveryStreamNames"]


def test_zero_buffering_is_not_available_for_dynamic_partitioning(firehose, bucket):
    settings = partitioned(PREFIX, ERRORS, JQ)
    settings["BufferingHints"] = {"SizeInMBs": 64, "IntervalInSeconds": 0}
    code, _ = _error(firehose.create_delivery_stream, DeliveryStreamName=f"audit-{uuid.uuid4().hex[:10]}",
                     ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                                                         **settings})
    assert code == "InvalidArgumentException"


def test_shrinking_a_partitioned_streams_buffer_is_refused(firehose, bucket):
    name = _create(firehose, bucket, **partitioned(PREFIX, ERRORS, JQ))
    try:
        code, message = _error(firehose.update_destination, DeliveryStreamName=name,
                               CurrentDeliveryStreamVersionId="1", DestinationId="destinationId-000000000001",
                               ExtendedS3DestinationUpdate={"BufferingHints": {"SizeInMBs": 1,
                                                                               "IntervalInSeconds": 60}})
        assert code == "InvalidArgumentException"
        assert message == "BufferingHints.SizeInMBs must be at least 64 when Dynamic Partitioning is enabled."
        described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        assert described["VersionId"] == "1"
        assert described["Destinations"][0]["ExtendedS3DestinationDescription"]["BufferingHints"] == {
            "SizeInMBs": 64, "IntervalInSeconds": 60}
    finally:
        firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_partitioning_without_a_size_hint_is_accepted(firehose, bucket):
    settings = partitioned(PREFIX, ERRORS, JQ)
    settings["BufferingHints"] = {"IntervalInSeconds": 60}
    name = _create(firehose, bucket, **settings)
    firehose.delete_delivery_stream(DeliveryStreamName=name)


@pytest.mark.local_only      # the clock is moved to flush
def test_nested_keys_and_records_missing_one(firehose, s3, bucket, make_stream, clock):
    name = make_stream(**partitioned(PREFIX, ERRORS, JQ, processor("AppendDelimiterToRecord")))
    records = [{"customer": {"id": "a1"}, "geo": {"region": "eu"}, "n": 1},
               {"customer": {"id": "a1"}, "n": 2},                                  # no region
               {"customer": {"id": 7}, "geo": {"region": "us"}, "n": 3},
               {"customer": {"id": "a1"}, "geo": {"region": "eu"}, "n": 4}]
    answer = firehose.put_record_batch(DeliveryStreamName=name,
                                       Records=[{"Data": json.dumps(r).encode()} for r in records])
    assert answer["FailedPutCount"] == 0
    clock(61)
    delivered = wait_for_objects(s3, bucket, count=3)
    by_partition = {}
    for key, body in delivered.items():
        match = re.fullmatch(r"c=(\w+)/r=(\w+)/" + re.escape(name) + r"-1-[\w-]+", key)
        if match:
            by_partition[match.groups()] = [json.loads(line)["n"] for line in body.decode().splitlines()]
    assert by_partition == {("a1", "eu"): [1, 4], ("7", "us"): [3]}
    (failed,) = [body for key, body in delivered.items() if key.startswith("errors/")]
    failure = json.loads(failed.decode().splitlines()[0])
    assert failure["errorCode"] == "DynamicPartitioning.MetadataExtractionFailed"
    assert json.loads(base64.b64decode(failure["rawData"]))["n"] == 2
