"""A data engineer keeps a Parquet table of payments, partitioned by day, filled every
morning with INSERT INTO: a CTAS makes it WITH NO DATA from the raw CSV table, the day's
rows go in with INSERT ... SELECT and a correction with INSERT ... VALUES; Athena adds each
new day to the Glue catalog, where the loader finds them (GetPartitions with an
Expression) and marks them loaded (BatchUpdatePartition, one entry naming a day that is
not there). The values that do not fit their columns are refused before anything is
written, in Trino's words: a quoted amount, a day given as text, now() for a timestamp
column, a text for the id, the raw table's columns in its own order (`SELECT *`); cast,
they go in."""
import pytest

from trip_helpers import athena_failure, athena_rows, keys_under

RAW = b"1,ana,12.50,2024-03-01,2024-03-01 08:15:00\n2,ben,3.25,2024-03-01,2024-03-01 09:00:00\n" \
      b"3,cy,40.00,2024-03-02,2024-03-02 18:30:00\n"


def mismatch(table_types, query_types):
    return ("TYPE_MISMATCH: line 1:1: Insert query has mismatched column types: "
            f"Table: [{table_types}], Query: [{query_types}]")


@pytest.fixture
def raw_payments(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="raw/payments/2024-03.csv", Body=RAW)
    athena_rows(client("athena"), f"""CREATE EXTERNAL TABLE raw_payments (id int, payer string, amount decimal(10,2),
        day date, paid_at timestamp) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
        LOCATION 's3://{bucket}/raw/payments/'""", database, f"s3://{bucket}/athena/")


def test_daily_inserts(client, bucket, database, raw_payments):
    s3, glue, athena, output = client("s3"), client("glue"), client("athena"), f"s3://{bucket}/athena/"

    def rows(sql):
        return athena_rows(athena, sql, database, output)

    rows(f"""CREATE TABLE payments WITH (format = 'PARQUET', external_location = 's3://{bucket}/lake/payments/',
             partitioned_by = ARRAY['day']) AS SELECT id, payer, amount, paid_at, day FROM raw_payments WITH NO DATA""")
    assert glue.get_partitions(DatabaseName=database, TableName="payments")["Partitions"] == []
    assert rows("INSERT INTO payments SELECT id, payer, amount, paid_at, day FROM raw_payments "
                "WHERE day = DATE '2024-03-01'") == [["2"]]
    assert rows("INSERT INTO payments SELECT id, payer, amount, paid_at, day FROM raw_payments "
                "WHERE day = DATE '2024-03-02'") == [["1"]]
    assert rows("INSERT INTO payments VALUES (4, 'dee', 7.5, TIMESTAMP '2024-03-02 23:59:00', DATE '2024-03-02')") \
        == [["1"]]

    table = "integer, varchar, decimal(10,2), timestamp(3), date"
    refused = [
        ("INSERT INTO payments VALUES (5, 'eve', '9.99', TIMESTAMP '2024-03-03 10:00:00', DATE '2024-03-03')",
         "integer, varchar(3), varchar(4), timestamp(3), date"),
        ("INSERT INTO payments VALUES (5, 'eve', 9.99, TIMESTAMP '2024-03-03 10:00:00', '2024-03-03')",
         "integer, varchar(3), decimal(3,2), timestamp(3), varchar(10)"),
        ("INSERT INTO payments VALUES (5, 'eve', 9.99, now(), current_date)",
         "integer, varchar(3), decimal(3,2), timestamp(3) with time zone, date"),
        ("INSERT INTO payments SELECT payer, payer, amount, paid_at, day FROM raw_payments",
         "varchar, varchar, decimal(10,2), timestamp(3), date"),
        ("INSERT INTO payments SELECT * FROM raw_payments WHERE day = DATE '2024-03-02'",   # the raw table's order
         "integer, varchar, decimal(10,2), date, timestamp(3)"),
    ]
    for sql, query_types in refused:
        assert athena_failure(athena, sql, database, output) == mismatch(table, query_types), sql
    assert athena_failure(athena, "INSERT INTO payments (id, payer) VALUES ('6', 'fay')", database, output) == \
        mismatch("integer, varchar", "varchar(1), varchar(3)")
    assert sorted({k.split("/")[2] for k in keys_under(s3, bucket, "lake/payments/")}) == [
        "day=2024-03-01", "day=2024-03-02"]         # no day 2024-03-03 was written

    assert rows("INSERT INTO payments VALUES (5, 'eve', 9.99, CAST(now() AS timestamp), DATE '2024-03-03'), "
                "(6, 'fay', 1, NULL, DATE '2024-03-03')") == [["2"]]
    assert rows("SELECT day, count(*), sum(amount) FROM payments GROUP BY day ORDER BY day") == [
        ["2024-03-01", "2", "15.75"], ["2024-03-02", "2", "47.50"], ["2024-03-03", "2", "10.99"]]

    def days(expression):
        found = glue.get_partitions(DatabaseName=database, TableName="payments", Expression=expression)
        return sorted(p["Values"][0] for p in found["Partitions"])
    assert days("day >= '2024-03-02'") == ["2024-03-02", "2024-03-03"]
    assert days("day < '2024-03-02' OR day = '2024-03-03'") == ["2024-03-01", "2024-03-03"]

    loaded = [p for p in glue.get_partitions(DatabaseName=database, TableName="payments",
                                             Expression="day <= '2024-03-02'")["Partitions"]]
    entries = [{"PartitionValueList": p["Values"],
                "PartitionInput": {"Values": p["Values"], "StorageDescriptor": p["StorageDescriptor"],
                                   "Parameters": {**p.get("Parameters", {}), "loaded_by": "morning-job"}}}
               for p in loaded]
    missing = {"PartitionValueList": ["2024-02-29"], "PartitionInput": {**entries[0]["PartitionInput"],
                                                                        "Values": ["2024-02-29"]}}
    errors = glue.batch_update_partition(DatabaseName=database, TableName="payments",
                                         Entries=entries + [missing])["Errors"]
    assert [(e["PartitionValueList"], e["ErrorDetail"]["ErrorCode"]) for e in errors] == [
        (["2024-02-29"], "EntityNotFoundException")]
    marked = glue.get_partitions(DatabaseName=database, TableName="payments")["Partitions"]
    assert sorted((p["Values"][0], p.get("Parameters", {}).get("loaded_by")) for p in marked) == [
        ("2024-03-01", "morning-job"), ("2024-03-02", "morning-job"), ("2024-03-03", None)]
