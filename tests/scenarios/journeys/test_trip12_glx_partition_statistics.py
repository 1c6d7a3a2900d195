"""A query engine keeps per-partition column statistics in Glue the way Trino's and
Spark's Glue metastore clients do: after writing a day it stores one ColumnStatistics per
column with the data of that column's type (BOOLEAN, DATE, DECIMAL with its unscaled
bytes and scale, DOUBLE, LONG, STRING, BINARY), reads them back for the planner, and drops
those of a rewritten column. Statistics are the partition's own: another partition, or
the same values re-created after a delete, has none; a column the table lacks is an
error entry, and a partition that is not there refuses the whole call."""
import datetime

from trip_helpers import error_of

COLUMNS = [{"Name": "paid", "Type": "boolean"}, {"Name": "ship_day", "Type": "date"},
           {"Name": "amount", "Type": "decimal(12,2)"}, {"Name": "weight", "Type": "double"},
           {"Name": "quantity", "Type": "bigint"}, {"Name": "sku", "Type": "string"},
           {"Name": "thumbnail", "Type": "binary"}]
ANALYZED = datetime.datetime(2024, 6, 2, 3, 15, tzinfo=datetime.timezone.utc)
DATA = {
    "paid": {"Type": "BOOLEAN", "BooleanColumnStatisticsData": {
        "NumberOfTrues": 812, "NumberOfFalses": 170, "NumberOfNulls": 18}},
    "ship_day": {"Type": "DATE", "DateColumnStatisticsData": {
        "MinimumValue": datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc),
        "MaximumValue": datetime.datetime(2024, 6, 9, tzinfo=datetime.timezone.utc),
        "NumberOfNulls": 3, "NumberOfDistinctValues": 9}},
    "amount": {"Type": "DECIMAL", "DecimalColumnStatisticsData": {
        "MinimumValue": {"UnscaledValue": (-250).to_bytes(2, "big", signed=True), "Scale": 2},
        "MaximumValue": {"UnscaledValue": (1234567).to_bytes(3, "big", signed=True), "Scale": 2},
        "NumberOfNulls": 0, "NumberOfDistinctValues": 640}},
    "weight": {"Type": "DOUBLE", "DoubleColumnStatisticsData": {
        "MinimumValue": 0.125, "MaximumValue": 48.5, "NumberOfNulls": 7, "NumberOfDistinctValues": 233}},
    "quantity": {"Type": "LONG", "LongColumnStatisticsData": {
        "MinimumValue": 1, "MaximumValue": 5_000_000_000, "NumberOfNulls": 0, "NumberOfDistinctValues": 41}},
    "sku": {"Type": "STRING", "StringColumnStatisticsData": {
        "MaximumLength": 14, "AverageLength": 11.25, "NumberOfNulls": 0, "NumberOfDistinctValues": 380}},
    "thumbnail": {"Type": "BINARY", "BinaryColumnStatisticsData": {
        "MaximumLength": 20480, "AverageLength": 5120.5, "NumberOfNulls": 91}},
}


def statistics(column):
    return {"ColumnName": column["Name"], "ColumnType": column["Type"], "AnalyzedTime": ANALYZED,
            "StatisticsData": DATA[column["Name"]]}


def test_engine_keeps_partition_statistics(client, bucket, database):
    glue = client("glue")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "orders", "TableType": "EXTERNAL_TABLE", "PartitionKeys": [{"Name": "day", "Type": "string"}],
        "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/orders/"}})
    for day in ("2024-06-01", "2024-06-02"):
        glue.create_partition(DatabaseName=database, TableName="orders", PartitionInput={
            "Values": [day], "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/orders/day={day}/"}})
    day = ["2024-06-01"]
    written = glue.update_column_statistics_for_partition(
        DatabaseName=database, TableName="orders", PartitionValues=day,
        ColumnStatisticsList=[statistics(c) for c in COLUMNS])
    assert written["Errors"] == []

    names = [c["Name"] for c in COLUMNS]
    got = glue.get_column_statistics_for_partition(DatabaseName=database, TableName="orders",
                                                   PartitionValues=day, ColumnNames=names)
    assert got["Errors"] == []
    by_name = {s["ColumnName"]: s for s in got["ColumnStatisticsList"]}
    assert sorted(by_name) == sorted(names)
    for column in COLUMNS:
        assert by_name[column["Name"]] == statistics(column), column["Name"]
    decimal = by_name["amount"]["StatisticsData"]["DecimalColumnStatisticsData"]
    assert int.from_bytes(decimal["MinimumValue"]["UnscaledValue"], "big", signed=True) == -250
    assert int.from_bytes(decimal["MaximumValue"]["UnscaledValue"], "big", signed=True) == 1234567

    # the other day has no statistics of its own
    other = glue.get_column_statistics_for_partition(DatabaseName=database, TableName="orders",
                                                     PartitionValues=["2024-06-02"], ColumnNames=["sku"])
    assert other["ColumnStatisticsList"] == []
    assert [(e["ColumnName"], e["Error"]["ErrorCode"]) for e in other["Errors"]] == [("sku", "EntityNotFoundException")]

    # a column the table does not have comes back as an error entry; the rest is stored
    refreshed = dict(statistics(COLUMNS[5]), StatisticsData={"Type": "STRING", "StringColumnStatisticsData": {
        "MaximumLength": 16, "AverageLength": 12.0, "NumberOfNulls": 1, "NumberOfDistinctValues": 402}})
    stray = {"ColumnName": "coupon", "ColumnType": "string", "AnalyzedTime": ANALYZED,
             "StatisticsData": DATA["sku"]}
    errors = glue.update_column_statistics_for_partition(DatabaseName=database, TableName="orders",
                                                         PartitionValues=day,
                                                         ColumnStatisticsList=[refreshed, stray])["Errors"]
    assert [(e["ColumnStatistics"]["ColumnName"], e["Error"]["ErrorCode"]) for e in errors] == [
        ("coupon", "EntityNotFoundException")]
    assert glue.get_column_statistics_for_partition(
        DatabaseName=database, TableName="orders", PartitionValues=day,
        ColumnNames=["sku"])["ColumnStatisticsList"] == [refreshed]

    # the rewritten column's statistics are dropped; dropping again is no error
    glue.delete_column_statistics_for_partition(DatabaseName=database, TableName="orders",
                                                PartitionValues=day, ColumnName="thumbnail")
    glue.delete_column_statistics_for_partition(DatabaseName=database, TableName="orders",
                                                PartitionValues=day, ColumnName="thumbnail")
    left = glue.get_column_statistics_for_partition(DatabaseName=database, TableName="orders",
                                                    PartitionValues=day, ColumnNames=["thumbnail", "paid"])
    assert [s["ColumnName"] for s in left["ColumnStatisticsList"]] == ["paid"]
    assert [e["ColumnName"] for e in left["Errors"]] == ["thumbnail"]

    # statistics go with their partition
    glue.delete_partition(DatabaseName=database, TableName="orders", PartitionValues=day)
    assert error_of(glue.get_column_statistics_for_partition, DatabaseName=database, TableName="orders",
                    PartitionValues=day, ColumnNames=["paid"]) == (
        "EntityNotFoundException", "Partition [2024-06-01] not found")
    glue.create_partition(DatabaseName=database, TableName="orders", PartitionInput={
        "Values": day, "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/orders/day=2024-06-01/"}})
    assert glue.get_column_statistics_for_partition(DatabaseName=database, TableName="orders", PartitionValues=day,
                                                    ColumnNames=["paid"])["ColumnStatisticsList"] == []
