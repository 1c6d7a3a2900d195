"""An analyst browses the lake's catalog through Athena and pages a report's results,
with the code and cli lines she uses against AWS: four tables made by Athena DDL, then
ListTableMetadata in pages of two (all of them, then narrowed by an Expression), MaxItems
then StartingToken giving every table once, search() across pages for the partitioned
tables and their partition keys; a report's GetQueryResults paged three rows at a time
with build_full_result() keeping the column metadata; and the cli's get-query-results
with --max-items/--starting-token and --page-size, as text."""
import json

from trip_helpers import aws, athena_execution

DDL = {
    "orders": "CREATE EXTERNAL TABLE orders (id int, amount double) PARTITIONED BY (day string) "
              "STORED AS PARQUET LOCATION 's3://{bucket}/orders/'",
    "order_lines": "CREATE EXTERNAL TABLE order_lines (order_id int, sku string) "
                   "STORED AS PARQUET LOCATION 's3://{bucket}/order_lines/'",
    "customers": "CREATE EXTERNAL TABLE customers (id int, name string) "
                 "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/customers/'",
    "returns": "CREATE EXTERNAL TABLE returns (order_id int) PARTITIONED BY (region string, day string) "
               "STORED AS PARQUET LOCATION 's3://{bucket}/returns/'",
}
REPORT = ("SELECT n, n * n AS square FROM (VALUES 1, 2, 3, 4, 5, 6, 7) AS t(n) ORDER BY n")


def test_catalog_browse_and_report_pages(lakebox_server, client, bucket, database):
    athena = client("athena")
    output = f"s3://{bucket}/athena/"
    for sql in DDL.values():
        athena_execution(athena, sql.format(bucket=bucket), database, output)

    metadata = athena.get_paginator("list_table_metadata")
    where = {"CatalogName": "AwsDataCatalog", "DatabaseName": database}
    pages = list(metadata.paginate(**where, PaginationConfig={"PageSize": 2}))
    assert [[t["Name"] for t in page["TableMetadataList"]] for page in pages] == [
        ["customers", "order_lines"], ["orders", "returns"]]
    assert "NextToken" in pages[0] and "NextToken" not in pages[1]
    head = metadata.paginate(**where, PaginationConfig={"PageSize": 2, "MaxItems": 3}).build_full_result()
    assert [t["Name"] for t in head["TableMetadataList"]] == ["customers", "order_lines", "orders"]
    rest = metadata.paginate(**where, PaginationConfig={"PageSize": 2, "StartingToken": head["NextToken"]})
    assert [t["Name"] for page in rest for t in page["TableMetadataList"]] == ["returns"]

    ordered = metadata.paginate(**where, Expression="order*", PaginationConfig={"PageSize": 1}).build_full_result()
    assert [t["Name"] for t in ordered["TableMetadataList"]] == ["order_lines", "orders"]
    partitioned = metadata.paginate(**where, PaginationConfig={"PageSize": 1}).search(
        "TableMetadataList[?PartitionKeys].{name: Name, keys: PartitionKeys[].Name}")
    assert list(partitioned) == [{"name": "orders", "keys": ["day"]}, {"name": "returns", "keys": ["region", "day"]}]
    orders = next(iter(metadata.paginate(**where, Expression="orders", PaginationConfig={"PageSize": 1})))
    [table] = orders["TableMetadataList"]
    assert table["TableType"] == "EXTERNAL_TABLE"
    assert [(c["Name"], c["Type"]) for c in table["Columns"]] == [("id", "int"), ("amount", "double")]
    assert table["PartitionKeys"] == [{"Name": "day", "Type": "string"}]

    query_id = athena_execution(athena, REPORT, database, output)["QueryExecutionId"]
    results = athena.get_paginator("get_query_results")
    full = results.paginate(QueryExecutionId=query_id, PaginationConfig={"PageSize": 3}).build_full_result()
    assert [[c["VarCharValue"] for c in row["Data"]] for row in full["ResultSet"]["Rows"]] == [
        ["n", "square"]] + [[str(n), str(n * n)] for n in range(1, 8)]
    assert [(c["Name"], c["Type"]) for c in full["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]] == [
        ("n", "integer"), ("square", "integer")]
    assert full["UpdateCount"] == 0
    cut = results.paginate(QueryExecutionId=query_id, PaginationConfig={"PageSize": 3, "MaxItems": 4}).build_full_result()
    assert [row["Data"][0]["VarCharValue"] for row in cut["ResultSet"]["Rows"]] == ["n", "1", "2", "3"]
    after = results.paginate(QueryExecutionId=query_id,
                             PaginationConfig={"PageSize": 3, "StartingToken": cut["NextToken"]}).build_full_result()
    assert [row["Data"][0]["VarCharValue"] for row in after["ResultSet"]["Rows"]] == ["4", "5", "6", "7"]

    first = json.loads(aws(lakebox_server, "athena", "get-query-results", "--query-execution-id", query_id,
                           "--max-items", "5", "--page-size", "2").stdout)
    assert [[c["VarCharValue"] for c in row["Data"]] for row in first["ResultSet"]["Rows"]] == [
        ["n", "square"], ["1", "1"], ["2", "4"], ["3", "9"], ["4", "16"]]
    assert first["ResultSet"]["ResultSetMetadata"]["ColumnInfo"][1]["Name"] == "square"
    done = aws(lakebox_server, "athena", "get-query-results", "--query-execution-id", query_id,
               "--starting-token", first["NextToken"], "--page-size", "2",
               "--query", "ResultSet.Rows[].Data[].VarCharValue", output="text")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["5", "25", "6", "36", "7", "49"]
