"""An analytics team keeps a year of clickstream in a Standard-IA table with deletion
protection, and switches its table class around a backfill: to STANDARD while the
backfill hammers it, back to Standard-IA afterwards. A third switch in the same month is
refused - DynamoDB allows two table class changes in 30 days, and says so with a
LimitExceededException 'Subscriber limit exceeded: Updates to TableClass are limited to 2
times in 30 day(s).' (developer guide, table class quotas; the words as recorded against
DynamoDB by the ack-api-quirks lab, DDB-TABLE-443). Asking for the class in force changes
nothing and is not counted; once the window has passed the switch is accepted again.
DeleteTable stays refused while the table is protected."""
import pytest

from trip_helpers import error_of

pytestmark = pytest.mark.local_only          # the 30-day window is passed by moving the lakebox clock

IA = "STANDARD_INFREQUENT_ACCESS"
LIMIT = ("LimitExceededException", "Subscriber limit exceeded: Updates to TableClass are limited to 2 times in 30 day(s).")


def test_archive_class_switches(client, clock, table_name):
    ddb = client("dynamodb")
    ddb.create_table(TableName=table_name, BillingMode="PAY_PER_REQUEST", TableClass=IA, DeletionProtectionEnabled=True,
                     KeySchema=[{"AttributeName": "visitor", "KeyType": "HASH"},
                                {"AttributeName": "ts", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "visitor", "AttributeType": "S"},
                                           {"AttributeName": "ts", "AttributeType": "N"}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    described = ddb.describe_table(TableName=table_name)["Table"]
    assert (described["TableClassSummary"], described["DeletionProtectionEnabled"]) == ({"TableClass": IA}, True)
    assert error_of(ddb.delete_table, TableName=table_name) == (
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")

    def switch(to):
        answer = ddb.update_table(TableName=table_name, TableClass=to)["TableDescription"]
        ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        return answer

    assert switch(IA)["TableClassSummary"] == {"TableClass": IA}        # already in force: not a change
    assert switch("STANDARD")["TableClassSummary"] == {"TableClass": IA}  # the answer shows the class it had
    assert ddb.describe_table(TableName=table_name)["Table"]["TableClassSummary"]["TableClass"] == "STANDARD"
    ddb.put_item(TableName=table_name, Item={"visitor": {"S": "v-1"}, "ts": {"N": "1717200000"}})
    switch(IA)
    assert error_of(ddb.update_table, TableName=table_name, TableClass="STANDARD") == LIMIT
    assert ddb.describe_table(TableName=table_name)["Table"]["TableClassSummary"]["TableClass"] == IA
    assert switch(IA)["TableStatus"] == "UPDATING"                       # the class in force may still be asked for

    clock(31 * 86_400)
    switch("STANDARD")
    assert ddb.describe_table(TableName=table_name)["Table"]["TableClassSummary"]["TableClass"] == "STANDARD"
    assert ddb.get_item(TableName=table_name, Key={"visitor": {"S": "v-1"}, "ts": {"N": "1717200000"}})["Item"] == {
        "visitor": {"S": "v-1"}, "ts": {"N": "1717200000"}}
    clock(16)
    ddb.update_table(TableName=table_name, DeletionProtectionEnabled=False)
