"""Kinesis domain logic with no I/O: hash keys, sequence numbers, iterators, lineage,
shard filters and throughput meters. Every time is an argument (milliseconds of the
lakebox clock), so all of it is testable without a server.
"""
import array
import base64
import bisect
import datetime
import hashlib
import struct
import sys
from dataclasses import dataclass

MAX_HASH_KEY = 2**128 - 1
ITERATOR_LIFETIME_MS = 300_000          # AWS: a shard iterator is valid for 5 minutes
DEFAULT_RETENTION_HOURS = 24
MIN_RETENTION_HOURS = 24
MAX_RETENTION_HOURS = 8760
DEFAULT_MAX_RECORD_KIB = 1024
PUT_RECORDS_MAX_BYTES = 10 * 1024 * 1024
GET_RECORDS_MAX_BYTES = 10 * 1024 * 1024
GET_RECORDS_DEFAULT_LIMIT = 10_000
ON_DEMAND_INITIAL_SHARDS = 4            # 4 MiB/s in = 4 shards of 1 MiB/s
# In the order Kinesis lists a stream's shard-level metrics (a Java HashSet's order, the
# same for any subset): the aws cli reference's enable-enhanced-monitoring example, with
# ALL, answers exactly this DesiredShardLevelMetrics.
ALL_SHARD_LEVEL_METRICS = [
    "IncomingBytes", "OutgoingRecords", "IteratorAgeMilliseconds", "IncomingRecords",
    "ReadProvisionedThroughputExceeded", "WriteProvisionedThroughputExceeded", "OutgoingBytes",
]

# ---------------------------------------------------------------------------
# Hash keys and shard ranges


def hash_key_of(partition_key: str) -> int:
    """AWS maps a partition key to a 128-bit hash key with MD5 of its UTF-8 bytes."""
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8")).digest(), "big")


def even_ranges(count: int) -> list[tuple[int, int]]:
    """The hash key ranges of `count` shards as AWS lays them out: equal steps of
    2**128 // count, the last shard taking the remainder up to 2**128 - 1."""
    step = (MAX_HASH_KEY + 1) // count
    starts = [i * step for i in range(count)]
    ends = [s - 1 for s in starts[1:]] + [MAX_HASH_KEY]
    return list(zip(starts, ends))


class HashRouter:
    """Finds the open shard that owns a hash key (open shards tile 0..2**128-1)."""

    def __init__(self, open_shards):
        """`open_shards`: iterable of (shard_index, starting_hash_key, ending_hash_key)."""
        ordered = sorted(open_shards, key=lambda s: s[1])
        self.starts = [s[1] for s in ordered]
        self.indexes = [s[0] for s in ordered]

    def shard_for(self, hash_key: int) -> int:
        return self.indexes[bisect.bisect_right(self.starts, hash_key) - 1]


def shard_id(index: int) -> str:
    return f"shardId-{index:012d}"


def shard_index(shard_id_text: str) -> int | None:
    """The index a shard id names, or None when it names none. Kinesis reads the number
    after the last hyphen, whatever comes before it: `shardId-000000000007`,
    `shardId-7` and `shard-7` are one shard."""
    digits = shard_id_text.rpartition("-")[2]
    if not digits.isdigit() or len(digits) > 20:
        return None
    return int(digits)


# ---------------------------------------------------------------------------
# Sequence numbers
#
# 56 decimal digits, like AWS's:  "49" | stream salt (14) | shard index (12) | counter (28)
# The salt (the stream's creation time in ms) tells sequence numbers of a deleted and
# re-created stream apart. The shard index ranks above the counter, so every sequence
# number of a child shard is greater than every one of its parents, and within a shard
# the order is the per-shard counter: AT/AFTER_SEQUENCE_NUMBER become index seeks.

_SALT_DIGITS, _SHARD_DIGITS, _COUNTER_DIGITS = 14, 12, 28
_PREFIX = 49


def sequence_number(salt: int, index: int, counter: int) -> str:
    value = _PREFIX
    value = value * 10**_SALT_DIGITS + salt % 10**_SALT_DIGITS
    value = value * 10**_SHARD_DIGITS + index
    value = value * 10**_COUNTER_DIGITS + counter
    return str(value)


def sequence_prefix(salt: int, index: int) -> int:
    """The integer that, times 10**28 plus the counter, is a shard's sequence number."""
    return (_PREFIX * 10**_SALT_DIGITS + salt % 10**_SALT_DIGITS) * 10**_SHARD_DIGITS + index


def sequence_numbers(salt: int, index: int, first_counter: int, count: int) -> list[str]:
    """Consecutive sequence numbers of one shard, fast: PutRecords makes 500 at a time."""
    base = sequence_prefix(salt, index) * 10**_COUNTER_DIGITS + first_counter
    return [str(base + i) for i in range(count)]


@dataclass(frozen=True)
class SequenceParts:
    salt: int
    index: int
    counter: int


def parse_sequence_number(text: str) -> SequenceParts | None:
    """The parts of a sequence number this server made, or None for any other text."""
    if len(text) != 2 + _SALT_DIGITS + _SHARD_DIGITS + _COUNTER_DIGITS or not text.isdigit():
        return None
    if int(text[:2]) != _PREFIX:
        return None
    salt_end = 2 + _SALT_DIGITS
    shard_end = salt_end + _SHARD_DIGITS
    return SequenceParts(int(text[2:salt_end]), int(text[salt_end:shard_end]), int(text[shard_end:]))


def creation_seconds(created_ms: int) -> float:
    """A stream's or consumer's creation timestamp as Kinesis answers it: in whole seconds
    (the aws cli reference's Kinesis examples print `"StreamCreationTimestamp":
    1572297168.0` and `"ConsumerCreationTimestamp": 1572383852.0`, the second the
    consumer's ARN ends with)."""
    return float(created_ms // 1000)


def stream_salt(created_ms: int) -> int:
    return created_ms % 10**_SALT_DIGITS


# ---------------------------------------------------------------------------
# Shard iterators
#
# Self-describing, so they outlive a restart: stream uid, stream salt, shard index,
# the counter after which reading resumes, and the issue time. A keyed BLAKE2 tag
# detects tampered or truncated iterators; it is not a secret.

_ITERATOR = struct.Struct(">QQIqq")
_ITERATOR_KEY = b"lakebox-kinesis-iterator"
_TAG_BYTES = 12


@dataclass(frozen=True)
class IteratorState:
    stream_uid: int
    salt: int
    index: int
    after_counter: int      # the next read returns records with counter > after_counter
    issued_ms: int


def encode_iterator(state: IteratorState) -> str:
    body = _ITERATOR.pack(state.stream_uid, state.salt, state.index, state.after_counter, state.issued_ms)
    tag = hashlib.blake2b(body, key=_ITERATOR_KEY, digest_size=_TAG_BYTES).digest()
    return base64.b64encode(body + tag).decode("ascii")


def decode_iterator(text: str) -> IteratorState | None:
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        return None
    if len(raw) != _ITERATOR.size + _TAG_BYTES:
        return None
    body, tag = raw[:_ITERATOR.size], raw[_ITERATOR.size:]
    if hashlib.blake2b(body, key=_ITERATOR_KEY, digest_size=_TAG_BYTES).digest() != tag:
        return None
    return IteratorState(*_ITERATOR.unpack(body))


def iterator_expired(state: IteratorState, now_ms: int) -> bool:
    return now_ms - state.issued_ms > ITERATOR_LIFETIME_MS


def java_date(ms: int) -> str:
    """Java's Date.toString() in UTC, as AWS prints times in Kinesis error messages."""
    when = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return when.strftime("%a %b %d %H:%M:%S UTC %Y")


# ---------------------------------------------------------------------------
# Resharding


@dataclass
class ShardPlan:
    """A shard as resharding sees it."""
    index: int
    start: int
    end: int
    parent: int | None = None
    adjacent_parent: int | None = None


@dataclass
class ReshardResult:
    created: list[ShardPlan]      # new shards in creation order; the last ones stay open
    closed: list[int]             # indexes closed, including intermediate new shards
    next_index: int


def split(shard: ShardPlan, new_start: int, next_index: int) -> tuple[ShardPlan, ShardPlan]:
    """SplitShard: the lower half gets the next id, the upper half the one after."""
    lower = ShardPlan(next_index, shard.start, new_start - 1, parent=shard.index)
    upper = ShardPlan(next_index + 1, new_start, shard.end, parent=shard.index)
    return lower, upper


def merge(shard: ShardPlan, adjacent: ShardPlan, next_index: int) -> ShardPlan:
    return ShardPlan(next_index, min(shard.start, adjacent.start), max(shard.end, adjacent.end),
                     parent=shard.index, adjacent_parent=adjacent.index)


def are_adjacent(a: ShardPlan, b: ShardPlan) -> bool:
    return a.end + 1 == b.start or b.end + 1 == a.start


def uniform_scaling(open_shards: list[ShardPlan], target: int, next_index: int) -> ReshardResult:
    """UpdateShardCount(UNIFORM_SCALING) as a series of SplitShard and MergeShards (AWS,
    too, gets there through intermediate shards): first split every shard at each
    target boundary inside it, then merge the pieces within each target range one by
    one. Every new shard has at most two parents, so a consumer that follows
    ChildShards sees the whole lineage and each hash key stays on one path."""
    targets = even_ranges(target)
    boundaries = [start for start, _ in targets[1:]]
    created, closed = [], []
    pieces = []
    for shard in sorted(open_shards, key=lambda s: s.start):
        current = shard
        for boundary in boundaries:
            if current.start < boundary <= current.end:
                lower, upper = split(current, boundary, next_index)
                next_index += 2
                created += [lower, upper]
                closed.append(current.index)
                pieces.append(lower)
                current = upper
        pieces.append(current)
    for start, end in targets:
        group = [p for p in pieces if start <= p.start and p.end <= end]
        merged = group[0]
        for piece in group[1:]:
            child = merge(merged, piece, next_index)
            next_index += 1
            created.append(child)
            closed += [merged.index, piece.index]
            merged = child
    return ReshardResult(created, closed, next_index)


def scaling_target_allowed(current: int, target: int) -> bool:
    """UpdateShardCount may at most double, or halve (rounded down: real Kinesis took 3 -> 1,
    radkawar/stackd testdata/aws/kinesis/topology.json), the open shard count."""
    return current // 2 <= target <= current * 2


# ---------------------------------------------------------------------------
# ListShards filters


@dataclass(frozen=True)
class ShardTimes:
    index: int
    created_ms: int
    closed_ms: int | None      # None while the shard is open


def shard_matches(shard: ShardTimes, filter_type: str | None, at_ms: int | None,
                  after_index: int | None, trim_horizon_ms: int) -> bool:
    """Whether ListShards lists `shard` for a ShardFilter. `at_ms` is the filter's
    Timestamp (or the trim horizon for the TRIM_HORIZON types), clamped by the caller to
    no earlier than the stream's creation; `trim_horizon_ms` is now minus retention."""
    if shard.closed_ms is not None and shard.closed_ms <= trim_horizon_ms:
        return False                                  # its records have all expired
    if after_index is not None and shard.index <= after_index:
        return False
    open_at = _open_at(shard, at_ms) if at_ms is not None else True
    if filter_type in ("AT_TRIM_HORIZON", "AT_TIMESTAMP"):
        return open_at
    if filter_type in ("FROM_TRIM_HORIZON", "FROM_TIMESTAMP"):
        return shard.closed_ms is None or shard.closed_ms > at_ms
    if filter_type == "AT_LATEST":
        return shard.closed_ms is None
    return True


def _open_at(shard: ShardTimes, at_ms: int) -> bool:
    return shard.created_ms <= at_ms and (shard.closed_ms is None or shard.closed_ms > at_ms)


# ---------------------------------------------------------------------------
# Throughput meters (pure: state in, state out)


@dataclass(frozen=True)
class Bucket:
    """A token bucket: `level` tokens at time `stamp_ms`."""
    level: float
    stamp_ms: int


def refill(bucket: Bucket | None, now_ms: int, rate_per_s: float, capacity: float) -> Bucket:
    if bucket is None:
        return Bucket(capacity, now_ms)
    elapsed = max(now_ms - bucket.stamp_ms, 0) / 1000
    # A clock moved back (tests undo their moves) restarts the count from now: keeping the
    # later stamp would starve the bucket until real time caught up with it.
    return Bucket(min(capacity, bucket.level + elapsed * rate_per_s), now_ms)


def take(bucket: Bucket, amount: float) -> Bucket | None:
    """The bucket after spending `amount`, or None when it holds too little."""
    if bucket.level < amount:
        return None
    return Bucket(bucket.level - amount, bucket.stamp_ms)


@dataclass(frozen=True)
class Debt:
    """Bytes read from a shard and not yet paid back at the shard's read rate.

    A GetRecords call is allowed only when the debt is paid, but for one call's share
    (`throttle.READ_DEBT_ALLOWED`). With a 2 MiB/s rate this gives AWS's rules at once: a
    steady 2 MiB/s reader is never throttled, and after a 10 MiB response the shard
    answers ProvisionedThroughputExceeded for about 5 seconds."""
    owed: float
    stamp_ms: int


def repay(debt: Debt | None, now_ms: int, rate_per_s: float) -> Debt:
    if debt is None:
        return Debt(0.0, now_ms)
    elapsed = max(now_ms - debt.stamp_ms, 0) / 1000
    return Debt(max(debt.owed - elapsed * rate_per_s, 0.0), max(now_ms, debt.stamp_ms))


# ---------------------------------------------------------------------------
# Chunks: the records one call put into one shard, stored as one row


def pack_chunk(records) -> tuple[bytes, bytes, bytes]:
    """(layout, keys, data) for [(partition_key, data), ...]: the UTF-8 keys and the
    payloads each concatenated, and the lengths of all of them, little-endian uint32."""
    keys = [key.encode("utf-8") for key, _ in records]
    payloads = [data for _, data in records]
    lengths = array.array("I", [len(k) for k in keys] + [len(d) for d in payloads])
    if sys.byteorder == "big":
        lengths.byteswap()
    return lengths.tobytes(), b"".join(keys), b"".join(payloads)


def records_in(layout: bytes) -> int:
    """How many records a chunk holds: its layout has two uint32 lengths per record."""
    return len(layout) // 8


def unpack_chunk(layout: bytes, keys: bytes, data: bytes) -> list[tuple[str, bytes]]:
    lengths = array.array("I")
    lengths.frombytes(layout)
    if sys.byteorder == "big":
        lengths.byteswap()
    count = len(lengths) // 2
    records, key_at, data_at = [], 0, 0
    for key_length, data_length in zip(lengths[:count], lengths[count:]):
        records.append((keys[key_at:key_at + key_length].decode("utf-8"), data[data_at:data_at + data_length]))
        key_at += key_length
        data_at += data_length
    return records


def record_size(data: bytes, partition_key: str) -> int:
    """What counts against record and request size limits: data plus partition key."""
    return len(data) + len(partition_key.encode("utf-8"))
