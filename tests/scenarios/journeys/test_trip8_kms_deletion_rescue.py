"""An engineer cleaning up schedules deletion of a KMS key that a bucket's default
encryption still uses; uploads start failing, the on-call finds the key PendingDeletion
(the API reference's "Deleting KMS keys" runbook), cancels the deletion, learns that a
cancelled key comes back Disabled, enables it, and the bucket works again; objects written
before were never lost. Then the key is properly retired with its grants revoked."""
import uuid

import pytest

from trip_helpers import error_of


@pytest.fixture
def sse_bucket(client):
    s3 = client("s3")
    name = f"rescue-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    yield name
    for item in s3.list_objects_v2(Bucket=name).get("Contents", []):
        s3.delete_object(Bucket=name, Key=item["Key"])
    s3.delete_bucket(Bucket=name)


def test_deletion_scheduled_by_mistake_is_cancelled(client, kms_keys, sse_bucket):
    kms, s3 = client("kms"), client("s3")
    key = kms_keys(Description="orders bucket key")
    s3.put_bucket_encryption(Bucket=sse_bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]},
         "BucketKeyEnabled": False}]})
    s3.put_object(Bucket=sse_bucket, Key="orders/1.json", Body=b'{"id": 1}')
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal="arn:aws:iam::111122223333:role/reporting",
                             Operations=["Decrypt"])

    # the windows KMS takes are 7 to 30 days
    for days, bound in ((6, "greater than or equal to 7"), (31, "less than or equal to 30")):
        assert error_of(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=days) == (
            "ValidationException", f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed "
            f"to satisfy constraint: Member must have value {bound}")
    scheduled = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=30)
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["KeyId"] == key["Arn"]
    assert error_of(kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=7) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")

    # uploads and reads through the key fail; the object's bytes are still there
    code, message = error_of(s3.put_object, Bucket=sse_bucket, Key="orders/2.json", Body=b'{"id": 2}')
    assert (code, message) == ("KMS.KMSInvalidStateException", f"{key['Arn']} is pending deletion.")
    assert error_of(s3.get_object, Bucket=sse_bucket, Key="orders/1.json")[0] == "KMS.KMSInvalidStateException"
    head = s3.head_object(Bucket=sse_bucket, Key="orders/1.json")
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key["Arn"]

    # the on-call looks at the key: pending deletion, disabled, with its date
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "PendingDeletion" and described["Enabled"] is False
    assert described["DeletionDate"] == scheduled["DeletionDate"]
    # grants and tags stay readable while it waits
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key["KeyId"])["Grants"]] == [grant["GrantId"]]
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == []
    # but a key pending deletion takes no tags, rotation or policy changes
    assert error_of(kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "keep", "TagValue": "yes"}]) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")
    assert error_of(kms.enable_key, KeyId=key["KeyId"]) == (
        "KMSInvalidStateException", f"{key['Arn']} is pending deletion.")

    # cancel: the key is back, disabled
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    described = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert described["KeyState"] == "Disabled" and "DeletionDate" not in described
    code, message = error_of(s3.put_object, Bucket=sse_bucket, Key="orders/2.json", Body=b'{"id": 2}')
    assert (code, message) == ("KMS.DisabledException", f"{key['Arn']} is disabled.")
    kms.enable_key(KeyId=key["KeyId"])
    s3.put_object(Bucket=sse_bucket, Key="orders/2.json", Body=b'{"id": 2}')
    assert s3.get_object(Bucket=sse_bucket, Key="orders/1.json")["Body"].read() == b'{"id": 1}'

    # retire it properly: revoke its grants, then schedule its deletion (the fixture does)
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=grant["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
