"""A wallet service on DynamoDB as its developers write it: accounts are created with a
conditional put (never overwrite), balances move with conditional UpdateItem calls that
report the item that failed the condition (ReturnValuesOnConditionCheckFailure), tags and
history change through ADD / DELETE on sets, list_append at either end, SET arithmetic
and REMOVE, and a transfer is one TransactWriteItems call whose ClientRequestToken makes a
retried transfer happen once. The expression mistakes its developers made on the way
are answered as DynamoDB answers them."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from trip_helpers import error_of, keyed_table


@pytest.fixture
def wallets(resource, table_name):
    return keyed_table(resource("dynamodb"), table_name, "account")


def open_account(table, account, balance):
    table.put_item(Item={"account": account, "balance": Decimal(balance), "history": [], "tags": {"new"}},
                   ConditionExpression="attribute_not_exists(account)")


def test_conditional_puts_and_updates(wallets):
    open_account(wallets, "acc-1", 100)
    with pytest.raises(ClientError) as caught:
        wallets.put_item(Item={"account": "acc-1", "balance": Decimal(0)},
                         ConditionExpression=Attr("account").not_exists(),
                         ReturnValuesOnConditionCheckFailure="ALL_OLD")
    error = caught.value.response
    assert error["Error"] == {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}
    assert error["Item"] == {"account": {"S": "acc-1"}, "balance": {"N": "100"}, "history": {"L": []},
                             "tags": {"SS": ["new"]}}
    assert wallets.get_item(Key={"account": "acc-1"})["Item"]["balance"] == 100

    spent = wallets.update_item(
        Key={"account": "acc-1"}, ConditionExpression="balance >= :amount",
        UpdateExpression="SET balance = balance - :amount, history = list_append(history, :entry) "
                         "ADD tags :vip, spends :one",
        ExpressionAttributeValues={":amount": 30, ":entry": [{"op": "spend", "amount": 30}], ":vip": {"vip"},
                                   ":one": 1},
        ReturnValues="UPDATED_NEW")["Attributes"]
    assert spent == {"balance": 70, "history": [{"op": "spend", "amount": 30}], "tags": {"new", "vip"}, "spends": 1}
    code, message = error_of(wallets.update_item, Key={"account": "acc-1"},
                             UpdateExpression="ADD tags :vip DELETE tags :new",
                             ExpressionAttributeValues={":vip": {"vip"}, ":new": {"new"}})
    assert (code, message) == ("ValidationException", "Invalid UpdateExpression: Two document paths overlap with "
                                                      "each other; must remove or rewrite one of these paths; "
                                                      "path one: [tags], path two: [tags]")
    wallets.update_item(Key={"account": "acc-1"}, UpdateExpression="DELETE tags :new",
                        ExpressionAttributeValues={":new": {"new"}})

    first = wallets.update_item(Key={"account": "acc-1"}, UpdateExpression="SET history = list_append(:entry, history)",
                                ExpressionAttributeValues={":entry": [{"op": "open"}]}, ReturnValues="UPDATED_OLD")
    assert first["Attributes"] == {"history": [{"op": "spend", "amount": 30}]}

    with pytest.raises(ClientError) as caught:
        wallets.update_item(Key={"account": "acc-1"}, ConditionExpression="balance >= :amount",
                            UpdateExpression="SET balance = balance - :amount",
                            ExpressionAttributeValues={":amount": 500}, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert caught.value.response["Item"]["balance"] == {"N": "70"}

    removed = wallets.update_item(Key={"account": "acc-1"}, UpdateExpression="REMOVE history[0], spends",
                                  ReturnValues="ALL_NEW")["Attributes"]
    assert removed == {"account": "acc-1", "balance": 70, "history": [{"op": "spend", "amount": 30}], "tags": {"vip"}}
    emptied = wallets.update_item(Key={"account": "acc-1"}, UpdateExpression="DELETE tags :vip",
                                  ExpressionAttributeValues={":vip": {"vip"}}, ReturnValues="ALL_NEW")["Attributes"]
    assert "tags" not in emptied            # a set that loses its last member is removed

    nobody = wallets.update_item(Key={"account": "acc-404"}, UpdateExpression="ADD balance :ten",
                                 ExpressionAttributeValues={":ten": 10}, ReturnValues="ALL_NEW")
    assert nobody["Attributes"] == {"account": "acc-404", "balance": 10}   # an update creates the item


def test_transfer_is_idempotent(wallets):
    open_account(wallets, "alice", 100)
    open_account(wallets, "bob", 5)
    client = wallets.meta.client

    def transfer(amount, token):
        return client.transact_write_items(ClientRequestToken=token, TransactItems=[
            {"Update": {"TableName": wallets.name, "Key": {"account": "alice"},
                        "UpdateExpression": "SET balance = balance - :a", "ConditionExpression": "balance >= :a",
                        "ExpressionAttributeValues": {":a": amount}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Update": {"TableName": wallets.name, "Key": {"account": "bob"},
                        "UpdateExpression": "SET balance = balance + :a", "ExpressionAttributeValues": {":a": amount}}},
            {"Put": {"TableName": wallets.name, "Item": {"account": f"tx-{token}", "amount": amount},
                     "ConditionExpression": "attribute_not_exists(account)"}}])

    transfer(40, "tok-1")
    transfer(40, "tok-1")                        # the client's retry: same token, same request
    balances = {a: wallets.get_item(Key={"account": a})["Item"]["balance"] for a in ("alice", "bob")}
    assert balances == {"alice": 60, "bob": 45}
    code, _ = error_of(transfer, 41, "tok-1")
    assert code == "IdempotentParameterMismatchException"

    with pytest.raises(ClientError) as caught:
        transfer(1000, "tok-2")
    error = caught.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    assert error["Error"]["Message"] == ("Transaction cancelled, please refer cancellation reasons for specific "
                                         "reasons [ConditionalCheckFailed, None, None]")
    reasons = error["CancellationReasons"]
    assert reasons[0]["Code"] == "ConditionalCheckFailed"
    assert reasons[0]["Item"]["balance"] == {"N": "60"}
    assert [r["Code"] for r in reasons[1:]] == ["None", "None"]
    assert "Item" not in wallets.get_item(Key={"account": "tx-tok-2"})

    code, message = error_of(client.transact_write_items, TransactItems=[
        {"Update": {"TableName": wallets.name, "Key": {"account": "alice"}, "UpdateExpression": "SET x = :one",
                    "ExpressionAttributeValues": {":one": 1}}},
        {"ConditionCheck": {"TableName": wallets.name, "Key": {"account": "alice"},
                            "ConditionExpression": "attribute_exists(account)"}}])
    assert (code, message) == ("ValidationException",
                               "Transaction request cannot include multiple operations on one item")


def test_expression_mistakes(wallets):
    open_account(wallets, "acc-9", 10)
    key = {"account": "acc-9"}
    cases = [
        ({"UpdateExpression": "SET account = :v", "ExpressionAttributeValues": {":v": "x"}},
         "One or more parameter values were invalid: Cannot update attribute account. "
         "This attribute is part of the key"),
        ({"UpdateExpression": "ADD history :v", "ExpressionAttributeValues": {":v": [1]}},
         "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
         "operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND"),
        ({"UpdateExpression": "SET balance = :v", "ExpressionAttributeValues": {":v": 1, ":w": 2}},
         "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"),
        ({"UpdateExpression": "SET balance = :v"},
         "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
         "attribute value: :v"),
        ({"UpdateExpression": "SET nested = :v REMOVE nested.deep", "ExpressionAttributeValues": {":v": {"a": 1}}},
         "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
         "paths; path one: [nested], path two: [nested, deep]"),
        ({"UpdateExpression": "SET balance = balance + :v", "ExpressionAttributeValues": {":v": "ten"}},
         "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, "
         "operand type: S"),
        ({"UpdateExpression": "SET tags = tags + :v", "ExpressionAttributeValues": {":v": 1}},
         "An operand in the update expression has an incorrect data type"),
    ]
    for kwargs, expected in cases:
        assert error_of(wallets.update_item, Key=key, **kwargs) == ("ValidationException", expected), kwargs
    assert wallets.get_item(Key=key)["Item"]["balance"] == 10
