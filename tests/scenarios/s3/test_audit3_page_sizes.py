"""Audit of issue 3: a negative page size on ListParts and ListMultipartUploads is refused
in S3's words (as a negative MaxKeys already was), and changes nothing."""
import pytest
from botocore.config import Config

from s3_helpers import error_response


@pytest.fixture
def unchecked(lakebox_server):
    """A client that sends what it is given: boto3 does not range-check integers itself."""
    return lakebox_server.client("s3", config=Config(parameter_validation=False, retries={"max_attempts": 1}))


@pytest.fixture
def upload(s3, make_bucket):
    bucket = make_bucket("audit3-pages", digits=12)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="m", UploadId=upload_id, PartNumber=1, Body=b"x")
    return bucket, upload_id


@pytest.mark.parametrize("call, argument", [("list_parts", "max-parts"), ("list_multipart_uploads", "max-uploads"),
                                            ("list_objects_v2", "maxKeys")])
def test_negative_page_size_refused(s3, unchecked, upload, call, argument):
    bucket, upload_id = upload
    args = {"list_parts": {"Key": "m", "UploadId": upload_id, "MaxParts": -1},
            "list_multipart_uploads": {"MaxUploads": -1}, "list_objects_v2": {"MaxKeys": -1}}[call]
    error = error_response(getattr(unchecked, call), Bucket=bucket, **args)["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == f"Argument {argument} must be an integer between 0 and 2147483647"
    assert (error["ArgumentName"], error["ArgumentValue"]) == (argument, "-1")
    assert [p["PartNumber"] for p in s3.list_parts(Bucket=bucket, Key="m", UploadId=upload_id)["Parts"]] == [1]


def test_oversized_page_size_served_at_the_cap(s3, upload):
    bucket, upload_id = upload
    capped = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=5000)
    assert (capped["MaxUploads"], [u["UploadId"] for u in capped["Uploads"]]) == (1000, [upload_id])
