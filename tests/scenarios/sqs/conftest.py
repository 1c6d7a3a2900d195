"""Shared fixtures for SQS scenarios: a client that shows every error as the server sent
it (no retries), queues with unique names deleted afterwards, and a movable clock."""
import uuid

import pytest
from botocore.config import Config

NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def sqs(lakebox_server):
    return lakebox_server.client("sqs", config=NO_RETRIES)


@pytest.fixture
def make_queue(sqs):
    """make_queue(fifo=False, **attributes) -> queue URL, deleted at the end."""
    made = []

    def make(fifo=False, prefix="q", **attributes):
        name = f"{prefix}-{uuid.uuid4().hex[:12]}" + (".fifo" if fifo else "")
        if fifo:
            attributes["FifoQueue"] = "true"
        url = sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
        made.append(url)
        return url

    yield make
    for url in made:
        try:
            sqs.delete_queue(QueueUrl=url)
        except sqs.exceptions.QueueDoesNotExist:
            pass


@pytest.fixture
def clock(lakebox_server):
    """Moves the server clock forward, and back after the test."""
    moved = []

    def advance(seconds):
        lakebox_server.advance_clock(seconds)
        moved.append(seconds)

    yield advance
    if moved:
        lakebox_server.advance_clock(-sum(moved))

