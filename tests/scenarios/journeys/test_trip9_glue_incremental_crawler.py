"""A data engineer catalogs a clickstream of daily folders (JSON lines, with `_SUCCESS`
markers and `.tmp` leftovers the exclusions skip). The first crawl reads everything with
a LOG/LOG schema-change policy; the engineer then turns the same crawler into an
incremental one with UpdateCrawler(RecrawlPolicy CRAWL_NEW_FOLDERS_ONLY) alone (the LOG
policies it has are kept and allowed). Nightly recrawls add the new day's partition and
leave the table and the days already crawled alone, even a day whose folder was emptied.
An attempt to turn on UPDATE_IN_DATABASE while new-folders-only is refused in Glue's
words; switching both back in one call (CRAWL_EVERYTHING, UPDATE_IN_DATABASE,
DELETE_FROM_DATABASE) makes the next crawl add the new column and drop the emptied day;
the crawler's metrics count that last crawl's table changes (one table updated)."""
import json
import uuid

import pytest

from trip_helpers import error_of, wait_crawled

ROLE = "arn:aws:iam::000000000000:role/GlueCrawlerRole-trip9"
LOG_ONLY = {"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"}
REFUSED = ("InvalidInputException", 'The SchemaChangePolicy for "Crawl new folders only" Amazon S3 target can '
                                    "have only LOG DeleteBehavior value and LOG UpdateBehavior value.")


def lines(*records):
    return "".join(json.dumps(r) + "\n" for r in records).encode()


@pytest.fixture
def crawler(client, bucket, database):
    glue, s3 = client("glue"), client("s3")
    for day in ("2024-07-01", "2024-07-02"):
        s3.put_object(Bucket=bucket, Key=f"clicks/dt={day}/part-0.json",
                      Body=lines({"user": "u1", "page": "/home"}, {"user": "u2", "page": "/cart"}))
        s3.put_object(Bucket=bucket, Key=f"clicks/dt={day}/_SUCCESS", Body=b"")
    s3.put_object(Bucket=bucket, Key="clicks/dt=2024-07-02/part-1.json.tmp", Body=b"{half a rec")
    name = f"clicks-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database, SchemaChangePolicy=LOG_ONLY,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/clicks/",
                                                "Exclusions": ["**/_SUCCESS", "**.tmp"]}]})
    yield name
    glue.delete_crawler(Name=name)


def crawl(glue, name):
    glue.start_crawler(Name=name)
    wait_crawled(glue, name)


def days(glue, database):
    return sorted(p["Values"][0] for p in glue.get_partitions(DatabaseName=database, TableName="clicks")["Partitions"])


def columns(glue, database):
    table = glue.get_table(DatabaseName=database, Name="clicks")["Table"]
    return [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]


def test_crawler_turned_incremental_then_back(client, bucket, database, crawler):
    glue, s3 = client("glue"), client("s3")
    crawl(glue, crawler)
    assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["clicks"]
    assert columns(glue, database) == [("user", "string"), ("page", "string")]
    assert days(glue, database) == ["2024-07-01", "2024-07-02"]

    glue.update_crawler(Name=crawler, RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"})
    settings = glue.get_crawler(Name=crawler)["Crawler"]
    assert (settings["RecrawlPolicy"], settings["SchemaChangePolicy"]) == (
        {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"}, LOG_ONLY)
    assert error_of(glue.update_crawler, Name=crawler,
                    SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"}) == REFUSED
    assert glue.get_crawler(Name=crawler)["Crawler"]["SchemaChangePolicy"] == LOG_ONLY

    s3.put_object(Bucket=bucket, Key="clicks/dt=2024-07-03/part-0.json",
                  Body=lines({"user": "u3", "page": "/home", "referrer": "ad"}))
    s3.delete_object(Bucket=bucket, Key="clicks/dt=2024-07-01/part-0.json")
    crawl(glue, crawler)
    assert days(glue, database) == ["2024-07-01", "2024-07-02", "2024-07-03"]
    assert columns(glue, database) == [("user", "string"), ("page", "string")]

    glue.update_crawler(Name=crawler, RecrawlPolicy={"RecrawlBehavior": "CRAWL_EVERYTHING"},
                        SchemaChangePolicy={"UpdateBehavior": "UPDATE_IN_DATABASE",
                                            "DeleteBehavior": "DELETE_FROM_DATABASE"})
    crawl(glue, crawler)
    assert days(glue, database) == ["2024-07-02", "2024-07-03"]
    assert columns(glue, database) == [("user", "string"), ("page", "string"), ("referrer", "string")]
    crawls = glue.list_crawls(CrawlerName=crawler)["Crawls"]
    assert [c["State"] for c in crawls] == ["COMPLETED"] * 3
    metrics = glue.get_crawler_metrics(CrawlerNameList=[crawler])["CrawlerMetricsList"][0]
    assert (metrics["TablesCreated"], metrics["TablesUpdated"], metrics["TablesDeleted"]) == (0, 1, 0)
