"""A security engineer investigates CloudTrail logs with Athena as the user guide's
"Query AWS CloudTrail logs" pages say: the trail's gzip files (one JSON object a file,
its events in a `Records` array) under AWSLogs/<account>/CloudTrail/<region>/yyyy/MM/dd/,
read through CloudTrailInputFormat with the documented table (the Hive JSON SerDe; the
nested userIdentity, sessionContext, onBehalfOf, webIdFederationData map, resources array,
addendum and tlsDetails structs; requestParameters, responseElements and
additionalEventData kept as JSON text), partitions added by hand or projected on a
`timestamp`, and the older CloudTrailSerde table over the same files. The guide's
questions: who did what, console sign-ins, outdated TLS callers, anonymous S3 requests."""
import gzip
import json

import pytest

from log_tables import timestamp_projection
from trip_helpers import athena_execution, athena_rows

ACCOUNT = "111122223333"
BASE = f"AWSLogs/{ACCOUNT}/CloudTrail"
COLUMNS = """    eventversion STRING,
    useridentity STRUCT<
               type:STRING,
               principalid:STRING,
               arn:STRING,
               accountid:STRING,
               invokedby:STRING,
               accesskeyid:STRING,
               username:STRING,
               onbehalfof: STRUCT<
                    userid: STRING,
                    identitystorearn: STRING>,
               sessioncontext:STRUCT<
                 attributes:STRUCT<
                      mfaauthenticated:STRING,
                      creationdate:STRING>,
                 sessionissuer:STRUCT<
                      type:STRING,
                      principalid:STRING,
                      arn:STRING,
                      accountid:STRING,
                      username:STRING>,
                 ec2roledelivery:string,
                 webidfederationdata: STRUCT<
                      federatedprovider: STRING,
                      attributes: map<string,string>>
               >
    >,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    resources ARRAY<STRUCT<
               arn:STRING,
               accountid:STRING,
               type:STRING>>,
    eventtype STRING,
    apiversion STRING,
    readonly STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    vpcendpointaccountid STRING,
    eventcategory STRING,
    addendum STRUCT<
      reason:STRING,
      updatedfields:STRING,
      originalrequestid:STRING,
      originaleventid:STRING>,
    sessioncredentialfromconsole STRING,
    edgedevicedetails STRING,
    tlsdetails STRUCT<
      tlsversion:STRING,
      ciphersuite:STRING,
      clientprovidedhostheader:STRING>"""
DDL = f"""CREATE EXTERNAL TABLE cloudtrail_logs (
{COLUMNS}
  )
PARTITIONED BY (region string, year string, month string, day string)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://{{bucket}}/{BASE}/'"""
PROJECTED_DDL = f"""CREATE EXTERNAL TABLE cloudtrail_logs_pp(
{COLUMNS}
  )
PARTITIONED BY (
   `timestamp` string)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION
  's3://{{bucket}}/{BASE}/us-east-1'
{timestamp_projection(f's3://{{bucket}}/{BASE}/us-east-1/${{timestamp}}')}"""
SERDE_DDL = f"""CREATE EXTERNAL TABLE cloudtrail_logs_serde (
{COLUMNS}
)
ROW FORMAT SERDE 'com.amazon.emr.hive.serde.CloudTrailSerde'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://{{bucket}}/{BASE}/us-east-1/2024/06/01/'"""

ANN = {"type": "IAMUser", "principalId": "AIDACKCEVSQ6C2EXAMPLE", "arn": f"arn:aws:iam::{ACCOUNT}:user/ann",
       "accountId": ACCOUNT, "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "ann"}
ROLE = {"type": "AssumedRole", "principalId": "AROAEXAMPLE:deploy", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/deploy",
        "accountId": ACCOUNT, "accessKeyId": "ASIAEXAMPLE",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                                             "arn": f"arn:aws:iam::{ACCOUNT}:role/ci", "accountId": ACCOUNT,
                                             "userName": "ci"},
                           "webIdFederationData": {"federatedProvider": "arn:aws:iam::111122223333:oidc-provider/"
                                                                        "token.actions.githubusercontent.com",
                                                   "attributes": {"aud": "sts.amazonaws.com"}},
                           "attributes": {"creationDate": "2024-06-01T09:59:00Z", "mfaAuthenticated": "false"}}}


def event(time, source, name, identity, ip, request_id, params=None, response=None, **extra):
    return {"eventVersion": "1.09", "userIdentity": identity, "eventTime": time, "eventSource": source,
            "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": "aws-cli/2.15.0",
            "requestParameters": params, "responseElements": response, "requestID": request_id,
            "eventID": f"ev-{request_id}", "readOnly": name.startswith(("Get", "List", "Describe")),
            "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCOUNT,
            "eventCategory": "Management", **extra}


TLS12 = {"tlsVersion": "TLSv1.2", "cipherSuite": "ECDHE-RSA-AES128-GCM-SHA256",
         "clientProvidedHostHeader": "s3.us-east-1.amazonaws.com"}
FILES = {
    "2024/06/01": [
        event("2024-06-01T10:00:03Z", "signin.amazonaws.com", "ConsoleLogin", ANN, "198.51.100.1", "r1",
              response={"ConsoleLogin": "Success"},
              additionalEventData={"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No",
                                   "MFAUsed": "Yes"}, eventType="AwsConsoleSignIn"),
        event("2024-06-01T10:01:00Z", "s3.amazonaws.com", "GetObject",
              {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}, "203.0.113.50", "r2",
              params={"bucketName": "amzn-s3-demo-bucket", "Host": "amzn-s3-demo-bucket.s3.amazonaws.com",
                      "key": "public/report.pdf"},
              resources=[{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::amzn-s3-demo-bucket/public/report.pdf"},
                         {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::amzn-s3-demo-bucket"}],
              tlsDetails=TLS12, eventCategory="Data"),
        event("2024-06-01T10:02:30Z", "sts.amazonaws.com", "AssumeRoleWithWebIdentity", ROLE, "192.0.2.77", "r3",
              params={"roleArn": f"arn:aws:iam::{ACCOUNT}:role/ci", "roleSessionName": "deploy",
                      "durationSeconds": 3600},
              tlsDetails={"tlsVersion": "TLSv1.1", "cipherSuite": "ECDHE-RSA-AES128-SHA",
                          "clientProvidedHostHeader": "sts.amazonaws.com"}),
    ],
    "2024/06/02": [
        event("2024-06-02T08:15:00Z", "s3.amazonaws.com", "DeleteBucket", ROLE, "192.0.2.77", "r4",
              params={"bucketName": "amzn-s3-demo-bucket", "Host": "s3.amazonaws.com"},
              errorCode="AccessDenied", errorMessage="Access Denied", tlsDetails=TLS12),
        event("2024-06-02T23:59:59Z", "iam.amazonaws.com", "ListUsers", ANN, "198.51.100.1", "r5",
              params={"maxItems": 100, "pathPrefix": "/"},
              tlsDetails={"tlsVersion": "TLSv1", "cipherSuite": "AES128-SHA",
                          "clientProvidedHostHeader": "iam.amazonaws.com"},
              addendum={"reason": "DELIVERY_DELAY", "originalRequestID": "r5-orig"}),
    ],
}


@pytest.fixture
def trail(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    for day, events in FILES.items():
        for index, half in enumerate((events[:2], events[2:])):
            stamp = day.replace("/", "")
            key = f"{BASE}/us-east-1/{day}/{ACCOUNT}_CloudTrail_us-east-1_{stamp}T10{index}5Z_Xy9{index}aBcD.json.gz"
            s3.put_object(Bucket=bucket, Key=key, Body=gzip.compress(json.dumps({"Records": half}).encode()))
    s3.put_object(Bucket=bucket, Key=f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/us-east-1/2024/06/01/"
                                     f"{ACCOUNT}_CloudTrail-Digest_us-east-1_trail_us-east-1_20240601T110000Z.json.gz",
                  Body=gzip.compress(b'{"awsAccountId": "111122223333", "logFiles": []}'))
    return lambda sql: athena_rows(athena, sql, database, f"s3://{bucket}/athena-results/")


def test_manual_partitions_and_the_guides_questions(trail, bucket):
    assert trail(DDL.replace("{bucket}", bucket)) == []
    for day in FILES:
        year, month, dd = day.split("/")
        assert trail(f"ALTER TABLE cloudtrail_logs ADD PARTITION (region='us-east-1', year='{year}', month='{month}', "
                     f"day='{dd}') LOCATION 's3://{bucket}/{BASE}/us-east-1/{year}/{month}/{dd}/'") == []
    assert sorted(trail("""SELECT
 useridentity.arn,
 eventname,
 sourceipaddress,
 eventtime
FROM cloudtrail_logs
LIMIT 100"""), key=lambda row: [value or "" for value in row]) == [
        [None, "GetObject", "203.0.113.50", "2024-06-01T10:01:00Z"],
        [f"arn:aws:iam::{ACCOUNT}:user/ann", "ConsoleLogin", "198.51.100.1", "2024-06-01T10:00:03Z"],
        [f"arn:aws:iam::{ACCOUNT}:user/ann", "ListUsers", "198.51.100.1", "2024-06-02T23:59:59Z"],
        [f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/deploy", "AssumeRoleWithWebIdentity", "192.0.2.77",
         "2024-06-01T10:02:30Z"],
        [f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/deploy", "DeleteBucket", "192.0.2.77", "2024-06-02T08:15:00Z"]]
    # Console sign-ins in a time range, with the JSON text of their additional data.
    assert trail("""SELECT useridentity.username, sourceipaddress, eventtime, additionaleventdata, responseelements
FROM cloudtrail_logs
WHERE eventname = 'ConsoleLogin'
      AND eventtime >= '2024-06-01T00:00:00Z'
      AND eventtime < '2024-06-02T00:00:00Z'""") == [
        ["ann", "198.51.100.1", "2024-06-01T10:00:03Z",
         '{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"Yes"}',
         '{"ConsoleLogin":"Success"}']]
    # Callers still on TLS 1.0 and 1.1.
    assert trail("""SELECT eventsource, tlsdetails.tlsversion, count(*) AS calls
FROM cloudtrail_logs
WHERE tlsdetails.tlsversion IN ('TLSv1', 'TLSv1.1')
GROUP BY eventsource, tlsdetails.tlsversion
ORDER BY eventsource""") == [["iam.amazonaws.com", "TLSv1", "1"], ["sts.amazonaws.com", "TLSv1.1", "1"]]
    # Anonymous S3 requests, with the object out of the request parameters' text.
    assert trail("""SELECT eventname, json_extract_scalar(requestparameters, '$.bucketName') AS bucket,
       json_extract_scalar(requestparameters, '$.key') AS object, resources[2].accountid, cardinality(resources)
FROM cloudtrail_logs
WHERE eventsource = 's3.amazonaws.com' AND useridentity.accountid = 'anonymous'""") == [
        ["GetObject", "amzn-s3-demo-bucket", "public/report.pdf", ACCOUNT, "2"]]


def test_nested_identity_and_text_fields(trail, bucket):
    assert trail(DDL.replace("{bucket}", bucket)) == []
    assert trail(f"ALTER TABLE cloudtrail_logs ADD PARTITION (region='us-east-1', year='2024', month='06', "
                 f"day='02') LOCATION 's3://{bucket}/{BASE}/us-east-1/2024/06/02/'") == []
    assert trail("SELECT useridentity.sessioncontext.sessionissuer.username, "
                 "useridentity.sessioncontext.webidfederationdata.attributes['aud'], "
                 "useridentity.sessioncontext.attributes.mfaauthenticated, errorcode, errormessage, requestparameters, "
                 "readonly, day FROM cloudtrail_logs WHERE eventname = 'DeleteBucket'") == [
        ["ci", "sts.amazonaws.com", "false", "AccessDenied", "Access Denied",
         '{"bucketName":"amzn-s3-demo-bucket","Host":"s3.amazonaws.com"}', "false", "02"]]
    assert trail("SELECT requestparameters, CAST(json_extract_scalar(requestparameters, '$.maxItems') AS integer) + 1, "
                 "addendum.reason, addendum.originalrequestid, addendum.updatedfields, useridentity.sessioncontext "
                 "FROM cloudtrail_logs WHERE eventname = 'ListUsers'") == [
        ['{"maxItems":100,"pathPrefix":"/"}', "101", "DELIVERY_DELAY", "r5-orig", None, None]]


def test_projected_timestamp_and_the_cloudtrail_serde(trail, bucket):
    assert trail(PROJECTED_DDL.replace("{bucket}", bucket)) == []
    assert trail("SELECT \"timestamp\", count(*), count(errorcode) FROM cloudtrail_logs_pp "
                 "WHERE \"timestamp\" >= '2024/06/01' AND \"timestamp\" < '2024/06/03' GROUP BY 1 ORDER BY 1") == [
        ["2024/06/01", "3", "0"], ["2024/06/02", "2", "1"]]
    assert trail(SERDE_DDL.replace("{bucket}", bucket)) == []
    assert trail("SELECT eventname, useridentity.type, eventcategory, tlsdetails.ciphersuite FROM cloudtrail_logs_serde "
                 "ORDER BY eventtime") == [
        ["ConsoleLogin", "IAMUser", "Management", None],
        ["GetObject", "AWSAccount", "Data", "ECDHE-RSA-AES128-GCM-SHA256"],
        ["AssumeRoleWithWebIdentity", "AssumedRole", "Management", "ECDHE-RSA-AES128-SHA"]]


def test_the_table_as_athena_describes_it(trail, client, bucket, database):
    """The JSON SerDe tells its own columns: DESCRIBE and SHOW CREATE TABLE give each the
    comment 'from deserializer' (the DDL of CloudTrail tables users copy out of Athena);
    partition keys keep their own (none)."""
    assert trail(DDL.replace("{bucket}", bucket)) == []
    athena, s3 = client("athena"), client("s3")

    def lines(sql):
        execution = athena_execution(athena, sql, database, f"s3://{bucket}/athena-results/")
        where = execution["ResultConfiguration"]["OutputLocation"][len(f"s3://{bucket}/"):]
        return s3.get_object(Bucket=bucket, Key=where)["Body"].read().decode().split("\n")
    described = lines("DESCRIBE cloudtrail_logs")
    assert described[0] == "eventversion        \tstring              \tfrom deserializer   "
    assert described[2:4] == ["eventtime           \tstring              \tfrom deserializer   ",
                              "eventsource         \tstring              \tfrom deserializer   "]
    assert described[29:33] == ["region              \tstring              \t                    ",
                                "year                \tstring              \t                    ",
                                "month               \tstring              \t                    ",
                                "day                 \tstring              \t                    "]
    created = lines("SHOW CREATE TABLE cloudtrail_logs")
    assert created[:2] == [f"CREATE EXTERNAL TABLE `{database}`.`cloudtrail_logs`(",
                           "  `eventversion` string COMMENT 'from deserializer',"]
    assert created[created.index("PARTITIONED BY ("):][:6] == [
        "PARTITIONED BY (", "  `region` string,", "  `year` string,", "  `month` string,", "  `day` string)",
        "ROW FORMAT SERDE"]
