"""A dataset written with pyarrow's own S3 filesystem (hive partitions by country), made
a table with Athena DDL through pyathena and MSCK REPAIR TABLE, then read three ways as
analysts do: the default cursor with pyformat parameters, `fetchmany` and typed
`description`; the PandasCursor and the ArrowCursor with `unload=True`, which wrap the
query in UNLOAD and read the Parquet files it leaves under the staging dir."""
import datetime
from decimal import Decimal

import pyarrow as pa
import pyarrow.dataset as pads
import pytest
from pyarrow import fs as pafs

from trip_helpers import KEY, REGION, SECRET

SCHEMA = pa.schema([("order_id", pa.int64()), ("amount", pa.decimal128(10, 2)),
                    ("ordered_on", pa.date32()), ("ordered_at", pa.timestamp("ms")),
                    ("paid", pa.bool_()), ("tags", pa.list_(pa.string())), ("country", pa.string())])
ORDERS = [
    (1, Decimal("12.50"), datetime.date(2024, 5, 1), datetime.datetime(2024, 5, 1, 9, 30), True, ["new"], "de"),
    (2, Decimal("7.25"), datetime.date(2024, 5, 1), datetime.datetime(2024, 5, 1, 11, 0), False, [], "fr"),
    (3, Decimal("99.99"), datetime.date(2024, 5, 2), datetime.datetime(2024, 5, 2, 8, 15), True, ["vip", "gift"], "de"),
    (4, Decimal("3.10"), datetime.date(2024, 5, 2), datetime.datetime(2024, 5, 2, 18, 45), True, ["new"], "it"),
    (5, Decimal("45.00"), datetime.date(2024, 5, 3), datetime.datetime(2024, 5, 3, 7, 5), False, ["vip"], "de"),
]
DDL = """CREATE EXTERNAL TABLE orders (order_id bigint, amount decimal(10,2), ordered_on date,
ordered_at timestamp, paid boolean, tags array<string>)
PARTITIONED BY (country string) STORED AS PARQUET LOCATION 's3://{bucket}/orders/'"""


def s3_filesystem(lakebox_server):
    options = {"access_key": KEY, "secret_key": SECRET, "region": REGION}
    if lakebox_server.endpoint:
        options.update(endpoint_override=lakebox_server.endpoint, scheme="http")
    return pafs.S3FileSystem(**options)


@pytest.fixture
def orders(lakebox_server, bucket, database):
    """The dataset written with pyarrow, and the table over it made by Athena DDL."""
    table = pa.Table.from_pylist([dict(zip(SCHEMA.names, row)) for row in ORDERS], schema=SCHEMA)
    pads.write_dataset(table, f"{bucket}/orders", filesystem=s3_filesystem(lakebox_server), format="parquet",
                       partitioning=pads.partitioning(pa.schema([("country", pa.string())]), flavor="hive"),
                       basename_template="part-{i}.parquet")
    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute(DDL.format(bucket=bucket))
    cursor.execute("MSCK REPAIR TABLE orders")
    return "orders"


def connect(lakebox_server, bucket, database, **kwargs):
    from pyathena import connect as athena_connect
    return athena_connect(s3_staging_dir=f"s3://{bucket}/staging/", region_name=REGION, schema_name=database,
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                          endpoint_url=lakebox_server.endpoint, **kwargs)


def test_partitions_found_and_listed(lakebox_server, client, bucket, database, orders):
    glue = client("glue")
    partitions = glue.get_partitions(DatabaseName=database, TableName=orders)["Partitions"]
    assert sorted(p["Values"][0] for p in partitions) == ["de", "fr", "it"]
    listed = client("s3").list_objects_v2(Bucket=bucket, Prefix="orders/")["Contents"]
    # pyarrow also leaves an empty "directory" object per folder it made.
    assert sorted(o["Key"] for o in listed if o["Key"].endswith("/")) == [
        "orders/", "orders/country=de/", "orders/country=fr/", "orders/country=it/"]
    assert sorted(o["Key"] for o in listed if not o["Key"].endswith("/")) == ["orders/country=de/part-0.parquet", "orders/country=fr/part-0.parquet",
                    "orders/country=it/part-0.parquet"]
    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute("SHOW PARTITIONS orders")
    assert sorted(row[0] for row in cursor.fetchall()) == ["country=de", "country=fr", "country=it"]


def test_default_cursor_parameters_fetchmany_and_types(lakebox_server, bucket, database, orders):
    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute("SELECT order_id, amount, ordered_on, ordered_at, paid, tags, country FROM orders "
                   "WHERE country = %(country)s AND amount > %(least)s ORDER BY order_id",
                   {"country": "de", "least": Decimal("10")})
    assert [(d[0], d[1]) for d in cursor.description] == [
        ("order_id", "bigint"), ("amount", "decimal"), ("ordered_on", "date"), ("ordered_at", "timestamp"),
        ("paid", "boolean"), ("tags", "array"), ("country", "varchar")]
    amount = cursor.description[1]
    assert (amount[4], amount[5]) == (10, 2)            # precision and scale
    first_two = cursor.fetchmany(2)
    assert first_two == [
        (1, Decimal("12.50"), datetime.date(2024, 5, 1), datetime.datetime(2024, 5, 1, 9, 30), True, ["new"], "de"),
        (3, Decimal("99.99"), datetime.date(2024, 5, 2), datetime.datetime(2024, 5, 2, 8, 15), True, ["vip", "gift"], "de")]
    assert cursor.fetchmany(2) == [
        (5, Decimal("45.00"), datetime.date(2024, 5, 3), datetime.datetime(2024, 5, 3, 7, 5), False, ["vip"], "de")]
    assert cursor.fetchmany(2) == []

    cursor.execute("SELECT country, count(*) AS n, sum(amount) AS total FROM orders "
                   "WHERE ordered_on BETWEEN %(start)s AND %(end)s GROUP BY country ORDER BY country",
                   {"start": datetime.date(2024, 5, 1), "end": datetime.date(2024, 5, 2)})
    assert cursor.fetchall() == [("de", 2, Decimal("112.49")), ("fr", 1, Decimal("7.25")), ("it", 1, Decimal("3.10"))]


def test_pandas_cursor_unload(lakebox_server, client, bucket, database, orders):
    from pyathena.pandas.cursor import PandasCursor
    cursor = connect(lakebox_server, bucket, database, cursor_class=PandasCursor).cursor(unload=True)
    frame = cursor.execute("SELECT order_id, amount, ordered_on, paid, country FROM orders "
                           "WHERE paid = %(paid)s ORDER BY order_id", {"paid": True}).as_pandas()
    assert frame["order_id"].tolist() == [1, 3, 4]
    assert frame["amount"].tolist() == [Decimal("12.50"), Decimal("99.99"), Decimal("3.10")]
    assert frame["ordered_on"].astype(str).tolist() == ["2024-05-01", "2024-05-02", "2024-05-02"]
    assert frame["country"].tolist() == ["de", "de", "it"]
    assert str(frame["order_id"].dtype) == "int64" and str(frame["paid"].dtype) == "bool"
    unloaded = [o["Key"] for o in client("s3").list_objects_v2(Bucket=bucket, Prefix="staging/unload/")["Contents"]]
    assert unloaded, "UNLOAD left no files"
    assert all(key.startswith("staging/unload/") for key in unloaded)

    chunks = connect(lakebox_server, bucket, database, cursor_class=PandasCursor).cursor(unload=True, chunksize=2)
    chunks.execute("SELECT order_id FROM orders ORDER BY order_id")
    assert sorted(v for chunk in chunks.as_pandas() for v in chunk["order_id"].tolist()) == [1, 2, 3, 4, 5]


def test_arrow_cursor_unload(lakebox_server, bucket, database, orders, monkeypatch):
    from pyathena.arrow.cursor import ArrowCursor
    if lakebox_server.endpoint:
        # pyathena builds pyarrow's S3FileSystem with no endpoint setting: aim it at lakebox.
        original = pafs.S3FileSystem
        monkeypatch.setattr(pafs, "S3FileSystem",
                            lambda **kwargs: original(endpoint_override=lakebox_server.endpoint, scheme="http", **kwargs))
    cursor = connect(lakebox_server, bucket, database, cursor_class=ArrowCursor).cursor(unload=True)
    table = cursor.execute("SELECT order_id, amount, ordered_at, tags FROM orders "
                           "WHERE country IN (%(a)s, %(b)s) ORDER BY order_id", {"a": "fr", "b": "it"}).as_arrow()
    assert table.schema.field("amount").type == pa.decimal128(10, 2)
    assert pa.types.is_timestamp(table.schema.field("ordered_at").type)
    assert table.to_pylist() == [
        {"order_id": 2, "amount": Decimal("7.25"), "ordered_at": datetime.datetime(2024, 5, 1, 11, 0), "tags": []},
        {"order_id": 4, "amount": Decimal("3.10"), "ordered_at": datetime.datetime(2024, 5, 2, 18, 45), "tags": ["new"]}]
