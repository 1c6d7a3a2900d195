"""Every acknowledged DynamoDB write survives `kill -9`: items, index entries, TTL
settings, stream records and transactions."""
import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


def test_items_indexes_and_streams_survive_kill_9(tmp_path):
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    try:
        ddb = server.client("dynamodb")
        ddb.create_table(TableName="durable", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                               {"AttributeName": "g", "AttributeType": "S"}],
                         GlobalSecondaryIndexes=[{"IndexName": "by-g", "Projection": {"ProjectionType": "ALL"},
                                                  "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}],
                         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
        for i in range(50):
            ddb.put_item(TableName="durable", Item={"pk": {"S": f"k{i}"}, "g": {"S": f"g{i % 5}"}, "b": {"B": b"\x00"}})
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": "durable", "Key": {"pk": {"S": "k1"}}, "UpdateExpression": "SET n = :n",
                        "ExpressionAttributeValues": {":n": {"N": "7"}}}},
            {"Delete": {"TableName": "durable", "Key": {"pk": {"S": "k2"}}}}])
        ddb.update_time_to_live(TableName="durable", TimeToLiveSpecification={"Enabled": True, "AttributeName": "t"})

        server.kill()
        server.start()
        ddb = server.client("dynamodb")

        items = {i["pk"]["S"]: i for i in ddb.scan(TableName="durable", ConsistentRead=True)["Items"]}
        assert len(items) == 49 and "k2" not in items
        assert items["k1"]["n"] == {"N": "7"} and items["k3"]["b"] == {"B": b"\x00"}
        assert ddb.query(TableName="durable", IndexName="by-g", KeyConditionExpression="g = :g",
                         ExpressionAttributeValues={":g": {"S": "g3"}})["Count"] == 10
        assert ddb.describe_time_to_live(TableName="durable")["TimeToLiveDescription"]["TimeToLiveStatus"] == \
            "ENABLED"
        streams = server.client("dynamodbstreams")
        arn = ddb.describe_table(TableName="durable")["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = streams.get_records(ShardIterator=iterator)["Records"]
        assert [r["eventName"] for r in records] == ["INSERT"] * 50 + ["MODIFY", "REMOVE"]
    finally:
        server.stop()
