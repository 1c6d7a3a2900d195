"""An analyst asked for Bulk restores of archived reports, then needs some sooner
(capture: S3 restore_replay, replies recorded from S3). While a restore is under way a
request with the same days and a faster tier (Standard, Expedited) is accepted (202) and
hurries it; other days, or a slower tier, is 409 RestoreAlreadyInProgress; a request that
names no days is MalformedXML."""
import pytest

from trip_helpers import error_of

PAYLOAD = b"owned native restore upgrade payload\n"


def restore(s3, bucket, key, days=None, tier="Bulk"):
    request = {"GlacierJobParameters": {"Tier": tier}}
    if days is not None:
        request["Days"] = days
    answer = s3.restore_object(Bucket=bucket, Key=key, RestoreRequest=request)
    return answer["ResponseMetadata"]["HTTPStatusCode"]


def test_pending_restores_upgrade_only_with_the_same_days(client, bucket):
    s3 = client("s3")
    for key in ("missing-days", "changed-days", "same-days"):
        s3.put_object(Bucket=bucket, Key=key, Body=PAYLOAD, StorageClass="GLACIER")
        assert restore(s3, bucket, key, days=1) == 202
    assert error_of(restore, s3, bucket, "missing-days", tier="Standard")[0] == "MalformedXML"
    assert error_of(restore, s3, bucket, "changed-days", days=2, tier="Standard")[0] == "RestoreAlreadyInProgress"
    assert restore(s3, bucket, "same-days", days=1, tier="Standard") == 202
    assert error_of(restore, s3, bucket, "same-days", days=1, tier="Bulk")[0] == "RestoreAlreadyInProgress"
    assert restore(s3, bucket, "missing-days", days=1, tier="Expedited") == 202
    assert error_of(restore, s3, bucket, "changed-days", days=2, tier="Expedited")[0] == "RestoreAlreadyInProgress"
    assert restore(s3, bucket, "same-days", days=1, tier="Expedited") == 202


@pytest.mark.local_only
def test_an_upgraded_restore_is_ready_at_the_faster_time(client, bucket, clock):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="report.csv", Body=PAYLOAD, StorageClass="GLACIER")
    assert restore(s3, bucket, "report.csv", days=1) == 202
    assert restore(s3, bucket, "report.csv", days=1, tier="Expedited") == 202
    clock(5 * 60)       # GLACIER Expedited: within five minutes
    assert 'ongoing-request="false"' in s3.head_object(Bucket=bucket, Key="report.csv")["Restore"]
    assert s3.get_object(Bucket=bucket, Key="report.csv")["Body"].read() == PAYLOAD
