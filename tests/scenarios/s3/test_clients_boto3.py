"""S3 with boto3 as a data engineer uses it: objects, checksums, transfers."""
import base64
import hashlib
import io
import os
import zlib

import pytest
from awscrt import checksums as crt
from botocore.auth import S3SigV4Auth
from botocore.config import Config
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.httpchecksum import AwsChunkedWrapper, Crc32Checksum
from boto3.s3.transfer import TransferConfig

from s3_helpers import http

ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def checksum(algorithm: str, data: bytes) -> str:
    return {
        "CRC32": lambda: b64(zlib.crc32(data).to_bytes(4, "big")),
        "CRC32C": lambda: b64(crt.crc32c(data).to_bytes(4, "big")),
        "CRC64NVME": lambda: b64(crt.crc64nvme(data).to_bytes(8, "big")),
        "SHA1": lambda: b64(hashlib.sha1(data).digest()),
        "SHA256": lambda: b64(hashlib.sha256(data).digest()),
    }[algorithm]()


@pytest.fixture(scope="module")
def s3_once(lakebox_server):
    """No retries: botocore retries a BadDigest four times, with back-off, as it should."""
    return lakebox_server.client("s3", config=Config(retries={"max_attempts": 1}))


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("boto3", digits=12)


def test_put_and_get(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="dir/hello.txt", Body=b"hello, lake", ContentType="text/plain",
                        Metadata={"team": "data"})
    assert put["ETag"] == '"%s"' % hashlib.md5(b"hello, lake").hexdigest()
    got = s3.get_object(Bucket=bucket, Key="dir/hello.txt")
    assert got["Body"].read() == b"hello, lake"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"team": "data"}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_checksum_is_stored_and_returned(s3, bucket, algorithm):
    data = os.urandom(100_000)
    put = s3.put_object(Bucket=bucket, Key=algorithm, Body=data, ChecksumAlgorithm=algorithm)
    assert put[f"Checksum{algorithm}"] == checksum(algorithm, data)
    got = s3.get_object(Bucket=bucket, Key=algorithm, ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == checksum(algorithm, data)
    assert got["Body"].read() == data


def test_default_checksum_is_crc64nvme(lakebox_server, s3, bucket):
    """A client that sends no checksum (boto3 adds a CRC32 unless told not to): S3 still
    keeps a CRC64NVME of the object."""
    data = b"no checksum asked for"
    bare = lakebox_server.client("s3", config=Config(request_checksum_calculation="when_required"))
    bare.put_object(Bucket=bucket, Key="plain", Body=data)
    head = s3.head_object(Bucket=bucket, Key="plain", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == checksum("CRC64NVME", data)


@pytest.mark.parametrize("algorithm", ["CRC32", "SHA256"])
def test_wrong_checksum_is_rejected(s3, s3_once, bucket, algorithm):
    wrong = checksum(algorithm, b"something else")
    with pytest.raises(ClientError) as err:
        s3_once.put_object(Bucket=bucket, Key="bad", Body=b"payload", **{f"Checksum{algorithm}": wrong})
    assert err.value.response["Error"]["Code"] == "BadDigest"
    assert err.value.response["Error"]["Message"] == \
        f"The {algorithm} you specified did not match the calculated checksum."
    with pytest.raises(ClientError) as err:
        s3.head_object(Bucket=bucket, Key="bad")
    assert err.value.response["Error"]["Code"] == "404"


def test_wrong_content_md5_is_rejected(s3_once, bucket):
    with pytest.raises(ClientError) as err:
        s3_once.put_object(Bucket=bucket, Key="bad", Body=b"payload", ContentMD5=b64(hashlib.md5(b"x").digest()))
    assert err.value.response["Error"]["Code"] == "BadDigest"


def test_streaming_trailer_upload(lakebox_server, s3, bucket):
    """The aws-chunked body with a trailing CRC32 that botocore sends over HTTPS."""
    if lakebox_server.endpoint is None:
        pytest.skip("built against the lakebox endpoint")
    data = os.urandom(3 * 1024 * 1024 + 7)
    url = f"{lakebox_server.endpoint}/{bucket}/chunked"
    wire = AwsChunkedWrapper(io.BytesIO(data), checksum_cls=Crc32Checksum,
                             checksum_name="x-amz-checksum-crc32").read()
    headers = {"Content-Encoding": "aws-chunked", "X-Amz-Trailer": "x-amz-checksum-crc32",
               "X-Amz-Decoded-Content-Length": str(len(data)), "X-Amz-Sdk-Checksum-Algorithm": "CRC32",
               "Content-Type": "application/octet-stream"}
    request = AWSRequest("PUT", url, headers=headers, data=wire)
    # Signed as botocore signs it: STREAMING-UNSIGNED-PAYLOAD-TRAILER.
    request.context["checksum"] = {"request_algorithm": {"in": "trailer", "algorithm": "crc32",
                                                         "name": "x-amz-checksum-crc32"}}
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    status, headers, _ = http(url, "PUT", data=wire, headers=dict(request.headers.items()))
    assert status == 200
    assert headers["x-amz-checksum-crc32"] == checksum("CRC32", data)
    got = s3.get_object(Bucket=bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ContentLength"] == len(data)
    assert got["ChecksumCRC32"] == checksum("CRC32", data)
    assert "ContentEncoding" not in got              # aws-chunked is transport only


def test_upload_and_download_file_multipart(s3, bucket, tmp_path):
    """s3transfer's threaded multipart upload and ranged download of a 50 MB file."""
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(50 * 1000 * 1000))
    config = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024,
                            max_concurrency=8)
    s3.upload_file(str(source), bucket, "big.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == 50 * 1000 * 1000
    assert head["ETag"].endswith('-6"')
    target = tmp_path / "back.bin"
    s3.download_file(bucket, "big.bin", str(target), Config=config)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
