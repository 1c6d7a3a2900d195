"""A network admin reads Route 53 Resolver query logs with Athena as the user guide's
"Query Amazon Route 53 resolver query logs" page says: the gzip JSON lines the resolver
delivers to S3 under AWSLogs/<account>/vpcdnsquerylogs/<vpc>/yyyy/MM/dd/, the documented
OpenX JSON SerDe table (answers as an array of structs whose fields are spelled Rdata,
Type, Class; srcids a struct) and its partition-projected variant (vpc an enum, date by
the day), and the guide's queries: the latest queries, NXDOMAIN answers, queries with no
answer, and the queries that resolved to one address through CROSS JOIN UNNEST."""
import json

import pytest

from log_tables import put_daily_gzip
from trip_helpers import athena_rows

ACCOUNT, VPC = "111122223333", "vpc-6446ae02"
BASE = f"AWSLogs/{ACCOUNT}/vpcdnsquerylogs"
COLUMNS = """  version string,
  account_id string,
  region string,
  vpc_id string,
  query_timestamp string,
  query_name string,
  query_type string,
  query_class
    string,
  rcode string,
  answers array<
    struct<
      Rdata: string,
      Type: string,
      Class: string>
    >,
  srcaddr string,
  srcport int,
  transport string,
  srcids struct<
    instance: string,
    resolver_endpoint: string
    >,
  firewall_rule_action string,
  firewall_rule_group_id string,
  firewall_domain_list_id string
 )"""
DDL = f"""CREATE EXTERNAL TABLE r53_rlogs (
{COLUMNS}

ROW FORMAT SERDE      'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://{{bucket}}/{BASE}/'"""
PROJECTED_DDL = f"""CREATE EXTERNAL TABLE r53_rlogs_pp (
{COLUMNS}
PARTITIONED BY (
`date` string,
`vpc` string
)
ROW FORMAT SERDE      'org.openx.data.jsonserde.JsonSerDe'
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://{{bucket}}/{BASE}/'
TBLPROPERTIES(
'projection.enabled' = 'true',
'projection.vpc.type' = 'enum',
'projection.vpc.values' = '{VPC}',
'projection.date.type' = 'date',
'projection.date.range' = '2024/05/01,NOW',
'projection.date.format' = 'yyyy/MM/dd',
'projection.date.interval' = '1',
'projection.date.interval.unit' = 'DAYS',
'storage.location.template' = 's3://{{bucket}}/{BASE}/${{vpc}}/${{date}}/'
)"""


def query(time, name, kind, rcode, answers, src, port, instance="i-0a1b2c3d4e5f67890", **firewall):
    return {"version": "1.100000", "account_id": ACCOUNT, "region": "us-east-1", "vpc_id": VPC,
            "query_timestamp": time, "query_name": name, "query_type": kind, "query_class": "IN", "rcode": rcode,
            "answers": [{"Rdata": data, "Type": rtype, "Class": "IN"} for rtype, data in answers],
            "srcaddr": src, "srcport": port, "transport": "UDP", "srcids": {"instance": instance}, **firewall}


DAYS = {
    "2024/06/01": [
        query("2024-06-01T10:00:00Z", "www.example.com.", "A", "NOERROR",
              [("CNAME", "web.example.com."), ("A", "203.0.113.16")], "10.0.1.5", "53241"),
        query("2024-06-01T10:00:02Z", "nosuchhost.example.com.", "A", "NXDOMAIN", [], "10.0.1.5", "53242"),
        query("2024-06-01T10:00:07Z", "example.com.", "AAAA", "NOERROR", [], "10.0.1.9", "40001"),
    ],
    "2024/06/02": [
        query("2024-06-02T08:30:00Z", "api.example.com.", "A", "NOERROR", [("A", "203.0.113.16")], "10.0.2.7", "34000",
              instance=None),
        query("2024-06-02T08:31:00Z", "malware.example.net.", "A", "NXDOMAIN", [], "10.0.2.7", "34001",
              firewall_rule_action="BLOCK", firewall_rule_group_id="rslvr-frg-0123456789abcdef",
              firewall_domain_list_id="rslvr-fdl-0123456789abcdef"),
    ],
}


@pytest.fixture
def resolver(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    lines = {day: [json.dumps(record, separators=(",", ":")) for record in records] for day, records in DAYS.items()}
    put_daily_gzip(s3, bucket, lines, f"{BASE}/{VPC}/{{day}}/{ACCOUNT}_vpcdnsquerylogs_{VPC}_{{stamp}}T0835Z_9d3e2a1f.log.gz")
    return lambda sql: athena_rows(athena, sql, database, f"s3://{bucket}/athena-results/")


def test_the_guides_queries(resolver, bucket):
    assert resolver(DDL.replace("{bucket}", bucket)) == []
    latest = resolver("""SELECT * FROM "r53_rlogs"
ORDER BY query_timestamp DESC
LIMIT 2""")
    assert latest == [
        ["1.100000", ACCOUNT, "us-east-1", VPC, "2024-06-02T08:31:00Z", "malware.example.net.", "A", "IN", "NXDOMAIN",
         "[]", "10.0.2.7", "34001", "UDP", "{instance=i-0a1b2c3d4e5f67890, resolver_endpoint=null}", "BLOCK",
         "rslvr-frg-0123456789abcdef", "rslvr-fdl-0123456789abcdef"],
        ["1.100000", ACCOUNT, "us-east-1", VPC, "2024-06-02T08:30:00Z", "api.example.com.", "A", "IN", "NOERROR",
         "[{rdata=203.0.113.16, type=A, class=IN}]", "10.0.2.7", "34000", "UDP",
         "{instance=null, resolver_endpoint=null}", None, None, None]]
    assert resolver("""SELECT query_timestamp, srcids.instance, srcaddr, srcport, query_name, rcode
FROM "r53_rlogs"
WHERE rcode = 'NXDOMAIN'
ORDER BY query_timestamp DESC
LIMIT 10""") == [
        ["2024-06-02T08:31:00Z", "i-0a1b2c3d4e5f67890", "10.0.2.7", "34001", "malware.example.net.", "NXDOMAIN"],
        ["2024-06-01T10:00:02Z", "i-0a1b2c3d4e5f67890", "10.0.1.5", "53242", "nosuchhost.example.com.", "NXDOMAIN"]]
    assert resolver("""SELECT query_timestamp, srcids.instance, srcaddr, srcport, query_name, rcode, answers
FROM "r53_rlogs"
WHERE cardinality(answers) = 0 AND rcode = 'NOERROR'""") == [
        ["2024-06-01T10:00:07Z", "i-0a1b2c3d4e5f67890", "10.0.1.9", "40001", "example.com.", "NOERROR", "[]"]]
    assert resolver("""SELECT query_timestamp, srcids.instance, srcaddr, srcport, query_name, rcode, answer.Rdata
FROM "r53_rlogs"
CROSS JOIN UNNEST(r53_rlogs.answers) as st(answer)
WHERE answer.Rdata='203.0.113.16'
ORDER BY query_timestamp""") == [
        ["2024-06-01T10:00:00Z", "i-0a1b2c3d4e5f67890", "10.0.1.5", "53241", "www.example.com.", "NOERROR",
         "203.0.113.16"],
        ["2024-06-02T08:30:00Z", None, "10.0.2.7", "34000", "api.example.com.", "NOERROR", "203.0.113.16"]]


def test_projected_vpc_and_date(resolver, bucket):
    assert resolver(PROJECTED_DDL.replace("{bucket}", bucket)) == []
    assert resolver("""SELECT "date", vpc, count(*), count_if(rcode = 'NXDOMAIN'), max(cardinality(answers))
FROM r53_rlogs_pp WHERE "date" BETWEEN '2024/06/01' AND '2024/06/30' AND vpc = 'vpc-6446ae02'
GROUP BY 1, 2 ORDER BY 1""") == [["2024/06/01", VPC, "3", "1", "2"], ["2024/06/02", VPC, "2", "1", "1"]]
    assert resolver("""SELECT answers[1].type, answers[2].rdata FROM r53_rlogs_pp
WHERE "date" = '2024/06/01' AND query_name = 'www.example.com.'""") == [["CNAME", "203.0.113.16"]]
