"""A compliance officer protects an audit-evidence bucket with MFA delete: versioning is
turned on, then MFA delete with the root device's serial and code (x-amz-mfa). From then
on every request that would destroy history without the device is refused in S3's words
(AccessDenied "Mfa Authentication must be used for this request"): deleting a version,
a DeleteObjects batch that names a version (the whole batch fails, its plain keys too),
suspending versioning, turning MFA delete off. A plain DELETE still only hides the file
behind a delete marker, and the evidence is read back by version. With the device, the
officer removes the marker and finally turns MFA delete off again.

Local only: real S3 checks the code against the root user's device, which no test has."""
import pytest

from trip_helpers import error_of

MFA_REFUSAL = ("AccessDenied", "Mfa Authentication must be used for this request")


@pytest.mark.local_only
def test_history_guarded_by_the_mfa_device(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    device = "arn:aws:iam::000000000000:mfa/root-account-mfa-device 123456"

    # Turning MFA delete on is itself guarded: first without the device, then with it.
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Disabled"})
    assert error_of(s3.put_bucket_versioning, Bucket=bucket,
                    VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}) == MFA_REFUSAL
    answer = s3.get_bucket_versioning(Bucket=bucket)
    assert (answer["Status"], answer["MFADelete"]) == ("Enabled", "Disabled")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"},
                             MFA=device)
    answer = s3.get_bucket_versioning(Bucket=bucket)
    assert (answer["Status"], answer["MFADelete"]) == ("Enabled", "Enabled")

    first = s3.put_object(Bucket=bucket, Key="evidence/case-7.pdf", Body=b"%PDF-1 original")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="evidence/case-7.pdf", Body=b"%PDF-1 amended")["VersionId"]
    s3.put_object(Bucket=bucket, Key="evidence/notes.txt", Body=b"chain of custody")

    # Destroying a version, alone or in a batch, needs the device; the batch fails whole.
    assert error_of(s3.delete_object, Bucket=bucket, Key="evidence/case-7.pdf", VersionId=first) == MFA_REFUSAL
    assert error_of(s3.delete_objects, Bucket=bucket, Delete={"Objects": [
        {"Key": "evidence/notes.txt"}, {"Key": "evidence/case-7.pdf", "VersionId": second}]}) == MFA_REFUSAL
    assert s3.get_object(Bucket=bucket, Key="evidence/notes.txt")["Body"].read() == b"chain of custody"
    # So do suspending versioning and turning MFA delete off.
    assert error_of(s3.put_bucket_versioning, Bucket=bucket,
                    VersioningConfiguration={"Status": "Suspended"}) == MFA_REFUSAL
    assert error_of(s3.put_bucket_versioning, Bucket=bucket,
                    VersioningConfiguration={"Status": "Enabled", "MFADelete": "Disabled"}) == MFA_REFUSAL
    assert s3.get_bucket_versioning(Bucket=bucket)["MFADelete"] == "Enabled"

    # A plain delete hides the file behind a marker; nothing is lost.
    hidden = s3.delete_object(Bucket=bucket, Key="evidence/case-7.pdf")
    assert hidden["DeleteMarker"] is True
    assert error_of(s3.get_object, Bucket=bucket, Key="evidence/case-7.pdf") == (
        "NoSuchKey", "The specified key does not exist.")
    assert s3.get_object(Bucket=bucket, Key="evidence/case-7.pdf", VersionId=first)["Body"].read() == \
        b"%PDF-1 original"
    # Batches of plain keys need no device.
    batch = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "evidence/notes.txt"}]})
    assert [(d["Key"], d["DeleteMarker"]) for d in batch["Deleted"]] == [("evidence/notes.txt", True)]
    notes_marker = batch["Deleted"][0]["DeleteMarkerVersionId"]

    # With the device: the markers go (the files are back), then MFA delete is turned off.
    gone = s3.delete_object(Bucket=bucket, Key="evidence/case-7.pdf", VersionId=hidden["VersionId"], MFA=device)
    assert (gone["DeleteMarker"], gone["VersionId"]) == (True, hidden["VersionId"])
    batch = s3.delete_objects(Bucket=bucket, MFA=device, Delete={"Quiet": True, "Objects": [
        {"Key": "evidence/notes.txt", "VersionId": notes_marker}]})
    assert "Deleted" not in batch and "Errors" not in batch
    assert s3.get_object(Bucket=bucket, Key="evidence/case-7.pdf")["Body"].read() == b"%PDF-1 amended"
    assert s3.get_object(Bucket=bucket, Key="evidence/notes.txt")["Body"].read() == b"chain of custody"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Disabled"},
                             MFA=device)
    answer = s3.get_bucket_versioning(Bucket=bucket)
    assert (answer["Status"], answer["MFADelete"]) == ("Enabled", "Disabled")
    # Without MFA delete, versions go without the device again.
    assert s3.delete_object(Bucket=bucket, Key="evidence/case-7.pdf", VersionId=first)["VersionId"] == first
