"""Crawler and classifier API through boto3: settings round trip, the state machine and
its errors, schedules, stopping a crawl, custom classifiers used by a crawl."""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def wait_ready(glue, name, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        crawler = glue.get_crawler(Name=name)["Crawler"]
        if crawler["State"] == "READY" and "LastCrawl" in crawler:
            return crawler
        time.sleep(0.1)
    raise AssertionError(f"crawler {name} did not finish")


@pytest.fixture
def crawler_name(glue):
    name = f"crawler-{uuid.uuid4().hex[:8]}"
    yield name
    try:
        wait_ready(glue, name) if glue.get_crawler(Name=name)["Crawler"]["State"] != "READY" else None
        glue.delete_crawler(Name=name)
    except glue.exceptions.EntityNotFoundException:
        pass


def test_crawler_settings_round_trip(glue, crawler_name, bucket):
    glue.create_crawler(Name=crawler_name, Role="arn:aws:iam::000000000000:role/glue", DatabaseName="lake",
                        Description="nightly", TablePrefix="raw_", Schedule="cron(0 2 * * ? *)",
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/data/", "Exclusions": ["**.tmp"]}]},
                        Configuration='{"Version":1.0,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}',
                        Tags={"team": "data"})
    crawler = glue.get_crawler(Name=crawler_name)["Crawler"]
    assert crawler["State"] == "READY"
    assert crawler["Role"] == "glue"       # answered by name (controls_native.json)
    assert crawler["DatabaseName"] == "lake"
    assert crawler["TablePrefix"] == "raw_"
    assert crawler["Schedule"] == {"ScheduleExpression": "cron(0 2 * * ? *)", "State": "SCHEDULED"}
    assert crawler["Targets"]["S3Targets"] == [{"Path": f"s3://{bucket}/data/", "Exclusions": ["**.tmp"]}]
    assert crawler["SchemaChangePolicy"] == {"UpdateBehavior": "UPDATE_IN_DATABASE",
                                             "DeleteBehavior": "DEPRECATE_IN_DATABASE"}
    assert crawler["RecrawlPolicy"] == {"RecrawlBehavior": "CRAWL_EVERYTHING"}
    assert crawler["Version"] == 1
    assert "LastCrawl" not in crawler

    glue.update_crawler(Name=crawler_name, Description="hourly", Schedule="cron(0 * * * ? *)")
    crawler = glue.get_crawler(Name=crawler_name)["Crawler"]
    assert (crawler["Description"], crawler["Version"]) == ("hourly", 2)
    assert crawler["Schedule"]["ScheduleExpression"] == "cron(0 * * * ? *)"

    glue.stop_crawler_schedule(CrawlerName=crawler_name)
    assert glue.get_crawler(Name=crawler_name)["Crawler"]["Schedule"]["State"] == "NOT_SCHEDULED"
    assert error_of(glue.stop_crawler_schedule, CrawlerName=crawler_name)[0] == "SchedulerNotRunningException"
    glue.start_crawler_schedule(CrawlerName=crawler_name)
    assert error_of(glue.start_crawler_schedule, CrawlerName=crawler_name)[0] == "SchedulerRunningException"

    assert crawler_name in glue.list_crawlers()["CrawlerNames"]
    assert glue.list_crawlers(Tags={"team": "data"})["CrawlerNames"] == [crawler_name]
    found = glue.batch_get_crawlers(CrawlerNames=[crawler_name, "nope"])
    assert [c["Name"] for c in found["Crawlers"]] == [crawler_name]
    assert found["CrawlersNotFound"] == ["nope"]
    arn = f"arn:aws:glue:us-east-1:000000000000:crawler/{crawler_name}"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}


def test_crawler_errors(glue, crawler_name, bucket):
    assert error_of(glue.get_crawler, Name="nope") == ("EntityNotFoundException",
                                                       "Crawler entry with name nope does not exist")
    assert error_of(glue.start_crawler, Name="nope") == ("EntityNotFoundException",
                                                         "Crawler with name nope does not exist")
    targets = {"S3Targets": [{"Path": f"s3://{bucket}/"}]}
    glue.create_crawler(Name=crawler_name, Role="r", DatabaseName="lake", Targets=targets)
    assert error_of(glue.create_crawler, Name=crawler_name, Role="r", DatabaseName="lake", Targets=targets)[0] == \
        "AlreadyExistsException"
    assert error_of(glue.stop_crawler, Name=crawler_name) == ("CrawlerNotRunningException",
                                                              f"Crawler with name {crawler_name} is not running")
    for bad in ("cron(* * * * ? *)", "cron(0/2 * * * ? *)", "rate(5 minutes)", "cron(0 2 * * * *)"):
        assert error_of(glue.update_crawler, Name=crawler_name, Schedule=bad)[0] == "InvalidInputException", bad
    for configuration in ("{not json", "[]"):
        assert error_of(glue.update_crawler, Name=crawler_name,
                        Configuration=configuration)[0] == "InvalidInputException"
    assert error_of(glue.start_crawler_schedule, CrawlerName=crawler_name)[0] == "NoScheduleException"


def test_crawl_of_a_missing_bucket_still_succeeds_and_logs(glue, s3, crawler_name):
    # CreateCrawler refuses a target whose bucket does not exist, quoting S3's 404
    # (radkawar/stackd testdata/aws/glue/controls_complete.json create-crawler)
    code, message = error_of(glue.create_crawler, Name=crawler_name, Role="r", DatabaseName="lake",
                             Targets={"S3Targets": [{"Path": "s3://no-such-bucket-for-glue/x/"}]})
    assert code == "InvalidInputException"
    assert message.startswith("Unable to validate s3 target s3://no-such-bucket-for-glue/x/ because: Not Found "
                              "(Service: Amazon S3; Status Code: 404; Error Code: 404 Not Found; Request ID: ")
    # a bucket gone after the crawler was made is crawled as empty
    gone = f"gone-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=gone)
    glue.create_crawler(Name=crawler_name, Role="r", DatabaseName=f"db_{uuid.uuid4().hex[:6]}",
                        Targets={"S3Targets": [{"Path": f"s3://{gone}/x/"}]})
    s3.delete_bucket(Bucket=gone)
    glue.start_crawler(Name=crawler_name)
    assert wait_ready(glue, crawler_name)["LastCrawl"]["Status"] == "SUCCEEDED"


def refusal_of(call, **kwargs):
    """The (code, message) `call` is refused with, or None when it succeeds."""
    try:
        call(**kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["Error"]["Message"]
    return None


def start_check_and_stop(glue, name, create):
    """Start a crawl, check what a crawler refuses while it runs, stop it: True. A loaded
    machine can stall this client until the crawl has ended on its own; then a call that
    needs a running crawler succeeds instead, and this checks that every crawl so far
    COMPLETED, puts the crawler back as it was and returns False (try again)."""
    glue.start_crawler(Name=name)
    running = {
        "StartCrawler": (glue.start_crawler, {"Name": name},
                         ("CrawlerRunningException", f"Crawler with name {name} has already started")),
        "UpdateCrawler": (glue.update_crawler, {"Name": name, "Description": "x"},
                          ("InvalidInputException", "Cannot update Crawler while running. "
                                                    "Please stop crawl or wait until it completes to update.")),
        "DeleteCrawler": (glue.delete_crawler, {"Name": name},
                          ("CrawlerRunningException", f"Crawler with name {name} is running and cannot be deleted.")),
    }
    state = glue.get_crawler(Name=name)["Crawler"]["State"]
    ended_first = state == "READY"
    assert state in ("RUNNING", "READY")
    for operation, (call, kwargs, refusal) in running.items():
        if ended_first:
            break
        got = refusal_of(call, **kwargs)
        ended_first = got is None
        assert got in (refusal, None), operation
    if not ended_first:
        got = refusal_of(glue.stop_crawler, Name=name)
        ended_first = got is not None
        assert got in (None, ("CrawlerNotRunningException", f"Crawler with name {name} is not running"))
    if not ended_first:
        return True
    if name not in glue.list_crawlers()["CrawlerNames"]:     # the DeleteCrawler went through
        create()
        return False
    assert wait_ready(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
    assert {crawl["State"] for crawl in glue.list_crawls(CrawlerName=name)["Crawls"]} == {"COMPLETED"}
    return False


def test_start_twice_and_stop(glue, s3, bucket, crawler_name):
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: s3.put_object(Bucket=bucket, Key=f"big/p={i % 50}/f{i}.csv",
                                              Body=f"a,b\n{i},x{i}\n"), range(1500)))

    def create():
        glue.create_crawler(Name=crawler_name, Role="r", DatabaseName=f"db_{uuid.uuid4().hex[:6]}",
                            Targets={"S3Targets": [{"Path": f"s3://{bucket}/big/"}]})

    create()
    assert any(start_check_and_stop(glue, crawler_name, create) for _ in range(5)), \
        "every crawl ended before StopCrawler reached it"
    state = glue.get_crawler(Name=crawler_name)["Crawler"]["State"]
    assert state in ("STOPPING", "READY")
    crawler = wait_ready(glue, crawler_name)
    assert crawler["LastCrawl"]["Status"] == "CANCELLED"
    states = sorted(crawl["State"] for crawl in glue.list_crawls(CrawlerName=crawler_name)["Crawls"])
    assert states == ["COMPLETED"] * (len(states) - 1) + ["STOPPED"]     # earlier tries, if any, completed


def test_custom_classifiers_come_first(glue, s3, bucket, crawler_name):
    glue.create_classifier(GrokClassifier={"Name": f"{crawler_name}-app", "Classification": "applog",
                                           "GrokPattern": "%{TIMESTAMP_ISO8601:at} %{LOGLEVEL:level} %{MSG:msg}",
                                           "CustomPatterns": "MSG .*"})
    glue.create_classifier(CsvClassifier={"Name": f"{crawler_name}-psv", "Delimiter": "|",
                                          "ContainsHeader": "ABSENT", "QuoteSymbol": "'"})
    got = glue.get_classifier(Name=f"{crawler_name}-app")["Classifier"]["GrokClassifier"]
    assert got["Classification"] == "applog" and got["Version"] == 1
    assert error_of(glue.create_classifier, GrokClassifier={"Name": "bad", "Classification": "x",
                                                            "GrokPattern": "%{NOPE:x}"})[0] == "InvalidInputException"
    s3.put_object(Bucket=bucket, Key="app/log.txt",
                  Body="2024-01-01T10:00:00Z INFO started\n2024-01-01T10:00:01Z WARN slow\n")
    s3.put_object(Bucket=bucket, Key="pipes/data.txt", Body="name|city\nann|paris\n")
    database = f"db_{uuid.uuid4().hex[:6]}"
    glue.create_crawler(Name=crawler_name, Role="r", DatabaseName=database,
                        Classifiers=[f"{crawler_name}-app", f"{crawler_name}-psv"],
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/app/"}, {"Path": f"s3://{bucket}/pipes/"}]})
    glue.start_crawler(Name=crawler_name)
    wait_ready(glue, crawler_name)
    app = glue.get_table(DatabaseName=database, Name="app")["Table"]
    assert app["Parameters"]["classification"] == "applog"
    assert [(c["Name"], c["Type"]) for c in app["StorageDescriptor"]["Columns"]] == [
        ("at", "string"), ("level", "string"), ("msg", "string")]
    assert app["StorageDescriptor"]["SerdeInfo"]["Parameters"]["input.format"] == \
        "%{TIMESTAMP_ISO8601:at} %{LOGLEVEL:level} %{MSG:msg}"
    pipes = glue.get_table(DatabaseName=database, Name="pipes")["Table"]
    assert [(c["Name"], c["Type"]) for c in pipes["StorageDescriptor"]["Columns"]] == [
        ("col0", "string"), ("col1", "string")]
    assert pipes["Parameters"]["delimiter"] == "|"
    assert "skip.header.line.count" not in pipes["Parameters"]
    for name in (f"{crawler_name}-app", f"{crawler_name}-psv"):
        glue.delete_classifier(Name=name)
    assert error_of(glue.get_classifier, Name=f"{crawler_name}-app")[0] == "EntityNotFoundException"


@pytest.mark.local_only
def test_a_schedule_starts_the_crawler(lakebox_server, glue, s3, bucket, crawler_name):
    s3.put_object(Bucket=bucket, Key="daily/a.json", Body='{"a": 1}\n')
    database = f"db_{uuid.uuid4().hex[:6]}"
    glue.create_crawler(Name=crawler_name, Role="r", DatabaseName=database, Schedule="cron(0 12 * * ? *)",
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/daily/"}]})
    assert "LastCrawl" not in glue.get_crawler(Name=crawler_name)["Crawler"]
    lakebox_server.advance_clock(86_400)
    try:
        crawler = wait_ready(glue, crawler_name)
    finally:
        lakebox_server.advance_clock(-86_400)
    assert crawler["LastCrawl"]["Status"] == "SUCCEEDED"
    assert glue.get_table(DatabaseName=database, Name="daily")["Table"]["Parameters"]["classification"] == "json"


def test_list_crawls_filters(glue, crawler_name, bucket):
    glue.create_crawler(Name=crawler_name, Role="r", DatabaseName=f"db_{uuid.uuid4().hex[:6]}",
                        Targets={"S3Targets": [{"Path": f"s3://{bucket}/"}]})
    glue.start_crawler(Name=crawler_name)
    wait_ready(glue, crawler_name)
    crawls = lambda *filters: glue.list_crawls(CrawlerName=crawler_name, Filters=list(filters))["Crawls"]
    assert len(crawls({"FieldName": "STATE", "FilterOperator": "EQ", "FieldValue": "COMPLETED"})) == 1
    assert crawls({"FieldName": "STATE", "FilterOperator": "EQ", "FieldValue": "FAILED"}) == []
    assert len(crawls({"FieldName": "START_TIME", "FilterOperator": "GT", "FieldValue": "2000-01-01T00:00:00Z"})) == 1
    assert crawls({"FieldName": "START_TIME", "FilterOperator": "LT", "FieldValue": "946684800"}) == []
    assert error_of(glue.list_crawls, CrawlerName=crawler_name, Filters=[
        {"FieldName": "START_TIME", "FilterOperator": "GT", "FieldValue": "yesterday"}])[0] == "InvalidInputException"
