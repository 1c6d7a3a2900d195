"""Requests recorded against AWS that lakebox once answered with a 500 or otherwise than
AWS (issue 15).

Sources: a run of an S3 conformance suite recorded against AWS: CreateMultipartUpload
with `x-amz-checksum-algorithm: TEST` is 400 InvalidRequest.
"""
from s3_helpers import http, signed_headers


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
