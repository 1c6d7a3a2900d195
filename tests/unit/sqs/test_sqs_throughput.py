"""FIFO request quotas under `--limits aws`: 300 calls per second per action and queue
(a batch is one call), the region's quota in high throughput mode, none for standard
queues or with `--limits off`; the bucket refills with the clock."""
import types

import pytest

from lakebox.services.sqs import throughput
from lakebox.services.sqs.errors import RequestThrottled


class State:
    def __init__(self):
        self.caches = {}

    def cache(self, name):
        return self.caches.setdefault(name, {})


def ctx_at(state, now, operation="SendMessageBatch", limits_on=True):
    return types.SimpleNamespace(state=state, now=now, operation=operation, limits_on=limits_on)


FIFO = {"uid": 1, "fifo": 1, "region": "us-east-1"}
PER_QUEUE = {"DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"}
HIGH = {"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"}


def calls_admitted(state, queue, attrs, now, calls, operation="SendMessageBatch", limits_on=True) -> int:
    admitted = 0
    for _ in range(calls):
        try:
            throughput.admit(ctx_at(state, now, operation, limits_on), queue, attrs)
        except RequestThrottled as error:
            assert (error.code, error.status, error.query_code) == ("RequestThrottled", 403, "RequestThrottled")
            continue
        admitted += 1
    return admitted


def test_a_fifo_queue_takes_300_calls_a_second_per_action():
    state = State()
    assert calls_admitted(state, FIFO, PER_QUEUE, 1000.0, 400) == 300
    assert calls_admitted(state, FIFO, PER_QUEUE, 1000.0, 50, operation="ReceiveMessage") == 50
    assert calls_admitted(state, FIFO, PER_QUEUE, 1000.5, 400) == 150      # half a second refilled
    assert calls_admitted(state, FIFO, PER_QUEUE, 1010.0, 400) == 300      # never more than a second's worth
    assert calls_admitted(state, dict(FIFO, uid=2), PER_QUEUE, 1010.0, 10) == 10


@pytest.mark.parametrize("region, quota", [("us-east-1", 70_000), ("eu-central-1", 19_000),
                                           ("ap-northeast-1", 9_000), ("af-south-1", 2_400)])
def test_high_throughput_mode_takes_the_regions_quota(region, quota):
    assert throughput.rate(dict(FIFO, region=region), HIGH) == quota
    assert throughput.rate(dict(FIFO, region=region), dict(HIGH, FifoThroughputLimit="perQueue")) == 300


def test_standard_queues_uncounted_actions_and_limits_off_are_never_throttled():
    state = State()
    standard = dict(FIFO, fifo=0)
    assert calls_admitted(state, standard, {}, 1.0, 500) == 500
    assert calls_admitted(state, FIFO, PER_QUEUE, 1.0, 500, operation="GetQueueAttributes") == 500
    assert calls_admitted(state, FIFO, PER_QUEUE, 1.0, 500, limits_on=False) == 500
