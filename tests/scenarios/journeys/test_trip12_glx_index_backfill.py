"""A team adds partition indexes to a table Spark has been writing for months. Spark left
a partition whose hour is `__HIVE_DEFAULT_PARTITION__` (a null hour) and a job once wrote
the impossible day 2024-02-30 under a `date` key, so the index over (event_date, hour)
fails its backfill: GetPartitionIndexes lists it FAILED with an
INVALID_PARTITION_TYPE_DATA_ERROR naming those two partitions (Glue API reference,
PartitionIndexDescriptor and BackfillError), while an index over the string key `source`
becomes ACTIVE. The team removes the bad partitions, drops and recreates the index, and
its lookups (equalities on the leading keys, BETWEEN, IN, LIKE, AND before OR) answer
the partitions a full scan would."""
from trip_helpers import error_of, wait_for

KEYS = [{"Name": "event_date", "Type": "date"}, {"Name": "hour", "Type": "int"}, {"Name": "source", "Type": "string"}]


def indexes(glue, database):
    """The indexes once none is still CREATING (a client polls as for any backfill)."""
    def settled():
        found = glue.get_partition_indexes(DatabaseName=database, TableName="events")["PartitionIndexDescriptorList"]
        return found if all(i["IndexStatus"] != "CREATING" for i in found) else None
    return {i["IndexName"]: i for i in wait_for(settled)}


def test_indexes_added_to_a_spark_table(client, bucket, database):
    glue = client("glue")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "events", "TableType": "EXTERNAL_TABLE", "PartitionKeys": KEYS,
        "StorageDescriptor": {"Columns": [{"Name": "payload", "Type": "string"}],
                              "Location": f"s3://{bucket}/events/"}})
    good = [[day, str(hour), source] for day in ("2024-02-28", "2024-02-29", "2024-03-01")
            for hour in (0, 3, 5, 23) for source in ("web", "webview", "ios")]
    bad = [["2024-02-29", "__HIVE_DEFAULT_PARTITION__", "web"], ["2024-02-30", "4", "ios"]]
    for start in range(0, len(good + bad), 100):
        assert glue.batch_create_partition(DatabaseName=database, TableName="events", PartitionInputList=[
            {"Values": values, "StorageDescriptor": {"Location": f"s3://{bucket}/events/{'/'.join(values)}/"}}
            for values in (good + bad)[start:start + 100]])["Errors"] == []

    glue.create_partition_index(DatabaseName=database, TableName="events",
                                PartitionIndex={"IndexName": "by_day_hour", "Keys": ["event_date", "hour"]})
    glue.create_partition_index(DatabaseName=database, TableName="events",
                                PartitionIndex={"IndexName": "by_source", "Keys": ["source"]})
    found = indexes(glue, database)
    assert found["by_source"] == {"IndexName": "by_source", "Keys": [{"Name": "source", "Type": "string"}],
                                  "IndexStatus": "ACTIVE"}
    failed = found["by_day_hour"]
    assert (failed["IndexStatus"], failed["Keys"]) == (
        "FAILED", [{"Name": "event_date", "Type": "date"}, {"Name": "hour", "Type": "int"}])
    assert [error["Code"] for error in failed["BackfillErrors"]] == ["INVALID_PARTITION_TYPE_DATA_ERROR"]
    assert sorted(p["Values"] for p in failed["BackfillErrors"][0]["Partitions"]) == sorted(bad)

    # fix the data, then register the index again
    assert glue.batch_delete_partition(DatabaseName=database, TableName="events",
                                       PartitionsToDelete=[{"Values": v} for v in bad])["Errors"] == []
    glue.delete_partition_index(DatabaseName=database, TableName="events", IndexName="by_day_hour")
    assert error_of(glue.delete_partition_index, DatabaseName=database, TableName="events",
                    IndexName="by_day_hour") == (
        "EntityNotFoundException", "Index with the given indexName : by_day_hour does not exist.")
    glue.create_partition_index(DatabaseName=database, TableName="events",
                                PartitionIndex={"IndexName": "by_day_hour", "Keys": ["event_date", "hour"]})
    assert {name: i["IndexStatus"] for name, i in indexes(glue, database).items()} == {
        "by_day_hour": "ACTIVE", "by_source": "ACTIVE"}
    assert "BackfillErrors" not in indexes(glue, database)["by_day_hour"]

    def lookup(expression):
        pages = glue.get_paginator("get_partitions").paginate(
            DatabaseName=database, TableName="events", Expression=expression, ExcludeColumnSchema=True,
            PaginationConfig={"PageSize": 7})
        return sorted(p["Values"] for page in pages for p in page["Partitions"])

    assert lookup("event_date = '2024-02-29' AND hour BETWEEN 3 AND 5 AND source = 'ios'") == [
        ["2024-02-29", "3", "ios"], ["2024-02-29", "5", "ios"]]
    assert lookup("event_date > '2024-02-28' AND hour IN (0, 23) AND source LIKE 'web%'") == sorted(
        [day, hour, source] for day in ("2024-02-29", "2024-03-01") for hour in ("0", "23")
        for source in ("web", "webview"))
    # AND binds tighter than OR
    assert lookup("source = 'ios' AND hour = 23 AND event_date = '2024-03-01' OR hour < 0") == [
        ["2024-03-01", "23", "ios"]]
    assert lookup("(source = 'ios' OR source = 'web') AND event_date = '2024-02-28' AND NOT hour >= 3") == [
        ["2024-02-28", "0", "ios"], ["2024-02-28", "0", "web"]]
    # hours compare as numbers: 23 is above 5 though '23' < '5' as text
    assert lookup("event_date = '2024-03-01' AND source = 'web' AND hour > 5") == [["2024-03-01", "23", "web"]]
