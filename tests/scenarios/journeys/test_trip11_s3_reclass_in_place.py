"""A cost-optimisation script re-classes a bucket's objects in place with CopyObject:
month-old reports go to GLACIER_IR, then to GLACIER; big exports are uploaded straight
to DEEP_ARCHIVE in parts. Its author checks the rules it leans on: a copy onto itself
that names a storage class is allowed (even the one it has), one that changes nothing is
InvalidRequest, an archived object cannot be the source of a copy (not even to bring it
back to STANDARD) until restored; the listing, HEAD and the upload's own listings show
each object's class, and the bytes and ETag stay the same through every move."""
import hashlib

import pytest
from botocore.exceptions import ClientError

SELF_COPY = ("This copy request is illegal because it is trying to copy an object to itself without changing "
             "the object's metadata, storage class, website redirect location or encryption attributes.")


def error_of(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def test_reclassing_objects_in_place(client, bucket):
    s3 = client("s3")
    report = b"month,revenue\n2025-11,1200\n"
    etag = '"%s"' % hashlib.md5(report).hexdigest()
    s3.put_object(Bucket=bucket, Key="reports/2025-11.csv", Body=report)
    here = {"Bucket": bucket, "Key": "reports/2025-11.csv"}

    assert error_of(s3.copy_object, CopySource=here, **here) == (
        400, {"Code": "InvalidRequest", "Message": SELF_COPY})
    moved = s3.copy_object(CopySource=here, StorageClass="GLACIER_IR", **here)
    assert moved["CopyObjectResult"]["ETag"] == etag
    assert s3.head_object(**here)["StorageClass"] == "GLACIER_IR"
    # Naming the class it already has is still a change S3 takes (radkawar/stackd
    # storage_class_replay.json storage-supplement copy-object-STANDARD_IA).
    again = s3.copy_object(CopySource=here, StorageClass="GLACIER_IR", **here)
    assert again["CopyObjectResult"]["ETag"] == etag
    assert s3.get_object(**here)["Body"].read() == report

    s3.copy_object(CopySource=here, StorageClass="GLACIER", **here)
    head = s3.head_object(**here)
    assert (head["StorageClass"], head["ETag"], head["ContentLength"]) == ("GLACIER", etag, len(report))
    assert error_of(s3.copy_object, CopySource=here, StorageClass="STANDARD", **here) == (
        403, {"Code": "InvalidObjectState", "Message": "Operation is not valid for the source object's storage class",
              "StorageClass": "GLACIER"})

    # A big export goes straight to DEEP_ARCHIVE in parts.
    upload = s3.create_multipart_upload(Bucket=bucket, Key="exports/2025.parquet", StorageClass="DEEP_ARCHIVE")
    listed = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["StorageClass"]) for u in listed] == [("exports/2025.parquet", "DEEP_ARCHIVE")]
    part = s3.upload_part(Bucket=bucket, Key="exports/2025.parquet", UploadId=upload["UploadId"], PartNumber=1,
                          Body=b"PAR1" + b"\0" * 100 + b"PAR1")
    parts = s3.list_parts(Bucket=bucket, Key="exports/2025.parquet", UploadId=upload["UploadId"])
    assert (parts["StorageClass"], [p["Size"] for p in parts["Parts"]]) == ("DEEP_ARCHIVE", [108])
    s3.complete_multipart_upload(Bucket=bucket, Key="exports/2025.parquet", UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})

    listing = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["StorageClass"], o["Size"]) for o in listing] == [
        ("exports/2025.parquet", "DEEP_ARCHIVE", 108), ("reports/2025-11.csv", "GLACIER", len(report))]
    code, error = error_of(s3.get_object, Bucket=bucket, Key="exports/2025.parquet")
    assert (code, error["Code"], error["StorageClass"]) == (403, "InvalidObjectState", "DEEP_ARCHIVE")
