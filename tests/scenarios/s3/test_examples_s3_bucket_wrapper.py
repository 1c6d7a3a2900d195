"""The bucket-management flow of AWS's Python S3 examples (the bucket wrapper's demo),
step by step with the boto3 resource API: three buckets created in the client's region
and waited for, one deleted and waited away, the account's buckets listed, the Log
Delivery group granted WRITE by ACL, CORS rules, a bucket policy and lifecycle rules
put, read and deleted, and a presigned POST used to upload."""
import json
import uuid

import pytest
import requests
from botocore.exceptions import ClientError

from examples_helpers import resource_in_region

LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


@pytest.fixture
def s3_resource(lakebox_server):
    return resource_in_region(lakebox_server)


@pytest.fixture
def made(s3_resource):
    buckets = []

    def create(**args):
        bucket = s3_resource.Bucket(f"doc-example-bucket-{uuid.uuid1()}")
        bucket.create(CreateBucketConfiguration={"LocationConstraint": "us-west-2"}, **args)
        bucket.wait_until_exists()
        buckets.append(bucket)
        return bucket

    yield create
    for bucket in buckets:
        try:
            bucket.objects.delete()
            bucket.delete()
        except ClientError as err:
            assert err.response["Error"]["Code"] == "NoSuchBucket"


def _exists(s3_resource, bucket) -> bool:
    try:
        s3_resource.meta.client.head_bucket(Bucket=bucket.name)
        return True
    except ClientError:
        return False


def test_create_delete_and_list(s3_resource, made):
    created = [made() for _ in range(3)]
    doomed = created.pop()
    assert _exists(s3_resource, doomed)
    doomed.delete()
    doomed.wait_until_not_exists()
    assert not _exists(s3_resource, doomed)
    listed = {b.name for b in s3_resource.buckets.all() if b.name.startswith("doc-example-bucket-")}
    assert {b.name for b in created} <= listed
    assert doomed.name not in listed


def test_log_delivery_grant_needs_acls_enabled(made):
    enforced = made()
    acl = enforced.Acl()
    with pytest.raises(ClientError) as caught:
        acl.put(AccessControlPolicy={"Grants": acl.grants + [
            {"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": "WRITE"}], "Owner": acl.owner})
    assert caught.value.response["Error"]["Code"] == "AccessControlListNotSupported"
    assert caught.value.response["Error"]["Message"] == "The bucket does not allow ACLs"

    bucket = made(ObjectOwnership="BucketOwnerPreferred")
    acl = bucket.Acl()
    assert [g["Permission"] for g in acl.grants] == ["FULL_CONTROL"]
    acl.put(AccessControlPolicy={"Grants": acl.grants + [
        {"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": "WRITE"}], "Owner": acl.owner})
    grants = bucket.Acl().grants
    assert {"Grantee": {"Type": "Group", "URI": LOG_DELIVERY}, "Permission": "WRITE"} in grants
    assert len(grants) == 2


def test_cors_policy_and_lifecycle(made):
    bucket = made()
    rules = [{"AllowedOrigins": ["http://www.example.com"], "AllowedMethods": ["PUT", "POST", "DELETE"],
              "AllowedHeaders": ["*"]}]
    bucket.Cors().put(CORSConfiguration={"CORSRules": rules})
    assert bucket.Cors().cors_rules == rules
    bucket.Cors().delete()
    with pytest.raises(ClientError) as caught:
        bucket.Cors().load()
    assert caught.value.response["Error"]["Code"] == "NoSuchCORSConfiguration"

    policy = {"Version": "2012-10-17", "Id": str(uuid.uuid1()), "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/Martha"},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{bucket.name}/*", f"arn:aws:s3:::{bucket.name}"]}]}
    bucket.Policy().put(Policy=json.dumps(policy))
    assert json.loads(bucket.Policy().policy) == policy
    bucket.Policy().delete()
    with pytest.raises(ClientError) as caught:
        bucket.Policy().load()
    assert caught.value.response["Error"]["Code"] == "NoSuchBucketPolicy"

    lifecycle = [{"ID": str(uuid.uuid1()), "Filter": {"Prefix": "monsters/"}, "Status": "Enabled",
                  "Expiration": {"Days": 28}}]
    bucket.LifecycleConfiguration().put(LifecycleConfiguration={"Rules": lifecycle})
    assert bucket.LifecycleConfiguration().rules == lifecycle
    bucket.LifecycleConfiguration().delete()
    with pytest.raises(ClientError) as caught:
        bucket.LifecycleConfiguration().load()
    assert caught.value.response["Error"]["Code"] == "NoSuchLifecycleConfiguration"


def test_presigned_post_uploads(made):
    bucket = made()
    post = bucket.meta.client.generate_presigned_post(Bucket=bucket.name, Key="uploads/hello.txt", ExpiresIn=600)
    answer = requests.post(post["url"], data=post["fields"], files={"file": ("hello.txt", b"posted body")},
                           timeout=10)
    assert answer.status_code == 204
    assert bucket.Object("uploads/hello.txt").get()["Body"].read() == b"posted body"
