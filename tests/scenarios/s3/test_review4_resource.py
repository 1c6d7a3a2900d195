"""Everyday boto3 resource code, as users write it: Bucket.objects.filter, Object
put/get/copy_from/delete, object_versions, upload_file/download_file over a multipart
threshold, upload_fileobj from a stream that only reads."""
import hashlib
import io
import os

import pytest
from boto3.s3.transfer import TransferConfig

from s3_helpers import MIB, error_of


@pytest.fixture
def bucket(lakebox_server, make_bucket, session):
    name = make_bucket("rv4-res")
    kwargs = {"endpoint_url": lakebox_server.endpoint} if lakebox_server.endpoint else {}
    return session.resource("s3", **kwargs).Bucket(name)


def test_objects_filter_by_prefix_and_all(bucket):
    for key in ["logs/2024/a.txt", "logs/2024/b.txt", "logs/2025/c.txt", "other.txt"]:
        bucket.put_object(Key=key, Body=key.encode())
    assert [o.key for o in bucket.objects.filter(Prefix="logs/2024/")] == ["logs/2024/a.txt", "logs/2024/b.txt"]
    assert [o.key for o in bucket.objects.all()] == [
        "logs/2024/a.txt", "logs/2024/b.txt", "logs/2025/c.txt", "other.txt"]
    summary = next(iter(bucket.objects.filter(Prefix="other")))
    assert summary.size == len(b"other.txt")
    assert summary.e_tag == '"%s"' % hashlib.md5(b"other.txt").hexdigest()
    assert summary.storage_class == "STANDARD"
    assert [o.key for o in bucket.objects.filter(Prefix="logs/").limit(2)] == ["logs/2024/a.txt", "logs/2024/b.txt"]
    assert [o.key for o in bucket.objects.page_size(1).filter(Prefix="logs/")] == [
        "logs/2024/a.txt", "logs/2024/b.txt", "logs/2025/c.txt"]


def test_object_put_get_copy_from_delete(bucket):
    obj = bucket.Object("in/report.csv")
    obj.put(Body=b"a,b\n1,2\n", ContentType="text/csv", Metadata={"origin": "unit"})
    got = obj.get()
    assert got["Body"].read() == b"a,b\n1,2\n"
    assert got["ContentType"] == "text/csv"
    assert got["Metadata"] == {"origin": "unit"}
    obj.load()
    assert obj.content_length == 8 and obj.metadata == {"origin": "unit"}

    copy = bucket.Object("out/report.csv")
    copy.copy_from(CopySource={"Bucket": bucket.name, "Key": "in/report.csv"})
    copy.load()
    assert copy.metadata == {"origin": "unit"} and copy.content_type == "text/csv"

    copy.copy_from(CopySource=f"{bucket.name}/in/report.csv", MetadataDirective="REPLACE",
                   Metadata={"stage": "out"}, ContentType="application/octet-stream")
    copy.reload()
    assert copy.metadata == {"stage": "out"} and copy.content_type == "application/octet-stream"

    obj.delete()
    code, status, response = error_of(obj.load)
    assert (code, status) == ("404", 404)
    assert response["Error"]["Message"] == "Not Found"


def test_managed_copy_and_bucket_download(bucket, tmp_path):
    bucket.put_object(Key="src.bin", Body=b"x" * 1000)
    bucket.copy({"Bucket": bucket.name, "Key": "src.bin"}, "dst.bin")
    target = tmp_path / "dst.bin"
    bucket.download_file("dst.bin", str(target))
    assert target.read_bytes() == b"x" * 1000


def test_upload_and_download_file_over_a_multipart_threshold(bucket, tmp_path):
    data = os.urandom(11 * MIB + 123)
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, max_concurrency=2)
    bucket.upload_file(str(source), "big/big.bin", Config=config, ExtraArgs={"Metadata": {"kind": "big"}})
    obj = bucket.Object("big/big.bin")
    assert obj.content_length == len(data)
    assert obj.e_tag.endswith('-3"')
    assert obj.metadata == {"kind": "big"}
    back = tmp_path / "back.bin"
    bucket.download_file("big/big.bin", str(back), Config=TransferConfig(multipart_threshold=4 * MIB,
                                                                        multipart_chunksize=4 * MIB))
    assert hashlib.sha256(back.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert list(bucket.multipart_uploads.all()) == []


class ReadOnlyStream(io.RawIOBase):
    """A stream that can only be read, in small pieces (like a socket or a pipe)."""

    def __init__(self, data: bytes, piece: int):
        self.data, self.piece, self.at = data, piece, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self.data[self.at:self.at + min(self.piece, len(buffer))]
        buffer[:len(chunk)] = chunk
        self.at += len(chunk)
        return len(chunk)


def test_upload_fileobj_from_a_read_only_stream(bucket):
    data = os.urandom(6 * MIB + 7)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    bucket.upload_fileobj(ReadOnlyStream(data, 64 * 1024), "stream.bin", Config=config)
    out = io.BytesIO()
    bucket.download_fileobj("stream.bin", out)
    assert out.getvalue() == data
    small = b"tiny stream"
    bucket.upload_fileobj(ReadOnlyStream(small, 3), "small.bin")
    assert bucket.Object("small.bin").get()["Body"].read() == small


def test_object_versions_and_delete_markers(bucket):
    bucket.Versioning().enable()
    first = bucket.put_object(Key="doc.txt", Body=b"one").version_id
    second = bucket.put_object(Key="doc.txt", Body=b"two").version_id
    bucket.Object("doc.txt").delete()
    versions = list(bucket.object_versions.filter(Prefix="doc.txt"))
    assert len(versions) == 3
    markers = [v for v in versions if v.size is None]
    assert len(markers) == 1 and markers[0].is_latest
    assert [(v.id, v.is_latest) for v in versions if v.size is not None] == [(second, False), (first, False)]
    code, status, response = error_of(bucket.Object("doc.txt").get)
    assert (code, status) == ("NoSuchKey", 404)
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    assert bucket.Object("doc.txt").get(VersionId=first)["Body"].read() == b"one"
    marker = markers[0]
    marker.delete()
    assert bucket.Object("doc.txt").get()["Body"].read() == b"two"
    bucket.object_versions.filter(Prefix="doc.txt").delete()
    assert list(bucket.object_versions.all()) == []


def test_bucket_delete_objects_and_empty_bucket(bucket):
    for n in range(5):
        bucket.put_object(Key=f"k{n}", Body=b"")
    bucket.objects.filter(Prefix="k").delete()
    assert list(bucket.objects.all()) == []


def test_resource_bucket_creation_date_and_exists_waiter(lakebox_server, session):
    kwargs = {"endpoint_url": lakebox_server.endpoint} if lakebox_server.endpoint else {}
    s3 = session.resource("s3", **kwargs)
    name = "rv4-waiter-" + os.urandom(6).hex()
    bucket = s3.create_bucket(Bucket=name)
    bucket.wait_until_exists()
    assert name in [b.name for b in s3.buckets.all()]
    assert bucket.creation_date is not None
    bucket.Object("a").put(Body=b"1")
    bucket.Object("a").wait_until_exists()
    bucket.Object("a").delete()
    bucket.Object("a").wait_until_not_exists()
    bucket.delete()
    bucket.wait_until_not_exists()
