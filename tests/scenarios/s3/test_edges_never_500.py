"""Requests recorded against AWS that lakebox once answered with a 500 or otherwise than
AWS (issue 15).

Sources: a run of an S3 conformance suite recorded against AWS: CreateMultipartUpload
with `x-amz-checksum-algorithm: TEST` is 400 InvalidRequest.
"""
import base64
import hashlib

import pytest

from s3_helpers import admit_customer_keys, error_of, http, signed_headers


def test_an_unknown_checksum_algorithm_is_an_invalid_request(lakebox_server, s3, make_bucket):
    name = make_bucket("never500")
    url = f"{lakebox_server.endpoint}/{name}/k?uploads"
    status, _, body = http(url, method="POST", headers=signed_headers(
        url, method="POST", headers={"x-amz-checksum-algorithm": "TEST"}))
    assert status == 400 and b"<Code>InvalidRequest</Code>" in body
    assert b"Checksum algorithm provided is unsupported." in body
    assert s3.list_multipart_uploads(Bucket=name).get("Uploads") is None


def test_a_bucket_created_in_eu_reports_eu(s3, make_bucket):
    """Recorded against AWS (issue 15): the legacy `EU` constraint comes back as `EU`
    from GetBucketLocation; the bucket lives in eu-west-1."""
    name = make_bucket("legacy-eu", CreateBucketConfiguration={"LocationConstraint": "EU"})
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "EU"
    assert s3.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"


def test_writes_while_versioning_is_suspended_name_no_version(s3, make_bucket):
    """Recorded against AWS (issue 15): with versioning suspended, PutObject,
    CopyObject and CompleteMultipartUpload answer without a VersionId."""
    name = make_bucket("suspended")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    assert "VersionId" not in s3.put_object(Bucket=name, Key="k", Body=b"x")
    assert "VersionId" not in s3.copy_object(Bucket=name, Key="c", CopySource={"Bucket": name, "Key": "k"})
    upload = s3.create_multipart_upload(Bucket=name, Key="m")["UploadId"]
    etag = s3.upload_part(Bucket=name, Key="m", UploadId=upload, PartNumber=1, Body=b"p")["ETag"]
    done = s3.complete_multipart_upload(Bucket=name, Key="m", UploadId=upload,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert "VersionId" not in done


def test_a_version_listing_continues_past_a_version_deleted_since_the_last_page(s3, make_bucket):
    """Issue 15: emptying a bucket page by page deletes the version a page ended on; the
    next page (VersionIdMarker naming it) continues from its place, as on S3."""
    name = make_bucket("resume")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    made = [s3.put_object(Bucket=name, Key="k", Body=str(i).encode())["VersionId"] for i in range(3)]
    s3.put_object(Bucket=name, Key="z", Body=b"z")
    first = s3.list_object_versions(Bucket=name, MaxKeys=1)
    assert [v["VersionId"] for v in first["Versions"]] == [made[2]]
    s3.delete_object(Bucket=name, Key="k", VersionId=made[2])
    rest = s3.list_object_versions(Bucket=name, KeyMarker=first["NextKeyMarker"],
                                   VersionIdMarker=first["NextVersionIdMarker"])
    assert [(v["Key"], v["VersionId"]) for v in rest["Versions"]][:2] == [("k", made[1]), ("k", made[0])]
    assert [v["Key"] for v in rest["Versions"]][2:] == ["z"]


SSE_C_KEY = base64.b64encode(b"k" * 32).decode()
SSE_C_MD5 = base64.b64encode(hashlib.md5(b"k" * 32).digest()).decode()


@pytest.mark.parametrize("headers, message", [
    ({"x-amz-server-side-encryption-customer-algorithm": "AES256",
      "x-amz-server-side-encryption-customer-key": SSE_C_KEY},
     "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated "
     "MD5 of the secret key."),
    ({"x-amz-server-side-encryption-customer-algorithm": "AES256",
      "x-amz-server-side-encryption-customer-key": SSE_C_KEY,
      "x-amz-server-side-encryption-customer-key-MD5": base64.b64encode(b"0" * 16).decode()},
     "The calculated MD5 hash of the key did not match the hash that was provided."),
    ({"x-amz-server-side-encryption-customer-algorithm": "AES256",
      "x-amz-server-side-encryption-customer-key": SSE_C_KEY,
      "x-amz-server-side-encryption-customer-key-MD5": SSE_C_MD5, "x-amz-server-side-encryption": "AES256"},
     "Server Side Encryption with Customer provided key is incompatible with the encryption method specified"),
    ({"x-amz-server-side-encryption-aws-kms-key-id": "alias/aws/s3"},
     "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms"),
])
def test_encryption_headers_s3_refuses(lakebox_server, s3, make_bucket, headers, message):
    """S3 User Guide, "Using server-side encryption with customer-provided keys" (SSE-C needs
    the key and its MD5) and "Specifying server-side encryption with AWS KMS"; S3's
    recorded replies give the words. Nothing is written."""
    name = make_bucket("sse-headers")
    admit_customer_keys(s3, name)
    url = f"{lakebox_server.endpoint}/{name}/k"
    status, _, body = http(url, method="PUT", data=b"x", headers=signed_headers(url, "PUT", b"x", headers))
    assert status == 400 and b"<Code>InvalidArgument</Code>" in body
    assert f"<Message>{message}</Message>".encode() in body
    assert error_of(s3.head_object, Bucket=name, Key="k")[1] == 404


def test_an_sse_c_etag_is_the_same_for_the_same_bytes(s3, make_bucket):
    """Issue 15, recorded against AWS: re-uploading the same part under SSE-C gives the
    same ETag."""
    name = make_bucket("sse-etag")
    admit_customer_keys(s3, name)
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": b"k" * 32}
    upload = s3.create_multipart_upload(Bucket=name, Key="m", **sse)["UploadId"]
    first = s3.upload_part(Bucket=name, Key="m", UploadId=upload, PartNumber=1, Body=b"part", **sse)["ETag"]
    again = s3.upload_part(Bucket=name, Key="m", UploadId=upload, PartNumber=1, Body=b"part", **sse)["ETag"]
    assert first == again
    s3.abort_multipart_upload(Bucket=name, Key="m", UploadId=upload)


def test_an_if_modified_since_in_the_future_is_ignored(s3, make_bucket):
    """Recorded against AWS (issue 15), as RFC 7232 section 3.3 says: a date later than
    the server's time is invalid, and the condition is ignored."""
    import datetime
    name = make_bucket("ims")
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=365)
    assert s3.get_object(Bucket=name, Key="k", IfModifiedSince=later)["Body"].read() == b"x"


def test_checksum_mode_is_read_in_any_case(s3, make_bucket):
    """Recorded against AWS (issue 15): `x-amz-checksum-mode: enabled` returns the checksum."""
    name = make_bucket("checksum-mode")
    s3.put_object(Bucket=name, Key="k", Body=b"x", ChecksumAlgorithm="SHA256")
    assert "ChecksumSHA256" in s3.head_object(Bucket=name, Key="k", ChecksumMode="enabled")
