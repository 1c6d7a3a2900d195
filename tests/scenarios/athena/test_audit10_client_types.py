"""pyathena's DictCursor and PandasCursor convert Athena's typed results into Python
values (decimal, date, timestamp, array, map, row), and the parameter styles of
pyathena and awswrangler reach Athena as it takes them."""
import datetime
import decimal

import boto3
import pandas as pd
import pytest

KEY, SECRET, REGION = "test", "test", "us-east-1"
SELECT = ("SELECT CAST(1.25 AS decimal(10,2)) AS d, DATE '2024-01-02' AS day, "
          "TIMESTAMP '2024-01-02 03:04:05.123' AS ts, ARRAY[1, 2] AS a, MAP(ARRAY['k'], ARRAY[1]) AS m, "
          "CAST(ROW(1, 'x') AS ROW(n integer, s varchar)) AS r, CAST(NULL AS integer) AS n, true AS b, "
          "CAST(5 AS bigint) AS big, CAST(1 AS tinyint) AS tiny")


@pytest.fixture
def connection_args(lakebox_server, bucket, database):
    args = {"s3_staging_dir": f"s3://{bucket}/pyathena/", "region_name": REGION, "schema_name": database}
    if lakebox_server.endpoint:
        args.update(aws_access_key_id=KEY, aws_secret_access_key=SECRET, endpoint_url=lakebox_server.endpoint)
    return args


def test_dict_cursor_converts_each_type(connection_args):
    from pyathena import connect
    from pyathena.cursor import DictCursor
    cursor = connect(cursor_class=DictCursor, **connection_args).cursor()
    cursor.execute(SELECT)
    assert cursor.fetchone() == {
        "d": decimal.Decimal("1.25"), "day": datetime.date(2024, 1, 2),
        "ts": datetime.datetime(2024, 1, 2, 3, 4, 5, 123000), "a": [1, 2], "m": {"k": "1"},
        "r": {"n": "1", "s": "x"}, "n": None, "b": True, "big": 5, "tiny": 1}
    assert [(column[0], column[1], column[4], column[5]) for column in cursor.description] == [
        ("d", "decimal", 10, 2), ("day", "date", 0, 0), ("ts", "timestamp", 3, 0), ("a", "array", 0, 0),
        ("m", "map", 0, 0), ("r", "row", 0, 0), ("n", "integer", 10, 0), ("b", "boolean", 0, 0),
        ("big", "bigint", 19, 0), ("tiny", "tinyint", 3, 0)]


def test_pandas_cursor_types_the_frame(connection_args):
    from pyathena import connect
    from pyathena.pandas.cursor import PandasCursor
    frame = connect(cursor_class=PandasCursor, **connection_args).cursor().execute(SELECT).as_pandas()
    row = frame.iloc[0].to_dict()
    assert row["d"] == decimal.Decimal("1.25") and row["day"] == datetime.datetime(2024, 1, 2)
    assert row["ts"] == datetime.datetime(2024, 1, 2, 3, 4, 5, 123000)
    assert (row["a"], row["m"], row["r"]) == ("[1, 2]", "{k=1}", "{n=1, s=x}")   # nested types stay text
    assert pd.isna(row["n"]) and str(frame.dtypes["n"]) == "Int64"
    assert str(frame.dtypes["day"]).startswith("datetime64") and str(frame.dtypes["big"]) == "Int64"


def test_pyathena_parameter_styles(connection_args):
    from pyathena import connect
    cursor = connect(**connection_args).cursor()
    cursor.execute("SELECT %(n)s AS n, %(s)s AS s", {"n": 1, "s": "it's"})
    assert cursor.fetchall() == [(1, "it's")]
    cursor.execute("SELECT ? AS s, ? + 1 AS n", ["'x'", "2"], paramstyle="qmark")
    assert cursor.fetchall() == [("x", 3)]


def test_awswrangler_read_sql_query_with_parameters(lakebox_server, bucket, database):
    import awswrangler as wr
    names = ("s3_endpoint_url", "glue_endpoint_url", "athena_endpoint_url")
    if lakebox_server.endpoint:
        for name in names:
            setattr(wr.config, name, lakebox_server.endpoint)
    session = boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)
    try:
        frame = wr.athena.read_sql_query("SELECT ? AS s, ? * 2 AS n", database=database, params=["'x'", "21"],
                                         paramstyle="qmark", ctas_approach=False,
                                         s3_output=f"s3://{bucket}/wr/", boto3_session=session)
        assert frame.to_dict("records") == [{"s": "x", "n": 42}]
        frame = wr.athena.read_sql_query("SELECT :name AS s", database=database, params={"name": "o'k"},
                                         ctas_approach=False, s3_output=f"s3://{bucket}/wr/", boto3_session=session)
        assert frame.to_dict("records") == [{"s": "o'k"}]
    finally:
        for name in names:
            wr.config.reset(name)
