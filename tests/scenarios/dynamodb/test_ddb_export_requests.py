"""ExportTableToPointInTime's request rules and incremental exports, with the words
DynamoDB answers them with (replies recorded from DynamoDB: the couplings of ExportType
and IncrementalExportSpecification, a KMS key without KMS, an export time outside the
window, a ClientToken replayed with other parameters, a bucket that does not exist), and
an incremental export's lines (S3DataExport.Output: Metadata.WriteTimestampMicros, Keys,
NewImage and, under NEW_AND_OLD_IMAGES, OldImage)."""
import datetime
import gzip
import json
import time
import uuid

import pytest
from ddb_helpers import error_of, finished_export

MINUTE = 60


@pytest.fixture
def table(ddb, make_table):
    name = make_table()
    ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    return ddb.describe_table(TableName=name)["Table"]["TableArn"]


def test_export_request_refusals(ddb, table, bucket):
    start = ddb.export_table_to_point_in_time
    name = table.rsplit("/", 1)[1]
    assert error_of(start, TableArn=name, S3Bucket=bucket) == (
        "ValidationException", "One or more parameter values were invalid: tableArn is not a valid ARN")
    missing = table.rsplit("/", 1)[0] + "/no-such-table-here"
    assert error_of(start, TableArn=missing, S3Bucket=bucket) == ("TableNotFoundException", f"Table not found: {missing}")
    assert error_of(start, TableArn=table, S3Bucket=bucket, S3SseKmsKeyId="alias/aws/s3") == (
        "ValidationException", "Invalid Request: KMS Key Id is not supported for this encryption type")
    assert error_of(start, TableArn=table, S3Bucket=bucket, S3SseAlgorithm="AES256", S3SseKmsKeyId="alias/aws/s3") == (
        "ValidationException", "Invalid Request: KMS Key Id is not supported for this encryption type")
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    assert error_of(start, TableArn=table, S3Bucket=bucket, ExportTime=later) == (
        "InvalidExportTimeException", "Export Time is invalid")
    since = {"ExportFromTime": later - datetime.timedelta(hours=2)}
    assert error_of(start, TableArn=table, S3Bucket=bucket, IncrementalExportSpecification=since) == (
        "ValidationException", "Invalid Request: Export Type expected to be Incremental Export when incremental "
                               "export specification is provided")
    assert error_of(start, TableArn=table, S3Bucket=bucket, ExportType="FULL_EXPORT",
                    IncrementalExportSpecification=since) == (
        "ValidationException", "Invalid Request: When Export Type is Full Export , Incremental Export Specification "
                               "should not be provided")
    assert error_of(start, TableArn=table, S3Bucket=bucket, ExportType="INCREMENTAL_EXPORT") == (
        "ValidationException", "Invalid Request: Incremental Export Specification expected when export type is set "
                               "as Incremental Export")
    assert error_of(start, TableArn=table, S3Bucket=bucket, ExportType="INCREMENTAL_EXPORT",
                    IncrementalExportSpecification={"ExportViewType": "NEW_IMAGE"}) == (
        "ValidationException", "Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification")
    assert ddb.list_exports(TableArn=table)["ExportSummaries"] == []


def test_client_token_replay_and_conflict(ddb, table, bucket):
    token = uuid.uuid4().hex
    first = ddb.export_table_to_point_in_time(TableArn=table, S3Bucket=bucket, ClientToken=token)["ExportDescription"]
    again = ddb.export_table_to_point_in_time(TableArn=table, S3Bucket=bucket, ClientToken=token)["ExportDescription"]
    assert again["ExportArn"] == first["ExportArn"]
    assert error_of(ddb.export_table_to_point_in_time, TableArn=table, S3Bucket=bucket, S3Prefix="other",
                    ClientToken=token) == (
        "ExportConflictException", "Export conflict: Duplicate request detected with conflicting parameters")
    done = finished_export(ddb, first["ExportArn"])
    assert done["ExportStatus"] == "COMPLETED"
    # a request that names neither ExportType nor S3Prefix is described without them; listed as a full export
    assert "ExportType" not in done and "S3Prefix" not in done and done["ClientToken"] == token
    assert [(s["ExportArn"], s["ExportType"]) for s in ddb.list_exports(TableArn=table)["ExportSummaries"]] == [
        (first["ExportArn"], "FULL_EXPORT")]


def test_a_missing_bucket_fails_the_export(ddb, table):
    started = ddb.export_table_to_point_in_time(TableArn=table, S3Bucket=f"nowhere-{uuid.uuid4().hex[:10]}")
    assert started["ExportDescription"]["ExportStatus"] == "IN_PROGRESS"
    failed = finished_export(ddb, started["ExportDescription"]["ExportArn"])
    assert (failed["ExportStatus"], failed["FailureCode"]) == ("FAILED", "S3NoSuchBucket")
    assert failed["FailureMessage"].startswith("The specified bucket does not exist (Service: Amazon S3; Status Code: "
                                               "404; Error Code: NoSuchBucket; Request ID: ")


def _lines(s3, bucket, done):
    summary = json.loads(s3.get_object(Bucket=bucket, Key=done["ExportManifest"])["Body"].read())
    lines = []
    for entry in s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().splitlines():
        data = s3.get_object(Bucket=bucket, Key=json.loads(entry)["dataFileS3Key"])["Body"].read()
        lines += [json.loads(line) for line in gzip.decompress(data).splitlines()]
    return summary, sorted(lines, key=lambda line: line["Keys"]["pk"]["S"])


@pytest.mark.local_only          # the window is made by moving the lakebox clock
def test_incremental_export_lines(ddb, s3, table, bucket, clock):
    name = table.rsplit("/", 1)[1]
    for key in ("kept", "changed", "dropped"):
        ddb.put_item(TableName=name, Item={"pk": {"S": key}, "v": {"N": "1"}})
    earliest = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"]
    clock(2 * MINUTE)
    start = (earliest + datetime.timedelta(minutes=1)).replace(microsecond=0)       # after the first writes
    start_ms = int(start.timestamp() * 1000)
    clock(3 * MINUTE)
    ddb.put_item(TableName=name, Item={"pk": {"S": "changed"}, "v": {"N": "2"}})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "dropped"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "new"}, "v": {"N": "3"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "brief"}, "v": {"N": "4"}})
    ddb.delete_item(TableName=name, Key={"pk": {"S": "brief"}})
    start_export = ddb.export_table_to_point_in_time
    # a full export at a time later than LatestRestorableDateTime (about five minutes ago)
    assert error_of(start_export, TableArn=table, S3Bucket=bucket, ExportTime=start) == (
        "InvalidExportTimeException", "Point in Time Recovery is not available for specified export time")
    too_early = earliest - datetime.timedelta(minutes=1)
    assert error_of(start_export, TableArn=table, S3Bucket=bucket, ExportType="INCREMENTAL_EXPORT",
                    IncrementalExportSpecification={"ExportFromTime": too_early}) == (
        "InvalidExportTimeException", "Incremental export period from time cannot be less than the table creation "
                                      f"time : {too_early.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    assert error_of(start_export, TableArn=table, S3Bucket=bucket, ExportType="INCREMENTAL_EXPORT",
                    IncrementalExportSpecification={"ExportFromTime": start}) == (
        "InvalidExportTimeException", "Difference between export period from time and export period to time is "
                                      "less than 15 minutes")
    clock(15 * MINUTE)
    until = start + datetime.timedelta(minutes=16)
    both = finished_export(ddb, start_export(TableArn=table, S3Bucket=bucket, ExportType="INCREMENTAL_EXPORT",
                                       IncrementalExportSpecification={"ExportFromTime": start, "ExportToTime": until})[
        "ExportDescription"]["ExportArn"])
    assert (both["ExportStatus"], both["ItemCount"], both["ExportType"]) == ("COMPLETED", 3, "INCREMENTAL_EXPORT")
    assert both["IncrementalExportSpecification"] == {"ExportFromTime": start, "ExportToTime": until,
                                                      "ExportViewType": "NEW_AND_OLD_IMAGES"}
    assert "ExportTime" not in both
    summary, lines = _lines(s3, bucket, both)
    assert (summary["version"], summary["exportType"], summary["outputView"]) == (
        "2023-08-01", "INCREMENTAL_EXPORT", "NEW_AND_OLD_IMAGES")
    assert summary["exportFromTime"] == start.strftime("%Y-%m-%dT%H:%M:%S.") + f"{start_ms % 1000:03d}Z"
    assert "exportTime" not in summary
    assert [{k: v for k, v in line.items() if k != "Metadata"} for line in lines] == [
        {"Keys": {"pk": {"S": "changed"}}, "NewImage": {"pk": {"S": "changed"}, "v": {"N": "2"}},
         "OldImage": {"pk": {"S": "changed"}, "v": {"N": "1"}}},
        {"Keys": {"pk": {"S": "dropped"}}, "OldImage": {"pk": {"S": "dropped"}, "v": {"N": "1"}}},
        {"Keys": {"pk": {"S": "new"}}, "NewImage": {"pk": {"S": "new"}, "v": {"N": "3"}}}]
    assert all(int(line["Metadata"]["WriteTimestampMicros"]["N"]) >= start_ms * 1000 for line in lines)

    new_only = finished_export(ddb, start_export(
        TableArn=table, S3Bucket=bucket, ExportType="INCREMENTAL_EXPORT", IncrementalExportSpecification={
            "ExportFromTime": start, "ExportToTime": until, "ExportViewType": "NEW_IMAGE"})["ExportDescription"][
        "ExportArn"])
    _, lines = _lines(s3, bucket, new_only)
    assert [sorted(line) for line in lines] == [["Keys", "Metadata", "NewImage"], ["Keys", "Metadata"],
                                                ["Keys", "Metadata", "NewImage"]]


def test_list_exports_newest_first_ten_to_a_page(ddb, table, bucket):
    arns = [ddb.export_table_to_point_in_time(TableArn=table, S3Bucket=bucket)["ExportDescription"]["ExportArn"]
            for _ in range(11)]
    first = ddb.list_exports(TableArn=table)
    assert [s["ExportArn"] for s in first["ExportSummaries"]] == arns[::-1][:10]
    rest = ddb.list_exports(TableArn=table, NextToken=first["NextToken"])
    assert [s["ExportArn"] for s in rest["ExportSummaries"]] == [arns[0]] and "NextToken" not in rest
    for arn in arns:
        finished_export(ddb, arn)


def test_describe_export_refusals(ddb, table, bucket):
    arn = ddb.export_table_to_point_in_time(TableArn=table, S3Bucket=bucket)["ExportDescription"]["ExportArn"]
    finished_export(ddb, arn)
    unknown = arn.rsplit("/", 1)[0] + "/01700000000000-0badc0de"
    assert error_of(ddb.describe_export, ExportArn=unknown) == (
        "ExportNotFoundException", f"Export not found: Export not found: {unknown}")
    assert error_of(ddb.describe_export, ExportArn=table) == ("ValidationException", "Invalid Export ARN")
    assert error_of(ddb.describe_export, ExportArn=arn.replace(":export/", ":import/").replace("/export/", "/import/")) == (
        "ValidationException", "Invalid Export ARN")
    elsewhere = arn.replace(":us-east-1:", ":eu-west-1:")
    assert error_of(ddb.describe_export, ExportArn=elsewhere) == (
        "ExportNotFoundException", "Export not found: Invalid export arn")
