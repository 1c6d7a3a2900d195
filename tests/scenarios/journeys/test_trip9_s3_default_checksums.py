"""A data engineer on boto3 >= 1.36 checks what the new default integrity checksums
leave on a lake's objects: a plain put_object carries the SDK's CRC32, a client set to
`request_checksum_calculation="when_required"` sends none and S3 adds its own CRC64NVME,
a nightly extract is sent as a multipart upload with a full-object CRC64NVME that equals
the checksum of the whole file (and a composite CRC32 one that does not), copies keep or
change their checksum, and a checksum type the algorithm cannot have is refused."""
import base64
import zlib

import pytest
from awscrt import checksums

from trip_helpers import error_of

MB = 1024 * 1024


def b64(number: int, width: int) -> str:
    return base64.b64encode(number.to_bytes(width, "big")).decode()


def crc32(data: bytes) -> str:
    return b64(zlib.crc32(data), 4)


def crc64nvme(data: bytes) -> str:
    return b64(checksums.crc64nvme(data), 8)


def checksum_of(s3, bucket, key) -> dict:
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    return {name: value for name, value in head.items() if name.startswith("Checksum")}


def test_default_checksums_across_a_day_of_loads(client, bucket):
    s3 = client("s3")
    quiet = client("s3", request_checksum_calculation="when_required", response_checksum_validation="when_required")
    rows = b"order_id,amount\n1,9.99\n2,15.00\n"

    s3.put_object(Bucket=bucket, Key="daily/orders.csv", Body=rows)
    assert checksum_of(s3, bucket, "daily/orders.csv") == {"ChecksumCRC32": crc32(rows), "ChecksumType": "FULL_OBJECT"}
    assert "ChecksumCRC32" not in s3.head_object(Bucket=bucket, Key="daily/orders.csv")    # only when asked

    sent = quiet.put_object(Bucket=bucket, Key="daily/orders-legacy.csv", Body=rows)
    assert (sent["ChecksumCRC64NVME"], sent["ChecksumType"]) == (crc64nvme(rows), "FULL_OBJECT")
    assert s3.get_object_attributes(Bucket=bucket, Key="daily/orders-legacy.csv",
                                    ObjectAttributes=["Checksum", "ObjectSize"])["Checksum"] == {
        "ChecksumCRC64NVME": crc64nvme(rows), "ChecksumType": "FULL_OBJECT"}
    got = s3.get_object(Bucket=bucket, Key="daily/orders-legacy.csv", ChecksumMode="ENABLED")
    assert got["Body"].read() == rows and got["ChecksumCRC64NVME"] == crc64nvme(rows)

    parts = [bytes([65 + n]) * (5 * MB) for n in range(2)] + [b"tail of the extract\n"]
    extract = b"".join(parts)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="extracts/full.bin", ChecksumAlgorithm="CRC64NVME",
                                        ChecksumType="FULL_OBJECT")
    assert (upload["ChecksumAlgorithm"], upload["ChecksumType"]) == ("CRC64NVME", "FULL_OBJECT")
    done = []
    for number, part in enumerate(parts, start=1):
        answer = s3.upload_part(Bucket=bucket, Key="extracts/full.bin", UploadId=upload["UploadId"],
                                PartNumber=number, Body=part, ChecksumAlgorithm="CRC64NVME")
        assert answer["ChecksumCRC64NVME"] == crc64nvme(part)
        done.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumCRC64NVME": answer["ChecksumCRC64NVME"]})
    completed = s3.complete_multipart_upload(Bucket=bucket, Key="extracts/full.bin", UploadId=upload["UploadId"],
                                             MultipartUpload={"Parts": done}, ChecksumType="FULL_OBJECT",
                                             ChecksumCRC64NVME=crc64nvme(extract))
    assert (completed["ChecksumCRC64NVME"], completed["ChecksumType"]) == (crc64nvme(extract), "FULL_OBJECT")
    assert completed["ETag"].endswith('-3"')
    attributes = s3.get_object_attributes(Bucket=bucket, Key="extracts/full.bin",
                                          ObjectAttributes=["Checksum", "ObjectParts", "ObjectSize"])
    assert attributes["ObjectSize"] == len(extract)
    assert attributes["Checksum"] == {"ChecksumCRC64NVME": crc64nvme(extract), "ChecksumType": "FULL_OBJECT"}
    # A FULL_OBJECT checksum: S3 lists no parts, only their count (radkawar/stackd
    # multipart_readers_replay.json, reader-full-attributes).
    assert attributes["ObjectParts"] == {"TotalPartsCount": len(parts)}

    upload = s3.create_multipart_upload(Bucket=bucket, Key="extracts/composite.bin", ChecksumAlgorithm="CRC32")
    assert upload["ChecksumType"] == "COMPOSITE"
    done = []
    for number, part in enumerate(parts, start=1):
        answer = s3.upload_part(Bucket=bucket, Key="extracts/composite.bin", UploadId=upload["UploadId"],
                                PartNumber=number, Body=part, ChecksumAlgorithm="CRC32")
        done.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumCRC32": answer["ChecksumCRC32"]})
    s3.complete_multipart_upload(Bucket=bucket, Key="extracts/composite.bin", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": done})
    of_parts = b64(zlib.crc32(b"".join(base64.b64decode(p["ChecksumCRC32"]) for p in done)), 4)
    assert checksum_of(s3, bucket, "extracts/composite.bin") == {"ChecksumCRC32": f"{of_parts}-3",
                                                                 "ChecksumType": "COMPOSITE"}
    assert of_parts != crc32(extract)
    second = s3.head_object(Bucket=bucket, Key="extracts/composite.bin", PartNumber=2, ChecksumMode="ENABLED")
    assert (second["ContentLength"], second["ChecksumCRC32"], second["PartsCount"]) == (5 * MB, crc32(parts[1]), 3)
    assert s3.get_object(Bucket=bucket, Key="extracts/composite.bin")["Body"].read() == extract

    kept = s3.copy_object(Bucket=bucket, Key="curated/orders.csv",
                          CopySource={"Bucket": bucket, "Key": "daily/orders.csv"})["CopyObjectResult"]
    assert (kept["ChecksumCRC32"], kept["ChecksumType"]) == (crc32(rows), "FULL_OBJECT")
    changed = s3.copy_object(Bucket=bucket, Key="curated/orders-nvme.csv", ChecksumAlgorithm="CRC64NVME",
                             CopySource={"Bucket": bucket, "Key": "daily/orders.csv"})["CopyObjectResult"]
    assert "ChecksumCRC32" not in changed and changed["ChecksumCRC64NVME"] == crc64nvme(rows)
    assert checksum_of(s3, bucket, "curated/orders-nvme.csv") == {"ChecksumCRC64NVME": crc64nvme(rows),
                                                                  "ChecksumType": "FULL_OBJECT"}

    assert error_of(s3.create_multipart_upload, Bucket=bucket, Key="extracts/no.bin", ChecksumAlgorithm="CRC64NVME",
                    ChecksumType="COMPOSITE") == (
        "InvalidRequest", "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.")
    assert error_of(s3.create_multipart_upload, Bucket=bucket, Key="extracts/no.bin", ChecksumAlgorithm="SHA256",
                    ChecksumType="FULL_OBJECT") == (
        "InvalidRequest", "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.")
    assert error_of(s3.put_object, Bucket=bucket, Key="daily/bad.csv", Body=rows,
                    ChecksumCRC64NVME=crc64nvme(rows + b"x")) == (
        "BadDigest", "The CRC64NVME you specified did not match the calculated checksum.")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=bucket, Key="daily/bad.csv")
    uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert uploads == []
