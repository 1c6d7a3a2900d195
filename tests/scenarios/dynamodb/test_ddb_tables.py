"""Tables: create, describe, list, update, delete; key schema and billing rules; GSIs
added and removed later; tags; TTL settings. Messages as DynamoDB sends them."""
import uuid

import pytest
from ddb_helpers import definitions, error_of, key_schema


def _name():
    return f"test-{uuid.uuid4().hex[:12]}"


def test_create_describe_list_delete(ddb):
    name = _name()
    created = ddb.create_table(TableName=name, KeySchema=key_schema("pk", "sk"),
                               AttributeDefinitions=definitions(pk="S", sk="N"),
                               ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3})
    assert created["TableDescription"]["TableStatus"] == "CREATING"
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["KeySchema"] == key_schema("pk", "sk")
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert table["ProvisionedThroughput"]["WriteCapacityUnits"] == 3
    assert table["TableArn"].endswith(f":table/{name}")
    assert table["ItemCount"] == 0
    assert name in ddb.list_tables()["TableNames"]
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"
    assert name not in ddb.list_tables()["TableNames"]
    assert error_of(ddb.describe_table, TableName=name) == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")


def test_table_name_may_be_an_arn(ddb, make_table):
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.put_item(TableName=arn, Item={"pk": {"S": "a"}})
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}


def test_existing_table_is_in_use(ddb, make_table):
    name = make_table()
    assert error_of(ddb.create_table, TableName=name, KeySchema=key_schema("pk"),
                    AttributeDefinitions=definitions(pk="S"), BillingMode="PAY_PER_REQUEST") == (
        "ResourceInUseException", f"Table already exists: {name}")


@pytest.mark.parametrize("keys, attributes, message", [
    (key_schema("pk"), definitions(pk="S", other="S"),
     "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number "
     "of attributes defined in AttributeDefinitions"),
    (key_schema("pk"), definitions(other="S"),
     "One or more parameter values were invalid: Some index key attributes are not defined in "
     "AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]"),
    ([{"AttributeName": "sk", "KeyType": "RANGE"}, {"AttributeName": "pk", "KeyType": "HASH"}],
     definitions(pk="S", sk="S"), "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
    ([{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "pk", "KeyType": "RANGE"}],
     definitions(pk="S"), "Both the Hash Key and the Range Key element in the KeySchema have the same name"),
])
def test_key_schema_rules(ddb, keys, attributes, message):
    assert error_of(ddb.create_table, TableName=_name(), KeySchema=keys, AttributeDefinitions=attributes,
                    BillingMode="PAY_PER_REQUEST") == ("ValidationException", message)


def test_a_table_needs_a_key_schema_and_definitions(ddb):
    # The model leaves both optional (a replica made from GlobalTableSourceArn takes them
    # from its source); a table of its own is refused without them.
    assert error_of(ddb.create_table, TableName=_name(), BillingMode="PAY_PER_REQUEST") == (
        "ValidationException", "2 validation errors detected: Value null at 'attributeDefinitions' failed to "
        "satisfy constraint: Member must not be null; Value null at 'keySchema' failed to satisfy constraint: "
        "Member must not be null")
    assert error_of(ddb.create_table, TableName=_name(), BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=definitions(pk="S")) == (
        "ValidationException", "1 validation error detected: Value null at 'keySchema' failed to satisfy "
        "constraint: Member must not be null")


def test_billing_rules(ddb):
    assert error_of(ddb.create_table, TableName=_name(), KeySchema=key_schema("pk"),
                    AttributeDefinitions=definitions(pk="S")) == (
        "ValidationException", "One or more parameter values were invalid: ReadCapacityUnits and "
        "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
    assert error_of(ddb.create_table, TableName=_name(), KeySchema=key_schema("pk"),
                    AttributeDefinitions=definitions(pk="S"), BillingMode="PAY_PER_REQUEST",
                    ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}) == (
        "ValidationException", "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
        "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")


def test_local_index_needs_a_range_key_on_the_table(ddb):
    assert error_of(ddb.create_table, TableName=_name(), KeySchema=key_schema("pk"),
                    AttributeDefinitions=definitions(pk="S", other="S"), BillingMode="PAY_PER_REQUEST",
                    LocalSecondaryIndexes=[{"IndexName": "lsi", "KeySchema": key_schema("pk", "other"),
                                            "Projection": {"ProjectionType": "ALL"}}]) == (
        "ValidationException", "One or more parameter values were invalid: Table KeySchema does not have a range "
        "key, which is required when specifying a LocalSecondaryIndex")


def test_switch_billing_mode_and_throughput(ddb, make_table):
    name = make_table(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    updated = ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    assert updated["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    updated = ddb.update_table(TableName=name, BillingMode="PROVISIONED",
                               ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 2})
    assert updated["TableDescription"]["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
    assert error_of(ddb.update_table, TableName=name,
                    ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 2})[1].startswith(
        "The provisioned throughput for the table will not change.")


def test_gsi_added_later_is_backfilled_then_removed(ddb, make_table):
    name = make_table(extra_definitions=[])
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}, "colour": {"S": "red" if i % 2 else "blue"}})
    ddb.update_table(TableName=name, AttributeDefinitions=definitions(pk="S", colour="S"),
                     GlobalSecondaryIndexUpdates=[{"Create": {
                         "IndexName": "by-colour", "KeySchema": key_schema("colour"),
                         "Projection": {"ProjectionType": "ALL"}}}])
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    index = ddb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert (index["IndexName"], index["IndexStatus"], index["ItemCount"]) == ("by-colour", "ACTIVE", 5)
    red = ddb.query(TableName=name, IndexName="by-colour", KeyConditionExpression="colour = :c",
                    ExpressionAttributeValues={":c": {"S": "red"}})
    assert sorted(i["pk"]["S"] for i in red["Items"]) == ["k1", "k3"]
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-colour"}}])
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=name)["Table"]
    assert error_of(ddb.query, TableName=name, IndexName="by-colour", KeyConditionExpression="colour = :c",
                    ExpressionAttributeValues={":c": {"S": "red"}}) == (
        "ValidationException", "The table does not have the specified index: by-colour")


def test_deletion_protection(ddb, make_table):
    name = make_table(DeletionProtectionEnabled=True)
    assert error_of(ddb.delete_table, TableName=name) == (
        "ValidationException", "Resource cannot be deleted as it is currently protected against deletion. "
        "Disable deletion protection first.")
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=name)


def test_list_tables_pages(ddb, make_table):
    names = sorted(make_table() for _ in range(3))
    seen, start = [], None
    while True:
        page = ddb.list_tables(Limit=1, **({"ExclusiveStartTableName": start} if start else {}))
        seen += page["TableNames"]
        start = page.get("LastEvaluatedTableName")
        if not start:
            break
    assert [n for n in seen if n in names] == names


def test_tags(ddb, make_table):
    name = make_table(Tags=[{"Key": "team", "Value": "data"}])
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "test"}])
    # in the order set, not by name (stackd controls.json: owner, phase, empty)
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "data"}, {"Key": "env", "Value": "test"}]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "test"}]
    missing = arn.replace(name, "nope-" + name)
    # DynamoDB's words today (the ack-api-quirks lab's records; an older record spelt it 'ResourcArn').
    assert error_of(ddb.list_tags_of_resource, ResourceArn=missing) == (
        "ResourceNotFoundException", f"Requested resource not found: ResourceArn: {missing} not found")


def test_time_to_live_settings(ddb, make_table):
    name = make_table()
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    assert error_of(ddb.update_time_to_live, TableName=name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}) == (
        "ValidationException", "TimeToLive is already enabled")


def test_limits_and_endpoints(ddb):
    limits = ddb.describe_limits()
    assert limits["TableMaxReadCapacityUnits"] == 40000
    assert limits["AccountMaxWriteCapacityUnits"] == 80000
    assert ddb.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440


def test_tag_rules(ddb, make_table):
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert error_of(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "v"}])[0] == \
        "ValidationException"
    assert error_of(ddb.tag_resource, ResourceArn=arn, Tags=[])[0] == "ValidationException"
    assert error_of(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "aws:owner", "Value": "v"}])[0] == \
        "ValidationException"
    assert len(ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]) == 50


@pytest.mark.local_only          # the 15-second cooldown between policy changes is waited out by moving the clock
def test_resource_policy(ddb, make_table, clock):
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert error_of(ddb.get_resource_policy, ResourceArn=arn) == (
        "PolicyNotFoundException", f"Resource-based policy not found for the provided ResourceArn: {arn}")
    assert "RevisionId" not in ddb.delete_resource_policy(ResourceArn=arn)      # nothing to delete: a no-op
    document = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
                '"arn:aws:iam::000000000000:root"}, "Action": "dynamodb:GetItem", "Resource": "' + arn + '"}]}')
    revision = ddb.put_resource_policy(ResourceArn=arn, Policy=document)["RevisionId"]
    got = ddb.get_resource_policy(ResourceArn=arn)              # DynamoDB keeps it minified (recorded replies)
    assert (got["Policy"], got["RevisionId"]) == (document.replace('": ', '":').replace(', "', ',"'), revision)
    clock(16)
    assert ddb.delete_resource_policy(ResourceArn=arn)["RevisionId"] == revision       # the policy it removed
    again = ddb.delete_resource_policy(ResourceArn=arn)                                 # a no-op: the delete's time
    assert int(again["RevisionId"]) >= int(revision) + 16_000


def test_contributor_insights_settings(ddb, make_table):
    name = make_table(range=("sk", "N"))
    assert ddb.describe_contributor_insights(TableName=name)["ContributorInsightsStatus"] == "DISABLED"
    assert ddb.update_contributor_insights(TableName=name, ContributorInsightsAction="ENABLE")[
        "ContributorInsightsStatus"] == "ENABLING"
    described = ddb.describe_contributor_insights(TableName=name)
    assert described["ContributorInsightsStatus"] == "ENABLED"
    assert [rule.split("-")[1] for rule in described["ContributorInsightsRuleList"]] == ["PKC", "PKT", "SKC", "SKT"]
    listed = ddb.list_contributor_insights(TableName=name)["ContributorInsightsSummaries"]
    assert [(s["TableName"], s["ContributorInsightsStatus"]) for s in listed] == [(name, "ENABLED")]
    assert error_of(ddb.list_contributor_insights, NextToken="not-a-token")[0] == "ValidationException"
