"""Listings as users page them: paginators with Delimiter and CommonPrefixes, StartAfter,
keys with unicode, spaces, '+', '//' and trailing slashes, EncodingType=url, V1 markers."""
import pytest

KEYS = ["a b/c+d.txt", "a b/e f.txt", "data//double.txt", "data/", "data/x/", "data/x/1.csv",
        "data/y/2.csv", "naïve/ü.txt", "top.txt", "zz%2F.txt"]


@pytest.fixture
def bucket(s3, make_bucket):
    name = make_bucket("rv4-list")
    for key in KEYS:
        s3.put_object(Bucket=name, Key=key, Body=b"" if key.endswith("/") else key.encode())
    return name


def test_paginator_walks_every_key_in_order(s3, bucket):
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 3}))
    assert [len(p.get("Contents", [])) for p in pages] == [3, 3, 3, 1]
    assert [o["Key"] for p in pages for o in p["Contents"]] == sorted(KEYS)
    assert all(p["IsTruncated"] for p in pages[:-1]) and not pages[-1]["IsTruncated"]
    assert [p["KeyCount"] for p in pages] == [3, 3, 3, 1]
    assert "NextContinuationToken" not in pages[-1]


def test_delimiter_gives_folders(s3, bucket):
    top = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["a b/", "data/", "naïve/"]
    assert [o["Key"] for o in top["Contents"]] == ["top.txt", "zz%2F.txt"]
    assert top["KeyCount"] == 5
    inside = s3.list_objects_v2(Bucket=bucket, Prefix="data/", Delimiter="/")
    assert [o["Key"] for o in inside["Contents"]] == ["data/"]
    assert [p["Prefix"] for p in inside["CommonPrefixes"]] == ["data//", "data/x/", "data/y/"]
    assert inside["Prefix"] == "data/" and inside["Delimiter"] == "/"


def test_delimiter_pages_count_prefixes_as_keys(s3, bucket):
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 2}))
    seen = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
    keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
    assert seen == ["a b/", "data/", "naïve/"] and keys == ["top.txt", "zz%2F.txt"]
    assert [page["KeyCount"] for page in pages] == [2, 2, 1]
    full = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Delimiter="/").build_full_result()
    assert [p["Prefix"] for p in full["CommonPrefixes"]] == seen


def test_start_after(s3, bucket):
    after = s3.list_objects_v2(Bucket=bucket, StartAfter="data/x/")
    assert after["StartAfter"] == "data/x/"
    assert [o["Key"] for o in after["Contents"]][:2] == ["data/x/1.csv", "data/y/2.csv"]
    assert s3.list_objects_v2(Bucket=bucket, StartAfter="zzz")["KeyCount"] == 0


def test_encoding_type_url(s3, bucket):
    """boto3 asks for url encoding itself and decodes; when the caller asks for it, the
    keys, prefixes and StartAfter come back encoded (a space as %20, '+' as %2B, '/' kept)."""
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="a b/")["Contents"]] == [
        "a b/c+d.txt", "a b/e f.txt"]
    listing = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Delimiter="/", Prefix="a b/",
                                 StartAfter="a b/a")
    assert listing["EncodingType"] == "url"
    assert [o["Key"] for o in listing["Contents"]] == ["a%20b/c%2Bd.txt", "a%20b/e%20f.txt"]
    assert (listing["Prefix"], listing["StartAfter"]) == ("a%20b/", "a%20b/a")
    top = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["a%20b/", "data/", "na%C3%AFve/"]
    assert [o["Key"] for o in top["Contents"]] == ["top.txt", "zz%252F.txt"]


def test_list_objects_v1_markers(s3, bucket):
    first = s3.list_objects(Bucket=bucket, MaxKeys=4)
    assert first["IsTruncated"] and "NextMarker" not in first
    rest = s3.list_objects(Bucket=bucket, Marker=first["Contents"][-1]["Key"])
    assert [o["Key"] for o in first["Contents"] + rest["Contents"]] == sorted(KEYS)
    folders = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert folders["IsTruncated"] and folders["NextMarker"] == "data/"
    pages = list(s3.get_paginator("list_objects").paginate(Bucket=bucket, Delimiter="/",
                                                            PaginationConfig={"PageSize": 2}))
    assert [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])] == ["a b/", "data/", "naïve/"]


def test_folder_markers_and_double_slashes_round_trip(s3, bucket):
    assert s3.head_object(Bucket=bucket, Key="data/")["ContentLength"] == 0
    assert s3.get_object(Bucket=bucket, Key="data//double.txt")["Body"].read() == b"data//double.txt"
    assert s3.get_object(Bucket=bucket, Key="naïve/ü.txt")["Body"].read() == "naïve/ü.txt".encode()
    assert s3.get_object(Bucket=bucket, Key="zz%2F.txt")["Body"].read() == b"zz%2F.txt"
    listing = s3.list_objects_v2(Bucket=bucket, Prefix="data//")
    assert [o["Key"] for o in listing["Contents"]] == ["data//double.txt"]


def test_max_keys_zero_and_empty_prefix_result(s3, bucket):
    none = s3.list_objects_v2(Bucket=bucket, MaxKeys=0)
    assert none["KeyCount"] == 0 and "Contents" not in none and none["MaxKeys"] == 0
    assert not none["IsTruncated"]
    empty = s3.list_objects_v2(Bucket=bucket, Prefix="nothing/")
    assert empty["KeyCount"] == 0 and "Contents" not in empty and "CommonPrefixes" not in empty


def test_list_object_versions_with_delimiter(s3, bucket):
    versions = s3.list_object_versions(Bucket=bucket, Delimiter="/", Prefix="data/")
    assert [v["Key"] for v in versions["Versions"]] == ["data/"]
    assert all(v["VersionId"] == "null" for v in versions["Versions"])
    assert [p["Prefix"] for p in versions["CommonPrefixes"]] == ["data//", "data/x/", "data/y/"]
