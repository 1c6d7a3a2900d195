"""A release engineer's shell script publishes build artifacts with the aws cli exactly
as it runs against AWS: `s3api wait bucket-exists` after making the bucket, `wait
object-exists` after each upload and `wait object-not-exists` after a delete, then
walks the artifacts' versions and the uploads left unfinished a few at a time with
--max-items/--page-size, resuming from the printed NextToken with --starting-token,
as JSON and as text with --query; at the end `wait bucket-not-exists` once the bucket
is gone. boto3's object waiters give up on a HEAD the precondition refuses (412), and
the paginators of the same listings agree with the cli item for item."""
import json
import uuid

import pytest
from botocore.exceptions import WaiterError

from trip_helpers import aws

QUICK = {"Delay": 1, "MaxAttempts": 3}


def _cli(lakebox_server, *args, output="json"):
    done = aws(lakebox_server, "s3api", *args, output=output)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_release_script_waits_and_pages(lakebox_server, client, tmp_path):
    s3 = client("s3")
    bucket = f"releases-{uuid.uuid4().hex[:10]}"
    _cli(lakebox_server, "create-bucket", "--bucket", bucket)
    assert _cli(lakebox_server, "wait", "bucket-exists", "--bucket", bucket) == ""
    _cli(lakebox_server, "put-bucket-versioning", "--bucket", bucket,
         "--versioning-configuration", "Status=Enabled")
    try:
        versions = {}
        for build in (1, 2, 3):
            for name in ("app.tar.gz", "checksums.txt"):
                body = tmp_path / name
                body.write_bytes(f"{name} build {build}\n".encode())
                put = json.loads(_cli(lakebox_server, "put-object", "--bucket", bucket,
                                      "--key", f"v1/{name}", "--body", str(body)))
                versions.setdefault(f"v1/{name}", []).append(put["VersionId"])
        for key, made in versions.items():
            assert _cli(lakebox_server, "wait", "object-exists", "--bucket", bucket, "--key", key,
                        "--version-id", made[-1]) == ""
        _cli(lakebox_server, "delete-object", "--bucket", bucket, "--key", "v1/checksums.txt")
        assert _cli(lakebox_server, "wait", "object-not-exists", "--bucket", bucket,
                    "--key", "v1/checksums.txt") == ""

        newest_first = [(key, vid) for key in sorted(versions) for vid in versions[key][::-1]]
        first = json.loads(_cli(lakebox_server, "list-object-versions", "--bucket", bucket, "--max-items", "4",
                                "--page-size", "3", "--query",
                                "{v: Versions[].[Key, VersionId, IsLatest], next: NextToken}"))
        assert [tuple(v[:2]) for v in first["v"]] == newest_first[:4]
        assert [v[2] for v in first["v"]] == [True, False, False, False]
        rest = json.loads(_cli(lakebox_server, "list-object-versions", "--bucket", bucket,
                               "--starting-token", first["next"], "--page-size", "3"))
        assert [(v["Key"], v["VersionId"]) for v in rest["Versions"]] == newest_first[4:]
        assert [v["IsLatest"] for v in rest["Versions"]] == [False, False]
        assert "NextToken" not in rest
        [marker] = json.loads(_cli(lakebox_server, "list-object-versions", "--bucket", bucket, "--page-size", "1",
                                   "--query", "DeleteMarkers[].[Key, IsLatest]"))
        assert marker == ["v1/checksums.txt", True]

        texted = _cli(lakebox_server, "list-object-versions", "--bucket", bucket, "--page-size", "2",
                      "--query", "Versions[?IsLatest].[Key, Size]", output="text")
        assert texted.split() == ["v1/app.tar.gz", "19"]

        boto_pages = s3.get_paginator("list_object_versions").paginate(
            Bucket=bucket, PaginationConfig={"PageSize": 2})
        assert [(v["Key"], v["VersionId"]) for v in boto_pages.search("Versions[]")] == newest_first

        uploads = [s3.create_multipart_upload(Bucket=bucket, Key=f"v2/part-{n}.bin")["UploadId"] for n in range(3)]
        try:
            cut = json.loads(_cli(lakebox_server, "list-multipart-uploads", "--bucket", bucket, "--max-items", "2",
                                  "--page-size", "1", "--query", "{u: Uploads[].[Key, UploadId], next: NextToken}"))
            assert cut["u"] == [["v2/part-0.bin", uploads[0]], ["v2/part-1.bin", uploads[1]]]
            tail = json.loads(_cli(lakebox_server, "list-multipart-uploads", "--bucket", bucket,
                                   "--starting-token", cut["next"], "--page-size", "1"))
            assert [(u["Key"], u["UploadId"]) for u in tail["Uploads"]] == [("v2/part-2.bin", uploads[2])]
        finally:
            for n, upload in enumerate(uploads):
                s3.abort_multipart_upload(Bucket=bucket, Key=f"v2/part-{n}.bin", UploadId=upload)

        current = s3.head_object(Bucket=bucket, Key="v1/app.tar.gz")["ETag"]
        s3.get_waiter("object_exists").wait(Bucket=bucket, Key="v1/app.tar.gz", IfMatch=current, WaiterConfig=QUICK)
        with pytest.raises(WaiterError) as refused:
            s3.get_waiter("object_exists").wait(Bucket=bucket, Key="v1/app.tar.gz", IfNoneMatch=current,
                                                WaiterConfig=QUICK)
        assert refused.value.last_response["ResponseMetadata"]["HTTPStatusCode"] == 304
    finally:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for entry in page.get("Versions", []) + page.get("DeleteMarkers", []):
                s3.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])
        s3.delete_bucket(Bucket=bucket)
    assert _cli(lakebox_server, "wait", "bucket-not-exists", "--bucket", bucket) == ""
