"""The S3 getting-started flow of AWS's Python examples (and the user guide's "Getting
started with Amazon S3"), step by step with the boto3 resource API: create a bucket in
the client's own region, upload a file, read it back into memory, copy it into a
"folder", list the bucket, then empty and delete it. Also the errors the example's
wrappers catch by code."""
import io
import uuid

import pytest
from botocore.exceptions import ClientError

from examples_helpers import resource_in_region


@pytest.fixture
def s3_resource(lakebox_server):
    return resource_in_region(lakebox_server)


def test_getting_started_flow(s3_resource, tmp_path):
    bucket = s3_resource.Bucket(f"doc-example-bucket-{uuid.uuid4()}")
    bucket.create(CreateBucketConfiguration={"LocationConstraint": s3_resource.meta.client.meta.region_name})
    bucket.wait_until_exists()
    assert s3_resource.meta.client.get_bucket_location(Bucket=bucket.name)["LocationConstraint"] == "us-west-2"

    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"Getting started with lakebox: the first twenty bytes and more.")
    obj = bucket.Object(upload.name)
    obj.upload_file(str(upload))

    data = io.BytesIO()
    obj.download_fileobj(data)
    data.seek(0)
    assert data.read(20) == b"Getting started with"

    copied = bucket.Object(f"demo-folder/{obj.key}")
    copied.copy({"Bucket": bucket.name, "Key": obj.key})
    assert copied.content_length == upload.stat().st_size

    assert [o.key for o in bucket.objects.all()] == ["demo-folder/notes.txt", "notes.txt"]

    deleted = bucket.objects.delete()
    assert sorted(d["Key"] for d in deleted[0]["Deleted"]) == ["demo-folder/notes.txt", "notes.txt"]
    bucket.delete()
    bucket.wait_until_not_exists()


def test_creating_a_bucket_that_exists_is_caught_by_code(s3_resource):
    bucket = s3_resource.Bucket(f"doc-example-bucket-{uuid.uuid4()}")
    configuration = {"LocationConstraint": "us-west-2"}
    bucket.create(CreateBucketConfiguration=configuration)
    try:
        with pytest.raises(ClientError) as caught:
            bucket.create(CreateBucketConfiguration=configuration)
        assert caught.value.response["Error"]["Code"] == "BucketAlreadyOwnedByYou"
    finally:
        bucket.delete()


def test_us_east_1_takes_no_location_constraint(lakebox_server):
    s3 = lakebox_server.client("s3")
    name = f"doc-example-bucket-{uuid.uuid4()}"
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert caught.value.response["Error"]["Code"] == "InvalidLocationConstraint"
    assert caught.value.response["Error"]["Message"] == "The specified location-constraint is not valid"


def test_reading_a_missing_object_and_bucket(s3_resource):
    bucket = s3_resource.Bucket(f"doc-example-bucket-{uuid.uuid4()}")
    bucket.create(CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    try:
        with pytest.raises(ClientError) as caught:
            bucket.Object("absent.txt").get()
        assert caught.value.response["Error"]["Code"] == "NoSuchKey"
        with pytest.raises(ClientError) as caught:
            bucket.Object("absent.txt").load()
        assert caught.value.response["Error"]["Code"] == "404"
    finally:
        bucket.delete()
    with pytest.raises(ClientError) as caught:
        s3_resource.meta.client.head_bucket(Bucket=bucket.name)
    assert caught.value.response["Error"]["Code"] == "404"
    with pytest.raises(ClientError) as caught:
        bucket.delete()
    assert caught.value.response["Error"]["Code"] == "NoSuchBucket"


def test_presigned_get_url_reads_the_object(s3_resource, lakebox_server):
    import urllib.request
    bucket = s3_resource.Bucket(f"doc-example-bucket-{uuid.uuid4()}")
    bucket.create(CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    try:
        bucket.put_object(Key="shared.txt", Body=b"presigned body")
        url = s3_resource.meta.client.generate_presigned_url(
            "get_object", Params={"Bucket": bucket.name, "Key": "shared.txt"}, ExpiresIn=1000)
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.read() == b"presigned body"
    finally:
        bucket.objects.delete()
        bucket.delete()
