"""A security team reads AWS WAF logs with Athena as the user guide's "Query AWS WAF logs"
pages say: the log files WAF writes to S3 (gzip JSON lines under AWSLogs/<account>/
WAFLogs/<scope>/<web ACL>/yyyy/MM/dd/HH/mm/), the documented table (the OpenX JSON SerDe
over deeply nested structs and arrays: rule groups, their terminating and non-terminating
rules and match details, rate-based rules, headers, labels, CAPTCHA and challenge
responses) with `log_time` projected by the minute, and the guide's queries: blocked
clients, countries a managed rule set stopped, headers through CROSS JOIN UNNEST, labels
with any_match, rule groups' non-terminating matches unnested twice, times from the
epoch-millisecond `timestamp`."""
import json

import pytest

from log_tables import put_daily_gzip
from trip_helpers import athena_rows

ACCOUNT = "111122223333"
BASE = f"AWSLogs/{ACCOUNT}/WAFLogs/cloudfront/testui"
DETAILS = """array <
                                                                   struct <
                                                                       conditiontype: string,
                                                                       sensitivitylevel: string,
                                                                       location: string,
                                                                       matcheddata: array < string >
                                                                          >
                                                                    >"""
RESPONSE = """struct <
                                                            responsecode: string,
                                                            solvetimestamp: string
                                                             >"""
DDL = f"""CREATE EXTERNAL TABLE `waf_logs`(
  `timestamp` bigint,
  `formatversion` int,
  `webaclid` string,
  `terminatingruleid` string,
  `terminatingruletype` string,
  `action` string,
  `terminatingrulematchdetails` {DETAILS},
  `httpsourcename` string,
  `httpsourceid` string,
  `rulegrouplist` array <
                      struct <
                          rulegroupid: string,
                          terminatingrule: struct <
                                              ruleid: string,
                                              action: string,
                                              rulematchdetails: {DETAILS}
                                                >,
                          nonterminatingmatchingrules: array <
                                                              struct <
                                                                  ruleid: string,
                                                                  action: string,
                                                                  overriddenaction: string,
                                                                  rulematchdetails: {DETAILS},
                                                                  challengeresponse: {RESPONSE},
                                                                  captcharesponse: {RESPONSE}
                                                                    >
                                                             >,
                          excludedrules: string
                            >
                       >,
`ratebasedrulelist` array <
                         struct <
                             ratebasedruleid: string,
                             limitkey: string,
                             maxrateallowed: int
                               >
                          >,
  `nonterminatingmatchingrules` array <
                                    struct <
                                        ruleid: string,
                                        action: string,
                                        rulematchdetails: {DETAILS},
                                        challengeresponse: {RESPONSE},
                                        captcharesponse: {RESPONSE}
                                          >
                                     >,
  `requestheadersinserted` array <
                                struct <
                                    name: string,
                                    value: string
                                      >
                                 >,
  `responsecodesent` string,
  `httprequest` struct <
                    clientip: string,
                    country: string,
                    headers: array <
                                struct <
                                    name: string,
                                    value: string
                                      >
                                 >,
                    uri: string,
                    args: string,
                    httpversion: string,
                    httpmethod: string,
                    requestid: string,
                    fragment: string,
                    scheme: string,
                    host: string
                      >,
  `labels` array <
                 struct <
                     name: string
                       >
                  >,
  `captcharesponse` struct <
                        responsecode: string,
                        solvetimestamp: string,
                        failurereason: string
                          >,
  `challengeresponse` struct <
                        responsecode: string,
                        solvetimestamp: string,
                        failurereason: string
                        >,
  `ja3fingerprint` string,
  `ja4fingerprint` string,
  `oversizefields` string,
  `requestbodysize` int,
  `requestbodysizeinspectedbywaf` int
)
PARTITIONED BY (
   `log_time` string)
ROW FORMAT SERDE
  'org.openx.data.jsonserde.JsonSerDe'
STORED AS INPUTFORMAT
  'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT
  'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION
  's3://{{bucket}}/{BASE}/'
TBLPROPERTIES (
 'projection.enabled'='true',
  'projection.log_time.format'='yyyy/MM/dd/HH/mm',
  'projection.log_time.interval'='1',
  'projection.log_time.interval.unit'='minutes',
  'projection.log_time.range'='2025/01/01/00/00,NOW',
  'projection.log_time.type'='date',
  'storage.location.template'='s3://{{bucket}}/{BASE}/${{log_time}}')"""

ACL = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/testui/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
SQLI = {"conditionType": "SQL_INJECTION", "sensitivityLevel": "HIGH", "location": "QUERY_STRING",
        "matchedData": ["1", "OR", "1=1"]}


def entry(millis, action, rule, rule_type, ip, country, uri, headers, labels=(), groups=(), rates=(), args="",
          **extra):
    return {"timestamp": millis, "formatVersion": 1, "webaclId": ACL, "terminatingRuleId": rule,
            "terminatingRuleType": rule_type, "action": action,
            "terminatingRuleMatchDetails": [SQLI] if rule == "AWS-AWSManagedRulesSQLiRuleSet" else [],
            "httpSourceName": "CF", "httpSourceId": "E2K2LNL5N3WR51", "ruleGroupList": list(groups),
            "rateBasedRuleList": list(rates), "nonTerminatingMatchingRules": [], "requestHeadersInserted": None,
            "responseCodeSent": None,
            "httpRequest": {"clientIp": ip, "country": country,
                            "headers": [{"name": name, "value": value} for name, value in headers],
                            "uri": uri, "args": args, "httpVersion": "HTTP/2.0", "httpMethod": "GET",
                            "requestId": f"req-{millis}", "scheme": "https", "host": "www.example.com"},
            "labels": [{"name": name} for name in labels], "ja3Fingerprint": "2c3fa5b2d54d0eaa8dcdd5a0f4b2fbe8",
            **extra}


CORE_GROUP = {"ruleGroupId": "AWS#AWSManagedRulesCommonRuleSet", "terminatingRule": None,
              "nonTerminatingMatchingRules": [
                  {"ruleId": "NoUserAgent_HEADER", "action": "COUNT", "overriddenAction": "BLOCK",
                   "ruleMatchDetails": []},
                  {"ruleId": "SizeRestrictions_QUERYSTRING", "action": "COUNT", "ruleMatchDetails": []}],
              "excludedRules": None}
SQLI_GROUP = {"ruleGroupId": "AWS#AWSManagedRulesSQLiRuleSet",
              "terminatingRule": {"ruleId": "SQLi_QUERYARGUMENTS", "action": "BLOCK", "ruleMatchDetails": [SQLI]},
              "nonTerminatingMatchingRules": [], "excludedRules": None}
MINUTES = {
    "2025/03/01/10/05": [
        entry(1740823500123, "ALLOW", "Default_Action", "REGULAR", "192.0.2.10", "US", "/index.html",
              [("host", "www.example.com"), ("user-agent", "Mozilla/5.0"), ("referer", "https://www.amazon.com/")],
              groups=[CORE_GROUP], requestBodySize=0),
        entry(1740823512000, "BLOCK", "AWS-AWSManagedRulesSQLiRuleSet", "MANAGED_RULE_GROUP", "203.0.113.7", "DE",
              "/search", [("host", "www.example.com")], args="q=1%20OR%201=1",
              labels=["awswaf:managed:aws:sql-database:SQLi_QueryArguments", "awswaf:managed:aws:core-rule-set:"
                                                                             "NoUserAgent_Header"],
              groups=[CORE_GROUP, SQLI_GROUP]),
    ],
    "2025/03/01/10/06": [
        entry(1740823575000, "BLOCK", "RateLimit-100", "RATE_BASED", "203.0.113.7", "DE", "/login",
              [("Host", "www.example.com"), ("Referer", "https://www.amazon.com/sp")],
              rates=[{"rateBasedRuleId": "arn:aws:wafv2:rate", "limitKey": "IP", "maxRateAllowed": 100}]),
        entry(1740823579000, "CAPTCHA", "CaptchaLogin", "REGULAR", "198.51.100.44", "BR", "/login",
              [("host", "www.example.com")], captchaResponse={"responseCode": 405, "failureReason": "TOKEN_MISSING"}),
    ],
}


@pytest.fixture
def waf(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    lines = {minute: [json.dumps(entry) for entry in entries] for minute, entries in MINUTES.items()}
    put_daily_gzip(s3, bucket, lines, f"{BASE}/{{day}}/{ACCOUNT}_waflogs_cloudfront_testui_{{stamp}}_2f1e0d9c.log.gz")
    run = lambda sql: athena_rows(athena, sql, database, f"s3://{bucket}/athena-results/")  # noqa: E731
    assert run(DDL.replace("{bucket}", bucket)) == []
    return run


WINDOW = "log_time BETWEEN '2025/03/01/10/00' AND '2025/03/01/10/59'"


def test_blocked_clients_and_countries(waf):
    assert waf(f"""SELECT COUNT(*) AS count, webaclid, httprequest.clientip, httprequest.uri
FROM waf_logs
WHERE action='BLOCK' AND {WINDOW}
GROUP BY webaclid, httprequest.clientip, httprequest.uri
ORDER BY count DESC, httprequest.uri
LIMIT 100""") == [["1", ACL, "203.0.113.7", "/login"], ["1", ACL, "203.0.113.7", "/search"]]
    assert waf(f"""SELECT
  COUNT(httpRequest.country) as count,
  httpRequest.country
FROM waf_logs
WHERE
  terminatingruleid='AWS-AWSManagedRulesSQLiRuleSet' AND {WINDOW}
GROUP BY httpRequest.country
ORDER BY count""") == [["1", "DE"]]
    assert waf(f"""SELECT date_format(from_unixtime("timestamp"/1000), '%Y-%m-%d %H:%i:%s') AS time, action,
       terminatingruletype, log_time
FROM waf_logs WHERE {WINDOW} ORDER BY "timestamp" """) == [
        ["2025-03-01 10:05:00", "ALLOW", "REGULAR", "2025/03/01/10/05"],
        ["2025-03-01 10:05:12", "BLOCK", "MANAGED_RULE_GROUP", "2025/03/01/10/05"],
        ["2025-03-01 10:06:15", "BLOCK", "RATE_BASED", "2025/03/01/10/06"],
        ["2025-03-01 10:06:19", "CAPTCHA", "REGULAR", "2025/03/01/10/06"]]


def test_headers_and_labels(waf):
    assert waf(f"""WITH test_dataset AS
  (SELECT header FROM waf_logs
    CROSS JOIN UNNEST(httprequest.headers) AS t(header) WHERE {WINDOW})
SELECT COUNT(*) referer_count
FROM test_dataset
WHERE LOWER(header.name)='referer' AND header.value LIKE '%amazon.com%'""") == [["2"]]
    assert waf(f"""SELECT httprequest.clientip, header.value
FROM waf_logs CROSS JOIN UNNEST(httprequest.headers) AS t(header)
WHERE lower(header.name) = 'host' AND {WINDOW} ORDER BY "timestamp" """) == [
        ["192.0.2.10", "www.example.com"], ["203.0.113.7", "www.example.com"], ["203.0.113.7", "www.example.com"],
        ["198.51.100.44", "www.example.com"]]
    assert waf(f"""SELECT httprequest.uri, cardinality(labels), labels[1].name FROM waf_logs
WHERE any_match(labels, x -> x.name = 'awswaf:managed:aws:core-rule-set:NoUserAgent_Header') AND {WINDOW}""") == [
        ["/search", "2", "awswaf:managed:aws:sql-database:SQLi_QueryArguments"]]


def test_rule_groups_and_nested_details(waf):
    assert waf(f"""SELECT rulegroup.rulegroupid, rule.ruleid, rule.action, rule.overriddenaction, count(*) AS hits
FROM waf_logs
CROSS JOIN UNNEST(rulegrouplist) AS t(rulegroup)
CROSS JOIN UNNEST(rulegroup.nonterminatingmatchingrules) AS r(rule)
WHERE {WINDOW}
GROUP BY 1, 2, 3, 4 ORDER BY 2""") == [
        ["AWS#AWSManagedRulesCommonRuleSet", "NoUserAgent_HEADER", "COUNT", "BLOCK", "2"],
        ["AWS#AWSManagedRulesCommonRuleSet", "SizeRestrictions_QUERYSTRING", "COUNT", None, "2"]]
    assert waf(f"""SELECT rulegrouplist[2].terminatingrule.ruleid,
       rulegrouplist[2].terminatingrule.rulematchdetails[1].matcheddata,
       terminatingrulematchdetails[1].conditiontype, httprequest.args, ratebasedrulelist
FROM waf_logs WHERE action = 'BLOCK' AND terminatingruletype = 'MANAGED_RULE_GROUP' AND {WINDOW}""") == [
        ["SQLi_QUERYARGUMENTS", "[1, OR, 1=1]", "SQL_INJECTION", "q=1%20OR%201=1", "[]"]]
    assert waf(f"""SELECT element_at(ratebasedrulelist, 1).limitkey, element_at(ratebasedrulelist, 1).maxrateallowed + 1,
       captcharesponse.responsecode, captcharesponse.failurereason, requestbodysize
FROM waf_logs WHERE action <> 'ALLOW' AND {WINDOW} ORDER BY "timestamp" """) == [
        [None, None, None, None, None], ["IP", "101", None, None, None], [None, None, "405", "TOKEN_MISSING", None]]
