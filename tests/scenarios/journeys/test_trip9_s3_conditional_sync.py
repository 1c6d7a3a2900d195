"""An incremental sync job mirrors a versioned reference bucket: it remembers each file's
ETag and Last-Modified, asks again with If-None-Match / If-Modified-Since (HEAD and GET
answer 304, no body), reads only when changed, reads one byte range guarded by If-Match,
pins an old version with a condition on that version's ETag, and copies a source into the
mirror only while it is still the version it saw (x-amz-copy-source-if-*: 412 with the
failing header named). Pairs of conditions are judged as S3's GetObject and CopyObject
references say (If-Match true wins over If-Unmodified-Since false; If-None-Match false
wins over If-Modified-Since true)."""
import datetime

import pytest
from botocore.exceptions import ClientError

DAY = datetime.timedelta(days=1)


def refused(call, **args) -> tuple:
    """(code, message, HTTP status, Condition) of a call S3 refuses."""
    with pytest.raises(ClientError) as caught:
        call(**args)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"], \
        error.get("Condition")


def test_incremental_mirror_with_conditions(client, versions_emptied, fresh_bucket):
    s3, source, mirror = client("s3"), versions_emptied, fresh_bucket("mirror")
    s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=source, Key="ref/countries.csv", Body=b"code,name\nFR,France\n")
    seen = s3.head_object(Bucket=source, Key="ref/countries.csv")
    etag, modified = seen["ETag"], seen["LastModified"]

    not_modified = ("304", "Not Modified", 304, None)
    assert refused(s3.head_object, Bucket=source, Key="ref/countries.csv", IfNoneMatch=etag) == not_modified
    assert refused(s3.get_object, Bucket=source, Key="ref/countries.csv", IfNoneMatch=etag) == not_modified
    assert refused(s3.get_object, Bucket=source, Key="ref/countries.csv", IfModifiedSince=modified) == not_modified
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=source, Key="ref/countries.csv", IfNoneMatch=etag)
    headers = caught.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["etag"] == etag and "last-modified" in headers
    # If-None-Match false wins over If-Modified-Since true: still 304.
    assert refused(s3.get_object, Bucket=source, Key="ref/countries.csv", IfNoneMatch=etag,
                   IfModifiedSince=modified - DAY) == not_modified

    second = s3.put_object(Bucket=source, Key="ref/countries.csv", Body=b"code,name\nFR,France\nDE,Germany\n")
    fresh = s3.get_object(Bucket=source, Key="ref/countries.csv", IfNoneMatch=etag)
    assert fresh["Body"].read() == b"code,name\nFR,France\nDE,Germany\n"
    assert (fresh["ETag"], fresh["VersionId"]) == (second["ETag"], second["VersionId"])

    tail = s3.get_object(Bucket=source, Key="ref/countries.csv", Range="bytes=20-", IfMatch=second["ETag"])
    assert (tail["Body"].read(), tail["ContentRange"], tail["ContentLength"]) == (b"DE,Germany\n", "bytes 20-30/31", 11)
    assert refused(s3.get_object, Bucket=source, Key="ref/countries.csv", Range="bytes=20-", IfMatch=etag) == (
        "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, "If-Match")
    assert refused(s3.head_object, Bucket=source, Key="ref/countries.csv", IfMatch=etag) == (
        "412", "Precondition Failed", 412, None)
    assert refused(s3.get_object, Bucket=source, Key="ref/countries.csv", IfUnmodifiedSince=modified - DAY) == (
        "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
        "If-Unmodified-Since")
    # If-Match true wins over If-Unmodified-Since false: the object is sent.
    assert s3.get_object(Bucket=source, Key="ref/countries.csv", IfMatch=second["ETag"],
                         IfUnmodifiedSince=modified - DAY)["ContentLength"] == 31

    old = s3.get_object(Bucket=source, Key="ref/countries.csv", VersionId=first["VersionId"], IfMatch=etag)
    assert old["Body"].read() == b"code,name\nFR,France\n"
    assert refused(s3.get_object, Bucket=source, Key="ref/countries.csv", VersionId=first["VersionId"],
                   IfNoneMatch=etag) == not_modified

    copied = s3.copy_object(Bucket=mirror, Key="countries.csv", CopySourceIfMatch=second["ETag"],
                            CopySource={"Bucket": source, "Key": "ref/countries.csv"})
    assert copied["CopySourceVersionId"] == second["VersionId"]
    assert copied["CopyObjectResult"]["ETag"] == second["ETag"]
    assert refused(s3.copy_object, Bucket=mirror, Key="countries.csv", CopySourceIfMatch=etag,
                   CopySource={"Bucket": source, "Key": "ref/countries.csv"}) == (
        "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
        "x-amz-copy-source-If-Match")
    assert refused(s3.copy_object, Bucket=mirror, Key="countries.csv", CopySourceIfNoneMatch=second["ETag"],
                   CopySourceIfModifiedSince=modified - DAY,
                   CopySource={"Bucket": source, "Key": "ref/countries.csv"})[3] == "x-amz-copy-source-If-None-Match"
    # x-amz-copy-source-if-match true wins over if-unmodified-since false.
    s3.copy_object(Bucket=mirror, Key="countries-again.csv", CopySourceIfMatch=second["ETag"],
                   CopySourceIfUnmodifiedSince=modified - DAY,
                   CopySource={"Bucket": source, "Key": "ref/countries.csv"})
    pinned = s3.copy_object(Bucket=mirror, Key="countries-v1.csv", CopySourceIfMatch=etag,
                            CopySource={"Bucket": source, "Key": "ref/countries.csv", "VersionId": first["VersionId"]})
    assert pinned["CopySourceVersionId"] == first["VersionId"]

    upload = s3.create_multipart_upload(Bucket=mirror, Key="bundle.csv")["UploadId"]
    assert refused(s3.upload_part_copy, Bucket=mirror, Key="bundle.csv", UploadId=upload, PartNumber=1,
                   CopySource={"Bucket": source, "Key": "ref/countries.csv"}, CopySourceIfNoneMatch=second["ETag"])[
        2:] == (412, "x-amz-copy-source-If-None-Match")
    s3.abort_multipart_upload(Bucket=mirror, Key="bundle.csv", UploadId=upload)

    listed = s3.list_objects_v2(Bucket=mirror)["Contents"]
    assert [(o["Key"], o["Size"]) for o in listed] == [
        ("countries-again.csv", 31), ("countries-v1.csv", 20), ("countries.csv", 31)]
