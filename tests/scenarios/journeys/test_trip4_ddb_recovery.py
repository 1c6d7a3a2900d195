"""Recovering a DynamoDB table after a bad batch job, as an on-call engineer does it:
the accounts table has point-in-time recovery and a nightly on-demand backup; a buggy
job zeroes some balances and deletes an account; the engineer reads the restorable
window, restores the table as it was before the job into a new table (and the nightly
backup into another), checks both against each other, and repairs the live table from
the restored copy with a batch writer, item by item where the job did damage, leaving
the changes made after the job alone."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key

pytestmark = pytest.mark.local_only          # the restorable window moves with the lakebox clock

ACCOUNTS = {f"acct-{i:02d}": Decimal(100 * i + 7) for i in range(1, 21)}


def accounts_table(dynamodb, name):
    table = dynamodb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "account", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "account", "AttributeType": "S"},
                              {"AttributeName": "branch", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-branch", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "branch", "KeyType": "HASH"}]}])
    table.wait_until_exists()
    return table


def balances(table):
    items = table.scan(ConsistentRead=True)["Items"]
    return {i["account"]: i["balance"] for i in items}


@pytest.fixture
def tables(resource, table_name):
    dynamodb = resource("dynamodb")
    names = [table_name, f"{table_name}-pitr", f"{table_name}-nightly"]
    yield dynamodb, names
    for name in names[1:]:
        try:
            dynamodb.Table(name).delete()
        except dynamodb.meta.client.exceptions.ResourceNotFoundException:
            pass


def test_restore_and_repair_after_a_bad_job(client, clock, tables):
    dynamodb, (live_name, pitr_name, nightly_name) = tables
    ddb = client("dynamodb")
    live = accounts_table(dynamodb, live_name)
    ddb.update_continuous_backups(TableName=live_name,
                                  PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    with live.batch_writer() as batch:
        for account, balance in ACCOUNTS.items():
            batch.put_item(Item={"account": account, "balance": balance, "branch": f"b{int(account[-2:]) % 3}"})
    backup = ddb.create_backup(TableName=live_name, BackupName="nightly")["BackupDetails"]
    assert backup["BackupStatus"] in ("CREATING", "AVAILABLE")
    clock(600)
    window = ddb.describe_continuous_backups(TableName=live_name)["ContinuousBackupsDescription"]
    pitr = window["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    before_job = pitr["LatestRestorableDateTime"]
    assert pitr["EarliestRestorableDateTime"] <= before_job

    clock(60)                                            # the bad job runs
    damaged = [a for a in ACCOUNTS if int(a[-2:]) % 4 == 0]
    for account in damaged:
        live.update_item(Key={"account": account}, UpdateExpression="SET balance = :zero",
                         ExpressionAttributeValues={":zero": Decimal(0)})
    live.delete_item(Key={"account": "acct-07"})
    live.put_item(Item={"account": "acct-99", "balance": Decimal(5), "branch": "b0"})   # a real, later change
    clock(400)

    ddb.restore_table_to_point_in_time(SourceTableName=live_name, TargetTableName=pitr_name,
                                       RestoreDateTime=before_job)
    ddb.restore_table_from_backup(TargetTableName=nightly_name, BackupArn=backup["BackupArn"])
    for name in (pitr_name, nightly_name):
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    described = ddb.describe_table(TableName=pitr_name)["Table"]
    # once ACTIVE a restored table shows no RestoreSummary (stackd backups.json call 117)
    assert "RestoreSummary" not in described
    assert [i["IndexName"] for i in described["GlobalSecondaryIndexes"]] == ["by-branch"]
    restored, nightly = dynamodb.Table(pitr_name), dynamodb.Table(nightly_name)
    assert balances(restored) == balances(nightly) == ACCOUNTS
    assert restored.query(IndexName="by-branch", KeyConditionExpression=Key("branch").eq("b1"))["Count"] == 7

    with live.batch_writer() as batch:
        for item in restored.scan(FilterExpression=Attr("account").is_in(damaged + ["acct-07"]))["Items"]:
            batch.put_item(Item=item)
    assert balances(live) == {**ACCOUNTS, "acct-99": Decimal(5)}
    listed = ddb.list_backups(TableName=live_name)["BackupSummaries"]
    assert [b["BackupName"] for b in listed] == ["nightly"]
    ddb.delete_backup(BackupArn=backup["BackupArn"])
