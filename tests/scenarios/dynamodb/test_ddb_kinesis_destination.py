"""Kinesis Data Streams as a destination: every change of the table arrives in the
stream as DynamoDB's JSON change record, in order per item."""
import json
import uuid

import pytest


@pytest.fixture
def kinesis(lakebox_server):
    return lakebox_server.client("kinesis")


def test_changes_arrive_in_the_kinesis_stream(ddb, kinesis, make_table):
    stream = f"ddb-changes-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1})
    arn = kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamARN"]
    table = make_table()
    enabled = ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=arn)
    assert enabled["DestinationStatus"] == "ENABLING"
    described = ddb.describe_kinesis_streaming_destination(TableName=table)["KinesisDataStreamDestinations"]
    assert [(d["StreamArn"], d["DestinationStatus"]) for d in described] == [(arn, "ACTIVE")]

    key = {"pk": {"S": "device-1"}}
    ddb.put_item(TableName=table, Item={**key, "celsius": {"N": "20"}})
    ddb.update_item(TableName=table, Key=key, UpdateExpression="SET celsius = :t",
                    ExpressionAttributeValues={":t": {"N": "21"}})
    ddb.delete_item(TableName=table, Key=key)

    shard = kinesis.list_shards(StreamName=stream)["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    changes = [json.loads(r["Data"]) for r in kinesis.get_records(ShardIterator=iterator)["Records"]]
    assert [c["eventName"] for c in changes] == ["INSERT", "MODIFY", "REMOVE"]
    assert all(c["tableName"] == table and c["eventSource"] == "aws:dynamodb" for c in changes)
    assert changes[1]["dynamodb"]["OldImage"]["celsius"] == {"N": "20"}
    assert changes[1]["dynamodb"]["NewImage"]["celsius"] == {"N": "21"}
    assert changes[0]["dynamodb"]["Keys"] == key

    ddb.disable_kinesis_streaming_destination(TableName=table, StreamArn=arn)
    ddb.put_item(TableName=table, Item=key)
    again = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert len(again) == 3
    kinesis.delete_stream(StreamName=stream)


def test_kinesis_destinations_that_cannot_be_reached(ddb, make_table):
    """Enable accepts every well-formed ARN and fails it after, each with DynamoDB's
    description (replies recorded against DynamoDB by the ack-api-quirks lab, DDB-TABLE-318)."""
    name = make_table()
    table_arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    not_active = "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in Active state"
    cases = [("arn:aws:kinesis:us-east-1:123456789012:stream/partner-clicks", not_active),
             ("arn:aws:firehose:us-east-1:000000000000:deliverystream/clicks-to-s3", not_active),
             (table_arn, "User does not have a permission to use kinesis stream")]
    for arn, description in cases:
        assert ddb.enable_kinesis_streaming_destination(TableName=name, StreamArn=arn)["DestinationStatus"] == "ENABLING"
        assert ddb.describe_kinesis_streaming_destination(TableName=name)["KinesisDataStreamDestinations"][0] == {
            "StreamArn": arn, "DestinationStatus": "ENABLE_FAILED", "DestinationStatusDescription": description}
