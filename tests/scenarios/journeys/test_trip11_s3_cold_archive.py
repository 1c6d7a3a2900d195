"""A data engineer moves last year's raw logs to the archive classes to cut the bill:
GLACIER and DEEP_ARCHIVE for what nobody reads, GLACIER_IR for what auditors may still
open. Before trusting the move she checks what a reader meets: the instant-retrieval
object reads as usual, an archived one is InvalidObjectState (403, naming the class)
for GET and as the source of a copy, HEAD still answers; she asks for a Bulk restore,
a second ask is RestoreAlreadyInProgress, a STANDARD object cannot be restored; HEAD
shows the restore ongoing and, once done, its expiry; the restored bytes read and copy
out to STANDARD, and asking again for a restored object answers 200."""
import re

import pytest

from trip_helpers import error_of

HOUR = 3600
ARCHIVED = "The operation is not valid for the object's storage class"


def refusal(call, **args):
    with pytest.raises(Exception) as caught:
        call(**args)
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]


@pytest.mark.local_only         # moves the server clock past the Bulk tier's hours
def test_archived_logs_need_a_restore(client, bucket, clock):
    s3 = client("s3")
    rows = b"ts,path\n2025-01-01T00:00:00Z,/index.html\n"
    for key, storage_class in (("logs/2025/01.csv", "GLACIER"), ("logs/2025/02.csv", "DEEP_ARCHIVE"),
                               ("audit/2025.csv", "GLACIER_IR")):
        s3.put_object(Bucket=bucket, Key=key, Body=rows, StorageClass=storage_class)
    s3.put_object(Bucket=bucket, Key="logs/current.csv", Body=rows)
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["StorageClass"], o["Size"]) for o in listed] == [
        ("audit/2025.csv", "GLACIER_IR", 41), ("logs/2025/01.csv", "GLACIER", 41),
        ("logs/2025/02.csv", "DEEP_ARCHIVE", 41), ("logs/current.csv", "STANDARD", 41)]

    # Instant retrieval reads as usual; the archived classes refuse a GET but answer a HEAD.
    audit = s3.get_object(Bucket=bucket, Key="audit/2025.csv")
    assert (audit["Body"].read(), audit["StorageClass"]) == (rows, "GLACIER_IR")
    for key, storage_class in (("logs/2025/01.csv", "GLACIER"), ("logs/2025/02.csv", "DEEP_ARCHIVE")):
        assert refusal(s3.get_object, Bucket=bucket, Key=key) == (
            403, {"Code": "InvalidObjectState", "Message": ARCHIVED, "StorageClass": storage_class})
        head = s3.head_object(Bucket=bucket, Key=key)
        assert (head["StorageClass"], head["ContentLength"], "Restore" in head) == (storage_class, 41, False)
    assert refusal(s3.copy_object, Bucket=bucket, Key="thawed/01.csv",
                   CopySource={"Bucket": bucket, "Key": "logs/2025/01.csv"}) == (
        403, {"Code": "InvalidObjectState", "Message": "Operation is not valid for the source object's storage class",
              "StorageClass": "GLACIER"})

    # One Bulk restore; asking again while it runs is refused; STANDARD has nothing to restore.
    asked = s3.restore_object(Bucket=bucket, Key="logs/2025/01.csv",
                              RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Bulk"}})
    assert asked["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert error_of(s3.restore_object, Bucket=bucket, Key="logs/2025/01.csv",
                    RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Bulk"}}) == (
        "RestoreAlreadyInProgress", "Object restore is already in progress")
    assert refusal(s3.restore_object, Bucket=bucket, Key="logs/current.csv", RestoreRequest={"Days": 2}) == (
        403, {"Code": "InvalidObjectState", "Message": "Restore is not allowed for the object's current storage class",
              "StorageClass": "STANDARD"})
    head = s3.head_object(Bucket=bucket, Key="logs/2025/01.csv")
    assert head["Restore"] == 'ongoing-request="true"'
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-restore"] == 'ongoing-request="true"'
    assert refusal(s3.get_object, Bucket=bucket, Key="logs/2025/01.csv")[1]["Code"] == "InvalidObjectState"

    # Bulk restores finish within 12 hours: the copy reads, copies out, and keeps its class.
    clock(12 * HOUR + 60)
    head = s3.head_object(Bucket=bucket, Key="logs/2025/01.csv")
    assert re.fullmatch(r'ongoing-request="false", expiry-date="\w{3}, \d\d \w{3} \d{4} 00:00:00 GMT"', head["Restore"])
    assert head["StorageClass"] == "GLACIER"
    got = s3.get_object(Bucket=bucket, Key="logs/2025/01.csv")
    assert (got["Body"].read(), got["StorageClass"], got["Restore"]) == (rows, "GLACIER", head["Restore"])
    s3.copy_object(Bucket=bucket, Key="thawed/01.csv", CopySource={"Bucket": bucket, "Key": "logs/2025/01.csv"})
    thawed = s3.head_object(Bucket=bucket, Key="thawed/01.csv")
    assert ("StorageClass" in thawed, "Restore" in thawed, thawed["ContentLength"]) == (False, False, 41)
    again = s3.restore_object(Bucket=bucket, Key="logs/2025/01.csv", RestoreRequest={"Days": 5})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    # The other archive is still frozen.
    assert refusal(s3.get_object, Bucket=bucket, Key="logs/2025/02.csv")[0] == 403
