"""A nightly CDC job that feeds the lake from DynamoDB without streams: a full export once,
then incremental exports (ExportType INCREMENTAL_EXPORT) of the window since the last
run, which hold only the items inserted, updated or deleted in that window
(https://aws.amazon.com/blogs/database/introducing-incremental-export-from-amazon-dynamodb-to-amazon-s3/)."""
import datetime
import gzip
import json

import pytest

from trip_helpers import exportable_table, wait_for

pytestmark = pytest.mark.local_only          # the export window is made by moving the lakebox clock


def exported_lines(s3, bucket, description) -> list:
    manifest = description["ExportManifest"]
    summary = json.loads(s3.get_object(Bucket=bucket, Key=manifest)["Body"].read())
    listing = s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().decode()
    lines = []
    for entry in listing.splitlines():
        key = json.loads(entry)["dataFileS3Key"]
        lines += gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).decode().splitlines()
    return [json.loads(line) for line in lines]


def export(ddb, table_arn, bucket, **kwargs) -> dict:
    arn = ddb.export_table_to_point_in_time(TableArn=table_arn, S3Bucket=bucket, S3Prefix="cdc", **kwargs)[
        "ExportDescription"]["ExportArn"]

    def finished():
        description = ddb.describe_export(ExportArn=arn)["ExportDescription"]
        return description if description["ExportStatus"] != "IN_PROGRESS" else None
    return wait_for(finished)


def test_incremental_export_holds_only_the_window_changes(client, resource, clock, bucket, table_name):
    ddb, s3 = client("dynamodb"), client("s3")
    table = exportable_table(resource("dynamodb"), table_name, "sku")
    for n in range(5):
        table.put_item(Item={"sku": f"s{n}", "stock": n})
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]
    full = export(ddb, arn, bucket)
    assert (full["ExportStatus"], full["ItemCount"]) == ("COMPLETED", 5)

    since = full["ExportTime"] + datetime.timedelta(minutes=11)          # the next run's window starts here
    clock(660)
    table.update_item(Key={"sku": "s1"}, UpdateExpression="SET stock = :v", ExpressionAttributeValues={":v": 10})
    table.delete_item(Key={"sku": "s2"})
    table.put_item(Item={"sku": "s9", "stock": 1})
    clock(1800)
    until = since + datetime.timedelta(minutes=25)                      # a window of 15 minutes to 24 hours, past
    incremental = export(ddb, arn, bucket, ExportType="INCREMENTAL_EXPORT", IncrementalExportSpecification={
        "ExportFromTime": since, "ExportToTime": until, "ExportViewType": "NEW_AND_OLD_IMAGES"})
    assert incremental["ExportStatus"] == "COMPLETED"
    assert incremental["ItemCount"] == 3                                  # s1 updated, s2 deleted, s9 inserted
    changed = sorted(line["Keys"]["sku"]["S"] for line in exported_lines(s3, bucket, incremental))
    assert changed == ["s1", "s2", "s9"]
