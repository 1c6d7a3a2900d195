"""An old inventory job still pages buckets with ListObjects (v1), and runs in two
Regions. Its maintainer checks what it depends on: NextMarker comes only when a
Delimiter is given (without one, the next Marker is the last key returned), a page that
ends on a common prefix resumes after the whole folder, MaxKeys 0 returns nothing and is
not truncated, EncodingType=url hands back odd keys encoded (boto3 decodes them); the v2
call shows the Owner only with FetchOwner; GetBucketLocation is null for us-east-1 and
the Region's name elsewhere, and HeadBucket names the bucket's Region."""
import uuid


def page_keys(page):
    return ([o["Key"] for o in page.get("Contents", [])], [p["Prefix"] for p in page.get("CommonPrefixes", [])])


def test_v1_paging_and_bucket_regions(client, bucket):
    s3 = client("s3")
    for key in ("2025/01.csv", "2025/02.csv", "2026/01.csv", "a b+c%.csv", "readme.txt", "zz.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())

    # Without a delimiter: no NextMarker, the caller resumes from the last key.
    page = s3.list_objects(Bucket=bucket, MaxKeys=2)
    assert (page_keys(page), page["IsTruncated"], "NextMarker" in page, page["Marker"]) == (
        (["2025/01.csv", "2025/02.csv"], []), True, False, "")
    page = s3.list_objects(Bucket=bucket, MaxKeys=3, Marker=page["Contents"][-1]["Key"])
    assert (page_keys(page), page["IsTruncated"], page["Marker"]) == (
        (["2026/01.csv", "a b+c%.csv", "readme.txt"], []), True, "2025/02.csv")
    page = s3.list_objects(Bucket=bucket, Marker="readme.txt")
    assert (page_keys(page), page["IsTruncated"], page["MaxKeys"]) == ((["zz.txt"], []), False, 1000)

    # With a delimiter: NextMarker names where the page stopped, a folder counts once.
    page = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2)
    assert (page_keys(page), page["IsTruncated"], page["NextMarker"]) == (([], ["2025/", "2026/"]), True, "2026/")
    page = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2, Marker=page["NextMarker"])
    assert (page_keys(page), page["IsTruncated"], page["NextMarker"]) == (
        (["a b+c%.csv", "readme.txt"], []), True, "readme.txt")
    page = s3.list_objects(Bucket=bucket, Delimiter="/", MaxKeys=2, Marker=page["NextMarker"])
    assert (page_keys(page), page["IsTruncated"], "NextMarker" in page) == ((["zz.txt"], []), False, False)
    page = s3.list_objects(Bucket=bucket, Prefix="2025/", Delimiter="/")
    assert (page_keys(page), page["Prefix"], page["Delimiter"]) == ((["2025/01.csv", "2025/02.csv"], []), "2025/", "/")

    # MaxKeys 0: an empty page, not truncated.
    page = s3.list_objects(Bucket=bucket, MaxKeys=0)
    assert (page_keys(page), page["IsTruncated"], page["MaxKeys"]) == (([], []), False, 0)
    assert s3.list_objects_v2(Bucket=bucket, MaxKeys=0)["KeyCount"] == 0

    # The odd key travels url-encoded: boto3 asked for it and decodes Key and markers.
    page = s3.list_objects(Bucket=bucket, Marker="a b", MaxKeys=1, Delimiter="/")
    assert (page["EncodingType"], page_keys(page), page["Marker"], page["NextMarker"]) == (
        "url", (["a b+c%.csv"], []), "a b", "a b+c%.csv")
    assert s3.get_object(Bucket=bucket, Key=page["Contents"][0]["Key"])["Body"].read() == b"a b+c%.csv"

    # ListObjectsV2 shows the Owner only with FetchOwner.
    owner = s3.list_buckets()["Owner"]["ID"]
    plain = s3.list_objects_v2(Bucket=bucket, Prefix="zz")
    fetched = s3.list_objects_v2(Bucket=bucket, Prefix="zz", FetchOwner=True, RequestPayer="requester")
    assert ("Owner" in plain["Contents"][0], fetched["Contents"][0]["Owner"]["ID"], fetched["KeyCount"]) == (
        False, owner, 1)

    # Where the buckets live.
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None
    head = s3.head_bucket(Bucket=bucket)
    assert (head["BucketRegion"], head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"]) == (
        "us-east-1", "us-east-1")
    eu = client("s3", region_name="eu-west-1")
    name = f"trip-eu-{uuid.uuid4().hex[:12]}"
    eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        assert eu.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
        head = eu.head_bucket(Bucket=name)
        assert (head["BucketRegion"], head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"]) == (
            "eu-west-1", "eu-west-1")
        regions = {b["Name"]: b["BucketRegion"] for b in s3.list_buckets(Prefix="trip-")["Buckets"]}
        assert (regions[name], regions[bucket]) == ("eu-west-1", "us-east-1")
    finally:
        eu.delete_bucket(Bucket=name)
