"""An operational table exported to S3 and analysed in Athena: DynamoDB point-in-time
export (DYNAMODB_JSON), a Glue table over the export's data files with the JSON SerDe,
an Athena aggregate over the items; then a large result paged back with the paginator
and pyathena's fetchmany."""
import time

import pytest

from trip_helpers import KEY, REGION, SECRET, exportable_table, wait_export


def run(athena, sql, database, bucket):
    query_id = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                            ResultConfiguration={"OutputLocation": f"s3://{bucket}/q/"})["QueryExecutionId"]
    for _ in range(600):
        state = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
        if state["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.05)
    assert state["State"] == "SUCCEEDED", state
    return query_id


def test_export_then_query(client, resource, bucket, database, table_name):
    ddb, athena = client("dynamodb"), client("athena")
    exportable_table(resource("dynamodb"), table_name, "sku")
    for n in range(10):
        ddb.put_item(TableName=table_name, Item={"sku": {"S": f"p{n}"}, "stock": {"N": str(n * 10)},
                                                 "cat": {"S": "tools" if n % 2 else "toys"}})
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]
    started = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket=bucket, S3Prefix="exports",
                                                ExportFormat="DYNAMODB_JSON")["ExportDescription"]
    export = wait_export(ddb, started["ExportArn"])
    assert export["ExportStatus"] == "COMPLETED" and export["ItemCount"] == 10
    export_id = export["ExportArn"].split("/")[-1]
    data = f"s3://{bucket}/exports/AWSDynamoDB/{export_id}/data/"
    run(athena, f"""CREATE EXTERNAL TABLE inventory (
            Item struct<sku:struct<S:string>, stock:struct<N:string>, cat:struct<S:string>>)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION '{data}'""", database, bucket)
    query_id = run(athena, "SELECT Item.cat.S AS cat, sum(cast(Item.stock.N AS integer)) AS stock "
                           "FROM inventory GROUP BY 1 ORDER BY 1", database, bucket)
    rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
    assert [[c.get("VarCharValue") for c in r["Data"]] for r in rows] == [
        ["cat", "stock"], ["tools", "250"], ["toys", "200"]]
    client("glue").delete_table(DatabaseName=database, Name="inventory")


def test_large_result_pages(lakebox_server, client, bucket, database):
    athena = client("athena")
    query_id = run(athena, "SELECT n, n * n AS sq FROM UNNEST(sequence(1, 2500)) AS t(n) ORDER BY n", database, bucket)
    pages = list(athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id))
    rows = [row for page in pages for row in page["ResultSet"]["Rows"]]
    assert len(pages) == 3 and len(rows) == 2501
    assert [c["VarCharValue"] for c in rows[-1]["Data"]] == ["2500", "6250000"]
    assert athena.get_query_results(QueryExecutionId=query_id, MaxResults=5)["ResultSet"]["Rows"][1]["Data"] == [
        {"VarCharValue": "1"}, {"VarCharValue": "1"}]
    stats = athena.get_query_runtime_statistics(QueryExecutionId=query_id)["QueryRuntimeStatistics"]
    assert stats["Rows"]["OutputRows"] == 2500
    found = athena.batch_get_query_execution(QueryExecutionIds=[query_id, "00000000-0000-0000-0000-000000000000"])
    assert [e["QueryExecutionId"] for e in found["QueryExecutions"]] == [query_id]
    assert [u["QueryExecutionId"] for u in found["UnprocessedQueryExecutionIds"]] == [
        "00000000-0000-0000-0000-000000000000"]

    from pyathena import connect
    cursor = connect(s3_staging_dir=f"s3://{bucket}/py/", region_name=REGION, schema_name=database,
                     aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                     endpoint_url=lakebox_server.endpoint).cursor(arraysize=700)
    cursor.execute("SELECT n FROM UNNEST(sequence(1, 1500)) AS t(n) ORDER BY n")
    first = cursor.fetchmany(1200)
    rest = cursor.fetchall()
    assert [r[0] for r in first + rest] == list(range(1, 1501))
    assert cursor.rownumber == 1500
