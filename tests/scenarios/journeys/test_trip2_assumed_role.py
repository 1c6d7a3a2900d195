"""A pipeline that runs as a role: it assumes `etl-role` with session tags, builds a
boto3 session from the temporary credentials, writes to S3 and DynamoDB with it; the
bucket policy lets only sessions tagged team=data write under `curated/`; when the
credentials expire on the lakebox clock, S3 and DynamoDB refuse them with AWS's errors,
and a fresh AssumeRole carries on."""
import json
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from trip_helpers import REGION

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/etl-role"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def role_session(lakebox_server, tag_team, name="nightly", duration=900):
    sts = lakebox_server.client("sts", aws_access_key_id=ACCOUNT, aws_secret_access_key="x", config=NO_RETRIES)
    answer = sts.assume_role(RoleArn=ROLE, RoleSessionName=name, DurationSeconds=duration,
                             Tags=[{"Key": "team", "Value": tag_team}])
    credentials = answer["Credentials"]
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name=REGION), answer


def clients(lakebox_server, session):
    return {name: session.client(name, endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)
            for name in ("s3", "dynamodb", "sts")}


def error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"].get("Message")


@pytest.fixture
def account_resources(lakebox_server):
    """A bucket and a table of account 123456789012, made by its admin key."""
    s3 = lakebox_server.client("s3", aws_access_key_id=ACCOUNT, aws_secret_access_key="x", config=NO_RETRIES)
    ddb = lakebox_server.client("dynamodb", aws_access_key_id=ACCOUNT, aws_secret_access_key="x", config=NO_RETRIES)
    bucket, table = f"etl-{uuid.uuid4().hex[:12]}", f"etl-runs-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "OnlyDataTeamWritesCurated", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/curated/*",
        "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}}}]}))
    ddb.create_table(TableName=table, KeySchema=[{"AttributeName": "run", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "run", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    yield bucket, table
    s3.delete_bucket_policy(Bucket=bucket)
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)
    ddb.delete_table(TableName=table)


@pytest.mark.local_only
def test_pipeline_runs_as_its_role_until_the_credentials_expire(lakebox_server, account_resources):
    bucket, table = account_resources
    session, answer = role_session(lakebox_server, "data")
    assert answer["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/etl-role/nightly"
    aws = clients(lakebox_server, session)
    assert aws["sts"].get_caller_identity()["Arn"] == answer["AssumedRoleUser"]["Arn"]

    aws["s3"].put_object(Bucket=bucket, Key="curated/run-1.json", Body=b'{"rows": 42}')
    aws["dynamodb"].put_item(TableName=table, Item={"run": {"S": "run-1"}, "rows": {"N": "42"},
                                                    "by": {"S": answer["AssumedRoleUser"]["Arn"]}})
    assert aws["s3"].get_object(Bucket=bucket, Key="curated/run-1.json")["Body"].read() == b'{"rows": 42}'
    item = aws["dynamodb"].get_item(TableName=table, Key={"run": {"S": "run-1"}}, ConsistentRead=True)["Item"]
    assert item["rows"] == {"N": "42"}

    other, _ = role_session(lakebox_server, "marketing", name="adhoc")
    intruder = clients(lakebox_server, other)
    # The code only: the message S3 gives a caller of the bucket's own account is in
    # test_a_same_account_explicit_deny_names_its_reason below.
    assert error(intruder["s3"].put_object, Bucket=bucket, Key="curated/run-2.json", Body=b"{}")[0] == "AccessDenied"
    intruder["s3"].put_object(Bucket=bucket, Key="scratch/notes.txt", Body=b"allowed outside curated/")

    lakebox_server.advance_clock(901)
    assert error(aws["s3"].get_object, Bucket=bucket, Key="curated/run-1.json") == (
        "ExpiredToken", "The provided token has expired.")
    assert error(aws["dynamodb"].get_item, TableName=table, Key={"run": {"S": "run-1"}}) == (
        "ExpiredTokenException", "The security token included in the request is expired")

    renewed, _ = role_session(lakebox_server, "data", name="nightly-2")
    again = clients(lakebox_server, renewed)
    again["s3"].put_object(Bucket=bucket, Key="curated/run-2.json", Body=b'{"rows": 7}')
    assert [o["Key"] for o in again["s3"].list_objects_v2(Bucket=bucket)["Contents"]] == [
        "curated/run-1.json", "curated/run-2.json", "scratch/notes.txt"]
    assert again["dynamodb"].scan(TableName=table)["Count"] == 1


@pytest.mark.local_only
def test_a_session_policy_narrows_what_the_session_may_do(lakebox_server, account_resources):
    bucket, _ = account_resources
    sts = lakebox_server.client("sts", aws_access_key_id=ACCOUNT, aws_secret_access_key="x", config=NO_RETRIES)
    read_only = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::{bucket}/*"}]})
    credentials = sts.assume_role(RoleArn=ROLE, RoleSessionName="reader", Policy=read_only,
                                  Tags=[{"Key": "team", "Value": "data"}])["Credentials"]
    session = boto3.Session(aws_access_key_id=credentials["AccessKeyId"], region_name=REGION,
                            aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["SessionToken"])
    made = clients(lakebox_server, session)
    s3, sts = made["s3"], made["sts"]
    assert error(s3.put_object, Bucket=bucket, Key="curated/x.json", Body=b"{}") == (
        "AccessDenied", f"User: {sts.get_caller_identity()['Arn']} is not authorized to perform: "
                        f's3:PutObject on resource: "arn:aws:s3:::{bucket}/curated/x.json" because no session policy '
                        "allows the s3:PutObject action")


@pytest.mark.local_only
def test_a_same_account_explicit_deny_names_its_reason(lakebox_server, account_resources):
    bucket, _ = account_resources
    session, answer = role_session(lakebox_server, "marketing", name="adhoc")
    s3 = clients(lakebox_server, session)["s3"]
    assert error(s3.put_object, Bucket=bucket, Key="curated/run-2.json", Body=b"{}") == (
        "AccessDenied", f"User: {answer['AssumedRoleUser']['Arn']} is not authorized to perform: s3:PutObject on "
                        f'resource: "arn:aws:s3:::{bucket}/curated/run-2.json" with an explicit deny in a '
                        "resource-based policy")
