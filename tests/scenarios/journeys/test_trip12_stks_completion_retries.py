"""A transfer tool retries CompleteMultipartUpload when an answer is lost, and aborts
uploads it thinks are stuck. S3's answers, recorded in us-east-1 (radkawar/stackd
testdata/aws/s3/multipart_completion_replay.json, scenarios never-receipt and
enabled-receipt): a retry with the same parts succeeds as long as the version that upload
made is still there (current or not), answering its ETag and version without a checksum,
and whatever its If-Match / If-None-Match say; a retry naming other parts, or after that
version is gone, is NoSuchUpload; an empty part list is MalformedXML; If-Match: * or both
conditions together are NotImplemented; and an Abort of the completed upload is taken
(204) and changes nothing."""
from trip_helpers import error_of

NO_UPLOAD = ("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, "
             "or the upload may have been aborted or completed.")
CHECKSUMS = ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256", "ChecksumType")


def _one_part_upload(s3, bucket, key, body):
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ServerSideEncryption="AES256")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=1, Body=body + b"/part-1")["ETag"]
    other = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=2, Body=body + b"/part-2")["ETag"]
    return upload, part, other


def _retry(s3, bucket, key, upload, etag, **conditions):
    answer = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, **conditions,
                                          MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert not set(CHECKSUMS) & set(answer)
    return answer


def test_retried_completion_in_an_unversioned_bucket(client, bucket):
    s3 = client("s3")
    upload, part, other = _one_part_upload(s3, bucket, "receipt", b"never/receipt")
    manifest = {"Parts": [{"PartNumber": 1, "ETag": part}]}
    first = s3.complete_multipart_upload(Bucket=bucket, Key="receipt", UploadId=upload, MultipartUpload=manifest)
    assert first["ETag"] == '"d98eac19a3cbd845f42bae8a46e1a6e9-1"' and first["ChecksumType"] == "FULL_OBJECT"
    assert error_of(s3.list_parts, Bucket=bucket, Key="receipt", UploadId=upload) == NO_UPLOAD

    assert _retry(s3, bucket, "receipt", upload, part)["ETag"] == first["ETag"]
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="receipt", UploadId=upload,
                    MultipartUpload={"Parts": [{"PartNumber": 2, "ETag": other}]}) == NO_UPLOAD
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="receipt", UploadId=upload,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"' + "0" * 32 + '"'}]}) == NO_UPLOAD
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="receipt", UploadId=upload,
                    MultipartUpload={"Parts": []})[0] == "MalformedXML"
    assert _retry(s3, bucket, "receipt", upload, part, IfNoneMatch="*")["ETag"] == first["ETag"]
    assert _retry(s3, bucket, "receipt", upload, part, IfMatch='"' + "0" * 32 + '"')["ETag"] == first["ETag"]
    for conditions in ({"IfMatch": "*"}, {"IfMatch": first["ETag"], "IfNoneMatch": "*"}):
        assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="receipt", UploadId=upload,
                        MultipartUpload=manifest, **conditions)[0] == "NotImplemented"

    for _ in range(2):      # taken, and again: the object stays
        aborted = s3.abort_multipart_upload(Bucket=bucket, Key="receipt", UploadId=upload)
        assert aborted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert _retry(s3, bucket, "receipt", upload, part)["ETag"] == first["ETag"]
    assert s3.get_object(Bucket=bucket, Key="receipt")["Body"].read() == b"never/receipt/part-1"

    s3.put_object(Bucket=bucket, Key="receipt", Body=b"never/receipt/ordinary-overwrite")
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="receipt", UploadId=upload,
                    MultipartUpload=manifest) == NO_UPLOAD


def test_retried_completion_in_a_versioned_bucket(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    upload, part, _ = _one_part_upload(s3, bucket, "receipt", b"enabled/receipt")
    first = s3.complete_multipart_upload(Bucket=bucket, Key="receipt", UploadId=upload,
                                         MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]})
    made = first["VersionId"]
    s3.put_object(Bucket=bucket, Key="receipt", Body=b"enabled/receipt/ordinary-overwrite")
    retried = _retry(s3, bucket, "receipt", upload, part)
    assert (retried["ETag"], retried["VersionId"]) == (first["ETag"], made)
    s3.delete_object(Bucket=bucket, Key="receipt")
    assert _retry(s3, bucket, "receipt", upload, part)["VersionId"] == made
    s3.delete_object(Bucket=bucket, Key="receipt", VersionId=made)
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="receipt", UploadId=upload,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]}) == NO_UPLOAD


def test_an_upload_begun_before_the_current_object_does_not_replace_it(client, bucket):
    """never-reverse and never-intervening-put: in a bucket that never had versioning, an
    upload's object dates from when the upload began; completing one begun before the
    key's current object was written succeeds with its own ETag but leaves the newer object
    in place, and a retry of it is then NoSuchUpload."""
    s3 = client("s3")
    older, older_part, _ = _one_part_upload(s3, bucket, "reverse", b"never/reverse/older")
    newer, newer_part, _ = _one_part_upload(s3, bucket, "reverse", b"never/reverse/newer")
    made = s3.complete_multipart_upload(Bucket=bucket, Key="reverse", UploadId=newer,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": newer_part}]})
    late = s3.complete_multipart_upload(Bucket=bucket, Key="reverse", UploadId=older,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": older_part}]})
    assert late["ETag"] != made["ETag"]
    assert s3.get_object(Bucket=bucket, Key="reverse")["ETag"] == made["ETag"]
    assert _retry(s3, bucket, "reverse", newer, newer_part)["ETag"] == made["ETag"]
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="reverse", UploadId=older,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": older_part}]}) == NO_UPLOAD

    upload, part, _ = _one_part_upload(s3, bucket, "intervening-put", b"never/intervening-put")
    s3.put_object(Bucket=bucket, Key="intervening-put", Body=b"never/intervening-put/put")
    s3.complete_multipart_upload(Bucket=bucket, Key="intervening-put", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]})
    assert s3.get_object(Bucket=bucket, Key="intervening-put")["Body"].read() == b"never/intervening-put/put"
    assert [v["Size"] for v in s3.list_object_versions(Bucket=bucket, Prefix="intervening-put")["Versions"]] == [25]
