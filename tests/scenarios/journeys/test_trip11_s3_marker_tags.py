"""A records-management engineer runs a nightly tagger over a versioned bucket: every
object gets a retention class tag. Some keys were deleted during the day, so their
current version is a delete marker. The tagger must tell those apart: S3 refuses
PutObjectTagging, GetObjectTagging and DeleteObjectTagging on a delete marker with 405
MethodNotAllowed (naming the method and ResourceType DeleteMarker), whether the marker
is the current version or named by its id, while the earlier versions under it keep
their own tags; once the marker is removed, the key's tags are the restored version's.
A key that never existed is NoSuchKey, GetObjectTagging naming it as bucket/key."""
import pytest
from botocore.exceptions import ClientError

NOT_ALLOWED = "The specified method is not allowed against this resource."


def refused(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    response = caught.value.response
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"],
            headers.get("x-amz-delete-marker"), headers.get("x-amz-version-id"))


def test_tagger_meets_delete_markers(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="contracts/acme.pdf", Body=b"%PDF-1.7 v1",
                          Tagging="retention=7y")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="contracts/acme.pdf", Body=b"%PDF-1.7 v2")["VersionId"]
    tagged = s3.put_object_tagging(Bucket=bucket, Key="contracts/acme.pdf",
                                   Tagging={"TagSet": [{"Key": "retention", "Value": "10y"}]})
    assert tagged["VersionId"] == second
    marker = s3.delete_object(Bucket=bucket, Key="contracts/acme.pdf")
    assert marker["DeleteMarker"] is True
    marker_id = marker["VersionId"]

    new_tags = {"TagSet": [{"Key": "retention", "Value": "1y"}]}
    for named in ({}, {"VersionId": marker_id}):
        for call, method, extra in ((s3.put_object_tagging, "PUT", {"Tagging": new_tags}),
                                    (s3.get_object_tagging, "GET", {}),
                                    (s3.delete_object_tagging, "DELETE", {})):
            assert refused(call, Bucket=bucket, Key="contracts/acme.pdf", **named, **extra) == (
                405, {"Code": "MethodNotAllowed", "Message": NOT_ALLOWED, "Method": method,
                      "ResourceType": "DeleteMarker"}, "true", marker_id)

    # The versions under the marker keep their tags and can still be tagged by id.
    older = s3.get_object_tagging(Bucket=bucket, Key="contracts/acme.pdf", VersionId=first)
    assert (older["TagSet"], older["VersionId"]) == ([{"Key": "retention", "Value": "7y"}], first)
    assert s3.put_object_tagging(Bucket=bucket, Key="contracts/acme.pdf", VersionId=second,
                                 Tagging=new_tags)["VersionId"] == second
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket=bucket, Key="contracts/acme.pdf")
    assert missing.value.response["Error"]["Code"] == "NoSuchKey"

    # Removing the marker brings the second version back, with the tags it was given.
    s3.delete_object(Bucket=bucket, Key="contracts/acme.pdf", VersionId=marker_id)
    current = s3.get_object_tagging(Bucket=bucket, Key="contracts/acme.pdf")
    assert (current["TagSet"], current["VersionId"]) == ([{"Key": "retention", "Value": "1y"}], second)
    assert s3.get_object(Bucket=bucket, Key="contracts/acme.pdf")["Body"].read() == b"%PDF-1.7 v2"
    s3.delete_object_tagging(Bucket=bucket, Key="contracts/acme.pdf")
    assert s3.get_object_tagging(Bucket=bucket, Key="contracts/acme.pdf")["TagSet"] == []


def test_tagger_meets_a_key_never_written(client, bucket):
    s3 = client("s3")
    for call, extra, named in ((s3.get_object_tagging, {}, f"{bucket}/contracts/none.pdf"),
                               (s3.put_object_tagging, {"Tagging": {"TagSet": []}}, "contracts/none.pdf"),
                               (s3.delete_object_tagging, {}, "contracts/none.pdf")):
        with pytest.raises(ClientError) as missing:
            call(Bucket=bucket, Key="contracts/none.pdf", **extra)
        assert missing.value.response["Error"] == {
            "Code": "NoSuchKey", "Message": "The specified key does not exist.", "Key": named}
