"""Shared fixtures for Kinesis scenarios: a client that shows every error as the server
sent it (no retries), and streams with unique names that are deleted afterwards."""
import uuid

import pytest

from kinesis_helpers import NO_RETRIES


@pytest.fixture
def kinesis(lakebox_server):
    return lakebox_server.client("kinesis", config=NO_RETRIES)


@pytest.fixture
def make_stream(kinesis):
    """make_stream(shards=1, **create_args) -> name of an ACTIVE stream, deleted at the end."""
    made = []

    def make(shards=1, **args):
        name = f"test-{uuid.uuid4().hex[:12]}"
        if args.get("StreamModeDetails", {}).get("StreamMode") != "ON_DEMAND":
            args["ShardCount"] = shards
        kinesis.create_stream(StreamName=name, **args)
        made.append(name)
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 120})
        return name

    yield make
    for name in made:
        try:
            kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
        except kinesis.exceptions.ResourceNotFoundException:
            pass
