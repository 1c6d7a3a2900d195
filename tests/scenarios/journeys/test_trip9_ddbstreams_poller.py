"""A backend engineer runs a Lambda-style poller (boto3's dynamodbstreams client) over the
change stream of an orders table. It finds the stream with ListStreams (TableName, paged
one stream at a time), reads the shard from TRIM_HORIZON in pages, checkpoints the last
sequence number and resumes AFTER it, starts a second reader at LATEST, asks for more
than the 1000 records a page may hold and is refused, and sees exactly one record per
item from a batch write and a transaction and none from a write that changes nothing
(a set rewritten in another order included).
Then the team switches the view type: the stream is disabled (its shard closed, with an
EndingSequenceNumber, a reader at its end told there is nothing next) and re-enabled,
which makes a new stream with a new label, the old one DISABLED but still readable."""
import uuid

import pytest
from botocore.exceptions import ClientError

from trip_helpers import error_of, keyed_table


def read_shard(streams, arn, shard_id, kind="TRIM_HORIZON", sequence=None, limit=2) -> tuple:
    """(records, the last page's NextShardIterator or None) reading a shard to its end."""
    position = {"SequenceNumber": sequence} if sequence else {}
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType=kind,
                                          **position)["ShardIterator"]
    records = []
    while True:
        page = streams.get_records(ShardIterator=iterator, Limit=limit)
        records += page["Records"]
        if not page["Records"] or "NextShardIterator" not in page:
            return records, page.get("NextShardIterator")
        iterator = page["NextShardIterator"]


def shape(record) -> tuple:
    body = record["dynamodb"]
    return (record["eventName"], body["Keys"], body.get("OldImage"), body.get("NewImage"), body["SizeBytes"])


def test_a_poller_reads_checkpoints_and_survives_a_view_type_change(client, resource):
    ddb, streams = client("dynamodb"), client("dynamodbstreams")
    name = f"orders-{uuid.uuid4().hex[:10]}"
    orders = keyed_table(resource("dynamodb"), name, "order_id")
    try:
        assert streams.list_streams(TableName=name)["Streams"] == []
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True,
                                                              "StreamViewType": "NEW_AND_OLD_IMAGES"})
        table = ddb.describe_table(TableName=name)["Table"]
        arn, label = table["LatestStreamArn"], table["LatestStreamLabel"]
        assert arn == f"{table['TableArn']}/stream/{label}"
        assert streams.list_streams(TableName=name)["Streams"] == [
            {"StreamArn": arn, "TableName": name, "StreamLabel": label}]

        orders.put_item(Item={"order_id": "o-1", "cents": 125, "state": "new"})
        orders.update_item(Key={"order_id": "o-1"}, UpdateExpression="SET #s = :s",
                           ExpressionAttributeNames={"#s": "state"}, ExpressionAttributeValues={":s": "paid"})
        # Writes that change nothing: DynamoDB Streams records no event for them.
        orders.update_item(Key={"order_id": "o-1"}, UpdateExpression="SET #s = :s",
                           ExpressionAttributeNames={"#s": "state"}, ExpressionAttributeValues={":s": "paid"})
        orders.put_item(Item={"order_id": "o-1", "cents": 125, "state": "paid"})
        ddb.batch_write_item(RequestItems={name: [
            {"PutRequest": {"Item": {"order_id": {"S": "o-2"}, "cents": {"N": "5"}}}},
            {"PutRequest": {"Item": {"order_id": {"S": "o-3"}, "cents": {"N": "7"}}}}]})
        ddb.transact_write_items(TransactItems=[
            {"Delete": {"TableName": name, "Key": {"order_id": {"S": "o-2"}}}},
            {"Update": {"TableName": name, "Key": {"order_id": {"S": "o-3"}},
                        "UpdateExpression": "ADD cents :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}}])

        description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
        assert (description["StreamStatus"], description["StreamViewType"], description["TableName"],
                description["KeySchema"]) == ("ENABLED", "NEW_AND_OLD_IMAGES", name,
                                              [{"AttributeName": "order_id", "KeyType": "HASH"}])
        [shard] = description["Shards"]
        assert "ParentShardId" not in shard and "EndingSequenceNumber" not in shard["SequenceNumberRange"]
        # Paging past the last shard, or past an ID after every shard's, lists none.
        for past in (shard["ShardId"], "shardId-99999999999999999999-ffffffff"):
            page = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=past)["StreamDescription"]
            assert page["Shards"] == [] and "LastEvaluatedShardId" not in page
        # A sequence number goes only with the AT/AFTER iterator types.
        for kind in ("TRIM_HORIZON", "LATEST"):
            assert error_of(streams.get_shard_iterator, StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType=kind,
                            SequenceNumber=shard["SequenceNumberRange"]["StartingSequenceNumber"]) == (
                "ValidationException", "Sequence number must not be provided with the TRIM_HORIZON or LATEST "
                "iterator types")

        records, next_iterator = read_shard(streams, arn, shard["ShardId"])
        assert next_iterator is not None                      # an open shard always has a next iterator
        key = {"order_id": {"S": "o-1"}}
        new = {"order_id": {"S": "o-1"}, "cents": {"N": "125"}, "state": {"S": "new"}}
        paid = {**new, "state": {"S": "paid"}}
        assert [shape(r) for r in records] == [
            ("INSERT", key, None, new, 38),
            ("MODIFY", key, new, paid, 66),
            ("INSERT", {"order_id": {"S": "o-2"}}, None, {"order_id": {"S": "o-2"}, "cents": {"N": "5"}}, 29),
            ("INSERT", {"order_id": {"S": "o-3"}}, None, {"order_id": {"S": "o-3"}, "cents": {"N": "7"}}, 29),
            ("REMOVE", {"order_id": {"S": "o-2"}}, {"order_id": {"S": "o-2"}, "cents": {"N": "5"}}, None, 29),
            ("MODIFY", {"order_id": {"S": "o-3"}}, {"order_id": {"S": "o-3"}, "cents": {"N": "7"}},
             {"order_id": {"S": "o-3"}, "cents": {"N": "8"}}, 47)]
        region = ddb.meta.region_name
        for record in records:
            assert (record["eventVersion"], record["eventSource"], record["awsRegion"]) == \
                ("1.1", "aws:dynamodb", region)
            assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES" and "userIdentity" not in record
        numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
        assert numbers == sorted(numbers, key=int) and len(set(numbers)) == 6
        assert shard["SequenceNumberRange"]["StartingSequenceNumber"] <= numbers[0]

        # The checkpoint: resume after the third record, or replay it with AT.
        after, _ = read_shard(streams, arn, shard["ShardId"], "AFTER_SEQUENCE_NUMBER", numbers[2])
        at, _ = read_shard(streams, arn, shard["ShardId"], "AT_SEQUENCE_NUMBER", numbers[2])
        assert [r["eventID"] for r in after] == [r["eventID"] for r in records[3:]]
        assert [r["eventID"] for r in at] == [r["eventID"] for r in records[2:]]
        beyond = str(int(numbers[-1]) + 10**6).zfill(len(numbers[-1]))
        assert error_of(streams.get_shard_iterator, StreamArn=arn, ShardId=shard["ShardId"],
                        ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=beyond)[0] == "ValidationException"

        latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                            ShardIteratorType="LATEST")["ShardIterator"]
        assert streams.get_records(ShardIterator=latest, Limit=1000)["Records"] == []
        with pytest.raises(ClientError) as refused:
            streams.get_records(ShardIterator=latest, Limit=1001)
        assert refused.value.response["Error"]["Code"] == "ValidationException"
        assert refused.value.response["Error"]["Message"] == (
            "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 1000")
        orders.delete_item(Key={"order_id": "o-1"})
        [removed] = streams.get_records(ShardIterator=latest, Limit=1000)["Records"]
        assert shape(removed) == ("REMOVE", key, paid, None, 39)

        # A new view type needs a new stream: disable, then enable again.
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        table = ddb.describe_table(TableName=name)["Table"]
        assert "StreamSpecification" not in table and table["LatestStreamArn"] == arn
        closed = streams.describe_stream(StreamArn=arn)["StreamDescription"]
        assert closed["StreamStatus"] == "DISABLED"
        assert closed["Shards"] == [{"ShardId": shard["ShardId"], "SequenceNumberRange": {
            "StartingSequenceNumber": shard["SequenceNumberRange"]["StartingSequenceNumber"],
            "EndingSequenceNumber": removed["dynamodb"]["SequenceNumber"]}}]
        everything, next_iterator = read_shard(streams, arn, shard["ShardId"], limit=1000)
        assert len(everything) == 7 and next_iterator is None   # the closed shard's end: no next iterator
        orders.put_item(Item={"order_id": "o-4"})                # no stream: nothing recorded anywhere
        assert len(read_shard(streams, arn, shard["ShardId"], limit=1000)[0]) == 7

        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        table = ddb.describe_table(TableName=name)["Table"]
        new_arn, new_label = table["LatestStreamArn"], table["LatestStreamLabel"]
        assert new_arn != arn and new_label != label
        assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
        ddb.put_item(TableName=name, Item={"order_id": {"S": "o-5"}, "tags": {"SS": ["gift", "rush"]}})
        # The same set, its members in another order: the item is unchanged, no record.
        ddb.put_item(TableName=name, Item={"order_id": {"S": "o-5"}, "tags": {"SS": ["rush", "gift"]}})
        [new_shard] = streams.describe_stream(StreamArn=new_arn)["StreamDescription"]["Shards"]
        [keys_only], _ = read_shard(streams, new_arn, new_shard["ShardId"])
        assert shape(keys_only) == ("INSERT", {"order_id": {"S": "o-5"}}, None, None, 11)
        assert keys_only["dynamodb"]["StreamViewType"] == "KEYS_ONLY"

        # The poller pages through the table's streams one at a time.
        first = streams.list_streams(TableName=name, Limit=1)
        assert len(first["Streams"]) == 1 and first["LastEvaluatedStreamArn"] == first["Streams"][0]["StreamArn"]
        rest = streams.list_streams(TableName=name, Limit=1, ExclusiveStartStreamArn=first["LastEvaluatedStreamArn"])
        listed = first["Streams"] + rest["Streams"]
        assert sorted(s["StreamArn"] for s in listed) == sorted([arn, new_arn])
        assert {s["StreamLabel"] for s in listed} == {label, new_label}
        saved = "orders-stream-checkpoint-from-yesterday-0001"              # not a stream ARN at all
        assert error_of(streams.list_streams, TableName=name, ExclusiveStartStreamArn=saved) == (
            "ValidationException", f"Invalid StreamArn: {saved}")
        assert "LastEvaluatedStreamArn" not in streams.list_streams(
            TableName=name, Limit=1, ExclusiveStartStreamArn=rest["Streams"][0]["StreamArn"])
    finally:
        ddb.delete_table(TableName=name)
