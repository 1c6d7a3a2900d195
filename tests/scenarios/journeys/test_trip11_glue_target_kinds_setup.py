"""A platform engineer scripts the crawlers of a new account: one over a DynamoDB table,
one over a JDBC store, one driven by S3 event notifications. Each first attempt misses
something the target kind needs, and Glue refuses it in its words: a DynamoDB scan rate
outside 0.1-1.5, a JDBC target without its connection, an event-mode crawler whose S3
target names no event queue. The corrected calls succeed, and GetCrawler shows the
settings as given (the scan rate, the queue, the recrawl behavior)."""
import uuid

import pytest

from trip_helpers import error_of

ROLE = "arn:aws:iam::000000000000:role/GlueCrawlerRole-trip11"


@pytest.fixture
def names(client):
    made = []
    yield lambda kind: made.append(f"{kind}-{uuid.uuid4().hex[:8]}") or made[-1]
    for name in made:
        try:
            client("glue").delete_crawler(Name=name)
        except client("glue").exceptions.EntityNotFoundException:
            pass


def test_each_target_kind_needs_its_settings(client, bucket, database, names):
    glue = client("glue")
    orders = names("ddb")
    assert error_of(glue.create_crawler, Name=orders, Role=ROLE, DatabaseName=database,
                    Targets={"DynamoDBTargets": [{"Path": "orders", "scanAll": True, "scanRate": 2.0}]}) == (
        "InvalidInputException", "Invalid scan rate value. Valid values are between 0.1 to 1.5")
    glue.create_crawler(Name=orders, Role=ROLE, DatabaseName=database,
                        Targets={"DynamoDBTargets": [{"Path": "orders", "scanAll": True, "scanRate": 0.5}]})
    assert glue.get_crawler(Name=orders)["Crawler"]["Targets"]["DynamoDBTargets"] == [
        {"Path": "orders", "scanAll": True, "scanRate": 0.5}]
    assert error_of(glue.update_crawler, Name=orders,
                    Targets={"DynamoDBTargets": [{"Path": "orders", "scanRate": 0.05}]}) == (
        "InvalidInputException", "Invalid scan rate value. Valid values are between 0.1 to 1.5")

    warehouse = names("jdbc")
    assert error_of(glue.create_crawler, Name=warehouse, Role=ROLE, DatabaseName=database,
                    Targets={"JdbcTargets": [{"Path": "sales/%"}]}) == (
        "InvalidInputException", "Connection name cannot be equal to null or empty.")
    assert error_of(glue.get_crawler, Name=warehouse)[0] == "EntityNotFoundException"

    events = names("events")
    queue = "arn:aws:sqs:us-east-1:000000000000:lake-events"
    assert error_of(glue.create_crawler, Name=events, Role=ROLE, DatabaseName=database,
                    Targets={"S3Targets": [{"Path": f"s3://{bucket}/events/"}]},
                    RecrawlPolicy={"RecrawlBehavior": "CRAWL_EVENT_MODE"}) == (
        "InvalidInputException", "Event queue ARN is required when event crawler is selected.")
    glue.create_crawler(Name=events, Role=ROLE, DatabaseName=database,
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/events/", "EventQueueArn": queue}]},
                        RecrawlPolicy={"RecrawlBehavior": "CRAWL_EVENT_MODE"})
    crawler = glue.get_crawler(Name=events)["Crawler"]
    assert crawler["RecrawlPolicy"] == {"RecrawlBehavior": "CRAWL_EVENT_MODE"}
    assert crawler["Targets"]["S3Targets"][0]["EventQueueArn"] == queue
    assert error_of(glue.update_crawler, Name=events,
                    Targets={"S3Targets": [{"Path": f"s3://{bucket}/events/"}]}) == (
        "InvalidInputException", "Event queue ARN is required when event crawler is selected.")
