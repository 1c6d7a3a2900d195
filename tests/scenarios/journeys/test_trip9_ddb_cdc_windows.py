"""A data engineer schedules change capture of an inventory table into the lake with
back-to-back incremental exports (ExportType INCREMENTAL_EXPORT), each window starting
where the last one ended. The first run, before anyone turned on point-in-time
recovery, is refused with DynamoDB's InvalidExportTimeException; after that every change
lands in exactly one window (from inclusive, to exclusive), with the images the
NEW_AND_OLD_IMAGES view writes, the manifests say how many lines each data file holds,
and ListExports tells the runs apart by ExportType."""
import datetime
import gzip
import json

import pytest

from trip_helpers import error_of, keyed_table, wait_export

pytestmark = pytest.mark.local_only          # the windows are made by moving the lakebox clock


def run(ddb, table_arn, bucket, since, until) -> dict:
    arn = ddb.export_table_to_point_in_time(
        TableArn=table_arn, S3Bucket=bucket, S3Prefix="cdc/inventory", ExportType="INCREMENTAL_EXPORT",
        IncrementalExportSpecification={"ExportFromTime": since, "ExportToTime": until})["ExportDescription"]["ExportArn"]
    return wait_export(ddb, arn)


def changes(s3, bucket, description) -> tuple[dict, list]:
    """The export's summary manifest and its lines, Metadata left out, in key order; each
    data file's line count checked against manifest-files.json."""
    summary = json.loads(s3.get_object(Bucket=bucket, Key=description["ExportManifest"])["Body"].read())
    lines = []
    for entry in s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().splitlines():
        entry = json.loads(entry)
        data = gzip.decompress(s3.get_object(Bucket=bucket, Key=entry["dataFileS3Key"])["Body"].read()).splitlines()
        assert entry["itemCount"] == len(data)
        lines += [json.loads(line) for line in data]
    assert all(set(line["Metadata"]) == {"WriteTimestampMicros"} for line in lines)
    return summary, sorted(({k: v for k, v in line.items() if k != "Metadata"} for line in lines),
                           key=lambda line: line["Keys"]["sku"]["S"])


def test_back_to_back_windows(client, resource, clock, bucket, table_name):
    ddb, s3 = client("dynamodb"), client("s3")
    table = keyed_table(resource("dynamodb"), table_name, "sku")
    table.put_item(Item={"sku": "bolt", "stock": 10})
    table.put_item(Item={"sku": "nut", "stock": 5})
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]

    hour_ago = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)).replace(microsecond=0)
    assert error_of(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket=bucket, ExportType="INCREMENTAL_EXPORT",
                    IncrementalExportSpecification={"ExportFromTime": hour_ago}) == (
        "InvalidExportTimeException", "Incremental export period from time cannot be less than the table creation "
                                      f"time : {hour_ago.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    assert ddb.list_exports(TableArn=arn)["ExportSummaries"] == []

    ddb.update_continuous_backups(TableName=table_name,
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    first_from = ddb.describe_continuous_backups(TableName=table_name)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"].replace(microsecond=0)
    first_to = second_from = first_from + datetime.timedelta(minutes=20)
    second_to = second_from + datetime.timedelta(minutes=16)
    clock(60)
    table.update_item(Key={"sku": "bolt"}, UpdateExpression="SET stock = stock - :n", ExpressionAttributeValues={":n": 3})
    table.put_item(Item={"sku": "washer", "stock": 100})
    clock(20 * 60)                                                    # past the first window's end
    table.delete_item(Key={"sku": "nut"})
    table.update_item(Key={"sku": "washer"}, UpdateExpression="SET stock = :n", ExpressionAttributeValues={":n": 90})
    clock(16 * 60)

    first = run(ddb, arn, bucket, first_from, first_to)
    assert (first["ExportStatus"], first["ExportType"], first["ItemCount"]) == ("COMPLETED", "INCREMENTAL_EXPORT", 2)
    assert first["IncrementalExportSpecification"] == {"ExportFromTime": first_from, "ExportToTime": first_to,
                                                       "ExportViewType": "NEW_AND_OLD_IMAGES"}
    summary, lines = changes(s3, bucket, first)
    assert (summary["exportType"], summary["outputView"], summary["itemCount"], summary["s3Prefix"]) == (
        "INCREMENTAL_EXPORT", "NEW_AND_OLD_IMAGES", 2, "cdc/inventory")
    assert lines == [
        {"Keys": {"sku": {"S": "bolt"}}, "NewImage": {"sku": {"S": "bolt"}, "stock": {"N": "7"}},
         "OldImage": {"sku": {"S": "bolt"}, "stock": {"N": "10"}}},
        {"Keys": {"sku": {"S": "washer"}}, "NewImage": {"sku": {"S": "washer"}, "stock": {"N": "100"}}}]

    second = run(ddb, arn, bucket, second_from, second_to)
    assert (second["ExportStatus"], second["ItemCount"]) == ("COMPLETED", 2)
    _, lines = changes(s3, bucket, second)
    assert lines == [
        {"Keys": {"sku": {"S": "nut"}}, "OldImage": {"sku": {"S": "nut"}, "stock": {"N": "5"}}},
        {"Keys": {"sku": {"S": "washer"}}, "NewImage": {"sku": {"S": "washer"}, "stock": {"N": "90"}},
         "OldImage": {"sku": {"S": "washer"}, "stock": {"N": "100"}}}]

    listed = ddb.list_exports(TableArn=arn)["ExportSummaries"]
    assert [(s["ExportArn"], s["ExportStatus"], s["ExportType"]) for s in listed] == [
        (second["ExportArn"], "COMPLETED", "INCREMENTAL_EXPORT"), (first["ExportArn"], "COMPLETED", "INCREMENTAL_EXPORT")]
