"""Object Lock's finer rules: how modes and holds must be spelled, what a delete marker
answers, who may bypass governance retention, and buckets that empty once retention ends.

Sources: S3 User Guide, "Object Lock" ("Retention modes": governance may be bypassed only
with the `s3:BypassGovernanceRetention` permission and the bypass header, compliance
never; retention can be extended, not shortened; "Legal holds"); PutObjectRetention /
PutObjectLockConfiguration API references (Mode: GOVERNANCE | COMPLIANCE); PutObject's
lock headers answered `InvalidArgument` "Unknown wormMode directive." and "Legal Hold must
be either of 'ON' or 'OFF'" with ArgumentName/ArgumentValue, before the bucket's lock is
looked at (versitygw's record of S3's answers, issues vgw-1733/1734/1736/1775); a delete
marker named by version is 405 MethodNotAllowed with ResourceType DeleteMarker and the
request's method (S3 error responses, MethodNotAllowed).
"""
import datetime
import json

import pytest
from botocore.config import Config

from edge_helpers import now_utc
from s3_helpers import create_bucket, error_of

OTHER = "111122223333"


@pytest.fixture(scope="module")
def other(lakebox_server):
    return lakebox_server.client("s3", aws_access_key_id=OTHER, aws_secret_access_key="x",
                                 config=Config(retries={"max_attempts": 0}))


def _policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _in(seconds):
    return now_utc() + datetime.timedelta(seconds=seconds)


@pytest.mark.parametrize("mode", ["governance", "Compliance", "LEGAL"])
def test_retention_modes_are_spelled_exactly(s3, locked, mode):
    s3.put_object(Bucket=locked, Key="k", Body=b"v")
    code, status, _ = error_of(s3.put_object_retention, Bucket=locked, Key="k",
                               Retention={"Mode": mode, "RetainUntilDate": _in(3600)})
    assert (code, status) == ("MalformedXML", 400)
    assert error_of(s3.get_object_retention, Bucket=locked, Key="k")[:2] == \
        ("NoSuchObjectLockConfiguration", 404)
    code, status, _ = error_of(s3.put_object_lock_configuration, Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": mode, "Days": 1}}})
    assert (code, status) == ("MalformedXML", 400)
    assert "Rule" not in s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]


@pytest.mark.parametrize("lock_bucket", [True, False])
def test_upload_lock_headers_are_spelled_exactly(s3, locked, make_bucket, lock_bucket):
    name = locked if lock_bucket else make_bucket("lock-none")
    code, status, response = error_of(s3.put_object, Bucket=name, Key="k", Body=b"v", ObjectLockMode="governance",
                                      ObjectLockRetainUntilDate=_in(3600))
    assert (code, status, response["Error"]["Message"]) == ("InvalidArgument", 400, "Unknown wormMode directive.")
    assert (response["Error"]["ArgumentName"], response["Error"]["ArgumentValue"]) == \
        ("x-amz-object-lock-mode", "governance")
    code, status, response = error_of(s3.put_object, Bucket=name, Key="k", Body=b"v",
                                      ObjectLockLegalHoldStatus="on")
    assert (code, status, response["Error"]["Message"]) == \
        ("InvalidArgument", 400, "Legal Hold must be either of 'ON' or 'OFF'")
    assert (response["Error"]["ArgumentName"], response["Error"]["ArgumentValue"]) == \
        ("x-amz-object-lock-legal-hold", "on")
    assert s3.list_objects_v2(Bucket=name)["KeyCount"] == 0


def test_a_delete_marker_has_no_hold_or_retention(s3, locked):
    s3.put_object(Bucket=locked, Key="k", Body=b"v")
    marker = s3.delete_object(Bucket=locked, Key="k")["VersionId"]
    for call, method, args in (
            (s3.put_object_legal_hold, "PUT", {"LegalHold": {"Status": "ON"}}),
            (s3.get_object_legal_hold, "GET", {}),
            (s3.put_object_retention, "PUT", {"Retention": {"Mode": "GOVERNANCE", "RetainUntilDate": _in(3600)}}),
            (s3.get_object_retention, "GET", {})):
        code, status, response = error_of(call, Bucket=locked, Key="k", VersionId=marker, **args)
        assert (code, status) == ("MethodNotAllowed", 405)
        assert (response["Error"]["Method"], response["Error"]["ResourceType"]) == (method, "DeleteMarker")
    # without a version id the current version is the marker: refused the same (as S3 refuses the
    # lock reads and the tagging calls on a current marker, in replies recorded from S3)
    assert error_of(s3.put_object_legal_hold, Bucket=locked, Key="k", LegalHold={"Status": "ON"})[:2] == \
        ("MethodNotAllowed", 405)
    # the marker itself is never locked: its owner removes it, and the object is back
    s3.delete_object(Bucket=locked, Key="k", VersionId=marker)
    assert s3.get_object(Bucket=locked, Key="k")["Body"].read() == b"v"


def test_a_policy_denying_the_bypass_keeps_governance_locked(s3, locked):
    until = _in(3600)
    version = s3.put_object(Bucket=locked, Key="g", Body=b"v", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
    s3.put_bucket_policy(Bucket=locked, Policy=_policy({
        "Effect": "Deny", "Principal": "*", "Action": "s3:BypassGovernanceRetention",
        "Resource": f"arn:aws:s3:::{locked}/*"}))
    try:
        code, status, response = error_of(s3.delete_object, Bucket=locked, Key="g", VersionId=version,
                                          BypassGovernanceRetention=True)
        assert (code, status, response["Error"]["Message"]) == \
            ("AccessDenied", 403, "Access Denied because object protected by object lock.")
        shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": until - datetime.timedelta(seconds=60)}
        assert error_of(s3.put_object_retention, Bucket=locked, Key="g", VersionId=version, Retention=shorter,
                        BypassGovernanceRetention=True)[:2] == ("AccessDenied", 403)
        result = s3.delete_objects(Bucket=locked, BypassGovernanceRetention=True,
                                   Delete={"Objects": [{"Key": "g", "VersionId": version}]})
        assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("g", "AccessDenied")]
    finally:
        s3.delete_bucket_policy(Bucket=locked)
    s3.delete_object(Bucket=locked, Key="g", VersionId=version, BypassGovernanceRetention=True)
    assert "Versions" not in s3.list_object_versions(Bucket=locked)


def test_another_account_needs_the_bypass_permission_too(s3, other, locked):
    version = s3.put_object(Bucket=locked, Key="g", Body=b"v", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=_in(3600))["VersionId"]
    s3.delete_public_access_block(Bucket=locked)
    grant = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
             "Action": "s3:DeleteObjectVersion", "Resource": f"arn:aws:s3:::{locked}/*"}
    s3.put_bucket_policy(Bucket=locked, Policy=_policy(grant))
    try:
        assert error_of(other.delete_object, Bucket=locked, Key="g", VersionId=version,
                        BypassGovernanceRetention=True)[:2] == ("AccessDenied", 403)
        s3.put_bucket_policy(Bucket=locked, Policy=_policy(
            grant, dict(grant, Action="s3:BypassGovernanceRetention")))
        assert other.delete_object(Bucket=locked, Key="g", VersionId=version,
                                   BypassGovernanceRetention=True)["VersionId"] == version
    finally:
        s3.delete_bucket_policy(Bucket=locked)


@pytest.mark.local_only
def test_a_compliance_locked_bucket_empties_once_retention_ends(s3, clock):
    name = create_bucket(s3, "lock-ends", ObjectLockEnabledForBucket=True)     # deleted here, once it can be
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    versions = [s3.put_object(Bucket=name, Key=f"k{i}", Body=b"v")["VersionId"] for i in range(3)]
    marker = s3.delete_object(Bucket=name, Key="k0")["VersionId"]
    refused = s3.delete_objects(Bucket=name, BypassGovernanceRetention=True, Delete={"Objects": [
        {"Key": f"k{i}", "VersionId": v} for i, v in enumerate(versions)]})
    assert [e["Code"] for e in refused["Errors"]] == ["AccessDenied"] * 3
    assert error_of(s3.delete_bucket, Bucket=name)[:2] == ("BucketNotEmpty", 409)
    clock(86400 + 60)
    done = s3.delete_objects(Bucket=name, Delete={"Objects": [
        {"Key": f"k{i}", "VersionId": v} for i, v in enumerate(versions)] + [{"Key": "k0", "VersionId": marker}]})
    assert "Errors" not in done and len(done["Deleted"]) == 4
    s3.delete_bucket(Bucket=name)
    assert error_of(s3.head_bucket, Bucket=name)[:2] == ("404", 404)
