"""An operator queries Application Load Balancer access logs as the Athena user guide's
"Create the table for ALB access logs in Athena using partition projection" page says:
the documented CREATE TABLE taken verbatim (every current field up to classification,
classification_reason and conn_trace_id, the long Regex SerDe expression with its `\\"`
and `\\\\s` escapes), the `day` partition projected from `yyyy/MM/dd` folders from 2022 to
NOW, and the log files written where and as the load balancer writes them (gzip, one
file per five minutes and node, under AWSLogs/<account>/elasticloadbalancing/<region>/
yyyy/MM/dd/). Then the guide's example queries: GET requests by client, Safari URLs, the
datetime window with parse_datetime, and a day's slice through the projected partition.
Connection logs, delivered under their own prefix, read with the guide's connection log
table and joined to the access logs by their connection trace ID."""
import pytest

from log_tables import put_daily_gzip
from trip_helpers import athena_rows

ACCOUNT, REGION = "123456789012", "us-east-1"
BASE = f"AWSLogs/{ACCOUNT}/elasticloadbalancing/{REGION}"
TG = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/my-targets/73e2d6bc24d8a067"
CERT = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/12345678-1234-1234-1234-123456789012"
SAFARI = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.4 Safari/605.1.15")


def entry(kind, time, client, target, times, codes, sizes, request, agent, tls, trace, domain, rule, created,
          actions, redirect="-", error="-", targets=None, statuses=None, classification="-", reason="-",
          tid="TID_1234abcd5678ef90"):
    cipher, protocol = tls
    return (f'{kind} {time} app/my-loadbalancer/50dc6c495c0c9188 {client} {target} {times} {codes} {sizes} '
            f'"{request}" "{agent}" {cipher} {protocol} {TG} "{trace}" "{domain}" '
            f'"{CERT if kind == "https" else "-"}" {rule} {created} "{actions}" "{redirect}" "{error}" '
            f'"{targets or target}" "{statuses or codes.split()[1]}" "{classification}" "{reason}" {tid}')


NO_TLS, TLS = ("-", "-"), ("ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2")
FILES = {
    "2024/06/01": [
        entry("http", "2024-06-01T12:05:10.186641Z", "192.168.131.39:2817", "10.0.0.1:80", "0.000 0.001 0.000",
              "200 200", "34 366", "GET http://www.example.com:80/ HTTP/1.1", "curl/7.46.0", NO_TLS,
              "Root=1-58337262-36d228ad5d99923122bbe354", "-", "0", "2024-06-01T12:05:10.186000Z", "forward"),
        entry("https", "2024-06-01T12:30:00.086000Z", "192.168.131.40:5512", "10.0.0.2:443", "0.086 0.048 0.037",
              "200 200", "0 57", "GET https://www.example.com:443/cart?item=42 HTTP/1.1", SAFARI, TLS,
              "Root=1-58337281-1d84f3d73c47ec4e58577259", "www.example.com", "1", "2024-06-01T12:29:59.900000Z",
              "authenticate,forward"),
        entry("h2", "2024-06-01T23:59:59.999999Z", "10.0.1.252:48160", "10.0.0.66:9000", "0.000 0.002 0.000",
              "204 204", "5 257", "POST https://10.0.2.105:773/api/v1/events HTTP/2.0", "curl/7.46.0", TLS,
              "Root=1-58337327-72bd00b0343d75b906739c42", "-", "2", "2024-06-01T23:59:59.990000Z", "forward",
              classification="Acceptable", reason="AmbiguousUri"),
    ],
    "2024/06/02": [
        entry("https", "2024-06-02T08:00:00.100000Z", "192.168.131.39:2900", "-", "0.000 -1 -1",
              "460 -", "120 0", "GET https://www.example.com:443/slow HTTP/1.1", SAFARI, TLS,
              "Root=1-58337364-23a8c76965a2ef7629b185e3", "www.example.com", "0", "2024-06-02T08:00:00.100000Z",
              "forward", targets="-", statuses="-"),
        entry("http", "2024-06-02T08:01:00.000000Z", "192.168.131.41:3001", "-", "0.000 0.000 0.000",
              "301 -", "40 180", "GET http://www.example.com:80/old HTTP/1.1", "curl/7.46.0", NO_TLS,
              "Root=1-58337364-23a8c76965a2ef7629b185e4", "-", "3", "2024-06-02T08:01:00.000000Z", "redirect",
              redirect="https://www.example.com:443/new", targets="-", statuses="-"),
    ],
}

# The statement exactly as the guide prints it (its `\"` and `\\s` are the DDL string's escapes).
DDL = r"""CREATE EXTERNAL TABLE IF NOT EXISTS alb_access_logs (
            type string,
            time string,
            elb string,
            client_ip string,
            client_port int,
            target_ip string,
            target_port int,
            request_processing_time double,
            target_processing_time double,
            response_processing_time double,
            elb_status_code int,
            target_status_code string,
            received_bytes bigint,
            sent_bytes bigint,
            request_verb string,
            request_url string,
            request_proto string,
            user_agent string,
            ssl_cipher string,
            ssl_protocol string,
            target_group_arn string,
            trace_id string,
            domain_name string,
            chosen_cert_arn string,
            matched_rule_priority string,
            request_creation_time string,
            actions_executed string,
            redirect_url string,
            lambda_error_reason string,
            target_port_list string,
            target_status_code_list string,
            classification string,
            classification_reason string,
            conn_trace_id string
            )
            PARTITIONED BY
            (
             day STRING
            )
            ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
            WITH SERDEPROPERTIES (
            'serialization.format' = '1',
            'input.regex' =
        '([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) (-|[-0-9]*) ([-0-9]*) ([-0-9]*) \"([^ ]*) (.*) (- |[^ ]*)\" \"([^\"]*)\" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) ([^ ]*) \"([^\"]*)\" \"([^\"]*)\" \"([^\"]*)\" ([-.0-9]*) ([^ ]*) \"([^\"]*)\" \"([^\"]*)\" \"([^ ]*)\" \"([^\s]+?)\" \"([^\s]+)\" \"([^ ]*)\" \"([^ ]*)\" ?([^ ]*)? ?( .*)?'
            )
            LOCATION 's3://{bucket}/AWSLogs/123456789012/elasticloadbalancing/us-east-1/'
            TBLPROPERTIES
            (
             "projection.enabled" = "true",
             "projection.day.type" = "date",
             "projection.day.range" = "2022/01/01,NOW",
             "projection.day.format" = "yyyy/MM/dd",
             "projection.day.interval" = "1",
             "projection.day.interval.unit" = "DAYS",
             "storage.location.template" = "s3://{bucket}/AWSLogs/123456789012/elasticloadbalancing/us-east-1/${day}"
            )"""


@pytest.fixture
def alb(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    put_daily_gzip(s3, bucket, FILES, f"{BASE}/{{day}}/{ACCOUNT}_elasticloadbalancing_{REGION}_"
                                      "app.my-loadbalancer.50dc6c495c0c9188_{stamp}T1205Z_192.0.2.1_5kxw2b1v.log.gz")
    s3.put_object(Bucket=bucket, Key=f"{BASE}/ELBAccessLogTestFile", Body=b"Enable AccessLog for ELB: my-lb at 2024-06-01")
    run = lambda sql: athena_rows(athena, sql, database, f"s3://{bucket}/athena-results/")  # noqa: E731
    assert run(DDL.replace("{bucket}", bucket)) == []
    return run


def test_every_field_of_a_current_entry(alb):
    assert alb("SELECT type, client_ip, client_port, target_ip, target_port, request_processing_time, "
               "target_processing_time, elb_status_code, target_status_code, received_bytes, request_verb, "
               "request_url, request_proto, ssl_cipher, ssl_protocol, trace_id, domain_name, matched_rule_priority, "
               "actions_executed, redirect_url, lambda_error_reason, target_port_list, target_status_code_list, "
               "classification, classification_reason, conn_trace_id, day "
               "FROM alb_access_logs ORDER BY time") == [
        ["http", "192.168.131.39", "2817", "10.0.0.1", "80", "0.0", "0.001", "200", "200", "34", "GET",
         "http://www.example.com:80/", "HTTP/1.1", "-", "-", "Root=1-58337262-36d228ad5d99923122bbe354", "-", "0",
         "forward", "-", "-", "10.0.0.1:80", "200", "-", "-", "TID_1234abcd5678ef90", "2024/06/01"],
        ["https", "192.168.131.40", "5512", "10.0.0.2", "443", "0.086", "0.048", "200", "200", "0", "GET",
         "https://www.example.com:443/cart?item=42", "HTTP/1.1", "ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2",
         "Root=1-58337281-1d84f3d73c47ec4e58577259", "www.example.com", "1", "authenticate,forward", "-", "-",
         "10.0.0.2:443", "200", "-", "-", "TID_1234abcd5678ef90", "2024/06/01"],
        ["h2", "10.0.1.252", "48160", "10.0.0.66", "9000", "0.0", "0.002", "204", "204", "5", "POST",
         "https://10.0.2.105:773/api/v1/events", "HTTP/2.0", "ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2",
         "Root=1-58337327-72bd00b0343d75b906739c42", "-", "2", "forward", "-", "-", "10.0.0.66:9000", "204",
         "Acceptable", "AmbiguousUri", "TID_1234abcd5678ef90", "2024/06/01"],
        # No target answered: target "-" leaves target_ip empty and target_port NULL (an empty group), -1 times.
        ["https", "192.168.131.39", "2900", "", None, "0.0", "-1.0", "460", "-", "120", "GET",
         "https://www.example.com:443/slow", "HTTP/1.1", "ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2",
         "Root=1-58337364-23a8c76965a2ef7629b185e3", "www.example.com", "0", "forward", "-", "-", "-", "-",
         "-", "-", "TID_1234abcd5678ef90", "2024/06/02"],
        ["http", "192.168.131.41", "3001", "", None, "0.0", "0.0", "301", "-", "40", "GET",
         "http://www.example.com:80/old", "HTTP/1.1", "-", "-", "Root=1-58337364-23a8c76965a2ef7629b185e4", "-",
         "3", "redirect", "https://www.example.com:443/new", "-", "-", "-", "-", "-", "TID_1234abcd5678ef90",
         "2024/06/02"],
    ]


def test_the_guides_example_queries(alb):
    # GET requests received, grouped by client IP address.
    assert sorted(alb("""SELECT COUNT(request_verb) AS
 count,
 request_verb,
 client_ip
FROM alb_access_logs
GROUP BY request_verb, client_ip
LIMIT 100""")) == [["1", "GET", "192.168.131.40"], ["1", "GET", "192.168.131.41"],
                   ["1", "POST", "10.0.1.252"], ["2", "GET", "192.168.131.39"]]
    # The URLs Safari users visited.
    assert sorted(alb("""SELECT request_url
FROM alb_access_logs
WHERE user_agent LIKE '%Safari%'
LIMIT 10""")) == [["https://www.example.com:443/cart?item=42"], ["https://www.example.com:443/slow"]]
    # A time window through parse_datetime over the text timestamps.
    assert sorted(alb("""SELECT client_ip, sum(received_bytes)
FROM alb_access_logs
WHERE parse_datetime(time,'yyyy-MM-dd''T''HH:mm:ss.SSSSSS''Z')
     BETWEEN parse_datetime('2024-06-01-12:00:00','yyyy-MM-dd-HH:mm:ss')
     AND parse_datetime('2024-06-02-00:00:00','yyyy-MM-dd-HH:mm:ss')
GROUP BY client_ip""")) == [["10.0.1.252", "5"], ["192.168.131.39", "34"], ["192.168.131.40", "0"]]


def test_a_day_read_through_its_projected_partition(alb):
    assert alb("SELECT count(*), sum(sent_bytes), max(elb_status_code) FROM alb_access_logs "
               "WHERE day = '2024/06/02'") == [["2", "180", "460"]]
    assert alb("SELECT day, count(*) FROM alb_access_logs WHERE day BETWEEN '2024/05/30' AND '2024/06/05' "
               "GROUP BY day ORDER BY day") == [["2024/06/01", "3"], ["2024/06/02", "2"]]
    assert alb("SELECT count(*) FROM alb_access_logs WHERE day = '2023/01/01'") == [["0"]]


# The guide's table for ALB connection logs, which the load balancer delivers under its own prefix.
CONNECTION_DDL = r"""CREATE EXTERNAL TABLE IF NOT EXISTS alb_connection_logs (
         time string,
         client_ip string,
         client_port int,
         listener_port int,
         tls_protocol string,
         tls_cipher string,
         tls_handshake_latency double,
         leaf_client_cert_subject string,
         leaf_client_cert_validity string,
         leaf_client_cert_serial_number string,
         tls_verify_status string,
         conn_trace_id string
         )
         ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
         WITH SERDEPROPERTIES (
         'serialization.format' = '1',
         'input.regex' =
         '([^ ]*) ([^ ]*) ([0-9]*) ([0-9]*) ([A-Za-z0-9.-]*) ([^ ]*) ([-.0-9]*) \"([^\"]*)\" ([^ ]*) ([^ ]*) ([^ ]*) ?([^ ]*)?( .*)?'
         )
         LOCATION 's3://{bucket}/connection-logs/'"""
CONNECTIONS = {
    "2024/06/01": [
        '2024-06-01T12:30:00.001000Z 192.168.131.40 5512 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 0.034 '
        '"CN=client-1,OU=Devices,O=Example Corp,C=US" NotBefore=2024-01-01T00:00:00Z;NotAfter=2025-01-01T00:00:00Z '
        'FEF257D5F0E1F3B2 Success TID_1234abcd5678ef90',
        '2024-06-01T12:31:00.500000Z 198.51.100.3 40404 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 0.002 '
        '"CN=expired,O=Example Corp" NotBefore=2022-01-01T00:00:00Z;NotAfter=2023-01-01T00:00:00Z 0A1B2C3D '
        'Failed:CertificateExpired TID_99990000aaaabbbb',
        # Written before connection trace IDs: the optional last group matches nothing.
        '2024-06-01T12:32:00.000000Z 10.0.1.252 48160 443 TLSv1.3 TLS_AES_128_GCM_SHA256 0.011 "-" - - Success',
    ],
}


def test_connection_logs_beside_access_logs(alb, client, bucket):
    put_daily_gzip(client("s3"), bucket, CONNECTIONS, f"connection-logs/AWSLogs/{ACCOUNT}/elasticloadbalancing/"
                   f"{REGION}/{{day}}/conn_log.{ACCOUNT}_elasticloadbalancing_{REGION}_app.my-loadbalancer."
                   "50dc6c495c0c9188_{stamp}T1235Z_192.0.2.1_2b3c4d5e.log.gz")
    assert alb(CONNECTION_DDL.replace("{bucket}", bucket)) == []
    assert alb("SELECT client_ip, client_port, tls_handshake_latency, leaf_client_cert_subject, "
               "leaf_client_cert_serial_number, tls_verify_status, conn_trace_id FROM alb_connection_logs "
               "ORDER BY time") == [
        ["192.168.131.40", "5512", "0.034", "CN=client-1,OU=Devices,O=Example Corp,C=US", "FEF257D5F0E1F3B2",
         "Success", "TID_1234abcd5678ef90"],
        ["198.51.100.3", "40404", "0.002", "CN=expired,O=Example Corp", "0A1B2C3D", "Failed:CertificateExpired",
         "TID_99990000aaaabbbb"],
        ["10.0.1.252", "48160", "0.011", "-", "-", "Success", ""]]
    # Failed mutual TLS verifications, and the certificate's expiry out of its validity field.
    assert alb("""SELECT client_ip, tls_verify_status,
       regexp_extract(leaf_client_cert_validity, 'NotAfter=([^;]*)', 1) AS not_after
FROM alb_connection_logs WHERE tls_verify_status <> 'Success'""") == [
        ["198.51.100.3", "Failed:CertificateExpired", "2023-01-01T00:00:00Z"]]
    # A connection's requests through its trace ID.
    assert alb("""SELECT c.client_ip, c.tls_protocol, a.request_url, a.elb_status_code
FROM alb_connection_logs c JOIN alb_access_logs a ON a.conn_trace_id = c.conn_trace_id AND a.client_ip = c.client_ip
WHERE a.day = '2024/06/01'""") == [
        ["192.168.131.40", "TLSv1.2", "https://www.example.com:443/cart?item=42", "200"]]
