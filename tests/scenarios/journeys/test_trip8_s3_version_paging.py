"""An operator audits a versioned landing bucket after a cleanup job went too far: files
were loaded before versioning was turned on (their version is "null"), overwritten and
deleted since. The audit walks ListObjectVersions a page at a time by hand, carrying
NextKeyMarker and NextVersionIdMarker as the docs say, then with boto3's paginator;
reading a deleted key answers NoSuchKey with the delete marker's headers, asking for the
marker itself is MethodNotAllowed; the operator restores one file by copying its older
version over it and another by deleting its delete marker, and a bulk DeleteObjects
reports markers, versions and a bad version id each in its own words."""
import base64
import re

import pytest
from botocore.exceptions import ClientError

from trip_helpers import error_of


def page_of(s3, bucket, **markers):
    page = s3.list_object_versions(Bucket=bucket, **markers)
    entries = [(v["Key"], v["VersionId"], v["IsLatest"], "version") for v in page.get("Versions", [])]
    entries += [(d["Key"], d["VersionId"], d["IsLatest"], "marker") for d in page.get("DeleteMarkers", [])]
    return page, entries


def test_versions_paged_by_hand_and_files_restored(client, versions_emptied):
    s3, bucket = client("s3"), versions_emptied
    s3.put_object(Bucket=bucket, Key="landing/a.csv", Body=b"id\n1\n")        # before versioning: "null"
    s3.put_object(Bucket=bucket, Key="landing/b.csv", Body=b"id\n2\n")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    a2 = s3.put_object(Bucket=bucket, Key="landing/a.csv", Body=b"id\n1\n10\n")["VersionId"]
    a3 = s3.put_object(Bucket=bucket, Key="landing/a.csv", Body=b"oops")["VersionId"]
    gone = s3.delete_object(Bucket=bucket, Key="landing/b.csv")
    assert gone["DeleteMarker"] is True
    b_marker = gone["VersionId"]
    c1 = s3.put_object(Bucket=bucket, Key="landing/c.csv", Body=b"id\n3\n")["VersionId"]
    assert len({a2, a3, b_marker, c1}) == 4 and "null" not in {a2, a3, b_marker, c1}

    # Newest first within a key; markers and versions share MaxKeys.
    page, entries = page_of(s3, bucket, Prefix="landing/", MaxKeys=2)
    assert entries == [("landing/a.csv", a3, True, "version"), ("landing/a.csv", a2, False, "version")]
    assert (page["IsTruncated"], page["NextKeyMarker"], page["NextVersionIdMarker"]) == (True, "landing/a.csv", a2)
    page, entries = page_of(s3, bucket, Prefix="landing/", MaxKeys=2, KeyMarker=page["NextKeyMarker"],
                            VersionIdMarker=page["NextVersionIdMarker"])
    assert sorted(entries) == [("landing/a.csv", "null", False, "version"),
                               ("landing/b.csv", b_marker, True, "marker")]
    assert (page["KeyMarker"], page["VersionIdMarker"]) == ("landing/a.csv", a2)
    assert (page["NextKeyMarker"], page["NextVersionIdMarker"]) == ("landing/b.csv", b_marker)
    page, entries = page_of(s3, bucket, Prefix="landing/", MaxKeys=2, KeyMarker=page["NextKeyMarker"],
                            VersionIdMarker=page["NextVersionIdMarker"])
    assert entries == [("landing/b.csv", "null", False, "version"), ("landing/c.csv", c1, True, "version")]
    assert page["IsTruncated"] is False and "NextKeyMarker" not in page
    # A key marker alone starts after every version of that key; "null" is a marker too.
    assert page_of(s3, bucket, KeyMarker="landing/b.csv")[1] == [("landing/c.csv", c1, True, "version")]
    assert page_of(s3, bucket, KeyMarker="landing/a.csv", VersionIdMarker="null", MaxKeys=1)[1] == [
        ("landing/b.csv", b_marker, True, "marker")]

    walked = [entry for p in s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, Prefix="landing/", PaginationConfig={"PageSize": 1})
        for entry in page_of_entries(p)]
    assert walked == [("landing/a.csv", a3), ("landing/a.csv", a2), ("landing/a.csv", "null"),
                      ("landing/b.csv", b_marker), ("landing/b.csv", "null"), ("landing/c.csv", c1)]

    assert error_of(s3.list_object_versions, Bucket=bucket, VersionIdMarker=a2) == (
        "InvalidArgument", "A version-id marker cannot be specified without a key marker.")
    assert error_of(s3.list_object_versions, Bucket=bucket, KeyMarker="landing/a.csv",
                    VersionIdMarker="not-a-version") == ("InvalidArgument", "Invalid version id specified")

    # The deleted file: NoSuchKey, and the headers name the marker.
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="landing/b.csv")
    reply = caught.value.response
    assert (reply["Error"]["Code"], reply["Error"]["Message"], reply["Error"]["Key"]) == (
        "NoSuchKey", "The specified key does not exist.", "landing/b.csv")
    assert reply["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    assert reply["ResponseMetadata"]["HTTPHeaders"]["x-amz-version-id"] == b_marker
    assert re.fullmatch(r"[0-9A-Z]{16}", reply["ResponseMetadata"]["RequestId"])
    assert len(base64.b64decode(reply["ResponseMetadata"]["HostId"])) == 56
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="landing/b.csv", VersionId=b_marker)
    error = caught.value.response["Error"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
    assert (error["Code"], error["Message"], error["Method"], error["ResourceType"]) == (
        "MethodNotAllowed", "The specified method is not allowed against this resource.", "GET", "DeleteMarker")
    assert error_of(s3.copy_object, Bucket=bucket, Key="landing/b2.csv",
                    CopySource={"Bucket": bucket, "Key": "landing/b.csv", "VersionId": b_marker}) == (
        "InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.")
    assert error_of(s3.get_object, Bucket=bucket, Key="landing/a.csv", VersionId="not-a-version") == (
        "InvalidArgument", "Invalid version id specified")

    # Copying the current version onto itself by its id is an ordinary copy: a new version.
    same = s3.copy_object(Bucket=bucket, Key="landing/c.csv",
                          CopySource={"Bucket": bucket, "Key": "landing/c.csv", "VersionId": c1})
    assert same["CopySourceVersionId"] == c1 and same["VersionId"] != c1
    assert error_of(s3.copy_object, Bucket=bucket, Key="landing/c.csv",
                    CopySource={"Bucket": bucket, "Key": "landing/c.csv"}) == (
        "InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without "
                          "changing the object's metadata, storage class, website redirect location or encryption "
                          "attributes.")

    # Restores: copy the good version over the bad one; remove the delete marker.
    restored = s3.copy_object(Bucket=bucket, Key="landing/a.csv",
                              CopySource={"Bucket": bucket, "Key": "landing/a.csv", "VersionId": a2})
    assert restored["CopySourceVersionId"] == a2 and restored["VersionId"] not in (a2, a3)
    assert s3.get_object(Bucket=bucket, Key="landing/a.csv")["Body"].read() == b"id\n1\n10\n"
    undone = s3.delete_object(Bucket=bucket, Key="landing/b.csv", VersionId=b_marker)
    assert (undone["DeleteMarker"], undone["VersionId"]) == (True, b_marker)
    back = s3.get_object(Bucket=bucket, Key="landing/b.csv")
    assert (back["Body"].read(), back["VersionId"]) == (b"id\n2\n", "null")

    # The cleanup job's bulk delete, replayed by hand.
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "landing/c.csv"}, {"Key": "landing/a.csv", "VersionId": a3},
        {"Key": "landing/a.csv", "VersionId": "not-a-version"}, {"Key": "landing/never.csv"}]})
    deleted = {(d["Key"], d.get("VersionId")): d for d in answer["Deleted"]}
    assert deleted[("landing/a.csv", a3)] == {"Key": "landing/a.csv", "VersionId": a3}
    assert deleted[("landing/c.csv", None)]["DeleteMarker"] is True
    assert deleted[("landing/never.csv", None)]["DeleteMarker"] is True
    assert answer["Errors"] == [{"Key": "landing/a.csv", "VersionId": "not-a-version", "Code": "InvalidArgument",
                                 "Message": "Invalid version id specified"}]
    latest = {v["Key"]: v["VersionId"] for v in s3.list_object_versions(Bucket=bucket)["Versions"] if v["IsLatest"]}
    assert latest == {"landing/a.csv": restored["VersionId"], "landing/b.csv": "null"}


def page_of_entries(page):
    entries = [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
    return entries + [(d["Key"], d["VersionId"]) for d in page.get("DeleteMarkers", [])]
