"""A crawler driven from the aws cli, as in Glue's getting-started guides: create-crawler,
start-crawler (and a second start refused), get-crawler until READY, then get-tables,
get-partitions and get-crawler-metrics on what it wrote; get-crawler's Targets in full."""
import json
import time
import uuid

from aws_cli import run_cli


def glue(lakebox_server, *args):
    return run_cli(lakebox_server, "glue", *args)


def ok(done) -> dict:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_cli_crawl_then_read_the_catalog(lakebox_server, s3, bucket):
    for day in ("01", "02"):
        s3.put_object(Bucket=bucket, Key=f"sales/dt=2024-01-{day}/part.csv", Body=b"id,amount\n1,2.5\n2,3.0\n")
    name, database = f"cli-{uuid.uuid4().hex[:8]}", f"cli_{uuid.uuid4().hex[:8]}"
    ok(glue(lakebox_server, "create-crawler", "--name", name, "--role", "AWSGlueServiceRole-lake",
            "--database-name", database, "--targets", json.dumps({"S3Targets": [{"Path": f"s3://{bucket}/sales/"}]})))
    try:
        ok(glue(lakebox_server, "start-crawler", "--name", name))
        again = glue(lakebox_server, "start-crawler", "--name", name)
        if again.returncode:          # the first crawl may already have ended
            assert "An error occurred (CrawlerRunningException) when calling the StartCrawler operation: " \
                   f"Crawler with name {name} has already started" in again.stderr
        deadline = time.monotonic() + 60
        while ok(glue(lakebox_server, "get-crawler", "--name", name))["Crawler"]["State"] != "READY":
            assert time.monotonic() < deadline
            time.sleep(0.3)
        crawler = ok(glue(lakebox_server, "get-crawler", "--name", name))["Crawler"]
        assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
        tables = ok(glue(lakebox_server, "get-tables", "--database-name", database))["TableList"]
        assert [t["Name"] for t in tables] == ["sales"]
        assert [(c["Name"], c["Type"]) for c in tables[0]["StorageDescriptor"]["Columns"]] == [
            ("id", "bigint"), ("amount", "double")]
        assert tables[0]["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
        found = ok(glue(lakebox_server, "get-partitions", "--database-name", database, "--table-name", "sales",
                        "--expression", "dt > '2024-01-01'"))["Partitions"]
        assert [p["Values"] for p in found] == [["2024-01-02"]]
        metrics = ok(glue(lakebox_server, "get-crawler-metrics", "--crawler-name-list", name))["CrawlerMetricsList"]
        # the last crawl's table changes: a second crawl (if the second start found the first one
        # ended) finds the table made already
        assert (metrics[0]["CrawlerName"], metrics[0]["TablesCreated"]) == (name, 1 if again.returncode else 0)
        idle = glue(lakebox_server, "stop-crawler", "--name", name)
        assert idle.returncode != 0
        assert f"(CrawlerNotRunningException) when calling the StopCrawler operation: " \
               f"Crawler with name {name} is not running" in idle.stderr
    finally:
        ok(glue(lakebox_server, "delete-crawler", "--name", name))
        glue(lakebox_server, "delete-database", "--name", database)


def test_get_crawler_lists_every_kind_of_target(lakebox_server, bucket):
    # as recorded GetCrawler replies show: each target kind present (empty when unused)
    # and each S3 target with its Exclusions
    name = f"cli-{uuid.uuid4().hex[:8]}"
    ok(glue(lakebox_server, "create-crawler", "--name", name, "--role", "service-role/AWSGlueServiceRole-lake",
            "--database-name", "lake", "--targets", json.dumps({"S3Targets": [{"Path": f"s3://{bucket}/raw/"}]})))
    try:
        crawler = ok(glue(lakebox_server, "get-crawler", "--name", name))["Crawler"]
        assert crawler["Role"] == "service-role/AWSGlueServiceRole-lake"
        assert crawler["Targets"] == {
            "S3Targets": [{"Path": f"s3://{bucket}/raw/", "Exclusions": []}], "JdbcTargets": [], "MongoDBTargets": [],
            "DynamoDBTargets": [], "CatalogTargets": [], "DeltaTargets": [], "IcebergTargets": [], "HudiTargets": []}
    finally:
        ok(glue(lakebox_server, "delete-crawler", "--name", name))
