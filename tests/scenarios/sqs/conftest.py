"""Shared fixtures for SQS scenarios: a client that shows every error as the server sent
it (no retries), and queues with unique names deleted afterwards."""
import uuid

import pytest


@pytest.fixture
def sqs(client):
    return client("sqs")


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
