"""A compliance team caps how long anyone may lock records, with the Object Lock
condition keys in session and bucket policies (capture: S3 object_lock_authority_replay,
replies recorded from S3). A write is judged by the lock it asks for -- its headers, or
with none the bucket's default retention -- and PutObjectRetention and PutObjectLegalHold
by their bodies: s3:object-lock-mode, s3:object-lock-retain-until-date,
s3:object-lock-legal-hold and s3:object-lock-remaining-retention-days (whole days left,
rounded up)."""
import datetime
import json
import uuid

import pytest

from sec_sessions import client_with
from trip_helpers import error_of

ROLE = "arn:aws:iam::000000000000:role/records-writers"
NOW = datetime.datetime.now(datetime.timezone.utc)
FIVE_DAYS = NOW + datetime.timedelta(days=5)


TWO_DAY_DEFAULT = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2}}}


@pytest.fixture
def records(client):
    s3 = client("s3")
    name = "trip13-cond-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=TWO_DAY_DEFAULT)
    version = s3.put_object(Bucket=name, Key="ledger.csv", Body=b"a,b", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=NOW + datetime.timedelta(days=3))["VersionId"]
    yield name, version
    s3.delete_bucket_policy(Bucket=name)
    for entry in s3.list_object_versions(Bucket=name).get("Versions", []):
        s3.put_object_legal_hold(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"], LegalHold={"Status": "OFF"})
        s3.delete_object(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"], BypassGovernanceRetention=True)
    s3.delete_bucket(Bucket=name)


def attempts(s3, bucket, version):
    """Which of the lock-setting calls the caller is refused."""
    calls = {
        "retention": lambda: s3.put_object_retention(Bucket=bucket, Key="ledger.csv", VersionId=version,
                                                     Retention={"Mode": "GOVERNANCE", "RetainUntilDate": FIVE_DAYS}),
        "explicit": lambda: s3.put_object(Bucket=bucket, Key="explicit.csv", Body=b"x", ObjectLockMode="GOVERNANCE",
                                          ObjectLockRetainUntilDate=FIVE_DAYS),
        "default": lambda: s3.put_object(Bucket=bucket, Key="default.csv", Body=b"x"),
        "hold-on": lambda: s3.put_object_legal_hold(Bucket=bucket, Key="ledger.csv", VersionId=version,
                                                    LegalHold={"Status": "ON"}),
        "hold-off": lambda: s3.put_object_legal_hold(Bucket=bucket, Key="ledger.csv", VersionId=version,
                                                     LegalHold={"Status": "OFF"}),
        "put-held": lambda: s3.put_object(Bucket=bucket, Key="held.csv", Body=b"x", ObjectLockLegalHoldStatus="ON"),
    }
    refused = []
    for name, call in calls.items():
        try:
            call()
        except Exception as error:      # botocore's ClientError: only AccessDenied is expected
            assert error.response["Error"]["Code"] == "AccessDenied"
            refused.append(name)
    return refused


@pytest.mark.parametrize("condition, refused", [
    ({"StringEquals": {"s3:object-lock-mode": "GOVERNANCE"}}, ["retention", "explicit", "default"]),
    ({"DateGreaterThan": {"s3:object-lock-retain-until-date": (NOW + datetime.timedelta(days=1)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")}}, ["retention", "explicit", "default"]),
    ({"NumericGreaterThan": {"s3:object-lock-remaining-retention-days": "2"}}, ["retention", "explicit"]),
    ({"StringEquals": {"s3:object-lock-legal-hold": "ON"}}, ["hold-on", "put-held"])])
def test_session_policy_lock_conditions(lakebox_server, client, records, condition, refused):
    bucket, version = records
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": ["s3:PutObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold"],
         "Resource": "*", "Condition": condition}]}
    answer = client("sts").assume_role(RoleArn=ROLE, RoleSessionName="writer", Policy=json.dumps(policy))
    assert attempts(client_with(lakebox_server, answer, "s3"), bucket, version) == refused


def test_bucket_policy_caps_remaining_days(client, records):
    s3, (bucket, version) = client("s3"), records
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "s3:PutObjectRetention", "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"NumericGreaterThan": {"s3:object-lock-remaining-retention-days": "2"}}}]}))
    assert error_of(s3.put_object_retention, Bucket=bucket, Key="ledger.csv", VersionId=version,
                    Retention={"Mode": "GOVERNANCE", "RetainUntilDate": FIVE_DAYS})[0] == "AccessDenied"
    s3.put_object_retention(Bucket=bucket, Key="ledger.csv", VersionId=version, BypassGovernanceRetention=True,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": NOW + datetime.timedelta(days=1)})
    s3.put_object(Bucket=bucket, Key="default.csv", Body=b"x")      # PutObject is not what the policy denies
