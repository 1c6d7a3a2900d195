"""The same reads and copies on objects of every size: small ones are kept beside their
metadata and bigger ones in files, and no client can tell them apart."""
import base64
import hashlib
import os

import pytest
from botocore.exceptions import ClientError

from s3_helpers import admit_customer_keys

# Either side of 8 KiB, and one that is big for a single PUT's buffering.
SIZES = [1, 1000, 8 * 1024, 8 * 1024 + 1, 100_000]


@pytest.mark.parametrize("size", SIZES)
def test_ranges_copies_and_overwrites_read_the_bytes_written(s3, make_bucket, size):
    bucket = make_bucket("sizes")
    body = os.urandom(size)
    key = f"object-{size}"
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    ranged = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={size // 3}-")
    assert ranged["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert ranged["Body"].read() == body[size // 3:]
    assert s3.get_object(Bucket=bucket, Key=key, Range="bytes=-1")["Body"].read() == body[-1:]
    part = s3.get_object(Bucket=bucket, Key=key, PartNumber=1)
    assert part["Body"].read() == body and part["ContentLength"] == size
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == size

    s3.copy_object(Bucket=bucket, Key=key + "-copy", CopySource={"Bucket": bucket, "Key": key})
    assert s3.get_object(Bucket=bucket, Key=key + "-copy")["Body"].read() == body
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key + "-parts")["UploadId"]
    copied = s3.upload_part_copy(Bucket=bucket, Key=key + "-parts", UploadId=upload, PartNumber=1,
                                 CopySource={"Bucket": bucket, "Key": key},
                                 CopySourceRange=f"bytes=0-{size - 1}")["CopyPartResult"]
    s3.complete_multipart_upload(Bucket=bucket, Key=key + "-parts", UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": copied["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key=key + "-parts")["Body"].read() == body

    s3.put_object(Bucket=bucket, Key=key, Body=b"replaced")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"replaced"
    s3.delete_object(Bucket=bucket, Key=key)
    with pytest.raises(ClientError) as gone:
        s3.get_object(Bucket=bucket, Key=key)
    assert gone.value.response["Error"]["Code"] == "NoSuchKey"
    assert gone.value.response["Error"]["Message"] == "The specified key does not exist."


@pytest.mark.parametrize("size", SIZES)
def test_encrypted_objects_of_every_size_read_back_with_their_key(s3, make_bucket, size):
    bucket = make_bucket("sizes-sse")
    admit_customer_keys(s3, bucket)
    body = os.urandom(size)
    key = os.urandom(32)
    customer = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64encode(key).decode(),
                "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(key).digest()).decode()}
    s3.put_object(Bucket=bucket, Key=f"sse-c-{size}", Body=body, **customer)
    read = s3.get_object(Bucket=bucket, Key=f"sse-c-{size}", Range=f"bytes={size // 2}-", **customer)
    assert read["Body"].read() == body[size // 2:]
    with pytest.raises(ClientError) as refused:
        s3.get_object(Bucket=bucket, Key=f"sse-c-{size}")
    assert refused.value.response["Error"]["Code"] == "InvalidRequest"
    assert refused.value.response["Error"]["Message"] == (
        "The object was stored using a form of Server Side Encryption. "
        "The correct parameters must be provided to retrieve the object.")

    s3.put_object(Bucket=bucket, Key=f"sse-s3-{size}", Body=body, ServerSideEncryption="AES256")
    assert s3.get_object(Bucket=bucket, Key=f"sse-s3-{size}")["Body"].read() == body


def test_versions_of_every_size_keep_their_own_bytes(s3, make_bucket):
    name = make_bucket("sizes-ver")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    bodies = [os.urandom(size) for size in SIZES]
    ids = [s3.put_object(Bucket=name, Key="k", Body=body)["VersionId"] for body in bodies]
    for version_id, body in zip(ids, bodies):
        assert s3.get_object(Bucket=name, Key="k", VersionId=version_id)["Body"].read() == body
    s3.delete_object(Bucket=name, Key="k", VersionId=ids[-1])
    assert s3.get_object(Bucket=name, Key="k")["Body"].read() == bodies[-2]
