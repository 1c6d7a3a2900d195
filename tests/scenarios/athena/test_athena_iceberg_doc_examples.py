"""The Iceberg pages of Athena's user guide, replayed: CREATE TABLE ... TBLPROPERTIES
('table_type'='ICEBERG') with partition transforms, INSERT, UPDATE, DELETE, MERGE INTO,
OPTIMIZE REWRITE DATA, VACUUM, time travel, schema evolution (ADD COLUMNS, CHANGE
COLUMN, DROP COLUMN), table properties, RENAME, CTAS, and the $ metadata tables."""
import pytest


@pytest.fixture
def iceberg_table(query, bucket):
    query(f"CREATE TABLE iceberg_table (id bigint, data string, category string) "
          f"PARTITIONED BY (category, bucket(16, id)) LOCATION 's3://{bucket}/iceberg_table/' "
          "TBLPROPERTIES ('table_type'='ICEBERG')")
    query("INSERT INTO iceberg_table VALUES (1, 'a', 'c1'), (2, 'b', 'c2'), (3, 'c', 'c1')")
    return "iceberg_table"


def _rows(query, sql="SELECT * FROM iceberg_table ORDER BY id"):
    return query(sql)[1]


def test_create_with_table_comment(query, glue, bucket, database):
    """A table COMMENT beside the Iceberg properties becomes the Glue table's Description
    (it failed GENERIC_INTERNAL_ERROR)."""
    query(f"CREATE TABLE commented (id bigint COMMENT 'the id', data string) COMMENT 'orders of the day' "
          f"LOCATION 's3://{bucket}/commented/' TBLPROPERTIES ('table_type'='ICEBERG')")
    assert glue.get_table(DatabaseName=database, Name="commented")["Table"]["Description"] == "orders of the day"
    assert _rows(query, "SHOW COLUMNS IN commented") == [["id"], ["data"]]


def test_dml_examples(query, bucket, iceberg_table):
    assert query("UPDATE iceberg_table SET category = 'c4' WHERE category = 'c1'")[1] == [["rows"], ["2"]]
    assert query("DELETE FROM iceberg_table WHERE id = 2")[1] == [["rows"], ["1"]]
    query(f"CREATE TABLE changes (id bigint, data string, category string) LOCATION 's3://{bucket}/changes/' "
          "TBLPROPERTIES ('table_type'='ICEBERG')")
    query("INSERT INTO changes VALUES (1, 'aa', 'c9'), (3, 'x', 'c0'), (5, 'e', 'c5')")
    merged = query("MERGE INTO iceberg_table t USING changes s ON (t.id = s.id) "
                   "WHEN MATCHED AND s.category = 'c9' THEN UPDATE SET data = s.data "
                   "WHEN MATCHED THEN DELETE "
                   "WHEN NOT MATCHED THEN INSERT (id, data, category) VALUES (s.id, s.data, s.category)")
    assert merged[1] == [["rows"], ["3"]]
    assert _rows(query) == [["id", "data", "category"], ["1", "aa", "c4"], ["5", "e", "c5"]]


def test_maintenance_examples(query, iceberg_table):
    query("OPTIMIZE iceberg_table REWRITE DATA USING BIN_PACK")
    query("OPTIMIZE iceberg_table REWRITE DATA USING BIN_PACK WHERE category = 'c1'")
    query("VACUUM iceberg_table")
    assert _rows(query) == [["id", "data", "category"], ["1", "a", "c1"], ["2", "b", "c2"], ["3", "c", "c1"]]


def test_time_travel_examples(query, iceberg_table):
    query("DELETE FROM iceberg_table WHERE id = 2")
    snapshots = _rows(query, 'SELECT snapshot_id, operation FROM "iceberg_table$snapshots" ORDER BY committed_at')
    assert [row[1] for row in snapshots[1:]] == ["append", "delete"]
    first = snapshots[1][0]
    assert _rows(query, f"SELECT id FROM iceberg_table FOR VERSION AS OF {first} ORDER BY id") == [
        ["id"], ["1"], ["2"], ["3"]]
    assert _rows(query, "SELECT id FROM iceberg_table FOR TIMESTAMP AS OF (current_timestamp + interval '1' day) "
                        "ORDER BY id") == [["id"], ["1"], ["3"]]


@pytest.mark.parametrize("table,columns", [
    ("history", ["made_current_at", "snapshot_id", "parent_id", "is_current_ancestor"]),
    ("files", None), ("manifests", None),
    ("partitions", ["partition", "record_count", "file_count", "total_size"]),
])
def test_metadata_tables(query, iceberg_table, table, columns):
    _, rows, info = query(f'SELECT * FROM "iceberg_table${table}"')
    assert len(rows) > 1
    if columns:
        assert [column["Name"] for column in info] == columns


def test_schema_evolution_examples(query, iceberg_table):
    query("ALTER TABLE iceberg_table ADD COLUMNS (points string, points2 int)")
    query("ALTER TABLE iceberg_table CHANGE COLUMN points points_new string COMMENT 'renamed'")
    query("ALTER TABLE iceberg_table DROP COLUMN points2")
    assert _rows(query, "SHOW COLUMNS IN iceberg_table") == [["id"], ["data"], ["category"], ["points_new"]]
    query("ALTER TABLE iceberg_table SET TBLPROPERTIES ('write_compression'='zstd', "
          "'vacuum_max_snapshot_age_seconds'='259200')")
    properties = dict(row for row in _rows(query, "SHOW TBLPROPERTIES iceberg_table") if len(row) == 2)
    assert properties["write_compression"] == "zstd"
    assert properties["vacuum_max_snapshot_age_seconds"] == "259200"
    query("ALTER TABLE iceberg_table RENAME TO iceberg_renamed")
    assert _rows(query, "SELECT id, points_new FROM iceberg_renamed ORDER BY id") == [
        ["id", "points_new"], ["1", None], ["2", None], ["3", None]]


def test_ctas_iceberg_example(query, bucket, iceberg_table):
    query(f"CREATE TABLE ice_ctas WITH (table_type='ICEBERG', location='s3://{bucket}/ice_ctas/', "
          "is_external=false, partitioning=ARRAY['category'], format='PARQUET', write_compression='SNAPPY') "
          "AS SELECT * FROM iceberg_table")
    assert _rows(query, "SELECT * FROM ice_ctas ORDER BY id") == _rows(query)


_REFUSED = "NOT_SUPPORTED: Query type not supported by Athena Iceberg at this time"


@pytest.mark.parametrize("statement,reason", [
    ("ALTER TABLE iceberg_table ADD PARTITION (category='x')", _REFUSED),
    ("ALTER TABLE iceberg_table DROP PARTITION (category='c1')", _REFUSED),
    ("ALTER TABLE iceberg_table PARTITION (category='c1') RENAME TO PARTITION (category='c9')", _REFUSED),
    ("MSCK REPAIR TABLE iceberg_table", _REFUSED),
    ("SHOW PARTITIONS iceberg_table",
     "FAILED: SemanticException [Error 10241]: Table iceberg_table is not a partitioned table"),
])
def test_partition_statements_refused(query, iceberg_table, statement, reason):
    """"Iceberg tables in Athena do not support the following partition-related DDL
    operations", and MSCK REPAIR TABLE "is not supported"."""
    assert query(statement, expect="FAILED")[0]["Status"]["StateChangeReason"] == reason
