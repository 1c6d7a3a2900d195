"""A nightly reporting job runs as a role session whose session policy names only the
reporting access point: IAM judges a request made through an access point on the access
point's ARN (`arn:aws:s3:<region>:<account>:accesspoint/<name>`, its objects under
`/object/<key>`: S3 User Guide, "Configuring IAM policies for using access points"),
so the job reads and lists through the alias, while the same keys by the bucket's own
name, and writes through the alias, are refused in IAM's words (IAM User Guide,
"Session policies"; the words of S3's same-account AccessDenied). A session scoped to
the bucket's ARN instead reads by the bucket's name and is refused through the access
point."""
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from s3ap_helpers import control_client
from sec_sessions import NO_RETRIES


def scoped_s3(lakebox_server, client, account, *statements):
    answer = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/nightly-reports", RoleSessionName=f"run-{uuid.uuid4().hex[:6]}",
        Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))
    creds = answer["Credentials"]
    return answer["AssumedRoleUser"]["Arn"], lakebox_server.client(
        "s3", config=NO_RETRIES, aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])


def refusal(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    error = caught.value.response["Error"]
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], error["Code"], error["Message"]


def test_reporting_session_scoped_to_an_access_point(lakebox_server, client, bucket):
    account = client("sts").get_caller_identity()["Account"]
    control, s3 = control_client(lakebox_server), client("s3")
    name = f"reports-{uuid.uuid4().hex[:8]}"
    point_arn = f"arn:aws:s3:us-east-1:{account}:accesspoint/{name}"
    alias = control.create_access_point(AccountId=account, Name=name, Bucket=bucket)["Alias"]
    try:
        s3.put_object(Bucket=bucket, Key="reports/daily.csv", Body=b"day,total\n2026-12-04,41\n")
        session_arn, job = scoped_s3(lakebox_server, client, account,
                                     {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                                      "Resource": [point_arn, f"{point_arn}/object/reports/*"]})
        assert job.get_object(Bucket=alias, Key="reports/daily.csv")["Body"].read() == b"day,total\n2026-12-04,41\n"
        assert [o["Key"] for o in job.list_objects_v2(Bucket=alias, Prefix="reports/")["Contents"]] == [
            "reports/daily.csv"]
        assert refusal(job.get_object, Bucket=bucket, Key="reports/daily.csv") == (
            403, "AccessDenied",
            f'User: {session_arn} is not authorized to perform: s3:GetObject on resource: '
            f'"arn:aws:s3:::{bucket}/reports/daily.csv" because no session policy allows the s3:GetObject action')
        assert refusal(job.put_object, Bucket=alias, Key="reports/weekly.csv", Body=b"x") == (
            403, "AccessDenied",
            f'User: {session_arn} is not authorized to perform: s3:PutObject on resource: '
            f'"{point_arn}/object/reports/weekly.csv" because no session policy allows the s3:PutObject action')

        session_arn, by_bucket = scoped_s3(lakebox_server, client, account,
                                           {"Effect": "Allow", "Action": "s3:GetObject",
                                            "Resource": f"arn:aws:s3:::{bucket}/reports/*"})
        assert by_bucket.get_object(Bucket=bucket, Key="reports/daily.csv")["ContentLength"] == 24
        assert refusal(by_bucket.get_object, Bucket=alias, Key="reports/daily.csv") == (
            403, "AccessDenied",
            f'User: {session_arn} is not authorized to perform: s3:GetObject on resource: '
            f'"{point_arn}/object/reports/daily.csv" because no session policy allows the s3:GetObject action')
    finally:
        control.delete_access_point(AccountId=account, Name=name)
