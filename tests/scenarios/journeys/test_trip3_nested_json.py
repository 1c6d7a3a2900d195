"""Nested JSON from an application's order service, as analysts meet it: a crawler
catalogs JSON lines whose records hold a customer object and an array of line items
(fields that only some records carry included); Athena flattens them with dot access,
CROSS JOIN UNNEST and json functions over a string column of raw JSON, through pyathena."""
import json
import uuid

import pytest

from trip_helpers import KEY, REGION, SECRET, wait_crawled

ORDERS = [
    {"order_id": "o-1", "placed": "2024-06-01T10:00:00", "customer": {"id": 7, "tier": "gold"},
     "items": [{"sku": "apple", "qty": 3, "price": 1.5}, {"sku": "pear", "qty": 1, "price": 2.0}],
     "meta": "{\"channel\": \"web\", \"coupon\": \"SUMMER\"}"},
    {"order_id": "o-2", "placed": "2024-06-01T11:30:00", "customer": {"id": 8, "tier": "basic"},
     "items": [{"sku": "plum", "qty": 4, "price": 3.0}], "meta": "{\"channel\": \"app\"}"},
    {"order_id": "o-3", "placed": "2024-06-02T09:15:00", "customer": {"id": 7, "tier": "gold", "referrer": 8},
     "items": [{"sku": "apple", "qty": 2, "price": 1.5}, {"sku": "fig", "qty": 5, "price": 0.5}],
     "meta": "{\"channel\": \"web\"}"},
]


@pytest.fixture
def crawled(client, bucket, database):
    glue, s3 = client("glue"), client("s3")
    for day in ("2024-06-01", "2024-06-02"):
        rows = [o for o in ORDERS if o["placed"].startswith(day)]
        s3.put_object(Bucket=bucket, Key=f"orders/day={day}/orders.json",
                      Body="".join(json.dumps(o) + "\n" for o in rows).encode())
    name = f"orders-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role="arn:aws:iam::000000000000:role/glue", DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/orders/"}]})
    glue.start_crawler(Name=name)
    wait_crawled(glue, name)
    yield glue.get_table(DatabaseName=database, Name="orders")["Table"]
    glue.delete_crawler(Name=name)
    glue.delete_table(DatabaseName=database, Name="orders")


def cursor_of(lakebox_server, bucket, database):
    from pyathena import connect
    from pyathena.cursor import DictCursor
    return connect(s3_staging_dir=f"s3://{bucket}/athena/", region_name=REGION, schema_name=database,
                   aws_access_key_id=KEY, aws_secret_access_key=SECRET, endpoint_url=lakebox_server.endpoint,
                   cursor_class=DictCursor).cursor()


def test_crawled_nested_types(crawled):
    columns = {c["Name"]: c["Type"] for c in crawled["StorageDescriptor"]["Columns"]}
    assert columns["order_id"] == "string" and columns["meta"] == "string"
    assert columns["customer"] == "struct<id:int,tier:string,referrer:int>"
    assert columns["items"] == "array<struct<sku:string,qty:int,price:double>>"
    assert crawled["PartitionKeys"] == [{"Name": "day", "Type": "string"}]


def test_flattened_by_athena(lakebox_server, bucket, database, crawled):
    cursor = cursor_of(lakebox_server, bucket, database)
    cursor.execute("SELECT order_id, customer.tier AS tier, customer.referrer AS referrer, cardinality(items) AS n "
                   "FROM orders ORDER BY order_id")
    assert cursor.fetchall() == [{"order_id": "o-1", "tier": "gold", "referrer": None, "n": 2},
                                 {"order_id": "o-2", "tier": "basic", "referrer": None, "n": 1},
                                 {"order_id": "o-3", "tier": "gold", "referrer": 8, "n": 2}]

    cursor.execute("SELECT i.sku, sum(i.qty) AS units, sum(i.qty * i.price) AS revenue "
                   "FROM orders CROSS JOIN UNNEST(items) AS t(i) GROUP BY i.sku ORDER BY i.sku")
    assert cursor.fetchall() == [{"sku": "apple", "units": 5, "revenue": 7.5}, {"sku": "fig", "units": 5, "revenue": 2.5},
                                 {"sku": "pear", "units": 1, "revenue": 2.0}, {"sku": "plum", "units": 4, "revenue": 12.0}]

    cursor.execute("SELECT json_extract_scalar(meta, '$.channel') AS channel, count(*) AS orders, "
                   "count(json_extract_scalar(meta, '$.coupon')) AS with_coupon FROM orders "
                   "GROUP BY json_extract_scalar(meta, '$.channel') ORDER BY channel")
    assert cursor.fetchall() == [{"channel": "app", "orders": 1, "with_coupon": 0},
                                 {"channel": "web", "orders": 2, "with_coupon": 1}]

    cursor.execute("SELECT day, order_id, element_at(items, 1).sku AS first_sku FROM orders "
                   "WHERE day = %(day)s AND any_match(items, i -> i.qty >= 5) ORDER BY order_id",
                   {"day": "2024-06-02"})
    assert cursor.fetchall() == [{"day": "2024-06-02", "order_id": "o-3", "first_sku": "apple"}]
