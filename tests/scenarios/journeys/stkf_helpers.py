"""Shared by the stkf Firehose journeys: clients without retries, a new bucket, the role
the delivery streams name."""
import uuid

import cramjam
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


def hadoop_blocks(body: bytes) -> bytes:
    """The bytes of a HADOOP_SNAPPY object: Hadoop's snappy blocks, each a block's
    uncompressed length, then chunks each preceded by its compressed length (4-byte
    big-endian), until the block is whole."""
    out, at = bytearray(), 0
    while at < len(body):
        whole, at = int.from_bytes(body[at:at + 4], "big"), at + 4
        got = 0
        while got < whole:
            size, at = int.from_bytes(body[at:at + 4], "big"), at + 4
            chunk = bytes(cramjam.snappy.decompress_raw(body[at:at + size]))
            out += chunk
            got, at = got + len(chunk), at + size
    return bytes(out)
