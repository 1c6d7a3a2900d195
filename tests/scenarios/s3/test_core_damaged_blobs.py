"""An object whose stored bytes were damaged while the server was stopped (its blob file
deleted or cut short: not a crash, which start-up finds) is never served torn: its GET
answers S3's 500 InternalError, the damage is logged once, and everything else works."""
import os

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only

BUCKET = "damaged"
INTERNAL_ERROR = ("InternalError", "We encountered an internal error. Please try again.")
# One attempt: boto3 retries a 500, and the test wants the answer, not the retries.
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def blob_files(data_dir) -> set:
    """The paths of every blob file under a data dir (the temp area aside)."""
    return {os.path.join(directory, name) for directory, _, names in os.walk(os.path.join(data_dir, "blobs"))
            if os.path.basename(directory) != "tmp" for name in names}


def stored_by(data_dir, write) -> str:
    """The blob file `write()` made (the one new file in the blob store)."""
    before = blob_files(data_dir)
    write()
    [made] = blob_files(data_dir) - before
    return made


def put_objects(s3, data_dir) -> tuple[dict, dict]:
    """({key: body}, {key: its blob file}) of a plain object, a multipart one and an
    SSE-S3 one, all big enough to be kept in blob files, and of an object left whole."""
    bodies = {"plain": os.urandom(100_000), "multipart": os.urandom((5 << 20) + 1000),
              "encrypted": os.urandom(100_001), "whole": os.urandom(100_002)}
    files = {}
    for key in ("plain", "whole"):
        files[key] = stored_by(data_dir, lambda: s3.put_object(Bucket=BUCKET, Key=key, Body=bodies[key]))
    files["encrypted"] = stored_by(data_dir, lambda: s3.put_object(
        Bucket=BUCKET, Key="encrypted", Body=bodies["encrypted"], ServerSideEncryption="AES256"))
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key="multipart")["UploadId"]
    halves = [bodies["multipart"][:5 << 20], bodies["multipart"][5 << 20:]]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=BUCKET, Key="multipart", UploadId=upload,
                                                      PartNumber=n, Body=half)["ETag"]}
             for n, half in enumerate(halves, start=1)]
    files["multipart"] = stored_by(data_dir, lambda: s3.complete_multipart_upload(
        Bucket=BUCKET, Key="multipart", UploadId=upload, MultipartUpload={"Parts": parts}))
    return bodies, files


def error_of(call) -> tuple:
    with pytest.raises(ClientError) as failed:
        call()
    answer = failed.value.response
    return answer["Error"]["Code"], answer["Error"]["Message"], answer["ResponseMetadata"]["HTTPStatusCode"]


def test_damaged_blobs_answer_internal_error_and_the_rest_keeps_working(tmp_path, caplog):
    data_dir = str(tmp_path / "data")
    server = LakeboxServer(data_dir=data_dir).start()
    try:
        s3 = server.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        bodies, files = put_objects(s3, data_dir)
        small = os.urandom(1000)            # kept in its row: no file to damage
        s3.put_object(Bucket=BUCKET, Key="small", Body=small)
    finally:
        server.stop()                       # a clean stop: nothing is in the crash window

    os.truncate(files["plain"], 1000)
    os.unlink(files["multipart"])
    os.truncate(files["encrypted"], 50_000)
    # Restarted in this process, so that what it logs can be read.
    server = LakeboxServer(data_dir=data_dir, mode="thread")
    try:
        with caplog.at_level("ERROR", logger="lakebox.s3"):
            server.start()
            s3 = server.client("s3", config=NO_RETRIES)
            damaged = ("plain", "multipart", "encrypted")
            for key in damaged:
                for _ in range(2):
                    assert error_of(lambda: s3.get_object(Bucket=BUCKET, Key=key)) == (*INTERNAL_ERROR, 500)
            assert error_of(lambda: s3.get_object(Bucket=BUCKET, Key="plain", Range="bytes=0-99")) == \
                (*INTERNAL_ERROR, 500)
            assert error_of(lambda: s3.get_object(Bucket=BUCKET, Key="multipart", PartNumber=2)) == \
                (*INTERNAL_ERROR, 500)
            assert error_of(lambda: s3.copy_object(Bucket=BUCKET, Key="copy",
                                                   CopySource={"Bucket": BUCKET, "Key": "plain"})) == \
                (*INTERNAL_ERROR, 500)
        reports = sorted(r.getMessage() for r in caplog.records if "changed outside lakebox" in r.getMessage())
        assert [report.split(" ")[0] for report in reports] == [
            "s3://damaged/encrypted", "s3://damaged/multipart", "s3://damaged/plain"]
        assert "its bytes are 50000 of 100001 bytes" in reports[0]
        assert "its bytes are missing" in reports[1]
        assert "its bytes are 1000 of 100000 bytes" in reports[2]

        for key in damaged:
            assert s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"] == len(bodies[key])
        listed = {o["Key"]: o["Size"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
        assert listed == {**{key: len(body) for key, body in bodies.items()}, "small": len(small)}
        assert s3.get_object(Bucket=BUCKET, Key="whole")["Body"].read() == bodies["whole"]
        assert s3.get_object(Bucket=BUCKET, Key="small")["Body"].read() == small

        s3.delete_object(Bucket=BUCKET, Key="plain")
        assert error_of(lambda: s3.get_object(Bucket=BUCKET, Key="plain"))[0] == "NoSuchKey"
        s3.put_object(Bucket=BUCKET, Key="encrypted", Body=b"written again", ServerSideEncryption="AES256")
        assert s3.get_object(Bucket=BUCKET, Key="encrypted")["Body"].read() == b"written again"
        assert server.health()["status"] == "ok"
    finally:
        server.stop()
