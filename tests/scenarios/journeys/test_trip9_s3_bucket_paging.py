"""A platform team's nightly audit lists its account's buckets the way AWS now asks
(paginated ListBuckets): pages of MaxBuckets through boto3's paginator, narrowed to the
team's name prefix and to one region with BucketRegion, each bucket with its region and
ARN, a ContinuationToken only while more remain, and AWS's words for a page size out of
range, a token it never gave or a region that does not exist."""
import uuid

import pytest
from botocore.exceptions import ClientError

from trip_helpers import error_of


@pytest.fixture
def team_buckets(client):
    """Four `us-east-1` buckets sharing a unique prefix, deleted afterwards."""
    stem = f"audit-{uuid.uuid4().hex[:8]}"
    home = client("s3")
    made = []
    for name in (f"{stem}-raw", f"{stem}-curated", f"{stem}-tmp", f"{stem}-logs"):
        home.create_bucket(Bucket=name)
        made.append(name)
    yield stem, made
    for name in made:
        home.delete_bucket(Bucket=name)


def test_paginated_bucket_audit(lakebox_server, session, client, team_buckets):
    stem, _ = team_buckets
    s3 = client("s3")
    europe = session.client("s3", region_name="eu-west-1", endpoint_url=lakebox_server.endpoint)
    for suffix in ("eu-raw", "eu-archive"):
        europe.create_bucket(Bucket=f"{stem}-{suffix}",
                             CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    try:
        pages = list(s3.get_paginator("list_buckets").paginate(Prefix=stem, PaginationConfig={"PageSize": 4}))
        assert [[b["Name"] for b in page["Buckets"]] for page in pages] == [
            [f"{stem}-curated", f"{stem}-eu-archive", f"{stem}-eu-raw", f"{stem}-logs"],
            [f"{stem}-raw", f"{stem}-tmp"]]
        assert "ContinuationToken" in pages[0] and "ContinuationToken" not in pages[1]
        assert all(page["Prefix"] == stem for page in pages)
        regions = {b["Name"]: b["BucketRegion"] for page in pages for b in page["Buckets"]}
        assert regions == {f"{stem}-curated": "us-east-1", f"{stem}-eu-archive": "eu-west-1",
                           f"{stem}-eu-raw": "eu-west-1", f"{stem}-logs": "us-east-1",
                           f"{stem}-raw": "us-east-1", f"{stem}-tmp": "us-east-1"}
        assert pages[0]["Buckets"][0]["BucketArn"] == f"arn:aws:s3:::{stem}-curated"
        assert pages[0]["Owner"]["ID"] == s3.list_buckets(MaxBuckets=1)["Owner"]["ID"]

        first = s3.list_buckets(Prefix=stem, MaxBuckets=2)
        rest = s3.list_buckets(Prefix=stem, MaxBuckets=10, ContinuationToken=first["ContinuationToken"])
        assert [b["Name"] for b in first["Buckets"] + rest["Buckets"]] == sorted(regions)

        in_europe = europe.list_buckets(Prefix=stem, BucketRegion="eu-west-1")
        assert [b["Name"] for b in in_europe["Buckets"]] == [f"{stem}-eu-archive", f"{stem}-eu-raw"]
        assert "ContinuationToken" not in in_europe
        assert s3.list_buckets(Prefix=f"{stem}-nothing")["Buckets"] == []
        assert [b["Name"] for b in s3.list_buckets(Prefix=f"{stem}-eu-")["Buckets"]] == [
            f"{stem}-eu-archive", f"{stem}-eu-raw"]

        assert error_of(s3.list_buckets, MaxBuckets=10001) == (
            "InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000")
        assert error_of(s3.list_buckets, Prefix=stem, ContinuationToken="not-a-token") == (
            "InvalidArgument", "The continuation token provided is incorrect")
        # S3's reply recorded in LocalStack's AWS-validated snapshot (test_s3_list_operations:
        # test_list_buckets_region_validation): the argument named, no value.
        with pytest.raises(ClientError) as caught:
            s3.list_buckets(Prefix=stem, BucketRegion="eu-east-1")
        assert {k: v for k, v in caught.value.response["Error"].items() if k not in ("RequestId", "HostId")} == {
            "Code": "InvalidArgument", "Message": "Argument value eu-east-1 is not a valid AWS Region",
            "ArgumentName": "bucket-region"}
    finally:
        for suffix in ("eu-raw", "eu-archive"):
            europe.delete_bucket(Bucket=f"{stem}-{suffix}")
