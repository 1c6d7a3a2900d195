"""A landing zone catalogued by a nightly crawler, as teams schedule it: JSON lines land
per day under `landing/orders/dt=.../`; the crawler (a table prefix, a 02:00 UTC cron
schedule, new folders only, schema changes only logged) is run once by hand, then the
lakebox clock moves through the night and the schedule crawls again, adding the new
day's partition without touching the table's schema although a late file carries an
extra field; Athena queries both days; the crawl history shows two completed runs."""
import json
import uuid

import pytest

from trip_helpers import athena_rows, wait_crawled, wait_for

pytestmark = pytest.mark.local_only          # the schedule is reached by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/glue-crawler"


def land(s3, bucket, day, name, orders):
    s3.put_object(Bucket=bucket, Key=f"landing/orders/dt={day}/{name}.json",
                  Body="".join(json.dumps(o) + "\n" for o in orders).encode())


@pytest.fixture
def crawler(client, database):
    glue = client("glue")
    name = f"nightly-{uuid.uuid4().hex[:8]}"
    yield name
    glue.delete_crawler(Name=name)


def test_nightly_schedule_adds_new_days_only(client, clock, bucket, database, crawler):
    s3, glue, athena = client("s3"), client("glue"), client("athena")
    land(s3, bucket, "2024-06-01", "part-0", [{"order_id": 1, "customer": "ana", "total": 12.5},
                                               {"order_id": 2, "customer": "ben", "total": 30.0}])
    glue.create_crawler(
        Name=crawler, Role=ROLE, DatabaseName=database, TablePrefix="raw_", Schedule="cron(0 2 * * ? *)",
        Targets={"S3Targets": [{"Path": f"s3://{bucket}/landing/orders/"}]},
        RecrawlPolicy={"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
        SchemaChangePolicy={"UpdateBehavior": "LOG", "DeleteBehavior": "LOG"})
    assert glue.get_crawler(Name=crawler)["Crawler"]["Schedule"] == {
        "ScheduleExpression": "cron(0 2 * * ? *)", "State": "SCHEDULED"}
    glue.start_crawler(Name=crawler)
    wait_crawled(glue, crawler)
    table = glue.get_table(DatabaseName=database, Name="raw_orders")["Table"]
    columns = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
    assert columns == {"order_id": "int", "customer": "string", "total": "double"}
    assert [k["Name"] for k in table["PartitionKeys"]] == ["dt"]

    land(s3, bucket, "2024-06-02", "part-0", [{"order_id": 3, "customer": "ana", "total": 7.25, "coupon": "JUNE"},
                                               {"order_id": 4, "customer": "cy", "total": 99.0, "coupon": None}])
    land(s3, bucket, "2024-06-01", "late", [{"order_id": 5, "customer": "ben", "total": 1.0, "coupon": "LATE"}])
    clock(86_400)                                        # through one 02:00 UTC

    def second_crawl_done():
        crawls = glue.list_crawls(CrawlerName=crawler)["Crawls"]
        ready = glue.get_crawler(Name=crawler)["Crawler"]["State"] == "READY"
        return crawls if ready and len(crawls) == 2 and all(c["State"] == "COMPLETED" for c in crawls) else None
    crawls = wait_for(second_crawl_done, timeout=120)
    assert len(crawls) == 2
    table = glue.get_table(DatabaseName=database, Name="raw_orders")["Table"]
    assert {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]} == columns
    partitions = glue.get_partitions(DatabaseName=database, TableName="raw_orders")["Partitions"]
    assert sorted(p["Values"] for p in partitions) == [["2024-06-01"], ["2024-06-02"]]
    metrics = glue.get_crawler_metrics(CrawlerNameList=[crawler])["CrawlerMetricsList"][0]
    assert (metrics["CrawlerName"], metrics["StillEstimating"]) == (crawler, False)

    output = f"s3://{bucket}/athena/"
    rows = athena_rows(athena, "SELECT dt, count(*), sum(total) FROM raw_orders GROUP BY dt ORDER BY dt",
                       database, output)
    assert rows == [["2024-06-01", "3", "43.5"], ["2024-06-02", "2", "106.25"]]
    rows = athena_rows(athena, "SELECT customer, sum(total) FROM raw_orders GROUP BY customer ORDER BY 2 DESC",
                       database, output)
    assert rows == [["cy", "99.0"], ["ben", "31.0"], ["ana", "19.75"]]
