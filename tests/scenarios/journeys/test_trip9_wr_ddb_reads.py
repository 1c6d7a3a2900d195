"""An analyst pulls order items out of a DynamoDB table with awswrangler's read_items in
every shape it offers: parallel scans (one segment per thread), queries by key (and keys by value),
a global secondary index, string filter and key-condition expressions with placeholders,
columns that are DynamoDB reserved words (awswrangler retries them under #names when
DynamoDB names the word), max_items_evaluated, and plain item lists (as_dataframe=False)."""
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key


@pytest.fixture
def orders(wr, session, resource, table_name):
    table = resource("dynamodb").create_table(
        TableName=table_name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"},
                   {"AttributeName": "order_no", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"},
                              {"AttributeName": "order_no", "AttributeType": "N"},
                              {"AttributeName": "status", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_status", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                                               {"AttributeName": "order_no", "KeyType": "RANGE"}]}])
    table.wait_until_exists()
    items = []
    for n in range(1, 31):
        items.append({"customer": f"c{n % 3}", "order_no": n, "status": "open" if n % 4 else "shipped",
                      "name": f"item{n}", "total": Decimal(n) * Decimal("1.5")})
    wr.dynamodb.put_items(items=items, table_name=table_name, boto3_session=session)
    return table_name


def test_parallel_scan_and_queries(wr, session, orders):
    everything = wr.dynamodb.read_items(table_name=orders, allow_full_scan=True, use_threads=4,
                                        boto3_session=session)
    assert sorted(everything["order_no"].astype(int).tolist()) == list(range(1, 31))
    by_customer = wr.dynamodb.read_items(table_name=orders, key_condition_expression=Key("customer").eq("c1"),
                                        boto3_session=session)
    assert by_customer["order_no"].astype(int).tolist() == [1, 4, 7, 10, 13, 16, 19, 22, 25, 28]
    two = wr.dynamodb.read_items(table_name=orders, partition_values=["c1", "c2"], sort_values=[4, 5],
                                 boto3_session=session)
    assert sorted(zip(two["customer"], two["order_no"].astype(int))) == [("c1", 4), ("c2", 5)]
    ranged = wr.dynamodb.read_items(
        table_name=orders, key_condition_expression="customer = :c AND order_no BETWEEN :lo AND :hi",
        expression_attribute_values={":c": "c0", ":lo": 6, ":hi": 15}, boto3_session=session)
    assert ranged["order_no"].astype(int).tolist() == [6, 9, 12, 15]
    shipped = wr.dynamodb.read_items(table_name=orders, index_name="by_status",
                                     key_condition_expression=Key("status").eq("shipped") & Key("order_no").gt(10),
                                     boto3_session=session)
    assert shipped["order_no"].astype(int).tolist() == [12, 16, 20, 24, 28]


def test_filters_reserved_words_and_lists(wr, session, orders):
    filtered = wr.dynamodb.read_items(table_name=orders, filter_expression=Attr("total").gte(Decimal("42")),
                                      allow_full_scan=True, boto3_session=session)
    assert sorted(filtered["order_no"].astype(int).tolist()) == [28, 29, 30]
    named = wr.dynamodb.read_items(table_name=orders, key_condition_expression=Key("customer").eq("c2"), columns=["order_no", "name", "status"],
                                   boto3_session=session)
    assert sorted(named.columns.tolist()) == ["name", "order_no", "status"]
    assert named["name"].tolist()[:3] == ["item2", "item5", "item8"]
    texts = wr.dynamodb.read_items(table_name=orders, filter_expression="#s = :s AND total < :t",
                                   expression_attribute_names={"#s": "status"},
                                   expression_attribute_values={":s": "shipped", ":t": Decimal("20")},
                                   allow_full_scan=True, as_dataframe=False, boto3_session=session)
    assert sorted(item["order_no"] for item in texts) == [Decimal(4), Decimal(8), Decimal(12)]
    assert isinstance(texts, list) and isinstance(texts[0], dict)
    retried = wr.dynamodb.read_items(table_name=orders, filter_expression="status = :s AND order_no < :n",
                                     expression_attribute_values={":s": "shipped", ":n": 10},
                                     allow_full_scan=True, boto3_session=session)
    assert sorted(retried["order_no"].astype(int).tolist()) == [4, 8]
    limited = wr.dynamodb.read_items(table_name=orders, key_condition_expression=Key("customer").eq("c0"),
                                     max_items_evaluated=3,
                                     boto3_session=session)
    assert limited["order_no"].astype(int).tolist() == [3, 6, 9]
    scanned = wr.dynamodb.read_items(table_name=orders, max_items_evaluated=5, boto3_session=session)
    assert len(scanned) == 5
    one = wr.dynamodb.read_items(table_name=orders, partition_values=["c0"], sort_values=[3],
                                 consistent=True, as_dataframe=False, boto3_session=session)
    assert one == [{"customer": "c0", "order_no": Decimal(3), "status": "open", "name": "item3",
                    "total": Decimal("4.5")}]


def test_mistakes_answer_as_dynamodb_does(wr, session, orders):
    with pytest.raises(wr.exceptions.InvalidArgumentCombination):
        wr.dynamodb.read_items(table_name=orders, boto3_session=session)
    import botocore.exceptions
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        wr.dynamodb.read_items(table_name=orders, key_condition_expression="order_no = :n",
                               expression_attribute_values={":n": 3}, boto3_session=session)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["Error"]["Message"] == (
        "Query condition missed key schema element: customer")
