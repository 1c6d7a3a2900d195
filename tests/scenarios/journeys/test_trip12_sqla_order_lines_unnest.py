"""An e-commerce analyst flattens orders kept as JSON lines (parallel arrays of items
and quantities that a buggy client sometimes writes with different lengths, a map of
discount codes, an array of shipment rows) with boto3's Athena client. UNNEST of the
two arrays WITH ORDINALITY pads the shorter with NULLs and numbers the positions; a
map unnests into its codes and rates; an array of rows into one column per field;
CROSS JOIN UNNEST drops an order without items where LEFT JOIN UNNEST ... ON TRUE keeps
it with NULLs. A LEFT JOIN to UNNEST on another condition is refused as Trino refuses
it (at the condition), and a quick check over literal arrays without column names shows
Trino's _col0, _col1, ... names."""
import json

import pytest

from sqla_helpers import loaded_table

ORDERS = [
    {"order_id": 1, "items": ["tea", "mug", "gift"], "qtys": [2, 1], "discounts": {"SPRING": 0.1},
     "shipments": [{"carrier": "ups", "boxes": 2}]},
    {"order_id": 2, "items": [], "qtys": [], "discounts": {},
     "shipments": []},
    {"order_id": 3, "items": ["pot"], "qtys": [1, 5], "discounts": {"VIP": 0.2, "SPRING": 0.1},
     "shipments": [{"carrier": "dhl", "boxes": 1}, {"carrier": "ups", "boxes": 3}]},
]


@pytest.fixture
def orders(client, bucket, database):
    body = "".join(json.dumps(order) + "\n" for order in ORDERS)
    return loaded_table(client, bucket, database, "orders/part-0.json", body.encode(), f"""
        CREATE EXTERNAL TABLE orders (order_id int, items array<string>, qtys array<int>,
                                      discounts map<string,double>,
                                      shipments array<struct<carrier:string,boxes:int>>)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/orders/'""")


def test_parallel_arrays_padded_and_numbered(orders):
    rows, _ = orders
    columns, found = rows("""
        SELECT order_id, item, qty, pos
        FROM orders CROSS JOIN UNNEST(items, qtys) WITH ORDINALITY AS l(item, qty, pos)
        ORDER BY order_id, pos""")
    assert columns == [("order_id", "integer"), ("item", "varchar"), ("qty", "integer"), ("pos", "bigint")]
    assert found == [["1", "tea", "2", "1"], ["1", "mug", "1", "2"], ["1", "gift", None, "3"],
                     ["3", "pot", "1", "1"], ["3", None, "5", "2"]]


def test_orders_without_items_kept_or_dropped(orders):
    rows, _ = orders
    _, crossed = rows("""SELECT order_id, count(item) FROM orders CROSS JOIN UNNEST(items) AS i(item)
                         GROUP BY order_id ORDER BY order_id""")
    assert crossed == [["1", "3"], ["3", "1"]]
    columns, kept = rows("""SELECT order_id, item, n FROM orders
                            LEFT JOIN UNNEST(items) WITH ORDINALITY AS i(item, n) ON TRUE
                            ORDER BY order_id, n""")
    assert columns == [("order_id", "integer"), ("item", "varchar"), ("n", "bigint")]
    assert kept == [["1", "tea", "1"], ["1", "mug", "2"], ["1", "gift", "3"], ["2", None, None], ["3", "pot", "1"]]


def test_discount_codes_and_shipments(orders):
    rows, _ = orders
    columns, found = rows("""
        SELECT order_id, code, rate, n FROM orders CROSS JOIN UNNEST(discounts) WITH ORDINALITY AS d(code, rate, n)
        WHERE order_id = 1""")
    assert columns == [("order_id", "integer"), ("code", "varchar"), ("rate", "double"), ("n", "bigint")]
    assert found == [["1", "SPRING", "0.1", "1"]]
    _, found = rows("""SELECT code, count(*), max(rate) FROM orders CROSS JOIN UNNEST(discounts) AS d(code, rate)
                       GROUP BY code ORDER BY code""")
    assert found == [["SPRING", "2", "0.1"], ["VIP", "1", "0.2"]]
    columns, found = rows("""
        SELECT order_id, carrier, boxes FROM orders CROSS JOIN UNNEST(shipments) AS s(carrier, boxes)
        ORDER BY order_id, carrier""")
    assert columns == [("order_id", "integer"), ("carrier", "varchar"), ("boxes", "integer")]
    assert found == [["1", "ups", "2"], ["3", "dhl", "1"], ["3", "ups", "3"]]


def test_left_join_on_a_condition_refused(orders):
    _, refused = orders
    sql = "SELECT order_id, item FROM orders LEFT JOIN UNNEST(items) AS i(item) ON item <> 'gift'"
    assert refused(sql) == \
        "NOT_SUPPORTED: line 1:73: LEFT JOIN involving UNNEST is only supported with condition ON TRUE"
    assert refused("SELECT order_id, item FROM orders\nJOIN UNNEST(items) AS i(item) ON i.item = 'tea'") == \
        "NOT_SUPPORTED: line 2:34: INNER JOIN involving UNNEST is only supported with condition ON TRUE"


def test_literal_arrays_without_names(orders):
    rows, _ = orders
    columns, found = rows("SELECT * FROM UNNEST(ARRAY['a', 'b', 'c'], ARRAY[10, 20]) WITH ORDINALITY")
    assert columns == [("_col0", "varchar"), ("_col1", "integer"), ("_col2", "bigint")]
    assert found == [["a", "10", "1"], ["b", "20", "2"], ["c", None, "3"]]
    columns, found = rows("SELECT * FROM UNNEST(ARRAY[1, 2], ARRAY['x'])")
    assert columns == [("_col0", "integer"), ("_col1", "varchar")]
    assert found == [["1", "x"], ["2", None]]
