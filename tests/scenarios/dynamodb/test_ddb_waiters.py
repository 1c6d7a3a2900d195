"""DynamoDB's waiters return once the resource is in the state they wait for:
table_exists / table_not_exists, contributor_insights_enabled, export_completed,
import_completed and kinesis_streaming_destination_active."""
import uuid

import pytest

QUICK = {"Delay": 1, "MaxAttempts": 60}


@pytest.fixture
def bucket(client):
    s3 = client("s3")
    name = f"waiters-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=name)
    return name


def test_table_waiters_follow_the_table(ddb):
    name = f"waiter-{uuid.uuid4().hex[:12]}"
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig=QUICK)
    ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig=QUICK)
    assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    ddb.delete_table(TableName=name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig=QUICK)


def test_contributor_insights_enabled(ddb, make_table):
    table = make_table()
    ddb.update_contributor_insights(TableName=table, ContributorInsightsAction="ENABLE")
    ddb.get_waiter("contributor_insights_enabled").wait(TableName=table, WaiterConfig=QUICK)
    assert ddb.describe_contributor_insights(TableName=table)["ContributorInsightsStatus"] == "ENABLED"


def test_export_then_import_completed(ddb, make_table, bucket):
    table = make_table()
    ddb.update_continuous_backups(TableName=table, PointInTimeRecoverySpecification={
        "PointInTimeRecoveryEnabled": True})
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    export = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, S3Prefix="dump")["ExportDescription"]
    ddb.get_waiter("export_completed").wait(ExportArn=export["ExportArn"], WaiterConfig=QUICK)
    described = ddb.describe_export(ExportArn=export["ExportArn"])["ExportDescription"]
    assert described["ExportStatus"] == "COMPLETED"

    target = f"imported-{uuid.uuid4().hex[:8]}"
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": f"{described['ExportManifest'].rsplit('/', 1)[0]}/data/"},
        InputFormat="DYNAMODB_JSON", InputCompressionType="GZIP",
        TableCreationParameters={"TableName": target, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                                 "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                 "BillingMode": "PAY_PER_REQUEST"})["ImportTableDescription"]
    try:
        ddb.get_waiter("import_completed").wait(ImportArn=started["ImportArn"], WaiterConfig=QUICK)
        assert ddb.describe_import(ImportArn=started["ImportArn"])["ImportTableDescription"]["ImportStatus"] == "COMPLETED"
        assert ddb.get_item(TableName=target, Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}
    finally:
        ddb.get_waiter("table_exists").wait(TableName=target, WaiterConfig=QUICK)
        ddb.delete_table(TableName=target)


def test_kinesis_streaming_destination_active(ddb, client, make_table):
    kinesis = client("kinesis")
    stream = f"waiter-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig=QUICK)
    arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]
    table = make_table()
    ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=arn)
    ddb.get_waiter("kinesis_streaming_destination_active").wait(TableName=table, WaiterConfig=QUICK)
    ddb.disable_kinesis_streaming_destination(TableName=table, StreamArn=arn)
    kinesis.delete_stream(StreamName=stream)
