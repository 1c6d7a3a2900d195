"""Restoring archived objects takes time: HeadObject shows `ongoing-request="true"`
until the retrieval tier's time has passed, a GET stays InvalidObjectState, a second
request is 409 RestoreAlreadyInProgress; then the copy reads, and a new request on it
only sets its days again (200).
https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html"""
import email.utils
import re

import pytest

from s3_helpers import error_of

HOUR = 3600
RESTORED = r'ongoing-request="false", expiry-date="(\w{3}, \d{2} \w{3} \d{4} 00:00:00 GMT)"'


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("restore-timing")


def test_a_restore_under_way(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    first = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    listed, = s3.list_objects_v2(Bucket=bucket, OptionalObjectAttributes=["RestoreStatus"])["Contents"]
    assert listed["RestoreStatus"] == {"IsRestoreInProgress": True}
    code, status, response = error_of(s3.restore_object, Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})
    assert (code, status, response["Error"]["Message"]) == (
        "RestoreAlreadyInProgress", 409, "Object restore is already in progress")
    code, status, _ = error_of(s3.get_object, Bucket=bucket, Key="cold")
    assert (code, status) == ("InvalidObjectState", 403)


@pytest.mark.local_only
@pytest.mark.parametrize("storage_class, tier, hours", [
    ("GLACIER", "Expedited", 5 / 60), ("GLACIER", "Standard", 5), ("GLACIER", "Bulk", 12),
    ("DEEP_ARCHIVE", "Standard", 12), ("DEEP_ARCHIVE", "Bulk", 48)])
def test_a_restore_takes_its_tier_time(s3, bucket, clock, storage_class, tier, hours):
    """Each tier's documented upper bound: the copy is not ready a minute before it."""
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass=storage_class)
    s3.restore_object(Bucket=bucket, Key="cold",
                      RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": tier}})
    clock(hours * HOUR - 60)
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    assert error_of(s3.get_object, Bucket=bucket, Key="cold")[0] == "InvalidObjectState"
    clock(60)
    assert re.fullmatch(RESTORED, s3.head_object(Bucket=bucket, Key="cold")["Restore"])
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"


@pytest.mark.local_only
def test_a_restored_copy_gets_new_days(s3, bucket, clock):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    clock(5 * HOUR)
    before = re.fullmatch(RESTORED, s3.head_object(Bucket=bucket, Key="cold")["Restore"]).group(1)
    again = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 10})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    after = re.fullmatch(RESTORED, s3.head_object(Bucket=bucket, Key="cold")["Restore"]).group(1)
    days = (email.utils.parsedate_to_datetime(after) - email.utils.parsedate_to_datetime(before)).days
    assert days in (9, 10)
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"frozen"
