"""An audit archive of a DynamoDB table, as AWS's analytics pattern builds it: the
table streams its changes to Kinesis Data Streams (EnableKinesisStreamingDestination), a
Firehose delivery stream reading that stream appends a newline to each change record and
writes them to S3 by day, and Athena reads the nested change records with the JSON SerDe
to answer who changed what."""
import uuid

import pytest

from trip_helpers import KEY, REGION, SECRET, wait_for

pytestmark = pytest.mark.local_only            # Firehose flushes on the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose"


@pytest.fixture
def pipeline(client, bucket, table_name):
    ddb, kinesis, firehose = client("dynamodb"), client("kinesis"), client("firehose")
    stream = f"changes-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]
    ddb.create_table(TableName=table_name, KeySchema=[{"AttributeName": "account", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    ddb.get_waiter("table_exists").wait(TableName=table_name)
    delivery = f"archive-{uuid.uuid4().hex[:8]}"
    firehose.create_delivery_stream(
        DeliveryStreamName=delivery, DeliveryStreamType="KinesisStreamAsSource",
        KinesisStreamSourceConfiguration={"KinesisStreamARN": arn, "RoleARN": ROLE},
        ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
            "Prefix": "changes/dt=!{timestamp:yyyy-MM-dd}/",
            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 60},
            "ProcessingConfiguration": {"Enabled": True, "Processors": [
                {"Type": "AppendDelimiterToRecord", "Parameters": []}]}})
    ddb.enable_kinesis_streaming_destination(TableName=table_name, StreamArn=arn)
    yield table_name
    firehose.delete_delivery_stream(DeliveryStreamName=delivery)
    kinesis.delete_stream(StreamName=stream, EnforceConsumerDeletion=True)


def test_table_changes_archived_and_queried(lakebox_server, client, clock, bucket, database, pipeline):
    from pyathena import connect
    ddb, s3 = client("dynamodb"), client("s3")
    clock(2)                                   # the delivery stream starts reading at LATEST
    for account, balance in (("acc-1", "100"), ("acc-2", "50"), ("acc-3", "0")):
        ddb.put_item(TableName=pipeline, Item={"account": {"S": account}, "balance": {"N": balance},
                                               "owner": {"S": f"owner of {account}"}})
    ddb.update_item(TableName=pipeline, Key={"account": {"S": "acc-1"}}, UpdateExpression="SET balance = :b",
                    ExpressionAttributeValues={":b": {"N": "75"}})
    ddb.update_item(TableName=pipeline, Key={"account": {"S": "acc-2"}}, UpdateExpression="SET balance = :b",
                    ExpressionAttributeValues={":b": {"N": "80"}})
    ddb.delete_item(TableName=pipeline, Key={"account": {"S": "acc-3"}})
    clock(2)
    clock(61)
    keys = wait_for(lambda: [o["Key"] for o in
                             s3.list_objects_v2(Bucket=bucket, Prefix="changes/").get("Contents", [])])
    assert all(k.startswith("changes/dt=") for k in keys)

    cursor = connect(s3_staging_dir=f"s3://{bucket}/staging/", region_name=REGION, schema_name=database,
                     aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                     endpoint_url=lakebox_server.endpoint).cursor()
    cursor.execute(
        "CREATE EXTERNAL TABLE changes (eventName string, tableName string, dynamodb struct<"
        "Keys: struct<account: struct<S: string>>, NewImage: struct<balance: struct<N: string>>, "
        "OldImage: struct<balance: struct<N: string>>>) PARTITIONED BY (dt string) "
        f"ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/changes/'")
    cursor.execute("MSCK REPAIR TABLE changes")
    cursor.execute("SELECT eventName, count(*) FROM changes GROUP BY eventName ORDER BY eventName")
    assert cursor.fetchall() == [("INSERT", 3), ("MODIFY", 2), ("REMOVE", 1)]
    cursor.execute("SELECT dynamodb.Keys.account.S, CAST(dynamodb.OldImage.balance.N AS integer), "
                   "CAST(dynamodb.NewImage.balance.N AS integer) FROM changes WHERE eventName = 'MODIFY' "
                   "ORDER BY 1")
    assert cursor.fetchall() == [("acc-1", 100, 75), ("acc-2", 50, 80)]
    cursor.execute("SELECT DISTINCT tableName FROM changes")
    assert cursor.fetchall() == [(pipeline,)]
