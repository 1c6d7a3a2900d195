"""Versioning with boto3: version ids, delete markers, reads by version, suspension."""
import uuid

import pytest

from s3_helpers import error_of


@pytest.fixture
def bucket(s3, make_bucket):
    name = make_bucket("versions")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def test_every_put_is_a_version(s3, bucket):
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    assert v1 != v2 and len(v1) == 32
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    old = s3.get_object(Bucket=bucket, Key="k", VersionId=v1)
    assert (old["Body"].read(), old["VersionId"]) == (b"one", v1)
    assert s3.head_object(Bucket=bucket, Key="k", VersionId=v1)["ContentLength"] == 3
    listed = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in listed] == [(v2, True), (v1, False)]


def test_delete_marker_hides_and_deleting_it_restores(s3, bucket):
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    code, status, response = error_of(s3.get_object, Bucket=bucket, Key="k")
    assert (code, status) == ("NoSuchKey", 404)
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    code, status, response = error_of(s3.get_object, Bucket=bucket, Key="k", VersionId=marker)
    assert (code, status) == ("MethodNotAllowed", 405)
    listing = s3.list_object_versions(Bucket=bucket)
    assert [(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]] == [(marker, True)]
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    s3.delete_object(Bucket=bucket, Key="k", VersionId=marker)
    assert s3.get_object(Bucket=bucket, Key="k")["VersionId"] == v1


def test_delete_a_version_permanently(s3, bucket):
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    assert s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)["VersionId"] == v2
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"one"
    code, status, response = error_of(s3.get_object, Bucket=bucket, Key="k", VersionId=v2)
    assert (code, status) == ("NoSuchVersion", 404)
    assert response["Error"]["VersionId"] == v2
    code, status, _ = error_of(s3.get_object, Bucket=bucket, Key="k", VersionId="not-a-version")
    assert (code, status) == ("InvalidArgument", 400)
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v1)


def test_suspended_versioning_uses_the_null_version(s3, bucket):
    kept = s3.put_object(Bucket=bucket, Key="k", Body=b"versioned")["VersionId"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    # S3 answers a write to a suspended bucket without x-amz-version-id (recorded, issue 15)
    assert "VersionId" not in s3.put_object(Bucket=bucket, Key="k", Body=b"null one")
    assert "VersionId" not in s3.put_object(Bucket=bucket, Key="k", Body=b"null two")
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [("null", True), (kept, False)]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"null two"
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert (deleted["DeleteMarker"], deleted["VersionId"]) == (True, "null")
    listing = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listing["Versions"]] == [kept]
    assert [m["VersionId"] for m in listing["DeleteMarkers"]] == ["null"]


def test_version_listing_pagination(s3, bucket):
    made = {}
    for key in ("a", "b"):
        made[key] = [s3.put_object(Bucket=bucket, Key=key, Body=str(i).encode())["VersionId"] for i in range(3)]
    seen, kwargs = [], {"Bucket": bucket, "MaxKeys": 2}
    while True:
        page = s3.list_object_versions(**kwargs)
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        if not page["IsTruncated"]:
            break
        kwargs.update(KeyMarker=page["NextKeyMarker"], VersionIdMarker=page["NextVersionIdMarker"])
    expected = [(key, vid) for key in ("a", "b") for vid in reversed(made[key])]
    assert seen == expected


def test_copy_a_specific_version(s3, bucket):
    v1 = s3.put_object(Bucket=bucket, Key="src", Body=b"old")["VersionId"]
    s3.put_object(Bucket=bucket, Key="src", Body=b"new")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src", "VersionId": v1})
    assert copied["CopySourceVersionId"] == v1
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"old"


def test_copy_onto_itself_naming_the_current_version(s3, bucket):
    """S3 refuses a copy onto itself that changes nothing only when the source names no
    version: naming one, even the current one, makes a new version (recorded against AWS
    by moto's maintainers in getmoto/moto#7303)."""
    current = s3.put_object(Bucket=bucket, Key="k", Body=b"one", Metadata={"v": "1"})["VersionId"]
    code, status, response = error_of(s3.copy_object, Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"})
    assert (code, status) == ("InvalidRequest", 400)
    assert response["Error"]["Message"].startswith(
        "This copy request is illegal because it is trying to copy an object to itself")
    copied = s3.copy_object(Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k", "VersionId": current})
    assert copied["CopySourceVersionId"] == current and copied["VersionId"] != current
    listed = s3.list_object_versions(Bucket=bucket, Prefix="k")["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in listed] == [(copied["VersionId"], True), (current, False)]
    got = s3.get_object(Bucket=bucket, Key="k")
    assert (got["Body"].read(), got["Metadata"]) == (b"one", {"v": "1"})


def test_object_lock_protects_versions(s3):
    name = f"locked-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    version = s3.put_object(Bucket=name, Key="k", Body=b"v", ObjectLockLegalHoldStatus="ON")["VersionId"]
    code, status, _ = error_of(s3.delete_object, Bucket=name, Key="k", VersionId=version)
    assert (code, status) == ("AccessDenied", 403)
    assert s3.get_object_legal_hold(Bucket=name, Key="k")["LegalHold"]["Status"] == "ON"
    s3.put_object_legal_hold(Bucket=name, Key="k", LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=name, Key="k", VersionId=version)
    s3.delete_bucket(Bucket=name)
