"""A CompleteMultipartUpload retried after it succeeded (its answer lost to a timeout).

Sources: a script run against AWS in https://github.com/minio/minio/issues/13318
(completing the same upload twice "succeeds with S3"); the retry succeeds even with
`IfNoneMatch="*"` although the object now exists (https://github.com/getmoto/moto/pull/9209,
"idempotent requests"); a Complete of an upload that never was, or whose object has since
been replaced, is NoSuchUpload (CompleteMultipartUpload API reference, Errors).
"""
import pytest

from s3_helpers import MIB, error_of

NO_SUCH_UPLOAD = ("NoSuchUpload", 404)


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("mpu-retry")


def _upload(s3, bucket, key="k", **create):
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=n,
                                                      Body=body)["ETag"]}
             for n, body in ((1, b"a" * 5 * MIB), (2, b"tail"))]
    return upload, {"Parts": parts}


def _answer(result):
    return {k: v for k, v in result.items() if k != "ResponseMetadata"}


def test_a_retried_complete_answers_as_the_first(s3, bucket):
    upload, parts = _upload(s3, bucket)
    first = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts)
    again = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts)
    assert _answer(again) == _answer(first)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"a" * 5 * MIB + b"tail"


def test_a_retry_with_if_none_match_still_succeeds(s3, bucket):
    upload, parts = _upload(s3, bucket)
    first = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts,
                                         IfNoneMatch="*")
    again = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts,
                                         IfNoneMatch="*")
    assert again["ETag"] == first["ETag"]


def test_a_retry_in_a_versioned_bucket_names_the_same_version(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    upload, parts = _upload(s3, bucket)
    first = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts)
    again = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts)
    assert again["VersionId"] == first["VersionId"]
    assert len(s3.list_object_versions(Bucket=bucket)["Versions"]) == 1


def test_a_retry_with_other_parts_is_no_such_upload(s3, bucket):
    upload, parts = _upload(s3, bucket)
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts)
    only_first = {"Parts": parts["Parts"][:1]}
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                    MultipartUpload=only_first)[:2] == NO_SUCH_UPLOAD
    bad_etag = {"Parts": [{"PartNumber": 1, "ETag": '"not-hex"'}]}
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                    MultipartUpload=bad_etag)[:2] == NO_SUCH_UPLOAD


def test_a_retry_after_the_object_was_replaced_or_deleted_is_no_such_upload(s3, bucket):
    upload, parts = _upload(s3, bucket)
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload, MultipartUpload=parts)
    s3.put_object(Bucket=bucket, Key="k", Body=b"newer")
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                    MultipartUpload=parts)[:2] == NO_SUCH_UPLOAD
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"newer"
    other, other_parts = _upload(s3, bucket, key="gone")
    s3.complete_multipart_upload(Bucket=bucket, Key="gone", UploadId=other, MultipartUpload=other_parts)
    s3.delete_object(Bucket=bucket, Key="gone")
    assert error_of(s3.complete_multipart_upload, Bucket=bucket, Key="gone", UploadId=other,
                    MultipartUpload=other_parts)[:2] == NO_SUCH_UPLOAD


def test_an_aborted_upload_stays_no_such_upload(s3, bucket):
    upload, parts = _upload(s3, bucket)
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload)
    code, status, response = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload,
                                      MultipartUpload=parts)
    assert (code, status) == NO_SUCH_UPLOAD
    assert response["Error"]["Message"] == ("The specified multipart upload does not exist. The upload ID might "
                                            "be invalid, or the multipart upload might have been aborted or "
                                            "completed.")
