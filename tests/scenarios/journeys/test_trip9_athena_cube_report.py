"""A finance analyst's monthly sales cube in a notebook: sales rows are a CSV table the
analyst declares with DDL; the report is one GROUPING SETS query (region and product,
region, the grand total) read into pandas with pyathena's PandasCursor, grouping() telling
a subtotal from a NULL region; ROLLUP and CUBE give the same subtotals; medians come
from approx_percentile and a region's product mix from map_agg, read with the
ArrowCursor; last month's and this month's customer lists are compared with EXCEPT ALL
and INTERSECT ALL; a quick look at the data samples it with TABLESAMPLE, and a price
list typed inline with VALUES is joined in."""
import pytest
from pyathena.arrow.cursor import ArrowCursor
from pyathena.pandas.cursor import PandasCursor

from trip_helpers import pyathena_connect

SALES_CSV = """2024-05-02,eu,apple,anna,3
2024-05-03,eu,pear,ben,1
2024-05-03,eu,apple,anna,2
2024-05-10,us,apple,carl,5
2024-05-11,us,plum,dora,4
2024-05-20,\\N,apple,erin,7
2024-04-02,eu,apple,anna,1
2024-04-09,us,plum,dora,2
2024-04-09,us,plum,dora,6
2024-04-15,eu,pear,fay,4
2024-04-16,us,apple,gus,1
"""


@pytest.fixture
def sales(lakebox_server, client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="sales/part-0.csv", Body=SALES_CSV.encode())
    cursor = pyathena_connect(lakebox_server, bucket, database).cursor()
    cursor.execute(f"""CREATE EXTERNAL TABLE sales (day date, region string, product string, customer string,
                                                     units int)
                       ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
                       LOCATION 's3://{bucket}/sales/'""")
    return cursor


def test_grouping_sets_rollup_and_cube(lakebox_server, bucket, database, sales):
    frame = pyathena_connect(lakebox_server, bucket, database, cursor_class=PandasCursor).cursor().execute(
        """SELECT region, product, sum(units) AS units, grouping(region, product) AS level
           FROM sales WHERE day >= DATE '2024-05-01'
           GROUP BY GROUPING SETS ((region, product), (region), ())
           ORDER BY level, region NULLS LAST, product""").as_pandas()
    rows = [(r, p, u, g) for r, p, u, g in frame.astype(object).where(frame.notna(), None).itertuples(index=False)]
    assert rows == [("eu", "apple", 5, 0), ("eu", "pear", 1, 0), ("us", "apple", 5, 0), ("us", "plum", 4, 0),
                    (None, "apple", 7, 0),          # the row whose region is \\N: NULL, but no subtotal
                    ("eu", None, 6, 1), ("us", None, 9, 1), (None, None, 7, 1),
                    (None, None, 22, 3)]

    sales.execute("""SELECT region, product, sum(units), grouping(region, product)
                     FROM sales WHERE day >= DATE '2024-05-01' AND region IS NOT NULL
                     GROUP BY ROLLUP (region, product) ORDER BY 4, 1, 2""")
    assert sales.fetchall() == [("eu", "apple", 5, 0), ("eu", "pear", 1, 0), ("us", "apple", 5, 0),
                                ("us", "plum", 4, 0), ("eu", None, 6, 1), ("us", None, 9, 1), (None, None, 15, 3)]
    sales.execute("""SELECT product, sum(units) FROM sales WHERE day >= DATE '2024-05-01' AND region IS NOT NULL
                     GROUP BY CUBE (region, product) HAVING grouping(region) = 1 AND grouping(product) = 0
                     ORDER BY product""")
    assert sales.fetchall() == [("apple", 10), ("pear", 1), ("plum", 4)]


def test_medians_mixes_and_list_comparisons(lakebox_server, bucket, database, sales, monkeypatch):
    import pyarrow as pa
    import pyarrow.fs as pafs
    if lakebox_server.endpoint:
        # pyathena builds pyarrow's S3FileSystem with no endpoint setting: aim it at lakebox.
        original = pafs.S3FileSystem
        monkeypatch.setattr(pafs, "S3FileSystem",
                            lambda **kwargs: original(endpoint_override=lakebox_server.endpoint, scheme="http", **kwargs))
    latest = """SELECT region, product, units FROM (
                    SELECT region, product, units,
                           row_number() OVER (PARTITION BY region, product ORDER BY day DESC) AS recent
                    FROM sales WHERE region IS NOT NULL) WHERE recent = 1"""
    table = pyathena_connect(lakebox_server, bucket, database, cursor_class=ArrowCursor).cursor().execute(
        f"""SELECT region, approx_percentile(units, 0.5) AS median_units, count(*) AS n
            FROM sales WHERE region IS NOT NULL GROUP BY region ORDER BY region""").as_arrow()
    assert table.schema.field("median_units").type == pa.int32() and table.schema.field("n").type == pa.int64()
    assert table.to_pylist() == [{"region": "eu", "median_units": 2, "n": 5},
                                 {"region": "us", "median_units": 4, "n": 5}]

    sales.execute(f"""SELECT region, json_format(CAST(map_agg(product, units) AS JSON)), map_agg(product, units)['apple']
                      FROM ({latest}) GROUP BY region ORDER BY region""")
    assert sales.fetchall() == [("eu", '{"apple":2,"pear":1}', 2), ("us", '{"apple":5,"plum":4}', 5)]

    sales.execute("""SELECT customer FROM sales WHERE day >= DATE '2024-05-01'
                     EXCEPT ALL SELECT customer FROM sales WHERE day < DATE '2024-05-01'""")
    assert sorted(sales.fetchall()) == [("anna",), ("ben",), ("carl",), ("erin",)]     # anna twice, once
    sales.execute("""SELECT customer FROM sales WHERE day < DATE '2024-05-01'
                     INTERSECT ALL SELECT customer FROM sales WHERE day >= DATE '2024-05-01'""")
    assert sorted(sales.fetchall()) == [("anna",), ("dora",)]
    sales.execute("""SELECT customer FROM sales WHERE day < DATE '2024-05-01'
                     EXCEPT ALL SELECT customer FROM sales WHERE day >= DATE '2024-05-01'""")
    assert sorted(sales.fetchall()) == [("dora",), ("fay",), ("gus",)]      # dora twice in April, once in May

    sales.execute("SELECT count(*) FROM sales TABLESAMPLE BERNOULLI (100)")
    assert sales.fetchall() == [(11,)]
    sales.execute("SELECT count(*) FROM sales TABLESAMPLE SYSTEM (0)")
    assert sales.fetchall() == [(0,)]

    sales.execute("""SELECT s.product, sum(s.units * p.price) AS revenue
                     FROM sales s JOIN (VALUES ('apple', DECIMAL '0.50'), ('pear', DECIMAL '0.75'),
                                               ('plum', DECIMAL '1.20')) AS p(product, price)
                       ON s.product = p.product
                     WHERE s.day >= DATE '2024-05-01' GROUP BY s.product ORDER BY s.product""")
    assert [(product, str(revenue)) for product, revenue in sales.fetchall()] == [
        ("apple", "8.50"), ("pear", "0.75"), ("plum", "4.80")]
