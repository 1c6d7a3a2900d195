"""Shared fixtures for S3 scenarios: a boto3 client per module, buckets with unique names
that are emptied and deleted afterwards, and the dataframe clients (s3fs, pyarrow,
awswrangler) pointed at the server."""
from urllib.parse import urlsplit

import boto3
import pytest
from pyarrow import fs as pafs

from journey_helpers import KEY, REGION, SECRET
from s3_helpers import create_bucket, remove_bucket


@pytest.fixture(scope="module")
def s3(lakebox_server):
    return lakebox_server.client("s3")


@pytest.fixture
def make_bucket(s3):
    """make_bucket(prefix, digits=16, delete_args=None, **create_args) -> name of a new bucket.
    At the end its unfinished uploads, versions and delete markers go (each DeleteObject
    with `delete_args`), then the bucket itself."""
    made = []

    def make(prefix, digits=16, delete_args=None, **create_args):
        name = create_bucket(s3, prefix, digits, **create_args)
        made.append((name, delete_args or {}))
        return name

    yield make
    for name, delete_args in made:
        remove_bucket(s3, name, **delete_args)


@pytest.fixture
def versioned(s3, make_bucket):
    name = make_bucket("edge-ver")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


@pytest.fixture
def locked(make_bucket):
    return make_bucket("edge-lock", delete_args={"BypassGovernanceRetention": True},
                       ObjectLockEnabledForBucket=True)


@pytest.fixture(scope="module")
def storage_options(lakebox_server):
    options = {"key": KEY, "secret": SECRET, "client_kwargs": {"region_name": REGION}}
    if lakebox_server.endpoint:
        options["endpoint_url"] = lakebox_server.endpoint
    return options


@pytest.fixture
def fs(storage_options):
    import s3fs
    return s3fs.S3FileSystem(skip_instance_cache=True, use_listings_cache=False, **storage_options)


@pytest.fixture(scope="module")
def pyfs(lakebox_server):
    extra = {}
    if lakebox_server.endpoint:
        url = urlsplit(lakebox_server.endpoint)
        extra = {"endpoint_override": url.netloc, "scheme": url.scheme}
    return pafs.S3FileSystem(access_key=KEY, secret_key=SECRET, region=REGION, **extra)


@pytest.fixture
def wr(lakebox_server):
    import awswrangler
    if lakebox_server.endpoint:
        awswrangler.config.s3_endpoint_url = lakebox_server.endpoint
    yield awswrangler
    awswrangler.config.reset("s3_endpoint_url")


@pytest.fixture(scope="module")
def session():
    return boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)
