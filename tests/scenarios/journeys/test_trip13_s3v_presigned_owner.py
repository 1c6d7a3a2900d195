"""A partner downloads reports through presigned URLs that pin the bucket's owner
(capture: S3 presigned_headers, S3's answers to presigned GETs). The expected bucket
owner travels in the URL's query: the right account gets the object, another account is
403 AccessDenied, and a request that also sends the x-amz-expected-bucket-owner header --
even with the same account -- is 400 InvalidBucketOwnerAWSAccountID."""
import urllib.error
import urllib.request
import uuid

import pytest


@pytest.fixture
def report(client):
    s3 = client("s3")
    name = "trip13-presign-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="owned-presign-object", Body=b"owned synthetic payload bytes")
    account = client("sts").get_caller_identity()["Account"]
    yield s3, name, account
    s3.delete_object(Bucket=name, Key="owned-presign-object")
    s3.delete_bucket(Bucket=name)


def fetch(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_presigned_expected_owner(report):
    s3, bucket, account = report
    def url(owner):
        return s3.generate_presigned_url("get_object", ExpiresIn=300, Params={
            "Bucket": bucket, "Key": "owned-presign-object", "ExpectedBucketOwner": owner})
    mine = url(account)
    assert "x-amz-expected-bucket-owner=" in mine.lower()
    assert fetch(mine) == (200, b"owned synthetic payload bytes")
    status, body = fetch(url("999999999999"))
    assert (status, b"<Code>AccessDenied</Code>" in body) == (403, True)
    status, body = fetch(mine, {"x-amz-expected-bucket-owner": account})
    assert status == 400
    assert b"<Code>InvalidBucketOwnerAWSAccountID</Code>" in body
    assert b"Expected bucket owner must be provided as either a header or parameter, not both" in body
