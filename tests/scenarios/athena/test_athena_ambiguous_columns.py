"""A column name that matches two columns fails as Athena (engine version 3) fails it,
AMBIGUOUS_NAME `line L:C: Column 'x.a' is ambiguous` at the reference, before anything is
read: a derived table or WITH query that names a column twice, and a name two joined tables
both have. Read whole, such a relation answers both columns under the one name."""
import pytest


def _reason(execution):
    return execution["Status"]["StateChangeReason"], execution["Status"]["AthenaError"]["ErrorCategory"]


@pytest.fixture
def joined(query, bucket, s3):
    for name, rows in (("t1", "1,a\n2,b\n"), ("t2", "1,x\n")):
        s3.put_object(Bucket=bucket, Key=f"{name}/data.csv", Body=rows.encode())
        query(f"CREATE EXTERNAL TABLE {name} (id int, label string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
              f"LOCATION 's3://{bucket}/{name}/'")


@pytest.mark.parametrize("sql, reason", [
    ("SELECT x.a FROM (SELECT 1 AS a, 2 AS a) x", "line 1:8: Column 'x.a' is ambiguous"),
    ("SELECT a FROM (SELECT 1 AS a, 2 AS A) x", "line 1:8: Column 'a' is ambiguous"),
    ("SELECT count(*)\nFROM (SELECT 1 AS a, 2 AS a) x\nWHERE x.a > 0", "line 3:7: Column 'x.a' is ambiguous"),
    ("WITH w AS (SELECT 1 AS a, 2 AS a)\nSELECT a FROM w", "line 2:8: Column 'a' is ambiguous"),
])
def test_a_derived_table_naming_a_column_twice(query, sql, reason):
    execution, _, _ = query(sql, expect="FAILED")
    assert _reason(execution) == ("AMBIGUOUS_NAME: " + reason, 2)


def test_a_derived_table_naming_a_column_twice_reads_whole_or_by_other_names(query):
    assert query("SELECT * FROM (SELECT 1 AS a, 2 AS a) x")[1] == [["a", "a"], ["1", "2"]]
    assert query("SELECT b FROM (SELECT 1 AS a, 2 AS a, 3 AS b) x")[1] == [["b"], ["3"]]
    assert query("SELECT 7 AS a FROM (SELECT 1 AS a, 2 AS a) x ORDER BY a")[1] == [["a"], ["7"]]


def test_a_name_two_joined_tables_have(query, joined):
    execution, _, _ = query("SELECT id FROM t1 JOIN t2 ON t1.id = t2.id", expect="FAILED")
    assert _reason(execution) == ("AMBIGUOUS_NAME: line 1:8: Column 'id' is ambiguous", 2)
    execution, _, _ = query("SELECT s.id FROM (SELECT t1.id, t2.id FROM t1 JOIN t2 ON t1.id = t2.id) s",
                            expect="FAILED")
    assert _reason(execution) == ("AMBIGUOUS_NAME: line 1:8: Column 's.id' is ambiguous", 2)
    assert query("SELECT t1.id, t2.label FROM t1 JOIN t2 ON t1.id = t2.id")[1] == [["id", "label"], ["1", "x"]]
    _, rows, columns = query("SELECT * FROM (SELECT t1.id, t2.id, t2.label FROM t1 JOIN t2 ON t1.id = t2.id) s")
    assert rows == [["id", "id", "label"], ["1", "1", "x"]]
    assert [column["Name"] for column in columns] == ["id", "id", "label"]


def test_ctas_of_such_a_relation_read_whole_repeats_a_column_name(query, glue, database, bucket):
    execution, _, _ = query("CREATE TABLE doubled WITH (external_location = 's3://%s/doubled/') AS "
                            "SELECT * FROM (SELECT 1 AS a, 2 AS a) x" % bucket, expect="FAILED")
    assert _reason(execution) == ("DUPLICATE_COLUMN_NAME: line 1:1: Column name 'a' specified more than once", 2)
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=database, Name="doubled")
