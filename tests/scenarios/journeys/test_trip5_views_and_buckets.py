"""A reporting layer in Athena: a CTAS writes the orders bucketed by customer (one Hive
bucket file per bucket, the bucketing recorded in Glue) for joins by customer; rerun
after a DROP TABLE (which leaves the files) it fails until the old files are removed; a
view gives the analysts their totals and is stored in Glue as a Presto view; the catalog
is browsed with SHOW TABLES, SHOW VIEWS and DESCRIBE as a BI tool does; the view is
replaced with a new column, then dropped, after which querying it fails."""
import base64
import json
import re

import pytest

from trip_helpers import athena_execution, athena_rows, keys_under

ORDERS = [(1, "c1", 10.5), (2, "c2", 3.0), (3, "c1", 7.0), (4, "c3", 1.0), (5, "c4", 2.0), (6, "c2", 4.5)]


def listing(athena, sql, database, output):
    """The rows of a DDL answer (SHOW, DESCRIBE): no header row, cells stripped."""
    execution = athena_execution(athena, sql, database, output)
    rows = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]["Rows"]
    return [[(c.get("VarCharValue") or "").strip() for c in r["Data"]] for r in rows]


@pytest.fixture
def orders(client, bucket, database):
    body = "".join(f"{o},{c},{a}\n" for o, c, a in ORDERS)
    client("s3").put_object(Bucket=bucket, Key="raw/orders/orders.csv", Body=body.encode())
    athena_execution(client("athena"), f"""CREATE EXTERNAL TABLE orders (order_id int, customer_id string,
        amount double) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/raw/orders/'""",
                     database, f"s3://{bucket}/athena/")


def test_bucketed_ctas_and_a_view_browsed_like_a_bi_tool(client, bucket, database, orders):
    athena, glue, s3 = client("athena"), client("glue"), client("s3")
    output = f"s3://{bucket}/athena/"
    ctas = f"""CREATE TABLE orders_by_customer WITH (format = 'PARQUET',
        external_location = 's3://{bucket}/curated/orders_by_customer/', bucketed_by = ARRAY['customer_id'],
        bucket_count = 4) AS SELECT * FROM orders"""
    athena_execution(athena, ctas, database, output)
    # A rerun after DROP TABLE (which leaves the files) fails until the location is emptied.
    athena_execution(athena, "DROP TABLE orders_by_customer", database, output)
    rerun = athena.start_query_execution(QueryString=ctas, QueryExecutionContext={"Database": database},
                                         ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]
    status = athena.get_query_execution(QueryExecutionId=rerun)["QueryExecution"]["Status"]
    assert (status["State"], status["StateChangeReason"]) == ("FAILED", (
        f"HIVE_PATH_ALREADY_EXISTS: Target directory for table '{database}.orders_by_customer' already exists: "
        f"s3://{bucket}/curated/orders_by_customer. You may need to manually clean the data at location "
        f"'{output}tables/{rerun}' before retrying. Athena will not delete data in your account."))
    for key in keys_under(s3, bucket, "curated/orders_by_customer/"):
        s3.delete_object(Bucket=bucket, Key=key)
    athena_execution(athena, ctas, database, output)
    table = glue.get_table(DatabaseName=database, Name="orders_by_customer")["Table"]["StorageDescriptor"]
    assert (table["BucketColumns"], table["NumberOfBuckets"]) == (["customer_id"], 4)
    files = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="curated/orders_by_customer/")["Contents"]]
    assert 1 < len(files) <= 4
    names = [key.rsplit("/", 1)[1] for key in files]          # Hive's bucket names; Parquet has no codec suffix
    assert all(re.fullmatch(r"00000[0-3]_0_[\w-]+", name) for name in names), names
    customers_per_file = [set(r[0] for r in athena_rows(
        athena, f"SELECT DISTINCT customer_id FROM orders_by_customer WHERE \"$path\" = 's3://{bucket}/{key}'",
        database, output)) for key in files]
    assert sorted(c for found in customers_per_file for c in found) == ["c1", "c2", "c3", "c4"]

    athena_execution(athena, """CREATE VIEW customer_totals AS SELECT customer_id, sum(amount) AS total
        FROM orders_by_customer GROUP BY customer_id""", database, output)
    assert listing(athena, "SHOW TABLES", database, output) == [["customer_totals"], ["orders"],
                                                                ["orders_by_customer"]]
    assert listing(athena, "SHOW VIEWS", database, output) == [["customer_totals"]]
    assert listing(athena, "DESCRIBE customer_totals", database, output) == [["customer_id", "varchar"],
                                                                            ["total", "double"]]   # Trino's types
    view = glue.get_table(DatabaseName=database, Name="customer_totals")["Table"]
    assert (view["TableType"], view["Parameters"]["presto_view"]) == ("VIRTUAL_VIEW", "true")
    encoded = view["ViewOriginalText"].removeprefix("/* Presto View: ").removesuffix(" */")
    presto = json.loads(base64.b64decode(encoded))
    assert (presto["catalog"], presto["schema"]) == ("awsdatacatalog", database)
    assert presto["columns"] == [{"name": "customer_id", "type": "varchar"}, {"name": "total", "type": "double"}]
    assert athena_rows(athena, "SELECT * FROM customer_totals WHERE total > 5 ORDER BY total DESC",
                       database, output) == [["c1", "17.5"], ["c2", "7.5"]]

    athena_execution(athena, """CREATE OR REPLACE VIEW customer_totals AS SELECT customer_id, sum(amount) AS total,
        count(*) AS orders FROM orders_by_customer GROUP BY customer_id""", database, output)
    assert [row[0] for row in listing(athena, "DESCRIBE customer_totals", database, output)] == [
        "customer_id", "total", "orders"]
    assert athena_rows(athena, "SELECT orders FROM customer_totals WHERE customer_id = 'c2'", database, output) == [
        ["2"]]

    athena_execution(athena, "DROP VIEW customer_totals", database, output)
    assert listing(athena, "SHOW VIEWS", database, output) == []
    failed = athena.start_query_execution(QueryString="SELECT * FROM customer_totals",
                                          QueryExecutionContext={"Database": database},
                                          ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]
    status = athena.get_query_execution(QueryExecutionId=failed)["QueryExecution"]["Status"]
    assert status["State"] == "FAILED"
    assert status["StateChangeReason"] == (
        f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{database}.customer_totals' does not exist")
