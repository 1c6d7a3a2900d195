"""TransactWriteItems as a user meets its failures: a fault in one action's item cancels
the whole transaction with that action's ValidationError (a key of the wrong type, an
update that needs an attribute the item lacks, an item that would pass 400 KB), and a
throttled table cancels it with ProvisionedThroughputExceeded, while a fault of the
request itself (an undefined placeholder, two actions on one item) stays a
ValidationException; nothing is written in any case. Codes and words: the model's
TransactionCanceledException documentation (the reason codes and ValidationError
messages) and tests written against DynamoDB (items are checked before conditions, the
first faulty item only is named)."""
import os

import pytest
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError
from ddb_helpers import error_of

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]"


def _key(pk, sk):
    return {"pk": {"S": pk}, "sk": {"S": sk}}


@pytest.fixture
def accounts(ddb, make_table):
    name = make_table(range=("sk", "S"))
    ddb.put_item(TableName=name, Item={**_key("acct#1", "balance"), "amount": {"N": "100"}})
    return name


def _cancellation(ddb, items):
    """(message, CancellationReasons) of a cancelled transaction."""
    with pytest.raises(ClientError) as caught:
        ddb.transact_write_items(TransactItems=items)
    assert caught.value.response["Error"]["Code"] == "TransactionCanceledException"
    return caught.value.response["Error"]["Message"], caught.value.response["CancellationReasons"]


def _unchanged(ddb, table):
    items = ddb.scan(TableName=table)["Items"]
    assert items == [{**_key("acct#1", "balance"), "amount": {"N": "100"}}]


def test_a_key_of_the_wrong_type_cancels_with_a_validation_error(ddb, accounts):
    message, reasons = _cancellation(ddb, [
        {"Put": {"TableName": accounts, "Item": {"pk": {"N": "7"}, "sk": {"S": "x"}}}},
        {"Put": {"TableName": accounts, "Item": {"pk": {"N": "8"}, "sk": {"S": "x"}}}},
        {"Put": {"TableName": accounts, "Item": _key("acct#2", "balance"),
                 "ConditionExpression": "attribute_exists(pk)"}}])
    assert message == CANCELLED.format("ValidationError, None, None")
    assert reasons == [{"Code": "ValidationError", "Message": "One or more parameter values were invalid: Type "
                                                              "mismatch for key pk expected: S actual: N"},
                       {"Code": "None"}, {"Code": "None"}]
    _unchanged(ddb, accounts)


def test_an_update_of_a_missing_attribute_cancels_with_a_validation_error(ddb, accounts):
    message, reasons = _cancellation(ddb, [
        {"Put": {"TableName": accounts, "Item": {**_key("acct#1", "audit#1"), "what": {"S": "debit"}}}},
        {"Update": {"TableName": accounts, "Key": _key("acct#1", "balance"), "UpdateExpression": "SET fees = fees + :f",
                    "ExpressionAttributeValues": {":f": {"N": "1"}}}}])
    assert message == CANCELLED.format("None, ValidationError")
    assert reasons == [{"Code": "None"}, {"Code": "ValidationError", "Message": "The provided expression refers to "
                                                                                "an attribute that does not exist "
                                                                                "in the item"}]
    _unchanged(ddb, accounts)


def test_an_update_past_400_kb_cancels_with_the_update_words(ddb, accounts):
    message, reasons = _cancellation(ddb, [
        {"Update": {"TableName": accounts, "Key": _key("acct#1", "balance"), "UpdateExpression": "SET note = :n",
                    "ExpressionAttributeValues": {":n": {"S": "x" * (400 * 1024)}}}}])
    assert message == CANCELLED.format("ValidationError")
    assert reasons == [{"Code": "ValidationError",
                        "Message": "Item size to update has exceeded the maximum allowed size"}]
    _unchanged(ddb, accounts)


def test_update_item_past_400_kb_says_so(ddb, accounts):
    assert error_of(ddb.update_item, TableName=accounts, Key=_key("acct#1", "balance"), UpdateExpression="SET note = :n",
                    ExpressionAttributeValues={":n": {"S": "x" * (400 * 1024)}}) == (
        "ValidationException", "Item size to update has exceeded the maximum allowed size")
    assert error_of(ddb.put_item, TableName=accounts, Item={**_key("acct#1", "big"), "note": {"S": "x" * 409600}}) == (
        "ValidationException", "Item size has exceeded the maximum allowed size")
    _unchanged(ddb, accounts)


def test_a_failed_condition_returns_the_old_item_next_to_a_passing_action(ddb, accounts, resource):
    message, reasons = _cancellation(ddb, [
        {"Put": {"TableName": accounts, "Item": {**_key("acct#1", "audit#2"), "what": {"S": "debit"}}}},
        {"Update": {"TableName": accounts, "Key": _key("acct#1", "balance"),
                    "UpdateExpression": "SET amount = amount - :a", "ConditionExpression": "amount >= :a",
                    "ExpressionAttributeValues": {":a": {"N": "250"}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])
    assert message == CANCELLED.format("None, ConditionalCheckFailed")
    assert reasons[0] == {"Code": "None"}
    assert reasons[1]["Code"] == "ConditionalCheckFailed"
    assert reasons[1]["Message"] == "The conditional request failed"
    item = {name: TypeDeserializer().deserialize(value) for name, value in reasons[1]["Item"].items()}
    assert item == {"pk": "acct#1", "sk": "balance", "amount": 100}
    _unchanged(ddb, accounts)


def test_faults_of_the_request_stay_validation_exceptions(ddb, accounts):
    assert error_of(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": accounts, "Item": _key("acct#9", "x"), "ConditionExpression": "attribute_exists(#gone)"}},
    ]) == ("ValidationException", "Invalid ConditionExpression: An expression attribute name used in the document "
                                  "path is not defined; attribute name: #gone")
    assert error_of(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": accounts, "Item": _key("acct#1", "balance")}},
        {"ConditionCheck": {"TableName": accounts, "Key": _key("acct#1", "balance"),
                            "ConditionExpression": "attribute_exists(pk)"}}]) == (
        "ValidationException", "Transaction request cannot include multiple operations on one item")
    _unchanged(ddb, accounts)


def test_a_valid_transaction_still_applies_every_action(ddb, accounts):
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": accounts, "Item": {**_key("acct#1", "audit#3"), "what": {"S": "debit"}}}},
        {"Update": {"TableName": accounts, "Key": _key("acct#1", "balance"),
                    "UpdateExpression": "SET amount = amount - :a", "ConditionExpression": "amount >= :a",
                    "ExpressionAttributeValues": {":a": {"N": "30"}}}},
        {"ConditionCheck": {"TableName": accounts, "Key": _key("acct#2", "balance"),
                            "ConditionExpression": "attribute_not_exists(pk)"}}])
    items = {item["sk"]["S"]: item for item in ddb.scan(TableName=accounts)["Items"]}
    assert items["balance"]["amount"] == {"N": "70"} and items["audit#3"]["what"] == {"S": "debit"}
    assert len(items) == 2


@pytest.mark.local_only      # AWS's burst credit is best effort; lakebox's is exactly 300 s
@pytest.mark.skipif(os.environ.get("LAKEBOX_TEST_LIMITS", "aws") == "off", reason="throttling needs --limits aws")
def test_a_throttled_table_cancels_the_transaction(ddb, make_table, accounts):
    """A provisioned table of 1 WCU holds 300 units of burst; once 4 KB writes have spent
    them, a transaction touching the table is cancelled and writes nothing."""
    tight = make_table(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    for n in range(400):
        try:
            ddb.put_item(TableName=tight, Item={"pk": {"S": f"k{n}"}, "pad": {"S": "p" * 4000}})
        except ddb.exceptions.ProvisionedThroughputExceededException:
            break
    else:
        pytest.fail("the table never throttled")
    message, reasons = _cancellation(ddb, [
        {"Put": {"TableName": tight, "Item": {"pk": {"S": "in-transaction"}}}},
        {"Put": {"TableName": accounts, "Item": _key("acct#1", "audit#4")}}])
    assert message == CANCELLED.format("ProvisionedThroughputExceeded, None")
    assert reasons == [{"Code": "ProvisionedThroughputExceeded",
                        "Message": "The level of configured provisioned throughput for the table was exceeded. "
                                   "Consider increasing your provisioning level with the UpdateTable API."},
                       {"Code": "None"}]
    _unchanged(ddb, accounts)
    assert "Item" not in ddb.get_item(TableName=tight, Key={"pk": {"S": "in-transaction"}})
