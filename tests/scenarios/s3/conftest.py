"""Shared fixtures for S3 scenarios: a boto3 client per module, and buckets with unique
names that are emptied and deleted afterwards."""
import pytest

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
