"""Newer botocore models make PartitionKey optional; lakebox's streams route by key, so a
record without one is refused in AWS's words for a missing required member."""
import pytest

from lakebox.services.kinesis import records
from lakebox.services.kinesis.errors import ValidationException

STREAM = {"max_record_kib": 1024}


def test_put_records_names_every_record_without_a_partition_key():
    entries = [{"Data": b"a", "PartitionKey": "k"}, {"Data": b"b"}, {"Data": b"c"}]
    with pytest.raises(ValidationException) as refused:
        records._place(STREAM, entries, shard_for=lambda hash_key: 0)
    assert refused.value.message == (
        "2 validation errors detected: Value null at 'records.2.member.partitionKey' failed to satisfy "
        "constraint: Member must not be null; Value null at 'records.3.member.partitionKey' failed to "
        "satisfy constraint: Member must not be null")


def test_keyed_records_are_placed():
    shards, sizes = records._place(STREAM, [{"Data": b"ab", "PartitionKey": "k"}], shard_for=lambda hash_key: 0)
    assert shards == [0] and sizes == [3]
