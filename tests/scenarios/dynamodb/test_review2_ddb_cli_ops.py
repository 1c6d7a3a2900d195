"""An operator's DynamoDB chores through the aws cli: a transaction from a file (applied,
then refused when its condition fails, with the reasons on stderr), a batch of puts from
a file, PartiQL through execute-statement, TTL switched on and described, a change
stream read with the dynamodbstreams commands, and the table dropped and waited for."""
import json
import uuid

import pytest
from aws_cli import answer_of as _ok
from aws_cli import run_cli


@pytest.fixture
def inventory(lakebox_server):
    name = f"inventory-{uuid.uuid4().hex[:10]}"
    _ok(run_cli(lakebox_server, "dynamodb", "create-table", "--table-name", name, "--billing-mode", "PAY_PER_REQUEST",
                "--attribute-definitions", "AttributeName=sku,AttributeType=S",
                "--key-schema", "AttributeName=sku,KeyType=HASH",
                "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES"))
    _ok(run_cli(lakebox_server, "dynamodb", "wait", "table-exists", "--table-name", name))
    yield name
    run_cli(lakebox_server, "dynamodb", "delete-table", "--table-name", name)


def _reserve(table, quantity):
    return [{"Update": {"TableName": table, "Key": {"sku": {"S": "widget"}},
                        "UpdateExpression": "SET stock = stock - :q", "ConditionExpression": "stock >= :q",
                        "ExpressionAttributeValues": {":q": {"N": str(quantity)}}}},
            {"Put": {"TableName": table, "Item": {"sku": {"S": f"order-{quantity}"}, "qty": {"N": str(quantity)}}}}]


def test_a_transaction_from_a_file(lakebox_server, inventory, tmp_path):
    batch = tmp_path / "stock.json"
    batch.write_text(json.dumps({inventory: [{"PutRequest": {"Item": {"sku": {"S": "widget"}, "stock": {"N": "5"}}}}]}))
    assert _ok(run_cli(lakebox_server, "dynamodb", "batch-write-item", "--request-items", f"file://{batch}")) == {
        "UnprocessedItems": {}}
    transaction = tmp_path / "reserve.json"
    transaction.write_text(json.dumps(_reserve(inventory, 3)))
    _ok(run_cli(lakebox_server, "dynamodb", "transact-write-items", "--transact-items", f"file://{transaction}"))
    transaction.write_text(json.dumps(_reserve(inventory, 4)))
    refused = run_cli(lakebox_server, "dynamodb", "transact-write-items", "--transact-items", f"file://{transaction}")
    assert refused.returncode != 0
    assert ("An error occurred (TransactionCanceledException) when calling the TransactWriteItems operation: "
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            "[ConditionalCheckFailed, None]") in refused.stderr
    selected = _ok(run_cli(lakebox_server, "dynamodb", "execute-statement", "--statement",
                           f"SELECT sku, stock, qty FROM \"{inventory}\" WHERE sku IN ['widget', 'order-3', 'order-4']"))
    assert sorted(selected["Items"], key=lambda item: item["sku"]["S"]) == [
        {"sku": {"S": "order-3"}, "qty": {"N": "3"}}, {"sku": {"S": "widget"}, "stock": {"N": "2"}}]


def test_ttl_switched_on_and_described(lakebox_server, inventory):
    answer = _ok(run_cli(lakebox_server, "dynamodb", "update-time-to-live", "--table-name", inventory,
                         "--time-to-live-specification", "Enabled=true,AttributeName=expires_at"))
    assert answer == {"TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires_at"}}
    described = _ok(run_cli(lakebox_server, "dynamodb", "describe-time-to-live", "--table-name", inventory))
    assert described == {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}}
    again = run_cli(lakebox_server, "dynamodb", "update-time-to-live", "--table-name", inventory,
                    "--time-to-live-specification", "Enabled=true,AttributeName=expires_at")
    assert ("An error occurred (ValidationException) when calling the UpdateTimeToLive operation: "
            "TimeToLive is already enabled") in again.stderr


def test_reading_the_change_stream_with_the_cli(lakebox_server, inventory):
    _ok(run_cli(lakebox_server, "dynamodb", "put-item", "--table-name", inventory,
                "--item", json.dumps({"sku": {"S": "gadget"}, "stock": {"N": "1"}})))
    _ok(run_cli(lakebox_server, "dynamodb", "update-item", "--table-name", inventory,
                "--key", json.dumps({"sku": {"S": "gadget"}}), "--update-expression", "ADD stock :n",
                "--expression-attribute-values", json.dumps({":n": {"N": "2"}})))
    _ok(run_cli(lakebox_server, "dynamodb", "delete-item", "--table-name", inventory,
                "--key", json.dumps({"sku": {"S": "gadget"}})))
    streams = _ok(run_cli(lakebox_server, "dynamodbstreams", "list-streams", "--table-name", inventory))["Streams"]
    assert [s["TableName"] for s in streams] == [inventory]
    described = _ok(run_cli(lakebox_server, "dynamodbstreams", "describe-stream", "--stream-arn",
                            streams[0]["StreamArn"]))["StreamDescription"]
    assert described["StreamStatus"] == "ENABLED" and described["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    iterator = _ok(run_cli(lakebox_server, "dynamodbstreams", "get-shard-iterator", "--stream-arn",
                           streams[0]["StreamArn"], "--shard-id", described["Shards"][0]["ShardId"],
                           "--shard-iterator-type", "TRIM_HORIZON"))["ShardIterator"]
    records = _ok(run_cli(lakebox_server, "dynamodbstreams", "get-records", "--shard-iterator", iterator))["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[1]["dynamodb"]["OldImage"]["stock"] == {"N": "1"}
    assert records[1]["dynamodb"]["NewImage"]["stock"] == {"N": "3"}
    assert records[2]["dynamodb"]["OldImage"] == {"sku": {"S": "gadget"}, "stock": {"N": "3"}}


def test_the_table_dropped_and_waited_for(lakebox_server, inventory):
    deleted = _ok(run_cli(lakebox_server, "dynamodb", "delete-table", "--table-name", inventory))
    assert deleted["TableDescription"]["TableStatus"] == "DELETING"
    _ok(run_cli(lakebox_server, "dynamodb", "wait", "table-not-exists", "--table-name", inventory))
    missing = run_cli(lakebox_server, "dynamodb", "describe-table", "--table-name", inventory)
    assert ("An error occurred (ResourceNotFoundException) when calling the DescribeTable operation: "
            f"Requested resource not found: Table: {inventory} not found") in missing.stderr
