"""An operator reads load balancer access logs with Athena, as AWS's documentation shows:
gzipped log files delivered per day, a table with the Regex SerDe (the regular
expression written with the DDL's escapes), partitions added with ALTER TABLE ... ADD
PARTITION ... LOCATION, and the usual questions: errors by status code, the slowest
paths, the busiest clients. A line that does not match the expression (a header line)
reads as a row of NULLs. Application logs catalogued by a crawler with a custom grok
classifier are queried the same way."""
import gzip
import uuid

import pytest

from trip_helpers import athena_rows, wait_for

LINES = {
    "2024/06/01": [
        'http 2024-06-01T10:00:01.000000Z app/web/50dc6c 192.168.1.10:2817 10.0.0.1:80 0.000 0.051 0.000 200 200 '
        '34 366 "GET http://shop.example:80/cart HTTP/1.1" "curl/8.0"',
        'http 2024-06-01T10:00:02.000000Z app/web/50dc6c 192.168.1.11:2818 10.0.0.1:80 0.001 1.250 0.000 502 - '
        '40 0 "POST http://shop.example:80/pay HTTP/1.1" "Mozilla/5.0 (X11)"',
        "#Version: 1.0 (a line no request matches)",
    ],
    "2024/06/02": [
        'http 2024-06-02T09:30:00.000000Z app/web/50dc6c 192.168.1.10:3001 10.0.0.2:80 0.000 0.300 0.000 200 200 '
        '30 1024 "GET http://shop.example:80/cart HTTP/1.1" "curl/8.0"',
        'http 2024-06-02T09:31:00.000000Z app/web/50dc6c 192.168.1.10:3002 10.0.0.2:80 0.000 2.000 0.001 504 - '
        '31 0 "GET http://shop.example:80/search?q=figs HTTP/1.1" "curl/8.0"',
    ],
}
# The regular expression as the DDL spells it: `\\` and `\"` are the SQL string's escapes.
REGEX = (r'([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) '
         r'(|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) \\\"([^ ]*) (.*) (- |[^ ]*)\\\" \\\"([^\\\"]*)\\\"')
DDL = f"""CREATE EXTERNAL TABLE alb_logs (type string, time string, elb string, client_ip string, client_port int,
    target_ip string, target_port int, request_processing_time double, target_processing_time double,
    response_processing_time double, elb_status_code int, target_status_code string, received_bytes bigint,
    sent_bytes bigint, request_verb string, request_url string, request_proto string, user_agent string)
  PARTITIONED BY (day string)
  ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
  WITH SERDEPROPERTIES ('serialization.format' = '1', 'input.regex' = '{REGEX}')
  LOCATION 's3://{{bucket}}/AWSLogs/123456789012/elasticloadbalancing/us-east-1/'"""


def run(athena, sql, database, bucket) -> list:
    return athena_rows(athena, sql, database, f"s3://{bucket}/athena/")


@pytest.fixture
def alb_logs(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    base = "AWSLogs/123456789012/elasticloadbalancing/us-east-1"
    for day, lines in LINES.items():
        s3.put_object(Bucket=bucket, Key=f"{base}/{day}/123456789012_elb_{day.replace('/', '')}.log.gz",
                      Body=gzip.compress(("\n".join(lines) + "\n").encode()))
    run(athena, DDL.format(bucket=bucket), database, bucket)
    for day in LINES:
        run(athena, f"ALTER TABLE alb_logs ADD PARTITION (day = '{day.replace('/', '-')}') "
                    f"LOCATION 's3://{bucket}/{base}/{day}/'", database, bucket)
    return athena


def test_regex_serde_table_stored_as_written(client, database, alb_logs):
    table = client("glue").get_table(DatabaseName=database, Name="alb_logs")["Table"]
    serde = table["StorageDescriptor"]["SerdeInfo"]
    assert serde["SerializationLibrary"] == "org.apache.hadoop.hive.serde2.RegexSerDe"
    assert serde["Parameters"]["input.regex"].endswith(r'(- |[^ ]*)\" \"([^\"]*)\"')


def test_questions_about_the_logs(bucket, database, alb_logs):
    athena = alb_logs
    assert run(athena, "SELECT count(*), count(elb_status_code) FROM alb_logs", database, bucket) == [["5", "4"]]
    assert run(athena, "SELECT day, elb_status_code, count(*) FROM alb_logs WHERE elb_status_code >= 500 "
                       "GROUP BY day, elb_status_code ORDER BY day", database, bucket) == [
        ["2024-06-01", "502", "1"], ["2024-06-02", "504", "1"]]
    assert run(athena, "SELECT url_extract_path(request_url) AS path, max(target_processing_time) AS slowest "
                       "FROM alb_logs WHERE request_url IS NOT NULL GROUP BY 1 ORDER BY slowest DESC LIMIT 2",
               database, bucket) == [["/search", "2.0"], ["/pay", "1.25"]]
    assert run(athena, "SELECT client_ip, count(*) AS requests, sum(sent_bytes) AS sent FROM alb_logs "
                       "WHERE client_ip IS NOT NULL GROUP BY client_ip ORDER BY requests DESC", database, bucket) == [
        ["192.168.1.10", "3", "1390"], ["192.168.1.11", "1", "0"]]
    assert run(athena, "SELECT user_agent, target_status_code FROM alb_logs WHERE request_verb = 'POST'",
               database, bucket) == [["Mozilla/5.0 (X11)", "-"]]


@pytest.fixture
def app_logs(client, bucket, database):
    """Application logs catalogued by a crawler with a custom grok classifier."""
    glue, s3, name = client("glue"), client("s3"), f"applog-{uuid.uuid4().hex[:8]}"
    glue.create_classifier(GrokClassifier={
        "Name": name, "Classification": "applog",
        "GrokPattern": "%{TIMESTAMP_ISO8601:at} %{LOGLEVEL:level} \\[%{WORKER:worker}\\] %{GREEDYDATA:message}",
        "CustomPatterns": "WORKER worker-[0-9]+"})
    s3.put_object(Bucket=bucket, Key="app/2024-06-01.log", Body=(
        "2024-06-01T10:00:00Z INFO [worker-1] job 7 started\n"
        "2024-06-01T10:00:05Z ERROR [worker-2] job 8 failed: timeout\n"
        "2024-06-01T10:01:00Z INFO [worker-1] job 7 done\n").encode())
    s3.put_object(Bucket=bucket, Key="app/2024-06-02.log", Body=(
        "2024-06-02T09:00:00Z WARN [worker-3] disk 91% full\n"
        "2024-06-02T09:00:01Z ERROR [worker-2] job 9 failed: oom\n").encode())
    glue.create_crawler(Name=name, Role="arn:aws:iam::000000000000:role/glue", DatabaseName=database,
                        Classifiers=[name], Targets={"S3Targets": [{"Path": f"s3://{bucket}/app/"}]})
    glue.start_crawler(Name=name)
    wait_for(lambda: glue.get_crawler(Name=name)["Crawler"]["State"] == "READY"
             and "LastCrawl" in glue.get_crawler(Name=name)["Crawler"])
    yield client("athena")
    glue.delete_crawler(Name=name)
    glue.delete_classifier(Name=name)


def test_grok_table_made_by_a_crawler(client, bucket, database, app_logs):
    table = client("glue").get_table(DatabaseName=database, Name="app")["Table"]
    assert table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"] == "com.amazonaws.glue.serde.GrokSerDe"
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["at", "level", "worker", "message"]
    assert run(app_logs, "SELECT worker, count(*) FROM app WHERE level = 'ERROR' GROUP BY worker", database,
               bucket) == [["worker-2", "2"]]
    assert run(app_logs, "SELECT at, message FROM app WHERE worker = 'worker-3'", database, bucket) == [
        ["2024-06-02T09:00:00Z", "disk 91% full"]]
