"""A user's DynamoDB flows beyond single items: a stream consumer reading INSERT/MODIFY/
REMOVE images, transactions with ClientRequestToken, GSIs with projections, TTL
settings, and provisioned throttling, through boto3's client."""
import os
import uuid

import pytest
from botocore.config import Config
from ddb_helpers import error_of


@pytest.fixture
def streams(lakebox_server):
    return lakebox_server.client("dynamodbstreams", config=Config(retries={"total_max_attempts": 1}))


def _consume(streams, arn):
    """A consumer's loop: every shard from TRIM_HORIZON until an empty page."""
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=2)
            records += page["Records"]
            iterator = page.get("NextShardIterator") if page["Records"] else None
    return records


def test_stream_consumer_sees_inserts_modifies_and_removes(ddb, streams, make_table):
    name = make_table(range=("sk", "N"),
                      StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    arn = table["LatestStreamArn"]
    assert arn.startswith(f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}/stream/")
    assert table["LatestStreamLabel"] == arn.split("/stream/")[1]
    key = {"pk": {"S": "dev"}, "sk": {"N": "1"}}
    ddb.put_item(TableName=name, Item={**key, "temp": {"N": "20"}})
    ddb.update_item(TableName=name, Key=key, UpdateExpression="SET #t = :t",
                    ExpressionAttributeNames={"#t": "temp"}, ExpressionAttributeValues={":t": {"N": "21"}})
    ddb.put_item(TableName=name, Item={**key, "temp": {"N": "21"}})
    ddb.delete_item(TableName=name, Key=key)
    ddb.delete_item(TableName=name, Key=key)
    records = _consume(streams, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = records
    assert insert["eventSource"] == "aws:dynamodb" and insert["awsRegion"] == "us-east-1"
    assert insert["eventVersion"] == "1.1"
    assert insert["dynamodb"]["Keys"] == key
    assert insert["dynamodb"]["NewImage"] == {**key, "temp": {"N": "20"}} and "OldImage" not in insert["dynamodb"]
    assert insert["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert modify["dynamodb"]["OldImage"]["temp"] == {"N": "20"} and modify["dynamodb"]["NewImage"]["temp"] == {"N": "21"}
    assert remove["dynamodb"]["OldImage"] == {**key, "temp": {"N": "21"}} and "NewImage" not in remove["dynamodb"]
    sequence = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence == sorted(sequence) and len(set(sequence)) == 3
    assert all(r["dynamodb"]["SizeBytes"] > 0 for r in records)
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert described["StreamStatus"] == "ENABLED" and described["TableName"] == name
    assert described["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                      {"AttributeName": "sk", "KeyType": "RANGE"}]
    listed = streams.list_streams(TableName=name)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": name, "StreamLabel": table["LatestStreamLabel"]}]


def test_after_sequence_number_resumes_a_checkpointed_consumer(ddb, streams, make_table):
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    for n in range(4):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{n}"}})
    records = _consume(streams, arn)
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    checkpoint = records[1]["dynamodb"]["SequenceNumber"]
    after = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="AFTER_SEQUENCE_NUMBER",
                                       SequenceNumber=checkpoint)["ShardIterator"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in streams.get_records(ShardIterator=after)["Records"]] == ["k2", "k3"]
    at = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER",
                                    SequenceNumber=checkpoint)["ShardIterator"]
    assert streams.get_records(ShardIterator=at)["Records"][0]["dynamodb"]["Keys"] == {"pk": {"S": "k1"}}
    code, _ = error_of(streams.get_shard_iterator, StreamArn=arn, ShardId=shard,
                       ShardIteratorType="AFTER_SEQUENCE_NUMBER")
    assert code == "ValidationException"


def test_stream_enabled_later_and_a_second_enable_refused(ddb, make_table):
    name = make_table()
    assert "LatestStreamArn" not in ddb.describe_table(TableName=name)["Table"]
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    assert error_of(ddb.update_table, TableName=name,
                    StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}) == (
        "ValidationException", f"Table already has an enabled stream: TableName: {name}")


def test_transaction_moves_money_once_per_token(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "alice"}, "balance": {"N": "100"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "bob"}, "balance": {"N": "0"}})
    token = str(uuid.uuid4())
    move = [
        {"Update": {"TableName": name, "Key": {"pk": {"S": "alice"}}, "UpdateExpression": "SET balance = balance - :a",
                    "ConditionExpression": "balance >= :a", "ExpressionAttributeValues": {":a": {"N": "30"}}}},
        {"Update": {"TableName": name, "Key": {"pk": {"S": "bob"}}, "UpdateExpression": "SET balance = balance + :a",
                    "ExpressionAttributeValues": {":a": {"N": "30"}}}},
        {"Put": {"TableName": name, "Item": {"pk": {"S": f"tx#{token}"}}, "ConditionExpression": "attribute_not_exists(pk)"}},
    ]
    ddb.transact_write_items(TransactItems=move, ClientRequestToken=token)
    ddb.transact_write_items(TransactItems=move, ClientRequestToken=token)
    balance = lambda who: ddb.get_item(TableName=name, Key={"pk": {"S": who}})["Item"]["balance"]["N"]
    assert (balance("alice"), balance("bob")) == ("70", "30")
    changed = [dict(move[0], Update={**move[0]["Update"], "ExpressionAttributeValues": {":a": {"N": "31"}}})] + move[1:]
    assert error_of(ddb.transact_write_items, TransactItems=changed,
                    ClientRequestToken=token)[0] == "IdempotentParameterMismatchException"
    too_much = [dict(move[0], Update={**move[0]["Update"], "ExpressionAttributeValues": {":a": {"N": "500"}}}),
                move[1]]
    code, message = error_of(ddb.transact_write_items, TransactItems=too_much)
    assert code == "TransactionCanceledException"
    assert message == ("Transaction cancelled, please refer cancellation reasons for specific reasons "
                       "[ConditionalCheckFailed, None]")
    assert (balance("alice"), balance("bob")) == ("70", "30")
    got = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": name, "Key": {"pk": {"S": who}},
                                                         "ProjectionExpression": "balance"}} for who in ("alice", "bob", "carol")])
    assert got["Responses"] == [{"Item": {"balance": {"N": "70"}}}, {"Item": {"balance": {"N": "30"}}}, {}]


def test_transaction_cancellation_reasons_in_the_response(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    try:
        ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "a"}}, "ConditionExpression": "v = :two",
                                "ExpressionAttributeValues": {":two": {"N": "2"}},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Put": {"TableName": name, "Item": {"pk": {"S": "b"}}}}])
    except ddb.exceptions.TransactionCanceledException as cancelled:
        reasons = cancelled.response["CancellationReasons"]
    assert reasons == [{"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
                        "Item": {"pk": {"S": "a"}, "v": {"N": "1"}}}, {"Code": "None"}]
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "b"}})


def test_gsi_with_projections(ddb, make_table):
    name = make_table(range=("sk", "S"), extra_definitions=[("email", "S"), ("city", "S"), ("age", "N")],
                      GlobalSecondaryIndexes=[
                          {"IndexName": "by-email", "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
                           "Projection": {"ProjectionType": "KEYS_ONLY"}},
                          {"IndexName": "by-city", "KeySchema": [{"AttributeName": "city", "KeyType": "HASH"},
                                                                 {"AttributeName": "age", "KeyType": "RANGE"}],
                           "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["nick"]}}])
    people = [("u1", "a@x", "paris", 30, "al"), ("u2", "b@x", "paris", 25, "bo"), ("u3", "c@x", "rome", 40, "cy")]
    for pk, email, city, age, nick in people:
        ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "sk": {"S": "profile"}, "email": {"S": email},
                                           "city": {"S": city}, "age": {"N": str(age)}, "nick": {"S": nick},
                                           "secret": {"S": "x"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "u4"}, "sk": {"S": "profile"}})
    by_email = ddb.query(TableName=name, IndexName="by-email", KeyConditionExpression="email = :e",
                         ExpressionAttributeValues={":e": {"S": "b@x"}})
    assert by_email["Items"] == [{"pk": {"S": "u2"}, "sk": {"S": "profile"}, "email": {"S": "b@x"}}]
    paris = ddb.query(TableName=name, IndexName="by-city", KeyConditionExpression="city = :c AND age > :a",
                      ExpressionAttributeValues={":c": {"S": "paris"}, ":a": {"N": "20"}})
    assert [(i["pk"]["S"], sorted(i)) for i in paris["Items"]] == [
        ("u2", ["age", "city", "nick", "pk", "sk"]), ("u1", ["age", "city", "nick", "pk", "sk"])]
    assert ddb.scan(TableName=name, IndexName="by-email", Select="COUNT")["Count"] == 3
    assert error_of(ddb.query, TableName=name, IndexName="by-email", KeyConditionExpression="email = :e",
                    ExpressionAttributeValues={":e": {"S": "b@x"}}, ConsistentRead=True) == (
        "ValidationException", "Consistent reads are not supported on global secondary indexes")
    assert error_of(ddb.query, TableName=name, IndexName="by-email", KeyConditionExpression="email = :e",
                    ExpressionAttributeValues={":e": {"S": "b@x"}}, Select="ALL_ATTRIBUTES") == (
        "ValidationException", "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
        "supported for global secondary index by-email because its projection type is not ALL")
    assert error_of(ddb.put_item, TableName=name, Item={"pk": {"S": "u5"}, "sk": {"S": "p"}, "age": {"S": "old"}}) == (
        "ValidationException", "One or more parameter values were invalid: Type mismatch for Index Key age "
        "Expected: N Actual: S IndexName: by-city")


def test_time_to_live_settings(ddb, make_table):
    name = make_table()
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    spec = {"Enabled": True, "AttributeName": "expires_at"}
    assert ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=spec)["TimeToLiveSpecification"] == spec
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}
    assert error_of(ddb.update_time_to_live, TableName=name, TimeToLiveSpecification=spec) == (
        "ValidationException", "TimeToLive is already enabled")


@pytest.mark.local_only      # AWS's burst credit is best effort; lakebox's is exactly 300 s
@pytest.mark.skipif(os.environ.get("LAKEBOX_TEST_LIMITS", "aws") == "off", reason="throttling needs --limits aws")
def test_provisioned_table_throttles_a_burst_past_its_credit(ddb, make_table):
    name = make_table(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    described = ddb.describe_table(TableName=name)["Table"]
    assert described["ProvisionedThroughput"]["WriteCapacityUnits"] == 1
    big = {"pk": {"S": "x"}, "pad": {"S": "p" * 4000}}
    refused = None
    for n in range(400):
        try:
            ddb.put_item(TableName=name, Item={**big, "pk": {"S": f"k{n}"}})
        except ddb.exceptions.ProvisionedThroughputExceededException as throttled:
            refused = (n, throttled.response["Error"]["Message"])
            break
    assert refused is not None
    assert 60 <= refused[0] <= 80
    assert refused[1] == ("The level of configured provisioned throughput for the table was exceeded. "
                          "Consider increasing your provisioning level with the UpdateTable API.")


def test_batch_statement_returns_the_old_item_of_a_failed_condition(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}, "n": {"N": "1"}})
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": f"UPDATE \"{name}\" SET n = 2 WHERE pk = 'a' AND n = 5",
         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
        {"Statement": f"UPDATE \"{name}\" SET n = 3 WHERE pk = 'b' AND n = 5"}])["Responses"]
    assert answer == [
        {"Error": {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
                   "Item": {"pk": {"S": "a"}, "n": {"N": "1"}}}, "TableName": name},
        {"Error": {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}, "TableName": name}]
    assert ddb.batch_execute_statement(Statements=[{"Statement": f"SELECT n FROM \"{name}\" WHERE pk = 'a'"}])[
        "Responses"] == [{"TableName": name, "Item": {"n": {"N": "1"}}}]


def test_execute_transaction_with_an_exists_condition(ddb, make_table):
    """EXISTS(SELECT ...) is ExecuteTransaction's ConditionCheck (developer guide, "Using
    the EXISTS function with PartiQL for DynamoDB")."""
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "account"}, "state": {"S": "open"}})
    guarded = [{"Statement": f"EXISTS(SELECT * FROM \"{name}\" WHERE pk = 'account' AND state = ?)",
                "Parameters": [{"S": "open"}]},
               {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'order-1'}}"}]
    assert ddb.execute_transaction(TransactStatements=guarded)["Responses"] == []
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "account"}})["Item"] == {
        "pk": {"S": "account"}, "state": {"S": "open"}}
    ddb.update_item(TableName=name, Key={"pk": {"S": "account"}}, UpdateExpression="SET #s = :c",
                    ExpressionAttributeNames={"#s": "state"}, ExpressionAttributeValues={":c": {"S": "closed"}})
    guarded[1] = {"Statement": f"INSERT INTO \"{name}\" VALUE {{'pk': 'order-2'}}"}
    code, message = error_of(ddb.execute_transaction, TransactStatements=guarded)
    assert (code, message) == ("TransactionCanceledException", "Transaction cancelled, please refer cancellation "
                                                               "reasons for specific reasons [ConditionalCheckFailed, None]")
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "order-2"}})


def test_batch_get_hands_back_what_would_pass_16_mb(ddb, make_table):
    """BatchGetItem answers at most 16 MB; the keys it did not read come back in
    UnprocessedKeys, and a retry with them reads the rest (the loop users write)."""
    name = make_table()
    body = "x" * (350 * 1024)
    keys = [{"pk": {"S": f"big-{n:02d}"}} for n in range(50)]
    for key in keys:
        ddb.put_item(TableName=name, Item={**key, "body": {"S": body}})
    first = ddb.batch_get_item(RequestItems={name: {"Keys": keys}})
    got = first["Responses"][name]
    assert len(got) == 46 and sum(len(i["body"]["S"]) + 13 for i in got) <= 16 * 1024 * 1024
    rest = first["UnprocessedKeys"][name]["Keys"]
    assert len(rest) == 4
    again = ddb.batch_get_item(RequestItems={name: {"Keys": rest}})
    assert again["UnprocessedKeys"] == {}
    assert sorted(i["pk"]["S"] for i in got + again["Responses"][name]) == [k["pk"]["S"] for k in keys]
