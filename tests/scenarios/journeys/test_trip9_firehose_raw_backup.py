"""A compliance-minded data engineer keeps the raw feed beside the curated lake: an
ExtendedS3 delivery stream converts sensor readings to Parquet (OpenX JSON SerDe, a
ColumnToJsonKeyMappings entry for a key that is not a column name) and, with S3BackupMode
Enabled, writes every source record as it came to a GZIP backup under `raw/`; CloudWatch
logging options are set and shown back. A week later the team moves the curated prefix
with UpdateDestination (the version id moves on, a stale version id is refused), and the
next flush lands under the new prefix while the backup keeps its own. A Glue crawler over
the curated prefix catalogs one Parquet table (the version folder and the YYYY/MM/dd/HH/
folders Firehose adds after a Prefix without expressions as five partition keys) whose
Athena answers are exact, and the
backup's gzipped lines are the bytes the sensors sent."""
import gzip
import io
import json

import pyarrow.parquet as pq
import pytest

from trip_helpers import athena_rows, crawl_once, error_of, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-delivery"
COLUMNS = [{"Name": "sensor", "Type": "string"}, {"Name": "reading", "Type": "double"},
           {"Name": "taken_at", "Type": "timestamp"}]
LOGGING = {"Enabled": True, "LogGroupName": "/aws/kinesisfirehose/sensors", "LogStreamName": "DestinationDelivery"}


def reading(n):
    return {"sensor": f"s-{n % 4}", "value": round(20 + n * 0.5, 1), "taken_at": 1717243200 + 60 * n}


def test_curated_parquet_with_raw_backup_moved_and_crawled(client, clock, bucket, database, delivery_streams):
    firehose, s3, glue, athena = client("firehose"), client("s3"), client("glue"), client("athena")
    glue.create_table(DatabaseName=database, TableInput={
        "Name": "sensor_schema", "StorageDescriptor": {"Columns": COLUMNS, "Location": f"s3://{bucket}/schema/"}})
    name = delivery_streams("sensors", DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration={
        "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "curated/v1/",
        "ErrorOutputPrefix": "curated-errors/", "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
        "CloudWatchLoggingOptions": LOGGING,
        "S3BackupMode": "Enabled",
        "S3BackupConfiguration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "raw/",
                                  "CompressionFormat": "GZIP",
                                  "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60}},
        "DataFormatConversionConfiguration": {
            "SchemaConfiguration": {"RoleARN": ROLE, "DatabaseName": database, "TableName": "sensor_schema"},
            "InputFormatConfiguration": {"Deserializer": {"OpenXJsonSerDe": {
                "ColumnToJsonKeyMappings": {"reading": "value"}}}},
            "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {}}}}})
    described = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    extended = described["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert extended["CloudWatchLoggingOptions"] == LOGGING
    assert extended["S3BackupMode"] == "Enabled"
    assert extended["S3BackupDescription"]["Prefix"] == "raw/"
    assert extended["S3BackupDescription"]["CompressionFormat"] == "GZIP"
    assert described["VersionId"] == "1"

    sent = [json.dumps(reading(n)).encode() + b"\n" for n in range(20)]
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": d} for d in sent[:10]])
    clock(61)
    first = wait_for(lambda: keys_under(s3, bucket, "curated/v1/"))
    assert all(k.endswith(".parquet") for k in first)

    destination_id = described["Destinations"][0]["DestinationId"]
    firehose.update_destination(DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                                DestinationId=destination_id,
                                ExtendedS3DestinationUpdate={"Prefix": "curated/v2/"})
    assert error_of(firehose.update_destination, DeliveryStreamName=name, CurrentDeliveryStreamVersionId="1",
                    DestinationId=destination_id, ExtendedS3DestinationUpdate={"Prefix": "curated/v3/"}) == (
        "ConcurrentModificationException",
        f"Cannot update firehose: {name} since the current version id: 1 and latest version id: 2 does not match")
    updated = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    assert updated["VersionId"] == "2"
    assert "LastUpdateTimestamp" in updated
    kept = updated["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert kept["Prefix"] == "curated/v2/"
    assert kept["DataFormatConversionConfiguration"]["Enabled"] is True
    assert kept["S3BackupDescription"]["Prefix"] == "raw/"

    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": d} for d in sent[10:]])
    clock(61)
    second = wait_for(lambda: keys_under(s3, bucket, "curated/v2/"))
    assert all(f"{name}-2-" in k for k in second), second
    assert all(f"{name}-1-" in k for k in first), first

    raw = wait_for(lambda: len(keys_under(s3, bucket, "raw/")) >= 2 and keys_under(s3, bucket, "raw/"))
    assert all(k.endswith(".gz") for k in raw)
    lines = b"".join(gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in sorted(raw))
    assert sorted(lines.splitlines(keepends=True)) == sorted(sent)

    table = pq.read_table(io.BytesIO(s3.get_object(Bucket=bucket, Key=second[0])["Body"].read()))
    assert table.column_names == ["sensor", "reading", "taken_at"]
    assert sorted(table.column("reading").to_pylist()) == [20 + n * 0.5 for n in range(10, 20)]

    crawler = crawl_once(glue, ROLE, database, f"s3://{bucket}/curated/")
    try:
        tables = {t["Name"]: t for t in glue.get_tables(DatabaseName=database)["TableList"]}
        assert set(tables) == {"sensor_schema", "curated"}
        assert [c["Name"] for c in tables["curated"]["StorageDescriptor"]["Columns"]] == [
            "sensor", "reading", "taken_at"]
        # a Prefix without expressions is followed by Firehose's YYYY/MM/dd/HH/ folders
        assert [k["Name"] for k in tables["curated"]["PartitionKeys"]] == [f"partition_{i}" for i in range(5)]
        rows = athena_rows(athena, "SELECT partition_0, count(*), sum(reading), min(taken_at) FROM curated "
                                   "GROUP BY partition_0 ORDER BY partition_0", database, f"s3://{bucket}/results/")
        assert rows == [["v1", "10", str(sum(20 + n * 0.5 for n in range(10))), "2024-06-01 12:00:00.000"],
                        ["v2", "10", str(sum(20 + n * 0.5 for n in range(10, 20))), "2024-06-01 12:10:00.000"]]
    finally:
        glue.delete_crawler(Name=crawler)
