"""UpdateTable changes DynamoDB will not take together, in the words of its message
catalogue (ValidationException texts recorded from DynamoDB): deletion protection, the
table class and server-side encryption must each be changed alone (encryption named
first), OnDemandThroughput
travels only with BillingMode, and a provisioned table's throughput, its stream and the
creation or deletion of an index are three different requests."""
import pytest
from ddb_helpers import error_of

INVALID = "One or more parameter values were invalid: "
STREAM = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
NEW_INDEX = [{"Create": {"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                         "Projection": {"ProjectionType": "KEYS_ONLY"},
                         "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]


@pytest.mark.parametrize("changes, message", [
    ({"DeletionProtectionEnabled": True, "StreamSpecification": STREAM},
     "DeletionProtection modification must be the only operation in the request"),
    ({"TableClass": "STANDARD_INFREQUENT_ACCESS", "StreamSpecification": STREAM},
     "TableClass modification must be the only operation in the request"),
    ({"SSESpecification": {"Enabled": True, "SSEType": "KMS"}, "StreamSpecification": STREAM},
     "Server-Side Encryption modification must be the only operation in the request"),
    ({"SSESpecification": {"Enabled": True, "SSEType": "KMS"}, "DeletionProtectionEnabled": True},
     "Server-Side Encryption modification must be the only operation in the request"),
    ({"OnDemandThroughput": {"MaxReadRequestUnits": 10}, "StreamSpecification": STREAM},
     "OnDemandThroughput can only be combined with BillingMode in an UpdateTable request"),
    ({"ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}, "StreamSpecification": STREAM},
     "You cannot modify stream status while updating table IOPS"),
    ({"ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}, "GlobalSecondaryIndexUpdates": NEW_INDEX,
      "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}]},
     "You cannot create or delete index while updating table IOPS"),
    ({"StreamSpecification": STREAM, "GlobalSecondaryIndexUpdates": NEW_INDEX,
      "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}]},
     "You cannot create or delete index while changing stream status"),
])
def test_changes_that_must_travel_alone(ddb, make_table, changes, message):
    name = make_table(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    assert error_of(ddb.update_table, TableName=name, **changes) == ("ValidationException", INVALID + message)
    table = ddb.describe_table(TableName=name)["Table"]
    assert (table["DeletionProtectionEnabled"], "StreamSpecification" in table, "GlobalSecondaryIndexes" in table,
            table["ProvisionedThroughput"]["ReadCapacityUnits"]) == (False, False, False, 1)


def test_an_update_that_changes_nothing(ddb, make_table):
    name = make_table()
    assert error_of(ddb.update_table, TableName=name) == (
        "ValidationException", "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
        "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, "
        "WarmThroughput or TableClass is required")
    assert error_of(ddb.update_table, TableName=name, AttributeDefinitions=[
        {"AttributeName": "pk", "AttributeType": "S"}])[1].startswith("At least one of ProvisionedThroughput, ")
