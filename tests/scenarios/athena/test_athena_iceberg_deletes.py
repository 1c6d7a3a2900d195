"""Merge-on-read, as Athena writes Iceberg: DELETE, UPDATE and MERGE add position delete
files (the data files stay as they were), readers apply them (Athena's and pyiceberg's
alike), UpdateCount is the rows changed, OPTIMIZE folds the deletes into new files."""
import io

import fastavro
import pytest

from athena_helpers import pyiceberg_catalog


@pytest.fixture
def catalog(lakebox_server):
    return pyiceberg_catalog(lakebox_server)


def _avro(s3, uri):
    bucket, key = uri[len("s3://"):].split("/", 1)
    return list(fastavro.reader(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read())))


def _create(query, bucket, partitioned=""):
    query(f"""CREATE TABLE stock (id bigint, item string, qty int) {partitioned}
              LOCATION 's3://{bucket}/iceberg/stock/' TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("INSERT INTO stock VALUES (1, 'apple', 3), (2, 'pear', 1), (3, 'plum', 2), (4, 'fig', 5)")


def _files(query):
    _, rows, _ = query('SELECT content, record_count FROM "stock$files" ORDER BY content, file_path')
    return [tuple(row) for row in rows[1:]]


def test_delete_update_and_merge_write_position_deletes_and_count_rows_changed(query, s3, bucket):
    _create(query, bucket)
    before, _, _ = query("SELECT * FROM stock")
    query("DELETE FROM stock WHERE qty < 2")
    assert _files(query) == [("0", "4"), ("1", "1")]      # the data file stays; one position deleted
    after, _, _ = query("SELECT * FROM stock")             # the delete file is read too
    assert after["Statistics"]["DataScannedInBytes"] > before["Statistics"]["DataScannedInBytes"]
    query("UPDATE stock SET qty = qty + 10 WHERE id >= 3")
    query("""MERGE INTO stock t USING (VALUES (1, 0), (4, 1), (9, 9)) AS s (id, qty) ON t.id = s.id
                            WHEN MATCHED AND s.qty = 0 THEN DELETE
                            WHEN MATCHED THEN UPDATE SET qty = s.qty
                            WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'new', s.qty)""")
    _, rows, _ = query("SELECT id, item, qty FROM stock ORDER BY id")
    assert rows[1:] == [["3", "plum", "12"], ["4", "fig", "1"], ["9", "new", "9"]]
    # element_at: the append's summary has no such key, and a subscript of a missing key fails in Trino
    _, rows, _ = query('SELECT operation, element_at(summary, \'added-position-deletes\') FROM "stock$snapshots" '
                       'ORDER BY committed_at')
    assert rows[1:] == [["append", None], ["delete", "1"], ["overwrite", "2"], ["overwrite", "2"]]


def test_update_counts_are_the_rows_changed(athena, query, bucket):
    _create(query, bucket)
    for sql, count in (("DELETE FROM stock WHERE qty < 2", 1), ("UPDATE stock SET qty = 0 WHERE id >= 3", 2),
                       ("""MERGE INTO stock t USING (VALUES (1, 0), (9, 9)) AS s (id, qty) ON t.id = s.id
                           WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'x', s.qty)""", 2)):
        execution, _, _ = query(sql)
        results = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])
        assert results["UpdateCount"] == count, sql


def test_optimize_folds_the_position_deletes_in(query, s3, bucket):
    _create(query, bucket)
    query("DELETE FROM stock WHERE id = 2")
    query("UPDATE stock SET qty = 7 WHERE id = 3")
    query("OPTIMIZE stock REWRITE DATA USING BIN_PACK")
    assert _files(query) == [("0", "3")]
    _, rows, _ = query("SELECT id, qty FROM stock ORDER BY id")
    assert rows[1:] == [["1", "3"], ["3", "7"], ["4", "5"]]
    _, rows, _ = query('SELECT content, added_data_files_count, existing_data_files_count, deleted_data_files_count '
                       'FROM "stock$manifests" ORDER BY content')
    assert rows[1:] == [["0", "1", "0", "2"], ["1", "0", "0", "2"]]     # every earlier file removed


def test_delete_manifests_are_iceberg_delete_manifests(query, glue, s3, bucket, database):
    _create(query, bucket)
    query("DELETE FROM stock WHERE id = 2")
    _, rows, _ = query('SELECT manifest_list FROM "stock$snapshots" ORDER BY committed_at')
    listed = _avro(s3, rows[-1][0])
    assert sorted(manifest["content"] for manifest in listed) == [0, 1]
    deletes = next(manifest for manifest in listed if manifest["content"] == 1)
    entries = _avro(s3, deletes["manifest_path"])
    assert [(e["status"], e["data_file"]["content"], e["data_file"]["record_count"]) for e in entries] == [(1, 1, 1)]


def test_pyiceberg_applies_athenas_position_deletes(query, catalog, bucket, database):
    _create(query, bucket, "PARTITIONED BY (bucket(2, id))")
    query("DELETE FROM stock WHERE item = 'pear'")
    query("MERGE INTO stock t USING (VALUES (3, 30)) AS s (id, qty) ON t.id = s.id "
          "WHEN MATCHED THEN UPDATE SET qty = s.qty")
    table = catalog.load_table(f"{database}.stock")
    rows = sorted(table.scan().to_arrow().to_pylist(), key=lambda row: row["id"])
    assert rows == [{"id": 1, "item": "apple", "qty": 3}, {"id": 3, "item": "plum", "qty": 30},
                    {"id": 4, "item": "fig", "qty": 5}]
    _, athena_rows, _ = query("SELECT id, item, qty FROM stock ORDER BY id")
    assert athena_rows[1:] == [[str(row["id"]), row["item"], str(row["qty"])] for row in rows]
