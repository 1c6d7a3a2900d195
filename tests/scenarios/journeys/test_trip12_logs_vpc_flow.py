"""A network engineer queries VPC flow logs with Athena as the user guide's "Query Amazon
VPC flow logs" pages say, three ways. The text logs VPC writes to S3 (gzip, space-
separated fields of a custom format with all 29 fields, a header line of the field
names, NODATA and SKIPDATA records with "-" fields) under AWSLogs/<account>/vpcflowlogs/
<region>/yyyy/MM/dd/: the documented table with a `date` partition added by ALTER TABLE
ADD PARTITION, then with partition projection (accid and region enums, day dates).
The Parquet logs with Hive-compatible prefixes (aws-account-id=.../aws-service=.../
aws-region=.../year=/month=/day=/hour=), their partitions loaded with MSCK REPAIR TABLE;
Parquet logs under plain per-hour prefixes read with projected region, date and hour."""
import gzip
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from trip_helpers import athena_execution, athena_rows

ACCOUNT, REGION = "123456789012", "us-east-1"
FIELDS = ("version account_id interface_id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
          "log_status vpc_id subnet_id instance_id tcp_flags type pkt_srcaddr pkt_dstaddr region az_id "
          "sublocation_type sublocation_id pkt_src_aws_service pkt_dst_aws_service flow_direction traffic_path").split()
HEADER = " ".join(name.replace("_", "-") for name in FIELDS)
COLUMNS = """  version int,
  account_id string,
  interface_id string,
  srcaddr string,
  dstaddr string,
  srcport int,
  dstport int,
  protocol bigint,
  packets bigint,
  bytes bigint,
  start bigint,
  `end` bigint,
  action string,
  log_status string,
  vpc_id string,
  subnet_id string,
  instance_id string,
  tcp_flags int,
  type string,
  pkt_srcaddr string,
  pkt_dstaddr string,
  region string,
  az_id string,
  sublocation_type string,
  sublocation_id string,
  pkt_src_aws_service string,
  pkt_dst_aws_service string,
  flow_direction string,
  traffic_path int"""

TEXT_DDL = f"""CREATE EXTERNAL TABLE IF NOT EXISTS `vpc_flow_logs` (
{COLUMNS}
)
PARTITIONED BY (`date` date)
ROW FORMAT DELIMITED
FIELDS TERMINATED BY ' '
LOCATION 's3://{{bucket}}/prefix/AWSLogs/{ACCOUNT}/vpcflowlogs/{REGION}/'
TBLPROPERTIES ("skip.header.line.count"="1")"""

# The guide's projected table has no `region` column: region is one of its partition keys.
PROJECTED_COLUMNS = COLUMNS.replace("  region string,\n", "")
PROJECTED_DDL = f"""CREATE EXTERNAL TABLE IF NOT EXISTS test_table_vpclogs (
{PROJECTED_COLUMNS}
)
PARTITIONED BY (accid string, region string, day string)
ROW FORMAT DELIMITED
FIELDS TERMINATED BY ' '
LOCATION 's3://{{bucket}}/prefix/'
TBLPROPERTIES
(
"skip.header.line.count"="1",
"projection.enabled" = "true",
"projection.accid.type" = "enum",
"projection.accid.values" = "{ACCOUNT}",
"projection.region.type" = "enum",
"projection.region.values" = "{REGION}",
"projection.day.type" = "date",
"projection.day.range" = "2024/01/01,NOW",
"projection.day.format" = "yyyy/MM/dd",
"storage.location.template" = "s3://{{bucket}}/prefix/AWSLogs/${{accid}}/vpcflowlogs/${{region}}/${{day}}"
)"""

PARQUET_DDL = f"""CREATE EXTERNAL TABLE IF NOT EXISTS vpc_flow_logs_parquet (
{COLUMNS}
)
PARTITIONED BY (
  `aws-account-id` string,
  `aws-service` string,
  `aws-region` string,
  `year` string,
  `month` string,
  `day` string,
  `hour` string
)
ROW FORMAT SERDE
  'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
STORED AS INPUTFORMAT
  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT
  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION
  's3://{{bucket}}/parquet/AWSLogs/'
TBLPROPERTIES (
  'EXTERNAL'='true',
  'skip.header.line.count'='1'
  )"""


def record(eni, src, dst, sport, dport, proto, packets, size, start, action, flags, direction, status="OK",
           path=1):
    return [5, ACCOUNT, eni, src, dst, sport, dport, proto, packets, size, start, start + 60, action, status,
            "vpc-0abc1234", "subnet-0def5678", "i-0123456789abcdef0", flags, "IPv4", src, dst, REGION,
            "use1-az1", "-", "-", "-", "-", direction, path]


DAYS = {
    "2024/06/01": [   # a Saturday
        record("eni-0a1", "203.0.113.12", "10.0.1.5", 49761, 443, 6, 20, 4249, 1717236000, "ACCEPT", 19, "ingress"),
        record("eni-0a1", "198.51.100.7", "10.0.1.5", 52000, 22, 6, 1, 40, 1717236060, "REJECT", 2, "ingress"),
        record("eni-0b2", "10.0.1.5", "10.0.2.9", 33211, 443, 6, 35, 9000, 1717236120, "ACCEPT", 3, "egress"),
        record("eni-0a1", "198.51.100.8", "10.0.1.5", 1024, 53, 17, 3, 210, 1717236180, "REJECT", 0, "ingress"),
    ],
    "2024/06/03": [   # a Monday
        record("eni-0b2", "192.0.2.1", "10.0.2.9", 40000, 443, 6, 11, 1500, 1717408800, "ACCEPT", 19, "ingress"),
        record("eni-0b2", "192.0.2.66", "10.0.2.9", 40001, 3389, 6, 2, 80, 1717408860, "REJECT", 2, "ingress"),
        # a window without traffic: every field the record has no value for is "-"
        [5, ACCOUNT, "eni-0c3", "-", "-", "-", "-", "-", "-", "-", 1717408920, 1717408980, "-", "NODATA",
         "vpc-0abc1234", "subnet-0def5678", "-", "-", "-", "-", "-", REGION, "use1-az1", "-", "-", "-", "-", "-",
         "-"],
    ],
}


def text(rows) -> bytes:
    return gzip.compress((HEADER + "\n" + "\n".join(" ".join(str(v) for v in row) for row in rows) + "\n").encode())


def parquet(rows) -> bytes:
    kinds = {"version": pa.int32(), "srcport": pa.int32(), "dstport": pa.int32(), "tcp_flags": pa.int32(),
             "traffic_path": pa.int32(), "protocol": pa.int64(), "packets": pa.int64(), "bytes": pa.int64(),
             "start": pa.int64(), "end": pa.int64()}
    columns = {}
    for index, name in enumerate(FIELDS):
        values = [None if row[index] == "-" else row[index] for row in rows]
        columns[name] = pa.array(values, kinds.get(name, pa.string()))
    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue()


@pytest.fixture
def flow(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    for day, rows in DAYS.items():
        stamp = day.replace("/", "")
        s3.put_object(Bucket=bucket, Key=f"prefix/AWSLogs/{ACCOUNT}/vpcflowlogs/{REGION}/{day}/"
                                         f"{ACCOUNT}_vpcflowlogs_{REGION}_fl-0a1b2c3d_{stamp}T1000Z_3f9c0b1e.log.gz",
                      Body=text(rows))
        year, month, dd = day.split("/")
        s3.put_object(Bucket=bucket, Key=f"parquet/AWSLogs/aws-account-id={ACCOUNT}/aws-service=vpcflowlogs/"
                                         f"aws-region={REGION}/year={year}/month={month}/day={dd}/hour=10/"
                                         f"{ACCOUNT}_vpcflowlogs_{REGION}_fl-0a1b2c3d_{stamp}T1000Z_3f9c0b1e.log.parquet",
                      Body=parquet(rows))
    return lambda sql: athena_rows(athena, sql, database, f"s3://{bucket}/athena-results/")


@pytest.fixture
def listing(client, bucket, database):
    """Every row of a statement whose result has no header row (MSCK REPAIR, SHOW PARTITIONS)."""
    athena = client("athena")

    def run(sql):
        execution = athena_execution(athena, sql, database, f"s3://{bucket}/athena-results/")
        rows = athena.get_query_results(QueryExecutionId=execution["QueryExecutionId"])["ResultSet"]["Rows"]
        return [[cell.get("VarCharValue") for cell in row["Data"]] for row in rows]
    return run


def test_text_logs_with_date_partitions(flow, bucket):
    assert flow(TEXT_DDL.replace("{bucket}", bucket)) == []
    for day in DAYS:
        assert flow(f"""ALTER TABLE vpc_flow_logs
    ADD PARTITION (`date`='{day.replace('/', '-')}')
    LOCATION 's3://{bucket}/prefix/AWSLogs/{ACCOUNT}/vpcflowlogs/{REGION}/{day}'""") == []
    # Rejected TCP flows with the day of the week of their partition.
    assert sorted(flow("""SELECT day_of_week(date) AS
  day,
  date,
  interface_id,
  srcaddr,
  action,
  protocol
FROM vpc_flow_logs
WHERE action = 'REJECT' AND protocol = 6
LIMIT 100""")) == [["1", "2024-06-03", "eni-0b2", "192.0.2.66", "REJECT", "6"],
                   ["6", "2024-06-01", "eni-0a1", "198.51.100.7", "REJECT", "6"]]
    # The servers receiving most HTTPS packets.
    assert flow("""SELECT SUM(packets) AS
  packetcount,
  dstaddr
FROM vpc_flow_logs
WHERE dstport = 443 AND date > DATE '2024-05-25'
GROUP BY dstaddr
ORDER BY packetcount DESC
LIMIT 10""") == [["46", "10.0.2.9"], ["20", "10.0.1.5"]]
    # The header line is no row; a NODATA record's "-" fields are NULL numbers and "-" text.
    assert flow("SELECT count(*), count(srcport), count(packets) FROM vpc_flow_logs") == [["7", "6", "6"]]
    assert flow("SELECT interface_id, srcaddr, srcport, packets, \"end\" - start, action, log_status, tcp_flags "
                "FROM vpc_flow_logs WHERE log_status <> 'OK'") == [
        ["eni-0c3", "-", None, None, "60", "-", "NODATA", None]]


def test_text_logs_with_partition_projection(flow, bucket):
    assert flow(PROJECTED_DDL.replace("{bucket}", bucket)) == []
    assert flow("SELECT accid, region, day, count(*), sum(bytes) FROM test_table_vpclogs "
                "WHERE day >= '2024/06/01' AND day < '2024/06/28' GROUP BY 1, 2, 3 ORDER BY day") == [
        [ACCOUNT, REGION, "2024/06/01", "4", "13499"], [ACCOUNT, REGION, "2024/06/03", "3", "1580"]]
    assert flow("SELECT action, count(*), sum(packets) FROM test_table_vpclogs WHERE day = '2024/06/01' "
                "GROUP BY action ORDER BY action") == [["ACCEPT", "2", "55"], ["REJECT", "2", "4"]]


def test_parquet_logs_with_hive_compatible_prefixes(flow, listing, bucket):
    assert flow(PARQUET_DDL.replace("{bucket}", bucket)) == []
    assert listing("MSCK REPAIR TABLE vpc_flow_logs_parquet")[-2:] == [
        [f"Repair: Added partition to metastore vpc_flow_logs_parquet:aws-account-id={ACCOUNT}/aws-service=vpcflowlogs/"
         f"aws-region={REGION}/year=2024/month=06/day={day}/hour=10"] for day in ("01", "03")]
    assert listing("SHOW PARTITIONS vpc_flow_logs_parquet") == [
        [f"aws-account-id={ACCOUNT}/aws-service=vpcflowlogs/aws-region={REGION}/year=2024/month=06/day=01/hour=10"],
        [f"aws-account-id={ACCOUNT}/aws-service=vpcflowlogs/aws-region={REGION}/year=2024/month=06/day=03/hour=10"]]
    # skip.header.line.count does not apply to Parquet: every record is a row.
    assert flow("SELECT day, count(*), sum(packets), count(srcaddr) FROM vpc_flow_logs_parquet "
                "WHERE \"aws-region\" = 'us-east-1' AND year = '2024' AND month = '06' GROUP BY day ORDER BY day") == [
        ["01", "4", "59", "4"], ["03", "3", "13", "2"]]
    assert flow("SELECT srcaddr, dstport, action FROM vpc_flow_logs_parquet "
                "WHERE action = 'REJECT' AND protocol = 17") == [["198.51.100.8", "53", "REJECT"]]


# The guide's Parquet table with projected partitions over per-hour prefixes that are not
# Hive-compatible: no region column (a partition key), the hour an integer of two digits.
PARQUET_PROJECTED_DDL = f"""CREATE EXTERNAL TABLE IF NOT EXISTS test_table_vpclogs_parquet (
{PROJECTED_COLUMNS}
)
PARTITIONED BY (region string, date string, hour string)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'
LOCATION 's3://{{bucket}}/hourly/AWSLogs/{ACCOUNT}/vpcflowlogs/'
TBLPROPERTIES (
"EXTERNAL"="true",
"skip.header.line.count" = "1",
"projection.enabled" = "true",
"projection.region.type" = "enum",
"projection.region.values" = "us-east-1,us-west-2,ap-south-1,eu-west-1",
"projection.date.type" = "date",
"projection.date.range" = "2021/01/01,NOW",
"projection.date.format" = "yyyy/MM/dd",
"projection.hour.type" = "integer",
"projection.hour.range" = "00,23",
"projection.hour.digits" = "2",
"storage.location.template" = "s3://{{bucket}}/hourly/AWSLogs/{ACCOUNT}/vpcflowlogs/${{region}}/${{date}}/${{hour}}"
)"""


def test_parquet_logs_with_projected_hours(flow, client, bucket):
    s3 = client("s3")
    for day, rows in DAYS.items():
        for hour, part in (("09", rows[:1]), ("10", rows[1:])):
            s3.put_object(Bucket=bucket, Key=f"hourly/AWSLogs/{ACCOUNT}/vpcflowlogs/{REGION}/{day}/{hour}/"
                                             f"{ACCOUNT}_vpcflowlogs_{REGION}_fl-0a1b2c3d_{day.replace('/', '')}T{hour}00Z_"
                                             "3f9c0b1e.log.parquet", Body=parquet(part))
    assert flow(PARQUET_PROJECTED_DDL.replace("{bucket}", bucket)) == []
    assert flow("SELECT region, date, hour, count(*), sum(packets) FROM test_table_vpclogs_parquet "
                "WHERE date = '2024/06/01' GROUP BY 1, 2, 3 ORDER BY hour") == [
        [REGION, "2024/06/01", "09", "1", "20"], [REGION, "2024/06/01", "10", "3", "39"]]
    assert flow("SELECT srcaddr, dstport, action, az_id FROM test_table_vpclogs_parquet "
                "WHERE date BETWEEN '2024/06/02' AND '2024/06/03' AND region = 'us-east-1' AND hour = '10' "
                "AND log_status = 'OK'") == [["192.0.2.66", "3389", "REJECT", "use1-az1"]]
