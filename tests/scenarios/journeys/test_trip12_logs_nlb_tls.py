"""A platform team reads Network Load Balancer TLS access logs with Athena as the user
guide's "Query Network Load Balancer logs" page says: the gzip files the load balancer
writes per five minutes under AWSLogs/<account>/elasticloadbalancing/<region>/yyyy/MM/dd/,
the documented Regex SerDe table (TLS listener fields, ALPN preferences, the optional
connection creation time), and the guide's questions: connections per certificate, clients
still on TLS below 1.2, the slowest handshakes; a line whose handshake failed keeps "-"
fields that read as NULL numbers."""
import pytest

from log_tables import put_daily_gzip
from trip_helpers import athena_rows

ACCOUNT, REGION = "671290407336", "us-east-2"
BASE = f"AWSLogs/{ACCOUNT}/elasticloadbalancing/{REGION}"
CERT = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99"
OTHER_CERT = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/7c9e6679-7425-40de-944b-e07fc1f90ae7"
DDL = r"""CREATE EXTERNAL TABLE IF NOT EXISTS nlb_tls_logs (
            type string,
            version string,
            time string,
            elb string,
            listener_id string,
            client_ip string,
            client_port int,
            target_ip string,
            target_port int,
            tcp_connection_time_ms double,
            tls_handshake_time_ms double,
            received_bytes bigint,
            sent_bytes bigint,
            incoming_tls_alert int,
            cert_arn string,
            certificate_serial string,
            tls_cipher_suite string,
            tls_protocol_version string,
            tls_named_group string,
            domain_name string,
            alpn_fe_protocol string,
            alpn_be_protocol string,
            alpn_client_preference_list string,
            tls_connection_creation_time string
            )
            ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
            WITH SERDEPROPERTIES (
            'serialization.format' = '1',
            'input.regex' =
        '([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*):([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-0-9]*) ([-0-9]*) ([-0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ?([^ ]*)?( .*)?')
            LOCATION 's3://{bucket}/AWSLogs/671290407336/elasticloadbalancing/us-east-2/'"""


def line(time, client, target, tcp_ms, tls_ms, received, sent, alert, cert, cipher, protocol, group, fe, be, prefs,
         created=None):
    fields = ["tls", "2.0", time, "net/my-network-loadbalancer/c6e77e28c25b2234", "g3d4b5e8bb8464cd", client, target,
              tcp_ms, tls_ms, received, sent, alert, cert, "-", cipher, protocol, group,
              "my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com", fe, be, prefs]
    return " ".join(fields + ([created] if created else []))


FILES = {
    "2024/06/01": [
        line("2024-06-01T02:59:40", "72.21.218.154:51341", "172.100.100.185:443", "5", "2", "98", "246", "-", CERT,
             "ECDHE-RSA-AES128-SHA", "tlsv12", "-", "h2", "h2", '"h2","http/1.1"', "2024-06-01T02:59:40"),
        line("2024-06-01T03:01:02", "72.21.218.160:40022", "172.100.100.185:443", "40", "31", "1200", "5100", "-",
             CERT, "ECDHE-RSA-AES128-SHA", "tlsv1", "-", "-", "-", "-", "2024-06-01T03:01:01"),
        # An older record, written before the connection creation time field existed.
        line("2024-06-01T03:02:10", "198.51.100.9:60001", "172.100.100.186:443", "12", "7", "300", "900", "-",
             OTHER_CERT, "ECDHE-RSA-AES256-GCM-SHA384", "tlsv11", "secp256r1", "http/1.1", "http/1.1",
             '"http/1.1"'),
    ],
    "2024/06/02": [
        line("2024-06-02T11:00:00", "72.21.218.154:51999", "172.100.100.186:443", "3", "250", "64", "128", "-",
             CERT, "TLS_AES_128_GCM_SHA256", "tlsv13", "x25519", "h2", "h2", '"h2"', "2024-06-02T10:59:59"),
        # A handshake the client abandoned: no handshake time, an alert count, no bytes.
        line("2024-06-02T11:05:00", "203.0.113.77:33333", "172.100.100.185:443", "1", "-", "0", "0", "1", CERT,
             "-", "-", "-", "-", "-", "-", "2024-06-02T11:04:59"),
    ],
}


@pytest.fixture
def nlb(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    put_daily_gzip(s3, bucket, FILES, f"{BASE}/{{day}}/{ACCOUNT}_elasticloadbalancing_{REGION}_"
                                      "net.my-network-loadbalancer.c6e77e28c25b2234_{stamp}T0305Z_3f7a2b1c.log.gz")
    run = lambda sql: athena_rows(athena, sql, database, f"s3://{bucket}/athena-results/")  # noqa: E731
    assert run(DDL.replace("{bucket}", bucket)) == []
    return run


def test_the_guides_questions(nlb):
    assert sorted(nlb("""SELECT count(*) AS
         ct,
         cert_arn
FROM "nlb_tls_logs"
GROUP BY  cert_arn""")) == [["1", OTHER_CERT], ["4", CERT]]
    assert sorted(nlb("""SELECT tls_protocol_version,
         COUNT(tls_protocol_version) AS
         num_connections,
         client_ip
FROM "nlb_tls_logs"
WHERE tls_protocol_version < 'tlsv12'
GROUP BY tls_protocol_version, client_ip""")) == [
        ["-", "1", "203.0.113.77"], ["tlsv1", "1", "72.21.218.160"], ["tlsv11", "1", "198.51.100.9"]]
    assert nlb("""SELECT client_ip, tls_handshake_time_ms, tls_protocol_version
FROM "nlb_tls_logs"
ORDER BY  tls_handshake_time_ms DESC
LIMIT 3""") == [["72.21.218.154", "250.0", "tlsv13"], ["72.21.218.160", "31.0", "tlsv1"],
                ["198.51.100.9", "7.0", "tlsv11"]]


def test_fields_of_each_kind_of_line(nlb):
    assert nlb("SELECT client_port, target_ip, target_port, tcp_connection_time_ms, tls_handshake_time_ms, "
               "received_bytes, incoming_tls_alert, certificate_serial, tls_named_group, alpn_client_preference_list, "
               "tls_connection_creation_time FROM nlb_tls_logs ORDER BY time") == [
        ["51341", "172.100.100.185", "443", "5.0", "2.0", "98", None, "-", "-", '"h2","http/1.1"',
         "2024-06-01T02:59:40"],
        ["40022", "172.100.100.185", "443", "40.0", "31.0", "1200", None, "-", "-", "-", "2024-06-01T03:01:01"],
        ["60001", "172.100.100.186", "443", "12.0", "7.0", "300", None, "-", "secp256r1", '"http/1.1"', ""],
        ["51999", "172.100.100.186", "443", "3.0", "250.0", "64", None, "-", "x25519", '"h2"',
         "2024-06-02T10:59:59"],
        ["33333", "172.100.100.185", "443", "1.0", None, "0", "1", "-", "-", "-", "2024-06-02T11:04:59"]]
    assert nlb("SELECT split_part(\"$path\", '/', 10), count(*), sum(sent_bytes) FROM nlb_tls_logs "
               "GROUP BY 1 ORDER BY 1") == [["01", "3", "6246"], ["02", "2", "128"]]
