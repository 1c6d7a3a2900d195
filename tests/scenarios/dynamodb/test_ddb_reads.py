"""Query and Scan: key conditions, order, Limit and LastEvaluatedKey, 1 MB pages,
filters after the read, Select, local and global indexes, parallel scan."""
import pytest
from boto3.dynamodb.conditions import Attr, Key
from ddb_helpers import error_of, key_schema


@pytest.fixture
def events(make_table, resource):
    """A table of 30 events in partition 'dev' (seq 0..29) and 5 in 'other', with a GSI on
    kind and an LSI on size."""
    name = make_table(range=("seq", "N"), extra_definitions=[("kind", "S"), ("bytes", "N")],
                      GlobalSecondaryIndexes=[{"IndexName": "by-kind", "KeySchema": key_schema("kind", "seq"),
                                               "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                      LocalSecondaryIndexes=[{"IndexName": "by-bytes", "KeySchema": key_schema("pk", "bytes"),
                                              "Projection": {"ProjectionType": "INCLUDE",
                                                             "NonKeyAttributes": ["note"]}}])
    table = resource.Table(name)
    with table.batch_writer() as batch:
        for seq in range(30):
            batch.put_item(Item={"pk": "dev", "seq": seq, "kind": "even" if seq % 2 == 0 else "odd",
                                 "bytes": 100 - seq, "note": f"n{seq}", "extra": "x"})
        for seq in range(5):
            batch.put_item(Item={"pk": "other", "seq": seq, "note": "no kind"})
    return table


def _seqs(answer):
    return [int(item["seq"]) for item in answer["Items"]]


def test_sort_key_conditions(events):
    assert _seqs(events.query(KeyConditionExpression=Key("pk").eq("dev") & Key("seq").between(3, 6))) == [3, 4, 5, 6]
    assert _seqs(events.query(KeyConditionExpression=Key("pk").eq("dev") & Key("seq").lt(2))) == [0, 1]
    assert _seqs(events.query(KeyConditionExpression=Key("pk").eq("dev") & Key("seq").gte(28))) == [28, 29]
    assert _seqs(events.query(KeyConditionExpression=Key("pk").eq("other"), ScanIndexForward=False)) == [4, 3, 2, 1, 0]


def test_pages_with_limit_continue_where_they_stopped(events):
    seen, start = [], None
    while True:
        args = {"ExclusiveStartKey": start} if start else {}
        page = events.query(KeyConditionExpression=Key("pk").eq("dev"), Limit=7, ScanIndexForward=False, **args)
        seen += _seqs(page)
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == list(range(29, -1, -1))


def test_filter_applies_after_limit(events):
    page = events.query(KeyConditionExpression=Key("pk").eq("dev"), Limit=10, FilterExpression=Attr("bytes").lte(92))
    assert (page["Count"], page["ScannedCount"], _seqs(page)) == (2, 10, [8, 9])
    assert page["LastEvaluatedKey"] == {"pk": "dev", "seq": 9}


def test_select_count_and_specific_attributes(events):
    counted = events.query(KeyConditionExpression=Key("pk").eq("dev"), Select="COUNT")
    assert counted["Count"] == 30 and "Items" not in counted
    picked = events.query(KeyConditionExpression=Key("pk").eq("other"), ProjectionExpression="seq")
    assert picked["Items"][0] == {"seq": 0}
    assert error_of(events.query, KeyConditionExpression=Key("pk").eq("dev"), Select="ALL_PROJECTED_ATTRIBUTES") == (
        "ValidationException", "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")


def test_global_index_query_is_sparse_and_projected(events):
    odd = events.query(IndexName="by-kind", KeyConditionExpression=Key("kind").eq("odd") & Key("seq").lt(6))
    assert odd["Items"] == [{"pk": "dev", "seq": 1, "kind": "odd"}, {"pk": "dev", "seq": 3, "kind": "odd"},
                            {"pk": "dev", "seq": 5, "kind": "odd"}]
    assert events.scan(IndexName="by-kind", Select="COUNT")["Count"] == 30
    assert error_of(events.query, IndexName="by-kind", ConsistentRead=True,
                    KeyConditionExpression=Key("kind").eq("odd")) == (
        "ValidationException", "Consistent reads are not supported on global secondary indexes")


def test_global_index_pages(events):
    seen, start = [], None
    while True:
        args = {"ExclusiveStartKey": start} if start else {}
        page = events.query(IndexName="by-kind", KeyConditionExpression=Key("kind").eq("even"), Limit=4, **args)
        seen += _seqs(page)
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == list(range(0, 30, 2))


def test_local_index_orders_by_its_sort_key(events):
    page = events.query(IndexName="by-bytes", KeyConditionExpression=Key("pk").eq("dev") & Key("bytes").lte(72))
    assert _seqs(page) == [29, 28]
    assert page["Items"][0] == {"pk": "dev", "seq": 29, "bytes": 71, "note": "n29"}


def test_key_condition_refusals(events):
    assert error_of(events.query, KeyConditionExpression=Key("seq").eq(1)) == (
        "ValidationException", "Query condition missed key schema element: pk")
    assert error_of(events.query, KeyConditionExpression=Key("pk").eq("dev") & Key("note").eq("x")) == (
        "ValidationException", "Query key condition not supported")
    assert error_of(events.meta.client.query, TableName=events.name) == (
        "ValidationException",
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
    assert error_of(events.query, KeyConditionExpression="pk = :p OR seq = :s",
                    ExpressionAttributeValues={":p": "dev", ":s": 1}) == (
        "ValidationException", "Invalid operator used in KeyConditionExpression: OR")


def test_legacy_key_conditions(events):
    answer = events.meta.client.query(
        TableName=events.name, KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": ["other"]},
                                              "seq": {"ComparisonOperator": "GT", "AttributeValueList": [2]}})
    assert _seqs(answer) == [3, 4]


def test_scan_with_filter_and_parallel_segments(events):
    assert events.scan(FilterExpression=Attr("pk").eq("other"))["Count"] == 5
    segments = [events.scan(Segment=s, TotalSegments=3)["Items"] for s in range(3)]
    assert sum(len(items) for items in segments) == 35
    assert error_of(events.scan, Segment=3, TotalSegments=3) == (
        "ValidationException", "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 3 is not less than TotalSegments: 3")


def test_scan_pages_stop_at_one_megabyte(make_table, resource):
    table = resource.Table(make_table())
    with table.batch_writer() as batch:
        for i in range(30):
            batch.put_item(Item={"pk": f"big-{i}", "blob": "x" * 100_000})
    first = table.scan()
    assert first["Count"] == 11 and "LastEvaluatedKey" in first          # 11 items read pass 1 MB
    rest = table.scan(ExclusiveStartKey=first["LastEvaluatedKey"])
    assert first["Count"] + rest["Count"] + table.scan(
        ExclusiveStartKey=rest["LastEvaluatedKey"])["Count"] == 30


def test_query_consumed_capacity_rounds_the_sum(events):
    answer = events.query(KeyConditionExpression=Key("pk").eq("dev"), ReturnConsumedCapacity="INDEXES",
                          ConsistentRead=True)
    assert answer["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert answer["ConsumedCapacity"]["Table"]["CapacityUnits"] == 1.0


def test_bad_starting_keys(events):
    assert error_of(events.query, KeyConditionExpression=Key("pk").eq("dev"), ExclusiveStartKey={"pk": "dev"}) == (
        "ValidationException", "The provided starting key is invalid")
    assert error_of(events.scan, ExclusiveStartKey={"pk": "dev"}) == (
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema")
    assert error_of(events.query, KeyConditionExpression="pk <> :p", ExpressionAttributeValues={":p": "dev"}) == (
        "ValidationException", "Invalid operator used in KeyConditionExpression: <>")


def test_item_collection_metrics_on_tables_with_local_indexes(events):
    answer = events.put_item(Item={"pk": "dev", "seq": 100, "bytes": 1}, ReturnItemCollectionMetrics="SIZE")
    assert answer["ItemCollectionMetrics"] == {"ItemCollectionKey": {"pk": "dev"}, "SizeEstimateRangeGB": [0, 1]}
