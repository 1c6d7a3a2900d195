"""A platform engineer wires an orders table's change data capture into Kinesis Data
Streams for a fraud-scoring consumer. The first attempt names a stream that was never
created: DynamoDB accepts it and the destination ends ENABLE_FAILED. The real stream is
enabled with microsecond timestamps, the consumer reads the changes in order per key
(INSERT, MODIFY with both images, REMOVE), the precision is switched back to
milliseconds (asking again for the one in force is refused), a second stream cannot be
added while one is live, and after Disable the table stops writing to the stream; the
refusals are DynamoDB's ValidationException texts (recorded replies)."""
import json

from trip_helpers import error_of, keyed_table

NOT_VALID = "Table is not in a valid state to enable Kinesis Streaming Destination: "


def read_all(kinesis, stream):
    records = []
    for shard in kinesis.list_shards(StreamName=stream)["Shards"]:
        iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records += kinesis.get_records(ShardIterator=iterator)["Records"]
    return records


def test_orders_cdc_into_kinesis(client, resource, kinesis_streams, table_name):
    ddb, kinesis = client("dynamodb"), client("kinesis")
    orders = keyed_table(resource("dynamodb"), table_name, "order_id")
    table_id = ddb.describe_table(TableName=table_name)["Table"]["TableId"]
    stream, arn = kinesis_streams("orders-cdc", shards=2)
    other, other_arn = kinesis_streams("orders-audit")
    missing = arn.rsplit("/", 1)[0] + "/orders-cdc-never-made"

    assert ddb.describe_kinesis_streaming_destination(TableName=table_name)["KinesisDataStreamDestinations"] == []
    failed = ddb.enable_kinesis_streaming_destination(TableName=table_name, StreamArn=missing)
    assert (failed["DestinationStatus"], failed["EnableKinesisStreamingConfiguration"]) == ("ENABLING", {})
    assert ddb.describe_kinesis_streaming_destination(TableName=table_name)["KinesisDataStreamDestinations"] == [
        {"StreamArn": missing, "DestinationStatus": "ENABLE_FAILED",
         "DestinationStatusDescription": "User does not have a permission to use kinesis stream"}]
    assert error_of(ddb.disable_kinesis_streaming_destination, TableName=table_name, StreamArn=missing) == (
        "ValidationException", NOT_VALID + "KinesisStreamingDestination must be ACTIVE to perform DISABLE operation.")

    enabled = ddb.enable_kinesis_streaming_destination(
        TableName=table_name, StreamArn=arn,
        EnableKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"})
    assert enabled["DestinationStatus"] == "ENABLING"
    described = ddb.describe_kinesis_streaming_destination(TableName=table_name)["KinesisDataStreamDestinations"]
    assert [(d["StreamArn"], d["DestinationStatus"], d.get("ApproximateCreationDateTimePrecision")) for d in described] == [
        (arn, "ACTIVE", "MICROSECOND"), (missing, "ENABLE_FAILED", None)]          # the newest first
    assert error_of(ddb.enable_kinesis_streaming_destination, TableName=table_name, StreamArn=other_arn) == (
        "ValidationException", NOT_VALID + "EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED to "
                                           "perform ENABLE operation.")

    orders.put_item(Item={"order_id": "o-1", "total": 40, "status": "NEW"})
    orders.update_item(Key={"order_id": "o-1"}, UpdateExpression="SET #s = :s",
                       ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": "PAID"})
    orders.delete_item(Key={"order_id": "o-1"})
    changes = [json.loads(r["Data"]) for r in read_all(kinesis, stream)]
    assert [c["eventName"] for c in changes] == ["INSERT", "MODIFY", "REMOVE"]
    assert {(c["eventSource"], c["tableName"], c["recordFormat"], c["awsRegion"]) for c in changes} == {
        ("aws:dynamodb", table_name, "application/json", "us-east-1")}
    modify = changes[1]["dynamodb"]
    assert (modify["Keys"], modify["OldImage"]["status"], modify["NewImage"]["status"]) == (
        {"order_id": {"S": "o-1"}}, {"S": "NEW"}, {"S": "PAID"})
    assert "NewImage" not in changes[2]["dynamodb"] and changes[2]["dynamodb"]["OldImage"]["status"] == {"S": "PAID"}
    assert {c["dynamodb"]["ApproximateCreationDateTimePrecision"] for c in changes} == {"MICROSECOND"}
    assert all(len(str(c["dynamodb"]["ApproximateCreationDateTime"])) == 16 for c in changes)     # microseconds

    assert error_of(ddb.update_kinesis_streaming_destination, TableName=table_name, StreamArn=arn,
                    UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"}) == (
        "ValidationException", "Invalid Request: Precision is already set to the desired value of MICROSECOND for "
                               f"tableId: {table_id}, kdsArn: {arn}")
    assert error_of(ddb.update_kinesis_streaming_destination, TableName=table_name, StreamArn=arn) == (
        "ValidationException", "Streaming destination cannot be updated with given parameters: "
                               "UpdateKinesisStreamingConfiguration cannot be null or contain only null values")
    updated = ddb.update_kinesis_streaming_destination(
        TableName=table_name, StreamArn=arn,
        UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MILLISECOND"})
    assert (updated["DestinationStatus"], updated["UpdateKinesisStreamingConfiguration"]) == (
        "UPDATING", {"ApproximateCreationDateTimePrecision": "MILLISECOND"})
    orders.put_item(Item={"order_id": "o-2", "total": 15, "status": "NEW"})
    newest = [json.loads(r["Data"]) for r in read_all(kinesis, stream)]
    o2 = [c for c in newest if c["dynamodb"]["Keys"] == {"order_id": {"S": "o-2"}}]
    assert len(o2) == 1 and len(str(o2[0]["dynamodb"]["ApproximateCreationDateTime"])) == 13        # milliseconds

    assert ddb.disable_kinesis_streaming_destination(TableName=table_name, StreamArn=arn)[
        "DestinationStatus"] == "DISABLING"
    assert error_of(ddb.update_kinesis_streaming_destination, TableName=table_name, StreamArn=arn,
                    UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"}) == (
        "ValidationException", NOT_VALID + "Kinesis streaming is not in ACTIVE state. Updates are only allowed in "
                                           f"ACTIVE state. TableName: {table_name}, kdsArn: {arn}")
    orders.put_item(Item={"order_id": "o-3", "total": 9, "status": "NEW"})
    assert len(read_all(kinesis, stream)) == 4
    assert read_all(kinesis, other) == []
    assert ddb.describe_kinesis_streaming_destination(TableName=table_name)["KinesisDataStreamDestinations"] == [
        {"StreamArn": arn, "DestinationStatus": "DISABLED"},
        {"StreamArn": missing, "DestinationStatus": "ENABLE_FAILED",
         "DestinationStatusDescription": "User does not have a permission to use kinesis stream"}]
