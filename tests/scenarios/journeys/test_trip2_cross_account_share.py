"""Sharing a dataset with another account: the producer account writes Parquet under
`shared/` and grants the consumer account's analyst role read access to that prefix with
a bucket policy; the consumer assumes its role, lists and reads the share with
awswrangler, is refused the rest of the bucket, and drops its results into an `inbox/`
prefix the policy lets it write only with bucket-owner-full-control."""
import json
import uuid

import boto3
import pandas as pd
import pytest
from botocore.config import Config

from trip_helpers import REGION, error_of

PRODUCER, CONSUMER = "111122223333", "444455556666"
ANALYST = f"arn:aws:iam::{CONSUMER}:role/analyst"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


@pytest.fixture
def share(lakebox_server):
    s3 = lakebox_server.client("s3", aws_access_key_id=PRODUCER, aws_secret_access_key="x", config=NO_RETRIES)
    bucket = f"share-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ListShared", "Effect": "Allow", "Principal": {"AWS": ANALYST}, "Action": "s3:ListBucket",
         "Resource": f"arn:aws:s3:::{bucket}", "Condition": {"StringLike": {"s3:prefix": ["shared/*"]}}},
        {"Sid": "ReadShared", "Effect": "Allow", "Principal": {"AWS": ANALYST}, "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/shared/*"},
        {"Sid": "DropResults", "Effect": "Allow", "Principal": {"AWS": ANALYST}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/inbox/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]}))
    yield s3, bucket
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


def analyst_session(lakebox_server):
    sts = lakebox_server.client("sts", aws_access_key_id=CONSUMER, aws_secret_access_key="x", config=NO_RETRIES)
    credentials = sts.assume_role(RoleArn=ANALYST, RoleSessionName="quarterly")["Credentials"]
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"], region_name=REGION,
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"])


@pytest.mark.local_only
def test_consumer_account_reads_the_share_and_nothing_else(lakebox_server, wr, share):
    producer, bucket = share
    producer_session = boto3.Session(aws_access_key_id=PRODUCER, aws_secret_access_key="x", region_name=REGION)
    frame = pd.DataFrame({"sku": ["a", "b", "c"], "units": [5, 3, 9], "quarter": ["q1", "q1", "q2"]})
    wr.s3.to_parquet(frame, f"s3://{bucket}/shared/sales/", dataset=True, partition_cols=["quarter"],
                     boto3_session=producer_session)
    producer.put_object(Bucket=bucket, Key="private/costs.csv", Body=b"sku,cost\na,1\n")

    session = analyst_session(lakebox_server)
    consumer = session.client("s3", endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)
    shared = wr.s3.read_parquet(f"s3://{bucket}/shared/sales/", dataset=True, boto3_session=session)
    assert sorted(zip(shared["sku"], shared["units"], shared["quarter"].astype(str))) == [
        ("a", 5, "q1"), ("b", 3, "q1"), ("c", 9, "q2")]

    assert error_of(consumer.get_object, Bucket=bucket, Key="private/costs.csv") == ("AccessDenied", "Access Denied")
    assert error_of(consumer.list_objects_v2, Bucket=bucket, Prefix="private/") == ("AccessDenied", "Access Denied")
    assert error_of(consumer.put_object, Bucket=bucket, Key="inbox/report.csv", Body=b"x") == (
        "AccessDenied", "Access Denied")
    consumer.put_object(Bucket=bucket, Key="inbox/report.csv", Body=b"sku,units\nc,9\n",
                        ACL="bucket-owner-full-control")
    assert producer.get_object(Bucket=bucket, Key="inbox/report.csv")["Body"].read() == b"sku,units\nc,9\n"
    grants = producer.get_object_acl(Bucket=bucket, Key="inbox/report.csv")["Grants"]
    assert {g["Permission"] for g in grants if g["Grantee"].get("ID") == producer.get_bucket_acl(
        Bucket=bucket)["Owner"]["ID"]} == {"FULL_CONTROL"}
