"""Every S3 paginator botocore has, driven as users drive it: PageSize, MaxItems and
StartingToken over more items than a page holds. Keys come back in UTF-8 binary order
(S3 ListObjectsV2 API reference: "Objects are returned sorted in an ascending order of
the respective key names"), versions of a key newest first, uploads of a key in the
order they were initiated, parts by number, buckets by name."""
import pytest
from botocore.exceptions import ClientError

from paging import account_client, check_paginator, error_of, fresh_account

# Code points whose UTF-16 order differs from their UTF-8 order: U+FF01 sorts after
# U+10000 in UTF-16 but before it in UTF-8 (binary), which is S3's order.
KEYS = ["a/1", "a/2", "b", "z", "~", "\u00e9", "\uff01", "\U00010000"]
ORDERED = sorted(KEYS, key=lambda key: key.encode("utf-8"))


@pytest.fixture
def filled(s3, make_bucket):
    bucket = make_bucket("paging")
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    return bucket


@pytest.mark.parametrize("operation", ["ListObjects", "ListObjectsV2"])
def test_object_listings_give_every_key_once_in_binary_order(s3, filled, operation):
    check_paginator(s3, operation, ORDERED, key_of=lambda item: item["Key"], keys=["Prefix"], Bucket=filled)


@pytest.mark.parametrize("operation", ["ListObjects", "ListObjectsV2"])
def test_common_prefixes_page_with_the_keys(s3, filled, operation):
    paginator = s3.get_paginator(operation.replace("ListObjectsV2", "list_objects_v2").replace("ListObjects", "list_objects"))
    pages = list(paginator.paginate(Bucket=filled, Delimiter="/", PaginationConfig={"PageSize": 2}))
    rolled = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    assert rolled == ["a/"]
    assert keys == [key for key in ORDERED if "/" not in key]
    assert all(len(page.get("CommonPrefixes", [])) + len(page.get("Contents", [])) <= 2 for page in pages)


def test_list_objects_v2_refuses_a_continuation_token_it_did_not_give(s3, filled):
    assert error_of(s3.list_objects_v2, Bucket=filled, ContinuationToken="not a token") == (
        "InvalidArgument", "The continuation token provided is incorrect")


def test_an_empty_continuation_token_is_named_without_a_value(s3, filled):
    """S3's reply recorded in LocalStack's AWS-validated snapshot
    (test_s3_list_operations: exc-continuation-token): ArgumentName only."""
    with pytest.raises(ClientError) as caught:
        s3.list_objects_v2(Bucket=filled, ContinuationToken="")
    error = caught.value.response["Error"]
    assert {k: v for k, v in error.items() if k not in ("RequestId", "HostId")} == {
        "Code": "InvalidArgument", "Message": "The continuation token provided is incorrect",
        "ArgumentName": "continuation-token"}


def test_object_versions_page_by_key_then_newest_first(s3, make_bucket):
    bucket = make_bucket("paging-ver")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    made = {}
    for key in ["k1", "k2", "k3"]:
        made[key] = [s3.put_object(Bucket=bucket, Key=key, Body=b"v")["VersionId"] for _ in range(2)]
    expected = [(key, version) for key in sorted(made) for version in reversed(made[key])]
    check_paginator(s3, "ListObjectVersions", expected, key_of=lambda v: (v["Key"], v["VersionId"]),
                    keys=["Prefix"], Bucket=bucket)


def test_delete_markers_page_with_the_versions(s3, make_bucket):
    """MaxKeys counts versions and delete markers together. (botocore resumes a
    StartingToken by emptying every result key but the first on the first page, so
    MaxItems is not checked here: that is the client's doing.)"""
    bucket = make_bucket("paging-dm")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for key in ["d1", "d2", "d3", "d4", "d5"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"v")
        s3.delete_object(Bucket=bucket, Key=key)
    pages = list(s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 3}))
    markers = [m["Key"] for page in pages for m in page.get("DeleteMarkers", [])]
    versions = [v["Key"] for page in pages for v in page.get("Versions", [])]
    assert markers == versions == ["d1", "d2", "d3", "d4", "d5"]
    assert [len(page.get("DeleteMarkers", [])) + len(page.get("Versions", [])) for page in pages] == [3, 3, 3, 1]


def test_multipart_uploads_page_by_key_then_initiation(s3, make_bucket):
    bucket = make_bucket("paging-mpu")
    made = []
    for key in ["u1", "u2", "u2", "u3", "u4"]:
        made.append((key, s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]))
    check_paginator(s3, "ListMultipartUploads", made, key_of=lambda u: (u["Key"], u["UploadId"]), Bucket=bucket)


def test_parts_page_by_number(s3, make_bucket):
    bucket = make_bucket("paging-parts")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="big", ChecksumAlgorithm="SHA256")["UploadId"]
    for number in range(1, 7):
        s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=number, Body=b"p",
                       ChecksumAlgorithm="SHA256")
    check_paginator(s3, "ListParts", list(range(1, 7)), key_of=lambda p: p["PartNumber"],
                    keys=["Initiator", "Owner", "StorageClass", "ChecksumAlgorithm", "ChecksumType"],
                    Bucket=bucket, Key="big", UploadId=upload)
    s3.abort_multipart_upload(Bucket=bucket, Key="big", UploadId=upload)


@pytest.mark.local_only
def test_buckets_page_by_name(lakebox_server):
    s3 = account_client(lakebox_server, "s3", fresh_account())
    names = sorted(f"paging-{n}-{fresh_account()}" for n in range(5))
    for name in names:
        s3.create_bucket(Bucket=name)
    try:
        check_paginator(s3, "ListBuckets", names, key_of=lambda b: b["Name"], keys=["Owner"])
        assert error_of(s3.list_buckets, ContinuationToken="not a token") == (
            "InvalidArgument", "The continuation token provided is incorrect")
    finally:
        for name in names:
            s3.delete_bucket(Bucket=name)



def test_start_after_then_pages_from_there(s3, filled):
    check_paginator(s3, "ListObjectsV2", [key for key in ORDERED if key.encode() > b"b"],
                    key_of=lambda item: item["Key"], Bucket=filled, StartAfter="b")


def test_uploads_page_their_common_prefixes(s3, make_bucket):
    bucket = make_bucket("paging-mpu-dirs")
    for key in ["d1/x", "d2/x", "d2/y", "d3/x", "top1", "top2"]:
        s3.create_multipart_upload(Bucket=bucket, Key=key)
    pages = list(s3.get_paginator("list_multipart_uploads").paginate(
        Bucket=bucket, Delimiter="/", PaginationConfig={"PageSize": 2}))
    rolled = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
    keys = [u["Key"] for page in pages for u in page.get("Uploads", [])]
    assert (rolled, keys) == (["d1/", "d2/", "d3/"], ["top1", "top2"])
    assert all(len(page.get("CommonPrefixes", [])) + len(page.get("Uploads", [])) <= 2 for page in pages)
