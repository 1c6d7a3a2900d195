"""Fixtures for journeys across services: a boto3 session, awswrangler pointed at the
server, a lake bucket (or one emptied of its versions) and a Glue database with unique names, DynamoDB tables, Kinesis
streams, SQS queues and KMS keys that are deleted afterwards."""
import uuid

import boto3
import pytest
from botocore.config import Config

from trip_helpers import KEY, REGION, SECRET, active_stream, wait_for

NO_RETRIES = Config(retries={"total_max_attempts": 1})
WRANGLER_ENDPOINTS = ("s3_endpoint_url", "glue_endpoint_url", "athena_endpoint_url",
                      "dynamodb_endpoint_url", "kms_endpoint_url", "sts_endpoint_url")


@pytest.fixture
def session():
    return boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)


@pytest.fixture
def resource(lakebox_server, session):
    def make(service):
        kwargs = {"config": NO_RETRIES}
        if lakebox_server.endpoint:
            kwargs["endpoint_url"] = lakebox_server.endpoint
        return session.resource(service, **kwargs)
    return make


@pytest.fixture
def wr(lakebox_server):
    import awswrangler
    for name in WRANGLER_ENDPOINTS:
        if lakebox_server.endpoint:
            setattr(awswrangler.config, name, lakebox_server.endpoint)
    yield awswrangler
    for name in WRANGLER_ENDPOINTS:
        awswrangler.config.reset(name)


@pytest.fixture
def bucket(fresh_bucket):
    return fresh_bucket("trip")


@pytest.fixture
def versions_emptied(client, bucket):
    """The bucket, emptied afterwards of every version and delete marker (for tests that
    turn versioning on)."""
    yield bucket
    s3 = client("s3")
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])


@pytest.fixture
def database(fresh_database):
    return fresh_database("trip")


@pytest.fixture
def kinesis_streams(client):
    """kinesis_streams(prefix, shards) -> (name, ARN) of a new ACTIVE Kinesis stream,
    deleted (with its consumers) afterwards."""
    kinesis, made = client("kinesis"), []

    def make(prefix, shards=1):
        name, arn = active_stream(kinesis, prefix, shards)
        made.append(name)
        return name, arn
    yield make
    for name in made:
        kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)


@pytest.fixture
def sqs_queues(client):
    """sqs_queues(prefix, **attributes) -> URL of a new SQS queue (named `.fifo` when
    FifoQueue="true"), deleted afterwards."""
    sqs, made = client("sqs"), []

    def make(prefix, **attributes):
        name = f"{prefix}-{uuid.uuid4().hex[:8]}" + (".fifo" if attributes.get("FifoQueue") == "true" else "")
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        made.append(url)
        return url
    yield make
    for url in made:
        sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def kms_keys(client):
    """kms_keys(**CreateKey arguments) -> KeyMetadata of a new KMS key, scheduled for
    deletion afterwards."""
    kms, made = client("kms"), []

    def make(**args):
        key = kms.create_key(**args)["KeyMetadata"]
        made.append(key["KeyId"])
        return key
    yield make
    for key_id in made:
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


@pytest.fixture
def table_name(client):
    """A unique DynamoDB table name; the table is deleted at the end if it was made."""
    ddb = client("dynamodb")
    name = f"trip-{uuid.uuid4().hex[:12]}"
    yield name
    try:
        ddb.delete_table(TableName=name)
    except ddb.exceptions.ResourceNotFoundException:
        pass


@pytest.fixture
def delivery_streams(client):
    """delivery_streams(prefix, **CreateDeliveryStream arguments) -> the name of a new
    ACTIVE Firehose delivery stream, deleted afterwards."""
    firehose, made = client("firehose"), []

    def make(prefix, **arguments):
        name = f"{prefix}-{uuid.uuid4().hex[:10]}"
        firehose.create_delivery_stream(DeliveryStreamName=name, **arguments)
        made.append(name)
        wait_for(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)[
            "DeliveryStreamDescription"]["DeliveryStreamStatus"] == "ACTIVE")
        return name
    yield make
    for name in made:
        firehose.delete_delivery_stream(DeliveryStreamName=name)
