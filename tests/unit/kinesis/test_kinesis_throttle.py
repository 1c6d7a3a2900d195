"""Rate-limit meters are forgotten once idle (full again, or paid back), so memory
follows recent traffic, not every shard ever used; a meter still in use is kept."""
from types import SimpleNamespace

import pytest

from lakebox.services.kinesis import throttle
from lakebox.services.kinesis.errors import ProvisionedThroughputExceededException

STREAM = {"uid": 1, "created_ms": 0, "name": "s", "account": "000000000000", "max_record_kib": 1024}
T0 = 1_000_000


@pytest.fixture
def state():
    caches = {}
    return SimpleNamespace(cache=lambda name: caches.setdefault(name, {}))


def meters(state) -> dict:
    return state.cache("kinesis")["meters"]


def test_idle_meters_are_evicted_as_traffic_goes_on(state):
    for index in range(1000):
        assert throttle.admit_write(state, STREAM, index, 100, T0)
    assert len(meters(state)) == 2000                     # records and bytes, per shard
    later = T0 + 2_000                                    # every burst bucket is full again
    for step in range(300):
        assert throttle.admit_write(state, STREAM, 0, 100, later + step)
    assert set(meters(state)) == {(1, 0, 0, "records"), (1, 0, 0, "bytes")}


def test_a_meter_still_in_use_is_kept(state):
    for _ in range(throttle.SHARD_WRITE_RECORDS_PER_S):
        assert throttle.admit_write(state, STREAM, 0, 1, T0)
    for index in range(1, 500):                           # others' traffic looks at shard 0's meters
        throttle.admit_write(state, STREAM, index, 1, T0)
    assert not throttle.admit_write(state, STREAM, 0, 1, T0)    # still empty: not forgiven


def test_a_read_debt_is_kept_until_paid(state):
    throttle.check_read(state, STREAM, 0, T0)
    throttle.charge_read(state, STREAM, 0, 4 * throttle.SHARD_READ_BYTES_PER_S, T0)   # paid back in 4 s
    for index in range(1, 500):
        throttle.check_shard_iterator(state, STREAM, index, T0 + 3_000)
    with pytest.raises(ProvisionedThroughputExceededException):
        throttle.check_read(state, STREAM, 0, T0 + 3_000)
    for index in range(1, 500):
        throttle.check_shard_iterator(state, STREAM, index, T0 + 4_000)
    assert (1, 0, 0, "read-debt") not in meters(state)      # paid: forgotten


def test_the_cap_bounds_meters_that_never_seem_idle(state, monkeypatch):
    monkeypatch.setattr(throttle, "METER_CAP", 100)
    for index in range(1000):                             # all used at once: none idle yet
        throttle.check_shard_iterator(state, STREAM, index, T0)
    assert len(meters(state)) <= 100


def test_an_idle_shard_takes_a_record_of_the_largest_size(state):
    largest = STREAM["max_record_kib"] * 1024 + throttle.MAX_PARTITION_KEY_BYTES    # 1 MiB of data, its key
    assert throttle.admit_write(state, STREAM, 0, largest, T0)
    assert not throttle.admit_write(state, STREAM, 0, 1024, T0)       # the shard's second spent on it
    assert throttle.admit_write(state, STREAM, 0, 1024, T0 + 1_100)
