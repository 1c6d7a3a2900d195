"""Pure Kinesis logic: hash ranges, sequence numbers, iterators, resharding, filters, meters."""
import hashlib

import pytest

from lakebox.services.kinesis import model

MAX = 2**128 - 1


# --- hash keys --------------------------------------------------------------------


def test_two_shards_split_the_key_space_as_aws_does():
    assert model.even_ranges(2) == [(0, 170141183460469231731687303715884105727),
                                    (170141183460469231731687303715884105728, MAX)]


def test_three_shards_put_the_remainder_in_the_last_shard():
    assert model.even_ranges(3) == [
        (0, 113427455640312821154458202477256070484),
        (113427455640312821154458202477256070485, 226854911280625642308916404954512140969),
        (226854911280625642308916404954512140970, MAX)]


@pytest.mark.parametrize("count", [1, 4, 7, 100])
def test_ranges_tile_the_whole_key_space(count):
    ranges = model.even_ranges(count)
    assert ranges[0][0] == 0 and ranges[-1][1] == MAX
    assert all(ranges[i][1] + 1 == ranges[i + 1][0] for i in range(count - 1))


def test_partition_key_hash_is_md5_of_utf8_as_a_big_endian_integer():
    assert model.hash_key_of("ü") == int(hashlib.md5("ü".encode()).hexdigest(), 16)


def test_router_finds_the_shard_owning_a_hash_key():
    ranges = model.even_ranges(4)
    router = model.HashRouter([(10 + i, s, e) for i, (s, e) in enumerate(ranges)])
    assert router.shard_for(0) == 10
    assert router.shard_for(ranges[1][0]) == 11
    assert router.shard_for(ranges[1][0] - 1) == 10
    assert router.shard_for(MAX) == 13


def test_shard_ids_round_trip():
    assert model.shard_id(7) == "shardId-000000000007"
    assert model.shard_index("shardId-000000000007") == 7
    assert model.shard_index("shard-7") == 7        # Kinesis reads the number after the last hyphen
    assert model.shard_index("shardId-abc") is None


# --- sequence numbers ----------------------------------------------------------------


def test_sequence_numbers_are_56_digits_and_parse_back():
    text = model.sequence_number(1_732_000_000_123, 3, 42)
    assert len(text) == 56 and text.startswith("49")
    assert model.parse_sequence_number(text) == model.SequenceParts(1_732_000_000_123, 3, 42)


def test_sequence_numbers_increase_with_the_counter_and_with_child_shards():
    salt = 1_732_000_000_123
    assert int(model.sequence_number(salt, 0, 1)) < int(model.sequence_number(salt, 0, 2))
    # every number of a child shard (higher index) is above every number of its parent
    assert int(model.sequence_number(salt, 0, 10**20)) < int(model.sequence_number(salt, 1, 0))


def test_batch_sequence_numbers_match_single_ones():
    numbers = model.sequence_numbers(99, 2, 5, 3)
    assert numbers == [model.sequence_number(99, 2, c) for c in (5, 6, 7)]


@pytest.mark.parametrize("text", ["0", "12", "x" * 56, "1" + "0" * 55, "49" + "0" * 60])
def test_foreign_sequence_numbers_do_not_parse(text):
    assert model.parse_sequence_number(text) is None


# --- iterators -------------------------------------------------------------------------


def test_iterator_round_trips_and_stays_short():
    state = model.IteratorState(stream_uid=12, salt=1_732_000_000_123, index=5, after_counter=99, issued_ms=1000)
    text = model.encode_iterator(state)
    assert len(text) <= 512
    assert model.decode_iterator(text) == state


def test_tampered_or_garbage_iterators_are_rejected():
    text = model.encode_iterator(model.IteratorState(1, 2, 3, 4, 5))
    flipped = text[:10] + ("A" if text[10] != "A" else "B") + text[11:]
    assert model.decode_iterator(flipped) is None
    assert model.decode_iterator("not base64!") is None
    assert model.decode_iterator("AAAA") is None


def test_iterator_expires_after_five_minutes():
    state = model.IteratorState(1, 2, 3, 4, issued_ms=1_000)
    assert not model.iterator_expired(state, 1_000 + 300_000)
    assert model.iterator_expired(state, 1_000 + 300_001)


def test_java_date_matches_aws_messages():
    assert model.java_date(1436018218000) == "Sat Jul 04 13:56:58 UTC 2015"


# --- resharding ----------------------------------------------------------------------


def _plans(count):
    return [model.ShardPlan(i, s, e) for i, (s, e) in enumerate(model.even_ranges(count))]


def _open_after(plans, result):
    closed = set(result.closed)
    shards = {p.index: p for p in plans}
    shards.update({p.index: p for p in result.created})
    return sorted((p for i, p in shards.items() if i not in closed), key=lambda p: p.start)


def test_split_gives_the_lower_half_the_next_id():
    lower, upper = model.split(model.ShardPlan(0, 0, 100), 40, next_index=1)
    assert (lower.index, lower.start, lower.end, lower.parent) == (1, 0, 39, 0)
    assert (upper.index, upper.start, upper.end, upper.parent) == (2, 40, 100, 0)


def test_merge_records_both_parents():
    child = model.merge(model.ShardPlan(3, 50, 100), model.ShardPlan(4, 0, 49), next_index=5)
    assert (child.index, child.start, child.end, child.parent, child.adjacent_parent) == (5, 0, 100, 3, 4)


def test_adjacency():
    assert model.are_adjacent(model.ShardPlan(0, 0, 9), model.ShardPlan(1, 10, 20))
    assert model.are_adjacent(model.ShardPlan(1, 10, 20), model.ShardPlan(0, 0, 9))
    assert not model.are_adjacent(model.ShardPlan(0, 0, 9), model.ShardPlan(2, 21, 30))


@pytest.mark.parametrize("current,target", [(1, 2), (2, 4), (4, 2), (3, 4), (4, 3), (5, 3), (3, 6), (6, 3), (7, 5)])
def test_uniform_scaling_ends_with_even_ranges_and_two_parents_at_most(current, target):
    plans = _plans(current)
    result = model.uniform_scaling(plans, target, next_index=current)
    final = _open_after(plans, result)
    assert [(p.start, p.end) for p in final] == model.even_ranges(target)
    for shard in result.created:
        parents = [p for p in (shard.parent, shard.adjacent_parent) if p is not None]
        assert 1 <= len(parents) <= 2
    indexes = [p.index for p in result.created]
    assert indexes == list(range(current, result.next_index))


def test_uniform_scaling_keeps_every_hash_key_on_one_lineage():
    plans = _plans(5)
    result = model.uniform_scaling(plans, 3, next_index=5)
    everything = {p.index: p for p in plans + result.created}
    for key in (0, MAX // 3, MAX // 2, MAX - 1):
        # walk from the final owner back to an original shard: each step has one owner
        owner = next(p for p in _open_after(plans, result) if p.start <= key <= p.end)
        while owner.index >= 5:
            parents = [everything[i] for i in (owner.parent, owner.adjacent_parent) if i is not None]
            owners = [p for p in parents if p.start <= key <= p.end]
            assert len(owners) == 1
            owner = owners[0]


@pytest.mark.parametrize("current,target,ok", [(4, 8, True), (4, 9, False), (4, 2, True), (4, 1, False),
                                               (5, 3, True), (5, 2, True), (3, 1, True),
                                               (5, 1, False), (1, 2, True)])
def test_scaling_may_at_most_double_or_halve(current, target, ok):
    assert model.scaling_target_allowed(current, target) is ok


# --- ListShards filters ---------------------------------------------------------------

PARENT = model.ShardTimes(0, created_ms=0, closed_ms=1000)
CHILD = model.ShardTimes(1, created_ms=1000, closed_ms=None)


def _listed(filter_type, at_ms=None, after=None, trim_horizon=-1):
    return [s.index for s in (PARENT, CHILD) if model.shard_matches(s, filter_type, at_ms, after, trim_horizon)]


def test_filters_before_and_after_a_split():
    assert _listed(None) == [0, 1]
    assert _listed("AT_LATEST") == [1]
    assert _listed("AT_TIMESTAMP", at_ms=500) == [0]
    assert _listed("AT_TIMESTAMP", at_ms=1000) == [1]
    assert _listed("FROM_TIMESTAMP", at_ms=500) == [0, 1]
    assert _listed("FROM_TIMESTAMP", at_ms=1500) == [1]
    assert _listed("AT_TRIM_HORIZON", at_ms=0) == [0]
    assert _listed("FROM_TRIM_HORIZON", at_ms=0) == [0, 1]
    assert _listed("AFTER_SHARD_ID", after=0) == [1]


def test_closed_shards_past_retention_are_not_listed():
    assert _listed(None, trim_horizon=1000) == [1]
    assert _listed(None, trim_horizon=999) == [0, 1]


# --- meters -----------------------------------------------------------------------------


def test_bucket_starts_full_refills_with_time_and_caps():
    bucket = model.refill(None, 0, rate_per_s=1000, capacity=1000)
    assert bucket.level == 1000
    spent = model.take(bucket, 1000)
    assert model.take(spent, 1) is None
    assert model.refill(spent, 500, 1000, 1000).level == pytest.approx(500)
    assert model.refill(spent, 10_000, 1000, 1000).level == 1000


def test_clock_going_backwards_never_adds_tokens():
    bucket = model.Bucket(0.0, 5000)
    assert model.refill(bucket, 4000, 1000, 1000).level == 0.0


def test_a_ten_mib_read_blocks_the_shard_for_five_seconds():
    mib = 1024 * 1024
    debt = model.Debt(10 * mib, 0)
    assert model.repay(debt, 4_999, 2 * mib).owed > 0
    assert model.repay(debt, 5_000, 2 * mib).owed == 0


def test_record_size_counts_partition_key_bytes():
    assert model.record_size(b"abc", "ü") == 5


# --- chunks -------------------------------------------------------------------------------


def test_chunks_round_trip_any_keys_and_payloads():
    records = [("a", b""), ("ü\n,x", b"\x00\x01" * 300), ("k" * 256, b"z")]
    assert model.unpack_chunk(*model.pack_chunk(records)) == records
