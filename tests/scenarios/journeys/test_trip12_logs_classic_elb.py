"""An operator still running a Classic Load Balancer reads its access logs with Athena as
the user guide's "Query Classic Load Balancer logs" page says: the documented Regex SerDe
table, whose expression the guide writes with the DDL string's escapes doubled (`\\\\\\"`
for a quote, `[:\\-]`), over the log files the load balancer writes every five or sixty
minutes under AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/MM/dd/ (plain text),
and the guide's two queries: backends that answered 4XX or 5XX, and processing time per
backend; a request no backend took (backend "-") reads with an empty backend_ip."""
import pytest

from trip_helpers import athena_rows

ACCOUNT = "123456789012"
DDL = r"""CREATE EXTERNAL TABLE IF NOT EXISTS elb_logs (
 request_timestamp string,
 elb_name string,
 request_ip string,
 request_port int,
 backend_ip string,
 backend_port int,
 request_processing_time double,
 backend_processing_time double,
 client_response_time double,
 elb_response_code string,
 backend_response_code string,
 received_bytes bigint,
 sent_bytes bigint,
 request_verb string,
 url string,
 protocol string,
 user_agent string,
 ssl_cipher string,
 ssl_protocol string
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
WITH SERDEPROPERTIES (
 'serialization.format' = '1',
 'input.regex' = '([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:\-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) \\\"([^ ]*) ([^ ]*) (- |[^ ]*)\\\" (\"[^\"]*\") ([A-Z0-9-]+) ([A-Za-z0-9.-]*)$' )
LOCATION 's3://{bucket}/prefix/AWSLogs/123456789012/elasticloadbalancing/'"""

LINES = {
    "us-east-1/2024/06/01/123456789012_elasticloadbalancing_us-east-1_my-loadbalancer_20240601T0005Z_172.160.001.192_"
    "20sg8hgm.log": [
        '2024-06-01T00:01:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 '
        '200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -',
        '2024-06-01T00:02:01.100000Z my-loadbalancer 192.168.131.40:2818 10.0.0.2:80 0.000086 0.250000 0.000049 '
        '502 502 0 0 "GET http://www.example.com:80/report HTTP/1.1" "Mozilla/5.0 (X11; Linux)" - -',
        '2024-06-01T00:03:30.000000Z my-loadbalancer 192.168.131.41:443 10.0.0.1:443 0.000100 0.002000 0.000090 '
        '404 404 0 57 "GET https://www.example.com:443/missing HTTP/1.1" "curl/7.38.0" '
        'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2',
    ],
    "us-east-1/2024/06/01/123456789012_elasticloadbalancing_us-east-1_my-loadbalancer_20240601T0010Z_172.160.001.192_"
    "7n2bwq0a.log": [
        # No backend took the request: backend "-", times -1, no backend status.
        '2024-06-01T00:06:00.000000Z my-loadbalancer 192.168.131.42:3000 - -1 -1 -1 503 0 0 0 '
        '"GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -',
        '2024-06-01T00:07:12.500000Z my-loadbalancer 192.168.131.39:2900 10.0.0.2:80 0.000070 0.750000 0.000050 '
        '200 200 12 2048 "POST http://www.example.com:80/upload HTTP/1.1" "curl/7.38.0" - -',
    ],
}


@pytest.fixture
def elb(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    for key, lines in LINES.items():
        s3.put_object(Bucket=bucket, Key=f"prefix/AWSLogs/{ACCOUNT}/elasticloadbalancing/{key}",
                      Body=("\n".join(lines) + "\n").encode())
    run = lambda sql: athena_rows(athena, sql, database, f"s3://{bucket}/athena-results/")  # noqa: E731
    assert run(DDL.replace("{bucket}", bucket)) == []
    return run


def test_the_guides_queries(elb):
    assert sorted(elb("""SELECT
 request_timestamp,
 elb_name,
 backend_ip,
 backend_response_code
FROM elb_logs
WHERE backend_response_code LIKE '4%' OR
      backend_response_code LIKE '5%'
LIMIT 100""")) == [["2024-06-01T00:02:01.100000Z", "my-loadbalancer", "10.0.0.2", "502"],
                   ["2024-06-01T00:03:30.000000Z", "my-loadbalancer", "10.0.0.1", "404"]]
    assert sorted(elb("""SELECT sum(backend_processing_time) AS
 total_ms,
 elb_name,
 backend_ip
FROM elb_logs WHERE backend_ip <> ''
GROUP BY backend_ip, elb_name
LIMIT 100""")) == [["0.0030480000000000004", "my-loadbalancer", "10.0.0.1"], ["1.0", "my-loadbalancer", "10.0.0.2"]]


def test_fields_as_the_expression_cuts_them(elb):
    assert elb("SELECT request_port, backend_ip, backend_port, request_processing_time, elb_response_code, "
               "backend_response_code, request_verb, url, protocol, user_agent, ssl_cipher, ssl_protocol "
               "FROM elb_logs ORDER BY request_timestamp") == [
        ["2817", "10.0.0.1", "80", "7.3E-5", "200", "200", "GET", "http://www.example.com:80/", "HTTP/1.1",
         '"curl/7.38.0"', "-", "-"],
        ["2818", "10.0.0.2", "80", "8.6E-5", "502", "502", "GET", "http://www.example.com:80/report", "HTTP/1.1",
         '"Mozilla/5.0 (X11; Linux)"', "-", "-"],
        ["443", "10.0.0.1", "443", "1.0E-4", "404", "404", "GET", "https://www.example.com:443/missing", "HTTP/1.1",
         '"curl/7.38.0"', "ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2"],
        ["3000", "", None, "-1.0", "503", "0", "GET", "http://www.example.com:80/", "HTTP/1.1", '"curl/7.38.0"',
         "-", "-"],
        ["2900", "10.0.0.2", "80", "7.0E-5", "200", "200", "POST", "http://www.example.com:80/upload", "HTTP/1.1",
         '"curl/7.38.0"', "-", "-"]]
