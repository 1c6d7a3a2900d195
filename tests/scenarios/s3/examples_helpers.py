"""Shared by the scenarios that follow AWS's Python S3 examples: a boto3 S3 resource in a
region other than us-east-1, as the examples create buckets with a LocationConstraint
naming the client's own region."""
import boto3

EXAMPLES_REGION = "us-west-2"


def resource_in_region(lakebox_server, region=EXAMPLES_REGION):
    session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region)
    kwargs = {"endpoint_url": lakebox_server.endpoint} if lakebox_server.endpoint else {}
    return session.resource("s3", **kwargs)
