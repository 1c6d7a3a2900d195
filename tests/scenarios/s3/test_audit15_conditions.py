"""Bucket policy conditions on the keys S3 sets, as users write them (audit of issue 15).

Sources: Service Authorization Reference, "Condition keys for Amazon S3" (s3:prefix,
s3:max-keys, s3:ExistingObjectTag/<key>, s3:RequestObjectTag/<key>,
s3:RequestObjectTagKeys, s3:x-amz-acl, s3:x-amz-server-side-encryption-aws-kms-key-id,
s3:VersionId, s3:signatureversion "AWS" / "AWS4-HMAC-SHA256", s3:authType
"REST-HEADER" / "REST-QUERY-STRING"); S3 User Guide, "Bucket policy examples using
condition keys" (restrict listing to a prefix, cap max-keys, tag-based access); IAM User
Guide, "Condition operators" (`...IfExists`: an absent key makes the condition true;
Numeric and Date operators on an absent key do not match) and "Multivalued context
keys" (`ForAllValues:` holds when the key is absent, `ForAnyValue:` does not).

Messages: a caller of another account is told "Access Denied"; a caller of the bucket's
own account refused by an explicit Deny gets the enhanced same-account message (S3 User
Guide, "Troubleshoot access denied (403 Forbidden) errors": `User: <arn> is not
authorized to perform: <action> on resource: "<arn>" with an explicit deny in a
resource-based policy`; the same wording is in recorded replies of real buckets).
"""
import datetime

import pytest
import requests
from botocore.config import Config

from s3_helpers import account_client, error_of, filled_bucket, put_policy

OTHER = "111122223333"
OWNER_ARN = "arn:aws:iam::000000000000:root"


@pytest.fixture(scope="module")
def other(lakebox_server):
    return account_client(lakebox_server, OTHER)


@pytest.fixture
def bucket(s3, make_bucket):
    name = filled_bucket(s3, make_bucket, "audit-cond", ("home/alice/a.txt", "home/bob/b.txt", "top.txt"))
    yield name
    s3.delete_bucket_policy(Bucket=name)


def _allow_other(actions, resource, condition=None):
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}, "Action": actions,
                 "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def _denied(call, **kwargs):
    code, status, response = error_of(call, **kwargs)
    assert (code, status, response["Error"]["Message"]) == ("AccessDenied", 403, "Access Denied")


def _owner_denied(call, action, resource, **kwargs):
    code, status, response = error_of(call, **kwargs)
    assert (code, status) == ("AccessDenied", 403)
    assert response["Error"]["Message"] == (
        f'User: {OWNER_ARN} is not authorized to perform: {action} on resource: "{resource}" '
        "with an explicit deny in a resource-based policy")


def test_s3_prefix_limits_what_another_account_may_list(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:ListBucket", f"arn:aws:s3:::{bucket}",
                                     {"StringLike": {"s3:prefix": ["home/alice/*", "home/alice/"]}}))
    listed = other.list_objects_v2(Bucket=bucket, Prefix="home/alice/")
    assert [o["Key"] for o in listed["Contents"]] == ["home/alice/a.txt"]
    _denied(other.list_objects_v2, Bucket=bucket, Prefix="home/bob/")
    _denied(other.list_objects_v2, Bucket=bucket)
    _denied(other.list_objects, Bucket=bucket, Prefix="home/")


def test_the_user_guides_home_folder_listing_with_a_delimiter(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:ListBucket", f"arn:aws:s3:::{bucket}", {
        "StringEquals": {"s3:prefix": ["", "home/"], "s3:delimiter": ["/"]}}))
    root = other.list_objects_v2(Bucket=bucket, Prefix="", Delimiter="/")
    assert [p["Prefix"] for p in root["CommonPrefixes"]] == ["home/"]
    assert [p["Prefix"] for p in other.list_objects_v2(Bucket=bucket, Prefix="home/", Delimiter="/")
            ["CommonPrefixes"]] == ["home/alice/", "home/bob/"]
    _denied(other.list_objects_v2, Bucket=bucket, Prefix="home/")
    _denied(other.list_objects_v2, Bucket=bucket, Prefix="home/alice/", Delimiter="/")


def test_s3_max_keys_caps_the_page_another_account_may_ask_for(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:ListBucket", f"arn:aws:s3:::{bucket}",
                                     {"NumericLessThanEquals": {"s3:max-keys": "2"}}))
    assert other.list_objects_v2(Bucket=bucket, MaxKeys=2)["KeyCount"] == 2
    _denied(other.list_objects_v2, Bucket=bucket, MaxKeys=3)
    _denied(other.list_objects_v2, Bucket=bucket)          # no max-keys: a Numeric condition does not match


def test_existing_object_tag_decides_a_read(s3, other, bucket):
    s3.put_object_tagging(Bucket=bucket, Key="top.txt", Tagging={"TagSet": [{"Key": "classification",
                                                                             "Value": "public"}]})
    s3.put_object_tagging(Bucket=bucket, Key="home/bob/b.txt", Tagging={"TagSet": [{"Key": "classification",
                                                                                    "Value": "secret"}]})
    put_policy(s3, bucket, _allow_other("s3:GetObject", f"arn:aws:s3:::{bucket}/*",
                                     {"StringEquals": {"s3:ExistingObjectTag/classification": "public"}}))
    assert other.get_object(Bucket=bucket, Key="top.txt")["Body"].read() == b"bytes"
    _denied(other.get_object, Bucket=bucket, Key="home/bob/b.txt")
    _denied(other.get_object, Bucket=bucket, Key="home/alice/a.txt")   # untagged


def test_existing_object_tag_deny_stops_the_owner_too(s3, bucket):
    s3.put_object_tagging(Bucket=bucket, Key="top.txt", Tagging={"TagSet": [{"Key": "hold", "Value": "yes"}]})
    put_policy(s3, bucket, {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                         "Resource": f"arn:aws:s3:::{bucket}/*",
                         "Condition": {"StringEquals": {"s3:ExistingObjectTag/hold": "yes"}}})
    _owner_denied(s3.get_object, "s3:GetObject", f"arn:aws:s3:::{bucket}/top.txt", Bucket=bucket, Key="top.txt")
    assert s3.get_object(Bucket=bucket, Key="home/alice/a.txt")["Body"].read() == b"bytes"


def test_request_object_tag_is_required_on_upload(s3, bucket):
    put_policy(s3, bucket, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                         "Resource": f"arn:aws:s3:::{bucket}/*",
                         "Condition": {"StringNotEquals": {"s3:RequestObjectTag/team": "blue"}}})
    s3.put_object(Bucket=bucket, Key="tagged.txt", Body=b"x", Tagging="team=blue&env=dev")
    _owner_denied(s3.put_object, "s3:PutObject", f"arn:aws:s3:::{bucket}/red.txt",
                  Bucket=bucket, Key="red.txt", Body=b"x", Tagging="team=red")
    _owner_denied(s3.put_object, "s3:PutObject", f"arn:aws:s3:::{bucket}/none.txt",
                  Bucket=bucket, Key="none.txt", Body=b"x")
    assert s3.list_objects_v2(Bucket=bucket, Prefix="red")["KeyCount"] == 0
    assert s3.list_objects_v2(Bucket=bucket, Prefix="none")["KeyCount"] == 0


def test_for_all_values_on_request_tag_keys_allows_an_untagged_upload(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:PutObject", f"arn:aws:s3:::{bucket}/*",
                                     {"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["team", "env"]}}))
    other.put_object(Bucket=bucket, Key="one.txt", Body=b"x", Tagging="team=blue")
    other.put_object(Bucket=bucket, Key="plain.txt", Body=b"x")
    _denied(other.put_object, Bucket=bucket, Key="extra.txt", Body=b"x", Tagging="team=blue&cost=1")


def test_for_any_value_on_request_tag_keys_needs_one_of_them(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:PutObject", f"arn:aws:s3:::{bucket}/*",
                                     {"ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": ["team"]}}))
    other.put_object(Bucket=bucket, Key="one.txt", Body=b"x", Tagging="cost=1&team=blue")
    _denied(other.put_object, Bucket=bucket, Key="plain.txt", Body=b"x")
    _denied(other.put_object, Bucket=bucket, Key="cost.txt", Body=b"x", Tagging="cost=1")


def test_current_time_date_operators(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:GetObject", f"arn:aws:s3:::{bucket}/*", {
        "DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
        "DateLessThan": {"aws:CurrentTime": "2999-01-01T00:00:00Z"}}))
    assert other.get_object(Bucket=bucket, Key="top.txt")["Body"].read() == b"bytes"
    put_policy(s3, bucket, _allow_other("s3:GetObject", f"arn:aws:s3:::{bucket}/*", {
        "DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}))
    _denied(other.get_object, Bucket=bucket, Key="top.txt")


@pytest.mark.local_only
def test_current_time_follows_the_lakebox_clock(lakebox_server, s3, other, bucket):
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)
    put_policy(s3, bucket, _allow_other("s3:GetObject", f"arn:aws:s3:::{bucket}/*", {
        "DateLessThan": {"aws:CurrentTime": soon.strftime("%Y-%m-%dT%H:%M:%SZ")}}))
    assert other.get_object(Bucket=bucket, Key="top.txt")["Body"].read() == b"bytes"
    lakebox_server.advance_clock(3 * 86400)
    try:
        _denied(other.get_object, Bucket=bucket, Key="top.txt")
    finally:
        lakebox_server.advance_clock(-3 * 86400)


def test_if_exists_lets_a_request_without_the_header_through(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:PutObject", f"arn:aws:s3:::{bucket}/*",
                                     {"StringEqualsIfExists": {"s3:x-amz-acl": "bucket-owner-full-control"}}))
    other.put_object(Bucket=bucket, Key="plain.txt", Body=b"x")
    other.put_object(Bucket=bucket, Key="full.txt", Body=b"x", ACL="bucket-owner-full-control")
    _denied(other.put_object, Bucket=bucket, Key="public.txt", Body=b"x", ACL="public-read")


def test_a_negated_if_exists_deny_requires_the_right_kms_key(lakebox_server, s3, bucket):
    kms = lakebox_server.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    other_key = kms.create_key()["KeyMetadata"]["Arn"]
    put_policy(s3, bucket, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                         "Resource": f"arn:aws:s3:::{bucket}/*", "Condition": {"StringNotEqualsIfExists": {
                             "s3:x-amz-server-side-encryption-aws-kms-key-id": key_arn}}})
    s3.put_object(Bucket=bucket, Key="right.txt", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    _owner_denied(s3.put_object, "s3:PutObject", f"arn:aws:s3:::{bucket}/wrong.txt", Bucket=bucket,
                  Key="wrong.txt", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=other_key)
    # an absent key makes an ...IfExists condition true: the Deny applies
    _owner_denied(s3.put_object, "s3:PutObject", f"arn:aws:s3:::{bucket}/plain.txt", Bucket=bucket,
                  Key="plain.txt", Body=b"x")


def test_null_on_a_tag_key_requires_tagging(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:PutObject", f"arn:aws:s3:::{bucket}/*",
                                     {"Null": {"s3:RequestObjectTag/team": "false"}}))
    other.put_object(Bucket=bucket, Key="tagged.txt", Body=b"x", Tagging="team=a")
    _denied(other.put_object, Bucket=bucket, Key="plain.txt", Body=b"x")


def test_s3_version_id_limits_which_version_may_be_read(s3, other, make_bucket):
    name = make_bucket("audit-ver")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=name, Key="k", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=name, Key="k", Body=b"two")["VersionId"]
    put_policy(s3, name, _allow_other("s3:GetObjectVersion", f"arn:aws:s3:::{name}/k",
                                   {"StringEquals": {"s3:VersionId": first}}))
    assert other.get_object(Bucket=name, Key="k", VersionId=first)["Body"].read() == b"one"
    _denied(other.get_object, Bucket=name, Key="k", VersionId=second)
    _denied(other.get_object, Bucket=name, Key="k")     # s3:GetObject is not granted
    s3.delete_bucket_policy(Bucket=name)


def test_signature_version_and_auth_type(lakebox_server, s3, bucket):
    put_policy(s3, bucket, {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                         "Resource": f"arn:aws:s3:::{bucket}/*",
                         "Condition": {"StringNotEquals": {"s3:signatureversion": "AWS4-HMAC-SHA256"}}},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*",
             "Condition": {"StringEquals": {"s3:authType": "REST-QUERY-STRING"}}})
    assert s3.get_object(Bucket=bucket, Key="top.txt")["Body"].read() == b"bytes"
    v2 = lakebox_server.client("s3", config=Config(signature_version="s3", retries={"max_attempts": 0}))
    _owner_denied(v2.get_object, "s3:GetObject", f"arn:aws:s3:::{bucket}/top.txt", Bucket=bucket, Key="top.txt")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "top.txt"})
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 403 and b"<Code>AccessDenied</Code>" in answer.content


def test_not_action_denies_everything_but_reads(s3, bucket):
    put_policy(s3, bucket, {"Effect": "Deny", "Principal": "*", "NotAction": ["s3:GetObject", "s3:ListBucket"],
                         "Resource": f"arn:aws:s3:::{bucket}/home/*"})
    assert s3.get_object(Bucket=bucket, Key="home/alice/a.txt")["Body"].read() == b"bytes"
    _owner_denied(s3.delete_object, "s3:DeleteObject", f"arn:aws:s3:::{bucket}/home/alice/a.txt",
                  Bucket=bucket, Key="home/alice/a.txt")
    _owner_denied(s3.put_object, "s3:PutObject", f"arn:aws:s3:::{bucket}/home/new.txt",
                  Bucket=bucket, Key="home/new.txt", Body=b"x")
    s3.put_object(Bucket=bucket, Key="elsewhere.txt", Body=b"x")


def test_not_resource_fences_a_grant(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:GetObject", f"arn:aws:s3:::{bucket}/*"),
            {"Effect": "Deny", "Principal": {"AWS": OTHER}, "Action": "s3:GetObject",
             "NotResource": f"arn:aws:s3:::{bucket}/home/*"})
    assert other.get_object(Bucket=bucket, Key="home/bob/b.txt")["Body"].read() == b"bytes"
    _denied(other.get_object, Bucket=bucket, Key="top.txt")


def test_not_principal_deny_refuses_everyone_else_the_owner_included(s3, other, bucket, lakebox_server):
    third = account_client(lakebox_server, "444455556666")
    put_policy(s3, bucket, {"Effect": "Allow", "Principal": {"AWS": [OTHER, "444455556666"]},
                         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
            {"Effect": "Deny", "NotPrincipal": {"AWS": f"arn:aws:iam::{OTHER}:root"}, "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{bucket}/*"})
    assert other.get_object(Bucket=bucket, Key="top.txt")["Body"].read() == b"bytes"
    _denied(third.get_object, Bucket=bucket, Key="top.txt")
    _owner_denied(s3.get_object, "s3:GetObject", f"arn:aws:s3:::{bucket}/top.txt", Bucket=bucket, Key="top.txt")


def test_delete_objects_reports_each_denied_key(s3, bucket):
    """The per-key error of a DeleteObjects carries the same refusal (recorded replies:
    Errors[].Code AccessDenied with the same-account message)."""
    put_policy(s3, bucket, {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                            "Resource": f"arn:aws:s3:::{bucket}/home/*"})
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "home/alice/a.txt"}, {"Key": "top.txt"}]})
    assert [d["Key"] for d in answer["Deleted"]] == ["top.txt"]
    assert [(e["Key"], e["Code"], e["Message"]) for e in answer["Errors"]] == [(
        "home/alice/a.txt", "AccessDenied",
        f'User: {OWNER_ARN} is not authorized to perform: s3:DeleteObject on resource: '
        f'"arn:aws:s3:::{bucket}/home/alice/a.txt" with an explicit deny in a resource-based policy')]


def test_another_account_may_delete_the_keys_granted_in_one_call(s3, other, bucket):
    put_policy(s3, bucket, _allow_other("s3:DeleteObject", f"arn:aws:s3:::{bucket}/home/*"))
    answer = other.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "home/bob/b.txt"}, {"Key": "top.txt"}]})
    assert [d["Key"] for d in answer["Deleted"]] == ["home/bob/b.txt"]
    assert [(e["Key"], e["Code"], e["Message"]) for e in answer["Errors"]] == [("top.txt", "AccessDenied",
                                                                               "Access Denied")]
    assert s3.head_object(Bucket=bucket, Key="top.txt")["ContentLength"] == 5


def test_a_copy_needs_read_on_its_source(s3, bucket):
    """CopyObject reads its source with s3:GetObject (S3 API reference, CopyObject: "you
    must have read access to the source object")."""
    put_policy(s3, bucket, {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                            "Resource": f"arn:aws:s3:::{bucket}/home/*"})
    _owner_denied(s3.copy_object, "s3:GetObject", f"arn:aws:s3:::{bucket}/home/alice/a.txt", Bucket=bucket,
                  Key="copy.txt", CopySource={"Bucket": bucket, "Key": "home/alice/a.txt"})
    s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource={"Bucket": bucket, "Key": "top.txt"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="parts.txt")["UploadId"]
    _owner_denied(s3.upload_part_copy, "s3:GetObject", f"arn:aws:s3:::{bucket}/home/alice/a.txt", Bucket=bucket,
                  Key="parts.txt", UploadId=upload, PartNumber=1,
                  CopySource={"Bucket": bucket, "Key": "home/alice/a.txt"})
    s3.abort_multipart_upload(Bucket=bucket, Key="parts.txt", UploadId=upload)
