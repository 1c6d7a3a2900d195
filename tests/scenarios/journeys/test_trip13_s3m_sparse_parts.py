"""A resumable uploader retries failed parts under new numbers, so the parts it completes
with are sparse (1 and 3, or 2 alone); a downloader later fetches the object part by
part. S3's answers, as recorded in us-east-1 (radkawar/stackd
testdata/aws/s3/multipart_readers_replay.json, sparse-selection and
single-selected-ordinal): reads number the parts by position, not by the numbers they
were uploaded as (partNumber=2 reads the part uploaded as 3; partNumber=3 is
InvalidPartNumber, 416 for HEAD), and GetObjectAttributes of an object whose checksum is
not COMPOSITE (S3's own CRC64NVME, or a FULL_OBJECT CRC32) gives ObjectParts with
TotalPartsCount alone, whatever MaxParts and PartNumberMarker say (reader-gap-attributes,
reader-full-attributes and their pages).
"""
import pytest
from botocore.exceptions import ClientError

FIRST = b"A" * 5242880
TAIL = b"final-part\x00\xff\n"
EVERYTHING = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]


def _complete(s3, bucket, key, numbered, **create):
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    parts = [{"PartNumber": number, "ETag": s3.upload_part(Bucket=bucket, Key=key, UploadId=upload,
                                                           PartNumber=number, Body=data)["ETag"]}
             for number, data in numbered]
    return s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})


def test_parts_are_read_by_position(client, bucket):
    s3 = client("s3")
    done = _complete(s3, bucket, "reader-gap", [(1, FIRST), (3, TAIL)])
    assert (done["ETag"], done["ChecksumCRC64NVME"]) == ('"41d23b536821ebefc4bdb9a1507d4b1a-2"', "HQzKL9La9XM=")

    second = s3.get_object(Bucket=bucket, Key="reader-gap", PartNumber=2, ChecksumMode="ENABLED")
    assert (second["Body"].read(), second["ContentRange"], second["PartsCount"]) == (
        TAIL, "bytes 5242880-5242892/5242893", 2)
    assert "ChecksumCRC64NVME" not in second
    head = s3.head_object(Bucket=bucket, Key="reader-gap", PartNumber=2)
    assert (head["ContentLength"], head["ResponseMetadata"]["HTTPStatusCode"]) == (13, 206)
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket=bucket, Key="reader-gap", PartNumber=3)
    assert missing.value.response["Error"]["Code"] == "InvalidPartNumber"
    with pytest.raises(ClientError) as missing:
        s3.head_object(Bucket=bucket, Key="reader-gap", PartNumber=3)
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416

    _complete(s3, bucket, "reader-subset", [(2, TAIL)])
    only = s3.get_object(Bucket=bucket, Key="reader-subset", PartNumber=1)
    assert (only["Body"].read(), only["ContentRange"], only["PartsCount"]) == (TAIL, "bytes 0-12/13", 1)
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket=bucket, Key="reader-subset", PartNumber=2)
    assert missing.value.response["Error"]["Code"] == "InvalidPartNumber"


def test_full_object_checksums_show_only_the_part_count(client, bucket):
    s3 = client("s3")
    _complete(s3, bucket, "reader-gap", [(1, FIRST), (3, TAIL)])
    _complete(s3, bucket, "reader-full", [(1, FIRST), (2, TAIL)], ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    for key, checksum in (("reader-gap", {"ChecksumCRC64NVME": "HQzKL9La9XM="}),
                          ("reader-full", {"ChecksumCRC32": "WvLZBQ=="})):
        for paging in ({}, {"MaxParts": 1}, {"MaxParts": 1, "PartNumberMarker": 1}):
            answer = s3.get_object_attributes(Bucket=bucket, Key=key, ObjectAttributes=EVERYTHING, **paging)
            assert answer["ObjectParts"] == {"TotalPartsCount": 2}, (key, paging)
            assert answer["Checksum"] == {**checksum, "ChecksumType": "FULL_OBJECT"}
            assert (answer["ETag"], answer["ObjectSize"], answer["StorageClass"]) == (
                "41d23b536821ebefc4bdb9a1507d4b1a-2", 5242893, "STANDARD")
