"""Shared by the stkf Firehose journeys: clients without retries, a new bucket, the role
the delivery streams name."""
import uuid

from botocore.config import Config

NO_RETRIES = Config(retries={"total_max_attempts": 1})
ROLE = "arn:aws:iam::000000000000:role/firehose-delivery"


def firehose_with_bucket(lakebox_server):
    """(firehose client, s3 client, name of a new bucket)."""
    firehose = lakebox_server.client("firehose", config=NO_RETRIES)
    s3 = lakebox_server.client("s3", config=NO_RETRIES)
    bucket = f"stkf-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket)
    return firehose, s3, bucket
