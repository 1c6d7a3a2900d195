"""A backup agent computes CRC64NVME for every part it uploads and lists those checksums
when it completes, but one code path creates the upload without naming a checksum
algorithm. S3 refuses that completion with InvalidPart although the part was taken with
its checksum, while the same parts complete once the upload names the algorithm; and a
checksum type without an algorithm is refused at creation (radkawar/stackd
testdata/aws/s3/multipart_checksums_replay.json: init-None-None, init-None-COMPOSITE,
init-None-FULL_OBJECT, init-CRC64NVME-None)."""
import base64

from trip_helpers import error_of

BODY = base64.b64decode("b3JpZ2luYWwgbXVsdGlwYXJ0IGNoZWNrc3VtIGJ5dGVzCg==")
CRC = "3PNWhFLsJFg="


def _complete_with_part_checksum(s3, bucket, key, **create):
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ServerSideEncryption="AES256", **create)["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=1, Body=BODY, ChecksumCRC64NVME=CRC)
    assert (part["ETag"], part["ChecksumCRC64NVME"]) == ('"d2ce142480199cab298233c85b76ea67"', CRC)
    return upload, lambda: s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumCRC64NVME": CRC}]})


def test_part_checksums_need_an_upload_that_named_its_algorithm(client, bucket):
    s3 = client("s3")
    upload, complete = _complete_with_part_checksum(s3, bucket, "init-None-None")
    assert error_of(complete)[0] == "InvalidPart"
    assert s3.abort_multipart_upload(Bucket=bucket, Key="init-None-None",
                                     UploadId=upload)["ResponseMetadata"]["HTTPStatusCode"] == 204

    _, complete = _complete_with_part_checksum(s3, bucket, "init-CRC64NVME-None", ChecksumAlgorithm="CRC64NVME")
    done = complete()
    assert (done["ETag"], done["ChecksumCRC64NVME"], done["ChecksumType"]) == (
        '"d953f5020c745916c7cc1115cbba5269-1"', CRC, "FULL_OBJECT")

    for kind in ("COMPOSITE", "FULL_OBJECT"):
        assert error_of(s3.create_multipart_upload, Bucket=bucket, Key=f"init-None-{kind}",
                        ChecksumType=kind)[0] == "InvalidRequest"
