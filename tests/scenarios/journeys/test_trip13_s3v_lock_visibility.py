"""A legal team's auditors read locked contracts through role sessions narrowed to what
each may see (capture: S3 object_lock_audit_replay, replies recorded from S3 to such
sessions). A GET or HEAD shows a version's retention (mode and retain-until date) only
to a session allowed s3:GetObjectRetention, and its legal hold only to one allowed
s3:GetObjectLegalHold; a session allowed only those two may not read the version at all.
(capture: S3 object_lock_authority_replay) A writer allowed s3:PutObject alone may write
a contract the bucket's default retention covers, but not one with a retention or a legal
hold of its own: those need s3:PutObjectRetention and s3:PutObjectLegalHold. Making a
bucket with Object Lock needs s3:PutBucketObjectLockConfiguration and s3:PutBucketVersioning
beside s3:CreateBucket; without Object Lock, s3:CreateBucket is enough. CopyObject and
CreateMultipartUpload setting locks need the same grants as PutObject, and a session
denied s3:BypassGovernanceRetention gets nothing from the bypass header."""
import datetime
import json
import uuid

import pytest

from sec_sessions import client_with
from trip_helpers import error_of

ROLE = "arn:aws:iam::000000000000:role/contract-auditors"
READ = ["s3:GetObject", "s3:GetObjectVersion"]


@pytest.fixture
def contract(client):
    s3, name = client("s3"), f"trip13-audit-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)
    version = s3.put_object(Bucket=name, Key="msa.pdf", Body=b"%PDF-1.7", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=until, ObjectLockLegalHoldStatus="ON")["VersionId"]
    yield name, version
    s3.put_object_legal_hold(Bucket=name, Key="msa.pdf", VersionId=version, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=name, Key="msa.pdf", VersionId=version, BypassGovernanceRetention=True)
    s3.delete_bucket(Bucket=name)


def auditor(lakebox_server, client, actions):
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    answer = client("sts").assume_role(RoleArn=ROLE, RoleSessionName=f"audit-{len(actions)}", Policy=json.dumps(policy))
    return client_with(lakebox_server, answer, "s3")


@pytest.mark.parametrize("extra, shown", [
    ([], (None, None, None)),
    (["s3:GetObjectRetention"], ("GOVERNANCE", True, None)),
    (["s3:GetObjectLegalHold"], (None, None, "ON")),
    (["s3:GetObjectRetention", "s3:GetObjectLegalHold"], ("GOVERNANCE", True, "ON"))])
def test_lock_fields_follow_the_read_permissions(lakebox_server, client, contract, extra, shown):
    bucket, version = contract
    s3 = auditor(lakebox_server, client, READ + extra)
    for read in (s3.head_object, s3.get_object):
        answer = read(Bucket=bucket, Key="msa.pdf", VersionId=version)
        assert (answer.get("ObjectLockMode"), "ObjectLockRetainUntilDate" in answer or None,
                answer.get("ObjectLockLegalHoldStatus")) == shown


def test_lock_readers_without_read_access(lakebox_server, client, contract):
    bucket, version = contract
    s3 = auditor(lakebox_server, client, ["s3:GetObjectRetention", "s3:GetObjectLegalHold"])
    assert error_of(s3.get_object, Bucket=bucket, Key="msa.pdf", VersionId=version)[0] == "AccessDenied"
    assert s3.get_object_legal_hold(Bucket=bucket, Key="msa.pdf", VersionId=version)["LegalHold"] == {"Status": "ON"}
    assert s3.get_object_retention(Bucket=bucket, Key="msa.pdf", VersionId=version)["Retention"]["Mode"] == "GOVERNANCE"


def test_writers_need_the_lock_grants_for_their_own_locks(lakebox_server, client, contract):
    bucket, _ = contract
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)
    writer = auditor(lakebox_server, client, ["s3:PutObject"])
    for lock, action in (({"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": until}, "s3:PutObjectRetention"),
                         ({"ObjectLockLegalHoldStatus": "ON"}, "s3:PutObjectLegalHold")):
        code, message = error_of(writer.put_object, Bucket=bucket, Key="sow.pdf", Body=b"%PDF", **lock)
        assert code == "AccessDenied"
        assert f"is not authorized to perform: {action} on resource" in message
    assert [v["Key"] for v in client("s3").list_object_versions(Bucket=bucket).get("Versions", [])] == ["msa.pdf"]
    plain = writer.put_object(Bucket=bucket, Key="sow.pdf", Body=b"%PDF")["VersionId"]
    client("s3").delete_object(Bucket=bucket, Key="sow.pdf", VersionId=plain)


@pytest.mark.parametrize("granted, made", [
    (["s3:CreateBucket"], False), (["s3:CreateBucket", "s3:PutBucketVersioning"], False),
    (["s3:CreateBucket", "s3:PutBucketObjectLockConfiguration"], False),
    (["s3:CreateBucket", "s3:PutBucketVersioning", "s3:PutBucketObjectLockConfiguration"], True)])
def test_making_a_lock_bucket_needs_the_lock_grants(lakebox_server, client, granted, made):
    maker = auditor(lakebox_server, client, granted)
    locked, plain = (f"trip13-grants-{uuid.uuid4().hex[:12]}" for _ in range(2))
    if made:
        maker.create_bucket(Bucket=locked, ObjectLockEnabledForBucket=True)
        client("s3").delete_bucket(Bucket=locked)
    else:
        assert error_of(maker.create_bucket, Bucket=locked, ObjectLockEnabledForBucket=True)[0] == "AccessDenied"
        assert error_of(client("s3").head_bucket, Bucket=locked)[0] == "404"
    maker.create_bucket(Bucket=plain, ObjectLockEnabledForBucket=False)
    client("s3").delete_bucket(Bucket=plain)


def test_copies_uploads_and_bypass_follow_the_grants(lakebox_server, client, contract):
    bucket, version = contract
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)
    writer = auditor(lakebox_server, client, ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"])
    source = {"Bucket": bucket, "Key": "msa.pdf", "VersionId": version}
    assert error_of(writer.copy_object, Bucket=bucket, Key="copy.pdf", CopySource=source,
                    ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)[0] == "AccessDenied"
    assert error_of(writer.create_multipart_upload, Bucket=bucket, Key="big.pdf",
                    ObjectLockLegalHoldStatus="ON")[0] == "AccessDenied"

    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:BypassGovernanceRetention", "Resource": "*"}]}
    answer = client("sts").assume_role(RoleArn=ROLE, RoleSessionName="no-bypass", Policy=json.dumps(policy))
    keeper = client_with(lakebox_server, answer, "s3")
    sooner = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)     # a shorter retention
    keeper.put_object_legal_hold(Bucket=bucket, Key="msa.pdf", VersionId=version, LegalHold={"Status": "OFF"})
    assert error_of(keeper.delete_object, Bucket=bucket, Key="msa.pdf", VersionId=version,
                    BypassGovernanceRetention=True)[0] == "AccessDenied"
    assert error_of(keeper.put_object_retention, Bucket=bucket, Key="msa.pdf", VersionId=version,
                    BypassGovernanceRetention=True, Retention={"Mode": "GOVERNANCE", "RetainUntilDate": sooner})[0] \
        == "AccessDenied"
    keeper.put_object_legal_hold(Bucket=bucket, Key="msa.pdf", VersionId=version, LegalHold={"Status": "ON"})
