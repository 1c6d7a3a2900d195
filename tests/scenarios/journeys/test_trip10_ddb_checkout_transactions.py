"""A shop's checkout places an order in one TransactWriteItems call: the order is put
only if new, the stock of each item is decremented only if enough is left, and the
customer's account is checked to be active. The client retries a timed-out checkout
with the same ClientRequestToken, which applies it once; the same token with another
basket is an IdempotentParameterMismatchException. A basket naming one SKU twice is
refused before anything runs; a basket the stock cannot serve is cancelled with one
reason per action in order, the failing stock row returned where the checkout asked
for it (ReturnValuesOnConditionCheckFailure). TransactGetItems reads the result back
(the API reference of TransactWriteItems and TransactionCanceledException)."""
from botocore.exceptions import ClientError
import pytest

from trip_helpers import client_table, error_of

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons "


def _shop(ddb, name):
    client_table(ddb, name, ("pk", "S"))
    for item in ({"pk": {"S": "sku#mug"}, "stock": {"N": "3"}}, {"pk": {"S": "sku#tee"}, "stock": {"N": "1"}},
                 {"pk": {"S": "cust#7"}, "status": {"S": "active"}}):
        ddb.put_item(TableName=name, Item=item)


def _basket(table, order, lines, old_stock=None):
    actions = [{"Put": {"TableName": table, "Item": {"pk": {"S": order}, "lines": {"N": str(len(lines))}},
                        "ConditionExpression": "attribute_not_exists(pk)"}}]
    for sku, quantity in lines:
        update = {"TableName": table, "Key": {"pk": {"S": sku}}, "UpdateExpression": "SET stock = stock - :q",
                  "ConditionExpression": "stock >= :q", "ExpressionAttributeValues": {":q": {"N": str(quantity)}}}
        if old_stock:
            update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        actions.append({"Update": update})
    actions.append({"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "cust#7"}},
                                       "ConditionExpression": "#s = :active", "ExpressionAttributeNames": {"#s": "status"},
                                       "ExpressionAttributeValues": {":active": {"S": "active"}}}})
    return actions


def _stock(ddb, table):
    read = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": table, "Key": {"pk": {"S": sku}}, "ProjectionExpression": "stock"}}
        for sku in ("sku#mug", "sku#tee")])
    return [response["Item"]["stock"]["N"] for response in read["Responses"]]


def test_checkout_in_one_transaction(client, table_name):
    ddb = client("dynamodb")
    _shop(ddb, table_name)
    basket = _basket(table_name, "order#1", [("sku#mug", 2), ("sku#tee", 1)])
    assert ddb.transact_write_items(TransactItems=basket, ClientRequestToken="checkout-1")["ResponseMetadata"][
        "HTTPStatusCode"] == 200
    assert ddb.transact_write_items(TransactItems=basket, ClientRequestToken="checkout-1")["ResponseMetadata"][
        "HTTPStatusCode"] == 200                                                  # the retry applies nothing
    assert _stock(ddb, table_name) == ["1", "0"]
    assert error_of(ddb.transact_write_items, ClientRequestToken="checkout-1",
                    TransactItems=_basket(table_name, "order#1", [("sku#mug", 1)])) == (
        "IdempotentParameterMismatchException",
        "Specified idempotent token was used with different request parameters within the idempotency window")

    assert error_of(ddb.transact_write_items,
                    TransactItems=_basket(table_name, "order#2", [("sku#mug", 1), ("sku#mug", 1)])) == (
        "ValidationException", "Transaction request cannot include multiple operations on one item")

    with pytest.raises(ClientError) as caught:
        ddb.transact_write_items(TransactItems=_basket(table_name, "order#2", [("sku#mug", 1), ("sku#tee", 1)],
                                                       old_stock=True))
    error = caught.value.response
    assert error["Error"] == {"Code": "TransactionCanceledException",
                              "Message": CANCELLED + "[None, None, ConditionalCheckFailed, None]"}
    assert error["CancellationReasons"] == [
        {"Code": "None"}, {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
         "Item": {"pk": {"S": "sku#tee"}, "stock": {"N": "0"}}},
        {"Code": "None"}]
    with pytest.raises(ClientError) as again:
        ddb.transact_write_items(TransactItems=_basket(table_name, "order#1", [("sku#tee", 1)]))
    assert again.value.response["Error"]["Message"] == CANCELLED + "[ConditionalCheckFailed, ConditionalCheckFailed, None]"
    assert again.value.response["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}, {"Code": "None"}]
    assert _stock(ddb, table_name) == ["1", "0"]
    assert ddb.get_item(TableName=table_name, Key={"pk": {"S": "order#2"}}).get("Item") is None

    ddb.transact_write_items(TransactItems=_basket(table_name, "order#2", [("sku#mug", 1)]))
    assert _stock(ddb, table_name) == ["0", "0"]
    assert ddb.get_item(TableName=table_name, Key={"pk": {"S": "order#2"}})["Item"] == {
        "pk": {"S": "order#2"}, "lines": {"N": "1"}}
