"""Filters as DynamoDB restricts them: a Query's filter names only non-key attributes (it
refuses one that names the partition or sort key of what it queries, the table's or the
index's, for FilterExpression and the legacy QueryFilter alike, and says which key), while
a Scan's filter may name keys; no filter may look inside a key attribute of the table or
of an index; a parallel Scan resumes only from a key of its own segment. Words as
DynamoDB answers them (recorded in public issue reports and in tests written against
DynamoDB)."""
import pytest
from boto3.dynamodb.conditions import Attr, Key
from ddb_helpers import error_of


@pytest.fixture
def orders(make_table, resource):
    name = make_table(range=("sk", "S"), extra_definitions=[("status", "S")], GlobalSecondaryIndexes=[
        {"IndexName": "by-status", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
         "Projection": {"ProjectionType": "ALL"}}])
    table = resource.Table(name)
    with table.batch_writer() as batch:
        for n in range(6):
            batch.put_item(Item={"pk": "customer#1", "sk": f"order#{n}", "status": "open" if n % 2 else "shipped",
                                 "total": n * 10})
    return table


def test_a_filter_on_the_sort_key_is_refused(orders):
    code, message = error_of(orders.query, KeyConditionExpression=Key("pk").eq("customer#1"),
                             FilterExpression=Attr("sk").begins_with("order#"))
    assert code == "ValidationException"
    assert message == "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"


def test_a_filter_on_the_partition_key_is_refused(orders):
    code, message = error_of(orders.query, KeyConditionExpression=Key("pk").eq("customer#1"),
                             FilterExpression=Attr("total").gt(5) | Attr("pk").size().gt(3))
    assert (code, message) == ("ValidationException", "Filter Expression can only contain non-primary key "
                                                      "attributes: Primary key attribute: pk")


def test_an_index_query_refuses_a_filter_on_the_index_key(orders):
    code, message = error_of(orders.query, IndexName="by-status", KeyConditionExpression=Key("status").eq("open"),
                             FilterExpression="#s = :s", ExpressionAttributeNames={"#s": "status"},
                             ExpressionAttributeValues={":s": "open"})
    assert (code, message) == ("ValidationException", "Filter Expression can only contain non-primary key "
                                                      "attributes: Primary key attribute: status")


def test_an_index_query_may_filter_on_the_table_keys(orders):
    page = orders.query(IndexName="by-status", KeyConditionExpression=Key("status").eq("open"),
                        FilterExpression=Attr("sk").is_in(["order#1", "order#5"]))
    assert sorted(item["sk"] for item in page["Items"]) == ["order#1", "order#5"]
    assert page["ScannedCount"] == 3


def test_the_legacy_query_filter_names_itself(orders):
    code, message = error_of(orders.meta.client.query, TableName=orders.name, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "customer#1"}]}}, QueryFilter={
        "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "order#"}]}})
    assert (code, message) == ("ValidationException", "QueryFilter can only contain non-primary key attributes: "
                                                      "Primary key attribute: sk")


def test_a_scan_filter_may_name_the_keys(orders):
    items = orders.scan(FilterExpression=Attr("pk").eq("customer#1") & Attr("sk").begins_with("order#1"))["Items"]
    assert [item["sk"] for item in items] == ["order#1"]


def test_the_filter_belongs_in_the_key_condition(orders):
    page = orders.query(KeyConditionExpression=Key("pk").eq("customer#1") & Key("sk").begins_with("order#"),
                        FilterExpression=Attr("total").gte(30))
    assert [item["sk"] for item in page["Items"]] == ["order#3", "order#4", "order#5"]
    assert (page["Count"], page["ScannedCount"]) == (3, 6)


SCALARS = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "


def test_a_filter_may_not_look_inside_a_key(orders):
    assert error_of(orders.scan, FilterExpression=Attr("pk.region").exists()) == (
        "ValidationException", SCALARS + "Key: pk")
    assert error_of(orders.scan, FilterExpression="#s[0] = :v", ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={":v": "o"}) == ("ValidationException", SCALARS + "IndexKey: status")
    assert error_of(orders.query, KeyConditionExpression=Key("pk").eq("customer#1"),
                    FilterExpression=Attr("status.code").exists()) == ("ValidationException", SCALARS + "IndexKey: status")


def test_a_parallel_scan_resumes_only_in_its_own_segment(make_table, resource):
    table = resource.Table(make_table())
    with table.batch_writer() as batch:
        for n in range(40):
            batch.put_item(Item={"pk": f"device-{n}"})
    first = table.scan(Segment=1, TotalSegments=2)
    assert first["Count"] > 0
    assert error_of(table.scan, Segment=0, TotalSegments=2, ExclusiveStartKey={"pk": first["Items"][0]["pk"]}) == (
        "ValidationException", "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                               "ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 0")
    seen, start = [], None
    while True:
        page = table.scan(Segment=0, TotalSegments=2, Limit=5, **({"ExclusiveStartKey": start} if start else {}))
        seen += [item["pk"] for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    assert len(seen) + first["Count"] == 40 and not set(seen) & {item["pk"] for item in first["Items"]}
