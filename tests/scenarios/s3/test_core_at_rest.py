"""Encryption at rest seen from the data directory: the files on disk never hold an
object's plaintext (SSE-KMS by bucket default, SSE-S3, SSE-C, multipart), the objects
read back after a restart, and a crash check of encrypted bytes needs no key."""
import os

import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only

MIB = 1 << 20


@pytest.fixture
def server(tmp_path):
    with LakeboxServer(data_dir=str(tmp_path / "data")) as running:
        yield running


def files_holding(root: str, needle: bytes) -> list[str]:
    """Every file under `root` whose bytes contain `needle`."""
    found = []
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                if needle in f.read():
                    found.append(path)
    return found


def test_object_bytes_on_disk_are_not_the_plaintext(server):
    s3, kms = server.client("s3"), server.client("kms")
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    s3.create_bucket(Bucket="sealed")
    s3.put_bucket_encryption(Bucket="sealed", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn},
         "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]}}]})
    marker = b"plaintext-marker-" + os.urandom(16).hex().encode()
    small = marker * 10
    s3.put_object(Bucket="sealed", Key="kms", Body=small)
    s3.put_object(Bucket="sealed", Key="sse-s3", Body=small, ServerSideEncryption="AES256")
    s3.put_object(Bucket="sealed", Key="sse-c", Body=small, SSECustomerAlgorithm="AES256",
                  SSECustomerKey=os.urandom(32))
    upload = s3.create_multipart_upload(Bucket="sealed", Key="mpu")["UploadId"]
    part = marker * (5 * MIB // len(marker) + 1)
    etag = s3.upload_part(Bucket="sealed", Key="mpu", UploadId=upload, PartNumber=1, Body=part)["ETag"]
    s3.complete_multipart_upload(Bucket="sealed", Key="mpu", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    s3.copy_object(Bucket="sealed", Key="copy", CopySource={"Bucket": "sealed", "Key": "kms"})
    s3.list_objects_v2(Bucket="sealed")          # the parts' files go once Complete has answered
    assert files_holding(server.data_dir, marker) == []
    server.kill()
    server.start()
    s3 = server.client("s3")
    assert s3.get_object(Bucket="sealed", Key="kms")["Body"].read() == small
    assert s3.get_object(Bucket="sealed", Key="sse-s3")["Body"].read() == small
    assert s3.get_object(Bucket="sealed", Key="mpu")["Body"].read() == part
    assert s3.get_object(Bucket="sealed", Key="copy", Range="bytes=3-40")["Body"].read() == small[3:41]
