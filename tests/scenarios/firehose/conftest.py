"""Shared fixtures for Firehose scenarios: clients that show every error as the server
sent it (no retries), a bucket per test, delivery streams with unique names that are
deleted afterwards."""
import uuid

import pytest
from firehose_helpers import NO_RETRIES, ROLE


@pytest.fixture
def firehose(lakebox_server):
    return lakebox_server.client("firehose", config=NO_RETRIES)


@pytest.fixture
def s3(lakebox_server):
    return lakebox_server.client("s3", config=NO_RETRIES)


@pytest.fixture
def bucket(s3):
    name = f"fh-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def make_stream(firehose, bucket):
    """make_stream(**extended_s3_settings) -> name of a DirectPut stream delivering to
    `bucket`, deleted at the end. `stream_args` go to CreateDeliveryStream as they are."""
    made = []

    def make(stream_args=None, **destination):
        name = f"fh-{uuid.uuid4().hex[:12]}"
        args = dict(stream_args or {})
        if "ExtendedS3DestinationConfiguration" not in args and not any(k.endswith("DestinationConfiguration")
                                                                         for k in args):
            args["ExtendedS3DestinationConfiguration"] = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                                                          **destination}
        firehose.create_delivery_stream(DeliveryStreamName=name, **args)
        made.append(name)
        return name

    yield make
    for name in made:
        try:
            firehose.delete_delivery_stream(DeliveryStreamName=name)
        except firehose.exceptions.ResourceNotFoundException:
            pass
