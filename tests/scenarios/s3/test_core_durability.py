"""Durability: what S3 acknowledged survives `kill -9`; overwrites are atomic."""
import hashlib
import os
import threading

import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


@pytest.fixture
def server(tmp_path):
    with LakeboxServer(data_dir=str(tmp_path / "data")) as running:
        yield running


def test_acknowledged_writes_survive_kill_9(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="durable")
    s3.put_bucket_versioning(Bucket="durable", VersioningConfiguration={"Status": "Enabled"})
    bodies = {f"k{i}": os.urandom(1000 + i) for i in range(50)}
    for key, body in bodies.items():
        s3.put_object(Bucket="durable", Key=key, Body=body)
    first = s3.put_object(Bucket="durable", Key="k0", Body=b"newer")["VersionId"]
    s3.delete_object(Bucket="durable", Key="k1")
    upload = s3.create_multipart_upload(Bucket="durable", Key="mpu")["UploadId"]
    part = s3.upload_part(Bucket="durable", Key="mpu", UploadId=upload, PartNumber=1, Body=b"part")["ETag"]
    server.kill()
    server.start()
    s3 = server.client("s3")
    assert s3.get_object(Bucket="durable", Key="k0")["Body"].read() == b"newer"
    assert s3.get_object(Bucket="durable", Key="k0")["VersionId"] == first
    for key, body in list(bodies.items())[2:]:
        assert s3.get_object(Bucket="durable", Key=key)["Body"].read() == body
    assert "k1" not in [o["Key"] for o in s3.list_objects_v2(Bucket="durable")["Contents"]]
    assert [p["ETag"] for p in s3.list_parts(Bucket="durable", Key="mpu", UploadId=upload)["Parts"]] == [part]


def test_readers_see_the_old_object_or_the_new_one(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="atomic")
    versions = [bytes([i]) * (256 * 1024) for i in range(8)]
    digests = {hashlib.md5(v).hexdigest() for v in versions}
    s3.put_object(Bucket="atomic", Key="k", Body=versions[0])
    torn = []

    def read_many():
        reader = server.client("s3")
        for _ in range(40):
            data = reader.get_object(Bucket="atomic", Key="k")["Body"].read()
            if hashlib.md5(data).hexdigest() not in digests:
                torn.append(len(data))

    readers = [threading.Thread(target=read_many) for _ in range(3)]
    for thread in readers:
        thread.start()
    for body in versions[1:] * 5:
        s3.put_object(Bucket="atomic", Key="k", Body=body)
    for thread in readers:
        thread.join()
    assert torn == []
