"""Export to S3 and import from S3: DynamoDB JSON and Ion files under AWSDynamoDB/<id>/,
manifests beside them, and a table imported back from the exported files."""
import base64
import gzip
import hashlib
import json
import re
import uuid

import pytest
from ddb_helpers import error_of, finished_export


def _export(ddb, table, bucket, fmt="DYNAMODB_JSON"):
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    started = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, S3Prefix="dumps", ExportFormat=fmt)
    return finished_export(ddb, started["ExportDescription"]["ExportArn"])


def _filled(ddb, make_table):
    table = make_table()
    ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    for i in range(30):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k{i}"}, "n": {"N": str(i)}, "raw": {"B": b"\x01\x02"},
                                            "tags": {"SS": ["a", "b"]}})
    return table


def test_export_needs_point_in_time_recovery(ddb, make_table, bucket):
    table = make_table()
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    assert error_of(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket=bucket) == (
        "PointInTimeRecoveryUnavailableException", f"Point in time recovery is not enabled for table '{table}'")


def test_export_dynamodb_json_then_import_it(ddb, s3, make_table, bucket):
    table = _filled(ddb, make_table)
    done = _export(ddb, table, bucket)
    assert (done["ExportStatus"], done["ItemCount"]) == ("COMPLETED", 30)
    summary = json.loads(s3.get_object(Bucket=bucket, Key=done["ExportManifest"])["Body"].read())
    files = [json.loads(line) for line in s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])[
        "Body"].read().splitlines()]
    assert summary["itemCount"] == 30 and sum(f["itemCount"] for f in files) == 30
    lines = gzip.decompress(s3.get_object(Bucket=bucket, Key=files[0]["dataFileS3Key"])["Body"].read()).splitlines()
    items = [json.loads(line)["Item"] for line in lines]
    assert {"pk": {"S": "k3"}, "n": {"N": "3"}, "raw": {"B": "AQI="}, "tags": {"SS": ["a", "b"]}} in items

    data_prefix = files[0]["dataFileS3Key"].rsplit("/", 1)[0]
    target = f"imported-{uuid.uuid4().hex[:8]}"
    started = ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": data_prefix},
                               InputFormat="DYNAMODB_JSON", InputCompressionType="GZIP",
                               TableCreationParameters={
                                   "TableName": target, "BillingMode": "PAY_PER_REQUEST",
                                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                   "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    arn = started["ImportTableDescription"]["ImportArn"]
    assert re.fullmatch(rf"arn:aws:dynamodb:us-east-1:\d{{12}}:table/{target}/import/0\d{{13}}-[0-9a-f]{{8}}", arn)
    ddb.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    try:
        described = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
        assert (described["ImportStatus"], described["ImportedItemCount"], described["ErrorCount"]) == (
            "COMPLETED", 30, 0)
        got = ddb.get_item(TableName=target, Key={"pk": {"S": "k3"}})["Item"]
        assert got == {"pk": {"S": "k3"}, "n": {"N": "3"}, "raw": {"B": b"\x01\x02"}, "tags": {"SS": ["a", "b"]}}
    finally:
        ddb.delete_table(TableName=target)


def _md5(data: bytes) -> bytes:
    return base64.b64encode(hashlib.md5(data).digest())


def test_export_writes_the_started_marker_and_md5_files(ddb, s3, make_table, bucket):
    """As a real export lays them out (S3DataExport.Output, and listings of real exports):
    `_started` (empty) beside the manifests, each manifest with `<name>.md5` holding the
    base64 MD5 of its bytes, and md5Checksum of a data file in base64 too."""
    table = _filled(ddb, make_table)
    done = _export(ddb, table, bucket)
    base = done["ExportManifest"].rsplit("/", 1)[0]
    export_id = done["ExportArn"].rsplit("/", 1)[1]
    assert base == f"dumps/AWSDynamoDB/{export_id}"
    assert re.fullmatch(r"0\d{13}-[0-9a-f]{8}", export_id)       # as in 01645072900758-ee1232a3
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="dumps/")["Contents"]]
    data = [k for k in listed if k.startswith(f"{base}/data/")]
    assert len(data) == 1 and re.fullmatch(r"[a-z2-7]{26}\.json\.gz", data[0].rsplit("/", 1)[1])
    assert sorted(set(listed) - set(data)) == [f"{base}/{name}" for name in (
        "_started", "manifest-files.json", "manifest-files.md5", "manifest-summary.json", "manifest-summary.md5")]
    assert s3.get_object(Bucket=bucket, Key=f"{base}/_started")["Body"].read() == b""
    for name in ("manifest-files", "manifest-summary"):
        manifest = s3.get_object(Bucket=bucket, Key=f"{base}/{name}.json")["Body"].read()
        assert s3.get_object(Bucket=bucket, Key=f"{base}/{name}.md5")["Body"].read().strip() == _md5(manifest)
    summary = json.loads(s3.get_object(Bucket=bucket, Key=f"{base}/manifest-summary.json")["Body"].read())
    for member in ("startTime", "endTime", "exportTime"):            # as 2020-11-04T07:28:34.028Z
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", summary[member]), summary[member]
    entry = json.loads(s3.get_object(Bucket=bucket, Key=f"{base}/manifest-files.json")["Body"].read())
    body = s3.get_object(Bucket=bucket, Key=data[0])
    assert entry["md5Checksum"].encode() == _md5(body["Body"].read())
    assert entry["etag"] == body["ETag"].strip('"')


def test_export_ion(ddb, s3, make_table, bucket):
    table = _filled(ddb, make_table)
    done = _export(ddb, table, bucket, fmt="ION")
    again = _export(ddb, table, bucket)
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    first = ddb.list_exports(TableArn=arn, MaxResults=1)
    second = ddb.list_exports(TableArn=arn, MaxResults=1, NextToken=first["NextToken"])
    assert {first["ExportSummaries"][0]["ExportArn"], second["ExportSummaries"][0]["ExportArn"]} == {
        done["ExportArn"], again["ExportArn"]}
    assert "NextToken" not in second
    summary = json.loads(s3.get_object(Bucket=bucket, Key=done["ExportManifest"])["Body"].read())
    files = s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().splitlines()
    key = json.loads(files[0])["dataFileS3Key"]
    assert key.endswith(".ion.gz")
    text = gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).decode()
    assert '{Item:{"pk":"k3","n":3.,"raw":{{AQI=}},"tags":$dynamodb_SS::["a","b"]}}' in text.splitlines()


def test_ion_export_imports_back(ddb, s3, make_table, bucket):
    table = _filled(ddb, make_table)
    done = _export(ddb, table, bucket, fmt="ION")
    summary = json.loads(s3.get_object(Bucket=bucket, Key=done["ExportManifest"])["Body"].read())
    key = json.loads(s3.get_object(Bucket=bucket, Key=summary["manifestFilesS3Key"])["Body"].read().splitlines()[0])[
        "dataFileS3Key"]
    target = f"from-ion-{uuid.uuid4().hex[:8]}"
    started = ddb.import_table(S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": key}, InputFormat="ION",
                               InputCompressionType="GZIP", TableCreationParameters={
                                   "TableName": target, "BillingMode": "PAY_PER_REQUEST",
                                   "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                   "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    ddb.get_waiter("table_exists").wait(TableName=target, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    try:
        described = ddb.describe_import(ImportArn=started["ImportTableDescription"]["ImportArn"])[
            "ImportTableDescription"]
        assert (described["ImportedItemCount"], described["ErrorCount"]) == (30, 0)
        assert ddb.get_item(TableName=target, Key={"pk": {"S": "k7"}})["Item"] == {
            "pk": {"S": "k7"}, "n": {"N": "7"}, "raw": {"B": b"\x01\x02"}, "tags": {"SS": ["a", "b"]}}
    finally:
        ddb.delete_table(TableName=target)
