"""Device telemetry into an ORC lake: devices send nested JSON readings in
PutRecordBatch calls to a DirectPut Firehose stream; dynamic partitioning takes the
device type and the day (a JQ slice of the reading's timestamp) for the key, and the
records are converted to ORC with a Glue table's schema (a struct, an array and a
timestamp); a reading that is not JSON lands under the error prefix with its raw bytes;
a crawler catalogs the delivered partitions and Athena answers per type and day."""
import base64
import json
import uuid

import pytest

from trip_helpers import athena_rows, wait_crawled, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose"
SCHEMA = [{"Name": "device", "Type": "struct<type:string,id:string>"}, {"Name": "reading_at", "Type": "timestamp"},
          {"Name": "temp", "Type": "double"}, {"Name": "tags", "Type": "array<string>"}]


def reading(i):
    kind = ["thermostat", "freezer"][i % 2]
    return {"device": {"type": kind, "id": f"{kind[:3]}-{i % 3}"},
            "reading_at": f"2024-06-0{1 + i // 2 % 2} 1{i % 10}:00:00",
            "temp": (21.5 if kind == "thermostat" else -18.0) + i / 10, "tags": ["site-a"] + ["alarm"] * (i % 5 == 0)}


@pytest.fixture
def telemetry(client, bucket, database):
    glue, firehose = client("glue"), client("firehose")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "reading_schema", "StorageDescriptor": {"Columns": SCHEMA, "Location": f"s3://{bucket}/schema/"}})
    name = f"telemetry-{uuid.uuid4().hex[:10]}"
    firehose.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="DirectPut",
                                    ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
        "Prefix": "telemetry/kind=!{partitionKeyFromQuery:kind}/day=!{partitionKeyFromQuery:day}/",
        "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
        "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
        "DynamicPartitioningConfiguration": {"Enabled": True},
        "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery",
             "ParameterValue": "{kind: .device.type, day: .reading_at[0:10]}"},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]},
        "DataFormatConversionConfiguration": {
            "Enabled": True,
            "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "reading_schema"},
            "InputFormatConfiguration": {"Deserializer": {"HiveJsonSerDe": {}}},
            "OutputFormatConfiguration": {"Serializer": {"OrcSerDe": {"Compression": "ZLIB"}}}}})
    wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
    yield name
    firehose.delete_delivery_stream(DeliveryStreamName=name)


def listed(s3, bucket, prefix):
    return [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for o in page.get("Contents", [])]


def test_telemetry_to_orc_partitions_crawled_and_queried(client, clock, bucket, database, telemetry):
    firehose, s3, glue, athena = client("firehose"), client("s3"), client("glue"), client("athena")
    readings = [reading(i) for i in range(40)]
    for start in (0, 20):
        answer = firehose.put_record_batch(DeliveryStreamName=telemetry, Records=[
            {"Data": json.dumps(r).encode()} for r in readings[start:start + 20]])
        assert answer["FailedPutCount"] == 0
        assert len(answer["RequestResponses"]) == 20
    broken = b"device=fre-1;temp=-17.5"
    firehose.put_record(DeliveryStreamName=telemetry, Record={"Data": broken})
    clock(61)

    expected_dirs = {f"telemetry/kind={k}/day=2024-06-0{d}" for k in ("thermostat", "freezer") for d in (1, 2)}
    keys = wait_for(lambda: (found := listed(s3, bucket, "telemetry/"))
                    and {k.rsplit("/", 1)[0] for k in found} == expected_dirs and found)
    assert all(k.endswith(".orc") for k in keys)
    assert s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read(3) == b"ORC"
    errors = wait_for(lambda: listed(s3, bucket, "errors/"))
    assert all(k.startswith("errors/processing-failed/") for k in errors)
    failed = [json.loads(line) for k in errors
              for line in s3.get_object(Bucket=bucket, Key=k)["Body"].read().decode().splitlines()]
    assert [base64.b64decode(f["rawData"]) for f in failed] == [broken]
    assert failed[0]["errorCode"] == "DynamicPartitioning.MetadataExtractionFailed"

    crawler = f"telemetry-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=crawler, Role=ROLE, DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/telemetry/"}]})
    try:
        glue.start_crawler(Name=crawler)
        wait_crawled(glue, crawler)
    finally:
        glue.delete_crawler(Name=crawler)
    table = glue.get_table(DatabaseName=database, Name="telemetry")["Table"]
    assert table["Parameters"]["classification"] == "orc"
    assert [c["Name"] for c in table["PartitionKeys"]] == ["kind", "day"]
    assert {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]} == {
        "device": "struct<type:string,id:string>", "reading_at": "timestamp", "temp": "double",
        "tags": "array<string>"}
    partitions = glue.get_partitions(DatabaseName=database, TableName="telemetry")["Partitions"]
    assert sorted(p["Values"] for p in partitions) == [[k, f"2024-06-0{d}"] for k in ("freezer", "thermostat")
                                                       for d in (1, 2)]

    output = f"s3://{bucket}/athena/"
    rows = athena_rows(athena, "SELECT kind, day, count(*), round(avg(temp), 2), "
                               "count_if(contains(tags, 'alarm')) FROM telemetry GROUP BY kind, day "
                               "ORDER BY kind, day", database, output)
    expected = []
    for kind in ("freezer", "thermostat"):
        for day in ("2024-06-01", "2024-06-02"):
            group = [r for r in readings if r["device"]["type"] == kind and r["reading_at"].startswith(day)]
            expected.append((kind, day, len(group), sum(r["temp"] for r in group) / len(group),
                             sum("alarm" in r["tags"] for r in group)))
    assert [(k, d, int(n), float(avg), int(alarms)) for k, d, n, avg, alarms in rows] == [
        (k, d, n, pytest.approx(avg, abs=0.006), alarms) for k, d, n, avg, alarms in expected]
    rows = athena_rows(athena, "SELECT device.id, reading_at, temp FROM telemetry WHERE kind = 'freezer' "
                               "AND day = '2024-06-02' AND hour(reading_at) = 11 ORDER BY device.id", database, output)
    matching = sorted((r["device"]["id"], r["reading_at"] + ".000", r["temp"]) for r in readings
                      if r["device"]["type"] == "freezer" and r["reading_at"].startswith("2024-06-02 11"))
    assert len(matching) == 2
    assert [(i, at, float(t)) for i, at, t in rows] == matching
