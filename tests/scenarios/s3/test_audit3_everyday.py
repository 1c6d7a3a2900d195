"""Audit of issue 3 with the clients data engineers use every day: s3transfer's managed
copy and non-seekable streams, the aws cli with SSE-KMS keys and lifecycle expiry seen
through `aws s3 ls`, s3fs directory trees, and pyarrow.fs copies and moves."""
import hashlib
import io
import json
import time

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from pyarrow import fs as pafs

from journey_helpers import KEY, REGION, SECRET, aws, keys, out

MB = 1024 * 1024


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("audit3", digits=12)


class Stream(io.RawIOBase):
    """A non-seekable reader, as a pipe or an HTTP body is."""

    def __init__(self, data):
        self.data, self.at = data, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self.data[self.at:self.at + len(buffer)]
        buffer[:len(chunk)] = chunk
        self.at += len(chunk)
        return len(chunk)


def payload(size):
    return (hashlib.sha256(b"seed").digest() * (size // 32 + 1))[:size]


def test_upload_fileobj_stream_then_threaded_download(s3, bucket):
    data = payload(30 * MB)
    config = TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB, max_concurrency=8)
    s3.upload_fileobj(Stream(data), bucket, "big.bin", Config=config,
                      ExtraArgs={"Metadata": {"origin": "pipe"}, "ContentType": "application/octet-stream"})
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == len(data) and head["ETag"].endswith('-6"')
    assert head["Metadata"] == {"origin": "pipe"}
    for threads in (1, 4, 10):
        sink = io.BytesIO()
        s3.download_fileobj(bucket, "big.bin", sink,
                            Config=TransferConfig(multipart_chunksize=3 * MB, max_concurrency=threads))
        assert sink.getvalue() == data


def test_managed_copy_is_a_multipart_copy(s3, bucket):
    data = payload(12 * MB)
    s3.put_object(Bucket=bucket, Key="src.bin", Body=data, Metadata={"team": "lake"}, ContentType="text/csv",
                  CacheControl="max-age=60")
    config = TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB, max_concurrency=4)
    s3.copy({"Bucket": bucket, "Key": "src.bin"}, bucket, "dst.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="dst.bin")
    assert head["ETag"].endswith('-3"')
    assert head["ContentLength"] == len(data)     # s3transfer carries no metadata into a multipart copy
    assert s3.get_object(Bucket=bucket, Key="dst.bin")["Body"].read() == data


def test_resource_copy_from_and_batch_delete(lakebox_server, bucket):
    resource = boto3.resource("s3", endpoint_url=lakebox_server.endpoint, region_name=REGION,
                              aws_access_key_id=KEY, aws_secret_access_key=SECRET)
    b = resource.Bucket(bucket)
    for i in range(5):
        b.put_object(Key=f"in/{i}.txt", Body=f"row {i}".encode())
    target = resource.Object(bucket, "out/0.txt")
    target.copy_from(CopySource={"Bucket": bucket, "Key": "in/0.txt"}, MetadataDirective="REPLACE",
                     Metadata={"k": "v"}, ContentType="text/plain")
    target.reload()
    assert (target.metadata, target.content_type, target.content_length) == ({"k": "v"}, "text/plain", 5)
    deleted = b.objects.filter(Prefix="in/").delete()
    assert sorted(d["Key"] for d in deleted[0]["Deleted"]) == [f"in/{i}.txt" for i in range(5)]
    assert [o.key for o in b.objects.all()] == ["out/0.txt"]


def test_cli_cp_with_a_kms_key(lakebox_server, s3, bucket, tmp_path):
    kms = lakebox_server.client("kms")
    key_id = kms.create_key(Description="audit3")["KeyMetadata"]["KeyId"]
    (tmp_path / "small.csv").write_text("a,b\n1,2\n")
    (tmp_path / "big.bin").write_bytes(payload(10 * MB))
    for name in ("small.csv", "big.bin"):
        aws(lakebox_server, "s3", "cp", str(tmp_path / name), f"s3://{bucket}/{name}", "--sse", "aws:kms",
            "--sse-kms-key-id", key_id)
        head = s3.head_object(Bucket=bucket, Key=name)
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"].endswith(f":key/{key_id}")
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/big.bin", str(tmp_path / "back.bin"))
    assert (tmp_path / "back.bin").read_bytes() == (tmp_path / "big.bin").read_bytes()
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/small.csv", f"s3://{bucket}/copy.csv")
    assert s3.get_object(Bucket=bucket, Key="copy.csv")["Body"].read() == b"a,b\n1,2\n"


@pytest.mark.local_only
def test_lifecycle_expiry_seen_through_the_cli(lakebox_server, s3, bucket, clock, tmp_path):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
    (tmp_path / "f").write_text("x")
    for key in ("tmp/a", "tmp/b", "keep/c"):
        aws(lakebox_server, "s3", "cp", str(tmp_path / "f"), f"s3://{bucket}/{key}")
    clock(2 * 86400)
    deadline = time.time() + 30
    while keys(s3, bucket, "tmp/") and time.time() < deadline:
        time.sleep(0.2)
    listing = out(aws(lakebox_server, "s3", "ls", f"s3://{bucket}", "--recursive"))
    assert "keep/c" in listing and "tmp/" not in listing


def test_s3fs_directory_trees(fs, bucket, tmp_path):
    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "top.txt").write_text("top")
    (tree / "a" / "mid.txt").write_text("mid")
    (tree / "a" / "b" / "deep.txt").write_text("deep")
    fs.put(str(tree), f"{bucket}/up", recursive=True)
    assert sorted(fs.find(f"{bucket}/up")) == [f"{bucket}/up/a/b/deep.txt", f"{bucket}/up/a/mid.txt",
                                               f"{bucket}/up/top.txt"]
    assert fs.info(f"{bucket}/up/a")["type"] == "directory"
    assert fs.isdir(f"{bucket}/up/a") and not fs.isfile(f"{bucket}/up/a")
    assert fs.du(f"{bucket}/up") == 10
    assert sorted(fs.glob(f"{bucket}/up/**/*.txt")) == sorted(fs.find(f"{bucket}/up"))
    fs.get(f"{bucket}/up", str(tmp_path / "down"), recursive=True)
    assert (tmp_path / "down" / "a" / "b" / "deep.txt").read_text() == "deep"
    fs.copy(f"{bucket}/up/a", f"{bucket}/moved", recursive=True)   # fs.mv refuses key-less "directories"
    fs.rm(f"{bucket}/up/a", recursive=True)
    assert sorted(fs.find(f"{bucket}/moved")) == [f"{bucket}/moved/b/deep.txt", f"{bucket}/moved/mid.txt"]
    assert not fs.exists(f"{bucket}/up/a/mid.txt") and not fs.exists(f"{bucket}/up/a")
    fs.rm(f"{bucket}/moved", recursive=True)
    assert fs.find(f"{bucket}/moved") == []
    assert fs.cat_file(f"{bucket}/up/top.txt", start=-2) == b"op"
    assert fs.cat_ranges([f"{bucket}/up/top.txt"] * 2, [0, 1], [1, 3]) == [b"t", b"op"]


def test_pyarrow_copy_move_and_delete_dir(pyfs, s3, bucket):
    with pyfs.open_output_stream(f"{bucket}/raw/x.json", metadata={"Content-Type": "application/json"}) as out_:
        out_.write(json.dumps({"a": 1}).encode())
    pyfs.copy_file(f"{bucket}/raw/x.json", f"{bucket}/raw/y.json")
    pyfs.move(f"{bucket}/raw/y.json", f"{bucket}/curated/y.json")
    assert s3.head_object(Bucket=bucket, Key="raw/x.json")["ContentType"] == "application/json"
    assert keys(s3, bucket) == ["curated/y.json", "raw/", "raw/x.json"]   # pyarrow marks the emptied parent
    with pyfs.open_input_file(f"{bucket}/curated/y.json") as f:
        assert f.read() == b'{"a": 1}'
    pyfs.create_dir(f"{bucket}/empty/dir")
    assert pyfs.get_file_info(f"{bucket}/empty/dir").type == pafs.FileType.Directory
    pyfs.delete_dir_contents(f"{bucket}/raw")
    assert keys(s3, bucket, "raw/") in ([], ["raw/"])
    pyfs.delete_dir(f"{bucket}/curated")
    assert keys(s3, bucket, "curated") == []
