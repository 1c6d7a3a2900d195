"""Audit of issue 3: virtual-host addressing through the `s3.localhost` endpoint (the
bucket in `{bucket}.s3.localhost:{port}`) with boto3 and a presigned URL, and the
`{bucket}.s3.{region}.localhost` form a regional endpoint gives."""
from urllib.parse import urlsplit

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from journey_helpers import KEY, REGION, SECRET
from s3_helpers import error_of, http, resolve_localhost


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("audit3-vh", digits=12)


@pytest.fixture
def host_client(lakebox_server, monkeypatch):
    """host_client(host) -> a virtual-style boto3 client for http://{host}:{port}, with every
    name under .localhost resolved to the loopback address."""
    if lakebox_server.endpoint is None:
        pytest.skip("virtual-host addressing against the local endpoint")
    resolve_localhost(monkeypatch)
    port = urlsplit(lakebox_server.endpoint).port

    def make(host):
        return boto3.client("s3", endpoint_url=f"http://{host}:{port}", region_name=REGION,
                            aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                            config=Config(s3={"addressing_style": "virtual"}, signature_version="s3v4"))
    return make


@pytest.mark.parametrize("host", ["s3.localhost", f"s3.{REGION}.localhost"])
def test_virtual_host_forms(s3, host_client, bucket, host):
    virtual = host_client(host)
    put = virtual.put_object(Bucket=bucket, Key="dir/x.csv", Body=b"a,b\n")
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_object(Bucket=bucket, Key="dir/x.csv")["Body"].read() == b"a,b\n"
    listing = virtual.list_objects_v2(Bucket=bucket, Prefix="dir/", Delimiter="/")
    assert [o["Key"] for o in listing["Contents"]] == ["dir/x.csv"]
    assert virtual.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200
    url = virtual.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/x.csv"}, ExpiresIn=60)
    assert urlsplit(url).hostname == f"{bucket}.{host}"
    status, _, body = http(url)
    assert (status, body) == (200, b"a,b\n")
    code, status, _ = error_of(virtual.get_object, Bucket=bucket, Key="missing")
    assert (code, status) == ("NoSuchKey", 404)


def test_virtual_host_multipart_transfer(host_client, bucket, tmp_path):
    virtual = host_client("s3.localhost")
    data = bytes(range(256)) * (40 * 1024)          # 10 MiB: two parts
    (tmp_path / "up.bin").write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
    virtual.upload_file(str(tmp_path / "up.bin"), bucket, "deep/up.bin", Config=config)
    virtual.download_file(bucket, "deep/up.bin", str(tmp_path / "down.bin"), Config=config)
    assert (tmp_path / "down.bin").read_bytes() == data
    assert virtual.head_object(Bucket=bucket, Key="deep/up.bin")["ETag"].endswith('-2"')
