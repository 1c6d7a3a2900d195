"""An on-call data engineer keeping a Hive-partitioned text table in step with its bucket:
MSCK REPAIR TABLE adds the `dt=/region=` folders the catalog lacks (its output lists each
one, and a second run finds none), a late partition is added by hand at another
LOCATION together with a second one in the same statement, a mistyped partition is
renamed, one is dropped (IF EXISTS forgives the one already gone), and adding one twice,
or dropping one that is not there, is refused in Hive's words."""
from trip_helpers import athena_execution, athena_failure, athena_lines, athena_rows


def test_partitions_repaired_added_renamed_and_dropped(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    for day in ("2024-01-01", "2024-01-02"):
        s3.put_object(Bucket=bucket, Key=f"sales/dt={day}/region=eu/part.csv", Body=f"1,{day}\n2,{day}\n".encode())
    s3.put_object(Bucket=bucket, Key="late/eu/part.csv", Body=b"7,late\n")
    athena_execution(athena, f"""CREATE EXTERNAL TABLE sales (id int, note string)
        PARTITIONED BY (dt string, region string)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/sales/'""", database, output)

    assert athena_lines(athena, "MSCK REPAIR TABLE sales", database, output) == [
        ["Partitions not in metastore:", "sales:dt=2024-01-01/region=eu", "sales:dt=2024-01-02/region=eu"],
        ["Repair: Added partition to metastore sales:dt=2024-01-01/region=eu"],
        ["Repair: Added partition to metastore sales:dt=2024-01-02/region=eu"]]
    assert athena_lines(athena, "MSCK REPAIR TABLE sales", database, output) == []

    athena_execution(athena, f"""ALTER TABLE sales ADD
        PARTITION (dt = '2024-01-09', region = 'eu') LOCATION 's3://{bucket}/late/eu/'
        PARTITION (dt = '2024-01-10', region = 'us') LOCATION 's3://{bucket}/late/us/'""", database, output)
    athena_execution(athena, "ALTER TABLE sales PARTITION (dt = '2024-01-09', region = 'eu') "
                             "RENAME TO PARTITION (dt = '2024-01-03', region = 'eu')", database, output)
    athena_execution(athena, "ALTER TABLE sales DROP IF EXISTS PARTITION (dt = '2024-01-10', region = 'us'), "
                             "PARTITION (dt = '2099-01-01', region = 'us')", database, output)
    assert athena_lines(athena, "SHOW PARTITIONS sales", database, output) == [
        ["dt=2024-01-01/region=eu"], ["dt=2024-01-02/region=eu"], ["dt=2024-01-03/region=eu"]]
    # the renamed partition still reads the files at the location it was added with
    assert athena_rows(athena, "SELECT dt, count(*), max(note) FROM sales GROUP BY dt ORDER BY dt",
                       database, output) == [["2024-01-01", "2", "2024-01-01"], ["2024-01-02", "2", "2024-01-02"],
                                             ["2024-01-03", "1", "late"]]

    assert athena_failure(athena, "ALTER TABLE sales ADD PARTITION (dt = '2024-01-01', region = 'eu')",
                          database, output) == "FAILED: AlreadyExistsException Partition already exists."
    assert athena_failure(athena, "ALTER TABLE sales DROP PARTITION (dt = '2099-01-01', region = 'eu')",
                          database, output) == "FAILED: SemanticException [Error 10006]: Partition not found"
