"""A records team keeps signed contracts in an Object Lock bucket and learns its refusals
one by one: a default retention with both Days and Years, or zero days, is refused; a
new contract gets the default GOVERNANCE retention (HeadObject says so); deleting its
version, shortening its retention or suspending versioning are refused; an administrator
extends it and, with the bypass, shortens it; a legal hold keeps a version even from the
bypass, and wrong values for mode or hold are named; a bucket made without Object Lock
refuses retention and holds. In COMPLIANCE mode nobody shortens or relaxes a retention,
and the version is deleted only once its date has passed."""
import datetime
import uuid

import pytest

from trip_helpers import error_of

DAY = 24 * 3600
LOCKED = ("AccessDenied", "Access Denied because object protected by object lock.")
MALFORMED = ("MalformedXML",
             "The XML you provided was not well-formed or did not validate against our published schema")


def in_days(days):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)


@pytest.fixture
def contracts(client):
    s3, name = client("s3"), f"contracts-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    yield name
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            if "ETag" in entry:
                s3.put_object_legal_hold(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"],
                                         LegalHold={"Status": "OFF"})
            s3.delete_object(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"],
                             BypassGovernanceRetention=True)
    s3.delete_bucket(Bucket=name)


def test_governance_contracts_and_their_refusals(client, contracts, bucket):
    s3 = client("s3")
    assert s3.get_bucket_versioning(Bucket=contracts)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=contracts)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}

    def rule(retention):
        return s3.put_object_lock_configuration(Bucket=contracts, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}})
    assert error_of(rule, {"Mode": "GOVERNANCE", "Days": 30, "Years": 1}) == MALFORMED
    assert error_of(rule, {"Mode": "GOVERNANCE"})[0] == "InvalidRequest"    # recorded: a mode and no period
    assert error_of(rule, {"Days": 30}) == MALFORMED
    assert error_of(rule, {"Mode": "GOVERNANCE", "Days": 0}) == (
        "InvalidArgument", "Default retention period must be a positive integer value")
    rule({"Mode": "GOVERNANCE", "Days": 30})
    assert s3.get_object_lock_configuration(Bucket=contracts)["ObjectLockConfiguration"]["Rule"] == {
        "DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}
    assert error_of(s3.put_bucket_versioning, Bucket=contracts,
                    VersioningConfiguration={"Status": "Suspended"}) == (
        "InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state "
                              "cannot be changed.")

    version = s3.put_object(Bucket=contracts, Key="2024/acme.pdf", Body=b"%PDF signed")["VersionId"]
    head = s3.head_object(Bucket=contracts, Key="2024/acme.pdf")
    until = head["ObjectLockRetainUntilDate"]
    assert head["ObjectLockMode"] == "GOVERNANCE" and "ObjectLockLegalHoldStatus" not in head
    assert 29 * DAY < (until - in_days(0)).total_seconds() <= 30 * DAY
    assert s3.get_object_retention(Bucket=contracts, Key="2024/acme.pdf")["Retention"] == {
        "Mode": "GOVERNANCE", "RetainUntilDate": until}

    assert error_of(s3.delete_object, Bucket=contracts, Key="2024/acme.pdf", VersionId=version) == LOCKED
    refused = s3.delete_objects(Bucket=contracts, Delete={"Objects": [{"Key": "2024/acme.pdf", "VersionId": version}]})
    assert refused["Errors"] == [{"Key": "2024/acme.pdf", "VersionId": version, "Code": LOCKED[0],
                                  "Message": LOCKED[1]}]
    marker = s3.delete_object(Bucket=contracts, Key="2024/acme.pdf")      # a marker is no deletion
    assert marker["DeleteMarker"] is True
    s3.delete_object(Bucket=contracts, Key="2024/acme.pdf", VersionId=marker["VersionId"])

    shorter = {"Mode": "GOVERNANCE", "RetainUntilDate": in_days(10)}
    assert error_of(s3.put_object_retention, Bucket=contracts, Key="2024/acme.pdf", VersionId=version,
                    Retention=shorter) == ("AccessDenied", "Access Denied")
    assert error_of(s3.put_object_retention, Bucket=contracts, Key="2024/acme.pdf", VersionId=version,
                    Retention={}) == ("AccessDenied", "Access Denied")
    s3.put_object_retention(Bucket=contracts, Key="2024/acme.pdf", VersionId=version,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": in_days(60)})
    s3.put_object_retention(Bucket=contracts, Key="2024/acme.pdf", VersionId=version, Retention=shorter,
                            BypassGovernanceRetention=True)
    assert s3.get_object_retention(Bucket=contracts, Key="2024/acme.pdf")["Retention"]["RetainUntilDate"] < until
    assert error_of(s3.put_object_retention, Bucket=contracts, Key="2024/acme.pdf",
                    Retention={"Mode": "GOVERNANCE", "RetainUntilDate": in_days(-1)}) == (
        "InvalidArgument", "The retain until date must be in the future!")
    assert error_of(s3.put_object_retention, Bucket=contracts, Key="2024/acme.pdf",
                    Retention={"Mode": "GOVERNANCE"}) == MALFORMED

    # A legal hold outlives the bypass; retention and hold are answered per version.
    assert error_of(s3.get_object_legal_hold, Bucket=contracts, Key="2024/acme.pdf") == (
        "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")
    s3.put_object_legal_hold(Bucket=contracts, Key="2024/acme.pdf", VersionId=version, LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket=contracts, Key="2024/acme.pdf")["LegalHold"] == {"Status": "ON"}
    assert s3.head_object(Bucket=contracts, Key="2024/acme.pdf")["ObjectLockLegalHoldStatus"] == "ON"
    assert error_of(s3.delete_object, Bucket=contracts, Key="2024/acme.pdf", VersionId=version,
                    BypassGovernanceRetention=True) == LOCKED
    assert error_of(s3.put_object_legal_hold, Bucket=contracts, Key="2024/acme.pdf",
                    LegalHold={"Status": "MAYBE"}) == MALFORMED
    assert error_of(s3.put_object_legal_hold, Bucket=contracts, Key="2024/none.pdf",
                    LegalHold={"Status": "ON"}) == ("NoSuchKey", "The specified key does not exist.")
    assert error_of(s3.put_object, Bucket=contracts, Key="2024/x.pdf", Body=b"x",
                    ObjectLockLegalHoldStatus="MAYBE") == ("InvalidArgument", "Legal Hold must be either of 'ON' or 'OFF'")
    assert error_of(s3.put_object, Bucket=contracts, Key="2024/x.pdf", Body=b"x", ObjectLockMode="GOVERNANCE") == (
        "InvalidArgument", "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
    assert error_of(s3.put_object, Bucket=contracts, Key="2024/x.pdf", Body=b"x", ObjectLockMode="FOREVER",
                    ObjectLockRetainUntilDate=in_days(1)) == ("InvalidArgument", "Unknown wormMode directive.")
    s3.put_object_legal_hold(Bucket=contracts, Key="2024/acme.pdf", VersionId=version, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=contracts, Key="2024/acme.pdf", VersionId=version, BypassGovernanceRetention=True)
    assert s3.list_object_versions(Bucket=contracts).get("Versions", []) == []

    # The team's ordinary bucket has no Object Lock.
    s3.put_object(Bucket=bucket, Key="draft.pdf", Body=b"%PDF draft")
    missing = ("InvalidRequest", "Bucket is missing Object Lock Configuration")
    assert error_of(s3.put_object_retention, Bucket=bucket, Key="draft.pdf",
                    Retention={"Mode": "GOVERNANCE", "RetainUntilDate": in_days(1)}) == missing
    assert error_of(s3.put_object_legal_hold, Bucket=bucket, Key="draft.pdf", LegalHold={"Status": "ON"}) == missing
    assert error_of(s3.get_object_lock_configuration, Bucket=bucket) == (
        "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
    assert error_of(s3.put_object_lock_configuration, Bucket=bucket,
                    ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}) == (
        "InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")


@pytest.mark.local_only                 # the retention ends on the lakebox clock
def test_compliance_contract_outlives_every_shortcut(client, clock, contracts):
    s3 = client("s3")
    version = s3.put_object(Bucket=contracts, Key="2024/merger.pdf", Body=b"%PDF", ObjectLockMode="COMPLIANCE",
                            ObjectLockRetainUntilDate=in_days(2))["VersionId"]
    retention = s3.get_object_retention(Bucket=contracts, Key="2024/merger.pdf", VersionId=version)["Retention"]
    assert retention["Mode"] == "COMPLIANCE"
    for change, bypass in (({"Mode": "COMPLIANCE", "RetainUntilDate": in_days(1)}, True),
                           ({"Mode": "GOVERNANCE", "RetainUntilDate": in_days(5)}, True),
                           ({}, True)):
        assert error_of(s3.put_object_retention, Bucket=contracts, Key="2024/merger.pdf", VersionId=version,
                        Retention=change, BypassGovernanceRetention=bypass) == ("AccessDenied", "Access Denied")
    assert error_of(s3.delete_object, Bucket=contracts, Key="2024/merger.pdf", VersionId=version,
                    BypassGovernanceRetention=True) == LOCKED
    s3.put_object_retention(Bucket=contracts, Key="2024/merger.pdf", VersionId=version,
                            Retention={"Mode": "COMPLIANCE", "RetainUntilDate": in_days(3)})
    clock(3 * DAY + 60)
    s3.delete_object(Bucket=contracts, Key="2024/merger.pdf", VersionId=version)
    assert s3.list_object_versions(Bucket=contracts).get("Versions", []) == []
