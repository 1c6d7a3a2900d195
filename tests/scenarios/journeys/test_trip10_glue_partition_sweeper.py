"""A data-platform engineer runs a nightly partition sweeper over a table partitioned by
(event_date string, shard int). It lists the month's partitions a page at a time with
ExcludeColumnSchema (only values and locations are needed), in parallel Segments that
together cover the month once, looks up a handful of partitions named in a manifest
with BatchGetPartition (those not registered are simply absent), moves two shards to a
new location with BatchUpdatePartition, and retires the old days with
BatchDeletePartition, whose Errors name what was already gone. A mistyped filter is
refused before anything is read."""
from trip_helpers import error_of

COLUMNS = [{"Name": "device", "Type": "string"}, {"Name": "reading", "Type": "double"}]
DAYS = ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]


def descriptor(bucket, day, shard, root="readings"):
    return {"Columns": COLUMNS, "Location": f"s3://{bucket}/{root}/event_date={day}/shard={shard}/",
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}}


def test_nightly_partition_sweeper(client, bucket, database):
    glue = client("glue")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "readings", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "json"},
        "StorageDescriptor": {**descriptor(bucket, "x", 0), "Location": f"s3://{bucket}/readings/"},
        "PartitionKeys": [{"Name": "event_date", "Type": "string"}, {"Name": "shard", "Type": "int"}]})
    inputs = [{"Values": [day, str(shard)], "StorageDescriptor": descriptor(bucket, day, shard)}
              for day in DAYS for shard in (1, 2, 10)]
    assert glue.batch_create_partition(DatabaseName=database, TableName="readings",
                                       PartitionInputList=inputs)["Errors"] == []

    february = "event_date BETWEEN '2024-02-01' AND '2024-02-29' AND shard >= 2"
    pages, token = [], None
    while True:
        kwargs = {"NextToken": token} if token else {}
        page = glue.get_partitions(DatabaseName=database, TableName="readings", Expression=february,
                                   MaxResults=4, ExcludeColumnSchema=True, **kwargs)
        pages.append(page["Partitions"])
        token = page.get("NextToken")
        if not token:
            break
    assert [len(page) for page in pages] == [4, 2]
    listed = [p for page in pages for p in page]
    assert sorted((p["Values"][0], int(p["Values"][1])) for p in listed) == [
        (day, shard) for day in DAYS[:3] for shard in (2, 10)]
    for found in listed:
        assert "Columns" not in found["StorageDescriptor"]
        assert found["StorageDescriptor"]["Location"] == descriptor(bucket, *found["Values"])["Location"]
        assert found["StorageDescriptor"]["SerdeInfo"] == {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}
    # without ExcludeColumnSchema the columns come back
    whole = glue.get_partitions(DatabaseName=database, TableName="readings", Expression="shard = 10",
                                MaxResults=1)["Partitions"]
    assert whole[0]["StorageDescriptor"]["Columns"] == COLUMNS

    segments = [glue.get_partitions(DatabaseName=database, TableName="readings", Expression=february,
                                    Segment={"SegmentNumber": n, "TotalSegments": 4})["Partitions"]
                for n in range(4)]
    assert sorted(tuple(p["Values"]) for s in segments for p in s) == sorted(tuple(p["Values"]) for p in listed)

    manifest = [["2024-02-28", "1"], ["2024-02-28", "3"], ["2024-03-02", "1"], ["2024-03-01", "10"]]
    got = glue.batch_get_partition(DatabaseName=database, TableName="readings",
                                   PartitionsToGet=[{"Values": v} for v in manifest])
    assert sorted(p["Values"] for p in got["Partitions"]) == [["2024-02-28", "1"], ["2024-03-01", "10"]]
    assert got["UnprocessedKeys"] == []

    moved = glue.batch_update_partition(DatabaseName=database, TableName="readings", Entries=[
        {"PartitionValueList": ["2024-03-01", shard], "PartitionInput": {
            "Values": ["2024-03-01", shard], "StorageDescriptor": descriptor(bucket, "2024-03-01", shard, "hot")}}
        for shard in ("1", "2", "7")])
    assert moved["Errors"] == [{"PartitionValueList": ["2024-03-01", "7"], "ErrorDetail": {
        "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Partition [2024-03-01, 7] not found"}}]
    hot = glue.get_partitions(DatabaseName=database, TableName="readings",
                              Expression="event_date = '2024-03-01' AND shard < 10")["Partitions"]
    assert sorted(p["StorageDescriptor"]["Location"] for p in hot) == [
        f"s3://{bucket}/hot/event_date=2024-03-01/shard=1/", f"s3://{bucket}/hot/event_date=2024-03-01/shard=2/"]

    old = glue.get_partitions(DatabaseName=database, TableName="readings",
                              Expression="event_date < '2024-02-29'")["Partitions"]
    retired = [{"Values": p["Values"]} for p in old] + [{"Values": ["2024-02-26", "1"]}]
    deleted = glue.batch_delete_partition(DatabaseName=database, TableName="readings", PartitionsToDelete=retired)
    assert deleted["Errors"] == [{"PartitionValues": ["2024-02-26", "1"], "ErrorDetail": {
        "ErrorCode": "EntityNotFoundException", "ErrorMessage": "Partition not found"}}]
    left = glue.get_partitions(DatabaseName=database, TableName="readings")["Partitions"]
    assert sorted(p["Values"][0] for p in left) == ["2024-02-29"] * 3 + ["2024-03-01"] * 3

    # a filter on a column that is not a partition key is refused in AWS's words
    assert error_of(glue.get_partitions, DatabaseName=database, TableName="readings",
                    Expression="device = 'probe-1'") == ("InvalidInputException", "Invalid partition expression!")
    assert error_of(glue.get_partitions, DatabaseName=database, TableName="nope") == (
        "EntityNotFoundException", "Table nope not found.")
