"""A release engineer audits the history of a versioned artifacts bucket page by page
(capture: S3 versioning, replies recorded from S3 for a bucket's version lifecycle). A
page size below zero is refused in ListObjectVersions' own words -- "max-keys cannot be
negative", naming max-keys and no value -- where the object listings name maxKeys; a page
size of 0 answers an empty, untruncated page."""
import pytest
from botocore.exceptions import ClientError


def test_negative_page_size_of_a_version_listing(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="builds/app.zip", Body=b"build-1")
    unchecked = client("s3", parameter_validation=False)     # boto3 does not range-check integers itself

    with pytest.raises(ClientError) as refused:
        unchecked.list_object_versions(Bucket=bucket, MaxKeys=-1)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert refused.value.response["Error"] == {"Code": "InvalidArgument", "Message": "max-keys cannot be negative",
                                               "ArgumentName": "max-keys"}

    empty = s3.list_object_versions(Bucket=bucket, MaxKeys=0)
    assert (empty["IsTruncated"], empty["MaxKeys"], "Versions" in empty) == (False, 0, False)
