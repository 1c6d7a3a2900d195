"""Multipart uploads with boto3: parts, copies of parts, listings, completion rules."""
import base64
import hashlib
import os
import pytest

from s3_helpers import MIB, error_of


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("multipart")


def multipart_etag(parts):
    return '"' + hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f'-{len(parts)}"'


def test_upload_complete_and_read_back_by_part(s3, bucket):
    parts = [os.urandom(5 * MIB), os.urandom(5 * MIB), b"tail"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big.bin", ContentType="application/x-test",
                                        Metadata={"m": "1"})["UploadId"]
    done = [{"PartNumber": i + 1, "ETag": s3.upload_part(Bucket=bucket, Key="big.bin", UploadId=upload,
                                                         PartNumber=i + 1, Body=data)["ETag"]}
            for i, data in enumerate(parts)]
    listed = s3.list_parts(Bucket=bucket, Key="big.bin", UploadId=upload)
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, 5 * MIB), (2, 5 * MIB), (3, 4)]
    result = s3.complete_multipart_upload(Bucket=bucket, Key="big.bin", UploadId=upload,
                                          MultipartUpload={"Parts": done})
    assert result["ETag"] == multipart_etag(parts)
    got = s3.get_object(Bucket=bucket, Key="big.bin")
    assert got["Body"].read() == b"".join(parts)
    assert (got["ContentType"], got["Metadata"], got["ETag"]) == ("application/x-test", {"m": "1"}, result["ETag"])
    second = s3.get_object(Bucket=bucket, Key="big.bin", PartNumber=2)
    assert (second["Body"].read(), second["PartsCount"]) == (parts[1], 3)
    assert second["ContentRange"] == f"bytes {5 * MIB}-{10 * MIB - 1}/{10 * MIB + 4}"
    code, status, _ = error_of(s3.list_parts, Bucket=bucket, Key="big.bin", UploadId=upload)
    assert (code, status) == ("NoSuchUpload", 404)


def test_parts_smaller_than_5_mib_are_too_small(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=n, Body=b"x" * 10)["ETag"]
             for n in (1, 2)]
    code, status, response = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                                      MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etags[0]},
                                                                 {"PartNumber": 2, "ETag": etags[1]}]})
    assert (code, status) == ("EntityTooSmall", 400)
    assert response["Error"]["Message"] == "Your proposed upload is smaller than the minimum allowed size"
    # one small part alone is fine: the last part has no minimum
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etags[0]}]})
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x" * 10


def test_invalid_part_and_order(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"x" * (5 * MIB))["ETag"]
    tail = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=2, Body=b"y")["ETag"]
    code, status, _ = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                               MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": tail}, {"PartNumber": 1, "ETag": etag}]})
    assert (code, status) == ("InvalidPartOrder", 400)
    code, status, _ = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                               MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0000"'}]})
    assert (code, status) == ("InvalidPart", 400)
    code, status, _ = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                               MultipartUpload={"Parts": [{"PartNumber": 3, "ETag": etag}]})
    assert (code, status) == ("InvalidPart", 400)
    code, status, _ = error_of(s3.upload_part, Bucket=bucket, Key="k", UploadId=upload, PartNumber=10001, Body=b"z")
    assert (code, status) == ("InvalidArgument", 400)


def test_abort_and_unknown_upload(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"x")
    assert s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload)["ResponseMetadata"]["HTTPStatusCode"] == 204
    code, status, response = error_of(s3.upload_part, Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"x")
    assert (code, status) == ("NoSuchUpload", 404)
    assert response["Error"]["UploadId"] == upload


def test_list_multipart_uploads_with_prefix_and_delimiter(s3, bucket):
    ids = {key: s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
           for key in ("logs/2024/a", "logs/2025/b", "top")}
    listing = s3.list_multipart_uploads(Bucket=bucket)
    assert [(u["Key"], u["UploadId"]) for u in listing["Uploads"]] == sorted(ids.items())
    nested = s3.list_multipart_uploads(Bucket=bucket, Prefix="logs/", Delimiter="/")
    assert [p["Prefix"] for p in nested["CommonPrefixes"]] == ["logs/2024/", "logs/2025/"]
    paged = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1)
    assert paged["IsTruncated"] and paged["NextKeyMarker"] == "logs/2024/a"
    rest = s3.list_multipart_uploads(Bucket=bucket, KeyMarker=paged["NextKeyMarker"],
                                     UploadIdMarker=paged["NextUploadIdMarker"])
    assert [u["Key"] for u in rest["Uploads"]] == ["logs/2025/b", "top"]


def test_upload_part_copy_with_ranges(s3, bucket):
    source = os.urandom(6 * MIB)
    s3.put_object(Bucket=bucket, Key="source", Body=source)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="assembled")["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=1,
                                CopySource={"Bucket": bucket, "Key": "source"},
                                CopySourceRange=f"bytes=0-{5 * MIB - 1}")
    second = s3.upload_part_copy(Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=2,
                                 CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange="bytes=100-199")
    assert first["CopyPartResult"]["ETag"] == '"' + hashlib.md5(source[:5 * MIB]).hexdigest() + '"'
    code, status, _ = error_of(s3.upload_part_copy, Bucket=bucket, Key="assembled", UploadId=upload, PartNumber=3,
                               CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange=f"bytes=0-{6 * MIB}")
    assert (code, status) == ("InvalidArgument", 400)
    s3.complete_multipart_upload(Bucket=bucket, Key="assembled", UploadId=upload, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="assembled")["Body"].read() == source[:5 * MIB] + source[100:200]


def test_composite_checksum(s3, bucket):
    parts = [os.urandom(5 * MIB), b"end"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256")["UploadId"]
    done = []
    for number, data in enumerate(parts, 1):
        answer = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=number, Body=data,
                                ChecksumAlgorithm="SHA256")
        assert answer["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
        done.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": answer["ChecksumSHA256"]})
    result = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload={"Parts": done})
    digest = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()
    assert result["ChecksumSHA256"] == base64.b64encode(digest).decode() + "-2"
    assert result["ChecksumType"] == "COMPOSITE"


def test_conditional_complete(s3, bucket):
    s3.put_object(Bucket=bucket, Key="exists", Body=b"v")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="exists")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="exists", UploadId=upload, PartNumber=1, Body=b"p")["ETag"]
    code, status, _ = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="exists", UploadId=upload,
                               IfNoneMatch="*", MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert (code, status) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="exists")["Body"].read() == b"v"
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    code, status, _ = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="exists", UploadId=upload,
                               IfMatch='"0123456789abcdef0123456789abcdef"', MultipartUpload=parts)
    assert (code, status) == ("PreconditionFailed", 412)
    current = s3.head_object(Bucket=bucket, Key="exists")["ETag"]
    s3.complete_multipart_upload(Bucket=bucket, Key="exists", UploadId=upload, IfMatch=current, MultipartUpload=parts)
    assert s3.get_object(Bucket=bucket, Key="exists")["Body"].read() == b"p"


def test_transfer_manager_round_trip(s3, bucket, tmp_path):
    from boto3.s3.transfer import TransferConfig
    data = os.urandom(23 * MIB + 7)
    source = tmp_path / "up.bin"
    source.write_bytes(data)
    config = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=8)
    s3.upload_file(str(source), bucket, "transfer.bin", Config=config)
    assert s3.head_object(Bucket=bucket, Key="transfer.bin")["ETag"].endswith('-3"')
    target = tmp_path / "down.bin"
    s3.download_file(bucket, "transfer.bin", str(target), Config=config)
    assert target.read_bytes() == data
