"""Listing with boto3: ListObjects v1 and v2, ListObjectVersions, every parameter."""
import uuid

import pytest
from botocore.exceptions import ClientError

KEYS = ["a", "a/b", "a/c/d", "a/c/e", "b/1", "b/2", "c", "d/x/y", "space key", "plus+key", "ü/1"]


@pytest.fixture(scope="module")
def bucket(s3):
    name = f"listing-{uuid.uuid4().hex[:16]}"
    s3.create_bucket(Bucket=name)
    for key in KEYS:
        s3.put_object(Bucket=name, Key=key, Body=key.encode())
    yield name
    s3.delete_objects(Bucket=name, Delete={"Objects": [{"Key": k} for k in KEYS]})
    s3.delete_bucket(Bucket=name)


def test_v2_lists_every_key_in_utf8_order(s3, bucket):
    page = s3.list_objects_v2(Bucket=bucket)
    assert [o["Key"] for o in page["Contents"]] == sorted(KEYS, key=lambda k: k.encode())
    assert page["KeyCount"] == len(KEYS)
    assert not page["IsTruncated"]
    assert "Owner" not in page["Contents"][0]


def test_v2_delimiter_and_prefix(s3, bucket):
    page = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["a/", "b/", "d/", "ü/"]
    assert [o["Key"] for o in page["Contents"]] == ["a", "c", "plus+key", "space key"]
    assert page["KeyCount"] == 8
    page = s3.list_objects_v2(Bucket=bucket, Prefix="a/", Delimiter="/")
    assert [o["Key"] for o in page["Contents"]] == ["a/b"]
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["a/c/"]


def test_v2_pagination_counts_common_prefixes(s3, bucket):
    seen, token = [], None
    while True:
        kwargs = {"Bucket": bucket, "Delimiter": "/", "MaxKeys": 3}
        if token:
            kwargs["ContinuationToken"] = token
        page = s3.list_objects_v2(**kwargs)
        seen += [o["Key"] for o in page.get("Contents", [])] + [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        assert page["KeyCount"] <= 3
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sorted(seen) == sorted(["a/", "b/", "d/", "ü/", "a", "c", "plus+key", "space key"])


def test_v2_start_after_and_fetch_owner(s3, bucket):
    page = s3.list_objects_v2(Bucket=bucket, StartAfter="b/1", FetchOwner=True)
    assert [o["Key"] for o in page["Contents"]][:2] == ["b/2", "c"]
    assert page["StartAfter"] == "b/1"
    assert len(page["Contents"][0]["Owner"]["ID"]) == 64


def test_v2_max_keys_zero_and_paginator(s3, bucket):
    page = s3.list_objects_v2(Bucket=bucket, MaxKeys=0)
    assert ("Contents" not in page, page["KeyCount"], page["IsTruncated"]) == (True, 0, False)
    keys = [o["Key"] for p in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2})
            for o in p["Contents"]]
    assert sorted(keys) == sorted(KEYS)


def test_v2_with_explicit_url_encoding(s3, bucket):
    """boto3 decodes keys only when it asked for the encoding itself; S3 writes a space
    as %20 (recorded against AWS, issue 15)."""
    page = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    keys = [o["Key"] for o in page["Contents"]]
    assert "space%20key" in keys and "plus%2Bkey" in keys and "%C3%BC/1" in keys


def test_v1_markers(s3, bucket):
    page = s3.list_objects(Bucket=bucket, MaxKeys=2)
    assert [o["Key"] for o in page["Contents"]] == ["a", "a/b"]
    assert page["IsTruncated"] and "NextMarker" not in page
    page = s3.list_objects(Bucket=bucket, Marker="a/c/d", MaxKeys=2, Delimiter="/")
    assert [p["Prefix"] for p in page.get("CommonPrefixes", [])] == ["a/", "b/"]   # rolled up from a/c/e
    assert page["NextMarker"] == "b/"
    page = s3.list_objects(Bucket=bucket, Marker="b/", Delimiter="/")
    assert [o["Key"] for o in page["Contents"]][0] == "c"                           # b/ is not listed again
    keys = [o["Key"] for p in s3.get_paginator("list_objects").paginate(Bucket=bucket, PaginationConfig={"PageSize": 3})
            for o in p["Contents"]]
    assert sorted(keys) == sorted(KEYS)
    assert "Owner" in page["Contents"][0]


def test_invalid_listing_arguments(s3, bucket):
    with pytest.raises(ClientError) as raised:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken="!!not-a-token")
    assert raised.value.response["Error"]["Code"] == "InvalidArgument"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_list_object_versions_unversioned_bucket(s3, bucket):
    page = s3.list_object_versions(Bucket=bucket, Prefix="b/")
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in page["Versions"]] == \
        [("b/1", "null", True), ("b/2", "null", True)]
