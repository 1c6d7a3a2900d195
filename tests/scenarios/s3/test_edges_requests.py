"""S3's edge behaviours for listings, deletes, reads and bucket rules, as real S3 answers
them: paging, delete markers, part reads, overrides, conditional writes, lifecycle
validation, locations, restores."""
import datetime
import hashlib
import os
import uuid

import pytest
from botocore.exceptions import WaiterError

from edge_helpers import b64, crc32_b64, headers_of, status_of, multipart
from s3_helpers import MIB, error_of


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("edge")


# ---------------------------------------------------------------- listings

@pytest.fixture
def tree(s3, bucket):
    keys = ["a/1", "a/2", "b/1", "c", "d/x/1", "e", "f/1"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"v")
    return bucket


def test_list_v2_pages_count_prefixes_and_keys_together(s3, tree):
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=tree, Delimiter="/",
                                                               PaginationConfig={"PageSize": 2}))
    seen = [([o["Key"] for o in p.get("Contents", [])], [c["Prefix"] for c in p.get("CommonPrefixes", [])])
            for p in pages]
    assert seen == [([], ["a/", "b/"]), (["c"], ["d/"]), (["e"], ["f/"])]
    assert [p["KeyCount"] for p in pages] == [2, 2, 2]
    assert [p["IsTruncated"] for p in pages] == [True, True, False]
    assert "NextContinuationToken" not in pages[-1]
    assert all(p["MaxKeys"] == 2 and p["Delimiter"] == "/" for p in pages)


def test_list_v2_start_after_with_delimiter(s3, tree):
    page = s3.list_objects_v2(Bucket=tree, Delimiter="/", StartAfter="a/1")
    assert [c["Prefix"] for c in page["CommonPrefixes"]] == ["a/", "b/", "d/", "f/"]
    assert page["StartAfter"] == "a/1"
    page = s3.list_objects_v2(Bucket=tree, Delimiter="/", StartAfter="a/2")
    assert [c["Prefix"] for c in page["CommonPrefixes"]] == ["b/", "d/", "f/"]


def test_list_v1_next_marker_with_delimiter(s3, tree):
    # "This element is returned only if you have the delimiter request parameter specified."
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
    page = s3.list_objects(Bucket=tree, Delimiter="/", MaxKeys=3)
    assert [c["Prefix"] for c in page["CommonPrefixes"]] == ["a/", "b/"]
    assert [o["Key"] for o in page["Contents"]] == ["c"]
    assert (page["IsTruncated"], page["NextMarker"]) == (True, "c")
    page = s3.list_objects(Bucket=tree, Delimiter="/", MaxKeys=1, Marker="c")
    assert (page["IsTruncated"], page["NextMarker"]) == (True, "d/")
    undelimited = s3.list_objects(Bucket=tree, MaxKeys=2)
    assert undelimited["IsTruncated"] is True and "NextMarker" not in undelimited


def test_list_v2_bad_continuation_token(s3, tree):
    code, status, _ = error_of(s3.list_objects_v2, Bucket=tree, ContinuationToken="not-a-token")
    assert (code, status) == ("InvalidArgument", 400)


def test_list_v2_max_keys_zero(s3, tree):
    page = s3.list_objects_v2(Bucket=tree, MaxKeys=0)
    assert page["KeyCount"] == 0 and "Contents" not in page


@pytest.fixture
def history(s3, versioned):
    """Versions of keys under two prefixes, with a delete marker."""
    ids = {}
    for key in ["p/a", "p/a", "p/b", "q/c"]:
        ids.setdefault(key, []).append(s3.put_object(Bucket=versioned, Key=key, Body=b"v")["VersionId"])
    ids["p/b-marker"] = s3.delete_object(Bucket=versioned, Key="p/b")["VersionId"]
    return versioned, ids


def test_versions_paging_with_markers(s3, history):
    bucket, ids = history
    seen, kwargs = [], {}
    while True:
        page = s3.list_object_versions(Bucket=bucket, Prefix="p/", MaxKeys=1, **kwargs)
        entries = page.get("Versions", []) + page.get("DeleteMarkers", [])
        assert len(entries) == 1
        seen.append((entries[0]["Key"], entries[0]["VersionId"], entries[0]["IsLatest"]))
        if not page["IsTruncated"]:
            assert "NextKeyMarker" not in page
            break
        assert page["NextKeyMarker"] == entries[0]["Key"]
        assert page["NextVersionIdMarker"] == entries[0]["VersionId"]
        kwargs = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
    assert seen == [("p/a", ids["p/a"][1], True), ("p/a", ids["p/a"][0], False),
                    ("p/b", ids["p/b-marker"], True), ("p/b", ids["p/b"][0], False)]


def test_versions_key_marker_alone_skips_that_key(s3, history):
    bucket, ids = history
    page = s3.list_object_versions(Bucket=bucket, KeyMarker="p/a")
    keys = [v["Key"] for v in page.get("Versions", [])] + [m["Key"] for m in page.get("DeleteMarkers", [])]
    assert "p/a" not in keys and sorted(set(keys)) == ["p/b", "q/c"]
    assert page["KeyMarker"] == "p/a"


def test_versions_with_delimiter_and_prefix(s3, history):
    bucket, _ = history
    page = s3.list_object_versions(Bucket=bucket, Delimiter="/")
    assert [c["Prefix"] for c in page["CommonPrefixes"]] == ["p/", "q/"]
    assert "Versions" not in page and "DeleteMarkers" not in page
    page = s3.list_object_versions(Bucket=bucket, Prefix="p/", Delimiter="/")
    assert "CommonPrefixes" not in page
    assert len(page["Versions"]) == 3 and len(page["DeleteMarkers"]) == 1
    page = s3.list_object_versions(Bucket=bucket, Delimiter="/", MaxKeys=1)
    assert [c["Prefix"] for c in page["CommonPrefixes"]] == ["p/"]
    assert (page["IsTruncated"], page["NextKeyMarker"]) == (True, "p/")


def test_versions_marker_errors(s3, history):
    bucket, ids = history
    code, status, response = error_of(s3.list_object_versions, Bucket=bucket, VersionIdMarker=ids["p/a"][0])
    assert (code, status) == ("InvalidArgument", 400)
    assert response["Error"]["Message"] == "A version-id marker cannot be specified without a key marker."
    code, status, _ = error_of(s3.list_object_versions, Bucket=bucket, KeyMarker="p/a", VersionIdMarker="bogus")
    assert (code, status) == ("InvalidArgument", 400)


# ---------------------------------------------------------------- delete_objects

def test_delete_objects_mixing_versions_markers_and_missing_keys(s3, versioned):
    va = s3.put_object(Bucket=versioned, Key="a", Body=b"v")["VersionId"]
    vb = s3.put_object(Bucket=versioned, Key="b", Body=b"v")["VersionId"]
    s3.put_object(Bucket=versioned, Key="c", Body=b"v")
    marker_c = s3.delete_object(Bucket=versioned, Key="c")["VersionId"]
    result = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
        {"Key": "a"}, {"Key": "missing"}, {"Key": "b", "VersionId": vb}, {"Key": "c", "VersionId": marker_c}]})
    deleted = {d["Key"]: d for d in result["Deleted"]}
    assert "Errors" not in result
    assert deleted["a"]["DeleteMarker"] is True and deleted["a"]["DeleteMarkerVersionId"] not in (None, va)
    assert deleted["missing"]["DeleteMarker"] is True and deleted["missing"]["DeleteMarkerVersionId"]
    assert deleted["b"]["VersionId"] == vb and "DeleteMarker" not in deleted["b"]
    assert (deleted["c"]["VersionId"], deleted["c"]["DeleteMarker"], deleted["c"]["DeleteMarkerVersionId"]) == \
        (marker_c, True, marker_c)
    markers = {m["Key"] for m in s3.list_object_versions(Bucket=versioned).get("DeleteMarkers", [])}
    assert markers == {"a", "missing"}
    assert s3.get_object(Bucket=versioned, Key="c")["Body"].read() == b"v"


def test_delete_objects_quiet_still_reports_errors(s3, locked):
    version = s3.put_object(Bucket=locked, Key="held", Body=b"v", ObjectLockLegalHoldStatus="ON")["VersionId"]
    result = s3.delete_objects(Bucket=locked, Delete={"Quiet": True, "Objects": [
        {"Key": "held", "VersionId": version}, {"Key": "other"}]})
    assert "Deleted" not in result
    assert [(e["Key"], e["Code"]) for e in result["Errors"]] == [("held", "AccessDenied")]
    s3.put_object_legal_hold(Bucket=locked, Key="held", VersionId=version, LegalHold={"Status": "OFF"})


# ---------------------------------------------------------------- waiters

def test_waiters(s3, make_bucket):
    name = f"edge-wait-{uuid.uuid4().hex[:12]}"
    fast = {"Delay": 1, "MaxAttempts": 2}
    with pytest.raises(WaiterError):
        s3.get_waiter("bucket_exists").wait(Bucket=name, WaiterConfig=fast)
    s3.get_waiter("bucket_not_exists").wait(Bucket=name, WaiterConfig=fast)
    bucket = make_bucket("edge-wait")
    s3.get_waiter("bucket_exists").wait(Bucket=bucket, WaiterConfig=fast)
    with pytest.raises(WaiterError):
        s3.get_waiter("object_exists").wait(Bucket=bucket, Key="k", WaiterConfig=fast)
    s3.get_waiter("object_not_exists").wait(Bucket=bucket, Key="k", WaiterConfig=fast)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    s3.get_waiter("object_exists").wait(Bucket=bucket, Key="k", WaiterConfig=fast)
    with pytest.raises(WaiterError):
        s3.get_waiter("object_not_exists").wait(Bucket=bucket, Key="k", WaiterConfig=fast)


# ---------------------------------------------------------------- delete markers

def test_head_and_get_of_a_delete_marker(s3, versioned):
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
    s3.put_object(Bucket=versioned, Key="k", Body=b"v")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    code, status, response = error_of(s3.head_object, Bucket=versioned, Key="k")
    assert (code, status) == ("404", 404)
    assert headers_of(response)["x-amz-delete-marker"] == "true"
    assert headers_of(response)["x-amz-version-id"] == marker
    code, status, response = error_of(s3.head_object, Bucket=versioned, Key="k", VersionId=marker)
    assert (code, status) == ("405", 405)
    assert headers_of(response)["x-amz-delete-marker"] == "true"
    assert "last-modified" in headers_of(response)
    code, status, response = error_of(s3.get_object, Bucket=versioned, Key="k")
    assert (code, status) == ("NoSuchKey", 404)
    assert headers_of(response)["x-amz-delete-marker"] == "true"
    code, status, response = error_of(s3.get_object, Bucket=versioned, Key="k", VersionId=marker)
    assert (code, status) == ("MethodNotAllowed", 405)
    assert response["Error"]["Message"] == "The specified method is not allowed against this resource."
    assert headers_of(response)["x-amz-delete-marker"] == "true"
    assert "last-modified" in headers_of(response)


def test_tagging_a_delete_marker_is_not_allowed(s3, versioned):
    s3.put_object(Bucket=versioned, Key="k", Body=b"v")
    marker = s3.delete_object(Bucket=versioned, Key="k")["VersionId"]
    code, status, _ = error_of(s3.get_object_tagging, Bucket=versioned, Key="k", VersionId=marker)
    assert (code, status) == ("MethodNotAllowed", 405)
    # A current delete marker is refused the same way (AWS's recorded reply), not NoSuchKey.
    code, status, _ = error_of(s3.get_object_tagging, Bucket=versioned, Key="k")
    assert (code, status) == ("MethodNotAllowed", 405)


# ---------------------------------------------------------------- PartNumber reads

@pytest.fixture
def two_parts(s3, bucket):
    parts = [os.urandom(5 * MIB), b"last part"]
    complete, _, _ = multipart(s3, bucket, "mp", parts)
    return bucket, parts, complete["ETag"]


def test_get_by_part_number(s3, two_parts):
    bucket, parts, etag = two_parts
    size = sum(map(len, parts))
    got = s3.get_object(Bucket=bucket, Key="mp", PartNumber=1)
    assert status_of(got) == 206
    assert (got["ContentLength"], got["PartsCount"], got["ETag"]) == (5 * MIB, 2, etag)
    assert got["ContentRange"] == f"bytes 0-{5 * MIB - 1}/{size}"
    assert got["Body"].read() == parts[0]
    head = s3.head_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert (head["ContentLength"], head["PartsCount"]) == (len(parts[1]), 2)
    assert head["ContentRange"] == f"bytes {5 * MIB}-{size - 1}/{size}"
    assert s3.head_object(Bucket=bucket, Key="mp")["ContentLength"] == size


def test_part_number_out_of_range(s3, two_parts):
    bucket, _, _ = two_parts
    code, status, response = error_of(s3.get_object, Bucket=bucket, Key="mp", PartNumber=3)
    assert (code, status) == ("InvalidPartNumber", 416)
    assert response["Error"]["Message"] == "The requested partnumber is not satisfiable"
    code, status, _ = error_of(s3.get_object, Bucket=bucket, Key="mp", PartNumber=1, Range="bytes=0-1")
    assert (code, status) == ("InvalidRequest", 400)


def test_part_number_of_a_single_part_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="one", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="one", PartNumber=1)
    assert got["Body"].read() == b"0123456789"
    assert got["ContentLength"] == 10
    code, status, _ = error_of(s3.get_object, Bucket=bucket, Key="one", PartNumber=2)
    assert (code, status) == ("InvalidPartNumber", 416)


# ---------------------------------------------------------------- response overrides

def test_more_response_header_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v", ContentType="text/plain", ContentLanguage="en")
    expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    got = s3.get_object(Bucket=bucket, Key="k", ResponseContentLanguage="fr", ResponseContentEncoding="identity",
                        ResponseExpires=expires, ResponseContentDisposition='attachment; filename="x.txt"')
    h = headers_of(got)
    assert (h["content-language"], h["content-encoding"], h["content-disposition"]) == \
        ("fr", "identity", 'attachment; filename="x.txt"')
    assert h["expires"] == "Wed, 02 Jan 2030 03:04:05 GMT"
    head = s3.head_object(Bucket=bucket, Key="k", ResponseContentType="application/x-probe")
    assert head["ContentType"] == "application/x-probe"
    # the overrides change only that response
    assert s3.head_object(Bucket=bucket, Key="k")["ContentType"] == "text/plain"


# ---------------------------------------------------------------- conditional writes

def test_conditional_put_with_a_stale_etag(s3, bucket):
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["ETag"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"2")
    code, status, response = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"3", IfMatch=first)
    assert (code, status) == ("PreconditionFailed", 412)
    assert response["Error"].get("Condition") == "If-Match"


def test_conditional_delete(s3, bucket):
    # DeleteObject If-Match: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v")["ETag"]
    code, status, _ = error_of(s3.delete_object, Bucket=bucket, Key="k", IfMatch='"0123456789abcdef0123456789abcdef"')
    assert (code, status) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"
    s3.delete_object(Bucket=bucket, Key="k", IfMatch=etag)
    assert error_of(s3.head_object, Bucket=bucket, Key="k")[1] == 404


# ---------------------------------------------------------------- lifecycle validation

def lifecycle_error(s3, bucket, *rules):
    code, status, response = error_of(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                                      LifecycleConfiguration={"Rules": list(rules)})
    return code, status, response["Error"].get("Message")


EVERY = {"Filter": {}, "Status": "Enabled"}


def test_lifecycle_validation(s3, bucket):
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "Expiration": {"Days": 0}}) == \
        ("InvalidArgument", 400, "'Days' for Expiration action must be a positive integer")
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "Expiration": {"Days": 1}},
                           {"ID": "r", **EVERY, "Expiration": {"Days": 2}}) == \
        ("InvalidArgument", 400, "Rule ID must be unique. Found same ID for more than one rule")
    assert lifecycle_error(s3, bucket, {"ID": "r" * 256, **EVERY, "Expiration": {"Days": 1}})[:2] == \
        ("InvalidArgument", 400)
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY})[:2] == ("InvalidRequest", 400)
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "Expiration": {
        "Date": datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)}}) == \
        ("InvalidArgument", 400, "'Date' must be at midnight GMT")
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "Expiration": {
        "Days": 1, "ExpiredObjectDeleteMarker": True}})[:2] == ("MalformedXML", 400)
    assert lifecycle_error(s3, bucket, {"ID": "r", "Status": "Enabled", "Expiration": {"Days": 1}})[:2] == \
        ("MalformedXML", 400)
    code, status, _ = error_of(s3.get_bucket_lifecycle_configuration, Bucket=bucket)
    assert (code, status) == ("NoSuchLifecycleConfiguration", 404)


def test_lifecycle_transition_dates_are_midnight_gmt(s3, bucket):
    # LifecycleRule / Transition API reference: "Date: ... The date value must be in ISO 8601
    # format. The time is always midnight UTC"; a transition has a Date or Days, not both.
    noon = datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "Transitions": [
        {"Date": noon, "StorageClass": "GLACIER"}]}) == ("InvalidArgument", 400, "'Date' must be at midnight GMT")
    paris_midnight = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "Transitions": [
        {"Date": paris_midnight, "StorageClass": "GLACIER"}]})[:2] == ("InvalidArgument", 400)
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "Transitions": [
        {"Date": noon.replace(hour=0), "Days": 30, "StorageClass": "GLACIER"}]})[:2] == ("MalformedXML", 400)
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "Transitions": [
        {"StorageClass": "GLACIER"}]})[:2] == ("MalformedXML", 400)
    code, status, _ = error_of(s3.get_bucket_lifecycle_configuration, Bucket=bucket)
    assert (code, status) == ("NoSuchLifecycleConfiguration", 404)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "r", **EVERY, "Transitions": [{"Date": noon.replace(hour=0), "StorageClass": "GLACIER"}]}]})
    rule = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]
    assert rule["Transitions"][0]["Date"] == noon.replace(hour=0)


def test_lifecycle_transition_to_standard_ia_before_30_days(s3, bucket):
    # "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'"
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "Transitions": [
        {"Days": 10, "StorageClass": "STANDARD_IA"}]})[:2] == ("InvalidArgument", 400)


def test_lifecycle_abort_multipart_with_a_tag_filter(s3, bucket):
    # "You can't specify this lifecycle action in a rule that has a filter that uses object tags."
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
    assert lifecycle_error(s3, bucket, {"ID": "r", "Status": "Enabled",
                                        "Filter": {"Tag": {"Key": "t", "Value": "v"}},
                                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}})[:2] == \
        ("InvalidRequest", 400)


def test_lifecycle_noncurrent_days_zero(s3, bucket):
    # NoncurrentDays: "The value must be a non-zero positive integer."
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_NoncurrentVersionExpiration.html
    assert lifecycle_error(s3, bucket, {"ID": "r", **EVERY, "NoncurrentVersionExpiration": {"NoncurrentDays": 0}}) == \
        ("InvalidArgument", 400, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")


def test_lifecycle_transition_minimum_size_header(s3, bucket):
    put = s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "r", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": 3}}]})
    assert put["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    assert got["Rules"] == [{"ID": "r", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
                             "Expiration": {"Days": 3}}]


# ---------------------------------------------------------------- bucket location

@pytest.mark.parametrize("region", ["eu-west-1", "ap-southeast-2", "us-west-2"])
def test_bucket_location_per_region(lakebox_server, region):
    client = lakebox_server.client("s3", region=region)
    name = f"edge-loc-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    try:
        assert client.get_bucket_location(Bucket=name)["LocationConstraint"] == region
        head = client.head_bucket(Bucket=name)
        assert head["BucketRegion"] == region
        listed = client.list_buckets(Prefix="edge-loc-")["Buckets"]
        assert {b["Name"]: b.get("BucketRegion") for b in listed}[name] == region
    finally:
        client.delete_bucket(Bucket=name)


def test_bucket_location_of_us_east_1_and_eu(lakebox_server):
    client = lakebox_server.client("s3", region="us-east-1")
    name = f"edge-loc-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    try:
        assert client.get_bucket_location(Bucket=name)["LocationConstraint"] is None
        assert client.head_bucket(Bucket=name)["BucketRegion"] == "us-east-1"
    finally:
        client.delete_bucket(Bucket=name)
    code, status, _ = error_of(client.create_bucket, Bucket=name,
                               CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert (code, status) == ("InvalidLocationConstraint", 400)
    code, status, _ = error_of(client.create_bucket, Bucket=name,
                               CreateBucketConfiguration={"LocationConstraint": "mars-north-1"})
    assert (code, status) == ("InvalidLocationConstraint", 400)


# ---------------------------------------------------------------- restore

def test_restore_of_objects_that_are_not_archived(s3, bucket):
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_RestoreObject.html
    s3.put_object(Bucket=bucket, Key="std", Body=b"x")
    code, status, response = error_of(s3.restore_object, Bucket=bucket, Key="std", RestoreRequest={"Days": 1})
    assert (code, status) == ("InvalidObjectState", 403)
    assert response["Error"]["Message"] == "Restore is not allowed for the object's current storage class"
    s3.put_object(Bucket=bucket, Key="ir", Body=b"x", StorageClass="GLACIER_IR")
    code, status, _ = error_of(s3.restore_object, Bucket=bucket, Key="ir", RestoreRequest={"Days": 1})
    assert (code, status) == ("InvalidObjectState", 403)
    s3.put_object(Bucket=bucket, Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    code, status, _ = error_of(s3.restore_object, Bucket=bucket, Key="ia", RestoreRequest={"Days": 1})
    assert (code, status) == ("InvalidObjectState", 403)
    code, status, _ = error_of(s3.restore_object, Bucket=bucket, Key="missing", RestoreRequest={"Days": 1})
    assert (code, status) == ("NoSuchKey", 404)


@pytest.mark.parametrize("storage_class", ["GLACIER", "DEEP_ARCHIVE"])
def test_head_of_an_archived_object(s3, bucket, storage_class):
    # HEAD works on archived objects; x-amz-restore tells whether a restore is under way:
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass=storage_class)
    head = s3.head_object(Bucket=bucket, Key="cold")
    assert head["StorageClass"] == storage_class and "Restore" not in head
    assert head["ContentLength"] == 1
    code, status, _ = error_of(s3.get_object, Bucket=bucket, Key="cold")
    assert (code, status) == ("InvalidObjectState", 403)


def test_restore_of_a_restored_object_answers_200(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass="DEEP_ARCHIVE")
    first = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    assert status_of(first) in (200, 202)
    if 'ongoing-request="false"' in s3.head_object(Bucket=bucket, Key="cold").get("Restore", ""):
        again = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 3})
        assert status_of(again) == 200
    else:
        code, status, _ = error_of(s3.restore_object, Bucket=bucket, Key="cold", RestoreRequest={"Days": 3})
        assert (code, status) == ("RestoreAlreadyInProgress", 409)


# ---------------------------------------------------------------- more edges

def test_object_lock_on_an_existing_bucket_needs_versioning(s3, make_bucket):
    # "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"; Object Lock can be
    # turned on for an existing versioned bucket:
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html
    name = make_bucket("edge-late-lock", delete_args={"BypassGovernanceRetention": True})
    enable = {"ObjectLockEnabled": "Enabled"}
    code, status, _ = error_of(s3.put_object_lock_configuration, Bucket=name, ObjectLockConfiguration=enable)
    assert (code, status) == ("InvalidBucketState", 409)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration=enable)
    assert s3.get_object_lock_configuration(Bucket=name)["ObjectLockConfiguration"] == enable


def test_legal_hold_on_a_bucket_without_object_lock(s3, bucket):
    code, status, _ = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"v", ObjectLockLegalHoldStatus="ON")
    assert (code, status) == ("InvalidRequest", 400)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    code, status, _ = error_of(s3.put_object_legal_hold, Bucket=bucket, Key="k", LegalHold={"Status": "ON"})
    assert (code, status) == ("InvalidRequest", 400)


def test_wrong_checksum_value_on_put(lakebox_server, s3, bucket):
    # "If the values don't match, Amazon S3 fails the request with a BadDigest error."
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
    # (botocore retries BadDigest by default: one attempt keeps the test quick)
    from botocore.config import Config
    s3 = lakebox_server.client("s3", config=Config(retries={"total_max_attempts": 1}))
    code, status, _ = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"payload",
                               ChecksumCRC32=crc32_b64(b"other"))
    assert (code, status) == ("BadDigest", 400)
    code, status, _ = error_of(s3.put_object, Bucket=bucket, Key="k", Body=b"payload",
                               ChecksumSHA256=b64(hashlib.sha256(b"other").digest()))
    assert (code, status) == ("BadDigest", 400)
    assert error_of(s3.head_object, Bucket=bucket, Key="k")[1] == 404


def test_unversioned_objects_list_as_the_null_version(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in versions] == [("k", "null", True)]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"v"
    assert "VersionId" not in s3.head_object(Bucket=bucket, Key="k")


def test_fetch_owner_in_list_v2(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert "Owner" not in s3.list_objects_v2(Bucket=bucket)["Contents"][0]
    assert "ID" in s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]["Owner"]


def test_copy_of_an_archived_object_needs_a_restore(s3, bucket):
    # CopyObject of an object in S3 Glacier Flexible Retrieval that is not restored: 403 InvalidObjectState
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
    s3.put_object(Bucket=bucket, Key="cold", Body=b"x", StorageClass="GLACIER")
    code, status, _ = error_of(s3.copy_object, Bucket=bucket, Key="warm", CopySource={"Bucket": bucket, "Key": "cold"})
    assert (code, status) == ("InvalidObjectState", 403)


def test_attributes_of_an_archived_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"abc", StorageClass="GLACIER")
    attrs = s3.get_object_attributes(Bucket=bucket, Key="cold", ObjectAttributes=["StorageClass", "ObjectSize"])
    assert (attrs["StorageClass"], attrs["ObjectSize"]) == ("GLACIER", 3)
