"""AWS's Kinesis rate limits, enforced only with `--limits aws`.

Meter levels live in the server's memory cache (`state.cache("kinesis")["meters"]`):
they describe recent traffic, not acknowledged data, so a restart or reset may forget
them (as a fresh AWS second would). Every level is computed from the lakebox clock by
the pure functions in `model`, so moving the test clock refills buckets exactly as
waiting would. Keys include the stream's creation time, so a re-created stream never
inherits an old stream's meters. All actions run on the one event-loop thread: no
locking.

Meters are evicted once idle: a full bucket or a paid debt is what a missing meter
stands for, so it carries no information. Each update moves its meter to the end of the
dict (oldest-updated first) and looks at a few of the oldest: those idle go. A meter is
idle within seconds of its last use, so the dict holds about the meters used in the last
few seconds; if the clock was moved back (so nothing seems idle) METER_CAP bounds it,
dropping the oldest even if not idle, which only forgives a little recent traffic.
"""
import itertools

from lakebox.services.kinesis import model
from lakebox.services.kinesis.errors import LimitExceededException, ProvisionedThroughputExceededException

MIB = 1024 * 1024
SHARD_WRITE_BYTES_PER_S = 1 * MIB
SHARD_WRITE_RECORDS_PER_S = 1000
# A partition key is at most 256 Unicode characters: up to 1 KiB in UTF-8.
MAX_PARTITION_KEY_BYTES = 256 * 4
SHARD_READ_BYTES_PER_S = 2 * MIB
SHARD_READ_CALLS_PER_S = 5
SHARD_ITERATOR_CALLS_PER_S = 5
# Bytes a GetRecords call may still owe when the next call comes: one call's share of a
# second's 2 MiB. Calls a few milliseconds apart that read a few KiB each are well under
# 2 MiB/s, and AWS serves them; only a larger debt (a big read) throttles the shard.
READ_DEBT_ALLOWED = SHARD_READ_BYTES_PER_S / SHARD_READ_CALLS_PER_S
RESHARD_CALLS_PER_S = 5
MAX_CREATING_STREAMS = 5
MAX_CONSUMERS_PER_STREAM = 20
# "only 5 consumers can be created simultaneously ... Registering a 6th consumer while
# there are 5 in a CREATING status results in a LimitExceededException" (RegisterStreamConsumer)
MAX_CREATING_CONSUMERS = 5
MAX_SCALINGS_PER_DAY = 10
# "For each data stream in your AWS account, you can switch between the on-demand and
# provisioned modes twice within 24 hours." (Developer Guide, managing streams in the console)
MAX_MODE_SWITCHES_PER_DAY = 2
ON_DEMAND_STREAM_LIMIT = 50
_LARGE_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
METER_CAP = 100_000          # meters kept at most
EVICT_LOOK = 4               # oldest meters looked at per update


def _meters(state) -> dict:
    """key -> (Bucket or Debt, epoch ms from which it is idle: full or paid)."""
    return state.cache("kinesis").setdefault("meters", {})


def _bucket(state, key, now_ms: int, rate: float, capacity: float) -> model.Bucket:
    kept = _meters(state).get(key)
    return model.refill(kept[0] if kept else None, now_ms, rate, capacity)


def _keep_bucket(state, key, bucket: model.Bucket, rate: float, capacity: float):
    _keep(state, key, bucket, bucket.stamp_ms + (capacity - bucket.level) * 1000 / rate)


def _debt(state, key, now_ms: int) -> model.Debt:
    kept = _meters(state).get(key)
    return model.repay(kept[0] if kept else None, now_ms, SHARD_READ_BYTES_PER_S)


def _keep_debt(state, key, debt: model.Debt):
    _keep(state, key, debt, debt.stamp_ms + debt.owed * 1000 / SHARD_READ_BYTES_PER_S)


def _keep(state, key, value, idle_from_ms: float):
    meters = _meters(state)
    meters.pop(key, None)                 # re-inserted last: the dict is oldest-updated first
    meters[key] = (value, idle_from_ms)
    now_ms = value.stamp_ms               # the value was just brought up to now
    oldest = list(itertools.islice(meters.items(), EVICT_LOOK))
    for old_key, (_, idle_ms) in oldest:
        if idle_ms <= now_ms or len(meters) > METER_CAP:
            del meters[old_key]


def shard_limit(region: str) -> int:
    """The default provisioned shard quota of an account in a region."""
    return 20_000 if region in _LARGE_REGIONS else 1_000


def shard_key(stream, index: int) -> tuple:
    return (stream["uid"], stream["created_ms"], index)


def _take(state, key, now_ms: int, rate: float, capacity: float, amount: float = 1) -> bool:
    bucket = _bucket(state, key, now_ms, rate, capacity)
    after = model.take(bucket, amount)
    _keep_bucket(state, key, after if after is not None else bucket, rate, capacity)
    return after is not None


def rate_exceeded(stream, index: int) -> str:
    return (f"Rate exceeded for shard {model.shard_id(index)} in stream {stream['name']} "
            f"under account {stream['account']}.")


def read_rate_exceeded(stream, index: int) -> str:
    """A throttled GetRecords names the shard as account/stream/shard, unlike a write."""
    return f"Rate exceeded for Shard - {stream['account']}/{stream['name']}/{model.shard_id(index)}"


def admit_write(state, stream, index: int, size: int, now_ms: int) -> bool:
    """Whether a shard takes one more record of `size` bytes (data and partition key)
    now (1 MiB/s and 1,000 records/s). Records larger than 1 MiB draw on a burst as large
    as the stream's largest record, as AWS lets large records do: its maximum data size
    plus the longest partition key, so that a record of the maximum size is taken by an
    idle shard (with the 1 MiB data limit alone, 1 MiB of data and its key never fit)."""
    count_key, bytes_key = shard_key(stream, index) + ("records",), shard_key(stream, index) + ("bytes",)
    byte_capacity = max(SHARD_WRITE_BYTES_PER_S, stream["max_record_kib"] * 1024) + MAX_PARTITION_KEY_BYTES
    count = _bucket(state, count_key, now_ms, SHARD_WRITE_RECORDS_PER_S, SHARD_WRITE_RECORDS_PER_S)
    volume = _bucket(state, bytes_key, now_ms, SHARD_WRITE_BYTES_PER_S, byte_capacity)
    count_after, volume_after = model.take(count, 1), model.take(volume, size)
    admitted = count_after is not None and volume_after is not None
    _keep_bucket(state, count_key, count_after if admitted else count, SHARD_WRITE_RECORDS_PER_S,
                 SHARD_WRITE_RECORDS_PER_S)
    _keep_bucket(state, bytes_key, volume_after if admitted else volume, SHARD_WRITE_BYTES_PER_S, byte_capacity)
    return admitted


def check_read(state, stream, index: int, now_ms: int):
    """GetRecords: 5 calls/s per shard, and no call while the bytes already read are
    not yet paid back at 2 MiB/s, but for one call's share (so a 10 MiB read blocks
    the shard for about 5 s, and small reads in quick succession are served)."""
    key = shard_key(stream, index) + ("read-debt",)
    debt = _debt(state, key, now_ms)
    _keep_debt(state, key, debt)
    if debt.owed > READ_DEBT_ALLOWED or not _take(state, shard_key(stream, index) + ("reads",), now_ms,
                                  SHARD_READ_CALLS_PER_S, SHARD_READ_CALLS_PER_S):
        raise ProvisionedThroughputExceededException(read_rate_exceeded(stream, index))


def charge_read(state, stream, index: int, size: int, now_ms: int):
    key = shard_key(stream, index) + ("read-debt",)
    debt = _debt(state, key, now_ms)
    _keep_debt(state, key, model.Debt(debt.owed + size, debt.stamp_ms))


def check_shard_iterator(state, stream, index: int, now_ms: int):
    if not _take(state, shard_key(stream, index) + ("iterators",), now_ms,
                 SHARD_ITERATOR_CALLS_PER_S, SHARD_ITERATOR_CALLS_PER_S):
        raise ProvisionedThroughputExceededException(rate_exceeded(stream, index))


def stream_rate_exceeded(stream) -> LimitExceededException:
    """Kinesis's refusal of a control-plane change past a stream's limits (the call rate,
    ten scalings or two capacity-mode switches in 24 hours), in the words it answers
    them: "Rate exceeded for stream X under account Y." (Terraform's provider retries on
    them; users met them switching the capacity mode a third time in a day)."""
    return LimitExceededException(f"Rate exceeded for stream {stream['name']} under account {stream['account']}.")


def check_reshard(state, stream, operation: str, now_ms: int):
    """SplitShard, MergeShards and UpdateShardCount: 5 transactions/s per account."""
    if not _take(state, (stream["account"], stream["region"], operation), now_ms, RESHARD_CALLS_PER_S,
                 RESHARD_CALLS_PER_S):
        raise stream_rate_exceeded(stream)


def check_subscription(state, consumer_arn: str, shard_id_text: str, now_ms: int) -> bool:
    """SubscribeToShard: once per second per consumer and shard."""
    return _take(state, (consumer_arn, shard_id_text, "subscribe"), now_ms, 1, 1)
