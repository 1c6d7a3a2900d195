"""Moving a large extract with integrity checks: the job uploads it with upload_file and
a TransferConfig that forces multipart, asking for SHA256 checksums; it then checks
what S3 recorded with GetObjectAttributes (parts, sizes, the composite checksum, the
ETag without quotes), downloads it with download_file and compares, and a small file
sent with a CRC32 it computed itself is refused when the value is wrong."""
import base64
import hashlib
import zlib

import pytest
from boto3.s3.transfer import TransferConfig

from trip_helpers import error_of

MB = 1024 * 1024


def test_multipart_upload_with_sha256_checked(client, bucket, tmp_path):
    s3 = client("s3")
    extract = tmp_path / "extract.bin"
    data = bytes(range(256)) * (48 * 1024)             # 12 MiB
    extract.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB)
    s3.upload_file(str(extract), bucket, "extracts/2024-05.bin", Config=config,
                   ExtraArgs={"ChecksumAlgorithm": "SHA256", "Metadata": {"source": "erp"}})

    attributes = s3.get_object_attributes(Bucket=bucket, Key="extracts/2024-05.bin", ObjectAttributes=[
        "ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"])
    parts = attributes["ObjectParts"]
    assert attributes["ObjectSize"] == len(data)
    assert attributes["StorageClass"] == "STANDARD"
    assert attributes["ETag"].endswith("-3") and not attributes["ETag"].startswith('"')
    assert parts["TotalPartsCount"] == 3
    assert [p["Size"] for p in parts["Parts"]] == [5 * MB, 5 * MB, 2 * MB]
    digests = [hashlib.sha256(data[i:i + 5 * MB]).digest() for i in range(0, len(data), 5 * MB)]
    assert [p["ChecksumSHA256"] for p in parts["Parts"]] == [base64.b64encode(d).decode() for d in digests]
    composite = base64.b64encode(hashlib.sha256(b"".join(digests)).digest()).decode()
    assert attributes["Checksum"] == {"ChecksumSHA256": composite, "ChecksumType": "COMPOSITE"}   # no "-3" here

    first_two = s3.get_object_attributes(Bucket=bucket, Key="extracts/2024-05.bin", ObjectAttributes=["ObjectParts"],
                                         MaxParts=2)["ObjectParts"]
    assert [p["PartNumber"] for p in first_two["Parts"]] == [1, 2]
    assert first_two["IsTruncated"] is True and first_two["NextPartNumberMarker"] == 2

    head = s3.head_object(Bucket=bucket, Key="extracts/2024-05.bin", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == f"{composite}-3"
    assert head["Metadata"] == {"source": "erp"}
    assert s3.head_object(Bucket=bucket, Key="extracts/2024-05.bin", PartNumber=3)["ContentLength"] == 2 * MB

    copy = tmp_path / "copy.bin"
    s3.download_file(bucket, "extracts/2024-05.bin", str(copy), Config=config)
    assert copy.read_bytes() == data

    small = b"order,total\n1,9.99\n"
    crc = base64.b64encode(zlib.crc32(small).to_bytes(4, "big")).decode()
    sent = s3.put_object(Bucket=bucket, Key="extracts/small.csv", Body=small, ChecksumCRC32=crc)
    assert sent["ChecksumCRC32"] == crc
    assert s3.get_object_attributes(Bucket=bucket, Key="extracts/small.csv", ObjectAttributes=["Checksum"])[
        "Checksum"] == {"ChecksumCRC32": crc, "ChecksumType": "FULL_OBJECT"}
    wrong = base64.b64encode((zlib.crc32(small) ^ 1).to_bytes(4, "big")).decode()
    assert error_of(s3.put_object, Bucket=bucket, Key="extracts/bad.csv", Body=small, ChecksumCRC32=wrong) == (
        "BadDigest", "The CRC32 you specified did not match the calculated checksum.")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=bucket, Key="extracts/bad.csv")
    assert error_of(s3.get_object_attributes, Bucket=bucket, Key="extracts/none.csv",
                    ObjectAttributes=["ETag"]) == ("NoSuchKey", "The specified key does not exist.")
