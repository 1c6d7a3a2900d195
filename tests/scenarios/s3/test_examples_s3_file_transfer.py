"""The file-transfer demo of AWS's Python S3 examples: upload_file and download_file
through the transfer manager with the default (multipart) configuration, with a
threshold above the file size (one PUT), with a progress callback, and with a
customer-provided key (SSE-C) that the download must present again."""
import hashlib
import os

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from s3_helpers import admit_customer_keys

MB = 1024 * 1024


@pytest.fixture
def bucket(lakebox_server, make_bucket, session):
    kwargs = {"endpoint_url": lakebox_server.endpoint} if lakebox_server.endpoint else {}
    return session.resource("s3", **kwargs).Bucket(make_bucket("file-transfer"))


@pytest.fixture
def big_file(tmp_path):
    path = tmp_path / "demo-file.bin"
    path.write_bytes(os.urandom(12 * MB))
    return path


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_default_multipart_upload_and_download_with_progress(bucket, big_file, tmp_path):
    sent = []
    bucket.upload_file(str(big_file), "demo-file.bin", Callback=sent.append)
    assert sum(sent) == big_file.stat().st_size
    assert "-" in bucket.Object("demo-file.bin").e_tag          # sent in parts
    received = []
    back = tmp_path / "back.bin"
    bucket.download_file("demo-file.bin", str(back), Config=TransferConfig(multipart_chunksize=4 * MB),
                         Callback=received.append)
    assert sum(received) == big_file.stat().st_size
    assert _digest(back) == _digest(big_file)


def test_threshold_above_the_size_sends_one_put(bucket, big_file):
    bucket.upload_file(str(big_file), "single.bin", Config=TransferConfig(multipart_threshold=24 * MB))
    etag = bucket.Object("single.bin").e_tag
    assert etag == '"%s"' % hashlib.md5(big_file.read_bytes()).hexdigest()


def test_customer_key_upload_needs_the_key_to_download(bucket, big_file, tmp_path):
    key = os.urandom(32)
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    admit_customer_keys(bucket.meta.client, bucket.name)
    bucket.upload_file(str(big_file), "sse-c.bin", ExtraArgs=sse)
    back = tmp_path / "sse-back.bin"
    bucket.download_file("sse-c.bin", str(back), ExtraArgs=sse)
    assert _digest(back) == _digest(big_file)
    with pytest.raises(ClientError) as caught:
        bucket.download_file("sse-c.bin", str(tmp_path / "no-key.bin"))
    assert caught.value.response["Error"]["Code"] == "400"

