"""A support engineer pastes version ids into a restore script by hand (capture: S3
versioning_null, replies recorded from S3 for deleted and unknown version ids). An id
S3 once gave and whose version is gone is NoSuchVersion to GetObject (naming the key and
the id) and deleted again without complaint; a made-up id of the same length -- 32 A's,
32 zeros -- is no id S3 could have given, and GetObject and DeleteObject both refuse it
400 InvalidArgument "Invalid version id specified", naming versionId and the value."""
import pytest
from botocore.exceptions import ClientError


def error_of(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def test_gone_and_made_up_version_ids(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_object(Bucket=bucket, Key="package.zip", Body=b"before-versioning")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    gone = s3.put_object(Bucket=bucket, Key="package.zip", Body=b"version-one")["VersionId"]
    assert s3.delete_object(Bucket=bucket, Key="package.zip", VersionId=gone)["VersionId"] == gone

    assert error_of(s3.get_object, Bucket=bucket, Key="package.zip", VersionId=gone) == (404, {
        "Code": "NoSuchVersion", "Message": "The specified version does not exist.", "Key": "package.zip",
        "VersionId": gone})
    assert s3.delete_object(Bucket=bucket, Key="package.zip", VersionId=gone)["VersionId"] == gone

    for made_up in ("A" * 32, "0" * 32):
        for call in (s3.get_object, s3.delete_object):
            assert error_of(call, Bucket=bucket, Key="package.zip", VersionId=made_up) == (400, {
                "Code": "InvalidArgument", "Message": "Invalid version id specified", "ArgumentName": "versionId",
                "ArgumentValue": made_up})
    current = s3.get_object(Bucket=bucket, Key="package.zip")
    assert (current["VersionId"], current["Body"].read()) == ("null", b"before-versioning")
