"""A data engineer copies a device-readings table out with a parallel Scan, as a Glue or
Lambda fan-out does: four workers each scan one Segment of TotalSegments=4 with small
pages until no LastEvaluatedKey, and together they must see every item exactly once.
The copy asks only for the nested fields it needs (a map inside a map, an element of a
list, an element past the list's end that is simply absent), and the worker's setup
mistakes (a Segment without TotalSegments, a Segment out of range, SPECIFIC_ATTRIBUTES
without a projection, COUNT with one) are refused in DynamoDB's words."""
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr

from trip_helpers import error_of


@pytest.fixture
def readings(resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "device", "KeyType": "HASH"}, {"AttributeName": "ts", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "device", "AttributeType": "S"},
                              {"AttributeName": "ts", "AttributeType": "N"}])
    table.wait_until_exists()
    with table.batch_writer(overwrite_by_pkeys=["device", "ts"]) as batch:
        for d in range(40):
            for ts in range(3):
                batch.put_item(Item={"device": f"dev-{d:03}", "ts": ts, "site": {"name": f"s{d % 5}", "geo": {
                    "lat": Decimal(d) / 10}}, "samples": [d, ts, d * ts], "raw": "r" * 50})
        batch.put_item(Item={"device": "dev-000", "ts": 0, "site": {"name": "s0", "geo": {"lat": Decimal(0)}},
                             "samples": [0, 0, 0], "raw": "again"})         # same key twice: the last one wins
    return table


def scan_segment(table, segment):
    seen, start = [], {}
    while True:
        page = table.scan(Segment=segment, TotalSegments=4, Limit=7,
                          ProjectionExpression="device, ts, site.geo.lat, samples[2], samples[5]", **start)
        seen += page["Items"]
        if "LastEvaluatedKey" not in page:
            return seen
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def test_parallel_copy_sees_every_item_once(readings):
    with ThreadPoolExecutor(4) as pool:
        segments = list(pool.map(lambda s: scan_segment(readings, s), range(4)))
    keys = [(i["device"], i["ts"]) for seen in segments for i in seen]
    assert len(keys) == 120 and len(set(keys)) == 120
    everything = {(i["device"], i["ts"]): i for seen in segments for i in seen}
    assert everything[("dev-017", 2)] == {"device": "dev-017", "ts": 2, "site": {"geo": {"lat": Decimal("1.7")}},
                                          "samples": [34]}
    assert readings.get_item(Key={"device": "dev-000", "ts": 0})["Item"]["raw"] == "again"

    counted = readings.scan(Select="COUNT", FilterExpression=Attr("site.name").eq("s3"))
    assert (counted["Count"], counted["ScannedCount"]) == (24, 120)

    client = readings.meta.client
    assert error_of(client.scan, TableName=readings.name, Segment=1) == (
        "ValidationException", "The TotalSegments parameter is required but was not present in the request when "
                               "Segment parameter is present")
    assert error_of(client.scan, TableName=readings.name, TotalSegments=4) == (
        "ValidationException", "The Segment parameter is required but was not present in the request when "
                               "parameter TotalSegments is present")
    assert error_of(client.scan, TableName=readings.name, Segment=4, TotalSegments=4) == (
        "ValidationException", "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
                               "Segment: 4 is not less than TotalSegments: 4")
    assert error_of(client.scan, TableName=readings.name, Select="SPECIFIC_ATTRIBUTES") == (
        "ValidationException", "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                               "SPECIFIC_ATTRIBUTES")
    assert error_of(client.scan, TableName=readings.name, Select="COUNT", ProjectionExpression="device") == (
        "ValidationException", "Cannot specify the ProjectionExpression when choosing to get only the Count")
    assert error_of(client.scan, TableName=readings.name, Select="ALL_PROJECTED_ATTRIBUTES") == (
        "ValidationException", "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
