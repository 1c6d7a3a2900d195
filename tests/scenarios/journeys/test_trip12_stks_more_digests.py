"""An archive service that records SHA-512 and MD5 digests of what it stores asks S3 to
check them: S3 takes ChecksumSHA512 and ChecksumMD5 on PutObject (FULL_OBJECT, returned by
HeadObject with ChecksumMode and by GetObjectAttributes), and multipart uploads with
either algorithm, whose type is COMPOSITE (FULL_OBJECT is refused), completing with the
checksum of the part checksums, as recorded in us-east-1 (radkawar/stackd
testdata/aws/s3/multipart_checksums_replay.json: init-MD5-None, init-MD5-FULL_OBJECT,
init-SHA512-None, init-SHA512-FULL_OBJECT; checksum_algorithms_object_replay.json for the
single-request checksums)."""
import base64
import hashlib

from trip_helpers import error_of

DATA = base64.b64decode("Y2hlY2tzdW0A/4ABDQoAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==")
PART = base64.b64decode("b3JpZ2luYWwgbXVsdGlwYXJ0IGNoZWNrc3VtIGJ5dGVzCg==")
PART_SUMS = {"MD5": "0s4UJIAZnKspgjPIW3bqZw==",
             "SHA512": "223H5fjdHiLDOKmGEsdCYhHsxGUZuSyHen8ko4IM1Cjruz7gddqS4nDHJ6lDFqcKtJHHoFTZHIJEKsYsH1RXLw=="}
COMPOSITES = {"MD5": "2VP1Agx0WRbHzBEVy7pSaQ==-1",
              "SHA512": "k9NfjWJZ3trSPgFgnHVRVIM1MGtukjH70+9slirvkvXp9RQGkwLbLSE/we8RYrkynvAX2p7XXvzPdvMkJv+A5w==-1"}


def test_sha512_and_md5_checksums(client, bucket):
    s3 = client("s3")
    for algorithm, digest in (("SHA512", hashlib.sha512), ("MD5", hashlib.md5)):
        member = "Checksum" + algorithm
        value = base64.b64encode(digest(DATA).digest()).decode()
        put = s3.put_object(Bucket=bucket, Key=algorithm, Body=DATA, ChecksumAlgorithm=algorithm, **{member: value})
        assert (put[member], put["ChecksumType"]) == (value, "FULL_OBJECT")
        head = s3.head_object(Bucket=bucket, Key=algorithm, ChecksumMode="ENABLED")
        assert (head[member], head["ChecksumType"]) == (value, "FULL_OBJECT")
        attributes = s3.get_object_attributes(Bucket=bucket, Key=algorithm, ObjectAttributes=["Checksum"])
        assert attributes["Checksum"] == {member: value, "ChecksumType": "FULL_OBJECT"}
        assert error_of(s3.put_object, Bucket=bucket, Key=algorithm, Body=b"other bytes",
                        ChecksumAlgorithm=algorithm, **{member: value})[0] == "BadDigest"

        created = s3.create_multipart_upload(Bucket=bucket, Key=f"init-{algorithm}-None", ChecksumAlgorithm=algorithm,
                                             ServerSideEncryption="AES256")
        assert created["ChecksumType"] == "COMPOSITE"
        part = s3.upload_part(Bucket=bucket, Key=f"init-{algorithm}-None", UploadId=created["UploadId"],
                              PartNumber=1, Body=PART, ChecksumAlgorithm=algorithm, **{member: PART_SUMS[algorithm]})
        assert part["ETag"] == '"d2ce142480199cab298233c85b76ea67"'
        done = s3.complete_multipart_upload(
            Bucket=bucket, Key=f"init-{algorithm}-None", UploadId=created["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"], member: PART_SUMS[algorithm]}]})
        assert (done["ETag"], done[member], done["ChecksumType"]) == (
            '"d953f5020c745916c7cc1115cbba5269-1"', COMPOSITES[algorithm], "COMPOSITE")
        assert error_of(s3.create_multipart_upload, Bucket=bucket, Key=f"init-{algorithm}-FULL_OBJECT",
                        ChecksumAlgorithm=algorithm, ChecksumType="FULL_OBJECT")[0] == "InvalidRequest"
