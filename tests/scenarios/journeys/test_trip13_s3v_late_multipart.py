"""A nightly export starts a multipart upload of the day's file, and while its parts are
still going up a hotfix job overwrites the same key with a small PUT. In a versioned
bucket the multipart object, completed last, is the newest version: it becomes the
current one and the PUT a noncurrent version below it (S3 User Guide, "Uploading and
copying objects using multipart upload": versions are ordered as they are completed)."""


def test_the_upload_completed_last_is_current(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="exports/day.csv")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="exports/day.csv", UploadId=upload, PartNumber=1,
                          Body=b"full,export")["ETag"]
    hotfix = s3.put_object(Bucket=bucket, Key="exports/day.csv", Body=b"hotfix")["VersionId"]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="exports/day.csv", UploadId=upload,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]})["VersionId"]
    current = s3.get_object(Bucket=bucket, Key="exports/day.csv")
    assert (current["VersionId"], current["Body"].read()) == (done, b"full,export")
    listed = s3.list_object_versions(Bucket=bucket, Prefix="exports/")["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in listed] == [(done, True), (hotfix, False)]
