"""Failures analysts meet, in Trino's words as Athena (engine version 3) reports them: an
unknown function placed at its call, SHOW CREATE VIEW of something that is no view."""
import pytest


def _reason(execution):
    return execution["Status"]["StateChangeReason"], execution["Status"]["AthenaError"]["ErrorCategory"]


def test_an_unknown_function_is_placed_at_its_call(query):
    execution, _, _ = query("SELECT 'nope(' AS s,\n       nope(1) AS n", expect="FAILED")
    assert _reason(execution) == ("FUNCTION_NOT_FOUND: line 2:8: Function 'nope' not registered", 2)


@pytest.fixture
def table_and_view(query, bucket):
    query("CREATE EXTERNAL TABLE plain (a int) STORED AS PARQUET LOCATION 's3://%s/plain/'" % bucket)
    query("CREATE VIEW shown AS SELECT a FROM plain")


def test_show_create_view_of_a_table_or_of_nothing(query, database, table_and_view):
    assert query("SHOW CREATE VIEW shown")[1] == [[f'CREATE VIEW "{database}"."shown" AS'], ["SELECT a FROM plain"]]
    execution, _, _ = query("SHOW CREATE VIEW plain", expect="FAILED")
    assert _reason(execution) == (
        f"NOT_SUPPORTED: line 1:1: Relation 'awsdatacatalog.{database}.plain' is a table, not a view", 2)
    execution, _, _ = query("SHOW CREATE VIEW missing", expect="FAILED")
    assert _reason(execution) == (
        f"TABLE_NOT_FOUND: line 1:1: View 'awsdatacatalog.{database}.missing' does not exist", 2)


def test_ctas_partition_keys_must_close_the_select_list(query, glue, s3, bucket, database):
    execution, _, _ = query("CREATE TABLE misordered WITH (format = 'PARQUET', partitioned_by = ARRAY['region'], "
                            "external_location = 's3://%s/misordered/') AS SELECT 'eu' AS region, 1 AS id" % bucket,
                            expect="FAILED")
    assert _reason(execution) == ("HIVE_COLUMN_ORDER_MISMATCH: Partition keys must be the last columns in the table "
                                  "and in the same order as the table properties: [region]", 2)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=database, Name="misordered")
    assert s3.list_objects_v2(Bucket=bucket, Prefix="misordered/")["KeyCount"] == 0
    for keys, reason in (("'zz'", "INVALID_TABLE_PROPERTY: Partition columns [zz] not present in schema"),
                         ("'id', 'region'", "INVALID_TABLE_PROPERTY: Table contains only partition columns")):
        execution, _, _ = query("CREATE TABLE misordered WITH (partitioned_by = ARRAY[%s], external_location = "
                                "'s3://%s/misordered/') AS SELECT 1 AS id, 'eu' AS region" % (keys, bucket),
                                expect="FAILED")
        assert _reason(execution) == (reason, 2)
    query("CREATE TABLE ordered WITH (format = 'PARQUET', partitioned_by = ARRAY['region'], "
          "external_location = 's3://%s/ordered/') AS SELECT 1 AS id, 'eu' AS region" % bucket)
    assert query("SELECT id, region FROM ordered")[1] == [["id", "region"], ["1", "eu"]]
