"""A data team streams a sessions table's changes into Kinesis Data Streams for a
clickstream job, with no DynamoDB Stream on the table (the destination does not need
one). Enabled without a configuration, the destination lists only its stream and status
(no precision member, which means MILLISECOND); each change arrives as DynamoDB's JSON
record (awsRegion, eventID, eventName, userIdentity null, recordFormat, tableName,
dynamodb with Keys and both images, eventSource). Disable refuses an Enable
configuration ('Stream cannot be disabled using EnableKinesisStreamingConfiguration
parameters'); a disabled destination stays listed as DISABLED and gets nothing; enabling
the same stream again with MICROSECOND turns that entry back on, no second entry. A first
try at the same stream name in another region is accepted and then fails with DynamoDB's
description (replies recorded against DynamoDB by the ack-api-quirks lab,
DDB-TABLE-299/300/301/318)."""
import json

from trip_helpers import client_table, error_of

RECORD_MEMBERS = ["awsRegion", "dynamodb", "eventID", "eventName", "eventSource", "recordFormat", "tableName",
                  "userIdentity"]


def records(kinesis, stream):
    found = []
    for shard in kinesis.list_shards(StreamName=stream)["Shards"]:
        iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        found += [json.loads(r["Data"]) for r in kinesis.get_records(ShardIterator=iterator)["Records"]]
    return found


def test_sessions_into_kinesis(client, kinesis_streams, table_name):
    ddb, kinesis = client("dynamodb"), client("kinesis")
    client_table(ddb, table_name, ("visitor", "S"), ("started", "N"))
    stream, arn = kinesis_streams("clicks")
    assert "StreamSpecification" not in ddb.describe_table(TableName=table_name)["Table"]
    # A first try names the stream of the same name in the team's other region: accepted, then failed.
    elsewhere = arn.replace(":us-east-1:", ":eu-west-1:")
    assert ddb.enable_kinesis_streaming_destination(TableName=table_name, StreamArn=elsewhere)[
        "DestinationStatus"] == "ENABLING"
    assert ddb.describe_kinesis_streaming_destination(TableName=table_name)["KinesisDataStreamDestinations"] == [
        {"StreamArn": elsewhere, "DestinationStatus": "ENABLE_FAILED", "DestinationStatusDescription":
         "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in the current region"}]

    enabled = ddb.enable_kinesis_streaming_destination(TableName=table_name, StreamArn=arn)
    enabled.pop("ResponseMetadata")
    assert enabled == {"TableName": table_name, "StreamArn": arn, "DestinationStatus": "ENABLING",
                       "EnableKinesisStreamingConfiguration": {}}
    ddb.get_waiter("kinesis_streaming_destination_active").wait(
        TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    described = ddb.describe_kinesis_streaming_destination(TableName=table_name)["KinesisDataStreamDestinations"]
    assert described[0] == {"StreamArn": arn, "DestinationStatus": "ACTIVE"}           # the newest first

    key = {"visitor": {"S": "v-9"}, "started": {"N": "1717200000"}}
    ddb.put_item(TableName=table_name, Item={**key, "pages": {"N": "1"}, "landing": {"S": "/sale"}})
    ddb.update_item(TableName=table_name, Key=key, UpdateExpression="ADD pages :one",
                    ExpressionAttributeValues={":one": {"N": "1"}})
    ddb.delete_item(TableName=table_name, Key=key)
    changes = records(kinesis, stream)
    assert [c["eventName"] for c in changes] == ["INSERT", "MODIFY", "REMOVE"]
    assert all(sorted(c) == RECORD_MEMBERS for c in changes)
    assert {(c["awsRegion"], c["eventSource"], c["recordFormat"], c["tableName"], c["userIdentity"]) for c in changes} \
        == {("us-east-1", "aws:dynamodb", "application/json", table_name, None)}
    modify = changes[1]["dynamodb"]
    assert sorted(modify) == ["ApproximateCreationDateTime", "ApproximateCreationDateTimePrecision", "Keys",
                              "NewImage", "OldImage", "SizeBytes"]
    assert (modify["Keys"], modify["OldImage"]["pages"], modify["NewImage"]["pages"]) == (key, {"N": "1"}, {"N": "2"})
    assert modify["ApproximateCreationDateTimePrecision"] == "MILLISECOND"
    assert len(str(modify["ApproximateCreationDateTime"])) == 13
    assert "NewImage" not in changes[2]["dynamodb"] and changes[2]["dynamodb"]["OldImage"]["landing"] == {"S": "/sale"}
    assert len({c["eventID"] for c in changes}) == 3

    assert error_of(ddb.disable_kinesis_streaming_destination, TableName=table_name, StreamArn=arn,
                    EnableKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"}) == (
        "ValidationException", "Stream cannot be disabled using EnableKinesisStreamingConfiguration parameters")
    assert ddb.disable_kinesis_streaming_destination(TableName=table_name, StreamArn=arn)[
        "DestinationStatus"] == "DISABLING"
    ddb.put_item(TableName=table_name, Item={**key, "pages": {"N": "5"}})
    assert len(records(kinesis, stream)) == 3
    assert ddb.describe_kinesis_streaming_destination(TableName=table_name)["KinesisDataStreamDestinations"][0] == {
        "StreamArn": arn, "DestinationStatus": "DISABLED"}

    ddb.enable_kinesis_streaming_destination(
        TableName=table_name, StreamArn=arn,
        EnableKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"})
    ddb.get_waiter("kinesis_streaming_destination_active").wait(
        TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert [d["StreamArn"] for d in ddb.describe_kinesis_streaming_destination(TableName=table_name)[
        "KinesisDataStreamDestinations"]] == [arn, elsewhere]                            # flipped, not added
    assert ddb.describe_kinesis_streaming_destination(TableName=table_name)["KinesisDataStreamDestinations"][0] == {
        "StreamArn": arn, "DestinationStatus": "ACTIVE", "ApproximateCreationDateTimePrecision": "MICROSECOND"}
    ddb.delete_item(TableName=table_name, Key=key)
    last = records(kinesis, stream)[-1]
    assert (last["eventName"], last["dynamodb"]["ApproximateCreationDateTimePrecision"]) == ("REMOVE", "MICROSECOND")
    assert len(str(last["dynamodb"]["ApproximateCreationDateTime"])) == 16
