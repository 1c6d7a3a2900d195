"""The tables Athena writes are real Iceberg: pyiceberg's Glue catalog, pointed at the
same endpoint, reads them (same rows, same snapshot history) and appends to them, and
Athena then reads what pyiceberg wrote."""
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyiceberg.expressions import EqualTo, GreaterThan

from athena_helpers import pyiceberg_catalog


@pytest.fixture
def catalog(lakebox_server):
    return pyiceberg_catalog(lakebox_server)


def test_pyiceberg_reads_and_appends_to_a_table_athena_wrote(query, catalog, bucket, database):
    query(f"""CREATE TABLE orders (id bigint, item string, qty int)
              LOCATION 's3://{bucket}/iceberg/orders/' TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("INSERT INTO orders VALUES (1, 'apple', 3), (2, 'pear', NULL)")
    query("DELETE FROM orders WHERE id = 2")
    query("INSERT INTO orders VALUES (3, 'plum', 7)")
    table = catalog.load_table(f"{database}.orders")
    assert sorted(table.scan().to_arrow().to_pylist(), key=lambda row: row["id"]) == [
        {"id": 1, "item": "apple", "qty": 3}, {"id": 3, "item": "plum", "qty": 7}]
    _, rows, _ = query('SELECT snapshot_id, operation FROM "orders$snapshots" ORDER BY committed_at')
    assert [(s.snapshot_id, s.summary.operation.value) for s in table.snapshots()] == \
        [(int(row[0]), row[1]) for row in rows[1:]]
    first = table.snapshots()[0].snapshot_id
    assert sorted(row["id"] for row in table.scan(snapshot_id=first).to_arrow().to_pylist()) == [1, 2]

    table.append(pa.table({"id": pa.array([4], pa.int64()), "item": ["fig"], "qty": pa.array([1], pa.int32())}))
    _, rows, _ = query("SELECT id, item, qty FROM orders ORDER BY id")
    assert rows == [["id", "item", "qty"], ["1", "apple", "3"], ["3", "plum", "7"], ["4", "fig", "1"]]
    query("INSERT INTO orders VALUES (5, 'kiwi', 2)")
    assert sorted(row["id"] for row in catalog.load_table(f"{database}.orders").scan().to_arrow().to_pylist()) == \
        [1, 3, 4, 5]


def test_pyiceberg_prunes_files_and_manifests_by_the_statistics_athena_wrote(query, catalog, bucket, database):
    query(f"""CREATE TABLE events (id bigint, name string, ts timestamp, amount decimal(10,2), region string)
              PARTITIONED BY (region) LOCATION 's3://{bucket}/iceberg/events/' TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("INSERT INTO events VALUES (1, 'alpha', TIMESTAMP '2024-01-01 10:00:00', 1.50, 'eu'), "
          "(2, NULL, TIMESTAMP '2024-01-02 10:00:00', -2.25, 'eu')")
    query("INSERT INTO events VALUES (10, 'a-name-longer-than-sixteen', TIMESTAMP '2024-03-01 00:00:00', 9.99, 'us')")
    table = catalog.load_table(f"{database}.events")
    files = {row["record_count"]: row for row in table.inspect.files().to_pylist()}
    first = files[2]
    assert dict(first["value_counts"]) == {1: 2, 2: 2, 3: 2, 4: 2, 5: 2}
    assert dict(first["null_value_counts"]) == {1: 0, 2: 1, 3: 0, 4: 0, 5: 0}
    assert first["readable_metrics"]["id"]["lower_bound"] == 1 and first["readable_metrics"]["id"]["upper_bound"] == 2
    assert str(first["readable_metrics"]["amount"]["lower_bound"]) == "-2.25"
    assert files[1]["readable_metrics"]["name"]["upper_bound"] == "a-name-longer-ti"     # truncated, rounded up
    # by column bounds: only the second file can hold id > 5; by the manifest's partition range, only the
    # second manifest can hold region 'us'
    assert [task.file.record_count for task in table.scan(row_filter=GreaterThan("id", 5)).plan_files()] == [1]
    manifests = table.current_snapshot().manifests(table.io)
    ranges = sorted((m.partitions[0].lower_bound, m.partitions[0].upper_bound) for m in manifests)
    assert ranges == [(b"eu", b"eu"), (b"us", b"us")]
    assert [task.file.record_count for task in table.scan(row_filter=EqualTo("region", "us")).plan_files()] == [1]
    everything, rows, _ = query("SELECT id FROM events WHERE id > 0 AND name <> 'x' ORDER BY id")
    assert rows == [["id"], ["1"], ["10"]]
    pruned, rows, _ = query("SELECT id FROM events WHERE id > 5 AND name <> 'x'")   # lakebox prunes by the bounds too
    assert rows == [["id"], ["10"]]
    assert 0 < pruned["Statistics"]["DataScannedInBytes"] < everything["Statistics"]["DataScannedInBytes"]
    _, rows, _ = query("SELECT count(*) FROM events WHERE name = 'a-name-longer-than-sixteen' OR id = 2")
    assert rows == [["_col0"], ["2"]]


def test_a_column_dropped_and_added_again_reads_null_from_the_older_files(query, catalog, s3, bucket, database):
    query(f"""CREATE TABLE stock (id bigint, qty int, note string)
              LOCATION 's3://{bucket}/iceberg/stock/' TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("INSERT INTO stock VALUES (1, 5, 'old')")
    query("ALTER TABLE stock DROP COLUMN qty")
    query("ALTER TABLE stock ADD COLUMNS (qty int)")
    query("INSERT INTO stock VALUES (2, 'new', 7)")
    _, rows, _ = query("SELECT id, note, qty FROM stock ORDER BY id")
    assert rows == [["id", "note", "qty"], ["1", "old", None], ["2", "new", "7"]]
    table = catalog.load_table(f"{database}.stock")
    assert sorted((row["id"], row["qty"]) for row in table.scan().to_arrow().to_pylist()) == [(1, None), (2, 7)]
    newest = [row["file_path"] for row in table.inspect.files().to_pylist() if row["record_count"] == 1]
    ids = set()
    for uri in newest:          # every data file carries the Iceberg field ids in its Parquet schema
        key = uri[len(f"s3://{bucket}/"):]
        schema = pq.read_schema(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
        ids.add(tuple((field.name, field.metadata[b"PARQUET:field_id"]) for field in schema))
    assert ids == {(("id", b"1"), ("qty", b"2"), ("note", b"3")), (("id", b"1"), ("note", b"3"), ("qty", b"4"))}
