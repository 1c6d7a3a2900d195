"""The tables Athena writes are real Iceberg: pyiceberg's Glue catalog, pointed at the
same endpoint, reads them (same rows, same snapshot history) and appends to them, and
Athena then reads what pyiceberg wrote."""
import pyarrow as pa
import pytest

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
