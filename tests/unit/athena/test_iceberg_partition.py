"""Iceberg partition transforms, spec building and pruning, as pure functions."""
import datetime

import pytest
from sqlglot import exp

from lakebox.engine import dialect
from lakebox.services.athena import iceberg_partition as partitions
from lakebox.services.athena import iceberg_prune

_SCHEMA = {"fields": [{"id": 1, "name": "id", "type": "long"}, {"id": 2, "name": "ts", "type": "timestamp"},
                      {"id": 3, "name": "s", "type": "string"}, {"id": 4, "name": "d", "type": "date"},
                      {"id": 5, "name": "x", "type": "double"}]}


def _fields(*declared):
    return partitions.fields(partitions.new_spec([partitions.parse_transform(t) for t in declared], _SCHEMA), _SCHEMA)


def _micros(text):
    return (datetime.datetime.fromisoformat(text) - datetime.datetime(1970, 1, 1)) // datetime.timedelta(microseconds=1)


def test_bucket_hashes_are_the_specs_reference_values():
    # https://iceberg.apache.org/spec/#appendix-b-32-bit-hash-requirements
    assert partitions.bucket_hash("int", 34) == 2017239379
    assert partitions.bucket_hash("long", 34) == 2017239379
    assert partitions.bucket_hash("date", 17486) == -653330422
    assert partitions.bucket_hash("timestamp", _micros("2017-11-16T22:31:08")) == -2047944441
    assert partitions.bucket_hash("string", "iceberg") == 1210000089
    assert partitions.bucket_hash("binary", bytes([0, 1, 2, 3])) == -188683207


def test_parse_transform_reads_athena_declarations():
    assert partitions.parse_transform("bucket(16, id)") == ("bucket", "id", 16)
    assert partitions.parse_transform(" day(ts) ") == ("day", "ts", None)
    assert partitions.parse_transform("`Region`") == ("identity", "region", None)
    for bad in ("bucket(id)", "day(3, ts)", "foo(ts)", "a b"):
        with pytest.raises(partitions.PartitionError):
            partitions.parse_transform(bad)


def test_new_spec_names_fields_as_iceberg_and_refuses_what_cannot_be():
    fields = _fields("day(ts)", "bucket(8, id)", "truncate(3, s)", "s")
    assert [(f["name"], f["field_id"], f["result_type"]) for f in fields] == [
        ("ts_day", 1000, "date"), ("id_bucket", 1001, "int"), ("s_trunc", 1002, "string"), ("s", 1003, "string")]
    with pytest.raises(partitions.PartitionError, match="Cannot partition type long by day") as found:
        _fields("day(id)")
    assert found.value.kind == "INVALID_TABLE_PROPERTY"
    with pytest.raises(partitions.PartitionError, match="Column 'nope' does not exist") as found:
        _fields("nope")
    assert found.value.kind == "COLUMN_NOT_FOUND"
    with pytest.raises(partitions.PartitionError, match="redundant"):
        _fields("day(ts)", "day(ts)")
    with pytest.raises(partitions.PartitionError, match="Cannot partition type double by bucket"):
        _fields("bucket(2, x)")


def test_time_transforms_and_their_folder_names():
    year, month, day, hour = _fields("year(ts)", "month(ts)", "day(ts)", "hour(ts)")
    moment = _micros("2024-02-29T13:45:00")
    assert [partitions.apply(f, moment) for f in (year, month, day, hour)] == [54, 649, 19782, 474781]
    assert partitions.path([year, month, day, hour], (54, 649, 19782, 474781)) == \
        "ts_year=2024/ts_month=2024-02/ts_day=2024-02-29/ts_hour=2024-02-29-13"
    before_epoch = _micros("1969-12-31T23:00:00")
    assert [partitions.apply(f, before_epoch) for f in (year, month, day, hour)] == [-1, -1, -1, -1]
    assert partitions.apply(day, None) is None


def test_truncate_and_folder_escaping():
    truncated, = _fields("truncate(10, id)")
    assert [partitions.apply(truncated, v) for v in (1, 10, -1)] == [0, 10, -10]
    text, = _fields("truncate(2, s)")
    assert partitions.apply(text, "été") == "ét"
    identity, = _fields("s")
    assert partitions.path([identity], ("a/b c",)) == "s=a%2Fb+c"
    assert partitions.path([identity], (None,)) == "s=null"


def _predicate(where, fields):
    tree = dialect.parse(f"SELECT * FROM t WHERE {where}")
    return iceberg_prune.predicate(tree, next(tree.find_all(exp.Table)), fields)


def test_pruning_decides_from_partition_values_only_what_they_can_rule_out():
    fields = _fields("day(ts)", "bucket(4, id)", "s")
    jan2 = {"ts_day": 19724, "id_bucket": partitions.apply(fields[1], 7), "s": "a"}
    after = _predicate("ts >= TIMESTAMP '2024-01-02 10:00:00' AND ts < TIMESTAMP '2024-01-03 00:00:00'", fields)
    assert partitions.may_match(after, fields, jan2)
    assert not partitions.may_match(after, fields, {**jan2, "ts_day": 19723})
    assert partitions.may_match(_predicate("id = 7", fields), fields, jan2)
    other_bucket = {**jan2, "id_bucket": (jan2["id_bucket"] + 1) % 4}
    assert not partitions.may_match(_predicate("id = 7", fields), fields, other_bucket)
    assert not partitions.may_match(_predicate("id IN (7, 7)", fields), fields, other_bucket)
    assert partitions.may_match(_predicate("id > 1000", fields), fields, jan2)      # a bucket orders nothing
    assert not partitions.may_match(_predicate("s = 'b' OR s = 'c'", fields), fields, jan2)
    assert partitions.may_match(_predicate("s = 'b' OR id + 1 = 2", fields), fields, jan2)
    assert not partitions.may_match(_predicate("s = 'a'", fields), fields, {**jan2, "s": None})
    assert _predicate("NOT s = 'a'", fields) is None
    assert partitions.may_match(_predicate("s BETWEEN 'a' AND 'b'", fields), fields, jan2)
    assert not partitions.may_match(_predicate("'b' < s", fields), fields, jan2)
