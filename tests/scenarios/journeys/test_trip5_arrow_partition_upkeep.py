"""Keeping a hand-written partitioned table in step with its files: an ingest job writes
hive-partitioned Parquet with pyarrow through s3fs; the table is created with Glue's
CreateTable and its first months registered with BatchCreatePartition (a repeat comes back
in Errors); the next month lands and `MSCK REPAIR TABLE` finds it; a late month kept
outside the table's folder (where awswrangler's reads do not go) is added with `ALTER
TABLE ADD PARTITION ... LOCATION` (again without IF NOT EXISTS is refused); awswrangler
reads two months with a partition_filter, and the job picks partitions with a Glue
expression."""
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from trip_helpers import KEY, PARQUET_FORMAT, SECRET, athena_execution, athena_rows

COLUMNS = [{"Name": "order_id", "Type": "bigint"}, {"Name": "sku", "Type": "string"},
           {"Name": "amount", "Type": "double"}]
MONTHS = {("2024", "01"): 3, ("2024", "02"): 2, ("2024", "03"): 4, ("2023", "12"): 1}


@pytest.fixture
def s3fs_filesystem(lakebox_server):
    import s3fs
    return s3fs.S3FileSystem(key=KEY, secret=SECRET, endpoint_url=lakebox_server.endpoint,
                             client_kwargs={"region_name": "us-east-1"}, skip_instance_cache=True)


def month_table(year, month, count):
    base = int(year) * 100 + int(month)
    return pa.table({"order_id": pa.array([base * 10 + i for i in range(count)], pa.int64()),
                     "sku": [f"sku-{i % 2}" for i in range(count)],
                     "amount": pa.array([10.0 * (i + 1) for i in range(count)], pa.float64()),
                     "year": [year] * count, "month": [month] * count})


def partition_input(bucket, year, month, folder=None):
    location = folder or f"s3://{bucket}/lake/orders/year={year}/month={month}/"
    return {"Values": [year, month], "StorageDescriptor": {"Columns": COLUMNS, "Location": location, **PARQUET_FORMAT}}


def test_partitions_kept_in_step_by_four_means(client, wr, session, s3fs_filesystem, bucket, database):
    glue, athena = client("glue"), client("athena")
    output = f"s3://{bucket}/athena/"
    for year, month in [("2024", "01"), ("2024", "02")]:
        pq.write_to_dataset(month_table(year, month, MONTHS[year, month]), f"{bucket}/lake/orders",
                            partition_cols=["year", "month"], filesystem=s3fs_filesystem)
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "orders", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
        "PartitionKeys": [{"Name": "year", "Type": "string"}, {"Name": "month", "Type": "string"}],
        "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/lake/orders/", **PARQUET_FORMAT}})
    made = glue.batch_create_partition(DatabaseName=database, TableName="orders", PartitionInputList=[
        partition_input(bucket, "2024", "01"), partition_input(bucket, "2024", "02")])
    assert made["Errors"] == []
    again = glue.batch_create_partition(DatabaseName=database, TableName="orders",
                                        PartitionInputList=[partition_input(bucket, "2024", "02")])
    assert [(e["PartitionValues"], e["ErrorDetail"]["ErrorCode"]) for e in again["Errors"]] == [
        (["2024", "02"], "AlreadyExistsException")]

    pq.write_to_dataset(month_table("2024", "03", MONTHS["2024", "03"]), f"{bucket}/lake/orders",
                        partition_cols=["year", "month"], filesystem=s3fs_filesystem)
    assert athena_rows(athena, "SELECT count(*) FROM orders", database, output) == [["5"]]
    athena_execution(athena, "MSCK REPAIR TABLE orders", database, output)
    assert athena_rows(athena, "SELECT count(*) FROM orders", database, output) == [["9"]]
    # (before a partition lives outside the table's folder: awswrangler reads under it only)
    frame = wr.s3.read_parquet_table(table="orders", database=database, boto3_session=session,
                                     partition_filter=lambda p: p["year"] == "2024" and p["month"] in ("02", "03"))
    assert sorted(frame["order_id"].tolist()) == [2024020, 2024021, 2024030, 2024031, 2024032, 2024033]
    assert sorted(set(frame["month"].astype(str))) == ["02", "03"]

    late = month_table("2023", "12", 1).drop_columns(["year", "month"])
    with s3fs_filesystem.open(f"{bucket}/late-arrivals/2023-12/part-0.parquet", "wb") as sink:
        pq.write_table(late, sink)
    add = (f"ALTER TABLE orders ADD PARTITION (year = '2023', month = '12') "
           f"LOCATION 's3://{bucket}/late-arrivals/2023-12/'")
    athena_execution(athena, add, database, output)
    repeated = athena.start_query_execution(QueryString=add, QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]
    status = athena.get_query_execution(QueryExecutionId=repeated)["QueryExecution"]["Status"]
    assert status["State"] == "FAILED" and status["StateChangeReason"] == (
        "FAILED: AlreadyExistsException Partition already exists.")
    athena_execution(athena, add.replace("ADD PARTITION", "ADD IF NOT EXISTS PARTITION"), database, output)

    assert athena_rows(athena, "SELECT year, month, count(*), sum(amount) FROM orders GROUP BY 1, 2 ORDER BY 1, 2",
                       database, output) == [["2023", "12", "1", "10.0"], ["2024", "01", "3", "60.0"],
                                             ["2024", "02", "2", "30.0"], ["2024", "03", "4", "100.0"]]
    picked = glue.get_partitions(DatabaseName=database, TableName="orders",
                                 Expression="year = '2024' AND month > '01'")["Partitions"]
    assert sorted(p["Values"] for p in picked) == [["2024", "02"], ["2024", "03"]]
    late_partition = glue.get_partition(DatabaseName=database, TableName="orders", PartitionValues=["2023", "12"])
    assert late_partition["Partition"]["StorageDescriptor"]["Location"].rstrip("/") == (
        f"s3://{bucket}/late-arrivals/2023-12")

    registered = wr.catalog.get_partitions(database=database, table="orders", boto3_session=session)
    assert sorted(registered.values()) == [["2023", "12"], ["2024", "01"], ["2024", "02"], ["2024", "03"]]
