"""Capacity under `--limits aws`: a provisioned table throttles once its 300 seconds of
burst are spent, a throttled global index throttles writes to the table, batches hand
back what was throttled, and time refills the buckets."""
import os

import pytest
from ddb_helpers import key_schema

pytestmark = [pytest.mark.local_only,
              pytest.mark.skipif(os.environ.get("LAKEBOX_TEST_LIMITS", "aws") == "off",
                                 reason="throttling needs --limits aws")]


def _until_throttled(ddb, table, **extra):
    """Put items until the table refuses one; returns (how many went through, the error)."""
    from botocore.exceptions import ClientError
    for extra_writes in range(50):
        try:
            ddb.put_item(TableName=table, Item={"pk": {"S": f"extra-{extra_writes}"}, **extra})
        except ClientError as refused:
            return extra_writes, (refused.response["Error"]["Code"], refused.response["Error"]["Message"])
    raise AssertionError("never throttled")


def _fill(ddb, table, count, start=0, **extra):
    for first in range(start, start + count, 25):
        ddb.batch_write_item(RequestItems={table: [
            {"PutRequest": {"Item": {"pk": {"S": f"k{i}"}, **extra}}} for i in range(first, min(first + 25,
                                                                                              start + count))]})


def test_burst_then_throttle_then_refill(ddb, make_table, clock):
    table = make_table(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    _fill(ddb, table, 300)                                       # 300 s of 1 WCU: the whole burst
    extra, error = _until_throttled(ddb, table)
    assert extra < 10                                            # only what the seconds since refilled
    assert error == ("ProvisionedThroughputExceededException",
                     "The level of configured provisioned throughput for the table was exceeded. Consider increasing "
                     "your provisioning level with the UpdateTable API.")
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": f"extra-{extra}"}})
    clock(10)
    answer = ddb.batch_write_item(RequestItems={table: [
        {"PutRequest": {"Item": {"pk": {"S": f"late-{i}"}}}} for i in range(25)]})
    left = len(answer["UnprocessedItems"][table])
    assert 0 < left < 25                                         # 10 s refilled about 10 units
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "k0"}})["Item"] == {"pk": {"S": "k0"}}


def test_throttled_global_index_throttles_the_table(ddb, make_table):
    table = make_table(extra_definitions=[("g", "S")],
                       ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 1000},
                       GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": key_schema("g"),
                                                "Projection": {"ProjectionType": "KEYS_ONLY"},
                                                "ProvisionedThroughput": {"ReadCapacityUnits": 1,
                                                                          "WriteCapacityUnits": 1}}])
    _fill(ddb, table, 300, g={"S": "x"})
    extra, (code, message) = _until_throttled(ddb, table, g={"S": "x"})
    assert extra < 10 and code == "ProvisionedThroughputExceededException"
    assert "global secondary indexes" in message
    ddb.put_item(TableName=table, Item={"pk": {"S": "not-indexed"}})  # touches no index: goes through


def test_on_demand_tables_take_a_burst(ddb, make_table):
    table = make_table()
    _fill(ddb, table, 500)
    assert ddb.scan(TableName=table, Select="COUNT")["Count"] == 500


def test_on_demand_maximum_throttles(ddb, make_table):
    table = make_table(OnDemandThroughput={"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 5})
    extra, (code, message) = _until_throttled(ddb, table)
    assert extra < 15 and code == "ThrottlingException"
    # The table's own maximum, not the account's quota (Diagnosing throttling; a recorded reply).
    assert message == "Throughput exceeds the maximum OnDemandThroughput configured on table or index"
