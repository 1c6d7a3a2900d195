"""Objects of every everyday size, through every read users make: whole, ranges, PartNumber,
HEAD, ChecksumMode, copies, versions, with SSE-S3, SSE-KMS and SSE-C, and across a restart.
Sizes straddle the powers of two where a store may switch how it keeps small bodies."""
import base64
import hashlib
import os

import pytest

from lakebox.testing import LakeboxServer
from s3_helpers import admit_customer_keys, error_of

SIZES = [0, 1, 100, 4095, 4096, 4097, 65535, 65536, 65537, 262144, 1048577]
SSE_C_KEY = os.urandom(32)
SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": SSE_C_KEY}
SSE_C_COPY = {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": SSE_C_KEY}


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.fixture(scope="module")
def kms_key(lakebox_server):
    return lakebox_server.client("kms").create_key(Description="review4 sizes")["KeyMetadata"]["Arn"]


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("rv4-size")


def encryption(mode, kms_key):
    return {"plain": {}, "kms": {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key},
            "sse-c": dict(SSE_C)}[mode]


def read_args(mode):
    return dict(SSE_C) if mode == "sse-c" else {}


def check_reads(s3, bucket, key, data, mode):
    args = read_args(mode)
    got = s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED", **args)
    assert got["Body"].read() == data
    assert got["ContentLength"] == len(data) and got["ChecksumSHA256"] == sha256_b64(data)
    assert s3.head_object(Bucket=bucket, Key=key, **args)["ContentLength"] == len(data)
    whole_part = s3.get_object(Bucket=bucket, Key=key, PartNumber=1, **args)
    assert whole_part["Body"].read() == data
    if not data:
        assert error_of(s3.get_object, Bucket=bucket, Key=key, Range="bytes=0-0", **args)[:2] == ("InvalidRange", 416)
        return
    middle = len(data) // 3
    ranged = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={middle}-{middle + 99}", **args)
    assert ranged["Body"].read() == data[middle:middle + 100]
    assert ranged["ContentRange"] == f"bytes {middle}-{min(middle + 99, len(data) - 1)}/{len(data)}"
    assert s3.get_object(Bucket=bucket, Key=key, Range="bytes=-7", **args)["Body"].read() == data[-7:]
    assert s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={len(data) - 1}-", **args)["Body"].read() == data[-1:]


@pytest.mark.parametrize("mode", ["plain", "kms", "sse-c"])
@pytest.mark.parametrize("size", SIZES)
def test_every_read_of_every_size(s3, bucket, kms_key, mode, size):
    if mode == "sse-c":
        admit_customer_keys(s3, bucket)
    data = os.urandom(size)
    put = s3.put_object(Bucket=bucket, Key="obj", Body=data, ChecksumAlgorithm="SHA256", **encryption(mode, kms_key))
    if mode != "sse-c":
        assert put["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
    check_reads(s3, bucket, "obj", data, mode)
    copy_source = SSE_C_COPY if mode == "sse-c" else {}
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "obj"}, ChecksumAlgorithm="SHA256",
                   **copy_source, **encryption(mode, kms_key))
    check_reads(s3, bucket, "copy", data, mode)
    s3.copy_object(Bucket=bucket, Key="obj", CopySource={"Bucket": bucket, "Key": "obj"}, MetadataDirective="REPLACE",
                   Metadata={"edited": "yes"}, ChecksumAlgorithm="SHA256", **copy_source, **encryption(mode, kms_key))
    assert s3.head_object(Bucket=bucket, Key="obj", **read_args(mode))["Metadata"] == {"edited": "yes"}
    check_reads(s3, bucket, "obj", data, mode)


@pytest.mark.parametrize("size", [0, 1, 4097, 65537, 1048577])
def test_versions_of_every_size_stay_readable(s3, versioned, size):
    older, newer = os.urandom(size), os.urandom(size + 1)
    first = s3.put_object(Bucket=versioned, Key="v", Body=older)["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="v", Body=newer)["VersionId"]
    assert s3.get_object(Bucket=versioned, Key="v", VersionId=first)["Body"].read() == older
    assert s3.get_object(Bucket=versioned, Key="v")["Body"].read() == newer
    if size:
        assert s3.get_object(Bucket=versioned, Key="v", VersionId=first, Range="bytes=0-0")["Body"].read() == older[:1]
    s3.copy_object(Bucket=versioned, Key="restored", CopySource={"Bucket": versioned, "Key": "v", "VersionId": first})
    assert s3.get_object(Bucket=versioned, Key="restored")["Body"].read() == older
    s3.delete_object(Bucket=versioned, Key="v", VersionId=second)
    assert s3.get_object(Bucket=versioned, Key="v")["Body"].read() == older


@pytest.mark.parametrize("size", [0, 1, 4097, 65537])
def test_small_last_part_of_a_multipart_upload(s3, bucket, size):
    head, tail = os.urandom(5 * 1024 * 1024), os.urandom(size)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=n,
                                                      Body=body)["ETag"]}
             for n, body in [(1, head), (2, tail)]]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == head + tail
    assert s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)["Body"].read() == tail
    assert s3.get_object(Bucket=bucket, Key="mp", Range="bytes=5242878-5242881")["Body"].read() == \
        (head + tail)[5242878:5242882]


@pytest.mark.local_only
def test_every_size_and_encryption_survives_a_restart(tmp_path):
    with LakeboxServer(data_dir=str(tmp_path / "data")) as server:
        s3 = server.client("s3")
        kms_key = server.client("kms").create_key()["KeyMetadata"]["Arn"]
        s3.create_bucket(Bucket="sizes")
        admit_customer_keys(s3, "sizes")
        stored = {}
        for size in SIZES:
            for mode in ["plain", "kms", "sse-c"]:
                stored[(size, mode)] = data = os.urandom(size)
                s3.put_object(Bucket="sizes", Key=f"{mode}/{size}", Body=data, ChecksumAlgorithm="SHA256",
                              **encryption(mode, kms_key))
        server.kill()
        server.start()
        s3 = server.client("s3")
        for (size, mode), data in stored.items():
            check_reads(s3, "sizes", f"{mode}/{size}", data, mode)
