"""A compliance engineer sets up Object Lock on a new bucket and fumbles a few requests
on the way (capture: S3 object_lock_controls_replay, replies recorded from S3). A bucket
made with Object Lock reads back versioning Enabled with MFADelete Disabled; a lock
configuration with an empty Rule is MalformedXML, and one whose default retention names
a mode and no period is InvalidRequest, the configuration staying as it was; an empty
versioning Status is IllegalVersioningConfigurationException, as a missing one is."""
import pytest

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
            s3.delete_object(Bucket=name, Key=entry["Key"], VersionId=entry["VersionId"])


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
