"""An analytics engineer's two-step rollup under the security team's rules: every Athena
query writes its results SSE_KMS with the team's key. A CTAS turns raw CSV sales into a
Parquet table partitioned by region (its files carry the results' encryption, as Athena
encrypts data it inserts with the results' configuration); an UNLOAD writes a monthly
summary as gzipped JSON for a downstream team, whose crawler catalogs it; the second
query, over the crawled table, gives the same totals as the sales sent."""
import uuid

import pytest

from trip_helpers import keys_under, wait_crawled, wait_for

ROLE = "arn:aws:iam::000000000000:role/glue-crawler"
SALES = [(i, ["north", "south", "west"][i % 3], f"2024-0{1 + i % 4}-1{i % 10}", (i * 7) % 50 + 0.5)
         for i in range(40)]


def run(athena, sql, database, output, key):
    query_id = athena.start_query_execution(
        QueryString=sql, QueryExecutionContext={"Database": database},
        ResultConfiguration={"OutputLocation": output,
                             "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": key}})[
        "QueryExecutionId"]
    waiter_states = ("SUCCEEDED", "FAILED", "CANCELLED")
    execution = wait_for(lambda: (e := athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"])
                         ["Status"]["State"] in waiter_states and e)
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=query_id)
    rows = [[c.get("VarCharValue") for c in r["Data"]] for p in pages for r in p["ResultSet"]["Rows"]]
    return execution, rows


def test_ctas_unload_crawl_requery(client, bucket, database, kms_keys):
    s3, athena, glue = client("s3"), client("athena"), client("glue")
    key = kms_keys(Description="analytics results")["Arn"]
    output = f"s3://{bucket}/results/"
    s3.put_object(Bucket=bucket, Key="raw/sales/sales.csv",
                  Body="".join(f"{i},{r},{d},{a}\n" for i, r, d, a in SALES).encode())
    run(athena, f"""CREATE EXTERNAL TABLE raw_sales (id int, region string, day string, amount double)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/raw/sales/'""",
        database, output, key)
    execution, _ = run(athena, f"""CREATE TABLE sales WITH (format = 'PARQUET',
        external_location = 's3://{bucket}/curated/sales/', partitioned_by = ARRAY['region'])
        AS SELECT id, day, amount, region FROM raw_sales""", database, output, key)
    assert execution["ResultConfiguration"]["EncryptionConfiguration"] == {"EncryptionOption": "SSE_KMS",
                                                                           "KmsKey": key}
    files = keys_under(s3, bucket, "curated/sales/")
    assert sorted({f.split("/")[2] for f in files}) == ["region=north", "region=south", "region=west"]
    for name in files:
        head = s3.head_object(Bucket=bucket, Key=name)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key)
    manifest = execution["Statistics"]["DataManifestLocation"].split("/", 3)[3]
    assert s3.head_object(Bucket=bucket, Key=manifest)["SSEKMSKeyId"] == key

    run(athena, f"""UNLOAD (SELECT region, substr(day, 1, 7) AS month, count(*) AS sales, sum(amount) AS total
        FROM sales GROUP BY region, substr(day, 1, 7))
        TO 's3://{bucket}/shared/monthly/' WITH (format = 'JSON', compression = 'GZIP')""", database, output, key)
    shared = keys_under(s3, bucket, "shared/monthly/")
    assert shared and all(k.endswith(".gz") for k in shared)
    assert {s3.head_object(Bucket=bucket, Key=k)["SSEKMSKeyId"] for k in shared} == {key}

    crawler = f"monthly-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=crawler, Role=ROLE, DatabaseName=database, TablePrefix="downstream_",
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/shared/monthly/"}]})
    try:
        glue.start_crawler(Name=crawler)
        wait_crawled(glue, crawler)
        table = glue.get_table(DatabaseName=database, Name="downstream_monthly")["Table"]
        assert table["Parameters"]["classification"] == "json"
        assert table["Parameters"]["compressionType"] == "gzip"
        assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
            ("region", "string"), ("month", "string"), ("sales", "int"), ("total", "double")]
        _, rows = run(athena, "SELECT region, sum(sales), round(sum(total), 2) FROM downstream_monthly "
                              "GROUP BY region ORDER BY region", database, output, key)
    finally:
        glue.delete_crawler(Name=crawler)
    expected = {}
    for _, region, _, amount in SALES:
        n, total = expected.get(region, (0, 0.0))
        expected[region] = (n + 1, total + amount)
    assert rows == [["region", "_col1", "_col2"]] + [[r, str(n), str(round(t, 2))] for r, (n, t) in
                                                      sorted(expected.items())]
