"""Iceberg statements as Athena users run them, item by item of issue 14: ALTER TABLE
RENAME TO (Athena renames Iceberg tables, data and history kept), OPTIMIZE whose WHERE
names a non-partition column (refused, as Athena documents), INSERT with the wrong
number of columns (Trino's TYPE_MISMATCH, nothing written), year/hour/truncate/bucket
partitions in "$partitions", MERGE with DELETE, UPDATE and INSERT clauses from an
Iceberg source, UPDATE and DELETE with subqueries, INSERT with a column list."""
from athena_helpers import wait


def _create(query, bucket, name="orders", partitioning=""):
    partitioned = f"PARTITIONED BY ({partitioning})" if partitioning else ""
    query(f"""CREATE TABLE {name} (id bigint, ts timestamp, item string, qty int)
              {partitioned}
              LOCATION 's3://{bucket}/iceberg/{name}/' TBLPROPERTIES ('table_type'='ICEBERG')""")


_ROWS = ("(1, TIMESTAMP '2023-12-31 23:30:00', 'apple', 3), (2, TIMESTAMP '2024-01-01 00:10:00', 'apricot', 1), "
         "(3, TIMESTAMP '2024-01-01 00:50:00', 'banana', 2), (4, TIMESTAMP '2024-03-05 12:00:00', 'cherry', 7)")


def _snapshots(query, name="orders"):
    _, rows, _ = query(f'SELECT snapshot_id FROM "{name}$history" ORDER BY made_current_at')
    return [row[0] for row in rows[1:]]


def test_rename_keeps_the_location_rows_and_history(query, glue, bucket, database, fresh_database):
    _create(query, bucket)
    query(f"INSERT INTO orders VALUES {_ROWS}")
    query("DELETE FROM orders WHERE id = 4")
    before = glue.get_table(DatabaseName=database, Name="orders")["Table"]
    history = _snapshots(query)
    execution, _, _ = query("ALTER TABLE orders RENAME TO sales")
    assert execution["StatementType"] == "DDL"
    after = glue.get_table(DatabaseName=database, Name="sales")["Table"]
    assert after["Parameters"]["metadata_location"] == before["Parameters"]["metadata_location"]
    assert after["StorageDescriptor"]["Location"] == before["StorageDescriptor"]["Location"]
    assert after["Parameters"]["table_type"] == "ICEBERG"
    execution, _, _ = query("SELECT count(*) FROM orders", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        f"TABLE_NOT_FOUND: line 1:22: Table 'awsdatacatalog.{database}.orders' does not exist"
    assert _snapshots(query, "sales") == history
    _, rows, _ = query(f"SELECT count(*) FROM sales FOR VERSION AS OF {history[0]}")
    assert rows[1:] == [["4"]]
    query("INSERT INTO sales VALUES (5, TIMESTAMP '2024-04-01 00:00:00', 'date', 1)")
    _, rows, _ = query("SELECT id FROM sales ORDER BY id")
    assert rows[1:] == [["1"], ["2"], ["3"], ["5"]]
    other = fresh_database("other")
    query(f"ALTER TABLE sales RENAME TO {other}.archive")
    _, rows, _ = query(f"SELECT count(*) FROM {other}.archive")
    assert rows[1:] == [["4"]]
    assert glue.get_tables(DatabaseName=database)["TableList"] == []


def test_optimize_where_takes_partition_columns_only(query, bucket):
    _create(query, bucket, partitioning="day(ts), item")
    for number in range(3):
        query(f"INSERT INTO orders VALUES {_ROWS}")
    query("ALTER TABLE orders SET TBLPROPERTIES ('optimize_rewrite_data_file_threshold'='2')")
    history = _snapshots(query)
    execution, _, _ = query("OPTIMIZE orders REWRITE DATA USING BIN_PACK WHERE qty > 1", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == (
        "GENERIC_INTERNAL_ERROR: Unexpected FilterNode found in plan; probably connector was not able to handle "
        "provided WHERE expression")
    execution, _, _ = query("OPTIMIZE orders REWRITE DATA USING BIN_PACK WHERE item = 'apple' AND qty > 1",
                            expect="FAILED")
    assert execution["Status"]["StateChangeReason"].startswith("GENERIC_INTERNAL_ERROR: Unexpected FilterNode")
    assert _snapshots(query) == history
    query("OPTIMIZE orders REWRITE DATA USING BIN_PACK WHERE item = 'apple' "
          "AND ts < TIMESTAMP '2024-01-01 00:00:00'")
    _, rows, _ = query('SELECT partition.item, count(*) FROM "orders$files" GROUP BY 1 ORDER BY 1')
    assert rows[1:] == [["apple", "1"], ["apricot", "3"], ["banana", "3"], ["cherry", "3"]]
    _, rows, _ = query("SELECT count(*), sum(qty) FROM orders")
    assert rows[1:] == [["12", "39"]]


def test_insert_with_the_wrong_number_of_columns_is_refused_and_writes_nothing(query, bucket):
    _create(query, bucket)
    query(f"INSERT INTO orders VALUES {_ROWS}")
    history = _snapshots(query)
    for sql, query_types in (("INSERT INTO orders SELECT id, item FROM orders", "bigint, varchar"),
                             ("INSERT INTO orders SELECT id, ts, item, qty, qty FROM orders",
                              "bigint, timestamp(6), varchar, integer, integer")):
        execution, _, _ = query(sql, expect="FAILED")
        assert execution["Status"]["StateChangeReason"] == (
            "TYPE_MISMATCH: line 1:1: Insert query has mismatched column types: "
            f"Table: [bigint, timestamp(6), varchar, integer], Query: [{query_types}]"), sql
    execution, _, _ = query("INSERT INTO orders (id, qty) SELECT id, item, qty FROM orders", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == (
        "TYPE_MISMATCH: line 1:1: Insert query has mismatched column types: "
        "Table: [bigint, integer], Query: [bigint, varchar, integer]")
    assert _snapshots(query) == history
    query("INSERT INTO orders (item, id) SELECT 'fig', 9")       # a column list: the others are NULL
    _, rows, _ = query("SELECT id, ts, item, qty FROM orders WHERE id = 9")
    assert rows[1:] == [["9", None, "fig", None]]


def test_year_hour_truncate_and_bucket_partitions(query, bucket):
    query(f"""CREATE TABLE readings (id int, ts timestamp, code string, amount bigint)
              PARTITIONED BY (year(ts), hour(ts), truncate(3, code), truncate(10, amount), bucket(2, code))
              LOCATION 's3://{bucket}/iceberg/readings/' TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("""INSERT INTO readings VALUES (1, TIMESTAMP '2023-12-31 23:30:00', 'abcdef', 17),
             (2, TIMESTAMP '2024-01-01 00:10:00', 'abcxyz', 12), (3, TIMESTAMP '2024-01-01 00:50:00', 'zz', -3)""")
    _, rows, _ = query('SELECT partition.ts_year, partition.ts_hour, partition.code_trunc, partition.amount_trunc, '
                       'record_count FROM "readings$partitions" ORDER BY 2, 3')
    assert rows == [["ts_year", "ts_hour", "code_trunc", "amount_trunc", "record_count"],
                    ["53", "473351", "abc", "10", "1"], ["54", "473352", "abc", "10", "1"],
                    ["54", "473352", "zz", "-10", "1"]]
    pruned, rows, _ = query("SELECT id FROM readings WHERE ts >= TIMESTAMP '2024-01-01 00:00:00'")
    whole, _, _ = query("SELECT id, ts FROM readings")
    assert sorted(rows[1:]) == [["2"], ["3"]]
    assert 0 < pruned["Statistics"]["DataScannedInBytes"] < whole["Statistics"]["DataScannedInBytes"]


def test_merge_from_an_iceberg_source_deletes_updates_and_inserts_in_one_snapshot(query, bucket):
    _create(query, bucket)
    query(f"INSERT INTO orders VALUES {_ROWS}")
    query(f"""CREATE TABLE changes WITH (table_type = 'ICEBERG', is_external = false,
              location = 's3://{bucket}/iceberg/changes/', partitioning = ARRAY['op'])
              AS SELECT * FROM (VALUES (1, 'D', 0), (2, 'U', 10), (5, 'I', 50), (6, 'D', 60)) AS c(id, op, qty)""")
    execution, _, _ = query("""
        MERGE INTO orders t USING changes c ON t.id = c.id
        WHEN MATCHED AND c.op = 'D' THEN DELETE
        WHEN MATCHED THEN UPDATE SET qty = c.qty, item = upper(t.item)
        WHEN NOT MATCHED AND c.op = 'I' THEN INSERT (id, item, qty) VALUES (c.id, 'new', c.qty)""")
    _, rows, _ = query("SELECT id, item, qty FROM orders ORDER BY id")
    assert rows[1:] == [["2", "APRICOT", "10"], ["3", "banana", "2"], ["4", "cherry", "7"], ["5", "new", "50"]]
    _, rows, _ = query('SELECT operation FROM "orders$snapshots" ORDER BY committed_at')
    assert rows[1:] == [["append"], ["overwrite"]]
    query("UPDATE orders SET qty = qty + 100 WHERE id IN (SELECT id FROM changes WHERE op = 'I')")
    query("DELETE FROM orders WHERE EXISTS (SELECT 1 FROM changes c WHERE c.id = orders.id + 1 AND c.op = 'I')")
    query("UPDATE orders SET qty = (SELECT max(qty) FROM changes) WHERE id = 3")
    _, rows, _ = query("SELECT id, qty FROM orders ORDER BY id")
    assert rows[1:] == [["2", "10"], ["3", "60"], ["5", "150"]]


def test_merge_inserts_every_unmatched_source_row_even_with_duplicate_keys(query, bucket):
    _create(query, bucket)
    query("""MERGE INTO orders t USING (VALUES (7, 'a'), (7, 'b')) AS s(id, item) ON t.id = s.id
             WHEN NOT MATCHED THEN INSERT (id, item) VALUES (s.id, s.item)""")
    _, rows, _ = query("SELECT id, item FROM orders ORDER BY item")
    assert rows[1:] == [["7", "a"], ["7", "b"]]


def test_a_failed_statement_leaves_no_snapshot(athena, query, bucket, database):
    _create(query, bucket)
    query(f"INSERT INTO orders VALUES {_ROWS}")
    history = _snapshots(query)
    execution, _, _ = query("UPDATE orders SET qty = CAST(item AS integer)", expect="FAILED")
    assert execution["Status"]["StateChangeReason"].startswith("INVALID_CAST_ARGUMENT: Cannot cast 'apple'")
    assert _snapshots(query) == history
    started = athena.start_query_execution(
        QueryString="INSERT INTO orders SELECT (a.x - 1) * 1000 + b.y, NULL, 'bulk', 1 "     # sequence: 10000 at most
                    "FROM UNNEST(sequence(1, 3000)) AS a(x) CROSS JOIN UNNEST(sequence(1, 1000)) AS b(y)",
        QueryExecutionContext={"Database": database},
        ResultConfiguration={"OutputLocation": f"s3://{bucket}/results/"})["QueryExecutionId"]
    athena.stop_query_execution(QueryExecutionId=started)
    assert wait(athena, started)["Status"]["State"] == "CANCELLED"
    assert _snapshots(query) == history


def test_update_with_a_value_of_another_kind_is_refused_and_changes_nothing(query, bucket):
    query(f"""CREATE TABLE facts (id int, name string, day date, ts timestamp, ok boolean)
              LOCATION 's3://{bucket}/iceberg/facts/' TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("INSERT INTO facts VALUES (1, 'one', DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00:00', true)")
    history = _snapshots(query, "facts")
    for sql, table, expressions in (("UPDATE facts SET id = name", "integer", "varchar"),
                                    ("UPDATE facts SET name = 'x', ok = id", "varchar, boolean", "varchar, integer"),
                                    ("UPDATE facts SET day = ts WHERE id = 1", "date", "timestamp(6)")):
        execution, _, _ = query(sql, expect="FAILED")
        assert execution["Status"]["StateChangeReason"] == (
            "TYPE_MISMATCH: line 1:1: UPDATE table column types don't match SET expressions: "
            f"Table: [{table}], Expressions: [{expressions}]"), sql
    assert _snapshots(query, "facts") == history
    query("UPDATE facts SET ts = day, name = NULL, id = id * 2")      # a date widens to a timestamp
    _, rows, _ = query("SELECT id, name, ts FROM facts")
    assert rows[1:] == [["2", None, "2024-01-01 00:00:00.000000"]]


def test_time_travel_to_a_version_the_table_lacks_is_the_connector_refusal(query, bucket, database):
    _create(query, bucket)
    query(f"INSERT INTO orders VALUES {_ROWS}")
    for sql, reason in (
            ("SELECT * FROM orders FOR VERSION AS OF 12345", "Iceberg snapshot ID does not exists: 12345"),
            ("SELECT * FROM orders FOR TIMESTAMP AS OF TIMESTAMP '2000-01-01 00:00:00 UTC'",
             f"No version history table {database}.orders at or before 2000-01-01T00:00:00Z"),
            ("SELECT * FROM orders FOR TIMESTAMP AS OF TIMESTAMP '2000-01-01 10:20:30.250'",
             f"No version history table {database}.orders at or before 2000-01-01T10:20:30.250Z")):
        execution, _, _ = query(sql, expect="FAILED")
        assert execution["Status"]["StateChangeReason"] == f"INVALID_ARGUMENTS: {reason}", sql


def test_an_external_iceberg_table_is_refused_with_athenas_words(query, glue, bucket, database):
    execution, _, _ = query(f"""CREATE EXTERNAL TABLE things (id int) LOCATION 's3://{bucket}/iceberg/things/'
                                TBLPROPERTIES ('table_type'='ICEBERG')""", expect="FAILED")
    assert execution["Status"]["StateChangeReason"].endswith("External keyword not supported for table type ICEBERG")
    assert glue.get_tables(DatabaseName=database)["TableList"] == []


def test_table_properties_athena_does_not_document_are_refused(query, glue, bucket, database):
    execution, _, _ = query(f"""CREATE TABLE things (id int) LOCATION 's3://{bucket}/iceberg/things/'
                                TBLPROPERTIES ('table_type'='ICEBERG', 'Write_Compression'='snappy',
                                               'write.merge.mode'='copy-on-write')""", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == "Unsupported table property key: write.merge.mode"
    assert execution["Status"]["AthenaError"]["ErrorType"] == 1200
    assert glue.get_tables(DatabaseName=database)["TableList"] == []
    _create(query, bucket)
    before = glue.get_table(DatabaseName=database, Name="orders")["Table"]["Parameters"]["metadata_location"]
    execution, _, _ = query("ALTER TABLE orders SET TBLPROPERTIES ('vacuum_min_snapshots_to_keep'='2', "
                            "'read_restored_glacier_objects'='false')", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "Unsupported table property key: read_restored_glacier_objects"
    assert glue.get_table(DatabaseName=database, Name="orders")["Table"]["Parameters"]["metadata_location"] == before
    query("ALTER TABLE orders SET TBLPROPERTIES ('write_compression'='gzip', 'vacuum_min_snapshots_to_keep'='2')")
    _, rows, _ = query("SHOW TBLPROPERTIES orders")
    assert ["write_compression", "gzip"] in rows


def test_unset_tblproperties_removes_them_from_the_metadata(query, glue, s3, bucket, database):
    _create(query, bucket)
    query("ALTER TABLE orders SET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds'='60', "
          "'write_compression'='gzip')")
    query("ALTER TABLE orders UNSET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds')")
    _, rows, _ = query("SHOW TBLPROPERTIES orders")
    keys = [row[0] for row in rows]
    assert "write_compression" in keys and "vacuum_max_snapshot_age_seconds" not in keys
    execution, _, _ = query("ALTER TABLE orders UNSET TBLPROPERTIES ('write.object-storage.enabled')",
                            expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "Table property write.object-storage.enabled is not supported by Athena"


def test_decimal_and_float_widen_narrowing_is_refused_and_show_columns_follows(query, bucket):
    query(f"""CREATE TABLE prices (id int, amount decimal(10,2), rate float)
              LOCATION 's3://{bucket}/iceberg/prices/' TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("INSERT INTO prices VALUES (1, 12.34, 0.5)")
    query("ALTER TABLE prices CHANGE amount amount decimal(12,2)")
    query("ALTER TABLE prices CHANGE COLUMN rate rate double")
    query("ALTER TABLE prices CHANGE id id bigint")
    for sql, reason in (("ALTER TABLE prices CHANGE amount amount decimal(12,3)",
                         "NOT_SUPPORTED: Cannot change column type: amount: decimal(12,2) -> decimal(12,3)"),
                        ("ALTER TABLE prices CHANGE amount amount decimal(8,2)",
                         "NOT_SUPPORTED: Cannot change column type: amount: decimal(12,2) -> decimal(8,2)"),
                        ("ALTER TABLE prices CHANGE id id string",
                         "NOT_SUPPORTED: Cannot change column type: id: long -> string")):
        execution, _, _ = query(sql, expect="FAILED")
        assert execution["Status"]["StateChangeReason"] == reason, sql
    query("INSERT INTO prices VALUES (5000000000, 1234567890.12, 0.25)")
    _, rows, columns = query("SELECT id, amount, rate FROM prices ORDER BY id")
    assert rows[1:] == [["1", "12.34", "0.5"], ["5000000000", "1234567890.12", "0.25"]]
    assert [(c["Type"], c["Precision"], c["Scale"]) for c in columns] == [("bigint", 19, 0), ("decimal", 12, 2),
                                                                         ("double", 17, 0)]
    _, rows, _ = query("SHOW COLUMNS IN prices")
    assert [row[0].strip() for row in rows] == ["id", "amount", "rate"]
