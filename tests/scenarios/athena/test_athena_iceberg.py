"""Iceberg tables through Athena (boto3): CREATE TABLE ... 'table_type'='ICEBERG'
registered in Glue as Athena registers it, INSERT and DELETE as snapshots, SELECT of
the current snapshot or an earlier one, the $snapshots and $history tables, DROP."""
import io
import json

import fastavro
import pyarrow.parquet as pq
import pytest

from athena_helpers import wait


def _create(query, bucket, name="orders"):
    query(f"""CREATE TABLE {name} (id bigint, item string, qty int, price double)
              LOCATION 's3://{bucket}/iceberg/{name}/'
              TBLPROPERTIES ('table_type'='ICEBERG', 'format'='parquet')""")


def _snapshot_ids(query, name="orders"):
    _, rows, _ = query(f'SELECT snapshot_id FROM "{name}$history" ORDER BY made_current_at')
    return [row[0] for row in rows[1:]]


def _read_json(s3, uri):
    bucket, key = uri[len("s3://"):].split("/", 1)
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


def _read_avro(s3, uri):
    bucket, key = uri[len("s3://"):].split("/", 1)
    return list(fastavro.reader(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read())))


def test_create_registers_an_iceberg_table_in_glue(query, glue, s3, bucket, database):
    _create(query, bucket)
    table = glue.get_table(DatabaseName=database, Name="orders")["Table"]
    assert table["Parameters"]["table_type"] == "ICEBERG"
    location = table["Parameters"]["metadata_location"]
    assert location.startswith(f"s3://{bucket}/iceberg/orders/metadata/00000-")
    assert location.endswith(".metadata.json")
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("id", "bigint"), ("item", "string"), ("qty", "int"), ("price", "double")]
    assert table["StorageDescriptor"]["Columns"][2]["Parameters"] == {
        "iceberg.field.current": "true", "iceberg.field.id": "3", "iceberg.field.optional": "true"}
    metadata = _read_json(s3, location)
    assert metadata["format-version"] == 2
    assert [(f["id"], f["name"], f["type"]) for f in metadata["schemas"][0]["fields"]] == [
        (1, "id", "long"), (2, "item", "string"), (3, "qty", "int"), (4, "price", "double")]
    _, rows, _ = query("SELECT count(*) FROM orders")
    assert rows == [["_col0"], ["0"]]


def test_insert_makes_snapshots_and_select_reads_the_current_one(query, glue, s3, bucket, database):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5), (2, 'pear', 1, 0.75)")
    first = glue.get_table(DatabaseName=database, Name="orders")["Table"]["Parameters"]
    query("INSERT INTO orders (id, item) SELECT 3, 'plum'")
    second = glue.get_table(DatabaseName=database, Name="orders")["Table"]["Parameters"]
    assert second["previous_metadata_location"] == first["metadata_location"]
    _, rows, columns = query("SELECT id, item, qty, price FROM orders ORDER BY id")
    assert rows == [["id", "item", "qty", "price"], ["1", "apple", "3", "0.5"], ["2", "pear", "1", "0.75"],
                    ["3", "plum", None, None]]
    assert [c["Type"] for c in columns] == ["bigint", "varchar", "integer", "double"]
    metadata = _read_json(s3, second["metadata_location"])
    assert len(metadata["snapshots"]) == 2
    current = next(s for s in metadata["snapshots"] if s["snapshot-id"] == metadata["current-snapshot-id"])
    assert current["summary"]["operation"] == "append"
    assert current["summary"]["total-records"] == "3"
    manifests = _read_avro(s3, current["manifest-list"])
    assert sorted(m["added_files_count"] for m in manifests) == [1, 1]
    entries = [e for m in manifests for e in _read_avro(s3, m["manifest_path"])]
    assert sorted(e["data_file"]["record_count"] for e in entries) == [1, 2]
    assert all(e["data_file"]["file_path"].startswith(f"s3://{bucket}/iceberg/orders/data/") for e in entries)


def test_delete_then_time_travel_by_version_and_timestamp(query, bucket):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5), (2, 'pear', 1, 0.75), (3, 'plum', NULL, 1.0)")
    execution, rows, _ = query("DELETE FROM orders WHERE qty < 2")
    assert (execution["StatementType"], execution["SubstatementType"]) == ("DML", "DELETE")
    assert rows == [["rows"], ["1"]]
    _, rows, _ = query("SELECT id FROM orders ORDER BY id")
    assert rows == [["id"], ["1"], ["3"]]         # a NULL qty is not < 2: the row stays
    before, after = _snapshot_ids(query)
    _, rows, _ = query(f"SELECT id FROM orders FOR VERSION AS OF {before} ORDER BY id")
    assert rows == [["id"], ["1"], ["2"], ["3"]]
    _, rows, _ = query(f"SELECT id FROM orders FOR VERSION AS OF {after} ORDER BY id")
    assert rows == [["id"], ["1"], ["3"]]
    _, rows, _ = query("SELECT count(*) FROM orders FOR TIMESTAMP AS OF TIMESTAMP '2999-01-01 00:00:00 UTC'")
    assert rows == [["_col0"], ["2"]]
    execution, _, _ = query("SELECT * FROM orders FOR TIMESTAMP AS OF TIMESTAMP '2000-01-01 00:00:00'",
                            expect="FAILED")
    assert execution["Status"]["StateChangeReason"].startswith("INVALID_ARGUMENTS: ")
    execution, _, _ = query("SELECT * FROM orders FOR VERSION AS OF 42", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "INVALID_ARGUMENTS: Iceberg snapshot ID does not exists: 42"


def test_snapshots_and_history_tables(query, bucket):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5)")
    query("DELETE FROM orders WHERE id = 1")
    _, rows, columns = query('SELECT snapshot_id, parent_id, operation, summary[\'total-records\'] AS total '
                             'FROM "orders$snapshots" ORDER BY committed_at')
    assert [row[2:] for row in rows[1:]] == [["append", "1"], ["delete", "1"]]     # a position delete file
    assert rows[1][1] is None and rows[2][1] == rows[1][0]
    assert [c["Type"] for c in columns][:2] == ["bigint", "bigint"]
    _, rows, _ = query('SELECT is_current_ancestor FROM "orders$history"')
    assert rows == [["is_current_ancestor"], ["true"], ["true"]]


def test_drop_removes_the_table_and_its_files(query, glue, s3, bucket, database):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5)")
    query("DROP TABLE orders")
    assert "orders" not in [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]]
    assert s3.list_objects_v2(Bucket=bucket, Prefix="iceberg/orders/")["KeyCount"] == 0


def test_delete_on_a_hive_table_is_refused(query, s3, bucket):
    query(f"CREATE EXTERNAL TABLE plain (id int) STORED AS PARQUET LOCATION 's3://{bucket}/plain/'")
    execution, _, _ = query("DELETE FROM plain WHERE id = 1", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "NOT_SUPPORTED: Modifying Hive table rows is only supported for transactional tables"


def test_an_iceberg_table_without_metadata_location_fails_to_read(query, glue, bucket, database):
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "ice", "TableType": "EXTERNAL_TABLE", "Parameters": {"table_type": "ICEBERG"},
        "StorageDescriptor": {"Columns": [{"Name": "a", "Type": "int"}], "Location": f"s3://{bucket}/ice/"}})
    execution, _, _ = query("SELECT * FROM ice", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        f"ICEBERG_INVALID_METADATA: Table is missing [metadata_location] property: {database}.ice"


def test_ctas_creates_an_iceberg_table_with_its_first_snapshot(query, glue, s3, bucket, database):
    execution, rows, _ = query(
        f"CREATE TABLE squares WITH (table_type = 'ICEBERG', is_external = false, "
        f"location = 's3://{bucket}/iceberg/squares/', format = 'PARQUET', write_compression = 'SNAPPY') "
        "AS SELECT x, x * x AS sq FROM UNNEST(sequence(1, 4)) AS t(x)")
    assert rows == [["rows"], ["4"]]
    table = glue.get_table(DatabaseName=database, Name="squares")["Table"]
    assert table["Parameters"]["table_type"] == "ICEBERG"
    # the table and its first snapshot are one create-table transaction: one metadata file, no previous one
    assert table["Parameters"]["metadata_location"].startswith(f"s3://{bucket}/iceberg/squares/metadata/00000-")
    assert "previous_metadata_location" not in table["Parameters"]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="iceberg/squares/metadata/")["Contents"]
    assert [o["Key"] for o in listed if o["Key"].endswith(".metadata.json")] == [
        table["Parameters"]["metadata_location"].split(f"s3://{bucket}/")[1]]
    _, rows, _ = query("SELECT sum(sq) FROM squares")
    assert rows == [["_col0"], ["30"]]
    _, rows, _ = query('SELECT operation FROM "squares$snapshots"')
    assert rows == [["operation"], ["append"]]


def test_iceberg_ctas_partitioned_by_a_missing_column_fails_and_leaves_nothing(query, glue, s3, bucket, database):
    execution, _, _ = query(
        f"CREATE TABLE parts WITH (table_type = 'ICEBERG', location = 's3://{bucket}/iceberg/parts/', "
        "partitioning = ARRAY['nope']) AS SELECT 1 AS x", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == "COLUMN_NOT_FOUND: Column 'nope' does not exist"
    assert "parts" not in [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]]
    assert s3.list_objects_v2(Bucket=bucket, Prefix="iceberg/parts/")["KeyCount"] == 0


def test_update_changes_the_rows_its_where_selects(query, bucket):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5), (2, 'pear', 1, 0.75), (3, 'plum', NULL, 1.0)")
    execution, _, _ = query("UPDATE orders SET qty = qty + 10, item = upper(item) WHERE price < 1")
    assert execution["SubstatementType"] == "UPDATE"
    _, rows, _ = query("SELECT id, item, qty FROM orders ORDER BY id")
    assert rows == [["id", "item", "qty"], ["1", "APPLE", "13"], ["2", "PEAR", "11"], ["3", "plum", None]]


def test_merge_updates_deletes_and_inserts_and_each_batch_can_be_travelled_to(query, bucket):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5), (2, 'pear', 1, 0.75), (3, 'plum', 2, 1.0)")
    execution, _, _ = query("""
        MERGE INTO orders AS t
        USING (SELECT * FROM (VALUES (1, 'apple', 5, 'U'), (2, 'pear', 0, 'D'), (4, 'fig', 9, 'I'),
                                     (5, 'kiwi', 1, 'D')) AS c(id, item, qty, op)) AS s
        ON t.id = s.id
        WHEN MATCHED AND s.op = 'D' THEN DELETE
        WHEN MATCHED THEN UPDATE SET qty = s.qty
        WHEN NOT MATCHED AND s.op <> 'D' THEN INSERT (id, item, qty) VALUES (s.id, s.item, s.qty)""")
    assert (execution["StatementType"], execution["SubstatementType"]) == ("DML", "MERGE")
    _, rows, _ = query("SELECT id, item, qty, price FROM orders ORDER BY id")
    assert rows == [["id", "item", "qty", "price"], ["1", "apple", "5", "0.5"], ["3", "plum", "2", "1.0"],
                    ["4", "fig", "9", None]]
    query("""MERGE INTO orders t USING (SELECT 3 AS id, 'PLUM' AS item) s ON t.id = s.id
             WHEN MATCHED THEN UPDATE SET item = s.item
             WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.item, 0, 0.0)""")
    first, second, third = _snapshot_ids(query)
    expected = {first: [["1", "apple"], ["2", "pear"], ["3", "plum"]],
                second: [["1", "apple"], ["3", "plum"], ["4", "fig"]],
                third: [["1", "apple"], ["3", "PLUM"], ["4", "fig"]]}
    for snapshot, snapshot_rows in expected.items():
        _, rows, _ = query(f"SELECT id, item FROM orders FOR VERSION AS OF {snapshot} ORDER BY id")
        assert rows[1:] == snapshot_rows


def test_add_columns_evolves_the_schema_and_old_files_read_null(query, glue, s3, bucket, database):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5)")
    query("ALTER TABLE orders ADD COLUMNS (note string, rank int)")
    _, rows, _ = query("SELECT id, note FROM orders")         # the table's schema, before any new snapshot
    assert rows == [["id", "note"], ["1", None]]
    query("INSERT INTO orders VALUES (2, 'pear', 1, 0.75, 'ripe', 7)")
    _, rows, _ = query("SELECT id, note, rank FROM orders ORDER BY id")
    assert rows == [["id", "note", "rank"], ["1", None, None], ["2", "ripe", "7"]]
    table = glue.get_table(DatabaseName=database, Name="orders")["Table"]
    assert [(c["Name"], c["Parameters"]["iceberg.field.id"]) for c in table["StorageDescriptor"]["Columns"]][4:] == \
        [("note", "5"), ("rank", "6")]
    metadata = _read_json(s3, table["Parameters"]["metadata_location"])
    assert (metadata["current-schema-id"], metadata["last-column-id"]) == (1, 6)
    execution, _, _ = query("ALTER TABLE orders ADD COLUMNS (note int)", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == "COLUMN_ALREADY_EXISTS: Column 'note' already exists"


def test_set_tblproperties_lands_in_the_iceberg_metadata(query, glue, s3, bucket, database):
    _create(query, bucket)
    query("ALTER TABLE orders SET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds'='3600', "
          "'optimize_rewrite_data_file_threshold'='2')")
    location = glue.get_table(DatabaseName=database, Name="orders")["Table"]["Parameters"]["metadata_location"]
    assert _read_json(s3, location)["properties"]["vacuum_max_snapshot_age_seconds"] == "3600"


def test_hive_partition_statements_are_refused_on_iceberg_tables(query, bucket):
    _create(query, bucket)
    for sql in ("ALTER TABLE orders ADD PARTITION (id = 1)", "MSCK REPAIR TABLE orders",
                f"ALTER TABLE orders SET LOCATION 's3://{bucket}/elsewhere/'"):
        execution, _, _ = query(sql, expect="FAILED")
        assert execution["Status"]["StateChangeReason"] == \
            "NOT_SUPPORTED: Query type not supported by Athena Iceberg at this time"


def test_two_concurrent_writers_one_commits_the_other_fails_with_nothing_lost(athena, query, bucket, database):
    _create(query, bucket)
    context = {"QueryExecutionContext": {"Database": database},
               "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/results/"}}
    # sequence() gives at most 10000 entries (Trino's SequenceFunction): 2000 x 1000 rows
    big = athena.start_query_execution(QueryString="INSERT INTO orders SELECT (a.x - 1) * 1000 + b.y, 'bulk', 1, 1.0 "
                                                   "FROM UNNEST(sequence(1, 2000)) AS a(x) "
                                                   "CROSS JOIN UNNEST(sequence(1, 1000)) AS b(y)", **context)
    small = athena.start_query_execution(QueryString="INSERT INTO orders VALUES (0, 'one', 1, 1.0)", **context)
    ends = {name: wait(athena, started["QueryExecutionId"])["Status"]
            for name, started in (("big", big), ("small", small))}
    assert sorted(status["State"] for status in ends.values()) == ["FAILED", "SUCCEEDED"]
    failed = next(status for status in ends.values() if status["State"] == "FAILED")
    assert failed["StateChangeReason"].startswith(f"ICEBERG_COMMIT_ERROR: Failed to commit Iceberg update to table: "
                                                  f"{database}.orders")
    expected = "2000000" if ends["big"]["State"] == "SUCCEEDED" else "1"
    _, rows, _ = query("SELECT count(*) FROM orders")
    assert rows == [["_col0"], [expected]]
    assert len(_snapshot_ids(query)) == 1


def test_show_create_table_of_an_iceberg_table(query, bucket, database):
    _create(query, bucket)
    _, rows, _ = query("SHOW CREATE TABLE orders")
    assert [row[0] for row in rows] == [
        f"CREATE TABLE {database}.orders (", "  id bigint,", "  item string,", "  qty int,", "  price double)",
        f"LOCATION 's3://{bucket}/iceberg/orders'", "TBLPROPERTIES (", "  'table_type'='iceberg',",
        "  'format'='parquet')"]


def test_refs_files_and_manifests_tables(query, bucket):
    _create(query, bucket)
    _, rows, _ = query('SELECT count(*) FROM "orders$files"')
    assert rows == [["_col0"], ["0"]]
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5), (2, 'pear', 1, 0.75)")
    query("INSERT INTO orders VALUES (3, 'plum', 2, 1.0)")
    current = _snapshot_ids(query)[-1]
    _, rows, _ = query('SELECT name, type, snapshot_id FROM "orders$refs"')
    assert rows == [["name", "type", "snapshot_id"], ["main", "BRANCH", current]]
    _, rows, _ = query('SELECT content, file_format, record_count FROM "orders$files" ORDER BY record_count')
    assert rows == [["content", "file_format", "record_count"], ["0", "PARQUET", "1"], ["0", "PARQUET", "2"]]
    _, rows, _ = query('SELECT sum(added_data_files_count), sum(added_rows_count) FROM "orders$manifests"')
    assert rows == [["_col0", "_col1"], ["2", "3"]]
    _, rows, _ = query('SELECT record_count, file_count FROM "orders$partitions"')      # unpartitioned: one row
    assert rows == [["record_count", "file_count"], ["3", "2"]]


def test_optimize_compacts_the_small_files_into_one_once_they_reach_the_threshold(query, bucket):
    _create(query, bucket)
    for number in range(1, 4):
        query(f"INSERT INTO orders VALUES ({number}, 'item{number}', {number}, 1.0)")
    history = _snapshot_ids(query)
    execution, _, _ = query("OPTIMIZE orders REWRITE DATA USING BIN_PACK")
    assert (execution["StatementType"], execution["SubstatementType"]) == ("DML", "OPTIMIZE")
    assert _snapshot_ids(query) == history          # 3 small files: fewer than the threshold's default 5
    query("ALTER TABLE orders SET TBLPROPERTIES ('optimize_rewrite_data_file_threshold'='3')")
    query("OPTIMIZE orders REWRITE DATA USING BIN_PACK")
    _, rows, _ = query('SELECT count(*) FROM "orders$files"')
    assert rows == [["_col0"], ["1"]]
    _, rows, _ = query("SELECT id, item FROM orders ORDER BY id")
    assert rows == [["id", "item"], ["1", "item1"], ["2", "item2"], ["3", "item3"]]
    _, rows, _ = query('SELECT operation FROM "orders$snapshots" ORDER BY committed_at DESC LIMIT 1')
    assert rows == [["operation"], ["replace"]]


@pytest.mark.local_only
def test_vacuum_expires_old_snapshots_and_deletes_the_files_only_they_needed(lakebox_server, query, s3, bucket):
    _create(query, bucket)
    query("ALTER TABLE orders SET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds'='3600', "
          "'optimize_rewrite_data_file_threshold'='2')")
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5), (2, 'pear', 1, 0.75)")
    query("DELETE FROM orders WHERE id = 2")
    old_first, old_second = _snapshot_ids(query)
    query("VACUUM orders")                   # nothing is old yet
    assert _snapshot_ids(query) == [old_first, old_second]
    lakebox_server.advance_clock(7200)
    query("INSERT INTO orders VALUES (3, 'plum', 2, 1.0)")
    query("VACUUM orders")
    assert _snapshot_ids(query) == [_snapshot_ids(query)[-1]]
    _, rows, _ = query("SELECT id FROM orders ORDER BY id")
    assert rows == [["id"], ["1"], ["3"]]
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="iceberg/orders/data/")["Contents"]]
    assert len(keys) == 3                    # the first insert's, its position deletes, the last insert's
    query("OPTIMIZE orders REWRITE DATA USING BIN_PACK")
    lakebox_server.advance_clock(7200)
    query("VACUUM orders")
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="iceberg/orders/data/")["Contents"]]
    assert len(keys) == 1                    # compacted: the deletes folded in
    execution, _, _ = query(f"SELECT * FROM orders FOR VERSION AS OF {old_first}", expect="FAILED")
    assert execution["Status"]["StateChangeReason"].endswith(f"Iceberg snapshot ID does not exists: {old_first}")


def test_merge_refuses_a_target_row_matched_by_two_source_rows_and_changes_nothing(query, bucket):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5)")
    execution, _, _ = query("""MERGE INTO orders t USING (SELECT * FROM (VALUES 1, 1) AS c(id)) s ON t.id = s.id
                               WHEN MATCHED THEN UPDATE SET qty = 0""", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "MERGE_TARGET_ROW_MULTIPLE_MATCHES: One MERGE target table row matched more than one source row"
    assert len(_snapshot_ids(query)) == 1


def test_bytes_scanned_are_those_of_the_snapshot_read(query, bucket):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5)")
    query("INSERT INTO orders VALUES (2, 'pear', 1, 0.75)")
    first, _ = _snapshot_ids(query)
    current, _, _ = query("SELECT * FROM orders")
    old, _, _ = query(f"SELECT * FROM orders FOR VERSION AS OF {first}")
    one_file = old["Statistics"]["DataScannedInBytes"]
    assert one_file > 0
    assert current["Statistics"]["DataScannedInBytes"] > one_file
    metadata_only, _, _ = query('SELECT * FROM "orders$snapshots"')
    assert metadata_only["Statistics"]["DataScannedInBytes"] == 0


def test_drop_rename_and_widen_columns_by_field_id_old_files_still_read(query, glue, s3, bucket, database):
    query(f"""CREATE TABLE orders (id int, item string, qty int, price float)
              LOCATION 's3://{bucket}/iceberg/orders/' TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5)")
    query("ALTER TABLE orders CHANGE COLUMN item product string")
    query("ALTER TABLE orders CHANGE qty qty bigint AFTER id")
    query("ALTER TABLE orders CHANGE COLUMN price price double")
    query("ALTER TABLE orders DROP COLUMN id")
    query("INSERT INTO orders VALUES (7, 'pear', 0.25)")
    _, rows, columns = query("SELECT * FROM orders ORDER BY qty")
    assert rows == [["qty", "product", "price"], ["3", "apple", "0.5"], ["7", "pear", "0.25"]]
    assert [c["Type"] for c in columns] == ["bigint", "varchar", "double"]
    table = glue.get_table(DatabaseName=database, Name="orders")["Table"]
    columns = table["StorageDescriptor"]["Columns"]
    # the current columns, then the names only older schemas had, not current (as AWS leaves them in Glue)
    assert [(c["Name"], c["Type"], c["Parameters"]["iceberg.field.id"], c["Parameters"]["iceberg.field.current"])
            for c in columns] == [("qty", "bigint", "3", "true"), ("product", "string", "2", "true"),
                                  ("price", "double", "4", "true"), ("id", "int", "1", "false"),
                                  ("item", "string", "2", "false")]
    _, rows, _ = query("SHOW COLUMNS IN orders")
    assert rows == [["qty"], ["product"], ["price"]]
    metadata = _read_json(s3, table["Parameters"]["metadata_location"])
    mapping = json.loads(metadata["properties"]["schema.name-mapping.default"])
    assert {"field-id": 2, "names": ["product", "item"]} in mapping
    first = _snapshot_ids(query)[0]
    _, rows, _ = query(f"SELECT id, item FROM orders FOR VERSION AS OF {first}")
    assert rows == [["id", "item"], ["1", "apple"]]


def test_schema_changes_athena_refuses(query, bucket):
    _create(query, bucket)
    for sql, reason in (
            ("ALTER TABLE orders CHANGE qty qty smallint", "Unsupported Hive type: smallint"),
            ("ALTER TABLE orders CHANGE id id int", "NOT_SUPPORTED: Cannot change column type: id: long -> int"),
            ("ALTER TABLE orders CHANGE price price float",
             "NOT_SUPPORTED: Cannot change column type: price: double -> float"),
            ("ALTER TABLE orders CHANGE item qty string", "COLUMN_ALREADY_EXISTS: Column 'qty' already exists"),
            ("ALTER TABLE orders DROP COLUMN nope", "COLUMN_NOT_FOUND: Column 'nope' does not exist")):
        execution, _, _ = query(sql, expect="FAILED")
        assert reason in execution["Status"]["StateChangeReason"], sql
    _, rows, _ = query("DESCRIBE orders")
    assert [row[0].split("\t")[0].strip() for row in rows[2:6]] == ["id", "item", "qty", "price"]


def test_change_column_of_a_hive_table_changes_glue_and_drop_column_is_refused(query, glue, bucket, database):
    query(f"CREATE EXTERNAL TABLE logs (id int, msg string) STORED AS PARQUET LOCATION 's3://{bucket}/logs/'")
    query("ALTER TABLE logs CHANGE COLUMN msg message string COMMENT 'text'")
    columns = glue.get_table(DatabaseName=database, Name="logs")["Table"]["StorageDescriptor"]["Columns"]
    assert columns == [{"Name": "id", "Type": "int"}, {"Name": "message", "Type": "string", "Comment": "text"}]
    execution, _, _ = query("ALTER TABLE logs DROP COLUMN id", expect="FAILED")
    assert execution["Status"]["StateChangeReason"].startswith("NOT_SUPPORTED: DROP COLUMN is only supported")


@pytest.mark.local_only
def test_time_travel_relative_to_current_timestamp(lakebox_server, query, bucket, database):
    _create(query, bucket)
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5), (2, 'pear', 1, 0.75)")
    lakebox_server.advance_clock(7200)
    query("DELETE FROM orders WHERE id = 2")
    _, rows, _ = query("SELECT count(*) FROM orders FOR TIMESTAMP AS OF current_timestamp - interval '1' hour")
    assert rows[1:] == [["2"]]
    _, rows, _ = query("SELECT count(*) FROM orders FOR TIMESTAMP AS OF (now() - INTERVAL '90' MINUTE) "
                       "+ INTERVAL '90' MINUTE")
    assert rows[1:] == [["1"]]
    execution, _, _ = query("SELECT * FROM orders FOR TIMESTAMP AS OF current_timestamp - interval '3' hour",
                            expect="FAILED")
    assert execution["Status"]["StateChangeReason"].startswith(
        f"INVALID_ARGUMENTS: No version history table {database}.orders at or before ")


def test_optimize_leaves_well_sized_files_with_few_delete_files_alone(query, bucket):
    _create(query, bucket)
    query("ALTER TABLE orders SET TBLPROPERTIES ('optimize_rewrite_min_data_file_size_bytes'='1', "
          "'optimize_rewrite_data_file_threshold'='1')")
    query("INSERT INTO orders VALUES (1, 'apple', 3, 0.5), (2, 'pear', 1, 0.75), (3, 'plum', 2, 1.0)")
    query("DELETE FROM orders WHERE id = 1")
    history = _snapshot_ids(query)
    query("OPTIMIZE orders REWRITE DATA USING BIN_PACK")      # one delete file: below the threshold of 2
    assert _snapshot_ids(query) == history
    query("DELETE FROM orders WHERE id = 2")
    query("OPTIMIZE orders REWRITE DATA USING BIN_PACK")      # two: rewritten, the deletes folded in
    _, rows, _ = query('SELECT content, record_count FROM "orders$files"')
    assert rows == [["content", "record_count"], ["0", "1"]]


@pytest.mark.local_only
def test_vacuum_keeps_the_minimum_snapshots_and_the_last_metadata_files(lakebox_server, query, glue, s3, bucket,
                                                                        database):
    _create(query, bucket)
    query("ALTER TABLE orders SET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds'='60', "
          "'vacuum_min_snapshots_to_keep'='2', 'vacuum_max_metadata_files_to_keep'='3')")
    for number in range(1, 5):
        query(f"INSERT INTO orders VALUES ({number}, 'item{number}', {number}, 1.0)")
    lakebox_server.advance_clock(3600)
    query("VACUUM orders")
    assert len(_snapshot_ids(query)) == 2
    _, rows, _ = query("SELECT count(*) FROM orders")
    assert rows == [["_col0"], ["4"]]
    parameters = glue.get_table(DatabaseName=database, Name="orders")["Table"]["Parameters"]
    metadata = _read_json(s3, parameters["metadata_location"])
    kept = [entry["metadata-file"] for entry in metadata["metadata-log"]]
    assert len(kept) == 3 and kept[-1] == parameters["previous_metadata_location"]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="iceberg/orders/metadata/")["Contents"]
    assert sorted(f"s3://{bucket}/{item['Key']}" for item in listed if item["Key"].endswith(".metadata.json")) == \
        sorted(kept + [parameters["metadata_location"]])
    query("INSERT INTO orders VALUES (5, 'item5', 5, 1.0)")      # numbering goes on after the cut log
    assert glue.get_table(DatabaseName=database, Name="orders")["Table"]["Parameters"]["metadata_location"] \
        .startswith(f"s3://{bucket}/iceberg/orders/metadata/00007-")


def test_an_iceberg_timestamp_is_a_timestamp_6(query, s3, bucket):
    """Iceberg timestamps are Trino's timestamp(6): their microseconds print, typeof says
    so, a text compared with one is refused; the data file holds microseconds."""
    query(f"""CREATE TABLE moments (id int, at timestamp) LOCATION 's3://{bucket}/iceberg/moments/'
              TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("INSERT INTO moments VALUES (1, TIMESTAMP '2024-06-01 10:00:00.123456'), "
          "(2, TIMESTAMP '2024-06-01 11:00:00')")
    _, rows, columns = query("SELECT id, at, typeof(at) AS kind FROM moments ORDER BY id")
    assert rows[1:] == [["1", "2024-06-01 10:00:00.123456", "timestamp(6)"],
                        ["2", "2024-06-01 11:00:00.000000", "timestamp(6)"]]
    assert (columns[1]["Type"], columns[1]["Precision"]) == ("timestamp", 6)
    execution, _, _ = query("SELECT id FROM moments WHERE at > '2024-06-01'", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "TYPE_MISMATCH: line 1:33: Cannot apply operator: timestamp(6) < varchar(10)"
    _, rows, _ = query("SELECT id FROM moments WHERE at > TIMESTAMP '2024-06-01 10:00:00.123'")
    assert rows == [["id"], ["1"], ["2"]]
    data = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket, Prefix="iceberg/moments/data/")["Contents"]
            if item["Key"].endswith(".parquet")]
    body = s3.get_object(Bucket=bucket, Key=data[0])["Body"].read()
    assert str(pq.read_schema(io.BytesIO(body)).field("at").type) == "timestamp[us]"
