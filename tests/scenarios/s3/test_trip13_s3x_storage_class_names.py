"""Storage class names a general purpose bucket refuses, as S3 answered PutObject and
CreateMultipartUpload (capture: radkawar/stackd testdata/aws/s3/storage_class_replay.json,
invalid/put-object/* and invalid/create-multipart-upload/*): the directory bucket, Outposts
and Snow classes are InvalidStorageClass like an unknown, lowercase or empty name; FSx's
class is InvalidArgument naming the x-amz-storage-class header."""
import pytest

from s3_helpers import error_of


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("storage-class-names")


def _refusals(s3, bucket, name):
    put = error_of(s3.put_object, Bucket=bucket, Key=f"invalid/put-object/{name}", Body=b"bytes", StorageClass=name)
    upload = error_of(s3.create_multipart_upload, Bucket=bucket, Key=f"invalid/mpu/{name}", StorageClass=name)
    return put, upload


@pytest.mark.parametrize("name", ["EXPRESS_ONEZONE", "OUTPOSTS", "SNOW", "INVALID_CLASS", "standard"])
def test_invalid_storage_class(s3, bucket, name):
    for code, status, response in _refusals(s3, bucket, name):
        assert (code, status) == ("InvalidStorageClass", 400)
        assert response["Error"]["StorageClassRequested"] == name
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)


def test_empty_storage_class(s3, bucket):
    for code, status, _ in _refusals(s3, bucket, ""):
        assert (code, status) == ("InvalidStorageClass", 400)


def test_fsx_storage_class(s3, bucket):
    for code, status, response in _refusals(s3, bucket, "FSX_OPENZFS"):
        assert (code, status) == ("InvalidArgument", 400)
        assert (response["Error"]["ArgumentName"], response["Error"]["ArgumentValue"]) == (
            "x-amz-storage-class", "FSX_OPENZFS")


def test_copy_judges_the_class_before_the_source(s3, bucket):
    """storage_class_replay.json copy-object-ordering/missing-source and
    copy-object-denied-copy/GLACIER/INVALID_CLASS: the class comes first; a GLACIER source
    is InvalidObjectState whatever valid class is asked."""
    code, status, response = error_of(s3.copy_object, Bucket=bucket, Key="ordering/missing-source",
                                      CopySource=f"{bucket}/missing-source", StorageClass="INVALID_CLASS")
    assert (code, status, response["Error"]["StorageClassRequested"]) == ("InvalidStorageClass", 400, "INVALID_CLASS")
    s3.put_object(Bucket=bucket, Key="put/GLACIER", Body=b"bytes", StorageClass="GLACIER")
    code, status, _ = error_of(s3.copy_object, Bucket=bucket, Key="denied-copy/GLACIER/INVALID_CLASS",
                               CopySource=f"{bucket}/put/GLACIER", StorageClass="INVALID_CLASS")
    assert (code, status) == ("InvalidStorageClass", 400)
    for target, storage_class in (("denied-copy/GLACIER/default", None), ("put/GLACIER", "STANDARD")):
        extra = {"StorageClass": storage_class} if storage_class else {}
        code, status, _ = error_of(s3.copy_object, Bucket=bucket, Key=target, CopySource=f"{bucket}/put/GLACIER", **extra)
        assert (code, status) == ("InvalidObjectState", 403)


def test_copy_onto_itself_naming_its_own_class(s3, make_bucket):
    """storage_class_replay.json storage-supplement copy-object-STANDARD (without then with
    StorageClass STANDARD) and copy-object-STANDARD_IA: a copy onto itself that names a
    storage class is taken even when it is the object's own; one that names none and keeps
    STANDARD is InvalidRequest."""
    bucket = make_bucket("storage-class-self")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for name in ("STANDARD", "STANDARD_IA"):
        s3.put_object(Bucket=bucket, Key=name, Body=b"stackd storage copy boundary\n", StorageClass=name,
                      Metadata={"original": "yes"})
    here = {"Bucket": bucket, "Key": "STANDARD", "CopySource": f"{bucket}/STANDARD"}
    assert error_of(s3.copy_object, **here)[:2] == ("InvalidRequest", 400)
    copied = s3.copy_object(StorageClass="STANDARD", **here)
    head = s3.head_object(Bucket=bucket, Key="STANDARD")
    assert (head["VersionId"], head["Metadata"], "StorageClass" in head) == (copied["VersionId"], {"original": "yes"},
                                                                             False)
    s3.copy_object(Bucket=bucket, Key="STANDARD_IA", CopySource=f"{bucket}/STANDARD_IA", StorageClass="STANDARD_IA")
    s3.copy_object(Bucket=bucket, Key="STANDARD_IA", CopySource=f"{bucket}/STANDARD_IA", StorageClass="STANDARD_IA",
                   MetadataDirective="REPLACE", Metadata={"changed": "yes"})
    head = s3.head_object(Bucket=bucket, Key="STANDARD_IA")
    assert (head["StorageClass"], head["Metadata"]) == ("STANDARD_IA", {"changed": "yes"})
    versions = s3.list_object_versions(Bucket=bucket, Prefix="STANDARD_IA")["Versions"]
    assert len(versions) == 3
