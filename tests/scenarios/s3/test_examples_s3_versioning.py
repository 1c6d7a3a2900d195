"""The versioning demo of AWS's Python S3 examples, step by step with the boto3 resource
API: a bucket with versioning enabled and a legacy top-level-Prefix lifecycle rule
expiring noncurrent versions, four revisions of one object, a rollback by deleting the
newest versions, a delete (NoSuchKey), a revival by removing the delete marker, and a
permanent delete of every version."""
import uuid
from operator import attrgetter

import pytest
from botocore.exceptions import ClientError

from examples_helpers import resource_in_region

STANZA = "You are old, Father William, the young man said,\nAnd your hair has become very white"
PREFIX = "aws-version-demo/"


@pytest.fixture
def s3_resource(lakebox_server):
    return resource_in_region(lakebox_server)


def test_versioning_demo(s3_resource):
    bucket = s3_resource.create_bucket(Bucket=f"bucket-{uuid.uuid1()}",
                                       CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    bucket.Versioning().enable()
    assert bucket.Versioning().status == "Enabled"
    rule = {"Status": "Enabled", "Prefix": PREFIX, "NoncurrentVersionExpiration": {"NoncurrentDays": 7}}
    bucket.LifecycleConfiguration().put(LifecycleConfiguration={"Rules": [rule]})
    stored = bucket.LifecycleConfiguration().rules
    assert [(r["Prefix"], r["NoncurrentVersionExpiration"]["NoncurrentDays"]) for r in stored] == [(PREFIX, 7)]

    stanza = bucket.Object(f"{PREFIX}stanza-1")
    revisions = [STANZA, STANZA.upper(), STANZA.lower(), STANZA[::-1]]
    for text in revisions:
        stanza.put(Body=text.encode())
    assert stanza.get()["Body"].read().decode() == revisions[-1]

    versions = list(bucket.object_versions.filter(Prefix=stanza.key))
    assert len(versions) == 4
    assert [v.is_latest for v in versions] == [True, False, False, False]
    keep = versions[2].version_id
    for version in sorted(versions, key=attrgetter("last_modified"), reverse=True):
        if version.version_id == keep:
            break
        version.delete()
    stanza.reload()
    assert stanza.version_id == keep
    assert stanza.get()["Body"].read().decode() == revisions[1]

    stanza.delete()
    with pytest.raises(ClientError) as caught:
        stanza.get()
    assert caught.value.response["Error"]["Code"] == "NoSuchKey"

    latest = s3_resource.meta.client.list_object_versions(Bucket=bucket.name, Prefix=stanza.key, MaxKeys=1)
    marker = latest["DeleteMarkers"][0]
    assert marker["IsLatest"] is True
    assert "Versions" not in latest
    stanza.Version(marker["VersionId"]).delete()
    assert stanza.get()["Body"].read().decode() == revisions[1]

    bucket.object_versions.filter(Prefix=stanza.key).delete()
    assert list(bucket.object_versions.filter(Prefix=stanza.key)) == []
    bucket.delete()
