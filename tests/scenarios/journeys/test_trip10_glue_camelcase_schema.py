"""An application developer registers the table of a service's Parquet exports by API,
writing the schema as the service names its fields (camelCase: `userId`, `EventTime`,
partition key `Region`). Glue keeps those names in lower case, as it keeps table names:
GetTable, GetTables and GetPartitions answer `userid`, `eventtime`, `region`. The
developer's later UpdateTable, written with the same camelCase names plus a new field,
is folded alike, a partition Expression and column statistics may name the key and the
columns in either case, and Athena reads the camelCase Parquet columns under the
lower-case names."""
import datetime
import io

import pyarrow as pa
import pyarrow.parquet as pq

from trip_helpers import athena_rows

PARQUET = {"InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
           "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
           "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}


def table_input(bucket, *extra):
    columns = [{"Name": "userId", "Type": "bigint"}, {"Name": "EventTime", "Type": "string"}, *extra]
    return {"Name": "Sessions", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
            "PartitionKeys": [{"Name": "Region", "Type": "string"}],
            "StorageDescriptor": {"Columns": columns, "Location": f"s3://{bucket}/sessions/", **PARQUET}}


def parquet(**columns) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table(columns), out)
    return out.getvalue()


def test_camelcase_schema_is_kept_in_lower_case(client, bucket, database):
    glue, s3, athena = client("glue"), client("s3"), client("athena")
    glue.create_table(DatabaseName=database, TableInput=table_input(bucket))

    table = glue.get_table(DatabaseName=database, Name="Sessions")["Table"]
    assert table["Name"] == "sessions"
    assert table["StorageDescriptor"]["Columns"] == [{"Name": "userid", "Type": "bigint"},
                                                     {"Name": "eventtime", "Type": "string"}]
    assert table["PartitionKeys"] == [{"Name": "region", "Type": "string"}]
    listed = glue.get_tables(DatabaseName=database)["TableList"]
    assert [[c["Name"] for c in t["StorageDescriptor"]["Columns"]] for t in listed] == [["userid", "eventtime"]]

    # the same camelCase names, and one more, on the next deployment
    glue.update_table(DatabaseName=database, TableInput=table_input(bucket, {"Name": "deviceType",
                                                                             "Type": "string"}))
    table = glue.get_table(DatabaseName=database, Name="sessions")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["userid", "eventtime", "devicetype"]
    assert table["VersionId"] == "1"
    versions = glue.get_table_versions(DatabaseName=database, TableName="sessions")["TableVersions"]
    assert [(v["VersionId"], [c["Name"] for c in v["Table"]["StorageDescriptor"]["Columns"]]) for v in versions] == [
        ("1", ["userid", "eventtime", "devicetype"]), ("0", ["userid", "eventtime"])]

    for region, users in (("eu", [1, 2]), ("us", [3])):
        s3.put_object(Bucket=bucket, Key=f"sessions/Region={region}/part-0.parquet", Body=parquet(
            userId=pa.array(users, pa.int64()), EventTime=[f"2024-05-0{u}T10:00:00" for u in users],
            deviceType=["ios" if u % 2 else "web" for u in users]))
        glue.create_partition(DatabaseName=database, TableName="sessions", PartitionInput={
            "Values": [region], "StorageDescriptor": {"Location": f"s3://{bucket}/sessions/Region={region}/"}})
    found = glue.get_partitions(DatabaseName=database, TableName="sessions", Expression="Region = 'eu'")
    assert [p["Values"] for p in found["Partitions"]] == [["eu"]]

    analyzed = datetime.datetime(2024, 5, 3, tzinfo=datetime.timezone.utc)
    assert glue.update_column_statistics_for_table(DatabaseName=database, TableName="sessions", ColumnStatisticsList=[
        {"ColumnName": "userId", "ColumnType": "bigint", "AnalyzedTime": analyzed, "StatisticsData": {
            "Type": "LONG", "LongColumnStatisticsData": {"MinimumValue": 1, "MaximumValue": 3, "NumberOfNulls": 0,
                                                         "NumberOfDistinctValues": 3}}}])["Errors"] == []
    stats = glue.get_column_statistics_for_table(DatabaseName=database, TableName="sessions",
                                                 ColumnNames=["userid"])
    assert [s["StatisticsData"]["LongColumnStatisticsData"]["MaximumValue"]
            for s in stats["ColumnStatisticsList"]] == [3]
    assert stats["Errors"] == []

    rows = athena_rows(athena, "SELECT region, userid, devicetype FROM sessions ORDER BY userid", database,
                       f"s3://{bucket}/athena/")
    assert rows == [["eu", "1", "ios"], ["eu", "2", "web"], ["us", "3", "ios"]]
