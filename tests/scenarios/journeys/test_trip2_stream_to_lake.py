"""A streaming lake: producers put JSON events on a Kinesis stream; a Firehose delivery
stream reads it (KinesisStreamAsSource), partitions by the event's `region` field, turns
the JSON into Parquet with a Glue table's schema and writes `events/region=.../`; a crawler
catalogs the partitions and Athena answers with partition pruning. Every event is counted."""
import json
import uuid

import pytest

from trip_helpers import athena_execution, partitioned_destination, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose"
# `region` is left out of the files' schema: it lives in the path, as the partition.
SCHEMA = [{"Name": "event_id", "Type": "bigint"}, {"Name": "user", "Type": "string"},
          {"Name": "amount", "Type": "double"}]


def run_query(athena, sql, database, output):
    execution = athena_execution(athena, sql, database, output)
    rows = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]["Rows"]
    return [[cell.get("VarCharValue") for cell in row["Data"]] for row in rows[1:]], execution["Statistics"]


@pytest.fixture
def source(client):
    kinesis = client("kinesis")
    name = f"clicks-{uuid.uuid4().hex[:10]}"
    kinesis.create_stream(StreamName=name, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    yield name, kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


@pytest.fixture
def delivery(client, bucket, database, source):
    glue, firehose = client("glue"), client("firehose")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "event_schema", "StorageDescriptor": {"Columns": SCHEMA, "Location": f"s3://{bucket}/schema/"}})
    name = f"lake-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=name, DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": source[1], "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={
            **partitioned_destination(bucket, "events/region=!{partitionKeyFromQuery:region}/", "region", ROLE,
                                      delimit=False),
            "DataFormatConversionConfiguration": {
                "Enabled": True,
                "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "event_schema"},
                "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {}}},
                "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {"Compression": "SNAPPY"}}}}})
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def test_kinesis_firehose_crawler_athena(client, clock, bucket, database, source, delivery):
    kinesis, s3, glue, athena = client("kinesis"), client("s3"), client("glue"), client("athena")
    events = [{"event_id": i, "region": ["eu", "us", "ap"][i % 3], "user": f"u{i % 7}", "amount": i * 1.5}
              for i in range(90)]
    for start in range(0, 90, 30):
        answer = kinesis.put_records(StreamName=source[0], Records=[
            {"Data": json.dumps(e).encode(), "PartitionKey": e["user"]} for e in events[start:start + 30]])
        assert answer["FailedRecordCount"] == 0
    clock(2)
    clock(61)

    def delivered():
        keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="events/")
                for o in page.get("Contents", [])]
        return keys if {k.split("/")[1] for k in keys} == {"region=eu", "region=us", "region=ap"} else None
    keys = wait_for(delivered)
    assert all(k.endswith(".parquet") for k in keys)
    assert s3.list_objects_v2(Bucket=bucket, Prefix="errors/")["KeyCount"] == 0

    crawler = f"lake-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=crawler, Role=ROLE, DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/events/"}]})
    try:
        glue.start_crawler(Name=crawler)
        wait_for(lambda: glue.get_crawler(Name=crawler)["Crawler"].get("LastCrawl")
                 and glue.get_crawler(Name=crawler)["Crawler"]["State"] == "READY")
        assert glue.get_crawler(Name=crawler)["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
        table = glue.get_table(DatabaseName=database, Name="events")["Table"]
        assert [c["Name"] for c in table["PartitionKeys"]] == ["region"]
        assert {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]} == {
            "event_id": "bigint", "user": "string", "amount": "double"}
        assert table["Parameters"]["classification"] == "parquet"
        partitions = glue.get_partitions(DatabaseName=database, TableName="events")["Partitions"]
        assert sorted(p["Values"][0] for p in partitions) == ["ap", "eu", "us"]

        output = f"s3://{bucket}/athena/"
        rows, everything = run_query(athena, 'SELECT region, count(*), sum(amount) FROM events '
                                             'GROUP BY region ORDER BY region', database, output)
        expected = {r: (sum(1 for e in events if e["region"] == r), sum(e["amount"] for e in events
                                                                          if e["region"] == r))
                    for r in ("ap", "eu", "us")}
        assert [(r, int(n), float(total)) for r, n, total in rows] == [
            (r, n, total) for r, (n, total) in sorted(expected.items())]
        rows, pruned = run_query(athena, "SELECT max(event_id), count(DISTINCT \"user\") FROM events "
                                         "WHERE region = 'eu'", database, output)
        assert rows == [["87", "7"]]
        assert 0 < pruned["DataScannedInBytes"] < everything["DataScannedInBytes"]
    finally:
        glue.delete_crawler(Name=crawler)
        for t in glue.get_tables(DatabaseName=database)["TableList"]:
            glue.delete_table(DatabaseName=database, Name=t["Name"])
