"""A vendor's reporting job reaches a customer's lake as the customer asks: its user
gets a session token (GetSessionToken), assumes the customer's `vendor-access` role with
the external id agreed on, and from that session chains to the customer's `lake-reader`
role, checking who it is at each step; it then reads the lake with the chained
credentials. On the way: a chained session cannot last more than an hour, a session
cannot ask for another session token, an external id with spaces is refused by STS's
validation, and once the chained credentials expire S3 refuses them."""
import uuid

import boto3
import pytest
from botocore.config import Config

from trip_helpers import REGION, error_of

pytestmark = pytest.mark.local_only          # the credentials expire on the lakebox clock

VENDOR, CUSTOMER = "111122223333", "444455556666"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def client_of(lakebox_server, service, credentials):
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name=REGION).client(
        service, endpoint_url=lakebox_server.endpoint, config=NO_RETRIES)


@pytest.fixture
def customer_lake(lakebox_server):
    s3 = lakebox_server.client("s3", aws_access_key_id=CUSTOMER, aws_secret_access_key="x", config=NO_RETRIES)
    bucket = f"customer-lake-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="reports/2024-06.csv", Body=b"month,revenue\n2024-06,1200\n")
    yield bucket
    s3.delete_object(Bucket=bucket, Key="reports/2024-06.csv")
    s3.delete_bucket(Bucket=bucket)


def test_vendor_chains_into_the_customer_lake(lakebox_server, clock, customer_lake):
    vendor_sts = lakebox_server.client("sts", aws_access_key_id=VENDOR, aws_secret_access_key="x",
                                       config=NO_RETRIES)
    token = vendor_sts.get_session_token(DurationSeconds=3600)["Credentials"]
    assert token["AccessKeyId"].startswith("ASIA")
    as_user = client_of(lakebox_server, "sts", token)
    assert as_user.get_caller_identity()["Account"] == VENDOR
    assert error_of(as_user.get_session_token) == (
        "AccessDenied", "Cannot call GetSessionToken with session credentials")

    assert error_of(as_user.assume_role, RoleArn=f"arn:aws:iam::{CUSTOMER}:role/vendor-access",
                    RoleSessionName="reporting", ExternalId="customer 42") == (
        "ValidationError", "1 validation error detected: Value 'customer 42' at 'externalId' failed to satisfy "
                           "constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*")
    access = as_user.assume_role(RoleArn=f"arn:aws:iam::{CUSTOMER}:role/vendor-access",
                                 RoleSessionName="reporting", ExternalId="customer-42")
    as_vendor_access = client_of(lakebox_server, "sts", access["Credentials"])
    assert as_vendor_access.get_caller_identity()["Arn"] == \
        f"arn:aws:sts::{CUSTOMER}:assumed-role/vendor-access/reporting"

    assert error_of(as_vendor_access.assume_role, RoleArn=f"arn:aws:iam::{CUSTOMER}:role/lake-reader",
                    RoleSessionName="reporting-read", DurationSeconds=7200) == (
        "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
                           "role chaining.")
    chained = as_vendor_access.assume_role(RoleArn=f"arn:aws:iam::{CUSTOMER}:role/lake-reader",
                                           RoleSessionName="reporting-read", DurationSeconds=900)
    assert chained["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{CUSTOMER}:assumed-role/lake-reader/reporting-read"
    reader_s3 = client_of(lakebox_server, "s3", chained["Credentials"])
    body = reader_s3.get_object(Bucket=customer_lake, Key="reports/2024-06.csv")["Body"].read()
    assert body == b"month,revenue\n2024-06,1200\n"

    clock(901)
    assert error_of(reader_s3.get_object, Bucket=customer_lake, Key="reports/2024-06.csv") == (
        "ExpiredToken", "The provided token has expired.")
    assert error_of(client_of(lakebox_server, "sts", chained["Credentials"]).get_caller_identity) == (
        "ExpiredToken", "The security token included in the request is expired")
