"""An operations engineer cleans up a versioned bucket with conditional deletes, guarding
each delete with the ETag she last read (capture: S3 conditional_versions, replies
recorded from S3 for conditional deletes on a versioned bucket). A DeleteObject that
names a version and carries If-Match -- the version's own ETag, a wrong one or `*`, on a
key that holds it or one that holds nothing -- is refused 501 NotImplemented naming the
If-Match header, with S3's additional message, and nothing is deleted. In a
DeleteObjects batch an entry naming a version with an ETag fails alone, NotImplemented
"A form field ...", while entries without a version are checked against the current
object: a wrong ETag is PreconditionFailed, the current ETag or `*` lays a delete marker."""
import pytest
from botocore.exceptions import ClientError

HEADER_NOT_IMPLEMENTED = "A header you provided implies functionality that is not implemented"
VERSIONED = "Conditional delete operations are not allowed when a version ID is included in the request parameters."
FIELD_NOT_IMPLEMENTED = "A form field you provided implies functionality that is not implemented"
WRONG = '"00000000000000000000000000000000"'


def versions_of(s3, bucket, key):
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
    return ([(v["VersionId"], v["IsLatest"]) for v in listed.get("Versions", [])],
            [m["VersionId"] for m in listed.get("DeleteMarkers", [])])


def test_a_conditional_delete_naming_a_version_is_not_implemented(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket=bucket, Key="ledger.csv", Body=b"old:ledger")
    new = s3.put_object(Bucket=bucket, Key="ledger.csv", Body=b"new:ledger")
    before = versions_of(s3, bucket, "ledger.csv")

    for version, condition in ((new["VersionId"], new["ETag"]), (old["VersionId"], old["ETag"]),
                               (old["VersionId"], WRONG), (old["VersionId"], "*")):
        with pytest.raises(ClientError) as refused:
            s3.delete_object(Bucket=bucket, Key="ledger.csv", VersionId=version, IfMatch=condition)
        response = refused.value.response
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
        assert response["Error"] == {"Code": "NotImplemented", "Message": HEADER_NOT_IMPLEMENTED,
                                     "Header": "If-Match", "additionalMessage": VERSIONED}
    assert versions_of(s3, bucket, "ledger.csv") == before

    with pytest.raises(ClientError) as absent:          # a key holding nothing: the same refusal
        s3.delete_object(Bucket=bucket, Key="never-written", VersionId=old["VersionId"], IfMatch="*")
    assert absent.value.response["Error"]["Code"] == "NotImplemented"


def test_batch_entries_naming_versions_fail_alone(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    written = {}
    for key in ("historical-old", "implicit-current", "implicit-wrong", "implicit-wildcard"):
        written[key] = [s3.put_object(Bucket=bucket, Key=key, Body=f"{age}:{key}".encode())
                        for age in ("old", "new")]
    old = written["historical-old"][0]

    result = s3.delete_objects(Bucket=bucket, Delete={"Quiet": False, "Objects": [
        {"Key": "historical-old", "VersionId": old["VersionId"], "ETag": old["ETag"]},
        {"Key": "implicit-current", "ETag": written["implicit-current"][1]["ETag"]},
        {"Key": "implicit-wrong", "ETag": WRONG},
        {"Key": "implicit-wildcard", "ETag": "*"}]})

    errors = sorted(result["Errors"], key=lambda entry: entry["Key"])
    assert errors == [
        {"Key": "historical-old", "VersionId": old["VersionId"], "Code": "NotImplemented",
         "Message": FIELD_NOT_IMPLEMENTED},
        {"Key": "implicit-wrong", "Code": "PreconditionFailed",
         "Message": "At least one of the pre-conditions you specified did not hold"}]
    deleted = sorted(result["Deleted"], key=lambda entry: entry["Key"])
    assert [(entry["Key"], entry["DeleteMarker"]) for entry in deleted] == [
        ("implicit-current", True), ("implicit-wildcard", True)]
    for entry in deleted:
        assert versions_of(s3, bucket, entry["Key"])[1] == [entry["DeleteMarkerVersionId"]]
    assert len(versions_of(s3, bucket, "historical-old")[0]) == 2
    assert versions_of(s3, bucket, "implicit-wrong")[1] == []
