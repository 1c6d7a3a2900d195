"""Raw files land in S3, a crawler (one root target, a table prefix) catalogs CSV and
JSON lines, pyathena queries them, new data arrives, the crawler runs again, and the
analyst builds a CTAS table, a view and an INSERT INTO on top."""
import json
import time
import uuid

import pytest

from trip_helpers import KEY, REGION, SECRET


def wait_crawled(glue, name, runs=1, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        metrics = glue.get_crawler_metrics(CrawlerNameList=[name])["CrawlerMetricsList"][0]
        if crawler["State"] == "READY" and "LastCrawl" in crawler and metrics.get("TimeLeftSeconds", 0) == 0 \
                and len(glue.list_crawls(CrawlerName=name)["Crawls"]) >= runs:
            return crawler
        time.sleep(0.2)
    raise AssertionError(f"crawler {name} did not finish")


def put(s3, bucket, key, body):
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode())


@pytest.fixture
def raw_zone(client, bucket):
    s3, glue = client("s3"), client("glue")
    put(s3, bucket, "raw/customers/customers.csv", "customer_id,name,country\n1,Ana,PT\n2,Ben,DE\n3,Chloe,FR\n")
    clicks = [{"customer_id": 1, "page": "/home", "ms": 120}, {"customer_id": 2, "page": "/cart", "ms": 300},
              {"customer_id": 1, "page": "/cart", "ms": 80}]
    put(s3, bucket, "raw/clicks/dt=2024-06-01/part-0.json", "\n".join(json.dumps(c) for c in clicks) + "\n")
    name, database = f"raw-{uuid.uuid4().hex[:8]}", f"raw_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    glue.create_crawler(Name=name, Role="arn:aws:iam::123456789012:role/service-role/AWSGlueServiceRole-raw",
                        DatabaseName=database, TablePrefix="raw_",
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/raw/"}]},
                        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"})
    glue.start_crawler(Name=name)
    crawler = wait_crawled(glue, name)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    yield {"database": database, "crawler": name}
    for page in glue.get_paginator("get_tables").paginate(DatabaseName=database):
        for table in page["TableList"]:
            glue.delete_table(DatabaseName=database, Name=table["Name"])
    glue.delete_database(Name=database)
    glue.delete_crawler(Name=name)


def connect(lakebox_server, bucket, database, **kwargs):
    from pyathena import connect as pyathena_connect
    return pyathena_connect(s3_staging_dir=f"s3://{bucket}/staging/", region_name=REGION, schema_name=database,
                            aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                            endpoint_url=lakebox_server.endpoint, **kwargs)


def test_crawled_tables_answer_queries(lakebox_server, client, bucket, raw_zone):
    glue, database = client("glue"), raw_zone["database"]
    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName=database)["TableList"]}
    assert sorted(tables) == ["raw_clicks", "raw_customers"]
    assert tables["raw_clicks"]["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
    assert tables["raw_customers"]["StorageDescriptor"]["Location"] == f"s3://{bucket}/raw/customers/"
    assert tables["raw_customers"]["Parameters"]["classification"] == "csv"
    assert tables["raw_clicks"]["Parameters"]["classification"] == "json"

    from pyathena.cursor import DictCursor
    cursor = connect(lakebox_server, bucket, database).cursor(DictCursor)
    cursor.execute("SELECT c.name, count(*) AS clicks, sum(k.ms) AS ms FROM raw_customers c "
                   "JOIN raw_clicks k ON c.customer_id = k.customer_id GROUP BY c.name ORDER BY c.name")
    assert cursor.fetchall() == [{"name": "Ana", "clicks": 2, "ms": 200}, {"name": "Ben", "clicks": 1, "ms": 300}]
    assert cursor.state == "SUCCEEDED" and cursor.output_location.startswith(f"s3://{bucket}/staging/")


def test_recrawl_picks_up_new_partition(lakebox_server, client, bucket, raw_zone):
    glue, s3, database = client("glue"), client("s3"), raw_zone["database"]
    put(s3, bucket, "raw/clicks/dt=2024-06-02/part-0.json", json.dumps({"customer_id": 3, "page": "/", "ms": 5}) + "\n")
    glue.start_crawler(Name=raw_zone["crawler"])
    wait_crawled(glue, raw_zone["crawler"], runs=2)
    partitions = glue.get_partitions(DatabaseName=database, TableName="raw_clicks")["Partitions"]
    assert sorted(p["Values"][0] for p in partitions) == ["2024-06-01", "2024-06-02"]
    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute("SELECT dt, count(*) FROM raw_clicks GROUP BY dt ORDER BY dt")
    assert cursor.fetchall() == [("2024-06-01", 3), ("2024-06-02", 1)]


def test_ctas_view_and_insert(lakebox_server, client, bucket, raw_zone):
    database = raw_zone["database"]
    cursor = connect(lakebox_server, bucket, database).cursor()
    cursor.execute(f"CREATE TABLE page_stats WITH (format = 'PARQUET', external_location = "
                   f"'s3://{bucket}/curated/page_stats/') AS "
                   "SELECT page, count(*) AS hits, avg(ms) AS avg_ms FROM raw_clicks GROUP BY page")
    cursor.execute("SELECT page, hits, avg_ms FROM page_stats ORDER BY page")
    assert cursor.fetchall() == [("/cart", 2, 190.0), ("/home", 1, 120.0)]
    cursor.execute("INSERT INTO page_stats SELECT '/about', 0, 0.0")
    assert cursor.rowcount == 1
    cursor.execute("CREATE OR REPLACE VIEW busy_pages AS SELECT page FROM page_stats WHERE hits > 0")
    cursor.execute("SELECT page FROM busy_pages ORDER BY page")
    assert cursor.fetchall() == [("/cart",), ("/home",)]
    cursor.execute("SHOW TABLES")
    assert sorted(row[0] for row in cursor.fetchall()) == ["busy_pages", "page_stats", "raw_clicks", "raw_customers"]
    cursor.execute("DESCRIBE page_stats")
    described = [row[0].split("\t")[0].strip() for row in cursor.fetchall() if row[0] and not row[0].startswith("#")]
    assert described[:3] == ["page", "hits", "avg_ms"]
    glue = client("glue")
    assert glue.get_table(DatabaseName=database, Name="busy_pages")["Table"]["TableType"] == "VIRTUAL_VIEW"
    cursor.execute("DROP VIEW busy_pages")
    cursor.execute("DROP TABLE page_stats")
    names = [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]]
    assert sorted(names) == ["raw_clicks", "raw_customers"]
