"""Everyday journeys with the aws cli (`aws s3` and `aws s3api`) against S3."""
import hashlib
import json
import os
import urllib.request

import pytest

from journey_helpers import ODD_NAMES, aws, out, api, keys, old
from s3_helpers import MIB, create_bucket, remove_bucket


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("journey", digits=12)


def test_cli_mv_local_to_s3_and_s3_to_s3(lakebox_server, s3, bucket, tmp_path):
    source = tmp_path / "report.csv"
    source.write_text("a,b\n1,2\n")
    aws(lakebox_server, "s3", "mv", str(source), f"s3://{bucket}/inbox/report.csv")
    assert not source.exists()
    aws(lakebox_server, "s3", "mv", f"s3://{bucket}/inbox/report.csv", f"s3://{bucket}/done/report.csv")
    assert keys(s3, bucket) == ["done/report.csv"]
    assert s3.get_object(Bucket=bucket, Key="done/report.csv")["Body"].read() == b"a,b\n1,2\n"


def test_cli_mv_recursive_prefix(lakebox_server, s3, bucket):
    for name in ["a.txt", "sub/b.txt", "sub/deeper/c.txt"]:
        s3.put_object(Bucket=bucket, Key=f"staging/{name}", Body=name.encode())
    aws(lakebox_server, "s3", "mv", f"s3://{bucket}/staging/", f"s3://{bucket}/final/", "--recursive")
    assert keys(s3, bucket) == ["final/a.txt", "final/sub/b.txt", "final/sub/deeper/c.txt"]


def test_cli_sync_delete_removes_remote_extras(lakebox_server, s3, bucket, tmp_path):
    local = tmp_path / "out"
    for name in ["keep.txt", "gone.txt", "nested/keep2.txt"]:
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_text(name)
        old(local / name)
    aws(lakebox_server, "s3", "sync", str(local), f"s3://{bucket}/out")
    (local / "gone.txt").unlink()
    result = out(aws(lakebox_server, "s3", "sync", str(local), f"s3://{bucket}/out", "--delete"))
    assert "delete: s3://" in result and "gone.txt" in result
    assert keys(s3, bucket) == ["out/keep.txt", "out/nested/keep2.txt"]
    # and the other way: s3 -> local with --delete
    extra = tmp_path / "down"
    extra.mkdir()
    (extra / "stray.txt").write_text("stray")
    aws(lakebox_server, "s3", "sync", f"s3://{bucket}/out", str(extra), "--delete")
    assert sorted(str(p.relative_to(extra)) for p in extra.rglob("*") if p.is_file()) == \
        ["keep.txt", "nested/keep2.txt"]


def test_cli_sync_s3_to_s3(lakebox_server, s3, bucket):
    for name in ["x/1.json", "x/2.json", "x/sub/3.json"]:
        s3.put_object(Bucket=bucket, Key=name, Body=b"{}")
    aws(lakebox_server, "s3", "sync", f"s3://{bucket}/x", f"s3://{bucket}/y")
    assert keys(s3, bucket, "y/") == ["y/1.json", "y/2.json", "y/sub/3.json"]
    again = out(aws(lakebox_server, "s3", "sync", f"s3://{bucket}/x", f"s3://{bucket}/y"))
    assert again.strip() == ""          # nothing changed: nothing copied


def test_cli_cp_recursive_exclude_include(lakebox_server, s3, bucket, tmp_path):
    local = tmp_path / "logs"
    for name in ["app.log", "app.json", "old/app.log", "old/data.csv", "notes.txt"]:
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_text(name)
    aws(lakebox_server, "s3", "cp", str(local), f"s3://{bucket}/logs", "--recursive",
        "--exclude", "*", "--include", "*.log")
    assert keys(s3, bucket) == ["logs/app.log", "logs/old/app.log"]
    down = tmp_path / "down"
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/logs", str(down), "--recursive", "--exclude", "old/*")
    assert [p.name for p in down.rglob("*") if p.is_file()] == ["app.log"]


def test_cli_ls_recursive_human_readable_summarize(lakebox_server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a/one.bin", Body=b"x" * 2048)
    s3.put_object(Bucket=bucket, Key="a/b/two.bin", Body=b"y" * 1024)
    s3.put_object(Bucket=bucket, Key="three.bin", Body=b"z" * 10)
    listing = out(aws(lakebox_server, "s3", "ls", f"s3://{bucket}", "--recursive", "--human-readable",
                      "--summarize"))
    assert "Total Objects: 3" in listing
    assert "Total Size: 3.0 KiB" in listing
    assert "2.0 KiB a/one.bin" in listing
    assert "10 Bytes three.bin" in listing


def test_cli_ls_buckets_and_prefix_without_slash(lakebox_server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="data/2024/x.csv", Body=b"1")
    s3.put_object(Bucket=bucket, Key="data-old/y.csv", Body=b"2")
    everything = out(aws(lakebox_server, "s3", "ls"))
    assert bucket in everything
    partial = out(aws(lakebox_server, "s3", "ls", f"s3://{bucket}/data"))
    assert "PRE data/" in partial and "PRE data-old/" in partial


def test_cli_rb_force_with_many_objects(lakebox_server, s3):
    name = create_bucket(s3, "journey-rb", 12)
    for i in range(1005):          # over one page of list and one DeleteObjects batch
        s3.put_object(Bucket=name, Key=f"k/{i:05d}", Body=b"")
    done = aws(lakebox_server, "s3", "rb", f"s3://{name}", "--force", check=False)
    if done.returncode != 0:
        remove_bucket(s3, name)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_cli_presign_then_fetch(lakebox_server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="share/report 2024.txt", Body=b"shared content")
    url = out(aws(lakebox_server, "s3", "presign", f"s3://{bucket}/share/report 2024.txt",
                  "--expires-in", "300")).strip()
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.read() == b"shared content"


def test_cli_tagging(lakebox_server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="tagged.csv", Body=b"1")
    aws(lakebox_server, "s3api", "put-object-tagging", "--bucket", bucket, "--key", "tagged.csv",
        "--tagging", '{"TagSet": [{"Key": "team", "Value": "data"}, {"Key": "pii", "Value": "no"}]}')
    tags = api(lakebox_server, "get-object-tagging", "--bucket", bucket, "--key", "tagged.csv")
    assert sorted((t["Key"], t["Value"]) for t in tags["TagSet"]) == [("pii", "no"), ("team", "data")]
    aws(lakebox_server, "s3api", "delete-object-tagging", "--bucket", bucket, "--key", "tagged.csv")
    assert api(lakebox_server, "get-object-tagging", "--bucket", bucket, "--key", "tagged.csv")["TagSet"] == []


def test_cli_list_objects_v2_query(lakebox_server, s3, bucket):
    for i in range(5):
        s3.put_object(Bucket=bucket, Key=f"q/{i}.txt", Body=b"x" * (i * 100))
    listed = aws(lakebox_server, "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "q/",
                 "--query", "Contents[?Size > `150`].Key", "--output", "json")
    assert json.loads(out(listed)) == ["q/2.txt", "q/3.txt", "q/4.txt"]
    text = aws(lakebox_server, "s3api", "list-objects-v2", "--bucket", bucket, "--query",
               "length(Contents[])", "--output", "text")
    assert out(text).strip() == "5"
    paged = aws(lakebox_server, "s3api", "list-objects-v2", "--bucket", bucket, "--page-size", "2",
                "--query", "Contents[].Key", "--output", "json")
    assert json.loads(out(paged)) == [f"q/{i}.txt" for i in range(5)]


def test_cli_cp_stdin_and_stdout(lakebox_server, s3, bucket):
    data = b"line one\nline two\n" * 1000
    aws(lakebox_server, "s3", "cp", "-", f"s3://{bucket}/streamed.txt", input=data)
    assert s3.get_object(Bucket=bucket, Key="streamed.txt")["Body"].read() == data
    back = aws(lakebox_server, "s3", "cp", f"s3://{bucket}/streamed.txt", "-")
    assert back.stdout == data


def test_cli_cp_stdin_large_is_multipart(lakebox_server, s3, bucket):
    data = os.urandom(20 * MIB)
    aws(lakebox_server, "s3", "cp", "-", f"s3://{bucket}/big-stream.bin", input=data)
    head = s3.head_object(Bucket=bucket, Key="big-stream.bin")
    assert head["ContentLength"] == len(data)
    back = aws(lakebox_server, "s3", "cp", f"s3://{bucket}/big-stream.bin", "-")
    assert hashlib.sha256(back.stdout).hexdigest() == hashlib.sha256(data).hexdigest()


def test_cli_20mb_multipart_copy_and_metadata(lakebox_server, s3, bucket, tmp_path):
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(20 * MIB))
    aws(lakebox_server, "s3", "cp", str(source), f"s3://{bucket}/big.bin", "--content-type", "application/x-data",
        "--metadata", "origin=journey", "--storage-class", "STANDARD_IA")
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentType"] == "application/x-data"
    assert head["Metadata"] == {"origin": "journey"}
    assert head.get("StorageClass") == "STANDARD_IA"
    # s3 -> s3 copy of a multipart object: the cli uses UploadPartCopy above 8 MiB
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/big.bin", f"s3://{bucket}/copy/big.bin")
    copy = s3.head_object(Bucket=bucket, Key="copy/big.bin")
    assert copy["ContentLength"] == 20 * MIB
    # (aws cli v1 guesses the copy's content type from its name and drops metadata on multipart copies)
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/copy/big.bin", str(tmp_path / "back.bin"))
    assert hashlib.sha256((tmp_path / "back.bin").read_bytes()).digest() == \
        hashlib.sha256(source.read_bytes()).digest()


def test_cli_s3api_head_bucket_and_location(lakebox_server, bucket):
    api(lakebox_server, "head-bucket", "--bucket", bucket)
    location = api(lakebox_server, "get-bucket-location", "--bucket", bucket)
    assert location.get("LocationConstraint") in (None, "")


def test_cli_website_style_cp_with_cache_control(lakebox_server, s3, bucket, tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<h1>hi</h1>")
    aws(lakebox_server, "s3", "cp", str(page), f"s3://{bucket}/index.html", "--cache-control", "max-age=60",
        "--content-disposition", 'attachment; filename="index.html"')
    head = s3.head_object(Bucket=bucket, Key="index.html")
    assert head["ContentType"] == "text/html"
    assert head["CacheControl"] == "max-age=60"
    assert head["ContentDisposition"] == 'attachment; filename="index.html"'


def test_cli_sync_and_ls_odd_key_names(lakebox_server, s3, bucket, tmp_path):
    names = [n for n in ODD_NAMES if "\n" not in n and "\\" not in n and ".." not in n]
    local = tmp_path / "odd"
    for name in names:
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_text(name)
        old(local / name)
    aws(lakebox_server, "s3", "sync", str(local), f"s3://{bucket}/odd")
    assert keys(s3, bucket) == sorted(f"odd/{n}" for n in names)
    listing = out(aws(lakebox_server, "s3", "ls", f"s3://{bucket}/odd/", "--recursive"))
    for name in names:
        assert f"odd/{name}" in listing
    again = out(aws(lakebox_server, "s3", "sync", str(local), f"s3://{bucket}/odd"))
    assert again.strip() == ""
    down = tmp_path / "down"
    aws(lakebox_server, "s3", "sync", f"s3://{bucket}/odd", str(down))
    assert sorted(str(p.relative_to(down)) for p in down.rglob("*") if p.is_file()) == sorted(names)


def test_cli_presign_odd_key(lakebox_server, s3, bucket):
    for name in ["dir/with space+plus.txt", "unicodé/ümlaut=1.txt", "a%2Fb.txt"]:
        s3.put_object(Bucket=bucket, Key=name, Body=b"odd")
        url = out(aws(lakebox_server, "s3", "presign", f"s3://{bucket}/{name}")).strip()
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.read() == b"odd", name


def test_cli_s3api_everyday_calls(lakebox_server, s3, bucket, tmp_path):
    s3.put_object(Bucket=bucket, Key="r.bin", Body=bytes(range(100)))
    api(lakebox_server, "get-object", "--bucket", bucket, "--key", "r.bin", "--range", "bytes=10-19",
        str(tmp_path / "part"))
    assert (tmp_path / "part").read_bytes() == bytes(range(10, 20))
    api(lakebox_server, "copy-object", "--bucket", bucket, "--key", "r2.bin", "--copy-source", f"{bucket}/r.bin",
        "--metadata-directive", "REPLACE", "--content-type", "application/x-r", "--metadata", "k=v")
    head = s3.head_object(Bucket=bucket, Key="r2.bin")
    assert head["ContentType"] == "application/x-r" and head["Metadata"] == {"k": "v"}
    aws(lakebox_server, "s3", "cp", str(tmp_path / "part"), f"s3://{bucket}/sse.bin", "--sse", "AES256")
    assert s3.head_object(Bucket=bucket, Key="sse.bin")["ServerSideEncryption"] == "AES256"
    aws(lakebox_server, "s3", "cp", str(tmp_path / "part"), f"s3://{bucket}/acl.bin", "--acl", "bucket-owner-full-control")
    waited = aws(lakebox_server, "s3api", "wait", "object-exists", "--bucket", bucket, "--key", "acl.bin")
    assert waited.returncode == 0
    attrs = api(lakebox_server, "get-object-attributes", "--bucket", bucket, "--key", "r.bin",
                "--object-attributes", "ETag", "ObjectSize", "StorageClass")
    assert attrs["ObjectSize"] == 100


def test_cli_sync_size_only_and_exact_timestamps(lakebox_server, s3, bucket, tmp_path):
    local = tmp_path / "s"
    local.mkdir()
    (local / "a.txt").write_text("aaaa")
    old(local / "a.txt")
    aws(lakebox_server, "s3", "sync", str(local), f"s3://{bucket}/s")
    down = tmp_path / "d"
    aws(lakebox_server, "s3", "sync", f"s3://{bucket}/s", str(down))
    again = out(aws(lakebox_server, "s3", "sync", f"s3://{bucket}/s", str(down), "--exact-timestamps"))
    assert again.strip() == ""
    (local / "a.txt").write_text("bbbb")          # same size
    same = out(aws(lakebox_server, "s3", "sync", str(local), f"s3://{bucket}/s", "--size-only"))
    assert same.strip() == ""


def test_cli_cp_with_checksum_and_expected_size(lakebox_server, s3, bucket, tmp_path):
    source = tmp_path / "c.bin"
    source.write_bytes(os.urandom(9 * MIB))
    aws(lakebox_server, "s3", "cp", str(source), f"s3://{bucket}/c.bin", "--checksum-algorithm", "CRC32")
    head = s3.head_object(Bucket=bucket, Key="c.bin", ChecksumMode="ENABLED")
    assert head["ContentLength"] == 9 * MIB
    assert "ChecksumCRC32" in head
    data = os.urandom(6 * MIB)
    aws(lakebox_server, "s3", "cp", "-", f"s3://{bucket}/stdin.bin", "--expected-size", str(len(data)), input=data)
    assert s3.head_object(Bucket=bucket, Key="stdin.bin")["ContentLength"] == len(data)


def test_cli_odd_names_multipart_and_s3_to_s3(lakebox_server, s3, bucket, tmp_path):
    name = "raw data/ünï cødé+plus & <amp>.bin"
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(10 * MIB))
    aws(lakebox_server, "s3", "cp", str(source), f"s3://{bucket}/{name}")
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/{name}", f"s3://{bucket}/copy/{name}")   # UploadPartCopy
    aws(lakebox_server, "s3", "sync", f"s3://{bucket}/raw data/", f"s3://{bucket}/synced/")
    aws(lakebox_server, "s3", "mv", f"s3://{bucket}/synced/", f"s3://{bucket}/moved/", "--recursive")
    assert keys(s3, bucket) == sorted([name, f"copy/{name}", "moved/ünï cødé+plus & <amp>.bin"])
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/moved/ünï cødé+plus & <amp>.bin", str(tmp_path / "back"))
    assert (tmp_path / "back").read_bytes() == source.read_bytes()
    aws(lakebox_server, "s3", "rm", f"s3://{bucket}/", "--recursive")
    assert keys(s3, bucket) == []


def test_cli_glacier_objects_are_skipped_on_download(lakebox_server, s3, bucket, tmp_path):
    s3.put_object(Bucket=bucket, Key="cold/a.txt", Body=b"cold", StorageClass="GLACIER")
    s3.put_object(Bucket=bucket, Key="cold/b.txt", Body=b"warm")
    listing = s3.list_objects_v2(Bucket=bucket, Prefix="cold/")["Contents"]
    assert {o["Key"]: o["StorageClass"] for o in listing} == {"cold/a.txt": "GLACIER", "cold/b.txt": "STANDARD"}
    done = aws(lakebox_server, "s3", "cp", f"s3://{bucket}/cold/", str(tmp_path / "d"), "--recursive", check=False)
    assert b"GLACIER" in done.stderr
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["b.txt"]
    got = aws(lakebox_server, "s3api", "get-object", "--bucket", bucket, "--key", "cold/a.txt",
              str(tmp_path / "x"), check=False)
    assert got.returncode != 0 and b"InvalidObjectState" in got.stderr
    aws(lakebox_server, "s3api", "restore-object", "--bucket", bucket, "--key", "cold/a.txt",
        "--restore-request", '{"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}}')
    head = api(lakebox_server, "head-object", "--bucket", bucket, "--key", "cold/a.txt")
    assert "ongoing-request" in head.get("Restore", "")


def test_cli_versioned_bucket_journey(lakebox_server, s3, bucket):
    aws(lakebox_server, "s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration",
        "Status=Enabled")
    for body in [b"v1", b"v2", b"v3"]:
        s3.put_object(Bucket=bucket, Key="doc.txt", Body=body)
    aws(lakebox_server, "s3", "rm", f"s3://{bucket}/doc.txt")
    versions = api(lakebox_server, "list-object-versions", "--bucket", bucket, "--prefix", "doc")
    assert len(versions["Versions"]) == 3 and len(versions["DeleteMarkers"]) == 1
    ids = json.loads(out(aws(lakebox_server, "s3api", "list-object-versions", "--bucket", bucket, "--query",
                             "Versions[?IsLatest==`false`].VersionId", "--output", "json")))
    assert len(ids) == 3
    marker = versions["DeleteMarkers"][0]["VersionId"]
    api(lakebox_server, "delete-object", "--bucket", bucket, "--key", "doc.txt", "--version-id", marker)
    assert s3.get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"v3"
    ls = out(aws(lakebox_server, "s3", "ls", f"s3://{bucket}/"))
    assert "doc.txt" in ls


def test_cli_bucket_config_commands(lakebox_server, s3, bucket, tmp_path):
    # (a public policy would be refused: new buckets block public policies, as on AWS)
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                                                      "Principal": {"AWS": "arn:aws:iam::000000000000:root"},
                                                      "Action": "s3:GetObject",
                                                      "Resource": f"arn:aws:s3:::{bucket}/public/*"}]}
    aws(lakebox_server, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", json.dumps(policy))
    assert json.loads(api(lakebox_server, "get-bucket-policy", "--bucket", bucket)["Policy"]) == policy
    aws(lakebox_server, "s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging",
        "TagSet=[{Key=env,Value=dev}]")
    assert api(lakebox_server, "get-bucket-tagging", "--bucket", bucket)["TagSet"] == [{"Key": "env", "Value": "dev"}]
    aws(lakebox_server, "s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket,
        "--lifecycle-configuration", json.dumps({"Rules": [{"ID": "tmp", "Status": "Enabled",
                                                             "Filter": {"Prefix": "tmp/"},
                                                             "Expiration": {"Days": 7}}]}))
    rules = api(lakebox_server, "get-bucket-lifecycle-configuration", "--bucket", bucket)["Rules"]
    assert rules[0]["ID"] == "tmp" and rules[0]["Expiration"]["Days"] == 7
    aws(lakebox_server, "s3", "website", f"s3://{bucket}", "--index-document", "index.html",
        "--error-document", "error.html")
    assert api(lakebox_server, "get-bucket-website", "--bucket", bucket)["IndexDocument"]["Suffix"] == "index.html"
    aws(lakebox_server, "s3api", "put-public-access-block", "--bucket", bucket, "--public-access-block-configuration",
        "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false")
    aws(lakebox_server, "s3api", "put-bucket-encryption", "--bucket", bucket, "--server-side-encryption-configuration",
        '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}')
    enc = api(lakebox_server, "get-bucket-encryption", "--bucket", bucket)
    assert enc["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"][
        "SSEAlgorithm"] == "AES256"
    aws(lakebox_server, "s3api", "delete-bucket-policy", "--bucket", bucket)


def test_cli_expires_start_after_and_owner(lakebox_server, s3, bucket, tmp_path):
    (tmp_path / "f").write_text("x")
    aws(lakebox_server, "s3", "cp", str(tmp_path / "f"), f"s3://{bucket}/exp.txt", "--expires",
        "2030-01-01T00:00:00Z")
    head = s3.head_object(Bucket=bucket, Key="exp.txt")
    assert head["ExpiresString"] == "Tue, 01 Jan 2030 00:00:00 GMT"
    for i in range(5):
        s3.put_object(Bucket=bucket, Key=f"s/{i}", Body=b"")
    after = api(lakebox_server, "list-objects-v2", "--bucket", bucket, "--prefix", "s/", "--start-after", "s/2",
                "--fetch-owner")
    assert [o["Key"] for o in after["Contents"]] == ["s/3", "s/4"]
    assert "Owner" in after["Contents"][0]
