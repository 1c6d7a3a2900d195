"""Column statistics task runs compute statistics from a table's data."""
import datetime as dt
import io
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError


def wait_run(glue, run_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = glue.get_column_statistics_task_run(ColumnStatisticsTaskRunId=run_id)["ColumnStatisticsTaskRun"]
        if run["Status"] not in ("STARTING", "RUNNING", "STOPPING"):
            return run
        time.sleep(0.1)
    raise AssertionError("the run did not end")


def test_statistics_of_a_partitioned_parquet_and_a_csv_table(glue, s3, bucket, database):
    for dt_value, ids in (("2024-01-01", [1, 2, None]), ("2024-01-02", [5, 5])):
        table = pa.table({"id": pa.array(ids, pa.int64()), "name": [f"n{i}" for i in range(len(ids))],
                          "ok": [True] * (len(ids) - 1) + [False], "day": [dt.date(2024, 1, 3)] * len(ids)})
        sink = io.BytesIO()
        pq.write_table(table, sink)
        s3.put_object(Bucket=bucket, Key=f"pq/dt={dt_value}/p.parquet", Body=sink.getvalue())
    columns = [{"Name": "id", "Type": "bigint"}, {"Name": "name", "Type": "string"},
               {"Name": "ok", "Type": "boolean"}, {"Name": "day", "Type": "date"}]
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "pq", "PartitionKeys": [{"Name": "dt", "Type": "string"}],
        "StorageDescriptor": {"Columns": columns, "Location": f"s3://{bucket}/pq/",
                              "SerdeInfo": {"SerializationLibrary":
                                            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}})
    glue.batch_create_partition(DatabaseName=database, TableName="pq", PartitionInputList=[
        {"Values": [d], "StorageDescriptor": {"Location": f"s3://{bucket}/pq/dt={d}/",
                                              "SerdeInfo": {"SerializationLibrary": "parquet"}}}
        for d in ("2024-01-01", "2024-01-02")])
    run_id = glue.start_column_statistics_task_run(DatabaseName=database, TableName="pq",
                                                   Role="r")["ColumnStatisticsTaskRunId"]
    assert wait_run(glue, run_id)["Status"] == "SUCCEEDED"
    got = glue.get_column_statistics_for_table(DatabaseName=database, TableName="pq",
                                               ColumnNames=["id", "name", "ok", "day"])["ColumnStatisticsList"]
    data = {s["ColumnName"]: s["StatisticsData"] for s in got}
    assert data["id"] == {"Type": "LONG", "LongColumnStatisticsData": {
        "MinimumValue": 1, "MaximumValue": 5, "NumberOfNulls": 1, "NumberOfDistinctValues": 3}}
    assert data["name"]["StringColumnStatisticsData"] == {
        "MaximumLength": 2, "AverageLength": 2.0, "NumberOfNulls": 0, "NumberOfDistinctValues": 3}
    assert data["ok"]["BooleanColumnStatisticsData"] == {"NumberOfTrues": 3, "NumberOfFalses": 2,
                                                         "NumberOfNulls": 0}
    assert data["day"]["DateColumnStatisticsData"]["MinimumValue"] == dt.datetime(2024, 1, 3,
                                                                                  tzinfo=dt.timezone.utc)
    runs = glue.get_column_statistics_task_runs(DatabaseName=database, TableName="pq")["ColumnStatisticsTaskRuns"]
    assert [r["ColumnStatisticsTaskRunId"] for r in runs] == [run_id]
    with pytest.raises(ClientError) as caught:
        glue.stop_column_statistics_task_run(DatabaseName=database, TableName="pq")
    assert caught.value.response["Error"]["Code"] == "ColumnStatisticsTaskNotRunningException"

    s3.put_object(Bucket=bucket, Key="csv/a.csv", Body="price|label\n1.5|x\n2.5|yy\n")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "csv", "Parameters": {"skip.header.line.count": "1"},
        "StorageDescriptor": {"Columns": [{"Name": "price", "Type": "double"}, {"Name": "label", "Type": "string"}],
                              "Location": f"s3://{bucket}/csv/",
                              "SerdeInfo": {"SerializationLibrary":
                                            "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                                            "Parameters": {"field.delim": "|"}}}})
    run_id = glue.start_column_statistics_task_run(DatabaseName=database, TableName="csv", Role="r",
                                                   ColumnNameList=["price"])["ColumnStatisticsTaskRunId"]
    assert wait_run(glue, run_id)["Status"] == "SUCCEEDED"
    price = glue.get_column_statistics_for_table(DatabaseName=database, TableName="csv",
                                                 ColumnNames=["price"])["ColumnStatisticsList"][0]
    assert price["StatisticsData"]["DoubleColumnStatisticsData"] == {
        "MinimumValue": 1.5, "MaximumValue": 2.5, "NumberOfNulls": 0, "NumberOfDistinctValues": 2}
    with pytest.raises(ClientError) as caught:
        glue.start_column_statistics_task_run(DatabaseName=database, TableName="csv", Role="r",
                                              ColumnNameList=["nope"])
    assert caught.value.response["Error"]["Code"] == "InvalidInputException"
