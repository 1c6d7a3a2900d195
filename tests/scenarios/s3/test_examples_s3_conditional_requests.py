"""The conditional-requests scenario of AWS's Python S3 examples: reads, writes and
copies with If-Match / If-None-Match / If-(Un)Modified-Since, and the error codes the
example tells apart (PreconditionFailed, and "304" for a read not modified). Dates
compared are the object's own Last-Modified and a day either side of it (a date in the
future is not one: HTTP says to ignore it)."""
import datetime

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def buckets(make_bucket):
    return make_bucket("cond-src"), make_bucket("cond-dst")


def _code(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["Error"]["Code"]


def test_conditional_reads(s3, buckets):
    source, _ = buckets
    s3.put_object(Bucket=source, Key="file01.txt", Body=b"Conditional requests sample body")
    head = s3.head_object(Bucket=source, Key="file01.txt")
    etag, modified = head["ETag"], head["LastModified"]
    before, after = modified - datetime.timedelta(days=1), modified + datetime.timedelta(days=1)
    read = lambda **condition: s3.get_object(Bucket=source, Key="file01.txt", **condition)  # noqa: E731

    assert read(IfMatch=etag)["Body"].read(20) == b"Conditional requests"
    assert _code(read, IfMatch='"0123456789abcdef0123456789abcdef"') == "PreconditionFailed"
    assert _code(read, IfNoneMatch=etag) == "304"
    assert read(IfNoneMatch='"0123456789abcdef0123456789abcdef"')["ETag"] == etag
    assert _code(read, IfModifiedSince=modified) == "304"
    assert read(IfModifiedSince=before)["ETag"] == etag
    assert _code(read, IfUnmodifiedSince=before) == "PreconditionFailed"
    assert read(IfUnmodifiedSince=after)["ETag"] == etag


def test_conditional_write_never_overwrites(s3, buckets):
    source, _ = buckets
    s3.put_object(Bucket=source, Key="file02.txt", Body=b"first", IfNoneMatch="*")
    assert _code(s3.put_object, Bucket=source, Key="file02.txt", Body=b"second", IfNoneMatch="*") == \
        "PreconditionFailed"
    assert s3.get_object(Bucket=source, Key="file02.txt")["Body"].read() == b"first"


def test_conditional_copies(s3, buckets):
    source, destination = buckets
    s3.put_object(Bucket=source, Key="file01.txt", Body=b"copy me")
    head = s3.head_object(Bucket=source, Key="file01.txt")
    etag, modified = head["ETag"], head["LastModified"]
    before = modified - datetime.timedelta(days=1)

    def copy(dest_key, **condition):
        return s3.copy_object(Bucket=destination, Key=dest_key, CopySource={"Bucket": source, "Key": "file01.txt"},
                              **condition)

    assert copy("a.txt", CopySourceIfMatch=etag)["CopyObjectResult"]["ETag"] == etag
    assert _code(copy, dest_key="b.txt", CopySourceIfMatch='"0123456789abcdef0123456789abcdef"') == \
        "PreconditionFailed"
    assert _code(copy, dest_key="c.txt", CopySourceIfNoneMatch=etag) == "PreconditionFailed"
    assert _code(copy, dest_key="d.txt", CopySourceIfModifiedSince=modified) == "PreconditionFailed"
    assert _code(copy, dest_key="e.txt", CopySourceIfUnmodifiedSince=before) == "PreconditionFailed"
    copy("f.txt", CopySourceIfModifiedSince=before)
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=destination)["Contents"]) == ["a.txt", "f.txt"]
