"""pandas writes Parquet to S3 through s3fs, a scheduled-style crawler catalogs it, a new
column arrives in later files and the crawler updates the table, then awswrangler's
UNLOAD approach and pyathena's pandas cursor read it."""
import time
import uuid

import pandas as pd
import pytest

from trip_helpers import KEY, REGION, SECRET


def storage(lakebox_server):
    options = {"key": KEY, "secret": SECRET, "client_kwargs": {"region_name": REGION}}
    if lakebox_server.endpoint:
        options["client_kwargs"]["endpoint_url"] = lakebox_server.endpoint
    return options


def crawl(glue, name, runs):
    glue.start_crawler(Name=name)
    for _ in range(600):
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and len(glue.list_crawls(CrawlerName=name)["Crawls"]) >= runs:
            assert crawler["LastCrawl"]["Status"] == "SUCCEEDED", crawler["LastCrawl"]
            return
        time.sleep(0.2)
    raise AssertionError("crawler did not finish")


@pytest.fixture
def crawler(client, bucket, database):
    glue, name = client("glue"), f"metrics-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role="arn:aws:iam::123456789012:role/glue", DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/metrics/"}]})
    yield name
    glue.delete_crawler(Name=name)
    for table in glue.get_tables(DatabaseName=database)["TableList"]:
        glue.delete_table(DatabaseName=database, Name=table["Name"])


def test_pandas_files_crawled_and_evolved(lakebox_server, wr, session, client, bucket, database, crawler):
    glue, options = client("glue"), storage(lakebox_server)
    day1 = pd.DataFrame({"host": ["a", "b"], "cpu": [0.5, 0.75]})
    day1.to_parquet(f"s3://{bucket}/metrics/day=1/part.parquet", storage_options=options, index=False)
    crawl(glue, crawler, 1)
    table = glue.get_table(DatabaseName=database, Name="metrics")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("host", "string"), ("cpu", "double")]
    assert table["PartitionKeys"] == [{"Name": "day", "Type": "string"}]

    day2 = pd.DataFrame({"host": ["a"], "cpu": [0.25], "mem": [512]})
    day2.to_parquet(f"s3://{bucket}/metrics/day=2/part.parquet", storage_options=options, index=False)
    crawl(glue, crawler, 2)
    table = glue.get_table(DatabaseName=database, Name="metrics")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["host", "cpu", "mem"]
    back = pd.read_parquet(f"s3://{bucket}/metrics/day=2/part.parquet", storage_options=options)
    assert back.to_dict("records") == [{"host": "a", "cpu": 0.25, "mem": 512}]

    # each approach its own output: UNLOAD writes only to an empty location (awswrangler's
    # unload approach unloads into s3_output itself)
    for name, approach in (("plain", {"ctas_approach": False}),
                           ("unload", {"ctas_approach": False, "unload_approach": True})):
        frame = wr.athena.read_sql_query("SELECT day, host, cpu, mem FROM metrics ORDER BY day, host",
                                         database=database, s3_output=f"s3://{bucket}/{name}/",
                                         boto3_session=session, **approach)
        assert frame["host"].tolist() == ["a", "b", "a"]
        assert frame["cpu"].tolist() == [0.5, 0.75, 0.25]
        assert frame["mem"].isna().tolist() == [True, True, False] and frame["mem"].iloc[2] == 512

    from pyathena import connect
    from pyathena.pandas.cursor import PandasCursor
    cursor = connect(s3_staging_dir=f"s3://{bucket}/py/", region_name=REGION, schema_name=database,
                     aws_access_key_id=KEY, aws_secret_access_key=SECRET, endpoint_url=lakebox_server.endpoint,
                     cursor_class=PandasCursor).cursor()
    summary = cursor.execute("SELECT host, avg(cpu) AS cpu FROM metrics GROUP BY host ORDER BY host").as_pandas()
    assert summary.to_dict("records") == [{"host": "a", "cpu": 0.375}, {"host": "b", "cpu": 0.75}]
