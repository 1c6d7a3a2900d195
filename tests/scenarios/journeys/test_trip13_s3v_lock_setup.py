"""A compliance engineer sets up Object Lock on a new bucket and fumbles a few requests
on the way (capture: S3 object_lock_controls_replay, replies recorded from S3). A bucket
made with Object Lock reads back versioning Enabled with MFADelete Disabled; a lock
configuration with an empty Rule is MalformedXML, and one whose default retention names
a mode and no period is InvalidRequest, the configuration staying as it was; an empty
versioning Status is IllegalVersioningConfigurationException, as a missing one is.
A contract written with a legal hold header of its own (OFF) gets no default retention;
one written without gets the default, a one-year default ending the same day a calendar
year on. A retention dated in the past is InvalidArgument naming RetainUntilDate, with the
date as S3 writes it (Pacific time). Once the contract's key is deleted (a delete marker
on top), asking for the key's retention or legal hold without a version is 405
MethodNotAllowed on a DeleteMarker, as naming the marker is; the held version keeps both.
A PutObject with lock headers and no Content-MD5 or x-amz-checksum-* is InvalidRequest;
one with a mode and no date (or a date and no mode) names the header it lacks. A default
retention over 36500 days or 100 years, or not above zero, is InvalidArgument naming the
unit and the value; one past S3's integers is MalformedXML."""
import datetime

import pytest
from botocore.exceptions import ClientError

from trip_helpers import error_of


def code_of(call, **args):
    return error_of(call, **args)[0]


@pytest.fixture
def locked_bucket(client, fresh_bucket):
    s3, name = client("s3"), fresh_bucket("trip13-lock")
    s3.delete_bucket(Bucket=name)
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    yield name
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"],
                             BypassGovernanceRetention=True)


def test_lock_bucket_setup_mistakes(client, locked_bucket):
    s3, bucket = client("s3"), locked_bucket
    versioning = s3.get_bucket_versioning(Bucket=bucket)
    assert (versioning.get("Status"), versioning.get("MFADelete")) == ("Enabled", "Disabled")

    assert code_of(s3.put_object_lock_configuration, Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {}}) == "MalformedXML"
    assert code_of(s3.put_object_lock_configuration, Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE"}}}) == "InvalidRequest"
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}

    assert code_of(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={"Status": ""}) == (
        "IllegalVersioningConfigurationException")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"


def test_default_retention_and_refused_dates(client, locked_bucket):
    s3, bucket = client("s3"), locked_bucket
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Years": 1}}})
    held = s3.put_object(Bucket=bucket, Key="held.pdf", Body=b"%PDF", ObjectLockLegalHoldStatus="OFF")["VersionId"]
    assert code_of(s3.get_object_retention, Bucket=bucket, Key="held.pdf", VersionId=held) == (
        "NoSuchObjectLockConfiguration")
    head = s3.head_object(Bucket=bucket, Key="held.pdf", VersionId=held)
    assert (head.get("ObjectLockLegalHoldStatus"), head.get("ObjectLockMode")) == ("OFF", None)

    plain = s3.put_object(Bucket=bucket, Key="plain.pdf", Body=b"%PDF")
    written = s3.head_object(Bucket=bucket, Key="plain.pdf")["LastModified"]
    until = s3.get_object_retention(Bucket=bucket, Key="plain.pdf", VersionId=plain["VersionId"])["Retention"]
    assert until["Mode"] == "GOVERNANCE"
    assert until["RetainUntilDate"].date() == written.date().replace(year=written.year + 1)

    past = datetime.datetime(2026, 9, 21, 7, 6, 23, tzinfo=datetime.timezone.utc)
    with pytest.raises(ClientError) as refused:
        s3.put_object_retention(Bucket=bucket, Key="held.pdf", VersionId=held,
                                Retention={"Mode": "GOVERNANCE", "RetainUntilDate": past})
    error = refused.value.response["Error"]
    assert (error["Code"], error["ArgumentName"], error["ArgumentValue"]) == (
        "InvalidArgument", "RetainUntilDate", "Mon Sep 21 00:06:23 PDT 2026")


def test_lock_reads_on_a_deleted_key(client, locked_bucket):
    s3, bucket = client("s3"), locked_bucket
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)
    kept = s3.put_object(Bucket=bucket, Key="source.pdf", Body=b"%PDF", ObjectLockLegalHoldStatus="ON",
                         ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)["VersionId"]
    marker = s3.delete_object(Bucket=bucket, Key="source.pdf")["VersionId"]
    for call in (s3.get_object_retention, s3.get_object_legal_hold):
        for named in ({}, {"VersionId": marker}):
            with pytest.raises(ClientError) as refused:
                call(Bucket=bucket, Key="source.pdf", **named)
            response = refused.value.response
            assert response["ResponseMetadata"]["HTTPStatusCode"] == 405
            assert (response["Error"]["Code"], response["Error"]["Method"], response["Error"]["ResourceType"]) == (
                "MethodNotAllowed", "GET", "DeleteMarker")
            assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    assert s3.get_object_legal_hold(Bucket=bucket, Key="source.pdf", VersionId=kept)["LegalHold"] == {"Status": "ON"}
    s3.put_object_legal_hold(Bucket=bucket, Key="source.pdf", VersionId=kept, LegalHold={"Status": "OFF"})


def test_lock_headers_need_a_digest_and_each_other(client, locked_bucket):
    bucket = locked_bucket
    bare = client("s3", request_checksum_calculation="when_required")     # sends no checksum of its own
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)
    for lock in ({"ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": until},
                 {"ObjectLockLegalHoldStatus": "ON"}):
        assert error_of(bare.put_object, Bucket=bucket, Key="unsummed.pdf", Body=b"%PDF", **lock) == (
            "InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with "
                              "Object Lock parameters")
    s3 = client("s3")
    for lock, missing in (({"ObjectLockMode": "GOVERNANCE"}, "x-amz-object-lock-retain-until-date"),
                          ({"ObjectLockRetainUntilDate": until}, "x-amz-object-lock-mode")):
        with pytest.raises(ClientError) as refused:
            s3.put_object(Bucket=bucket, Key="half.pdf", Body=b"%PDF", **lock)
        assert (refused.value.response["Error"]["Code"], refused.value.response["Error"]["ArgumentName"]) == (
            "InvalidArgument", missing)
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


@pytest.mark.parametrize("period, refused", [
    ({"Days": 36500}, None), ({"Years": 100}, None),
    ({"Days": 36501}, ("InvalidArgument", "Days", "36501")), ({"Years": 101}, ("InvalidArgument", "Years", "101")),
    ({"Days": 2147483647}, ("InvalidArgument", "Days", "2147483647")), ({"Days": 0}, ("InvalidArgument", "Days", "0")),
    ({"Days": 2147483648}, ("MalformedXML", None, None))])
def test_default_retention_bounds(client, locked_bucket, period, refused):
    s3, bucket = client("s3"), locked_bucket
    config = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", **period}}}
    if refused is None:
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=config)
        assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == config
        return
    with pytest.raises(ClientError) as caught:
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=config)
    error = caught.value.response["Error"]
    assert (error["Code"], error.get("ArgumentName"), error.get("ArgumentValue")) == refused
