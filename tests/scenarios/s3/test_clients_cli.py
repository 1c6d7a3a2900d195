"""S3 with the aws cli, run as a user runs it: `aws s3 ...` and `aws s3api ...`."""
import hashlib
import json
import os
import time
import uuid

import pytest

from aws_cli import run_cli


def aws(lakebox_server, *args, check=True):
    done = run_cli(lakebox_server, *args, output=None, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def api(lakebox_server, *args):
    return json.loads(aws(lakebox_server, "s3api", *args, "--output", "json").stdout or "{}")


@pytest.fixture
def bucket(lakebox_server):
    name = f"cli-{uuid.uuid4().hex[:12]}"
    aws(lakebox_server, "s3", "mb", f"s3://{name}")
    yield name
    aws(lakebox_server, "s3", "rb", f"s3://{name}", "--force")


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_cp_large_file_is_multipart_and_comes_back_whole(lakebox_server, bucket, tmp_path):
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(20 * 1024 * 1024))         # over the cli's 8 MiB threshold
    aws(lakebox_server, "s3", "cp", str(source), f"s3://{bucket}/data/big.bin")
    head = api(lakebox_server, "head-object", "--bucket", bucket, "--key", "data/big.bin")
    assert head["ContentLength"] == 20 * 1024 * 1024
    assert head["ETag"].endswith('-3"')
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/data/big.bin", str(tmp_path / "back.bin"))
    assert sha256(tmp_path / "back.bin") == sha256(source)


def test_sync_ls_and_rm_recursive(lakebox_server, bucket, tmp_path):
    local = tmp_path / "site"
    for name in ["index.html", "css/site.css", "img/a/logo.png", "img/b/icon.png"]:
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_bytes(name.encode() * 100)
        # S3 keeps whole seconds; a file written in the upload's own second would look newer.
        os.utime(local / name, (time.time() - 60, time.time() - 60))
    aws(lakebox_server, "s3", "sync", str(local), f"s3://{bucket}/site")
    listing = aws(lakebox_server, "s3", "ls", f"s3://{bucket}/site/", "--recursive").stdout
    assert sorted(line.split()[-1] for line in listing.splitlines()) == [
        "site/css/site.css", "site/img/a/logo.png", "site/img/b/icon.png", "site/index.html"]
    top = aws(lakebox_server, "s3", "ls", f"s3://{bucket}/site/").stdout
    assert "PRE css/" in top and "PRE img/" in top and "index.html" in top

    (local / "index.html").write_bytes(b"changed and longer than before")
    second = aws(lakebox_server, "s3", "sync", str(local), f"s3://{bucket}/site").stdout
    assert "index.html" in second and "logo.png" not in second      # only what changed

    aws(lakebox_server, "s3", "rm", f"s3://{bucket}/site/img", "--recursive")
    left = api(lakebox_server, "list-objects-v2", "--bucket", bucket)
    assert sorted(item["Key"] for item in left["Contents"]) == ["site/css/site.css", "site/index.html"]


def test_s3api_objects(lakebox_server, bucket, tmp_path):
    body = tmp_path / "row.json"
    body.write_text('{"id": 1}')
    put = api(lakebox_server, "put-object", "--bucket", bucket, "--key", "rows/1.json", "--body", str(body),
              "--content-type", "application/json", "--checksum-algorithm", "SHA256")
    assert put["ChecksumSHA256"]
    api(lakebox_server, "get-object", "--bucket", bucket, "--key", "rows/1.json", str(tmp_path / "out.json"))
    assert (tmp_path / "out.json").read_text() == '{"id": 1}'
    head = api(lakebox_server, "head-object", "--bucket", bucket, "--key", "rows/1.json", "--checksum-mode", "ENABLED")
    assert head["ContentType"] == "application/json"
    assert head["ChecksumSHA256"] == put["ChecksumSHA256"]
    listed = api(lakebox_server, "list-objects-v2", "--bucket", bucket, "--prefix", "rows/")
    assert [item["Key"] for item in listed["Contents"]] == ["rows/1.json"]
    api(lakebox_server, "delete-object", "--bucket", bucket, "--key", "rows/1.json")
    missing = aws(lakebox_server, "s3api", "head-object", "--bucket", bucket, "--key", "rows/1.json", check=False)
    assert missing.returncode != 0 and "404" in missing.stderr


def test_no_sign_request_is_anonymous(lakebox_server, bucket, tmp_path):
    """`--no-sign-request` sends unsigned requests: a private bucket refuses them."""
    source = tmp_path / "private.txt"
    source.write_text("private")
    aws(lakebox_server, "s3", "cp", str(source), f"s3://{bucket}/private.txt")
    denied = aws(lakebox_server, "s3", "cp", f"s3://{bucket}/private.txt", str(tmp_path / "back.txt"),
                 "--no-sign-request", check=False)
    assert denied.returncode != 0 and "403" in denied.stderr
    denied = aws(lakebox_server, "s3", "cp", str(source), f"s3://{bucket}/dropped.txt", "--no-sign-request",
                 check=False)
    assert denied.returncode != 0 and "AccessDenied" in denied.stderr
    assert [o["Key"] for o in api(lakebox_server, "list-objects-v2", "--bucket", bucket)["Contents"]] == ["private.txt"]
