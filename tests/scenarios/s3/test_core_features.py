"""Less common S3 features with boto3: SSE-C, archives, retention, attributes, policies,
ACL-enabled buckets, copies of multipart objects, deprecated configuration APIs."""
import base64
import datetime
import hashlib
import json
import os
import uuid

import pytest

from edge_helpers import multipart
from s3_helpers import admit_customer_keys
from s3_helpers import MIB, error_of


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("features", delete_args={"BypassGovernanceRetention": True})


def test_customer_provided_keys(s3, bucket):
    admit_customer_keys(s3, bucket)
    key = os.urandom(32)
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    put = s3.put_object(Bucket=bucket, Key="secret", Body=b"classified", **sse)
    assert put["SSECustomerKeyMD5"] == base64.b64encode(hashlib.md5(key).digest()).decode()
    assert s3.get_object(Bucket=bucket, Key="secret", **sse)["Body"].read() == b"classified"
    code, status, _ = error_of(s3.get_object, Bucket=bucket, Key="secret")
    assert (code, status) == ("InvalidRequest", 400)
    code, status, _ = error_of(s3.get_object, Bucket=bucket, Key="secret", SSECustomerAlgorithm="AES256",
                               SSECustomerKey=os.urandom(32))
    assert (code, status) == ("AccessDenied", 403)


@pytest.mark.local_only
def test_archived_objects_need_a_restore(s3, bucket, clock):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    code, status, response = error_of(s3.get_object, Bucket=bucket, Key="cold")
    assert (code, status) == ("InvalidObjectState", 403)
    assert response["Error"]["StorageClass"] == "GLACIER"
    assert s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})["ResponseMetadata"]["HTTPStatusCode"] == 202
    clock(5 * 3600)         # a Standard retrieval from GLACIER: 3-5 hours
    assert 'ongoing-request="false"' in s3.head_object(Bucket=bucket, Key="cold")["Restore"]
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
    s3.put_object(Bucket=bucket, Key="warm", Body=b"x")
    code, status, _ = error_of(s3.restore_object, Bucket=bucket, Key="warm", RestoreRequest={"Days": 1})
    assert (code, status) == ("InvalidObjectState", 403)
    code, status, _ = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", StorageClass="FROZEN")
    assert (code, status) == ("InvalidStorageClass", 400)


def test_retention(s3):
    name = f"retain-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    try:
        until = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=1)
        version = s3.put_object(Bucket=name, Key="k", Body=b"v", ObjectLockMode="GOVERNANCE",
                                ObjectLockRetainUntilDate=until)["VersionId"]
        retention = s3.get_object_retention(Bucket=name, Key="k")["Retention"]
        assert (retention["Mode"], retention["RetainUntilDate"]) == ("GOVERNANCE", until)
        code, status, _ = error_of(s3.delete_object, Bucket=name, Key="k", VersionId=version)
        assert (code, status) == ("AccessDenied", 403)
        s3.delete_object(Bucket=name, Key="k", VersionId=version, BypassGovernanceRetention=True)
    finally:
        s3.delete_bucket(Bucket=name)


def test_object_attributes_of_a_multipart_object(s3, bucket):
    parts = [os.urandom(5 * MIB), b"tail"]
    completed, done, _ = multipart(s3, bucket, "mp", parts, create_args={"ChecksumAlgorithm": "CRC32"},
                                   part_args={"ChecksumAlgorithm": "CRC32"}, with_checksum="ChecksumCRC32")
    attrs = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts", "ObjectSize", "Checksum"])
    assert attrs["ObjectSize"] == 5 * MIB + 4
    assert attrs["ObjectParts"]["TotalPartsCount"] == 2
    assert [(p["PartNumber"], p["Size"], p["ChecksumCRC32"]) for p in attrs["ObjectParts"]["Parts"]] == \
        [(1, 5 * MIB, done[0]["ChecksumCRC32"]), (2, 4, done[1]["ChecksumCRC32"])]
    # Complete (and HEAD) show the composite checksum as "<value>-2"; GetObjectAttributes without "-2".
    assert completed["ChecksumCRC32"] == attrs["Checksum"]["ChecksumCRC32"] + "-2"


def test_copy_of_a_multipart_object_is_single_part(s3, bucket):
    data = os.urandom(5 * MIB) + b"end"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    done = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=n,
                                                     Body=chunk)["ETag"]}
            for n, chunk in ((1, data[:5 * MIB]), (2, data[5 * MIB:]))]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": done})
    copied = s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/mp")
    assert copied["CopyObjectResult"]["ETag"] == '"' + hashlib.md5(data).hexdigest() + '"'
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == data


@pytest.mark.local_only
def test_bucket_policy_lets_another_account_in(lakebox_server, s3, bucket):
    other = lakebox_server.client("s3", aws_access_key_id="111122223333")
    s3.put_object(Bucket=bucket, Key="shared", Body=b"for partners")
    assert error_of(other.get_object, Bucket=bucket, Key="shared")[:2] == ("AccessDenied", 403)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    assert other.get_object(Bucket=bucket, Key="shared")["Body"].read() == b"for partners"
    assert error_of(other.get_bucket_policy, Bucket=bucket)[:2] == ("AccessDenied", 403)


def test_expected_bucket_owner(s3, bucket):
    code, status, _ = error_of(s3.list_objects_v2, Bucket=bucket, ExpectedBucketOwner="999999999999")
    assert (code, status) == ("AccessDenied", 403)


def test_acl_enabled_bucket(s3):
    name = f"acls-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name, ObjectOwnership="ObjectWriter")
    try:
        s3.delete_public_access_block(Bucket=name)
        s3.put_bucket_acl(Bucket=name, ACL="public-read")
        grants = s3.get_bucket_acl(Bucket=name)["Grants"]
        assert {(g["Grantee"].get("URI"), g["Permission"]) for g in grants} >= {
            ("http://acs.amazonaws.com/groups/global/AllUsers", "READ")}
        s3.put_object(Bucket=name, Key="k", Body=b"v", ACL="authenticated-read")
        grants = s3.get_object_acl(Bucket=name, Key="k")["Grants"]
        assert ("http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "READ") in \
            {(g["Grantee"].get("URI"), g["Permission"]) for g in grants}
        s3.delete_object(Bucket=name, Key="k")
    finally:
        s3.delete_bucket(Bucket=name)


def test_deprecated_lifecycle_and_notification_apis(lakebox_server, s3, bucket):
    s3.put_bucket_lifecycle(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "old-style", "Prefix": "tmp/", "Status": "Enabled", "Expiration": {"Days": 3}}]})
    rules = s3.get_bucket_lifecycle(Bucket=bucket)["Rules"]
    assert [(r["ID"], r["Prefix"], r["Expiration"]["Days"]) for r in rules] == [("old-style", "tmp/", 3)]
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["ID"] == "old-style"
    sqs = lakebox_server.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"q-{bucket}"[:80])["QueueUrl"]   # S3 checks the queue exists
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification(Bucket=bucket, NotificationConfiguration={"QueueConfiguration": {
        "Id": "q", "Queue": queue_arn, "Events": ["s3:ObjectCreated:*"]}})
    current = s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]
    assert current == [{"Id": "q", "QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]
    legacy = s3.get_bucket_notification(Bucket=bucket)["QueueConfiguration"]
    assert (legacy["Queue"], legacy["Events"]) == (queue_arn, ["s3:ObjectCreated:*"])
    sqs.delete_queue(QueueUrl=queue_url)


def test_versions_listing_with_delimiter(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for key in ("logs/a", "logs/b", "top"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"1")
        s3.put_object(Bucket=bucket, Key=key, Body=b"2")
    listing = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in listing["CommonPrefixes"]] == ["logs/"]
    assert [(v["Key"], v["IsLatest"]) for v in listing["Versions"]] == [("top", True), ("top", False)]


def test_expiration_header_from_lifecycle(s3, bucket):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
    put = s3.put_object(Bucket=bucket, Key="tmp/x", Body=b"v")
    assert put["Expiration"].startswith('expiry-date="') and put["Expiration"].endswith('rule-id="tmp"')
    assert s3.head_object(Bucket=bucket, Key="tmp/x")["Expiration"] == put["Expiration"]
    assert "Expiration" not in s3.put_object(Bucket=bucket, Key="keep/x", Body=b"v")
