"""A media service stores renditions as COMPOSITE SHA256 multipart objects and its
players fetch them part by part, by byte ranges, verifying each piece. S3's answers, as
recorded in us-east-1 (radkawar/stackd testdata/aws/s3/multipart_read_bounds_replay.json):

- a Range that selects exactly one part comes with that part's checksum and the type
  COMPOSITE, a Range over the whole object with the object's checksum, any other Range
  with none (composite-range-exact-first/-second, composite-range-entire,
  composite-range-partial-first, composite-range-cross-boundary, and their HEAD twins);
- GetObjectAttributes pages ObjectParts as S3 does: MaxParts is echoed as asked (1001),
  MaxParts 0 lists nothing untruncated, a page past the last part has
  NextPartNumberMarker 0, and a negative MaxParts lists nothing, truncated, naming itself
  as the next marker (attrs-max-0, attrs-max--1, attrs-max-1001, attrs-marker-2/3/10001).
"""
import base64
import hashlib

FIRST = b"A" * 5242880
SECOND = b"BCDEFGHIJ"


def _sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _composite(s3, bucket, key="composite") -> str:
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256",
                                        ChecksumType="COMPOSITE")["UploadId"]
    parts = []
    for number, data in ((1, FIRST), (2, SECOND)):
        etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=number,
                              ChecksumSHA256=_sha256(data), Body=data)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag, "ChecksumSHA256": _sha256(data)})
    done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload,
                                        MultipartUpload={"Parts": parts}, ChecksumType="COMPOSITE")
    assert done["ChecksumSHA256"] == "oBlgUl6FPf0a/Ro/UxDq5cpf1opWgKmAb3N88S93Pbs=-2"
    return done["ChecksumSHA256"]


def test_a_range_on_a_part_boundary_carries_that_parts_checksum(client, bucket):
    s3 = client("s3")
    whole = _composite(s3, bucket)
    size = len(FIRST) + len(SECOND)
    for read in (s3.get_object, s3.head_object):
        for byte_range, expected in ((f"bytes=0-{len(FIRST) - 1}", _sha256(FIRST)),
                                     (f"bytes={len(FIRST)}-{size - 1}", _sha256(SECOND)),
                                     (f"bytes=0-{size - 1}", whole)):
            answer = read(Bucket=bucket, Key="composite", Range=byte_range, ChecksumMode="ENABLED")
            assert answer["ResponseMetadata"]["HTTPStatusCode"] == 206
            assert (answer["ChecksumSHA256"], answer["ChecksumType"]) == (expected, "COMPOSITE"), byte_range
            assert "PartsCount" not in answer
        for byte_range in ("bytes=0-2", f"bytes={len(FIRST) + 1}-{len(FIRST) + 3}",
                           f"bytes={len(FIRST) - 2}-{len(FIRST) + 2}"):
            answer = read(Bucket=bucket, Key="composite", Range=byte_range, ChecksumMode="ENABLED")
            assert "ChecksumSHA256" not in answer and "ChecksumType" not in answer, byte_range
    assert s3.get_object(Bucket=bucket, Key="composite", Range="bytes=0-2")["Body"].read() == b"AAA"


def test_object_parts_pages_follow_s3s_arithmetic(client, bucket):
    s3 = client("s3")
    _composite(s3, bucket)

    def page(**kwargs):
        answer = s3.get_object_attributes(Bucket=bucket, Key="composite", ObjectAttributes=["ObjectParts"], **kwargs)
        parts = answer["ObjectParts"]
        return (parts["PartNumberMarker"], parts["NextPartNumberMarker"], parts["MaxParts"], parts["IsTruncated"],
                parts["TotalPartsCount"], [p["PartNumber"] for p in parts.get("Parts", [])])

    assert page(MaxParts=0) == (0, 0, 0, False, 2, [])
    assert page(MaxParts=-1) == (0, -1, -1, True, 2, [])
    assert page(MaxParts=1001) == (0, 2, 1001, False, 2, [1, 2])
    assert page(MaxParts=1) == (0, 1, 1, True, 2, [1])
    assert page(MaxParts=1, PartNumberMarker=1) == (1, 2, 1, False, 2, [2])
    for marker in (2, 3, 10001):
        assert page(MaxParts=1, PartNumberMarker=marker) == (marker, 0, 1, False, 2, [])
