"""Helpers shared by the Athena scenarios (a module of its own: test files cannot import
one folder's conftest by name when several folders have one)."""
import time


def wait(athena, query_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        execution = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        if execution["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED") or time.monotonic() > deadline:
            return execution
        time.sleep(0.02)


def all_rows(athena, query_id):
    rows, token = [], None
    while True:
        args = {"QueryExecutionId": query_id, **({"NextToken": token} if token else {})}
        page = athena.get_query_results(**args)
        rows += [[cell.get("VarCharValue") for cell in row["Data"]] for row in page["ResultSet"]["Rows"]]
        token = page.get("NextToken")
        if not token:
            return rows, page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]


def wait_crawled(glue, name, timeout=60):
    """The crawler once its first crawl has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and "LastCrawl" in crawler:
            return crawler
        time.sleep(0.1)
    raise AssertionError(f"crawler {name} did not finish")


def pyiceberg_catalog(server):
    """pyiceberg's Glue catalog, pointed at the server under test (at AWS when it has no
    endpoint)."""
    from pyiceberg.catalog import load_catalog
    settings = {"type": "glue", "glue.region": "us-east-1"}
    if server.endpoint:
        settings.update({"glue.endpoint": server.endpoint, "glue.access-key-id": "test",
                         "glue.secret-access-key": "test", "s3.endpoint": server.endpoint,
                         "s3.access-key-id": "test", "s3.secret-access-key": "test", "s3.region": "us-east-1"})
    return load_catalog("lakebox", **settings)
