"""POST form uploads (post_upload.post_object), against a real S3 store, without HTTP."""
import asyncio
import base64
import hashlib
import json
import types

import pytest

from lakebox.services.s3 import post_upload, public, store
from lakebox.storage.blobs import BlobStore
from lakebox.storage.clock import Clock
from lakebox.storage.db import Database

from s3_unit_helpers import raises_s3

ACCOUNT = "123456789012"
NOW = 1_800_000_000.0       # 2027-01-15T08:00:00Z


@pytest.fixture
def ctx(tmp_path):
    db = Database(None)
    db.migrate("s3", store.SCHEMA)
    memory = {}
    state = types.SimpleNamespace(db=db, blobs=BlobStore(str(tmp_path / "blobs"), durable=False), clock=Clock(db),
                                  config=types.SimpleNamespace(), cache=lambda name: memory.setdefault(name, {}))
    store.insert_bucket(db, "uploads", ACCOUNT, "us-east-1", 0.0, False)
    return types.SimpleNamespace(state=state, account=ACCOUNT, region="us-east-1", now=NOW, request_id="req-1",
                                 operation="PutObject",
                                 headers={"host": "localhost:4566"}, caller_arn=f"arn:aws:iam::{ACCOUNT}:root",
                                 access_key="test", limits_on=True, anonymous=False,
                                 request=types.SimpleNamespace(query_dict=dict))


def policy(conditions, expiration="2027-01-15T09:00:00Z") -> str:
    return base64.b64encode(json.dumps({"expiration": expiration, "conditions": conditions}).encode()).decode()


def post(ctx, fields, data=b"hello form", filename="report.csv"):
    path = public.temp_path(ctx.state)
    with open(path, "wb") as f:
        f.write(data)
    return asyncio.run(post_upload.post_object(ctx, fields, path, bucket="uploads", filename=filename)), path


def signed(fields, conditions, **policy_args):
    return {**fields, "policy": policy(conditions, **policy_args), "x-amz-algorithm": "AWS4-HMAC-SHA256",
            "x-amz-credential": "test/20270115/us-east-1/s3/aws4_request", "x-amz-date": "20270115T080000Z",
            "x-amz-signature": "0" * 64}


SIGNING = [{"x-amz-algorithm": "AWS4-HMAC-SHA256"}, {"x-amz-credential": "test/20270115/us-east-1/s3/aws4_request"},
           {"x-amz-date": "20270115T080000Z"}]


def test_filename_substitution_metadata_and_default_204(ctx):
    fields = signed({"key": "in/${filename}", "Content-Type": "text/csv", "x-amz-meta-owner": "ana"},
                    SIGNING + [{"bucket": "uploads"}, ["starts-with", "$key", "in/"],
                               ["starts-with", "$Content-Type", "text/"], {"x-amz-meta-owner": "ana"},
                               ["content-length-range", 1, 100]])
    (status, headers, body), _ = post(ctx, fields)
    assert status == 204 and body == b""
    assert headers["ETag"] == '"' + hashlib.md5(b"hello form").hexdigest() + '"'
    assert headers["Location"] == "http://localhost:4566/uploads/in%2Freport.csv"
    assert public.get_object(ctx.state, "uploads", "in/report.csv") == b"hello form"
    row = store.latest(ctx.state.db, "uploads", "in/report.csv")
    attrs = store.loads(row["attrs"])
    assert attrs["ContentType"] == "text/csv" and attrs["Metadata"] == {"owner": "ana"}


def test_success_action_status_and_redirect(ctx):
    (status, headers, body), _ = post(ctx, {"key": "a.txt", "success_action_status": "201"})
    assert status == 201 and headers["Content-Type"] == "application/xml"
    assert b"<Bucket>uploads</Bucket><Key>a.txt</Key><ETag>\"" in body
    assert b"<Location>http://localhost:4566/uploads/a.txt</Location>" in body
    (status, headers, body), _ = post(ctx, {"key": "in/pré sident.jpg", "success_action_status": "201"})
    assert b"<Location>http://localhost:4566/uploads/in%2Fpr%C3%A9%20sident.jpg</Location>" in body
    assert "<Key>in/pré sident.jpg</Key>".encode() in body
    (status, headers, _), _ = post(ctx, {"key": "b.txt", "success_action_status": "200"})
    assert status == 200
    (status, headers, _), _ = post(ctx, {"key": "c d.txt", "success_action_redirect": "https://example.com/done?x=1"})
    assert status == 303
    assert headers["Location"].startswith("https://example.com/done?x=1&bucket=uploads&key=c+d.txt&etag=")


def test_policy_failures(ctx):
    base = SIGNING + [{"bucket": "uploads"}, ["starts-with", "$key", "in/"]]
    cases = [
        (signed({"key": "out/x"}, base), "AccessDenied",
         'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "in/"]'),
        # an object condition is named in its array form, the policy's spelling of the field kept
        (signed({"key": "in/x", "Content-Type": "text/plain"}, base + [{"Content-Type": "image/jpeg"}]),
         "AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/jpeg"]'),
        (signed({"key": "in/x"}, base, expiration="2027-01-15T07:00:00Z"), "AccessDenied",
         "Invalid according to Policy: Policy expired."),
        (signed({"key": "in/x", "x-amz-meta-extra": "1"}, base), "AccessDenied",
         "Invalid according to Policy: Extra input fields: x-amz-meta-extra"),
        (signed({"key": "in/x"}, base + [["content-length-range", 100, 200]]), "EntityTooSmall", None),
        (signed({"key": "in/x"}, base + [["content-length-range", 0, 3]]), "EntityTooLarge", None),
        # a bound that is no number fails the condition, 403 (recorded against AWS, issue 15)
        (signed({"key": "in/x"}, base + [["content-length-range", "test", 10]]), "AccessDenied",
         'Invalid according to Policy: Policy Condition failed: ["content-length-range", "test", 10]'),
        # S3's recorded refusals of policies it cannot read
        (signed({"key": "in/x"}, base + [{"bucket": "uploads", "key": "in/x"}]), "InvalidPolicyDocument",
         "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."),
        (signed({"key": "in/x"}, base + [{"content-length": 6199034}]), "InvalidPolicyDocument",
         "Invalid Policy: Invalid Simple-Condition: value must be a string."),
        (signed({"key": "in/x"}, base + [{"success_action_redirect": None}]), "InvalidPolicyDocument",
         "Invalid Policy: Invalid JSON."),
        (signed({"key": "in/x"}, base, expiration="2027-01-15T10:52:58+02:00"), "InvalidPolicyDocument",
         "Invalid Policy: Invalid 'expiration' value: '2027-01-15T10:52:58+02:00'"),
        (signed({"key": "in/x"}, base, expiration="2027-01-15 09:00:00 UTC"), "InvalidPolicyDocument",
         "Invalid Policy: Invalid 'expiration' value: '2027-01-15 09:00:00 UTC'"),
        # a condition naming no field ("key" for "$key") fails, 403
        (signed({"key": "in/x"}, base + [["eq", "key", "in/x"]]), "AccessDenied",
         'Invalid according to Policy: Policy Condition failed: ["eq", "key", "in/x"]'),
        ({"key": "in/x", "policy": "not base64 json"}, "InvalidPolicyDocument", None),
        ({"Content-Type": "text/plain"}, "InvalidArgument", None),
    ]
    for fields, error, message in cases:
        with raises_s3(error) as raised:
            post(ctx, fields)
        if message:
            assert raised.value.message == message
    assert store.latest(ctx.state.db, "uploads", "in/x") is None


def test_failed_upload_leaves_no_temp_file(ctx):
    import os
    path = public.temp_path(ctx.state)
    with open(path, "wb") as f:
        f.write(b"x")
    with raises_s3("AccessDenied"):
        asyncio.run(post_upload.post_object(ctx, signed({"key": "k"}, [], expiration="2000-01-01T00:00:00Z"),
                                            path, bucket="uploads"))
    assert not os.path.exists(path)


def test_boto3_generate_presigned_post_fields_are_accepted(ctx):
    import time

    import boto3
    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
                          endpoint_url="http://localhost:4566")
    presigned = client.generate_presigned_post(
        "uploads", "drop/${filename}", Fields={"Content-Type": "text/csv", "success_action_status": "201"},
        Conditions=[{"Content-Type": "text/csv"}, {"success_action_status": "201"},
                    ["content-length-range", 1, 1024]], ExpiresIn=600)
    ctx.now = time.time()
    (status, _, body), _ = post(ctx, presigned["fields"], data=b"a,b\n1,2\n", filename="day 1.csv")
    assert status == 201 and b"<Key>drop/day 1.csv</Key>" in body
    assert public.get_object(ctx.state, "uploads", "drop/day 1.csv") == b"a,b\n1,2\n"
    ctx.now = time.time() + 601
    with raises_s3("AccessDenied"):
        post(ctx, presigned["fields"])
