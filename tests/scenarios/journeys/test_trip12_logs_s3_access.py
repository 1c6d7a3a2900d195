"""A storage admin audits a bucket's server access logs with Athena as the user guide's
"Query Amazon S3 server access logs" page says: the documented Regex SerDe table (the
expression whose trailing fields are optional, so older records without the access
point ARN and ACL fields still match), over log objects written as S3 writes them
(plain text, named <prefix>YYYY-mm-DD-HH-MM-SS-<unique>, or under the date-based
<account>/<region>/<bucket>/yyyy/MM/dd/ layout read with a projected `timestamp`
partition). Then the guide's queries: a key's deletions, a requester's requests, a time
window through parse_datetime(requestdatetime, 'dd/MMM/yyyy:HH:mm:ss Z') and the bytes
an IP sent and fetched in a month."""
import pytest

from log_tables import timestamp_projection
from trip_helpers import athena_rows

OWNER = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
HOST_ID = "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234="
USER = "arn:aws:iam::123456789012:user/user_name"
COLUMNS = """  `bucketowner` STRING,
  `bucket_name` STRING,
  `requestdatetime` STRING,
  `remoteip` STRING,
  `requester` STRING,
  `requestid` STRING,
  `operation` STRING,
  `key` STRING,
  `request_uri` STRING,
  `httpstatus` STRING,
  `errorcode` STRING,
  `bytessent` BIGINT,
  `objectsize` BIGINT,
  `totaltime` STRING,
  `turnaroundtime` STRING,
  `referrer` STRING,
  `useragent` STRING,
  `versionid` STRING,
  `hostid` STRING,
  `sigv` STRING,
  `ciphersuite` STRING,
  `authtype` STRING,
  `endpoint` STRING,
  `tlsversion` STRING,
  `accesspointarn` STRING,
  `aclrequired` STRING)"""
SERDE = r"""ROW FORMAT SERDE
  'org.apache.hadoop.hive.serde2.RegexSerDe'
WITH SERDEPROPERTIES (
  'input.regex'='([^ ]*) ([^ ]*) \\[(.*?)\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\"[^\"]*\"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$')
STORED AS INPUTFORMAT
  'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT
  'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'"""
DDL = f"""CREATE EXTERNAL TABLE s3_access_logs_db.mybucket_logs(
{COLUMNS}
{SERDE}
LOCATION
  's3://{{bucket}}/logs/'"""
PROJECTED_DDL = f"""CREATE EXTERNAL TABLE s3_access_logs_db.mybucket_logs_by_day(
{COLUMNS}
PARTITIONED BY (
   `timestamp` string)
{SERDE}
LOCATION
   's3://{{bucket}}/dated/123456789012/us-east-1/amzn-s3-demo-bucket1/'
{timestamp_projection(f's3://{{bucket}}/dated/123456789012/us-east-1/amzn-s3-demo-bucket1/${{timestamp}}')}"""


def record(when, ip, requester, request_id, operation, key, uri, status, error, sent, size, total, agent,
           version="-", tail=True):
    line = (f'{OWNER} amzn-s3-demo-bucket1 [{when}] {ip} {requester} {request_id} {operation} {key} {uri} {status} '
            f'{error} {sent} {size} {total} {"-" if total == "-" else "3"} "-" {agent} {version} {HOST_ID} SigV4 '
            f'ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-east-1.amazonaws.com TLSv1.2')
    return line + " - Yes" if tail else line


LOGS = {
    "2024-06-01-10-15-42-7C3B1F2E9A0D4E11": [
        record("01/Jun/2024:10:02:11 +0000", "192.0.2.3", USER, "3E57427F3EXAMPLE", "REST.GET.OBJECT",
               "images/picture.jpg", '"GET /amzn-s3-demo-bucket1/images/picture.jpg HTTP/1.1"', "200", "-", "2662992",
               "3462992", "70", '"Mozilla/5.0 (X11; Linux x86_64)"'),
        record("01/Jun/2024:10:05:00 +0000", "192.0.2.3", USER, "891CE47D2EXAMPLE", "REST.DELETE.OBJECT",
               "images/picture.jpg", '"DELETE /amzn-s3-demo-bucket1/images/picture.jpg HTTP/1.1"', "204", "-", "-",
               "-", "12", '"aws-cli/2.15.0 Python/3.11.6"', version="3HL4kqtJvjVBH40Nrjfkd"),
        # An older record without the access point ARN and ACL fields: the optional group of the
    # eight trailing fields does not match, so all eight read as NULL (the line still matches).
        record("01/Jun/2024:10:09:59 +0000", "198.51.100.20", "-", "A1206F460EXAMPLE", "REST.GET.OBJECT",
               "docs/guide.pdf", '"GET /amzn-s3-demo-bucket1/docs/guide.pdf HTTP/1.1"', "403", "AccessDenied", "243",
               "-", "2", '"curl/8.4.0"', tail=False),
    ],
    "2024-06-01-11-00-05-1D2E3F4A5B6C7D8E": [
        record("01/Jun/2024:10:59:30 +0000", "192.0.2.3", USER, "7B4A0FABBEXAMPLE", "REST.PUT.OBJECT",
               "images/new.jpg", '"PUT /amzn-s3-demo-bucket1/images/new.jpg HTTP/1.1"', "200", "-", "-",
               "1048576", "310", '"aws-cli/2.15.0 Python/3.11.6"'),
        record("02/Jul/2024:08:00:00 +0000", "192.0.2.3", USER, "0C1D2E3F4AEXAMPLE", "REST.GET.OBJECT",
               "images/new.jpg", '"GET /amzn-s3-demo-bucket1/images/new.jpg HTTP/1.1"', "200", "-", "1048576",
               "1048576", "45", '"aws-cli/2.15.0 Python/3.11.6"'),
    ],
}


@pytest.fixture
def access_logs(client, bucket):
    s3, athena = client("s3"), client("athena")
    for name, lines in LOGS.items():
        body = ("\n".join(lines) + "\n").encode()
        s3.put_object(Bucket=bucket, Key=f"logs/{name}", Body=body)
        day = "/".join(name.split("-")[:3])
        s3.put_object(Bucket=bucket, Key=f"dated/123456789012/us-east-1/amzn-s3-demo-bucket1/{day}/{name}", Body=body)
    run = lambda sql: athena_rows(athena, sql, "default", f"s3://{bucket}/athena-results/")  # noqa: E731
    assert run("CREATE DATABASE s3_access_logs_db") == []
    yield run
    run("DROP DATABASE s3_access_logs_db CASCADE")


def test_the_guides_queries(access_logs, bucket):
    assert access_logs(DDL.replace("{bucket}", bucket)) == []
    # Who deleted an object.
    assert access_logs("""SELECT requestdatetime, remoteip, requester, versionid
FROM s3_access_logs_db.mybucket_logs
WHERE key = 'images/picture.jpg' AND operation like '%DELETE%'""") == [
        ["01/Jun/2024:10:05:00 +0000", "192.0.2.3", USER, "3HL4kqtJvjVBH40Nrjfkd"]]
    # The requests an IAM user made.
    assert access_logs(f"""SELECT operation, httpstatus
FROM s3_access_logs_db.mybucket_logs
WHERE requester='{USER}' ORDER BY requestid""") == [
        ["REST.GET.OBJECT", "200"], ["REST.GET.OBJECT", "200"], ["REST.PUT.OBJECT", "200"],
        ["REST.DELETE.OBJECT", "204"]]
    # The requests of a time window, parsing the bracketed times and their offset.
    assert access_logs("""SELECT requestid, parse_datetime(requestdatetime,'dd/MMM/yyyy:HH:mm:ss Z')
FROM s3_access_logs_db.mybucket_logs
WHERE parse_datetime(requestdatetime,'dd/MMM/yyyy:HH:mm:ss Z')
BETWEEN parse_datetime('2024-06-01:10:00:00','yyyy-MM-dd:HH:mm:ss')
AND parse_datetime('2024-06-01:10:10:00','yyyy-MM-dd:HH:mm:ss') ORDER BY 2""") == [
        ["3E57427F3EXAMPLE", "2024-06-01 10:02:11.000 UTC"], ["891CE47D2EXAMPLE", "2024-06-01 10:05:00.000 UTC"],
        ["A1206F460EXAMPLE", "2024-06-01 10:09:59.000 UTC"]]
    # The bytes an IP address sent and fetched in June.
    assert access_logs("""SELECT SUM(bytessent) AS uploadTotal,
      SUM(objectsize) AS downloadTotal,
      SUM(bytessent + objectsize) AS Total
FROM s3_access_logs_db.mybucket_logs
WHERE remoteIP='192.0.2.3'
AND parse_datetime(requestdatetime,'dd/MMM/yyyy:HH:mm:ss Z')
BETWEEN parse_datetime('2024-06-01','yyyy-MM-dd')
AND parse_datetime('2024-07-01','yyyy-MM-dd')""") == [["2662992", "4511568", "6125984"]]


def test_fields_as_the_expression_cuts_them(access_logs, bucket):
    assert access_logs(DDL.replace("{bucket}", bucket)) == []
    assert access_logs("SELECT request_uri, errorcode, bytessent, objectsize, totaltime, turnaroundtime, referrer, "
                       "useragent, sigv, tlsversion, accesspointarn, aclrequired FROM s3_access_logs_db.mybucket_logs "
                       "WHERE httpstatus = '403'") == [
        ['"GET /amzn-s3-demo-bucket1/docs/guide.pdf HTTP/1.1"', "AccessDenied", "243", None, "2", "3", '"-"',
         '"curl/8.4.0"', None, None, None, None]]
    assert access_logs("SELECT aclrequired, count(*) FROM s3_access_logs_db.mybucket_logs GROUP BY aclrequired "
                       "ORDER BY aclrequired NULLS LAST") == [["Yes", "4"], [None, "1"]]


def test_dated_layout_with_a_projected_timestamp(access_logs, bucket):
    assert access_logs(PROJECTED_DDL.replace("{bucket}", bucket)) == []
    assert access_logs("SELECT \"timestamp\", count(*), sum(objectsize) FROM s3_access_logs_db.mybucket_logs_by_day "
                       "WHERE \"timestamp\" BETWEEN '2024/05/31' AND '2024/06/02' GROUP BY 1") == [
        ["2024/06/01", "5", "5560144"]]


def test_offsets_read_by_joda_z(access_logs, client, bucket):
    assert access_logs("SELECT parse_datetime('01/Jun/2024:10:02:11 -0000', 'dd/MMM/yyyy:HH:mm:ss Z'), "
                       "parse_datetime('01/Jun/2024:10:02:11 +00:00', 'dd/MMM/yyyy:HH:mm:ss Z') = "
                       "from_iso8601_timestamp('2024-06-01T10:02:11Z')") == [["2024-06-01 10:02:11.000 UTC", "true"]]


def test_an_offset_other_than_utc_is_kept_as_the_zone(access_logs):
    # Trino's parse_datetime keeps a parsed offset as the value's zone (Joda's withOffsetParsed)
    assert access_logs("SELECT parse_datetime('01/Jun/2024:10:02:11 +0200', 'dd/MMM/yyyy:HH:mm:ss Z')") == [
        ["2024-06-01 10:02:11.000 +02:00"]]
