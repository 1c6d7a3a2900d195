"""A BI developer building a semantic layer of views over a raw text table: a daily
totals view, and a second view over the first that flags big regions. The second view is
created over the first (a view read by a view, expanded as a SELECT expands it),
queried, listed with SHOW VIEWS and SHOW TABLES LIKE, described, and follows the first
when it is replaced. Dropping a view with DROP TABLE, or a table with DROP VIEW, and
showing a table as a view are refused."""
from trip_helpers import athena_execution, athena_failure, athena_lines, athena_rows


def test_view_over_view(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    s3.put_object(Bucket=bucket, Key="orders/a.csv", Body=b"1,eu,10.5\n2,us,3\n3,eu,1\n4,ap,9\n")
    athena_execution(athena, f"""CREATE EXTERNAL TABLE orders (id int, region string, amount double)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/orders/'""", database, output)
    athena_execution(athena, "CREATE VIEW region_totals AS SELECT region, sum(amount) AS total FROM orders "
                             "GROUP BY region", database, output)
    athena_execution(athena, "CREATE VIEW big_regions AS SELECT region, total, total > 5 AS big FROM region_totals",
                     database, output)

    assert athena_rows(athena, "SELECT * FROM big_regions ORDER BY region", database, output) == [
        ["ap", "9.0", "true"], ["eu", "11.5", "true"], ["us", "3.0", "false"]]
    assert athena_rows(athena, f"SELECT b.region, count(o.id) FROM {database}.big_regions b JOIN orders o "
                               "ON o.region = b.region WHERE b.big GROUP BY b.region ORDER BY 1",
                       database, output) == [["ap", "1"], ["eu", "2"]]
    assert athena_lines(athena, "SHOW VIEWS", database, output) == [["big_regions"], ["region_totals"]]
    assert athena_lines(athena, "SHOW TABLES LIKE '*regions|orders'", database, output) == [["big_regions"], ["orders"]]
    # A view's DESCRIBE and SHOW COLUMNS (DESC_VIEW): each column's name and Trino type.
    assert athena_lines(athena, "SHOW COLUMNS IN big_regions", database, output) == [
        ["region", "varchar"], ["total", "double"], ["big", "boolean"]]
    assert athena_lines(athena, "DESCRIBE big_regions", database, output) == [
        ["region", "varchar"], ["total", "double"], ["big", "boolean"]]

    athena_execution(athena, "CREATE OR REPLACE VIEW region_totals AS SELECT region, max(amount) AS total "
                             "FROM orders GROUP BY region", database, output)
    assert athena_rows(athena, "SELECT region, total, big FROM big_regions ORDER BY region", database, output) == [
        ["ap", "9.0", "true"], ["eu", "10.5", "true"], ["us", "3.0", "false"]]

    assert athena_failure(athena, "CREATE VIEW region_totals AS SELECT 1 AS x", database, output) == (
        f"ALREADY_EXISTS: View 'awsdatacatalog.{database}.region_totals' already exists")
    assert athena_failure(athena, "SHOW CREATE VIEW orders", database, output) == (
        f"NOT_SUPPORTED: line 1:1: Relation 'awsdatacatalog.{database}.orders' is a table, not a view")
    athena_execution(athena, "DROP VIEW big_regions", database, output)
    assert athena_failure(athena, "SELECT * FROM big_regions", database, output) == (
        f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{database}.big_regions' does not exist")
