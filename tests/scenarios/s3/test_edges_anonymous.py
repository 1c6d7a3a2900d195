"""Unsigned S3 requests are anonymous: they may do only what a bucket grants everyone.

Sources: S3 User Guide, "Access control list (ACL) overview" (AllUsers: "anyone in the
world... requests can be signed or unsigned"; READ on a bucket lists it, WRITE
creates and deletes its objects, READ on an object reads it), "Blocking public access
to your Amazon S3 storage" (IgnorePublicAcls ignores public ACLs; RestrictPublicBuckets
restricts a public policy's bucket to its account and AWS services), "Bucket policy
examples" (Principal "*" grants anonymous users), "Troubleshoot access denied": an
anonymous caller without permission gets 403 AccessDenied "Access Denied".
Requests are sent with plain `urllib` (as curl would) and with boto3 UNSIGNED.
"""
import json

import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config

from s3_helpers import error_of, http

ACCESS_DENIED = b"<Code>AccessDenied</Code><Message>Access Denied</Message>"


@pytest.fixture(scope="module")
def anonymous(lakebox_server):
    return lakebox_server.client("s3", config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}))


@pytest.fixture
def private(s3, make_bucket):
    name = make_bucket("anon-private")
    s3.put_object(Bucket=name, Key="secret.txt", Body=b"private bytes")
    return name


def _open_to_the_public(s3, name):
    s3.delete_public_access_block(Bucket=name)


def _public_read_policy(name, action="s3:GetObject", resource="/*", effect="Allow"):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": effect, "Principal": "*", "Action": action, "Resource": f"arn:aws:s3:::{name}{resource}"}]})


def _url(server, bucket, key=""):
    return f"{server.endpoint}/{bucket}/{key}"


def test_a_plain_get_of_a_private_object_is_access_denied(lakebox_server, private):
    status, _, body = http(_url(lakebox_server, private, "secret.txt"))
    assert status == 403 and ACCESS_DENIED in body


def test_a_plain_put_into_a_private_bucket_is_access_denied_and_stores_nothing(lakebox_server, s3, private):
    status, _, body = http(_url(lakebox_server, private, "k"), method="PUT", data=b"x")
    assert status == 403 and ACCESS_DENIED in body
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=private).get("Contents", [])] == ["secret.txt"]


def test_plain_delete_list_and_head_of_a_private_bucket_are_access_denied(lakebox_server, s3, private):
    assert http(_url(lakebox_server, private, "secret.txt"), method="DELETE")[0] == 403
    assert http(_url(lakebox_server, private) + "?list-type=2")[0] == 403
    assert http(_url(lakebox_server, private), method="HEAD")[0] == 403
    assert s3.get_object(Bucket=private, Key="secret.txt")["Body"].read() == b"private bytes"


def test_boto3_unsigned_calls_are_access_denied(anonymous, private):
    for call, args in ((anonymous.get_object, {"Key": "secret.txt"}), (anonymous.list_objects_v2, {}),
                       (anonymous.put_object, {"Key": "k", "Body": b"x"}), (anonymous.get_bucket_policy, {}),
                       (anonymous.put_bucket_versioning, {"VersioningConfiguration": {"Status": "Enabled"}})):
        code, status, response = error_of(call, Bucket=private, **args)
        assert (code, status, response["Error"]["Message"]) == ("AccessDenied", 403, "Access Denied")


def test_anonymous_list_buckets_and_create_bucket_are_access_denied(lakebox_server, anonymous, s3):
    code, status, _ = error_of(anonymous.list_buckets)
    assert (code, status) == ("AccessDenied", 403)
    code, status, _ = error_of(anonymous.create_bucket, Bucket="anon-never-made-bucket")
    assert (code, status) == ("AccessDenied", 403)
    assert "anon-never-made-bucket" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    status, _, body = http(lakebox_server.endpoint + "/")
    assert status == 403 and ACCESS_DENIED in body


def test_a_missing_bucket_is_still_no_such_bucket(anonymous):
    code, status, _ = error_of(anonymous.get_object, Bucket="anon-no-such-bucket-here", Key="k")
    assert (code, status) == ("NoSuchBucket", 404)


def test_a_public_read_policy_lets_anyone_read_but_not_write_or_list(lakebox_server, s3, anonymous, private):
    _open_to_the_public(s3, private)
    s3.put_bucket_policy(Bucket=private, Policy=_public_read_policy(private))
    status, _, body = http(_url(lakebox_server, private, "secret.txt"))
    assert (status, body) == (200, b"private bytes")
    assert anonymous.head_object(Bucket=private, Key="secret.txt")["ContentLength"] == len(b"private bytes")
    assert http(_url(lakebox_server, private, "k"), method="PUT", data=b"x")[0] == 403
    assert error_of(anonymous.list_objects_v2, Bucket=private)[:2] == ("AccessDenied", 403)
    # No s3:ListBucket: a missing key is AccessDenied, not NoSuchKey.
    assert error_of(anonymous.get_object, Bucket=private, Key="nothing-here")[:2] == ("AccessDenied", 403)


def test_response_header_overrides_need_a_signed_get(lakebox_server, s3, anonymous, private):
    """A public object read without a signature may not ask for response-content-type and
    its kin: S3 answers 400 InvalidRequest "Request specific response headers cannot be used
    for anonymous GET requests." (recorded by clients of public buckets and by ceph's
    s3-tests, run against AWS); a presigned URL may."""
    _open_to_the_public(s3, private)
    s3.put_bucket_policy(Bucket=private, Policy=_public_read_policy(private))
    refused = b"<Code>InvalidRequest</Code><Message>Request specific response headers cannot be used for " \
              b"anonymous GET requests.</Message>"
    for query in ("response-content-type=text/plain", "response-content-disposition=attachment",
                  "response-cache-control=no-cache"):
        status, _, body = http(_url(lakebox_server, private, "secret.txt") + "?" + query)
        assert status == 400 and refused in body
    code, status, response = error_of(anonymous.get_object, Bucket=private, Key="secret.txt",
                                      ResponseContentType="text/plain")
    assert (code, status, response["Error"]["Message"]) == (
        "InvalidRequest", 400, "Request specific response headers cannot be used for anonymous GET requests.")
    url = s3.generate_presigned_url("get_object", ExpiresIn=60, Params={
        "Bucket": private, "Key": "secret.txt", "ResponseContentType": "text/plain"})
    status, headers, body = http(url)
    assert (status, headers["content-type"], body) == (200, "text/plain", b"private bytes")


def test_a_policy_resource_limits_what_is_public(s3, anonymous, private):
    _open_to_the_public(s3, private)
    s3.put_object(Bucket=private, Key="public/page.html", Body=b"<p>hi</p>")
    s3.put_bucket_policy(Bucket=private, Policy=_public_read_policy(private, resource="/public/*"))
    assert anonymous.get_object(Bucket=private, Key="public/page.html")["Body"].read() == b"<p>hi</p>"
    assert error_of(anonymous.get_object, Bucket=private, Key="secret.txt")[:2] == ("AccessDenied", 403)


def test_a_public_write_and_list_policy_lets_anyone_put_and_list(lakebox_server, s3, anonymous, private):
    _open_to_the_public(s3, private)
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:PutObject", "s3:GetObject"],
         "Resource": f"arn:aws:s3:::{private}/*"},
        {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:ListBucket",
         "Resource": f"arn:aws:s3:::{private}"}]}
    s3.put_bucket_policy(Bucket=private, Policy=json.dumps(policy))
    assert http(_url(lakebox_server, private, "dropped.txt"), method="PUT", data=b"dropped")[0] == 200
    assert s3.get_object(Bucket=private, Key="dropped.txt")["Body"].read() == b"dropped"
    keys = [o["Key"] for o in anonymous.list_objects_v2(Bucket=private)["Contents"]]
    assert keys == ["dropped.txt", "secret.txt"]
    assert error_of(anonymous.delete_object, Bucket=private, Key="dropped.txt")[:2] == ("AccessDenied", 403)


def test_a_deny_for_everyone_wins_over_an_allow(s3, anonymous, private):
    _open_to_the_public(s3, private)
    policy = json.loads(_public_read_policy(private))
    policy["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                                "Resource": f"arn:aws:s3:::{private}/secret.txt"})
    s3.put_bucket_policy(Bucket=private, Policy=json.dumps(policy))
    assert error_of(anonymous.get_object, Bucket=private, Key="secret.txt")[:2] == ("AccessDenied", 403)


def test_restrict_public_buckets_disregards_a_public_policy(s3, anonymous, private):
    _open_to_the_public(s3, private)
    s3.put_bucket_policy(Bucket=private, Policy=_public_read_policy(private))
    s3.put_public_access_block(Bucket=private, PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": True})
    assert error_of(anonymous.get_object, Bucket=private, Key="secret.txt")[:2] == ("AccessDenied", 403)


def _acl_bucket(s3, make_bucket):
    name = make_bucket("anon-acl", ObjectOwnership="ObjectWriter")
    _open_to_the_public(s3, name)
    return name


def test_a_public_read_object_acl_lets_anyone_read_that_object_only(lakebox_server, s3, make_bucket):
    name = _acl_bucket(s3, make_bucket)
    s3.put_object(Bucket=name, Key="shared.txt", Body=b"shared", ACL="public-read")
    s3.put_object(Bucket=name, Key="kept.txt", Body=b"kept")
    assert http(_url(lakebox_server, name, "shared.txt"))[:3:2] == (200, b"shared")
    assert http(_url(lakebox_server, name, "kept.txt"))[0] == 403
    assert http(_url(lakebox_server, name) + "?list-type=2")[0] == 403


def test_a_public_read_write_bucket_acl_lets_anyone_list_and_write(lakebox_server, s3, anonymous, make_bucket):
    name = _acl_bucket(s3, make_bucket)
    s3.put_bucket_acl(Bucket=name, ACL="public-read-write")
    assert http(_url(lakebox_server, name, "from-anyone.txt"), method="PUT", data=b"hello")[0] == 200
    assert [o["Key"] for o in anonymous.list_objects_v2(Bucket=name)["Contents"]] == ["from-anyone.txt"]
    # Bucket WRITE does not grant reading the objects: that is each object's own ACL.
    assert error_of(anonymous.get_object, Bucket=name, Key="from-anyone.txt")[:2] == ("AccessDenied", 403)
    anonymous.delete_object(Bucket=name, Key="from-anyone.txt")
    assert s3.list_objects_v2(Bucket=name)["KeyCount"] == 0


def test_ignore_public_acls_disregards_public_grants(lakebox_server, s3, make_bucket):
    name = _acl_bucket(s3, make_bucket)
    s3.put_object(Bucket=name, Key="shared.txt", Body=b"shared", ACL="public-read")
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False})
    assert http(_url(lakebox_server, name, "shared.txt"))[0] == 403


def test_presigned_urls_still_act_for_their_signer(lakebox_server, s3, private):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": private, "Key": "secret.txt"}, ExpiresIn=60)
    assert http(url)[:3:2] == (200, b"private bytes")


def test_an_anonymous_copy_needs_public_read_on_the_source_and_public_write_on_the_target(
        s3, anonymous, make_bucket, private):
    target = make_bucket("anon-target")
    _open_to_the_public(s3, target)
    s3.put_bucket_policy(Bucket=target, Policy=_public_read_policy(target, action="s3:PutObject"))
    source = {"Bucket": private, "Key": "secret.txt"}
    assert error_of(anonymous.copy_object, Bucket=target, Key="copy.txt", CopySource=source)[:2] == \
        ("AccessDenied", 403)
    _open_to_the_public(s3, private)
    s3.put_bucket_policy(Bucket=private, Policy=_public_read_policy(private))
    anonymous.copy_object(Bucket=target, Key="copy.txt", CopySource=source)
    assert s3.get_object(Bucket=target, Key="copy.txt")["Body"].read() == b"private bytes"
    assert error_of(anonymous.copy_object, Bucket=private, Key="copy.txt", CopySource=source)[:2] == \
        ("AccessDenied", 403)


def test_requests_without_credentials_is_anonymous_too(lakebox_server, s3, private):
    answer = requests.put(_url(lakebox_server, private, "from-requests.txt"), data=b"x", timeout=30)
    assert answer.status_code == 403 and ACCESS_DENIED in answer.content
    _open_to_the_public(s3, private)
    s3.put_bucket_policy(Bucket=private, Policy=_public_read_policy(private))
    answer = requests.get(_url(lakebox_server, private, "secret.txt"), timeout=30)
    assert (answer.status_code, answer.content) == (200, b"private bytes")
