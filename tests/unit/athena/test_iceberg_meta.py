"""Iceberg table metadata as pure data: new tables, committing snapshots, time travel."""
import pytest

from lakebox.services.athena import iceberg_meta as meta
from lakebox.engine.iceberg_types import IcebergTypeError


def _table():
    return meta.new_table("s3://b/t/", [("id", "bigint"), ("name", "varchar(10)"), ("d", "decimal(10, 2)")],
                          {"format": "parquet"}, 1000)


def test_new_table_maps_types_and_names_columns_by_field_id():
    table = _table()
    assert table["location"] == "s3://b/t"
    assert [(f["id"], f["type"]) for f in table["schemas"][0]["fields"]] == [(1, "long"), (2, "string"),
                                                                             (3, "decimal(10,2)")]
    assert meta.columns(table) == [("id", "bigint"), ("name", "string"), ("d", "decimal(10,2)")]
    assert '"names": ["name"]' in table["properties"]["schema.name-mapping.default"]
    assert meta.current_snapshot(table) is None


def test_a_type_iceberg_cannot_hold_is_refused():
    with pytest.raises(IcebergTypeError, match="Unsupported Hive type: smallint"):
        meta.iceberg_type("smallint")


def test_commits_chain_snapshots_and_time_travel_finds_the_one_current_then():
    first = meta.commit_snapshot(_table(), "s3://b/t/metadata/0.json", 11, "s3://b/l1.avro", "append", {}, 2000)
    second = meta.commit_snapshot(first, "s3://b/t/metadata/1.json", 22, "s3://b/l2.avro", "overwrite", {}, 3000)
    assert second["current-snapshot-id"] == 22
    assert second["refs"]["main"] == {"snapshot-id": 22, "type": "branch"}
    assert [s.get("parent-snapshot-id") for s in second["snapshots"]] == [None, 11]
    assert [s["sequence-number"] for s in second["snapshots"]] == [1, 2]
    assert [entry["metadata-file"] for entry in second["metadata-log"]] == ["s3://b/t/metadata/0.json",
                                                                           "s3://b/t/metadata/1.json"]
    assert meta.snapshot_as_of(second, 1999) is None
    assert meta.snapshot_as_of(second, 2999)["snapshot-id"] == 11
    assert meta.snapshot_as_of(second, 3000)["snapshot-id"] == 22
    assert meta.ancestors(second) == {11, 22}


def test_summary_counts_added_and_deleted_files():
    added = [meta.data_file("s3://b/a", 3, 100)]
    removed = [meta.data_file("s3://b/x", 5, 10), meta.data_file("s3://b/y", 1, 10)]
    assert meta.summary(added, removed, added) == {
        "added-data-files": "1", "added-records": "3", "added-files-size": "100", "deleted-data-files": "2",
        "deleted-records": "6", "total-data-files": "1", "total-records": "3", "total-delete-files": "0",
        "total-position-deletes": "0", "total-equality-deletes": "0"}


def test_summary_counts_position_delete_files_apart_from_data_files():
    data = meta.data_file("s3://b/a", 3, 100)
    deletes = meta.data_file("s3://b/d", 2, 40, content=meta.POSITION_DELETES)
    assert meta.summary([deletes], [], [data, deletes]) == {
        "added-files-size": "40", "added-delete-files": "1", "added-position-deletes": "2",
        "total-data-files": "1", "total-records": "3", "total-delete-files": "1", "total-position-deletes": "2",
        "total-equality-deletes": "0"}


def test_snapshots_committed_in_the_same_millisecond_stay_in_order():
    first = meta.commit_snapshot(_table(), "m0", 11, "l1", "append", {}, 5000)
    second = meta.commit_snapshot(first, "m1", 22, "l2", "append", {}, 5000)
    assert [entry["timestamp-ms"] for entry in second["snapshot-log"]] == [5000, 5001]


def test_expiry_keeps_the_current_snapshot_and_those_within_the_retention():
    table = meta.with_properties(_table(), {"vacuum_max_snapshot_age_seconds": "10"}, 1000, "m0")
    first = meta.commit_snapshot(table, "m1", 11, "l1", "append", {}, 2000)
    second = meta.commit_snapshot(first, "m2", 22, "l2", "append", {}, 9000)
    kept = meta.expire_snapshots(second, 15000, "m3")
    assert [s["snapshot-id"] for s in kept["snapshots"]] == [22]
    assert [e["snapshot-id"] for e in kept["snapshot-log"]] == [22]
    assert [s["snapshot-id"] for s in meta.expire_snapshots(second, 30000, "m3")["snapshots"]] == [22]


def test_change_column_keeps_the_field_id_and_only_widens():
    table = _table()
    changed = meta.change_column(table, "id", "key", "bigint", "", 2000, "m0")
    changed = meta.change_column(changed, "d", "d", "decimal(12,2)", "", 3000, "m1")
    assert [(f["id"], f["name"], f["type"]) for f in meta.current_schema(changed)["fields"]] == [
        (3, "d", "decimal(12,2)"), (1, "key", "long"), (2, "name", "string")]
    assert meta.former_names(changed) == {"key": ["id"]}
    for old, kind in (("id", "int"), ("d", "decimal(8,2)"), ("d", "decimal(12,3)"), ("name", "bigint")):
        with pytest.raises(meta.SchemaChangeError, match="Cannot change column type"):
            meta.change_column(table, old, old, kind, None, 2000, "m0")


def test_drop_column_refuses_a_partition_source():
    table = meta.new_table("s3://b/t/", [("id", "bigint"), ("ts", "timestamp")], {}, 1000, [("day", "ts", None)])
    with pytest.raises(meta.SchemaChangeError, match="used by a partition spec: ts"):
        meta.drop_column(table, "ts", 2000, "m0")
    assert [f["name"] for f in meta.current_schema(meta.drop_column(table, "id", 2000, "m0"))["fields"]] == ["ts"]


def test_a_position_delete_file_bounded_to_one_data_file_applies_to_it_alone():
    deletes = meta.data_file("s3://b/t/data/d.parquet", 2, 40, {}, meta.POSITION_DELETES, "s3://b/t/data/a.parquet")
    assert meta.may_delete_from(deletes, "s3://b/t/data/a.parquet")
    assert not meta.may_delete_from(deletes, "s3://b/t/data/b.parquet")
    unbounded = meta.data_file("s3://b/t/data/e.parquet", 2, 40, {}, meta.POSITION_DELETES)
    assert meta.may_delete_from(unbounded, "s3://b/t/data/b.parquet")


def test_expiry_keeps_the_minimum_number_of_snapshots_and_cuts_the_metadata_log():
    table = meta.with_properties(_table(), {"vacuum_max_snapshot_age_seconds": "1", "vacuum_min_snapshots_to_keep": "2",
                                            "vacuum_max_metadata_files_to_keep": "2"}, 1000, "m0")
    for number in range(1, 5):
        table = meta.commit_snapshot(table, f"m{number}", number, f"l{number}", "append", {}, 1000 + number)
    kept = meta.expire_snapshots(table, 90000, "m5")
    assert [s["snapshot-id"] for s in kept["snapshots"]] == [3, 4]
    assert [e["metadata-file"] for e in kept["metadata-log"]] == ["m4", "m5"]


def _file(path, size, deletes=0, partition=None):
    return {"file_path": path, "partition": partition, "file_size_in_bytes": size, "delete_files": deletes}


def test_optimize_rewrites_a_partitions_small_files_only_once_they_reach_the_threshold():
    small = [_file(f"s{n}", 100) for n in range(4)]
    assert meta.files_to_rewrite({}, small) == set()
    assert meta.files_to_rewrite({}, small + [_file("s4", 100)]) == {"s0", "s1", "s2", "s3", "s4"}
    assert meta.files_to_rewrite({"optimize_rewrite_data_file_threshold": "2"}, small[:2]) == {"s0", "s1"}
    assert meta.files_to_rewrite({"optimize_rewrite_data_file_threshold": "1"}, small[:1]) == set()
    split = [_file("a", 100, partition={"p": 1}), _file("b", 100, partition={"p": 2})]
    assert meta.files_to_rewrite({"optimize_rewrite_data_file_threshold": "2"}, split) == set()


def test_optimize_rewrites_a_file_with_enough_delete_files_and_leaves_well_sized_ones():
    sized = {"optimize_rewrite_min_data_file_size_bytes": "50", "optimize_rewrite_max_data_file_size_bytes": "500"}
    files = [_file("fine", 100), _file("one-delete", 100, 1), _file("two-deletes", 100, 2), _file("big", 900)]
    assert meta.files_to_rewrite(sized, files) == {"two-deletes", "big"}
    assert meta.files_to_rewrite({**sized, "optimize_rewrite_delete_file_threshold": "3"}, files) == set()
    assert meta.files_to_rewrite({}, files) == {"fine", "one-delete", "two-deletes", "big"}   # all small by default
