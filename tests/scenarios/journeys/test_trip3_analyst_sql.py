"""An analyst's week on a clickstream table, through pyathena: ISO timestamps parsed and
truncated, window functions (running totals, ranks, gaps between events with lag), a
FILTER clause, ROLLUP with grouping(), arrays built with array_agg, URL and regexp
functions, TRY_CAST over dirty values, and a view on top that Glue records as a view."""
import datetime
from decimal import Decimal

import pandas as pd
import pytest

from trip_helpers import KEY, REGION, SECRET

CLICKS = [
    ("u1", "2024-03-01T08:00:00Z", "https://shop.example/cart?item=7", "mobile", "12.50", "PT"),
    ("u1", "2024-03-01T08:20:00Z", "https://shop.example/pay", "mobile", "30.00", "PT"),
    ("u2", "2024-03-01T09:00:00Z", "https://shop.example/home", "desktop", "n/a", "DE"),
    ("u1", "2024-03-02T10:00:00Z", "https://shop.example/cart?item=9", "desktop", "5.25", "PT"),
    ("u3", "2024-03-02T11:30:00Z", "https://blog.example/post/42", "mobile", "", "DE"),
    ("u2", "2024-03-02T12:00:00Z", "https://shop.example/pay", "desktop", "40.00", "DE"),
    ("u2", "2024-03-02T12:45:00Z", "https://shop.example/cart?item=7", "mobile", "8.00", "DE"),
]


@pytest.fixture
def clicks(wr, session, bucket, database):
    frame = pd.DataFrame(CLICKS, columns=["user_id", "ts", "url", "device", "amount", "country"])
    wr.s3.to_parquet(frame, f"s3://{bucket}/clicks/", dataset=True, database=database, table="clicks",
                     boto3_session=session)
    return "clicks"


@pytest.fixture
def cursor(lakebox_server, bucket, database, clicks):
    from pyathena import connect
    return connect(s3_staging_dir=f"s3://{bucket}/athena/", region_name=REGION, schema_name=database,
                   aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                   endpoint_url=lakebox_server.endpoint).cursor()


BASE = """WITH c AS (SELECT user_id, from_iso8601_timestamp(ts) AS at, url, device,
    TRY_CAST(NULLIF(amount, '') AS decimal(10,2)) AS amount, country FROM clicks)"""


def test_daily_activity_and_rollup(cursor):
    cursor.execute(BASE + """ SELECT CAST(date_trunc('day', at) AS date) AS day, count(DISTINCT user_id) AS users,
        count(*) FILTER (WHERE device = 'mobile') AS mobile, coalesce(sum(amount), 0) AS revenue
        FROM c GROUP BY 1 ORDER BY 1""")
    assert cursor.fetchall() == [(datetime.date(2024, 3, 1), 2, 2, Decimal("42.50")),
                                 (datetime.date(2024, 3, 2), 3, 2, Decimal("53.25"))]
    cursor.execute(BASE + """ SELECT country, device, count(*) AS n, grouping(country, device) AS level
        FROM c GROUP BY ROLLUP (country, device) ORDER BY level, country, device""")
    assert cursor.fetchall() == [("DE", "desktop", 2, 0), ("DE", "mobile", 2, 0), ("PT", "desktop", 1, 0),
                                 ("PT", "mobile", 2, 0), ("DE", None, 4, 1), ("PT", None, 3, 1), (None, None, 7, 3)]


def test_window_functions(cursor):
    cursor.execute(BASE + """ SELECT user_id, amount,
        sum(amount) OVER (PARTITION BY user_id ORDER BY at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
        date_diff('minute', lag(at) OVER (PARTITION BY user_id ORDER BY at), at) AS gap_minutes
        FROM c WHERE amount IS NOT NULL ORDER BY user_id, at""")
    rows = [(u, str(a), str(r), g) for u, a, r, g in cursor.fetchall()]
    assert rows == [("u1", "12.50", "12.50", None), ("u1", "30.00", "42.50", 20), ("u1", "5.25", "47.75", 1540),
                    ("u2", "40.00", "40.00", None), ("u2", "8.00", "48.00", 45)]
    cursor.execute(BASE + """ SELECT user_id, url FROM (SELECT user_id, url,
        row_number() OVER (PARTITION BY user_id ORDER BY amount DESC NULLS LAST) AS r FROM c) WHERE r = 1
        ORDER BY user_id""")
    assert cursor.fetchall() == [("u1", "https://shop.example/pay"), ("u2", "https://shop.example/pay"),
                                 ("u3", "https://blog.example/post/42")]


def test_urls_arrays_and_dirty_values(cursor):
    cursor.execute(BASE + """ SELECT url_extract_host(url) AS host, url_extract_path(url) AS path,
        url_extract_parameter(url, 'item') AS item, regexp_extract(url, '/post/(\\d+)', 1) AS post
        FROM c WHERE user_id = 'u3' OR url LIKE '%item=9' ORDER BY at""")
    assert cursor.fetchall() == [("shop.example", "/cart", "9", None), ("blog.example", "/post/42", None, "42")]
    cursor.execute(BASE + """ SELECT user_id, array_agg(device ORDER BY at) AS devices,
        count(*) - count(amount) AS unpriced FROM c GROUP BY user_id ORDER BY user_id""")
    assert cursor.fetchall() == [("u1", ["mobile", "mobile", "desktop"], 0), ("u2", ["desktop", "desktop", "mobile"], 1),
                                 ("u3", ["mobile"], 1)]


def test_view_on_top(cursor, client, database):
    cursor.execute(BASE.replace("WITH c AS", "CREATE OR REPLACE VIEW priced AS WITH c AS") +
                   " SELECT user_id, country, amount FROM c WHERE amount IS NOT NULL")
    view = client("glue").get_table(DatabaseName=database, Name="priced")["Table"]
    assert view["TableType"] == "VIRTUAL_VIEW"
    assert view["ViewOriginalText"].startswith("/* Presto View: ")
    cursor.execute("SELECT country, count(*), sum(amount) FROM priced GROUP BY country ORDER BY country")
    assert [(c, n, str(s)) for c, n, s in cursor.fetchall()] == [("DE", 2, "48.00"), ("PT", 3, "47.75")]
