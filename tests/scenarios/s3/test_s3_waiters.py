"""S3's four waiters (bucket_exists, bucket_not_exists, object_exists, object_not_exists)
return once the bucket or object is in the state they wait for."""
import uuid

from botocore.exceptions import WaiterError
import pytest

QUICK = {"Delay": 1, "MaxAttempts": 3}


def test_bucket_waiters_follow_the_bucket(s3):
    name = f"waiter-{uuid.uuid4().hex[:12]}"
    s3.get_waiter("bucket_not_exists").wait(Bucket=name, WaiterConfig=QUICK)
    s3.create_bucket(Bucket=name)
    s3.get_waiter("bucket_exists").wait(Bucket=name, WaiterConfig=QUICK)
    s3.delete_bucket(Bucket=name)
    s3.get_waiter("bucket_not_exists").wait(Bucket=name, WaiterConfig=QUICK)


def test_object_waiters_follow_the_object(s3, make_bucket):
    bucket = make_bucket("waiter")
    s3.get_waiter("object_not_exists").wait(Bucket=bucket, Key="k", WaiterConfig=QUICK)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.get_waiter("object_exists").wait(Bucket=bucket, Key="k", WaiterConfig=QUICK)
    s3.delete_object(Bucket=bucket, Key="k")
    s3.get_waiter("object_not_exists").wait(Bucket=bucket, Key="k", WaiterConfig=QUICK)


def test_object_exists_gives_up_on_a_missing_object(s3, make_bucket):
    bucket = make_bucket("waiter")
    with pytest.raises(WaiterError, match="Max attempts exceeded"):
        s3.get_waiter("object_exists").wait(Bucket=bucket, Key="never", WaiterConfig={"Delay": 1, "MaxAttempts": 1})
