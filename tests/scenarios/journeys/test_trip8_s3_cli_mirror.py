"""A data engineer mirrors a local export folder to S3 from a shell script with the aws cli:
`aws s3 sync` (temporary files excluded; a second run with nothing changed prints
nothing; a grown file goes up again; `--delete` removes what was removed locally), a
recursive download to check it, `aws s3 rm --recursive` of one file type, `s3api` calls
with `--query` in text and JSON, `--max-items` paging with the token it prints; the
script's error paths meet S3's own words: a missing key, a missing bucket, a bucket that
is not empty; on a versioned bucket the recursive removal leaves delete markers the
script lists with `--query`."""
import json
import os
import time

from trip_helpers import aws, ok, ran


def lines_with(output, word):
    """The cli's `word:` lines, without the progress lines printed over them."""
    return sorted(line.split("\r")[-1].strip() for line in output.splitlines() if word in line)


def uploaded(output):
    """Where each `upload:` line says a file went (the cli names the file by a relative path)."""
    return sorted(line.split(" to ")[-1] for line in lines_with(output, "upload:"))


def test_export_folder_mirrored_and_checked(lakebox_server, client, bucket, tmp_path):
    export = tmp_path / "export"
    files = {"orders/2024-06-01.csv": "id,total\n1,9.5\n", "orders/2024-06-02.csv": "id,total\n2,3.25\n",
             "customers.csv": "id,name\n7,Ada\n", "orders/partial.tmp": "half"}
    for name, body in files.items():
        (export / name).parent.mkdir(parents=True, exist_ok=True)
        (export / name).write_text(body)
        # The export was written a while ago: sync compares a file's mtime with the object's
        # LastModified, which S3 gives to the second, so a file written in the second of its
        # upload would look newer than its copy and go up again.
        os.utime(export / name, (time.time() - 60, time.time() - 60))
    target = f"s3://{bucket}/mirror"

    first = ran(aws(lakebox_server, "s3", "sync", str(export), target, "--exclude", "*.tmp"))
    assert uploaded(first) == sorted(f"{target}/{name}" for name in files if not name.endswith(".tmp"))
    assert ran(aws(lakebox_server, "s3", "sync", str(export), target, "--exclude", "*.tmp")) == ""
    (export / "customers.csv").write_text("id,name\n7,Ada\n8,Grace\n")
    (export / "orders" / "2024-06-01.csv").unlink()
    again = ran(aws(lakebox_server, "s3", "sync", str(export), target, "--exclude", "*.tmp", "--delete"))
    assert uploaded(again) == [f"{target}/customers.csv"]
    assert lines_with(again, "delete:") == [f"delete: {target}/orders/2024-06-01.csv"]

    listing = ran(aws(lakebox_server, "s3", "ls", f"{target}/", "--recursive", "--summarize"))
    assert [line.split()[-1] for line in listing.splitlines() if "mirror/" in line] == [
        "mirror/customers.csv", "mirror/orders/2024-06-02.csv"]
    assert "Total Objects: 2" in listing and "Total Size: 38" in listing
    top = ran(aws(lakebox_server, "s3", "ls", f"{target}/")).splitlines()
    assert [line.split()[-2:] for line in top] == [["PRE", "orders/"], ["22", "customers.csv"]]

    back = tmp_path / "back"
    copied = ran(aws(lakebox_server, "s3", "cp", f"{target}/", str(back), "--recursive"))
    assert len(lines_with(copied, "download:")) == 2
    assert (back / "customers.csv").read_text() == "id,name\n7,Ada\n8,Grace\n"
    assert (back / "orders" / "2024-06-02.csv").read_text() == "id,total\n2,3.25\n"

    keys = aws(lakebox_server, "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "mirror/",
               "--query", "Contents[].[Key,Size]", output="text")
    assert ran(keys).splitlines() == ["mirror/customers.csv\t22", "mirror/orders/2024-06-02.csv\t16"]
    assert ran(aws(lakebox_server, "s3api", "list-objects-v2", "--bucket", bucket, "--query",
                   "length(Contents[?ends_with(Key, '.csv')])", output="text")).strip() == "2"
    page = ok(aws(lakebox_server, "s3api", "list-objects-v2", "--bucket", bucket, "--max-items", "1"))
    assert [o["Key"] for o in page["Contents"]] == ["mirror/customers.csv"]
    rest = ok(aws(lakebox_server, "s3api", "list-objects-v2", "--bucket", bucket, "--max-items", "1",
                  "--starting-token", page["NextToken"]))
    assert [o["Key"] for o in rest["Contents"]] == ["mirror/orders/2024-06-02.csv"] and "NextToken" not in rest
    empty = aws(lakebox_server, "s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "nothing/",
                "--query", "Contents[].Key", output="text")
    assert ran(empty).strip() == "None"
    head = ok(aws(lakebox_server, "s3api", "head-object", "--bucket", bucket, "--key", "mirror/customers.csv"))
    assert (head["ContentLength"], head["ContentType"]) == (22, "text/csv")

    missing = aws(lakebox_server, "s3api", "get-object", "--bucket", bucket, "--key", "mirror/none.csv",
                  str(tmp_path / "none.csv"))
    assert missing.returncode != 0
    assert ("An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist."
            in missing.stderr)
    missing = aws(lakebox_server, "s3api", "head-object", "--bucket", bucket, "--key", "mirror/none.csv")
    assert "An error occurred (404) when calling the HeadObject operation: Not Found" in missing.stderr
    nobucket = aws(lakebox_server, "s3", "ls", f"s3://{bucket}-gone")
    assert nobucket.returncode != 0
    assert ("An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: "
            "The specified bucket does not exist") in nobucket.stderr
    full = aws(lakebox_server, "s3", "rb", f"s3://{bucket}")
    assert full.returncode != 0
    assert (f"remove_bucket failed: s3://{bucket} An error occurred (BucketNotEmpty) when calling the "
            "DeleteBucket operation: The bucket you tried to delete is not empty") in full.stderr

    removed = ran(aws(lakebox_server, "s3", "rm", f"{target}/", "--recursive", "--exclude", "*",
                      "--include", "orders/*"))
    assert lines_with(removed, "delete:") == [f"delete: {target}/orders/2024-06-02.csv"]
    assert [o["Key"] for o in client("s3").list_objects_v2(Bucket=bucket)["Contents"]] == ["mirror/customers.csv"]


def test_recursive_removal_on_a_versioned_bucket(lakebox_server, client, versions_emptied, tmp_path):
    s3, bucket = client("s3"), versions_emptied
    ok(aws(lakebox_server, "s3api", "put-bucket-versioning", "--bucket", bucket,
           "--versioning-configuration", "Status=Enabled"))
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps({"name": name}))
        ran(aws(lakebox_server, "s3", "cp", str(tmp_path / name), f"s3://{bucket}/events/{name}"))
    removed = ran(aws(lakebox_server, "s3", "rm", f"s3://{bucket}/events/", "--recursive"))
    assert lines_with(removed, "delete:") == [f"delete: s3://{bucket}/events/a.json",
                                              f"delete: s3://{bucket}/events/b.json"]
    nothing = aws(lakebox_server, "s3", "ls", f"s3://{bucket}/events/")
    assert (nothing.returncode, nothing.stdout) == (1, "")          # `ls` of an empty prefix exits 1
    listed = ok(aws(lakebox_server, "s3api", "list-object-versions", "--bucket", bucket, "--query",
                    "{versions: Versions[].[Key, IsLatest], markers: DeleteMarkers[].[Key, IsLatest]}"))
    assert listed == {"versions": [["events/a.json", False], ["events/b.json", False]],
                      "markers": [["events/a.json", True], ["events/b.json", True]]}
    version = s3.list_object_versions(Bucket=bucket, Prefix="events/a.json")["Versions"][0]["VersionId"]
    fetched = ok(aws(lakebox_server, "s3api", "get-object", "--bucket", bucket, "--key", "events/a.json",
                     "--version-id", version, str(tmp_path / "restored.json")))
    assert fetched["VersionId"] == version
    assert json.loads((tmp_path / "restored.json").read_text()) == {"name": "a.json"}
    gone = aws(lakebox_server, "s3api", "get-object", "--bucket", bucket, "--key", "events/a.json",
               str(tmp_path / "gone.json"))
    assert ("An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist."
            in gone.stderr)
