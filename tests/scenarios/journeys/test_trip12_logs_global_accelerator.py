"""A network team reads AWS Global Accelerator flow logs with Athena as the user guide's
"Query AWS Global Accelerator flow logs" page says: gzip space-separated logs with a
header line under AWSLogs/<account>/globalaccelerator/<region>/yyyy/MM/dd/, the
documented table whose `dt` partition is projected over the last 30 days (NOW-30DAYS,NOW:
a day older than that is never read), and questions about rejected flows and traffic by
endpoint region. The log days are the days before today, as a live flow log's are."""
import datetime
import gzip

import pytest

from trip_helpers import athena_rows

ACCOUNT, REGION = "123456789012", "us-west-2"
ACCELERATOR = "7f6c8d0e-1a2b-4c3d-9e8f-0a1b2c3d4e5f"
BASE = f"prefix/AWSLogs/{ACCOUNT}/globalaccelerator/{REGION}"
DDL = f"""CREATE EXTERNAL TABLE IF NOT EXISTS aga_flow_logs (
  version string,
  account string,
  acceleratorid string,
  clientip string,
  clientport int,
  gip string,
  gipport int,
  endpointip string,
  endpointport int,
  protocol string,
  ipaddresstype string,
  numpackets bigint,
  numbytes int,
  starttime int,
  endtime int,
  action string,
  logstatus string,
  agasourceip string,
  agasourceport int,
  endpointregion string,
  agaregion string,
  direction string,
  vpc_id string,
  reject_reason string
)
PARTITIONED BY (dt string)
ROW FORMAT DELIMITED
FIELDS TERMINATED BY ' '
LOCATION 's3://{{bucket}}/{BASE}/'
TBLPROPERTIES
(
"skip.header.line.count"="1",
"projection.enabled"="true",
"projection.dt.type"="date",
"projection.dt.range"="NOW-30DAYS,NOW",
"projection.dt.format"="yyyy/MM/dd",
"storage.location.template"="s3://{{bucket}}/{BASE}/${{dt}}"
)"""
HEADER = ("version aws_account_id accelerator_id client_ip client_port accelerator_ip accelerator_port endpoint_ip "
          "endpoint_port protocol ip_address_type packets bytes start_time end_time action log-status "
          "globalaccelerator_source_ip globalaccelerator_source_port endpoint_region globalaccelerator_region "
          "direction vpc_id reject_reason")


def flow(client, port, endpoint, protocol, packets, size, start, action, region, reject="-", status="OK"):
    return (f"2.0 {ACCOUNT} {ACCELERATOR} {client} {port} 198.51.100.10 443 {endpoint} 443 {protocol} IPV4 "
            f"{packets} {size} {start} {start + 60} {action} {status} 10.0.1.99 40000 {region} us-west-2 INGRESS "
            f"vpc-0abc1234 {reject}")


FLOWS = {   # days before today
    1: [flow("192.0.2.1", 56000, "10.0.0.5", "TCP", 10, 1200, 1717236000, "ACCEPT", "us-east-1"),
        flow("192.0.2.2", 56001, "10.0.0.5", "TCP", 2, 120, 1717236010, "REJECT", "us-east-1", "NO_HEALTHY_ENDPOINT"),
        flow("203.0.113.9", 7000, "10.1.0.8", "UDP", 40, 32000, 1717236020, "ACCEPT", "eu-west-1")],
    3: [flow("192.0.2.2", 56100, "10.1.0.8", "TCP", 1, 60, 1717000000, "REJECT", "eu-west-1", "SECURITY_GROUP"),
        flow("198.51.100.77", 9000, "10.0.0.5", "TCP", 7, 900, 1717000100, "ACCEPT", "us-east-1")],
    40: [flow("192.0.2.250", 1, "10.0.0.5", "TCP", 999, 999999, 1714000000, "REJECT", "us-east-1", "OLD")],
}


@pytest.fixture
def aga(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    today = datetime.datetime.now(datetime.timezone.utc).date()
    for days_ago, lines in FLOWS.items():
        day = (today - datetime.timedelta(days=days_ago)).strftime("%Y/%m/%d")
        key = f"{BASE}/{day}/{ACCOUNT}_globalaccelerator_{ACCELERATOR}_fl-0a1b2c3d_{day.replace('/', '')}T1200Z_e4f5.log.gz"
        s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress((HEADER + "\n" + "\n".join(lines) + "\n").encode()))
    run = lambda sql: athena_rows(athena, sql, database, f"s3://{bucket}/athena-results/")  # noqa: E731
    assert run(DDL.replace("{bucket}", bucket)) == []
    return run


def test_flows_of_the_last_thirty_days(aga):
    # The day 40 days back lies outside the projected range: its flows are never read.
    assert aga("SELECT count(*), count(DISTINCT dt), sum(numbytes) FROM aga_flow_logs") == [["5", "2", "34280"]]
    assert aga("""SELECT clientip, endpointregion, protocol, reject_reason
FROM aga_flow_logs
WHERE action = 'REJECT'
ORDER BY starttime
LIMIT 10""") == [["192.0.2.2", "eu-west-1", "TCP", "SECURITY_GROUP"],
                 ["192.0.2.2", "us-east-1", "TCP", "NO_HEALTHY_ENDPOINT"]]
    assert aga("""SELECT endpointregion, sum(numpackets) AS packets, sum(numbytes) AS bytes,
       count_if(action = 'ACCEPT') AS accepted
FROM aga_flow_logs GROUP BY endpointregion ORDER BY bytes DESC""") == [
        ["eu-west-1", "41", "32060", "1"], ["us-east-1", "19", "2220", "2"]]
    assert aga("SELECT max(endtime - starttime), min(clientport), max(gipport) FROM aga_flow_logs "
               "WHERE protocol = 'TCP'") == [["60", "9000", "443"]]
