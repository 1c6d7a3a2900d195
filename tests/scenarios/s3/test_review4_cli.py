"""The aws cli as users type it: cp --recursive with --exclude/--include, sync --delete,
mv, mb/rb --force, s3api head-object and the errors the cli prints."""
import json
import os
import time
import uuid

import pytest
import requests

from aws_cli import run_cli


def aws(lakebox_server, *args, check=True):
    done = run_cli(lakebox_server, *args, output=None, max_attempts=1, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def api(lakebox_server, *args):
    return json.loads(aws(lakebox_server, "s3api", *args, "--output", "json").stdout or "{}")


def keys(lakebox_server, bucket, prefix=""):
    listing = api(lakebox_server, "list-objects-v2", "--bucket", bucket, "--prefix", prefix)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def old_files(root, names):
    """Files written a minute ago: sync compares whole seconds, so a fresh file could look newer."""
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode() * 10)
        os.utime(path, (time.time() - 60, time.time() - 60))


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("rv4-cli")


def test_cp_recursive_with_exclude_and_include(lakebox_server, bucket, tmp_path):
    old_files(tmp_path, ["a.csv", "b.json", "sub/c.csv", "sub/d.txt", "sub/deeper/e.csv"])
    aws(lakebox_server, "s3", "cp", str(tmp_path), f"s3://{bucket}/in/", "--recursive",
        "--exclude", "*", "--include", "*.csv")
    assert keys(lakebox_server, bucket) == ["in/a.csv", "in/sub/c.csv", "in/sub/deeper/e.csv"]
    back = tmp_path / "back"
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/in/sub/", str(back), "--recursive", "--exclude", "deeper/*")
    assert sorted(p.relative_to(back).as_posix() for p in back.rglob("*") if p.is_file()) == ["c.csv"]
    assert (back / "c.csv").read_bytes() == b"sub/c.csv" * 10


def test_sync_delete_removes_what_is_gone_locally(lakebox_server, bucket, tmp_path):
    site = tmp_path / "site"
    old_files(site, ["index.html", "old.html", "css/a.css"])
    aws(lakebox_server, "s3", "sync", str(site), f"s3://{bucket}/site")
    (site / "old.html").unlink()
    old_files(site, ["new.html"])
    done = aws(lakebox_server, "s3", "sync", str(site), f"s3://{bucket}/site", "--delete")
    assert f"delete: s3://{bucket}/site/old.html" in done.stdout
    assert keys(lakebox_server, bucket) == ["site/css/a.css", "site/index.html", "site/new.html"]
    again = aws(lakebox_server, "s3", "sync", str(site), f"s3://{bucket}/site", "--delete")
    assert again.stdout.strip() == ""                       # nothing changed: nothing copied
    down = tmp_path / "down"
    aws(lakebox_server, "s3", "sync", f"s3://{bucket}/site", str(down))
    assert (down / "css" / "a.css").read_bytes() == b"css/a.css" * 10


def test_mv_and_rm(lakebox_server, bucket, tmp_path):
    old_files(tmp_path, ["f.txt"])
    aws(lakebox_server, "s3", "cp", str(tmp_path / "f.txt"), f"s3://{bucket}/a/f.txt")
    aws(lakebox_server, "s3", "mv", f"s3://{bucket}/a/f.txt", f"s3://{bucket}/b/f.txt")
    assert keys(lakebox_server, bucket) == ["b/f.txt"]
    aws(lakebox_server, "s3", "rm", f"s3://{bucket}/b/f.txt")
    assert keys(lakebox_server, bucket) == []


def test_cp_from_stdin_and_to_stdout(lakebox_server, bucket):
    done = run_cli(lakebox_server, "s3", "cp", "-", f"s3://{bucket}/piped.txt", output=None,
                   input="piped text\n", timeout=60)
    assert done.returncode == 0, done.stderr
    assert aws(lakebox_server, "s3", "cp", f"s3://{bucket}/piped.txt", "-").stdout == "piped text\n"


def test_head_object_and_metadata(lakebox_server, bucket, tmp_path):
    old_files(tmp_path, ["report.csv"])
    aws(lakebox_server, "s3", "cp", str(tmp_path / "report.csv"), f"s3://{bucket}/report.csv",
        "--metadata", "team=data", "--content-type", "text/csv", "--cache-control", "max-age=5")
    head = api(lakebox_server, "head-object", "--bucket", bucket, "--key", "report.csv")
    assert head["ContentType"] == "text/csv" and head["Metadata"] == {"team": "data"}
    assert head["CacheControl"] == "max-age=5" and head["ContentLength"] == len(b"report.csv" * 10)
    missing = aws(lakebox_server, "s3api", "head-object", "--bucket", bucket, "--key", "nope", check=False)
    assert missing.returncode != 0
    assert "An error occurred (404) when calling the HeadObject operation: Not Found" in missing.stderr


def test_errors_the_cli_prints(lakebox_server, bucket):
    missing = f"rv4-none-{uuid.uuid4().hex[:12]}"
    done = aws(lakebox_server, "s3", "ls", f"s3://{missing}", check=False)
    assert done.returncode != 0
    assert ("An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: "
            "The specified bucket does not exist") in done.stderr
    done = aws(lakebox_server, "s3api", "get-object", "--bucket", bucket, "--key", "nope", "/dev/null", check=False)
    assert "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist." \
        in done.stderr
    done = aws(lakebox_server, "s3", "cp", f"s3://{bucket}/nope", "-", check=False)
    assert done.returncode == 1
    assert f"download failed: s3://{bucket}/nope to - An error occurred (404) when calling the HeadObject " \
        "operation: Not Found" in done.stderr


def test_mb_twice_and_rb_of_a_full_bucket(lakebox_server, tmp_path):
    name = f"rv4-rb-{uuid.uuid4().hex[:12]}"
    assert aws(lakebox_server, "s3", "mb", f"s3://{name}").stdout.strip() == f"make_bucket: {name}"
    assert aws(lakebox_server, "s3", "mb", f"s3://{name}").returncode == 0        # us-east-1: 200 again
    old_files(tmp_path, ["x/1", "x/2"])
    aws(lakebox_server, "s3", "cp", str(tmp_path / "x"), f"s3://{name}/x", "--recursive")
    refused = aws(lakebox_server, "s3", "rb", f"s3://{name}", check=False)
    assert refused.returncode == 1
    assert "BucketNotEmpty" in refused.stderr and "The bucket you tried to delete is not empty" in refused.stderr
    assert aws(lakebox_server, "s3", "rb", f"s3://{name}", "--force").returncode == 0
    gone = aws(lakebox_server, "s3api", "head-bucket", "--bucket", name, check=False)
    assert gone.returncode != 0 and "(404)" in gone.stderr


def test_presign_then_download_with_requests(lakebox_server, bucket, tmp_path):
    old_files(tmp_path, ["share.txt"])
    aws(lakebox_server, "s3", "cp", str(tmp_path / "share.txt"), f"s3://{bucket}/share.txt")
    url = aws(lakebox_server, "s3", "presign", f"s3://{bucket}/share.txt", "--expires-in", "300").stdout.strip()
    answer = requests.get(url, timeout=30)
    assert (answer.status_code, answer.content) == (200, b"share.txt" * 10)


def test_bucket_to_bucket_recursive_copy_and_ls_summary(lakebox_server, bucket, make_bucket, tmp_path):
    old_files(tmp_path, ["p/1.txt", "p/2.txt", "p/q/3.txt"])
    aws(lakebox_server, "s3", "cp", str(tmp_path / "p"), f"s3://{bucket}/p", "--recursive", "--sse", "aws:kms")
    other = make_bucket("rv4-cli-to")
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/p/", f"s3://{other}/copied/", "--recursive")
    assert keys(lakebox_server, other) == ["copied/1.txt", "copied/2.txt", "copied/q/3.txt"]
    head = api(lakebox_server, "head-object", "--bucket", bucket, "--key", "p/1.txt")
    assert head["ServerSideEncryption"] == "aws:kms"
    summary = aws(lakebox_server, "s3", "ls", f"s3://{other}", "--recursive", "--summarize").stdout
    assert "Total Objects: 3" in summary and "Total Size: 230" in summary
    listing = aws(lakebox_server, "s3", "ls").stdout
    assert f" {bucket}\n" in listing and f" {other}\n" in listing


def test_s3api_pagination_with_max_items_and_query(lakebox_server, bucket):
    for n in range(5):
        api(lakebox_server, "put-object", "--bucket", bucket, "--key", f"k{n}", "--body", __file__)
    first = api(lakebox_server, "list-objects-v2", "--bucket", bucket, "--max-items", "2", "--page-size", "1")
    assert [o["Key"] for o in first["Contents"]] == ["k0", "k1"]
    rest = api(lakebox_server, "list-objects-v2", "--bucket", bucket, "--starting-token", first["NextToken"])
    assert [o["Key"] for o in rest["Contents"]] == ["k2", "k3", "k4"]
    names = aws(lakebox_server, "s3api", "list-objects-v2", "--bucket", bucket, "--query", "Contents[].Key",
                "--output", "text").stdout.split()
    assert names == ["k0", "k1", "k2", "k3", "k4"]


def test_sync_of_names_with_spaces_unicode_and_plus_is_idempotent(lakebox_server, bucket, tmp_path):
    names = ["a b.txt", "naïve/ü.txt", "c+d.txt", "e%20f.txt", "日本/データ.csv"]
    old_files(tmp_path / "src", names)
    aws(lakebox_server, "s3", "sync", str(tmp_path / "src"), f"s3://{bucket}/u")
    assert keys(lakebox_server, bucket) == sorted(f"u/{n}" for n in names)
    again = aws(lakebox_server, "s3", "sync", str(tmp_path / "src"), f"s3://{bucket}/u")
    assert again.stdout.strip() == ""
    down = tmp_path / "down"
    aws(lakebox_server, "s3", "sync", f"s3://{bucket}/u", str(down))
    assert sorted(p.relative_to(down).as_posix() for p in down.rglob("*") if p.is_file()) == sorted(names)
    listing = aws(lakebox_server, "s3", "ls", f"s3://{bucket}/u/").stdout
    assert "PRE naïve/" in listing and "PRE 日本/" in listing and "a b.txt" in listing
