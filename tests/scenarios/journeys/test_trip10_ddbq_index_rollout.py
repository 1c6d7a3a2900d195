"""A platform team rolls a new access pattern out on a live provisioned table: they add a
GSI with UpdateTable (refused until its key attributes are defined, until the index has
throughput of its own since the table is provisioned, and while the same request names
the index twice), wait for the index to go from CREATING to ACTIVE, query it, then move
the table to on-demand to save money. Moving it back to provisioned needs throughput for
the table and for every index, on-demand maxima are refused while it is provisioned,
and switching to on-demand is limited to four times in a rolling day. Finally the old
index is deleted and DescribeTable lists neither it nor the definitions of the
attributes only its key used."""
import re

import pytest
from boto3.dynamodb.conditions import Key

from trip_helpers import error_of, wait_for


@pytest.fixture
def products(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        KeySchema=[{"AttributeName": "sku", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "sku", "AttributeType": "S"}])
    table.wait_until_exists()
    with table.batch_writer() as batch:
        for n in range(8):
            batch.put_item(Item={"sku": f"sku-{n}", "brand": "acme" if n % 2 else "zeta", "stock": n})
    return table


def by_brand(throughput=True):
    index = {"IndexName": "by-brand", "KeySchema": [{"AttributeName": "brand", "KeyType": "HASH"},
                                                    {"AttributeName": "stock", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}}
    if throughput:
        index["ProvisionedThroughput"] = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}
    return [{"Create": index}]


def test_index_rollout_and_billing_switches(products, client):
    ddb, name = client("dynamodb"), products.name
    brand_stock = [{"AttributeName": "brand", "AttributeType": "S"}, {"AttributeName": "stock", "AttributeType": "N"}]
    # (which keys AWS lists when an index has two undefined ones is not recorded: only the code is asserted)
    assert error_of(ddb.update_table, TableName=name, GlobalSecondaryIndexUpdates=by_brand())[0] == \
        "ValidationException"
    assert error_of(ddb.update_table, TableName=name, AttributeDefinitions=brand_stock,
                    GlobalSecondaryIndexUpdates=by_brand(throughput=False)) == (
        "ValidationException", "One or more parameter values were invalid: ProvisionedThroughput is not specified "
                               "for index: by-brand")
    twice = by_brand() + [{"Delete": {"IndexName": "by-brand"}}]
    assert error_of(ddb.update_table, TableName=name, AttributeDefinitions=brand_stock,
                    GlobalSecondaryIndexUpdates=twice) == (
        "ValidationException", "One or more parameter values were invalid: Only one global secondary index update "
                               "per index is allowed simultaneously. Index: by-brand")
    added = ddb.update_table(TableName=name, AttributeDefinitions=brand_stock,
                             GlobalSecondaryIndexUpdates=by_brand())["TableDescription"]
    index = added["GlobalSecondaryIndexes"][0]
    assert (added["TableStatus"], index["IndexName"], index["IndexStatus"]) == ("UPDATING", "by-brand", "CREATING")
    assert index["IndexArn"] == f"{added['TableArn']}/index/by-brand"
    active = wait_for(lambda: (t := ddb.describe_table(TableName=name)["Table"])["GlobalSecondaryIndexes"][0][
        "IndexStatus"] == "ACTIVE" and t)
    index = active["GlobalSecondaryIndexes"][0]
    assert (index["ItemCount"], "Backfilling" in index, index["ProvisionedThroughput"]["ReadCapacityUnits"]) == (
        8, False, 2)
    acme = products.query(IndexName="by-brand", KeyConditionExpression=Key("brand").eq("acme") & Key("stock").gte(3))
    assert acme["Items"] == [{"sku": f"sku-{n}", "brand": "acme", "stock": n} for n in (3, 5, 7)]

    on_demand = ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    # the switch time shows once the table is ACTIVE again (stackd billing_mode_limits.json)
    assert on_demand["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    wait_for(lambda: ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE")
    assert "LastUpdateToPayPerRequestDateTime" in ddb.describe_table(TableName=name)["Table"]["BillingModeSummary"]
    assert error_of(ddb.update_table, TableName=name, BillingMode="PROVISIONED") == (
        "ValidationException", "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits "
                               "must both be specified when BillingMode is PROVISIONED")
    assert error_of(ddb.update_table, TableName=name, BillingMode="PROVISIONED",
                    ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 3}) == (
        "ValidationException", "One or more parameter values were invalid: ProvisionedThroughput must be specified "
                               "for index: by-brand")
    throughput = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 3}
    for _ in range(3):
        ddb.update_table(TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=throughput,
                         GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "by-brand",
                                                                  "ProvisionedThroughput": throughput}}])
        wait_for(lambda: ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE")
        ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
        wait_for(lambda: ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE")
    ddb.update_table(TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=throughput,
                     GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "by-brand",
                                                              "ProvisionedThroughput": throughput}}])
    wait_for(lambda: ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE")
    assert error_of(ddb.update_table, TableName=name, OnDemandThroughput={
        "MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 100}) == (
        "ValidationException", "MaxReadRequestUnits for OnDemandThroughput cannot be specified when the table "
                               "BillingMode is PROVISIONED")
    code, message = error_of(ddb.update_table, TableName=name, BillingMode="PAY_PER_REQUEST")
    # DynamoDB's words (stackd billing_mode_limits.json, call 205) name the last switch and the next chance
    assert code == "LimitExceededException"
    assert re.fullmatch(r"Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 in 1 day\(s\)\. "
                        r"Last update at \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\. Next update can be made at "
                        r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}", message)

    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-brand"}}])
    gone = wait_for(lambda: "GlobalSecondaryIndexes" not in (t := ddb.describe_table(TableName=name)["Table"]) and t)
    assert gone["AttributeDefinitions"] == [{"AttributeName": "sku", "AttributeType": "S"}]    # pruned
    assert error_of(products.query, IndexName="by-brand", KeyConditionExpression=Key("brand").eq("acme")) == (
        "ValidationException", "The table does not have the specified index: by-brand")
