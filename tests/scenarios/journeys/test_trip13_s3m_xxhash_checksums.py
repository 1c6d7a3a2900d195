"""A media archive moves its integrity checks to S3's XXHASH checksums. S3's answers, as
recorded in us-east-1 (radkawar/stackd testdata/aws/s3/checksum_algorithms_object_replay.json
and checksum_algorithms_multipart_replay.json):

- PutObject takes ChecksumXXHASH64, ChecksumXXHASH3 and ChecksumXXHASH128 (seed 0,
  big-endian), stores them as FULL_OBJECT checksums returned by GET/HEAD with ChecksumMode
  and by GetObjectAttributes, refuses a wrong value with BadDigest, and CopyObject can
  recompute one (put-explicit-XXHASH64, put-empty-XXHASH64, attributes-XXHASH64,
  copy-ssec-xxhash128);
- multipart uploads with an XXHASH algorithm are COMPOSITE (FULL_OBJECT is InvalidRequest),
  a copied part gets its checksum computed, and the object's checksum is the XXHASH of the
  part checksums (XXHASH128.reject-full-object, XXHASH128.copy-first-part,
  XXHASH3-composite: parts Ywl+52vpzqE= and pCyuonQS5fs= make ZCORpDFrcxY=-2).
"""
import base64

import pytest
from botocore.exceptions import ClientError

BINARY = base64.b64decode("Y2hlY2tzdW0A/4ABDQoAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==")
SMALL = base64.b64decode("Y2hlY2tzdW0gZmluYWwgcGFydAo=")
VALUES = {"XXHASH64": "ghHyDMBTcoE=", "XXHASH3": "tqh8ksNCSno=", "XXHASH128": "cD7Hn7de9krAIQco/jZd/A=="}


def test_single_request_xxhash_checksums(client, bucket):
    s3 = client("s3")
    for algorithm, value in VALUES.items():
        field = "Checksum" + algorithm
        put = s3.put_object(Bucket=bucket, Key=algorithm, Body=BINARY, ChecksumAlgorithm=algorithm, **{field: value})
        assert (put[field], put["ChecksumType"]) == (value, "FULL_OBJECT")
        got = s3.get_object(Bucket=bucket, Key=algorithm, ChecksumMode="ENABLED")
        assert (got[field], got["ChecksumType"], got["Body"].read()) == (value, "FULL_OBJECT", BINARY)
        assert s3.head_object(Bucket=bucket, Key=algorithm, ChecksumMode="ENABLED")[field] == value
        attributes = s3.get_object_attributes(Bucket=bucket, Key=algorithm, ObjectAttributes=["Checksum", "ObjectSize"])
        assert attributes["Checksum"] == {field: value, "ChecksumType": "FULL_OBJECT"}
    empty = s3.put_object(Bucket=bucket, Key="empty", Body=b"", ChecksumAlgorithm="XXHASH64",
                          ChecksumXXHASH64="70bbN1HY6Zk=")
    assert empty["ChecksumXXHASH64"] == "70bbN1HY6Zk="
    with pytest.raises(ClientError) as refused:
        s3.put_object(Bucket=bucket, Key="wrong", Body=BINARY, ChecksumAlgorithm="XXHASH64",
                      ChecksumXXHASH64="AAAAAAAAAAA=")
    assert refused.value.response["Error"]["Code"] == "BadDigest"
    copied = s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/XXHASH128", ChecksumAlgorithm="XXHASH3")
    assert (copied["CopyObjectResult"]["ChecksumXXHASH3"], copied["CopyObjectResult"]["ChecksumType"]) == (
        VALUES["XXHASH3"], "FULL_OBJECT")


def test_multipart_xxhash_checksums_are_composite(client, bucket):
    s3 = client("s3")
    with pytest.raises(ClientError) as refused:
        s3.create_multipart_upload(Bucket=bucket, Key="full", ChecksumAlgorithm="XXHASH128", ChecksumType="FULL_OBJECT")
    assert refused.value.response["Error"]["Code"] == "InvalidRequest"
    s3.put_object(Bucket=bucket, Key="source", Body=b"A" * 5242880)
    upload = s3.create_multipart_upload(Bucket=bucket, Key="composite", ChecksumAlgorithm="XXHASH3")
    assert (upload["ChecksumAlgorithm"], upload["ChecksumType"]) == ("XXHASH3", "COMPOSITE")
    copied = s3.upload_part_copy(Bucket=bucket, Key="composite", UploadId=upload["UploadId"], PartNumber=1,
                                 CopySource=f"{bucket}/source")["CopyPartResult"]
    assert copied["ChecksumXXHASH3"] == "Ywl+52vpzqE="
    second = s3.upload_part(Bucket=bucket, Key="composite", UploadId=upload["UploadId"], PartNumber=2, Body=SMALL,
                            ChecksumXXHASH3="pCyuonQS5fs=")
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="composite", UploadId=upload["UploadId"], ChecksumType="COMPOSITE",
        ChecksumXXHASH3="ZCORpDFrcxY=-2", MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": copied["ETag"], "ChecksumXXHASH3": "Ywl+52vpzqE="},
            {"PartNumber": 2, "ETag": second["ETag"], "ChecksumXXHASH3": "pCyuonQS5fs="}]})
    assert (done["ChecksumXXHASH3"], done["ChecksumType"], done["ETag"]) == (
        "ZCORpDFrcxY=-2", "COMPOSITE", '"7f9dd28a166bf2b6593b3ad5ea8e422a-2"')
    part = s3.get_object(Bucket=bucket, Key="composite", PartNumber=2, ChecksumMode="ENABLED")
    assert (part["ChecksumXXHASH3"], part["ChecksumType"], part["PartsCount"]) == ("pCyuonQS5fs=", "COMPOSITE", 2)
    attributes = s3.get_object_attributes(Bucket=bucket, Key="composite", ObjectAttributes=["Checksum", "ObjectParts"])
    assert attributes["Checksum"] == {"ChecksumXXHASH3": "ZCORpDFrcxY=", "ChecksumType": "COMPOSITE"}
    assert [p["ChecksumXXHASH3"] for p in attributes["ObjectParts"]["Parts"]] == ["Ywl+52vpzqE=", "pCyuonQS5fs="]
