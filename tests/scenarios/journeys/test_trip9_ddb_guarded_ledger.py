"""A platform team hardens a payments ledger table before go-live, the way its runbook
does it with boto3: deletion protection on (a DeleteTable is refused; turning it off
again right away hits DynamoDB's 15-second per-table cooldown, a ThrottlingException
that says when to try again), the table moved to the Standard-IA class once its data
went cold (the UpdateTable answer still shows the old class, DescribeTable the new one
with the time of the switch; asking for the class already in force changes nothing),
and the runbook's combined UpdateTable calls are refused because DeletionProtection
and TableClass changes must each be the only one in a request (DynamoDB's message
catalogue, recorded replies)."""
import datetime
import re

import pytest

from trip_helpers import error_of, keyed_table

pytestmark = pytest.mark.local_only          # the cooldown is waited out by moving the lakebox clock

INVALID = "One or more parameter values were invalid: "


def test_ledger_go_live_hardening(client, resource, clock, table_name):
    ddb = client("dynamodb")
    ledger = keyed_table(resource("dynamodb"), table_name, "entry_id")
    ledger.put_item(Item={"entry_id": "e-1", "amount": 125})
    assert "TableClassSummary" not in ddb.describe_table(TableName=table_name)["Table"]

    assert error_of(ddb.update_table, TableName=table_name, DeletionProtectionEnabled=True,
                    TableClass="STANDARD_INFREQUENT_ACCESS") == (
        "ValidationException", INVALID + "DeletionProtection modification must be the only operation in the request")
    assert error_of(ddb.update_table, TableName=table_name, TableClass="STANDARD_INFREQUENT_ACCESS",
                    BillingMode="PAY_PER_REQUEST") == (
        "ValidationException", INVALID + "TableClass modification must be the only operation in the request")

    before = datetime.datetime.now(datetime.timezone.utc)
    protected = ddb.update_table(TableName=table_name, DeletionProtectionEnabled=True)["TableDescription"]
    after = datetime.datetime.now(datetime.timezone.utc)
    assert protected["DeletionProtectionEnabled"] is True
    assert error_of(ddb.delete_table, TableName=table_name) == (
        "ValidationException", "Resource cannot be deleted as it is currently protected against deletion. "
                               "Disable deletion protection first.")
    code, message = error_of(ddb.update_table, TableName=table_name, DeletionProtectionEnabled=False)
    assert code == "ThrottlingException"
    found = re.fullmatch(f"Deletion protection setting for table {table_name} modified within the previous 15000 "
                         r"milliseconds\. Please try again after (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})", message)
    assert found, message
    again = datetime.datetime.fromisoformat(found.group(1)).replace(tzinfo=datetime.timezone.utc)
    window = datetime.timedelta(seconds=15)
    assert before + window - datetime.timedelta(milliseconds=1) <= again <= after + window
    assert ddb.describe_table(TableName=table_name)["Table"]["DeletionProtectionEnabled"] is True

    unchanged = ddb.update_table(TableName=table_name, TableClass="STANDARD")["TableDescription"]
    assert "TableClassSummary" not in unchanged
    assert "TableClassSummary" not in ddb.describe_table(TableName=table_name)["Table"]
    moved = ddb.update_table(TableName=table_name, TableClass="STANDARD_INFREQUENT_ACCESS")["TableDescription"]
    assert moved["TableStatus"] == "UPDATING" and "TableClassSummary" not in moved     # the class it had
    summary = ddb.describe_table(TableName=table_name)["Table"]["TableClassSummary"]
    assert summary["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    assert before <= summary["LastUpdateDateTime"] <= datetime.datetime.now(datetime.timezone.utc)
    assert ledger.get_item(Key={"entry_id": "e-1"})["Item"]["amount"] == 125

    clock(16)
    assert ddb.update_table(TableName=table_name, DeletionProtectionEnabled=False)["TableDescription"][
        "DeletionProtectionEnabled"] is False
    back = ddb.update_table(TableName=table_name, TableClass="STANDARD")["TableDescription"]
    assert back["TableClassSummary"] == summary                                        # still the old summary
    assert ddb.describe_table(TableName=table_name)["Table"]["TableClassSummary"]["TableClass"] == "STANDARD"
