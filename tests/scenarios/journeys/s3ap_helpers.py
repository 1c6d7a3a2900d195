"""Helpers for the access point journeys: an S3 Control client for the journeys' account
(or another), an S3 client that can address access points by ARN, and the clean-up of
access points a test made."""
import re

import boto3
from botocore.config import Config

from s3control_host import to_the_server
from trip_helpers import KEY, SECRET

NO_RETRIES = Config(retries={"total_max_attempts": 1})


def control_client(server, access_key=KEY, secret=SECRET):
    return to_the_server(server, server.client("s3control", aws_access_key_id=access_key,
                                               aws_secret_access_key=secret, config=NO_RETRIES))


def drop_access_points(control, account, bucket):
    """Deletes the account's access points on `bucket` (so that the bucket can go)."""
    for point in control.list_access_points(AccountId=account, Bucket=bucket)["AccessPointList"]:
        control.delete_access_point(AccountId=account, Name=point["Name"])


def arn_client(server, access_key=KEY, secret=SECRET):
    """An S3 client for requests naming an access point ARN as their bucket. SDKs send
    those to the host `<name>-<account>.<endpoint host>`: with an endpoint of
    `http://localhost:<port>`, `<name>-<account>.localhost:<port>`, which need not resolve
    here, so the request goes to the server's own address with that Host header."""
    if not server.endpoint:
        return server.client("s3", aws_access_key_id=access_key, aws_secret_access_key=secret, config=NO_RETRIES)
    address = server.endpoint.split("//", 1)[1]
    client = boto3.client("s3", endpoint_url="http://localhost:" + address.rpartition(":")[2], region_name="us-east-1",
                          aws_access_key_id=access_key, aws_secret_access_key=secret, config=NO_RETRIES)

    def to_the_server(request, **_):
        request.url = re.sub(r"//[^/]+", "//" + address, request.url, count=1)
    client.meta.events.register("before-send.s3.*", to_the_server)
    return client
