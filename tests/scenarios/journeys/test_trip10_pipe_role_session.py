"""A nightly ingest that runs as a role, as a platform team hands it to a data engineer:
the job assumes `pipeline-role` (session `ingest-0501`) and builds every client it uses
from those session credentials. Files dropped in the landing bucket are announced on an
SQS queue (the event names the role session that wrote the object); the worker reads
each file, writes its rows to DynamoDB, tells the `loaded` queue (whose messages carry
the role session as their SenderId), and the engineer checks the day in Athena over a
table the session declared in Glue (which records the session as its creator).
GetCallerIdentity shows who every call was made as."""
import json
import uuid
from urllib.parse import unquote_plus

import boto3
import pytest
from botocore.config import Config

from trip_helpers import KEY, REGION, SECRET, athena_rows, keyed_table, wait_for

NO_RETRIES = Config(retries={"total_max_attempts": 1})
ACCOUNT = "000000000000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/pipeline-role"
SESSION = "ingest-0501"


@pytest.fixture
def role(lakebox_server):
    """The role session's boto3 Session and its AssumeRole answer."""
    sts = lakebox_server.client("sts", aws_access_key_id=KEY, aws_secret_access_key=SECRET, config=NO_RETRIES)
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName=SESSION, DurationSeconds=3600)
    credentials = answer["Credentials"]
    session = boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                            aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["SessionToken"], region_name=REGION)

    def client(name):
        return session.client(name, endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)
    return client, answer["AssumedRoleUser"]


def test_pipeline_runs_as_the_role_session(client, resource, bucket, database, sqs_queues, table_name, role):
    as_role, user = role
    s3, sqs, glue, athena = as_role("s3"), as_role("sqs"), as_role("glue"), as_role("athena")
    dynamodb = as_role("dynamodb")
    identity = as_role("sts").get_caller_identity()
    assert (identity["UserId"], identity["Account"], identity["Arn"]) == (user["AssumedRoleId"], ACCOUNT, user["Arn"])
    assert user["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/pipeline-role/{SESSION}"
    assert user["AssumedRoleId"].startswith("AROA") and user["AssumedRoleId"].endswith(f":{SESSION}")

    landing, loaded = sqs_queues("landing"), sqs_queues("loaded")
    landing_arn = sqs.get_queue_attributes(QueueUrl=landing, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{
        "QueueArn": landing_arn, "Events": ["s3:ObjectCreated:Put"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "drop/"}]}}}]})
    keyed_table(resource("dynamodb"), table_name, "id")
    for message in sqs.receive_message(QueueUrl=landing, MaxNumberOfMessages=10).get("Messages", []):
        sqs.delete_message(QueueUrl=landing, ReceiptHandle=message["ReceiptHandle"])   # s3:TestEvent

    s3.put_object(Bucket=bucket, Key="drop/2024-05-01/part 1.json",
                  Body=b'{"id": "a1", "qty": 3}\n{"id": "a2", "qty": 4}\n')
    messages = sqs.receive_message(QueueUrl=landing, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    records = [r for m in messages for r in json.loads(m["Body"])["Records"]]
    assert [(r["eventName"], r["s3"]["object"]["key"], r["userIdentity"]) for r in records] == [
        ("ObjectCreated:Put", "drop/2024-05-01/part+1.json", {"principalId": f"AWS:{user['AssumedRoleId']}"})]

    for record in records:
        key = unquote_plus(record["s3"]["object"]["key"])
        lines = s3.get_object(Bucket=bucket, Key=key)["Body"].read().splitlines()
        for line in lines:
            row = json.loads(line)
            dynamodb.put_item(TableName=table_name, Item={"id": {"S": row["id"]}, "qty": {"N": str(row["qty"])},
                                                          "file": {"S": key}})
        sqs.send_message(QueueUrl=loaded, MessageBody=json.dumps({"file": key, "rows": len(lines)}))
    sqs.delete_message_batch(QueueUrl=landing, Entries=[
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])

    done = client("sqs").receive_message(QueueUrl=loaded, MessageSystemAttributeNames=["SenderId"])["Messages"]
    assert [(json.loads(m["Body"]), m["Attributes"]) for m in done] == [
        ({"file": "drop/2024-05-01/part 1.json", "rows": 2}, {"SenderId": user["AssumedRoleId"]})]
    items = dynamodb.scan(TableName=table_name)["Items"]
    assert sorted((i["id"]["S"], int(i["qty"]["N"])) for i in items) == [("a1", 3), ("a2", 4)]

    glue.create_table(DatabaseName=database, TableInput={
        "Name": "drops", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "json"},
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "string"}, {"Name": "qty", "Type": "int"}],
            "Location": f"s3://{bucket}/drop/2024-05-01/",
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}}})
    assert glue.get_table(DatabaseName=database, Name="drops")["Table"]["CreatedBy"] == user["Arn"]
    assert athena_rows(athena, "SELECT count(*), sum(qty) FROM drops", database,
                       f"s3://{bucket}/athena/") == [["2", "7"]]


@pytest.mark.local_only                      # the buffer is flushed by moving the lakebox clock
def test_firehose_deliveries_are_announced_as_its_role(lakebox_server, client, clock, bucket, sqs_queues,
                                                       delivery_streams, role):
    """The same session sends click events through a Firehose delivery stream; the
    objects Firehose writes are announced on the landing queue as written by the
    delivery role's `AWSFirehoseToS3` session, the role id IAM gave the role."""
    as_role, _ = role
    delivery_role = f"arn:aws:iam::{ACCOUNT}:role/firehose-delivery"
    sts = lakebox_server.client("sts", aws_access_key_id=KEY, aws_secret_access_key=SECRET, config=NO_RETRIES)
    role_id = sts.assume_role(RoleArn=delivery_role, RoleSessionName="probe")["AssumedRoleUser"][
        "AssumedRoleId"].split(":")[0]
    sqs = as_role("sqs")
    landing = sqs_queues("clicks-landed")
    arn = sqs.get_queue_attributes(QueueUrl=landing, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    as_role("s3").put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
                                 "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "clicks/"}]}}}]})
    sqs.purge_queue(QueueUrl=landing)
    stream = delivery_streams("clicks", DeliveryStreamType="DirectPut", ExtendedS3DestinationConfiguration={
        "RoleARN": delivery_role, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "clicks/",
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}})
    as_role("firehose").put_record_batch(DeliveryStreamName=stream, Records=[
        {"Data": json.dumps({"click": n}).encode() + b"\n"} for n in range(3)])
    clock(61)

    def announced():
        got = sqs.receive_message(QueueUrl=landing, WaitTimeSeconds=1).get("Messages", [])
        return [r for m in got for r in json.loads(m["Body"]).get("Records", [])]
    records = wait_for(announced)
    assert [(r["eventName"], r["userIdentity"]) for r in records] == [
        ("ObjectCreated:Put", {"principalId": f"AWS:{role_id}:AWSFirehoseToS3"})]
    key = unquote_plus(records[0]["s3"]["object"]["key"])
    assert as_role("s3").get_object(Bucket=bucket, Key=key)["Body"].read().splitlines() == [
        b'{"click": 0}', b'{"click": 1}', b'{"click": 2}']
