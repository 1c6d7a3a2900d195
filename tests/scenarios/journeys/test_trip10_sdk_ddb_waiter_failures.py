"""A data engineer's nightly DynamoDB job waits on every step with boto3's waiters, the
way the job is written for AWS, and relies on them failing fast: an export to a bucket
that was deleted, and an import from it, end in WaiterError (the terminal FAILED
acceptor, the last DescribeExport/DescribeImport answer attached, S3NoSuchBucket in it)
instead of polling for twenty minutes; the Kinesis streaming destination waiter
succeeds once the destination is ACTIVE and fails on its terminal acceptor once it has
been disabled; and the cli's `wait table-not-exists` returns as soon as the scratch
table is gone, while `wait table-exists` on a name that never existed keeps retrying."""
import uuid

import pytest
from botocore.exceptions import WaiterError

from trip_helpers import aws

QUICK = {"Delay": 1, "MaxAttempts": 30}


def _table(ddb, name):
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=QUICK)


def test_export_and_import_waiters_fail_on_a_missing_bucket(client, table_name):
    ddb = client("dynamodb")
    _table(ddb, table_name)
    ddb.update_continuous_backups(TableName=table_name, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    ddb.put_item(TableName=table_name, Item={"pk": {"S": "order-1"}})
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]
    gone = f"deleted-exports-{uuid.uuid4().hex[:10]}"

    export = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=gone)["ExportDescription"]
    assert export["ExportStatus"] == "IN_PROGRESS"
    with pytest.raises(WaiterError) as failed:
        ddb.get_waiter("export_completed").wait(ExportArn=export["ExportArn"], WaiterConfig=QUICK)
    assert str(failed.value) == ('Waiter ExportCompleted failed: Waiter encountered a terminal failure state: '
                                 'For expression "ExportDescription.ExportStatus" we matched expected path: "FAILED"')
    last = failed.value.last_response["ExportDescription"]
    assert (last["ExportArn"], last["ExportStatus"], last["FailureCode"], last["S3Bucket"]) == (
        export["ExportArn"], "FAILED", "S3NoSuchBucket", gone)
    assert last["FailureMessage"].startswith("The specified bucket does not exist")

    target = f"restored-{uuid.uuid4().hex[:10]}"
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": gone, "S3KeyPrefix": "AWSDynamoDB/"}, InputFormat="DYNAMODB_JSON",
        TableCreationParameters={"TableName": target, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                 "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                 "BillingMode": "PAY_PER_REQUEST"})["ImportTableDescription"]
    with pytest.raises(WaiterError) as failed:
        ddb.get_waiter("import_completed").wait(ImportArn=started["ImportArn"], WaiterConfig=QUICK)
    assert str(failed.value) == (
        'Waiter ImportCompleted failed: Waiter encountered a terminal failure state: '
        'For expression "ImportTableDescription.ImportStatus" we matched expected path: "FAILED"')
    last = failed.value.last_response["ImportTableDescription"]
    assert (last["ImportArn"], last["ImportStatus"], last["FailureCode"]) == (
        started["ImportArn"], "FAILED", "S3NoSuchBucket")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.describe_table(TableName=target)


def test_streaming_destination_waiter_succeeds_then_fails_once_disabled(client, table_name, kinesis_streams):
    ddb = client("dynamodb")
    _table(ddb, table_name)
    _, stream_arn = kinesis_streams("cdc")
    waiter = ddb.get_waiter("kinesis_streaming_destination_active")
    ddb.enable_kinesis_streaming_destination(TableName=table_name, StreamArn=stream_arn)
    waiter.wait(TableName=table_name, WaiterConfig=QUICK)
    described = ddb.describe_kinesis_streaming_destination(TableName=table_name)
    assert [(d["StreamArn"], d["DestinationStatus"]) for d in described["KinesisDataStreamDestinations"]] == [
        (stream_arn, "ACTIVE")]

    ddb.disable_kinesis_streaming_destination(TableName=table_name, StreamArn=stream_arn)
    with pytest.raises(WaiterError) as failed:
        waiter.wait(TableName=table_name, WaiterConfig=QUICK)
    assert str(failed.value).startswith(
        "Waiter KinesisStreamingDestinationActive failed: Waiter encountered a terminal failure state: ")
    assert [(d["StreamArn"], d["DestinationStatus"])
            for d in failed.value.last_response["KinesisDataStreamDestinations"]] == [(stream_arn, "DISABLED")]
    assert failed.value.last_response["TableName"] == table_name


def test_cli_waits_for_a_scratch_table_to_go(lakebox_server, client):
    ddb = client("dynamodb")
    scratch = f"scratch-{uuid.uuid4().hex[:10]}"
    _table(ddb, scratch)
    done = aws(lakebox_server, "dynamodb", "wait", "table-exists", "--table-name", scratch)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    ddb.delete_table(TableName=scratch)
    done = aws(lakebox_server, "dynamodb", "wait", "table-not-exists", "--table-name", scratch)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    with pytest.raises(WaiterError) as failed:
        ddb.get_waiter("table_exists").wait(TableName=scratch, WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    assert str(failed.value) == ("Waiter TableExists failed: Max attempts exceeded. Previously accepted state: "
                                 "Matched expected service error code: ResourceNotFoundException")
    assert failed.value.last_response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Requested resource not found: Table: {scratch} not found"}
