"""A platform engineer keeps an hourly table (dt string, hour int) in the Glue catalog by
API. Backfills register hours in batches (a repeated hour is answered in Errors and the
rest registered; a batch with an entry one value short is refused whole); downstream jobs pick
hours with Expressions on the int key (compared as numbers: hour > 9 finds 10 and 23),
IN, BETWEEN and NOT, and a parallel exporter reads the table in Segments that together
list every partition once. Column statistics are kept for each hour; when an hour is
recomputed (deleted and registered again) its old statistics are gone with it, while
the table's and the other hours' stay. BatchUpdatePartition moves hours to a new
location (an unknown hour is answered in Errors) or renames one (its statistics follow it),
and BatchDeletePartition retires hours."""
import datetime

import pytest

from trip_helpers import error_of

ANALYZED = datetime.datetime(2024, 8, 2, 1, 0, tzinfo=datetime.timezone.utc)
HOURS = (2, 9, 10, 23)


def storage(bucket, dt=None, hour=None, root="events"):
    location = f"s3://{bucket}/{root}/" + (f"dt={dt}/hour={hour}/" if dt else "")
    return {"Columns": [{"Name": "user", "Type": "string"}, {"Name": "clicks", "Type": "bigint"}],
            "Location": location,
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}


def clicks_stats(low, high):
    return [{"ColumnName": "clicks", "ColumnType": "bigint", "AnalyzedTime": ANALYZED, "StatisticsData": {
        "Type": "LONG", "LongColumnStatisticsData": {"MinimumValue": low, "MaximumValue": high,
                                                     "NumberOfNulls": 0, "NumberOfDistinctValues": high - low + 1}}}]


@pytest.fixture
def events(client, bucket, database):
    glue = client("glue")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "events", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
        "StorageDescriptor": storage(bucket),
        "PartitionKeys": [{"Name": "dt", "Type": "string"}, {"Name": "hour", "Type": "int"}]})
    return "events"


def test_hourly_partitions_by_api(client, bucket, database, events):
    glue = client("glue")
    first = [{"Values": [dt, str(h)], "StorageDescriptor": storage(bucket, dt, h)}
             for dt in ("2024-08-01", "2024-08-02") for h in HOURS]
    assert glue.batch_create_partition(DatabaseName=database, TableName=events,
                                       PartitionInputList=first[:6])["Errors"] == []
    # one entry short of a value refuses the whole batch (as Glue answers), then the rest goes in
    short = {"Values": ["2024-08-03"], "StorageDescriptor": storage(bucket)}
    assert error_of(glue.batch_create_partition, DatabaseName=database, TableName=events,
                    PartitionInputList=first[5:] + [short]) == (
        "InvalidInputException", "The number of partition keys do not match the number of partition values")
    errors = glue.batch_create_partition(DatabaseName=database, TableName=events,
                                         PartitionInputList=first[5:])["Errors"]
    assert [(e["PartitionValues"], e["ErrorDetail"]["ErrorCode"]) for e in errors] == [
        (["2024-08-02", "9"], "AlreadyExistsException")]
    assert errors[0]["ErrorDetail"]["ErrorMessage"] == "Partition already exists."

    def picked(expression):
        found = glue.get_partitions(DatabaseName=database, TableName=events, Expression=expression)["Partitions"]
        return sorted((p["Values"][0], int(p["Values"][1])) for p in found)

    assert picked("hour > 9") == [("2024-08-01", 10), ("2024-08-01", 23), ("2024-08-02", 10), ("2024-08-02", 23)]
    assert picked("dt = '2024-08-02' AND hour BETWEEN 9 AND 10") == [("2024-08-02", 9), ("2024-08-02", 10)]
    assert picked("hour IN (2, 23) AND NOT dt = '2024-08-01'") == [("2024-08-02", 2), ("2024-08-02", 23)]
    assert picked("dt LIKE '%-01' AND hour < 10") == [("2024-08-01", 2), ("2024-08-01", 9)]

    segments = [glue.get_partitions(DatabaseName=database, TableName=events,
                                    Segment={"SegmentNumber": n, "TotalSegments": 3})["Partitions"]
                for n in range(3)]
    listed = [tuple(p["Values"]) for segment in segments for p in segment]
    assert sorted(listed) == sorted(tuple(p["Values"]) for p in first) and len(listed) == 8

    for hour, (low, high) in {"9": (1, 4), "10": (2, 7)}.items():
        assert glue.update_column_statistics_for_partition(
            DatabaseName=database, TableName=events, PartitionValues=["2024-08-01", hour],
            ColumnStatisticsList=clicks_stats(low, high))["Errors"] == []
    assert glue.update_column_statistics_for_table(DatabaseName=database, TableName=events,
                                                   ColumnStatisticsList=clicks_stats(1, 9))["Errors"] == []

    # hour 9 is recomputed: retired and registered again, without statistics until they are computed anew
    assert glue.batch_delete_partition(DatabaseName=database, TableName=events,
                                       PartitionsToDelete=[{"Values": ["2024-08-01", "9"]}])["Errors"] == []
    glue.create_partition(DatabaseName=database, TableName=events,
                          PartitionInput={"Values": ["2024-08-01", "9"],
                                          "StorageDescriptor": storage(bucket, "2024-08-01", 9)})
    got = glue.get_column_statistics_for_partition(DatabaseName=database, TableName=events,
                                                   PartitionValues=["2024-08-01", "9"], ColumnNames=["clicks"])
    assert got["ColumnStatisticsList"] == []
    assert [e["Error"]["ErrorCode"] for e in got["Errors"]] == ["EntityNotFoundException"]
    kept = glue.get_column_statistics_for_partition(DatabaseName=database, TableName=events,
                                                    PartitionValues=["2024-08-01", "10"], ColumnNames=["clicks"])
    assert kept["ColumnStatisticsList"][0]["StatisticsData"]["LongColumnStatisticsData"]["MaximumValue"] == 7
    table = glue.get_column_statistics_for_table(DatabaseName=database, TableName=events, ColumnNames=["clicks"])
    assert table["ColumnStatisticsList"][0]["StatisticsData"]["LongColumnStatisticsData"]["MaximumValue"] == 9

    moved = glue.batch_update_partition(DatabaseName=database, TableName=events, Entries=[
        {"PartitionValueList": ["2024-08-02", str(h)],
         "PartitionInput": {"Values": ["2024-08-02", str(h)],
                            "StorageDescriptor": storage(bucket, "2024-08-02", h, root="events-v2")}}
        for h in (2, 9, 11)])["Errors"]
    assert [(e["PartitionValueList"], e["ErrorDetail"]) for e in moved] == [
        (["2024-08-02", "11"], {"ErrorCode": "EntityNotFoundException",
                                "ErrorMessage": "Partition [2024-08-02, 11] not found"})]
    locations = {int(p["Values"][1]): p["StorageDescriptor"]["Location"] for p in glue.get_partitions(
        DatabaseName=database, TableName=events, Expression="dt = '2024-08-02' AND hour < 10")["Partitions"]}
    assert locations == {2: f"s3://{bucket}/events-v2/dt=2024-08-02/hour=2/",
                         9: f"s3://{bucket}/events-v2/dt=2024-08-02/hour=9/"}

    # hour 10 was filed under the wrong hour: renamed to 11, its statistics go with it
    assert glue.batch_update_partition(DatabaseName=database, TableName=events, Entries=[
        {"PartitionValueList": ["2024-08-01", "10"],
         "PartitionInput": {"Values": ["2024-08-01", "11"],
                            "StorageDescriptor": storage(bucket, "2024-08-01", 11)}}])["Errors"] == []
    renamed = glue.get_column_statistics_for_partition(DatabaseName=database, TableName=events,
                                                       PartitionValues=["2024-08-01", "11"], ColumnNames=["clicks"])
    assert renamed["ColumnStatisticsList"][0]["StatisticsData"]["LongColumnStatisticsData"]["MaximumValue"] == 7
    glue.create_partition(DatabaseName=database, TableName=events,
                          PartitionInput={"Values": ["2024-08-01", "10"],
                                          "StorageDescriptor": storage(bucket, "2024-08-01", 10)})
    assert glue.get_column_statistics_for_partition(DatabaseName=database, TableName=events,
                                                    PartitionValues=["2024-08-01", "10"],
                                                    ColumnNames=["clicks"])["ColumnStatisticsList"] == []

    gone = glue.batch_delete_partition(DatabaseName=database, TableName=events, PartitionsToDelete=[
        {"Values": ["2024-08-02", "23"]}, {"Values": ["2024-08-05", "1"]}])["Errors"]
    assert [e["PartitionValues"] for e in gone] == [["2024-08-05", "1"]]
    assert len(glue.get_partitions(DatabaseName=database, TableName=events)["Partitions"]) == 8
