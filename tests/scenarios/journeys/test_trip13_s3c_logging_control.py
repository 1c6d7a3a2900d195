"""A platform team points server access logs of a bucket at its log buckets, as S3 took it
in us-east-1 (radkawar/stackd testdata/aws/s3/logging_control_replay.json,
destination-admission-grants-and-requester-pays and
expected-owner-and-foreign-control-authority): TargetGrants towards a target whose ACLs
are disabled (BucketOwnerEnforced) is AccessControlListNotSupported and keeps the previous
setting, an empty TargetGrants is kept, grants are taken once the target has ACLs; and a
role of another account that the source bucket's policy lets set logging points it at
the source owner's target bucket (lakebox said the target does not exist, judging the
caller's account)."""
import json

import boto3
import pytest

from trip_helpers import error_of

OTHER = "222222222222"
ROLE = f"arn:aws:iam::{OTHER}:role/OrganizationAccountAccessRole"


def _logging(s3, bucket):
    found = s3.get_bucket_logging(Bucket=bucket)
    found.pop("ResponseMetadata")
    return found


def test_target_grants_need_a_target_with_acls(client, fresh_bucket):
    s3 = client("s3")
    source, target = fresh_bucket("logs-source"), fresh_bucket("logs-target")
    simple = {"TargetBucket": target, "TargetPrefix": "simple/", "TargetObjectKeyFormat": {"SimplePrefix": {}}}
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": simple})
    owner = s3.get_bucket_acl(Bucket=source)["Owner"]["ID"]
    grants = [{"Grantee": {"Type": "CanonicalUser", "ID": owner}, "Permission": "READ"}]

    granted = {"TargetBucket": target, "TargetPrefix": "grants/", "TargetGrants": grants}
    assert error_of(s3.put_bucket_logging, Bucket=source, BucketLoggingStatus={"LoggingEnabled": granted}) == (
        "AccessControlListNotSupported", "The bucket does not allow ACLs")
    assert _logging(s3, source) == {"LoggingEnabled": simple}
    none = {"TargetBucket": target, "TargetPrefix": "empty-grants/", "TargetGrants": []}
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": none})
    assert _logging(s3, source) == {"LoggingEnabled": none}

    s3.put_bucket_ownership_controls(Bucket=target, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": {**granted, "TargetPrefix": "acl-grants/"}})
    assert _logging(s3, source)["LoggingEnabled"]["TargetGrants"] == grants


@pytest.mark.local_only          # another account's role, by lakebox's account-id access keys
def test_a_granted_role_of_another_account_sets_logging(lakebox_server, client, fresh_bucket):
    s3 = client("s3")
    source, target = fresh_bucket("logs-source"), fresh_bucket("logs-target")
    simple = {"TargetBucket": target, "TargetPrefix": "simple/", "TargetObjectKeyFormat": {"SimplePrefix": {}}}
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": simple})
    sts = boto3.client("sts", endpoint_url=lakebox_server.endpoint, region_name="us-east-1",
                       aws_access_key_id=OTHER, aws_secret_access_key="x")
    keys = sts.assume_role(RoleArn=ROLE, RoleSessionName="logging-native")["Credentials"]
    member = boto3.client("s3", endpoint_url=lakebox_server.endpoint, region_name="us-east-1",
                          aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
                          aws_session_token=keys["SessionToken"])
    assert error_of(member.get_bucket_logging, Bucket=source)[0] == "AccessDenied"
    assert error_of(member.put_bucket_logging, Bucket=source, BucketLoggingStatus={})[0] == "AccessDenied"

    s3.put_bucket_policy(Bucket=source, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": ["s3:GetBucketLogging", "s3:PutBucketLogging"],
         "Resource": f"arn:aws:s3:::{source}"}]}))
    assert member.get_bucket_logging(Bucket=source)["LoggingEnabled"] == simple
    moved = {**simple, "TargetPrefix": "member/"}
    member.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": moved})
    assert _logging(s3, source) == {"LoggingEnabled": moved}
