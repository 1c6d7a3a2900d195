"""The object-management flow of AWS's Python S3 examples (the object wrapper's demo),
step by step: put a file and lines as objects (each waited for), list by prefix, get,
delete (waited away), copy_from, an ACL grant by e-mail address (the error the demo
catches), DeleteObjects by keys, then empty and delete the bucket."""
import uuid

import pytest
from botocore.exceptions import ClientError

from examples_helpers import resource_in_region

LINES = [f"line {i}: some text of the demo script\n" for i in range(10)]


@pytest.fixture
def bucket(lakebox_server):
    made = resource_in_region(lakebox_server).Bucket(f"doc-example-bucket-{uuid.uuid4()}")
    made.create(CreateBucketConfiguration={"LocationConstraint": "us-west-2"}, ObjectOwnership="BucketOwnerPreferred")
    yield made
    made.objects.delete()
    made.delete()


def test_object_demo_flow(bucket, tmp_path):
    script = tmp_path / "demo.py"
    script.write_text("".join(LINES))
    document = bucket.Object("doc-example-object")
    with open(script, "rb") as body:
        document.put(Body=body)
    document.wait_until_exists()

    lines = []
    for number, text in enumerate(LINES):
        obj = bucket.Object(f"line-{number}")
        obj.put(Body=text.encode())
        obj.wait_until_exists()
        lines.append(obj)
    assert [o.key for o in bucket.objects.filter(Prefix="line-")] == sorted(o.key for o in lines)

    last = lines.pop()
    assert last.get()["Body"].read() == LINES[9].encode()
    last.delete()
    last.wait_until_not_exists()

    copy = bucket.Object(lines[0].key + "-copy")
    copy.copy_from(CopySource={"Bucket": bucket.name, "Key": lines[0].key})
    copy.wait_until_exists()
    assert copy.get()["Body"].read() == LINES[0].encode()

    acl = document.Acl()
    with pytest.raises(ClientError) as caught:
        acl.put(AccessControlPolicy={"Owner": acl.owner, "Grants": acl.grants + [
            {"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "arnav@example.net"},
             "Permission": "READ"}]})
    assert caught.value.response["Error"]["Code"] == "MethodNotAllowed"     # e-mail grantees ended October 2025
    assert [g["Permission"] for g in document.Acl().grants] == ["FULL_CONTROL"]

    answer = bucket.delete_objects(Delete={"Objects": [{"Key": o.key} for o in lines[1:4]]})
    assert sorted(d["Key"] for d in answer["Deleted"]) == sorted(o.key for o in lines[1:4])
    assert "Errors" not in answer

    bucket.objects.delete()
    assert list(bucket.objects.all()) == []
