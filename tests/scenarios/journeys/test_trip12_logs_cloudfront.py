"""A web team reads its CloudFront logs with Athena as the user guide says. Standard
(legacy) logs: one gzip file per distribution, hour and edge host, tab-separated fields
under two header lines (#Version, #Fields), the documented table (LazySimpleSerDe with
FIELDS TERMINATED BY '\\t', `date` DATE, `time_taken` FLOAT, 'skip.header.line.count'='2')
and the guide's queries: bytes served between two dates, SELECT DISTINCT * to drop the
duplicate lines CloudFront may deliver, URL-encoded user agents decoded. Real-time logs
delivered through Kinesis Data Firehose (plain tab-separated lines, no header, Firehose's
yyyy/MM/dd/HH/ prefixes) read with the guide's real-time table, where seconds with a
decimal part under BIGINT columns read as their whole seconds."""
import gzip

import pytest

from trip_helpers import athena_rows

STANDARD_DDL = r"""CREATE EXTERNAL TABLE IF NOT EXISTS cloudfront_standard_logs (
  `date` DATE,
  time STRING,
  x_edge_location STRING,
  sc_bytes BIGINT,
  c_ip STRING,
  cs_method STRING,
  cs_host STRING,
  cs_uri_stem STRING,
  sc_status INT,
  cs_referrer STRING,
  cs_user_agent STRING,
  cs_uri_query STRING,
  cs_cookie STRING,
  x_edge_result_type STRING,
  x_edge_request_id STRING,
  x_host_header STRING,
  cs_protocol STRING,
  cs_bytes BIGINT,
  time_taken FLOAT,
  x_forwarded_for STRING,
  ssl_protocol STRING,
  ssl_cipher STRING,
  x_edge_response_result_type STRING,
  cs_protocol_version STRING,
  fle_status STRING,
  fle_encrypted_fields INT,
  c_port INT,
  time_to_first_byte FLOAT,
  x_edge_detailed_result_type STRING,
  sc_content_type STRING,
  sc_content_len BIGINT,
  sc_range_start BIGINT,
  sc_range_end BIGINT
)
ROW FORMAT DELIMITED
FIELDS TERMINATED BY '\t'
LOCATION 's3://{bucket}/cloudfront/'
TBLPROPERTIES ( 'skip.header.line.count'='2' )"""

HEADER = ("#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
          "cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header "
          "cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type "
          "cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type "
          "sc-content-type sc-content-len sc-range-start sc-range-end\n")
CHROME = ("Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)"
          "%20Chrome/78.0.3904.108%20Safari/537.36")
DIST = "d111111abcdef8.cloudfront.net"


def line(date, time, pop, size, ip, method, uri, status, agent, query, result, request_id, proto, ttaken, port,
         ttfb, ctype, length, ranges=("-", "-")):
    tls = ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256") if proto == "https" else ("-", "-")
    return "\t".join([date, time, pop, size, ip, method, DIST, uri, status, "-", agent, query, "-", result,
                      request_id, DIST, proto, "23", ttaken, "-", *tls, result, "HTTP/2.0", "-", "-", port, ttfb,
                      result, ctype, length, *ranges])


FIRST = line("2024-06-01", "21:02:31", "LAX1", "392", "192.0.2.100", "GET", "/index.html", "200", CHROME, "-",
             "Hit", "SOKRZ8pbcAw0Q5s_mNdYE3PFoi0Y0ctWP6jhyLQUmwjfvUjl7LR-ag==", "https", "0.001", "11040", "0.001",
             "text/html", "78")
FILES = {
    "E2K2LNL5N3WR51.2024-06-01-21.d8c3f2a1.gz": [
        FIRST,
        line("2024-06-01", "21:02:31", "LAX1", "193", "192.0.2.200", "GET", "/favicon.ico", "502", "curl/7.68.0",
             "-", "Error", "k6WGMNkEzR5BEM_SaF47gjtX9zBDO2m349OY2an0QPEaUum1ZOLrow==", "http", "0.001", "64260",
             "0.001", "text/html", "9"),
        line("2024-06-01", "21:20:02", "SEA19-C1", "2390", "192.0.2.200", "GET", "/video.mp4", "206", CHROME,
             "quality=hd&t=30", "Miss", "f37nTMVvnKvV2ZSvEsivup_c2kZ7VXzYdjC-GUQZ5qNs-89BlWazbw==", "https", "0.107",
             "3468", "0.105", "video/mp4", "2048", ("0", "2047")),
    ],
    # The next hour's file repeats the first line (CloudFront may deliver an entry twice).
    "E2K2LNL5N3WR51.2024-06-01-22.a1b2c3d4.gz": [
        FIRST,
        line("2024-06-02", "00:00:09", "FRA56-P2", "5000", "198.51.100.7", "POST", "/api/order", "201",
             "Mozilla/5.0%20(iPhone)", "id=9", "Miss", "Pat2xMsVwEn0zsCx0pwP7cEhjv2vUkx0X7ZIK3KUlBMNo3vHP2OaKg==",
             "https", "0.250", "51034", "0.249", "application/json", "120"),
    ],
    "E2K2LNL5N3WR51.2024-06-12-08.0f0e0d0c.gz": [
        line("2024-06-12", "08:15:00", "LAX1", "777", "192.0.2.100", "GET", "/index.html", "304", CHROME, "-",
             "RefreshHit", "wq-iC7ljf3E_q3a7Ax2SC8hhsbmf5twT9-3M7mSgBBCBUdKmMdB2zA==", "https", "0.002", "11041",
             "0.002", "-", "-"),
    ],
}

REALTIME_DDL = r"""CREATE EXTERNAL TABLE IF NOT EXISTS cloudfront_real_time_logs (
`timestamp` STRING,
c_ip STRING,
time_to_first_byte BIGINT,
sc_status BIGINT,
sc_bytes BIGINT,
cs_method STRING,
cs_protocol STRING,
cs_host STRING,
cs_uri_stem STRING,
cs_bytes BIGINT,
x_edge_location STRING,
x_edge_request_id STRING,
x_host_header STRING,
time_taken BIGINT,
cs_protocol_version STRING,
c_ip_version STRING,
cs_user_agent STRING,
cs_referer STRING,
cs_cookie STRING,
cs_uri_query STRING,
x_edge_response_result_type STRING,
x_forwarded_for STRING,
ssl_protocol STRING,
ssl_cipher STRING,
x_edge_result_type STRING,
fle_encrypted_fields STRING,
fle_status STRING,
sc_content_type STRING,
sc_content_len BIGINT,
sc_range_start STRING,
sc_range_end STRING,
c_port BIGINT,
x_edge_detailed_result_type STRING,
c_country STRING,
cs_accept_encoding STRING,
cs_accept STRING,
cache_behavior_path_pattern STRING,
cs_headers STRING,
cs_header_names STRING,
cs_headers_count BIGINT,
primary_distribution_id STRING,
primary_distribution_dns_name STRING,
origin_fbl STRING,
origin_lbl STRING,
asn STRING
)
ROW FORMAT DELIMITED
FIELDS TERMINATED BY '\t'
LOCATION 's3://{bucket}/realtime/'"""


def realtime(stamp, ip, ttfb, status, size, uri, ttaken, country, count, asn):
    return "\t".join([stamp, ip, ttfb, status, size, "GET", "https", DIST, uri, "41", "IAD89-P1",
                      "x3Y1xBAgLq0Oc3iW3ET5GMn0qKxPPJdWq0E8D3sZ6JG5R1wEw8d0Ww==", DIST, ttaken, "HTTP/2.0", "IPv4",
                      "curl/8.4.0", "-", "-", "-", "Hit", "-", "TLSv1.3", "TLS_AES_128_GCM_SHA256", "Hit", "-", "-",
                      "text/html", "78", "-", "-", "50632", "Hit", country, "gzip", "*/*", "*",
                      "host:d111111abcdef8.cloudfront.net%0Auser-agent:curl/8.4.0%0A", "host%0Auser-agent%0A", count,
                      "E2K2LNL5N3WR51", DIST, "-", "-", asn])


REALTIME = {
    "2024/06/01/21/cf-realtime-1-2024-06-01-21-00-00-6f3e.log": [
        realtime("1717275600.123", "192.0.2.100", "0.002", "200", "392", "/index.html", "0.003", "US", "2", "16509"),
        realtime("1717275601.456", "203.0.113.9", "1.620", "404", "1024", "/missing", "1.750", "DE", "2", "3320"),
    ],
    "2024/06/01/22/cf-realtime-1-2024-06-01-22-00-00-7a1b.log": [
        realtime("1717279200.000", "192.0.2.100", "0.001", "200", "392", "/index.html", "0.001", "US", "2", "16509"),
    ],
}


@pytest.fixture
def cloudfront(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    for name, lines in FILES.items():
        s3.put_object(Bucket=bucket, Key=f"cloudfront/{name}", Body=gzip.compress((HEADER + "\n".join(lines) + "\n").encode()))
    for key, lines in REALTIME.items():
        s3.put_object(Bucket=bucket, Key=f"realtime/{key}", Body=("\n".join(lines) + "\n").encode())
    run = lambda sql: athena_rows(athena, sql, database, f"s3://{bucket}/athena-results/")  # noqa: E731
    assert run(STANDARD_DDL.replace("{bucket}", bucket)) == []
    assert run(REALTIME_DDL.replace("{bucket}", bucket)) == []
    return run


def test_standard_logs_the_guides_queries(cloudfront):
    # Two header lines skipped in every file: only log entries are rows.
    assert cloudfront("SELECT count(*), count(DISTINCT x_edge_request_id) FROM cloudfront_standard_logs") == [["6", "5"]]
    assert cloudfront("""SELECT SUM(sc_bytes) AS total_bytes
FROM cloudfront_standard_logs
WHERE "date" BETWEEN DATE '2024-06-01' AND DATE '2024-06-02'
LIMIT 100""") == [["8367"]]
    assert len(cloudfront("SELECT DISTINCT * FROM cloudfront_standard_logs LIMIT 10")) == 5


def test_standard_log_fields_typed(cloudfront):
    assert cloudfront("SELECT * FROM cloudfront_standard_logs WHERE cs_uri_stem = '/video.mp4'") == [[
        "2024-06-01", "21:20:02", "SEA19-C1", "2390", "192.0.2.200", "GET", DIST, "/video.mp4", "206", "-", CHROME,
        "quality=hd&t=30", "-", "Miss", "f37nTMVvnKvV2ZSvEsivup_c2kZ7VXzYdjC-GUQZ5qNs-89BlWazbw==", DIST, "https",
        "23", "0.107", "-", "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "Miss", "HTTP/2.0", "-", None, "3468", "0.105",
        "Miss", "video/mp4", "2048", "0", "2047"]]
    # "-" under BIGINT and INT columns reads as NULL; a content type of "-" stays text.
    assert cloudfront("SELECT \"date\", sc_status, sc_content_type, sc_content_len, sc_range_start, "
                      "typeof(time_taken), time_taken * 1000 FROM cloudfront_standard_logs "
                      "WHERE \"date\" > DATE '2024-06-10'") == [
        ["2024-06-12", "304", "-", None, None, "real", "2.0"]]
    assert cloudfront("SELECT DISTINCT url_decode(cs_user_agent) FROM cloudfront_standard_logs "
                      "WHERE c_ip = '192.0.2.100'") == [
        ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 "
         "Safari/537.36"]]
    assert cloudfront("SELECT x_edge_location, count(*) AS requests, sum(sc_bytes) FROM cloudfront_standard_logs "
                      "WHERE sc_status >= 400 OR x_edge_result_type = 'Miss' GROUP BY x_edge_location "
                      "ORDER BY requests DESC, x_edge_location") == [
        ["FRA56-P2", "1", "5000"], ["LAX1", "1", "193"], ["SEA19-C1", "1", "2390"]]


def test_real_time_logs(cloudfront):
    # time_to_first_byte and time_taken are BIGINT in the guide's table: Hive's text reader
    # drops the seconds' decimal part ("1.750" is 1, not 2).
    assert cloudfront("SELECT \"timestamp\", c_ip, time_to_first_byte, time_taken, sc_status, c_country, "
                      "cs_headers_count, asn FROM cloudfront_real_time_logs ORDER BY \"timestamp\"") == [
        ["1717275600.123", "192.0.2.100", "0", "0", "200", "US", "2", "16509"],
        ["1717275601.456", "203.0.113.9", "1", "1", "404", "DE", "2", "3320"],
        ["1717279200.000", "192.0.2.100", "0", "0", "200", "US", "2", "16509"]]
    assert cloudfront("SELECT c_country, count(*), sum(sc_bytes), "
                      "from_unixtime(min(CAST(\"timestamp\" AS double))) FROM cloudfront_real_time_logs "
                      "GROUP BY c_country ORDER BY c_country") == [
        ["DE", "1", "1024", "2024-06-01 21:00:01.456 UTC"], ["US", "2", "784", "2024-06-01 21:00:00.123 UTC"]]
    assert cloudfront("SELECT url_decode(cs_headers) FROM cloudfront_real_time_logs WHERE sc_status = 404") == [
        ["host:d111111abcdef8.cloudfront.net\nuser-agent:curl/8.4.0\n"]]
