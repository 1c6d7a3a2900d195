"""A reporting team protects its budget by capping an on-demand table with
OnDemandThroughput (5 read and 2 write request units a second). A burst of large
writes and strongly consistent reads past the cap is refused with the ThrottlingException
DynamoDB gives a table over its own maximum, and its ThrottlingReasons name the table
and the limit (Diagnosing throttling, recorded replies); a cap of 0, or a negative one
other than -1 (which lifts it), is refused, and OnDemandThroughput may only travel with
BillingMode in an UpdateTable; with the cap lifted the same burst goes through."""
import pytest

from trip_helpers import error_of, keyed_table

pytestmark = pytest.mark.local_only     # AWS allows bursts above a maximum; lakebox refuses at once

MAXIMUM = "Throughput exceeds the maximum OnDemandThroughput configured on table or index"
INVALID = "One or more parameter values were invalid: "


def test_capped_report_table(client, resource, table_name):
    ddb = client("dynamodb")
    reports = keyed_table(resource("dynamodb"), table_name, "report_id")
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]
    assert error_of(ddb.update_table, TableName=table_name, OnDemandThroughput={"MaxReadRequestUnits": 0}) == (
        "ValidationException", INVALID + "Requested MaxReadRequestUnits for OnDemandThroughput for table is outside "
                                         "of valid range")
    assert error_of(ddb.update_table, TableName=table_name, OnDemandThroughput={"MaxWriteRequestUnits": -5}) == (
        "ValidationException", INVALID + "Requested MaxWriteRequestUnits for OnDemandThroughput for table is "
                                         "outside of valid range")
    assert error_of(ddb.update_table, TableName=table_name, OnDemandThroughput={"MaxReadRequestUnits": 5},
                    StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}) == (
        "ValidationException", INVALID + "OnDemandThroughput can only be combined with BillingMode in an UpdateTable "
                                         "request")
    capped = ddb.update_table(TableName=table_name, BillingMode="PAY_PER_REQUEST",
                              OnDemandThroughput={"MaxReadRequestUnits": 5, "MaxWriteRequestUnits": 2})
    assert capped["TableDescription"]["OnDemandThroughput"] == {"MaxReadRequestUnits": 5, "MaxWriteRequestUnits": 2}

    page = "x" * 9000                                             # 9 write units, 3 read units consistent
    reports.put_item(Item={"report_id": "r-1", "body": page})
    with pytest.raises(reports.meta.client.exceptions.ThrottlingException) as refused:
        reports.put_item(Item={"report_id": "r-2", "body": page})
    assert refused.value.response["Error"]["Message"] == MAXIMUM
    assert refused.value.response["throttlingReasons"] == [
        {"reason": "TableWriteMaxOnDemandThroughputExceeded", "resource": arn}]

    reads = [error_of(ddb.get_item, TableName=table_name, Key={"report_id": {"S": "r-1"}}, ConsistentRead=True)
             if n >= 2 else ddb.get_item(TableName=table_name, Key={"report_id": {"S": "r-1"}}, ConsistentRead=True)
             for n in range(3)]
    assert all(read["Item"]["body"] == {"S": page} for read in reads[:2])      # the second one runs into debt
    assert reads[2] == ("ThrottlingException", MAXIMUM)

    lifted = ddb.update_table(TableName=table_name, OnDemandThroughput={"MaxReadRequestUnits": -1,
                                                                        "MaxWriteRequestUnits": -1})
    assert lifted["TableDescription"]["OnDemandThroughput"] == {"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1}
    for n in range(2, 6):
        reports.put_item(Item={"report_id": f"r-{n}", "body": page})
    assert ddb.scan(TableName=table_name, Select="COUNT")["Count"] == 5
