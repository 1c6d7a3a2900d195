"""A daily curated table kept with Athena alone: raw CSV orders become an ORC table
partitioned by day with CTAS, each new day is appended with INSERT INTO (its partition
registered in Glue), the job reads its statement's figures with GetQueryRuntimeStatistics;
and what goes wrong on the way: the partition column not last, order ids quoted in an
IN list, a CTAS into a location that already holds files, a backfill touching more than
100 days at once (refused, and nothing written: the documented workaround is batches of
at most 100)."""
from trip_helpers import athena_execution, athena_failure, athena_rows, keys_under

RAW = "order_id,sku,amount,day\n1,A,2.50,2024-05-01\n2,B,4.00,2024-05-01\n3,A,1.25,2024-05-02\n"


def test_daily_orc_table_kept_with_ctas_and_insert(client, bucket, database):
    s3, glue, athena = client("s3"), client("glue"), client("athena")
    output = f"s3://{bucket}/athena/"
    s3.put_object(Bucket=bucket, Key="raw/orders/orders.csv", Body=RAW.encode())
    athena_execution(athena, f"""CREATE EXTERNAL TABLE raw_orders (order_id int, sku string, amount decimal(8,2),
        day string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/raw/orders/'
        TBLPROPERTIES ('skip.header.line.count'='1')""", database, output)

    assert athena_failure(athena, f"""CREATE TABLE daily WITH (format = 'ORC', partitioned_by = ARRAY['day'])
        AS SELECT day, order_id, sku, amount FROM raw_orders""", database, output) == (
        "HIVE_COLUMN_ORDER_MISMATCH: Partition keys must be the last columns in the table and in the same order "
        "as the table properties: [day]")
    created = athena_execution(athena, f"""CREATE TABLE daily WITH (format = 'ORC', write_compression = 'ZLIB',
        partitioned_by = ARRAY['day'], external_location = 's3://{bucket}/curated/daily/')
        AS SELECT order_id, sku, amount, day FROM raw_orders WHERE day = '2024-05-01'""", database, output)
    assert created["StatementType"] == "DDL"
    table = glue.get_table(DatabaseName=database, Name="daily")["Table"]
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "org.apache.hadoop.hive.ql.io.orc.OrcSerde"
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("order_id", "int"), ("sku", "string"), ("amount", "decimal(8,2)")]
    assert table["PartitionKeys"] == [{"Name": "day", "Type": "string"}]

    inserted = athena_execution(athena, "INSERT INTO daily SELECT order_id, sku, amount, day FROM raw_orders "
                                        "WHERE day = '2024-05-02'", database, output)
    assert inserted["StatementType"] == "DML"
    statistics = athena.get_query_runtime_statistics(QueryExecutionId=inserted["QueryExecutionId"])[
        "QueryRuntimeStatistics"]
    assert statistics["Rows"]["OutputRows"] == 1
    assert statistics["Timeline"]["TotalExecutionTimeInMillis"] >= 0
    partitions = glue.get_partitions(DatabaseName=database, TableName="daily")["Partitions"]
    assert sorted(p["Values"] for p in partitions) == [["2024-05-01"], ["2024-05-02"]]
    assert athena_rows(athena, "SELECT day, count(*), sum(amount) FROM daily GROUP BY day ORDER BY day",
                       database, output) == [["2024-05-01", "2", "6.50"], ["2024-05-02", "1", "1.25"]]
    select = athena_execution(athena, "SELECT sku, sum(amount) FROM daily GROUP BY sku", database, output)
    rows = athena.get_query_runtime_statistics(QueryExecutionId=select["QueryExecutionId"])[
        "QueryRuntimeStatistics"]["Rows"]
    assert (rows["InputRows"], rows["OutputRows"]) == (3, 2)
    counted = athena_execution(athena, "SELECT count(*) FROM raw_orders", database, output)
    rows = athena.get_query_runtime_statistics(QueryExecutionId=counted["QueryExecutionId"])[
        "QueryRuntimeStatistics"]["Rows"]
    assert (rows["InputRows"], rows["OutputRows"]) == (3, 1)

    assert athena_failure(athena, f"""CREATE TABLE daily_copy WITH (format = 'PARQUET',
        external_location = 's3://{bucket}/curated/daily/') AS SELECT * FROM daily""", database, output).startswith(
        f"HIVE_PATH_ALREADY_EXISTS: Target directory for table '{database}.daily_copy' already exists: "
        f"s3://{bucket}/curated/daily.")

    assert athena_failure(athena, "SELECT count(*) FROM daily WHERE order_id IN ('1', '2')", database, output) == (
        "TYPE_MISMATCH: line 1:43: IN value and list items must be the same type or coercible to a common type. "
        "Cannot find common type between integer and varchar(1), all types (without duplicates): [integer, "
        "varchar(1)]")
    before = keys_under(s3, bucket, "curated/daily/")
    backfill = """INSERT INTO daily SELECT n, 'Z', 1.00, CAST(date_add('day', n, DATE '2023-01-01') AS varchar)
                  FROM UNNEST(sequence(1, 101)) AS t(n)"""
    assert athena_failure(athena, backfill, database, output) == \
        "HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions/buckets"
    assert keys_under(s3, bucket, "curated/daily/") == before
    assert len(glue.get_partitions(DatabaseName=database, TableName="daily")["Partitions"]) == 2
    athena_execution(athena, backfill.replace("sequence(1, 101)", "sequence(1, 100)"), database, output)
    athena_execution(athena, backfill.replace("sequence(1, 101)", "sequence(101, 101)"), database, output)
    assert athena_rows(athena, "SELECT count(*), count(DISTINCT day) FROM daily", database, output) == [
        ["104", "103"]]
