"""With a transition delay, tables are CREATING, UPDATING and DELETING for that long, and
refuse what DynamoDB refuses meanwhile; time (the lakebox clock) ends each state."""
import pytest
from ddb_helpers import definitions, error_of, key_schema

pytestmark = pytest.mark.local_only


def test_states_last_the_transition_delay(slow_server):
    ddb = slow_server.client("dynamodb")
    ddb.create_table(TableName="slow", KeySchema=key_schema("pk"), AttributeDefinitions=definitions(pk="S"),
                     BillingMode="PAY_PER_REQUEST")
    assert ddb.describe_table(TableName="slow")["Table"]["TableStatus"] == "CREATING"
    assert error_of(ddb.put_item, TableName="slow", Item={"pk": {"S": "a"}}) == (
        "ResourceNotFoundException", "Requested resource not found")
    slow_server.advance_clock(31)
    assert ddb.describe_table(TableName="slow")["Table"]["TableStatus"] == "ACTIVE"
    ddb.put_item(TableName="slow", Item={"pk": {"S": "a"}})

    ddb.update_table(TableName="slow", BillingMode="PROVISIONED",
                     ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    assert ddb.describe_table(TableName="slow")["Table"]["TableStatus"] == "UPDATING"
    ddb.put_item(TableName="slow", Item={"pk": {"S": "b"}})          # data stays available while UPDATING
    assert error_of(ddb.delete_table, TableName="slow") == (
        "ResourceInUseException", "Attempt to change a resource which is still in use: Table is being updated: slow")
    slow_server.advance_clock(31)

    assert ddb.delete_table(TableName="slow")["TableDescription"]["TableStatus"] == "DELETING"
    assert ddb.describe_table(TableName="slow")["Table"]["TableStatus"] == "DELETING"
    assert error_of(ddb.create_table, TableName="slow", KeySchema=key_schema("pk"),
                    AttributeDefinitions=definitions(pk="S"), BillingMode="PAY_PER_REQUEST") == (
        "ResourceInUseException", "Attempt to change a resource which is still in use: Table is being deleted: slow")
    slow_server.advance_clock(31)
    assert error_of(ddb.describe_table, TableName="slow") == (
        "ResourceNotFoundException", "Requested resource not found: Table: slow not found")


def test_contributor_insights_wait_for_an_active_table_and_index(slow_server):
    """ENABLE on a CREATING table or a CREATING index is refused in DynamoDB's words
    (replies recorded against DynamoDB by the ack-api-quirks lab, DDB-TABLE-116)."""
    ddb = slow_server.client("dynamodb")
    ddb.create_table(TableName="insightful", KeySchema=key_schema("pk"), AttributeDefinitions=definitions(pk="S"),
                     BillingMode="PAY_PER_REQUEST")
    not_valid = "Table or Index is not in a valid state to update Key Access Insights: "
    assert error_of(ddb.update_contributor_insights, TableName="insightful", ContributorInsightsAction="ENABLE") == (
        "ValidationException", not_valid + "TableStatus must be ACTIVE to enable ContributorInsights.")
    slow_server.advance_clock(31)
    ddb.update_table(TableName="insightful", AttributeDefinitions=definitions(pk="S", g="S"),
                     GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by-g", "KeySchema": key_schema("g"),
                                                              "Projection": {"ProjectionType": "ALL"}}}])
    assert error_of(ddb.update_contributor_insights, TableName="insightful", IndexName="by-g",
                    ContributorInsightsAction="ENABLE") == (
        "ValidationException", not_valid + "IndexStatus must be ACTIVE to enable ContributorInsights.")
    slow_server.advance_clock(31)
    assert ddb.update_contributor_insights(TableName="insightful", IndexName="by-g", ContributorInsightsAction="ENABLE")[
        "ContributorInsightsStatus"] == "ENABLING"
