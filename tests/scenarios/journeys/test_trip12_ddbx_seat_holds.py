"""A ticketing service holds seats in a DynamoDB table keyed by (event, seat) with a local
index by holder, written through the boto3 resource and client. When a write loses a race
the caller asks DynamoDB for the item that beat it: ReturnValuesOnConditionCheckFailure
ALL_OLD puts it in the ConditionalCheckFailedException (in DynamoDB JSON, even through the
resource) and in each TransactionCanceledException reason that asked, NONE leaves it out;
ReturnItemCollectionMetrics SIZE reports the event's item collection on every write of
an LSI table, a transaction's once per collection and table. PutItem and DeleteItem refuse other ReturnValues
(API reference: 'ReturnValues can only be ALL_OLD or NONE'). The holds are settled with
ExecuteTransaction: a retried ClientRequestToken is answered again without writing twice,
and a read-only transaction reads the settled seats."""
import pytest
from boto3.dynamodb.conditions import Attr
from trip_helpers import error_of

METRICS = [0.0, 1.0]                       # DynamoDB's estimate for a collection under 1 GB


def test_seat_holds(client, resource, table_name):
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "event", "KeyType": "HASH"}, {"AttributeName": "seat", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("event", "seat", "holder")],
        LocalSecondaryIndexes=[{"IndexName": "by-holder", "Projection": {"ProjectionType": "KEYS_ONLY"}, "KeySchema": [
            {"AttributeName": "event", "KeyType": "HASH"}, {"AttributeName": "holder", "KeyType": "RANGE"}]}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    seats = resource("dynamodb").Table(table_name)
    a12 = {"event": "gig-7", "seat": "A12"}
    collection = {"ItemCollectionKey": {"event": "gig-7"}, "SizeEstimateRangeGB": METRICS}

    held = seats.put_item(Item={**a12, "holder": "ana", "until": 1000}, ConditionExpression=Attr("event").not_exists(),
                          ReturnItemCollectionMetrics="SIZE")
    assert held["ItemCollectionMetrics"] == collection
    try:
        seats.put_item(Item={**a12, "holder": "bo", "until": 1100}, ConditionExpression=Attr("event").not_exists(),
                       ReturnValuesOnConditionCheckFailure="ALL_OLD")
        raise AssertionError("the second hold must lose")
    except seats.meta.client.exceptions.ConditionalCheckFailedException as lost:
        assert lost.response["Error"] == {"Message": "The conditional request failed",
                                          "Code": "ConditionalCheckFailedException"}
        assert lost.response["Item"] == {"event": {"S": "gig-7"}, "seat": {"S": "A12"}, "holder": {"S": "ana"},
                                         "until": {"N": "1000"}}

    key = {"event": {"S": "gig-7"}, "seat": {"S": "A12"}}
    quiet = ddb.exceptions.ConditionalCheckFailedException
    try:
        ddb.update_item(TableName=table_name, Key=key, UpdateExpression="SET holder = :me",
                        ConditionExpression="holder = :me", ExpressionAttributeValues={":me": {"S": "bo"}},
                        ReturnValuesOnConditionCheckFailure="NONE")
        raise AssertionError("bo does not hold A12")
    except quiet as refused:
        assert "Item" not in refused.response
    extended = ddb.update_item(TableName=table_name, Key=key, UpdateExpression="SET #u = #u + :more",
                               ConditionExpression="holder = :me", ExpressionAttributeNames={"#u": "until"},
                               ExpressionAttributeValues={":me": {"S": "ana"}, ":more": {"N": "300"}},
                               ReturnValues="UPDATED_NEW", ReturnItemCollectionMetrics="SIZE")
    assert extended["Attributes"] == {"until": {"N": "1300"}}
    assert extended["ItemCollectionMetrics"] == {"ItemCollectionKey": {"event": {"S": "gig-7"}},
                                                 "SizeEstimateRangeGB": METRICS}
    assert error_of(ddb.put_item, TableName=table_name, Item=key, ReturnValues="ALL_NEW") == (
        "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    assert error_of(ddb.delete_item, TableName=table_name, Key=key, ReturnValues="UPDATED_OLD") == (
        "ValidationException", "ReturnValues can only be ALL_OLD or NONE")

    # Checkout: A12 must still be ana's, A13 must be free; the second fails and says why.
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as cancelled:
        ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": table_name, "Key": key, "ConditionExpression": "holder = :me",
                                "ExpressionAttributeValues": {":me": {"S": "ana"}},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Put": {"TableName": table_name, "Item": {"event": {"S": "gig-7"}, "seat": {"S": "A13"},
                                                       "holder": {"S": "ana"}},
                     "ConditionExpression": "attribute_not_exists(seat)", "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Put": {"TableName": table_name, "Item": {"event": {"S": "gig-7"}, "seat": {"S": "A14"},
                                                       "holder": {"S": "ana"}},
                     "ConditionExpression": "attribute_exists(seat)"}}])      # A14 is not held
    reasons = cancelled.value.response
    assert reasons["Error"]["Message"] == ("Transaction cancelled, please refer cancellation reasons for specific "
                                           "reasons [None, None, ConditionalCheckFailed]")
    assert reasons["CancellationReasons"] == [
        {"Code": "None"}, {"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}]
    seats.put_item(Item={"event": "gig-7", "seat": "A13", "holder": "bo", "until": 900})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as cancelled:                 # A13 is bo's
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table_name, "Key": {"event": {"S": "gig-7"}, "seat": {"S": "A13"}},
                        "UpdateExpression": "SET holder = :me", "ConditionExpression": "attribute_not_exists(holder)",
                        "ExpressionAttributeValues": {":me": {"S": "ana"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"ConditionCheck": {"TableName": table_name, "Key": key, "ConditionExpression": "holder = :me",
                                "ExpressionAttributeValues": {":me": {"S": "ana"}}}}])
    assert cancelled.value.response["CancellationReasons"] == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
         "Item": {"event": {"S": "gig-7"}, "seat": {"S": "A13"}, "holder": {"S": "bo"}, "until": {"N": "900"}}},
        {"Code": "None"}]

    paid = ddb.transact_write_items(TransactItems=[
        {"Update": {"TableName": table_name, "Key": key, "UpdateExpression": "SET paid = :t",
                    "ExpressionAttributeValues": {":t": {"BOOL": True}}}},
        {"Delete": {"TableName": table_name, "Key": {"event": {"S": "gig-7"}, "seat": {"S": "A13"}}}}],
        ReturnItemCollectionMetrics="SIZE")
    assert paid["ItemCollectionMetrics"] == {table_name: [        # one entry per item collection touched
        {"ItemCollectionKey": {"event": {"S": "gig-7"}}, "SizeEstimateRangeGB": METRICS}]}

    # Settlement through PartiQL: a retry with the same token is answered, not applied twice.
    settle = [{"Statement": f'UPDATE "{table_name}" SET settled = ? WHERE event = ? AND seat = ?',
               "Parameters": [{"N": "1"}, {"S": "gig-7"}, {"S": "A12"}]},
              {"Statement": f'INSERT INTO "{table_name}" VALUE {{\'event\': ?, \'seat\': ?, \'holder\': ?}}',
               "Parameters": [{"S": "gig-7"}, {"S": "B01"}, {"S": "cy"}]}]
    ddb.execute_transaction(TransactStatements=settle, ClientRequestToken="settle-gig-7")
    ddb.execute_transaction(TransactStatements=settle, ClientRequestToken="settle-gig-7")   # the INSERT would fail again
    assert error_of(ddb.execute_transaction, TransactStatements=settle[1:], ClientRequestToken="settle-gig-7") == (
        "IdempotentParameterMismatchException",
        "Specified idempotent token was used with different request parameters within the idempotency window")
    read = ddb.execute_transaction(TransactStatements=[
        {"Statement": f'SELECT holder, settled, paid FROM "{table_name}" WHERE event = ? AND seat = ?',
         "Parameters": [{"S": "gig-7"}, {"S": seat}]} for seat in ("A12", "B01", "C99")],
        ReturnConsumedCapacity="TOTAL")
    assert read["Responses"] == [
        {"Item": {"holder": {"S": "ana"}, "settled": {"N": "1"}, "paid": {"BOOL": True}}},
        {"Item": {"holder": {"S": "cy"}}}, {}]
    assert read["ConsumedCapacity"] == [{"TableName": table_name, "CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}]
