"""The log tables of Athena's user guide, replayed over a log file of each kind: CloudTrail
(the Hive JSON SerDe over CloudTrailInputFormat, and the older CloudTrailSerde: each
gzipped file is one `{"Records": [...]}` object, one event a row; a key spelled two ways
at two depths, `userIdentity.arn` and `resources[].ARN`, read at each), VPC flow logs
(space-delimited, a header line skipped, partitioned by date) and CloudFront standard
logs (tab-delimited, two header lines) and ALB access logs (the Regex SerDe)."""
import gzip
import json

import pytest

_EVENT = {
    "eventVersion": "1.08", "eventTime": "2024-01-01T00:00:01Z", "eventSource": "s3.amazonaws.com",
    "eventName": "GetObject", "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.1", "userAgent": "aws-cli",
    "userIdentity": {"type": "IAMUser", "principalId": "AIDA", "arn": "arn:aws:iam::111122223333:user/ann",
                     "accountId": "111122223333", "userName": "ann",
                     "sessionContext": {"attributes": {"mfaAuthenticated": "false",
                                                       "creationDate": "2024-01-01T00:00:00Z"}}},
    "requestParameters": {"bucketName": "amzn-s3-demo-bucket", "key": "data.csv"}, "responseElements": None,
    "requestID": "REQ1", "eventID": "EV1", "readOnly": True, "eventType": "AwsApiCall",
    "recipientAccountId": "111122223333",
    "resources": [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::amzn-s3-demo-bucket/data.csv"}],
}

_CLOUDTRAIL_COLUMNS = """eventversion STRING,
useridentity STRUCT<type:STRING, principalid:STRING, arn:STRING, accountid:STRING, invokedby:STRING,
  accesskeyid:STRING, username:STRING, sessioncontext:STRUCT<attributes:STRUCT<mfaauthenticated:STRING,
  creationdate:STRING>, sessionissuer:STRUCT<type:STRING, principalid:STRING, arn:STRING, accountid:STRING,
  username:STRING>>>,
eventtime STRING, eventsource STRING, eventname STRING, awsregion STRING, sourceipaddress STRING,
useragent STRING, errorcode STRING, errormessage STRING, requestparameters STRING, responseelements STRING,
additionaleventdata STRING, requestid STRING, eventid STRING, eventtype STRING, apiversion STRING,
resources ARRAY<STRUCT<arn:STRING, accountid:STRING, type:STRING>>, readonly STRING, recipientaccountid STRING"""

_SERDES = {
    "hive_json_serde": "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
    "cloudtrail_serde": "ROW FORMAT SERDE 'com.amazon.emr.hive.serde.CloudTrailSerde'",
}


@pytest.mark.parametrize("serde", list(_SERDES.values()), ids=list(_SERDES))
def test_cloudtrail_table(query, s3, bucket, serde):
    second = dict(_EVENT, eventName="PutObject", eventID="EV2", readOnly=False)
    s3.put_object(Bucket=bucket, Key="AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/01/trail.json.gz",
                  Body=gzip.compress(json.dumps({"Records": [_EVENT, second]}).encode()))
    query(f"CREATE EXTERNAL TABLE cloudtrail_logs ({_CLOUDTRAIL_COLUMNS}) COMMENT 'CloudTrail table' {serde} "
          "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat' "
          "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' "
          f"LOCATION 's3://{bucket}/AWSLogs/111122223333/CloudTrail/' TBLPROPERTIES ('classification'='cloudtrail')")
    rows = query("SELECT useridentity.username, useridentity.arn, eventname, sourceipaddress, readonly, "
                 "json_extract_scalar(requestparameters, '$.bucketName') AS bucket_name, resources[1].arn AS resource "
                 "FROM cloudtrail_logs ORDER BY eventid")[1]
    user, thing = "arn:aws:iam::111122223333:user/ann", "arn:aws:s3:::amzn-s3-demo-bucket/data.csv"
    assert rows == [["username", "arn", "eventname", "sourceipaddress", "readonly", "bucket_name", "resource"],
                    ["ann", user, "GetObject", "192.0.2.1", "true", "amzn-s3-demo-bucket", thing],
                    ["ann", user, "PutObject", "192.0.2.1", "false", "amzn-s3-demo-bucket", thing]]


def test_cloudtrail_file_without_records_fails(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="trail/broken.json.gz", Body=gzip.compress(b"not json"))
    query(f"CREATE EXTERNAL TABLE trail (eventname STRING) ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe' "
          "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat' "
          f"OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat' LOCATION 's3://{bucket}/trail/'")
    execution = query("SELECT * FROM trail", expect="FAILED")[0]
    assert execution["Status"]["StateChangeReason"].startswith(
        f"HIVE_CURSOR_ERROR: Error reading CloudTrail file s3://{bucket}/trail/broken.json.gz: ")


def test_row_field_column_is_named_after_the_field(query):
    """Trino names `x[1].arn` (a field of a row) `arn`, as it names `t.arn`."""
    rows = query("SELECT ARRAY[CAST(ROW('a1') AS ROW(arn varchar))][1].arn, "
                             "CAST(ROW(1, ROW(3)) AS ROW(x int, y ROW(z int))).y.z")[1]
    assert rows == [["arn", "z"], ["a1", "3"]]


def test_vpc_flow_logs_table(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="AWSLogs/1/vpcflowlogs/us-east-1/2024/01/01/flow.log", Body=(
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
        "log-status\n2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 "
        "1418530070 ACCEPT OK\n").encode())
    query("CREATE EXTERNAL TABLE IF NOT EXISTS vpc_flow_logs (version int, account_id string, interface_id string, "
          "srcaddr string, dstaddr string, srcport int, dstport int, protocol bigint, packets bigint, bytes bigint, "
          "start bigint, `end` bigint, action string, log_status string) PARTITIONED BY (`date` date) "
          f"ROW FORMAT DELIMITED FIELDS TERMINATED BY ' ' LOCATION 's3://{bucket}/AWSLogs/1/vpcflowlogs/us-east-1/' "
          "TBLPROPERTIES (\"skip.header.line.count\"=\"1\")")
    query(f"ALTER TABLE vpc_flow_logs ADD PARTITION (`date`='2024-01-01') "
          f"LOCATION 's3://{bucket}/AWSLogs/1/vpcflowlogs/us-east-1/2024/01/01'")
    rows = query("SELECT day_of_week(date) AS day, date, interface_id, srcaddr, action, protocol FROM vpc_flow_logs "
                 "WHERE action = 'ACCEPT' AND protocol = 6 LIMIT 100")[1]
    assert rows == [["day", "date", "interface_id", "srcaddr", "action", "protocol"],
                    ["1", "2024-01-01", "eni-1235b8ca123456789", "172.31.16.139", "ACCEPT", "6"]]


def test_cloudfront_standard_logs_table(query, s3, bucket):
    line = "\t".join(["2024-01-01", "00:00:01", "SEA19-C1", "123", "192.0.2.1", "GET", "d1.cloudfront.net",
                      "/index.html", "200", "-", "Mozilla", "-", "-", "Hit", "id1", "d1.cloudfront.net", "https",
                      "100", "0.001", "-", "TLSv1.2", "ECDHE", "Hit", "HTTP/2.0", "-", "-", "50000", "0.001", "Hit",
                      "text/html", "100", "-", "-"])
    s3.put_object(Bucket=bucket, Key="cf/E1.2024-01-01-00.abc.gz", Body=gzip.compress(
        f"#Version: 1.0\n#Fields: date time x-edge-location\n{line}\n".encode()))
    query("CREATE EXTERNAL TABLE IF NOT EXISTS cloudfront_standard_logs (`date` DATE, time STRING, "
          "x_edge_location STRING, sc_bytes BIGINT, c_ip STRING, cs_method STRING, cs_host STRING, cs_uri_stem STRING, "
          "sc_status INT, cs_referrer STRING, cs_user_agent STRING, cs_uri_query STRING, cs_cookie STRING, "
          "x_edge_result_type STRING, x_edge_request_id STRING, x_host_header STRING, cs_protocol STRING, "
          "cs_bytes BIGINT, time_taken FLOAT, x_forwarded_for STRING, ssl_protocol STRING, ssl_cipher STRING, "
          "x_edge_response_result_type STRING, cs_protocol_version STRING, fle_status STRING, "
          "fle_encrypted_fields INT, c_port INT, time_to_first_byte FLOAT, x_edge_detailed_result_type STRING, "
          "sc_content_type STRING, sc_content_len BIGINT, sc_range_start BIGINT, sc_range_end BIGINT) "
          f"ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' LOCATION 's3://{bucket}/cf/' "
          "TBLPROPERTIES ('skip.header.line.count'='2')")
    rows = query("SELECT date, x_edge_location, c_ip, sc_status, time_taken, sc_content_len "
                 "FROM cloudfront_standard_logs")[1]
    assert rows == [["date", "x_edge_location", "c_ip", "sc_status", "time_taken", "sc_content_len"],
                    ["2024-01-01", "SEA19-C1", "192.0.2.1", "200", "0.001", "100"]]


_ALB_LINE = (
    'https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 '
    '0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 '
    'TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 '
    '"Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" '
    '"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 '
    '2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-"\n')
_ALB_REGEX = (
    '([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*):([0-9]*) ([^ ]*)[:-]([0-9]*) ([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (|[-0-9]*) '
    '(-|[-0-9]*) ([-0-9]*) ([-0-9]*) \\"([^ ]*) (.*) (- |[^ ]*)\\" \\"([^\\"]*)\\" ([A-Z0-9-_]+) ([A-Za-z0-9.-]*) '
    '([^ ]*) \\"([^\\"]*)\\" \\"([^\\"]*)\\" \\"([^\\"]*)\\" ([-.0-9]*) ([^ ]*) \\"([^\\"]*)\\" '
    '\\"([^\\"]*)\\" \\"([^ ]*)\\" \\"([^\\s]+?)\\" \\"([^\\s]+)\\" \\"([^ ]*)\\" \\"([^ ]*)\\" ?([^ ]*)?( .*)?')


def test_alb_access_logs_table(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="alb/app.log", Body=_ALB_LINE.encode())
    query("CREATE EXTERNAL TABLE IF NOT EXISTS alb_access_logs (type string, time string, elb string, "
          "client_ip string, client_port int, target_ip string, target_port int, request_processing_time double, "
          "target_processing_time double, response_processing_time double, elb_status_code int, "
          "target_status_code string, received_bytes bigint, sent_bytes bigint, request_verb string, "
          "request_url string, request_proto string, user_agent string, ssl_cipher string, ssl_protocol string, "
          "target_group_arn string, trace_id string, domain_name string, chosen_cert_arn string, "
          "matched_rule_priority string, request_creation_time string, actions_executed string, "
          "redirect_url string, lambda_error_reason string, target_port_list string, "
          "target_status_code_list string, classification string, classification_reason string) "
          "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe' WITH SERDEPROPERTIES ("
          f"'serialization.format' = '1', 'input.regex' = '{_ALB_REGEX}') LOCATION 's3://{bucket}/alb/'")
    rows = query("SELECT client_ip, client_port, elb_status_code, request_verb, request_url, domain_name, "
                 "actions_executed, target_port_list FROM alb_access_logs")[1]
    assert rows[1] == ["192.168.131.39", "2817", "200", "GET", "https://www.example.com:443/", "www.example.com",
                       "authenticate,forward", "10.0.0.1:80"]
