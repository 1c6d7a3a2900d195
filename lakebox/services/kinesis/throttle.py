"""AWS's Kinesis rate limits, enforced only with `--limits aws`.

Meter levels live in the server's memory cache (`state.cache("kinesis")`): they
describe recent traffic, not acknowledged data, so a restart or reset may forget them
(as a fresh AWS second would). Every level is computed from the lakebox clock by the
pure functions in `model`, so moving the test clock refills buckets exactly as waiting
would. Keys include the stream's creation time, so a re-created stream never inherits
an old stream's meters. All actions run on the one event-loop thread: no locking.
"""
from lakebox.services.kinesis import model
from lakebox.services.kinesis.errors import LimitExceededException, ProvisionedThroughputExceededException

MIB = 1024 * 1024
SHARD_WRITE_BYTES_PER_S = 1 * MIB
SHARD_WRITE_RECORDS_PER_S = 1000
SHARD_READ_BYTES_PER_S = 2 * MIB
SHARD_READ_CALLS_PER_S = 5
SHARD_ITERATOR_CALLS_PER_S = 5
RESHARD_CALLS_PER_S = 5
MAX_CREATING_STREAMS = 5
MAX_CONSUMERS_PER_STREAM = 20
MAX_SCALINGS_PER_DAY = 10
ON_DEMAND_STREAM_LIMIT = 50
_LARGE_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")



def _meters(state) -> dict:
    return state.cache("kinesis")


def shard_limit(region: str) -> int:
    """The default provisioned shard quota of an account in a region."""
    return 20_000 if region in _LARGE_REGIONS else 1_000


def shard_key(stream, index: int) -> tuple:
    return (stream["uid"], stream["created_ms"], index)


def _take(state, key, now_ms: int, rate: float, capacity: float, amount: float = 1) -> bool:
    meters = _meters(state)
    bucket = model.refill(meters.get(key), now_ms, rate, capacity)
    after = model.take(bucket, amount)
    meters[key] = after if after is not None else bucket
    return after is not None


def rate_exceeded(stream, index: int) -> str:
    return (f"Rate exceeded for shard {model.shard_id(index)} in stream {stream['name']} "
            f"under account {stream['account']}.")


def admit_write(state, stream, index: int, size: int, now_ms: int) -> bool:
    """Whether a shard takes one more record of `size` bytes now (1 MiB/s and
    1,000 records/s). Records larger than 1 MiB draw on a burst as large as the stream's
    maximum record size, as AWS lets large records do."""
    meters = _meters(state)
    count_key, bytes_key = shard_key(stream, index) + ("records",), shard_key(stream, index) + ("bytes",)
    byte_capacity = max(SHARD_WRITE_BYTES_PER_S, stream["max_record_kib"] * 1024)
    count = model.refill(meters.get(count_key), now_ms, SHARD_WRITE_RECORDS_PER_S, SHARD_WRITE_RECORDS_PER_S)
    volume = model.refill(meters.get(bytes_key), now_ms, SHARD_WRITE_BYTES_PER_S, byte_capacity)
    count_after, volume_after = model.take(count, 1), model.take(volume, size)
    admitted = count_after is not None and volume_after is not None
    meters[count_key] = count_after if admitted else count
    meters[bytes_key] = volume_after if admitted else volume
    return admitted


def check_read(state, stream, index: int, now_ms: int):
    """GetRecords: 5 calls/s per shard, and no call while the bytes already read are
    not yet paid back at 2 MiB/s (so a 10 MiB read blocks the shard for 5 s)."""
    key = shard_key(stream, index) + ("read-debt",)
    debt = model.repay(_meters(state).get(key), now_ms, SHARD_READ_BYTES_PER_S)
    _meters(state)[key] = debt
    if debt.owed > 0 or not _take(state, shard_key(stream, index) + ("reads",), now_ms,
                                  SHARD_READ_CALLS_PER_S, SHARD_READ_CALLS_PER_S):
        raise ProvisionedThroughputExceededException(rate_exceeded(stream, index))


def charge_read(state, stream, index: int, size: int, now_ms: int):
    key = shard_key(stream, index) + ("read-debt",)
    debt = model.repay(_meters(state).get(key), now_ms, SHARD_READ_BYTES_PER_S)
    _meters(state)[key] = model.Debt(debt.owed + size, debt.stamp_ms)


def check_shard_iterator(state, stream, index: int, now_ms: int):
    if not _take(state, shard_key(stream, index) + ("iterators",), now_ms,
                 SHARD_ITERATOR_CALLS_PER_S, SHARD_ITERATOR_CALLS_PER_S):
        raise ProvisionedThroughputExceededException(rate_exceeded(stream, index))


def check_reshard(state, account: str, region: str, operation: str, now_ms: int):
    """SplitShard, MergeShards and UpdateShardCount: 5 transactions/s per account."""
    if not _take(state, (account, region, operation), now_ms, RESHARD_CALLS_PER_S, RESHARD_CALLS_PER_S):
        raise LimitExceededException(f"Rate exceeded for {operation} in account {account}.")


def check_subscription(state, consumer_arn: str, shard_id_text: str, now_ms: int) -> bool:
    """SubscribeToShard: once per second per consumer and shard."""
    return _take(state, (consumer_arn, shard_id_text, "subscribe"), now_ms, 1, 1)
