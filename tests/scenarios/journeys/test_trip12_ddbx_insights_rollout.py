"""A platform team rolls CloudWatch Contributor Insights out on an infrequent-access
orders table and its status index before a sale, then narrows and removes it. DynamoDB's
answers, as recorded against DynamoDB by an operator's lab: a table never configured
reads DISABLED alone and is not listed; ENABLE answers ENABLING with the mode in force;
asking again for the state already in force changes nothing and answers it (ENABLED,
DISABLED); a local index or an unknown one is 'Index: <name> not found for table: <t>';
THROTTLED_KEYS keeps only the throttled-key rules under their first timestamp; a
disabled entry keeps its mode and time in Describe but leaves ListContributorInsights,
while its index stays listed."""
from trip_helpers import error_of

ACCESSED, THROTTLED = "ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS"


def test_insights_rollout(client, table_name):
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST", TableClass="STANDARD_INFREQUENT_ACCESS",
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "order", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("customer", "order", "status", "placed")],
        GlobalSecondaryIndexes=[{"IndexName": "by-status", "Projection": {"ProjectionType": "KEYS_ONLY"},
                                 "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}]}],
        LocalSecondaryIndexes=[{"IndexName": "by-placed", "Projection": {"ProjectionType": "KEYS_ONLY"}, "KeySchema": [
            {"AttributeName": "customer", "KeyType": "HASH"}, {"AttributeName": "placed", "KeyType": "RANGE"}]}])
    ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    assert ddb.describe_table(TableName=table_name)["Table"]["TableClassSummary"] == {
        "TableClass": "STANDARD_INFREQUENT_ACCESS"}

    def describe(**index):
        answer = ddb.describe_contributor_insights(TableName=table_name, **index)
        answer.pop("ResponseMetadata")
        return answer

    def update(action, **args):
        answer = ddb.update_contributor_insights(TableName=table_name, ContributorInsightsAction=action, **args)
        answer.pop("ResponseMetadata")
        return answer

    def listed():
        return ddb.list_contributor_insights(TableName=table_name)["ContributorInsightsSummaries"]

    assert describe() == {"TableName": table_name, "ContributorInsightsStatus": "DISABLED"}
    assert listed() == []
    assert update("DISABLE") == {"TableName": table_name, "ContributorInsightsStatus": "DISABLED"}

    assert update("ENABLE") == {"TableName": table_name, "ContributorInsightsStatus": "ENABLING",
                                "ContributorInsightsMode": ACCESSED}
    assert update("ENABLE", IndexName="by-status") == {
        "TableName": table_name, "IndexName": "by-status", "ContributorInsightsStatus": "ENABLING",
        "ContributorInsightsMode": ACCESSED}
    for index in ("by-placed", "by-region"):
        refusal = ("ResourceNotFoundException",
                   f"Requested resource not found: Index: {index} not found for table: {table_name}")
        assert error_of(ddb.update_contributor_insights, TableName=table_name, IndexName=index,
                        ContributorInsightsAction="ENABLE") == refusal
        assert error_of(ddb.describe_contributor_insights, TableName=table_name, IndexName=index) == refusal
    ddb.get_waiter("contributor_insights_enabled").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})

    table_rules = describe()
    stamp = table_rules["ContributorInsightsRuleList"][0].rsplit("-", 1)[1]
    assert table_rules["ContributorInsightsRuleList"] == [
        f"DynamoDBContributorInsights-{kind}-{table_name}-{stamp}" for kind in ("PKC", "PKT", "SKC", "SKT")]
    assert (table_rules["ContributorInsightsStatus"], table_rules["ContributorInsightsMode"]) == ("ENABLED", ACCESSED)
    index_rules = describe(IndexName="by-status")["ContributorInsightsRuleList"]
    assert [rule.rsplit("-", 1)[0] for rule in index_rules] == [
        f"DynamoDBContributorInsights-{kind}-{table_name}-by-status" for kind in ("PKC", "PKT")]

    # The same ENABLE again is a no-op answering the settled state: same rules, same time.
    assert update("ENABLE") == {"TableName": table_name, "ContributorInsightsStatus": "ENABLED",
                                "ContributorInsightsMode": ACCESSED}
    assert describe() == table_rules

    # During the sale only throttling matters: the accessed-key rules go, the others keep their stamp.
    assert update("ENABLE", ContributorInsightsMode=THROTTLED)["ContributorInsightsStatus"] == "ENABLING"
    narrowed = describe()
    assert (narrowed["ContributorInsightsStatus"], narrowed["ContributorInsightsMode"]) == ("ENABLED", THROTTLED)
    assert narrowed["ContributorInsightsRuleList"] == [
        f"DynamoDBContributorInsights-{kind}-{table_name}-{stamp}" for kind in ("PKT", "SKT")]
    assert listed() == [
        {"TableName": table_name, "ContributorInsightsStatus": "ENABLED", "ContributorInsightsMode": THROTTLED},
        {"TableName": table_name, "IndexName": "by-status", "ContributorInsightsStatus": "ENABLED",
         "ContributorInsightsMode": ACCESSED}]

    # After the sale: the table's insights go (its mode is echoed, whatever DISABLE sends).
    assert update("DISABLE", ContributorInsightsMode=ACCESSED) == {
        "TableName": table_name, "ContributorInsightsStatus": "DISABLING", "ContributorInsightsMode": THROTTLED}
    disabled = describe()
    assert sorted(disabled) == ["ContributorInsightsMode", "ContributorInsightsStatus", "LastUpdateDateTime", "TableName"]
    assert (disabled["ContributorInsightsStatus"], disabled["ContributorInsightsMode"]) == ("DISABLED", THROTTLED)
    assert update("DISABLE") == {"TableName": table_name, "ContributorInsightsStatus": "DISABLED",
                                 "ContributorInsightsMode": THROTTLED}
    assert [(s.get("IndexName"), s["ContributorInsightsStatus"]) for s in listed()] == [("by-status", "ENABLED")]
    everywhere = ddb.list_contributor_insights(MaxResults=100)["ContributorInsightsSummaries"]
    assert [(s.get("IndexName"), s["ContributorInsightsStatus"]) for s in everywhere
            if s["TableName"] == table_name] == [("by-status", "ENABLED")]

    # A fresh ENABLE makes new rules, in the default mode again.
    assert update("ENABLE")["ContributorInsightsStatus"] == "ENABLING"
    again = describe()
    assert again["ContributorInsightsMode"] == ACCESSED
    assert [rule.split("-")[1] for rule in again["ContributorInsightsRuleList"]] == ["PKC", "PKT", "SKC", "SKT"]
    assert error_of(ddb.list_contributor_insights, TableName=table_name + "-gone") == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {table_name}-gone not found")
