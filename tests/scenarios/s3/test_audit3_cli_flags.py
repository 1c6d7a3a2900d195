"""Audit of issue 3: aws cli flags no other scenario uses — s3-to-s3 copies (single and
multipart), `--request-payer`, `--grants`,
`--website-redirect`, `--content-encoding`, `--no-guess-mime-type`, `--dryrun`."""
import pytest

from journey_helpers import aws, keys, out
from s3_helpers import admit_customer_keys

MB = 1024 * 1024


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("audit3-cli", digits=12)


@pytest.fixture
def tagged_sources(s3, bucket):
    """A 1 KB and a 10 MB object (the cli copies the latter part by part), each with
    metadata, headers and two tags."""
    for key, size in (("src/small.csv", 1024), ("src/big.csv", 10 * MB)):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * size, ContentType="text/csv", CacheControl="no-cache",
                      ContentLanguage="de", Metadata={"team": "lake"}, Tagging="env=prod&owner=data")
    return ["src/small.csv", "src/big.csv"]


def test_cli_s3_to_s3_copies_keep_the_object(lakebox_server, s3, bucket, tagged_sources):
    for source in tagged_sources:
        target = source.replace("src/", "copy/")
        aws(lakebox_server, "s3", "cp", f"s3://{bucket}/{source}", f"s3://{bucket}/{target}")
        assert s3.get_object(Bucket=bucket, Key=target)["Body"].read() == \
            s3.get_object(Bucket=bucket, Key=source)["Body"].read()
    # a single CopyObject (metadata directive COPY) carries headers, metadata and tags along
    head = s3.head_object(Bucket=bucket, Key="copy/small.csv")
    assert (head["ContentType"], head["CacheControl"], head["ContentLanguage"], head["Metadata"]) == (
        "text/csv", "no-cache", "de", {"team": "lake"})
    tags = s3.get_object_tagging(Bucket=bucket, Key="copy/small.csv")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "prod"), ("owner", "data")]
    assert s3.head_object(Bucket=bucket, Key="copy/big.csv")["ETag"].endswith('-2"')


def test_cli_upload_headers_and_flags(lakebox_server, s3, bucket, tmp_path):
    (tmp_path / "page.html").write_text("<p>hi</p>")
    (tmp_path / "data.json.gz").write_bytes(b"\x1f\x8b fake")
    aws(lakebox_server, "s3", "cp", str(tmp_path / "page.html"), f"s3://{bucket}/page.html",
        "--website-redirect", "/other.html", "--request-payer", "requester")
    aws(lakebox_server, "s3", "cp", str(tmp_path / "data.json.gz"), f"s3://{bucket}/data.json.gz",
        "--content-encoding", "gzip", "--no-guess-mime-type")
    page = s3.head_object(Bucket=bucket, Key="page.html")
    assert (page["ContentType"], page["WebsiteRedirectLocation"]) == ("text/html", "/other.html")
    data = s3.head_object(Bucket=bucket, Key="data.json.gz")
    assert (data["ContentEncoding"], data["ContentType"]) == ("gzip", "binary/octet-stream")
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/page.html", str(tmp_path / "back.html"),
        "--request-payer", "requester")
    assert (tmp_path / "back.html").read_text() == "<p>hi</p>"


def test_cli_grants_and_dryrun(lakebox_server, s3, bucket, tmp_path):
    (tmp_path / "f.txt").write_text("granted")
    owner = s3.list_buckets()["Owner"]["ID"]
    # Grants beyond the owner's full control need ACLs enabled (with them disabled S3 refuses
    # a GrantRead even to the owner: stackd testdata/aws/s3/ownership_replay.json).
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    aws(lakebox_server, "s3", "cp", str(tmp_path / "f.txt"), f"s3://{bucket}/f.txt", "--grants",
        f"read=id={owner}", "full=id=" + owner)
    grants = s3.get_object_acl(Bucket=bucket, Key="f.txt")["Grants"]
    assert {g["Permission"] for g in grants} >= {"READ", "FULL_CONTROL"}
    dry = out(aws(lakebox_server, "s3", "rm", f"s3://{bucket}/f.txt", "--dryrun"))
    assert dry.startswith("(dryrun) delete:")
    aws(lakebox_server, "s3", "cp", str(tmp_path / "f.txt"), f"s3://{bucket}/g.txt", "--dryrun")
    assert keys(s3, bucket) == ["f.txt"]
    quiet = aws(lakebox_server, "s3", "cp", str(tmp_path / "f.txt"), f"s3://{bucket}/h.txt", "--only-show-errors")
    assert out(quiet) == "" and keys(s3, bucket) == ["f.txt", "h.txt"]


def test_cli_sse_c_round_trip_and_copy(lakebox_server, s3, bucket, tmp_path):
    key = "k" * 32
    other = "o" * 32
    admit_customer_keys(s3, bucket)
    (tmp_path / "secret.bin").write_bytes(b"s" * (9 * MB))      # large enough for a multipart upload
    aws(lakebox_server, "s3", "cp", str(tmp_path / "secret.bin"), f"s3://{bucket}/secret.bin",
        "--sse-c", "AES256", "--sse-c-key", key)
    denied = aws(lakebox_server, "s3", "cp", f"s3://{bucket}/secret.bin", str(tmp_path / "no.bin"), check=False)
    assert denied.returncode != 0 and b"400" in denied.stderr
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/secret.bin", str(tmp_path / "back.bin"),
        "--sse-c", "AES256", "--sse-c-key", key)
    assert (tmp_path / "back.bin").read_bytes() == (tmp_path / "secret.bin").read_bytes()
    aws(lakebox_server, "s3", "cp", f"s3://{bucket}/secret.bin", f"s3://{bucket}/rekeyed.bin",
        "--sse-c-copy-source", "AES256", "--sse-c-copy-source-key", key, "--sse-c", "AES256", "--sse-c-key", other)
    head = s3.head_object(Bucket=bucket, Key="rekeyed.bin", SSECustomerAlgorithm="AES256", SSECustomerKey=other)
    assert (head["ContentLength"], head["SSECustomerAlgorithm"]) == (9 * MB, "AES256")
