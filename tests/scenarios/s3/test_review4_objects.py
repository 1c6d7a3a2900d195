"""Object calls as users make them every day: conditional writes and reads, ranges and part
numbers, response overrides, checksums, tags, DeleteObjects, empty objects, presigned URLs
used with requests."""
import base64
import datetime
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from botocore.exceptions import ClientError

from s3_helpers import MIB, error_of


@pytest.fixture
def bucket(make_bucket):
    return make_bucket("rv4-obj")


def test_create_only_if_absent_then_update_if_unchanged(s3, bucket):
    first = s3.put_object(Bucket=bucket, Key="lock.json", Body=b'{"v":1}', IfNoneMatch="*")
    code, status, _ = error_of(s3.put_object, Bucket=bucket, Key="lock.json", Body=b'{"v":9}', IfNoneMatch="*")
    assert (code, status) == ("PreconditionFailed", 412)
    second = s3.put_object(Bucket=bucket, Key="lock.json", Body=b'{"v":2}', IfMatch=first["ETag"])
    code, status, _ = error_of(s3.put_object, Bucket=bucket, Key="lock.json", Body=b'{"v":3}', IfMatch=first["ETag"])
    assert (code, status) == ("PreconditionFailed", 412)
    assert s3.get_object(Bucket=bucket, Key="lock.json", IfMatch=second["ETag"])["Body"].read() == b'{"v":2}'


def test_get_if_modified_since_and_unmodified_since(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    modified = s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    later, earlier = modified + datetime.timedelta(hours=1), modified - datetime.timedelta(hours=1)
    code, status, response = error_of(s3.get_object, Bucket=bucket, Key="k", IfModifiedSince=modified)
    assert (code, status, response["Error"]["Message"]) == ("304", 304, "Not Modified")
    assert s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=earlier)["Body"].read() == b"data"
    code, status, response = error_of(s3.get_object, Bucket=bucket, Key="k", IfUnmodifiedSince=earlier)
    assert (code, status) == ("PreconditionFailed", 412)
    assert response["Error"]["Condition"] == "If-Unmodified-Since"
    assert s3.get_object(Bucket=bucket, Key="k", IfUnmodifiedSince=later)["Body"].read() == b"data"
    # If-Match true and If-Unmodified-Since false: S3 answers 200 (RFC 7232 order).
    etag = s3.head_object(Bucket=bucket, Key="k")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag, IfUnmodifiedSince=earlier)["Body"].read() == b"data"
    # If-None-Match false and If-Modified-Since true: 304.
    code, status, _ = error_of(s3.head_object, Bucket=bucket, Key="k", IfNoneMatch=etag, IfModifiedSince=earlier)
    assert (code, status) == ("304", 304)



@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_304_carries_the_validators_and_no_body_headers(s3, bucket, method):
    """RFC 9110 15.4.5: a 304 has no body, so no Content-Type; S3 sends the object's ETag
    and Last-Modified, and no Content-Length of an error document it does not send."""
    put = s3.put_object(Bucket=bucket, Key="cached.txt", Body=b"cached bytes", ContentType="text/plain")
    url = s3.generate_presigned_url("get_object" if method == "GET" else "head_object",
                                    Params={"Bucket": bucket, "Key": "cached.txt"})
    answer = requests.request(method, url, headers={"If-None-Match": put["ETag"]}, timeout=30)
    assert answer.status_code == 304
    assert answer.content == b""
    assert answer.headers["ETag"] == put["ETag"]
    assert answer.headers["Last-Modified"] == s3.head_object(Bucket=bucket, Key="cached.txt")[
        "ResponseMetadata"]["HTTPHeaders"]["last-modified"]
    assert answer.headers["x-amz-request-id"]
    assert "Content-Type" not in answer.headers
    assert "Content-Length" not in answer.headers

def test_part_number_reads_of_a_multipart_object(s3, bucket):
    parts_data = [os.urandom(5 * MIB), b"tail-bytes"]
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    parts = [{"PartNumber": n, "ETag": s3.upload_part(Bucket=bucket, Key="mp", UploadId=upload, PartNumber=n,
                                                      Body=data)["ETag"]}
             for n, data in enumerate(parts_data, 1)]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=upload, MultipartUpload={"Parts": parts})
    second = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert second["Body"].read() == b"tail-bytes"
    assert second["PartsCount"] == 2
    assert second["ContentRange"] == f"bytes {5 * MIB}-{5 * MIB + 9}/{5 * MIB + 10}"
    assert second["ResponseMetadata"]["HTTPStatusCode"] == 206
    head = s3.head_object(Bucket=bucket, Key="mp", PartNumber=1)
    assert (head["ContentLength"], head["PartsCount"]) == (5 * MIB, 2)
    code, status, response = error_of(s3.get_object, Bucket=bucket, Key="mp", PartNumber=3)
    assert (code, status) == ("InvalidPartNumber", 416)
    assert response["Error"]["Message"] == "The requested partnumber is not satisfiable"


def test_part_number_one_of_a_simple_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="plain", Body=b"whole")
    got = s3.get_object(Bucket=bucket, Key="plain", PartNumber=1)
    assert got["Body"].read() == b"whole"
    assert "PartsCount" not in got


def test_response_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="report", Body=b"a,b", ContentType="text/plain")
    got = s3.get_object(Bucket=bucket, Key="report", ResponseContentType="text/csv",
                        ResponseContentDisposition='attachment; filename="report.csv"',
                        ResponseCacheControl="no-cache", ResponseContentLanguage="de",
                        ResponseContentEncoding="identity", ResponseExpires=datetime.datetime(2030, 1, 1))
    assert got["ContentType"] == "text/csv"
    assert got["ContentDisposition"] == 'attachment; filename="report.csv"'
    assert (got["CacheControl"], got["ContentLanguage"], got["ContentEncoding"]) == ("no-cache", "de", "identity")
    assert got["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Tue, 01 Jan 2030 00:00:00 GMT"
    assert s3.head_object(Bucket=bucket, Key="report")["ContentType"] == "text/plain"


def test_sha256_checksum_round_trip(s3, bucket):
    data = b"checked bytes"
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    put = s3.put_object(Bucket=bucket, Key="c", Body=data, ChecksumAlgorithm="SHA256")
    assert put["ChecksumSHA256"] == digest
    got = s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert got["ChecksumSHA256"] == digest and got["ChecksumType"] == "FULL_OBJECT"
    assert got["Body"].read() == data
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert head["ChecksumSHA256"] == digest
    code, status, response = error_of(s3.put_object, Bucket=bucket, Key="bad", Body=data,
                                      ChecksumSHA256=base64.b64encode(hashlib.sha256(b"other").digest()).decode())
    assert (code, status) == ("BadDigest", 400)
    assert response["Error"]["Message"] == "The SHA256 you specified did not match the calculated checksum."
    error_of(s3.head_object, Bucket=bucket, Key="bad")


def test_range_read_with_checksum_mode_has_no_whole_object_checksum(s3, bucket):
    s3.put_object(Bucket=bucket, Key="c", Body=b"0123456789", ChecksumAlgorithm="SHA256")
    got = s3.get_object(Bucket=bucket, Key="c", Range="bytes=0-1", ChecksumMode="ENABLED")
    assert got["Body"].read() == b"01"
    assert "ChecksumSHA256" not in got


def test_tagging_round_trip_and_tag_count(s3, bucket):
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="team=data&stage=raw%20zone")
    got = s3.get_object(Bucket=bucket, Key="t")
    assert got["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("stage", "raw zone"), ("team", "data")]
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "only", "Value": "one"}]
    s3.copy_object(Bucket=bucket, Key="t2", CopySource={"Bucket": bucket, "Key": "t"})
    assert s3.get_object_tagging(Bucket=bucket, Key="t2")["TagSet"] == [{"Key": "only", "Value": "one"}]
    s3.copy_object(Bucket=bucket, Key="t3", CopySource={"Bucket": bucket, "Key": "t"},
                   TaggingDirective="REPLACE", Tagging="new=tag")
    assert s3.get_object_tagging(Bucket=bucket, Key="t3")["TagSet"] == [{"Key": "new", "Value": "tag"}]
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    assert "TagCount" not in s3.get_object(Bucket=bucket, Key="t")
    code, status, response = error_of(s3.put_object_tagging, Bucket=bucket, Key="t",
                                      Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]})
    assert (code, status) == ("InvalidTag", 400)
    assert response["Error"]["Message"] == "Cannot provide multiple Tags with the same key"
    code, status, _ = error_of(s3.get_object_tagging, Bucket=bucket, Key="missing")
    assert (code, status) == ("NoSuchKey", 404)


def test_metadata_round_trip(s3, bucket):
    s3.put_object(Bucket=bucket, Key="m", Body=b"x", Metadata={"Camel-Case": "Value With Spaces", "n": "1"},
                  ContentType="application/json; charset=utf-8", CacheControl="max-age=60",
                  ContentDisposition="inline", ContentLanguage="en", Expires=datetime.datetime(2031, 5, 6))
    head = s3.head_object(Bucket=bucket, Key="m")
    assert head["Metadata"] == {"camel-case": "Value With Spaces", "n": "1"}
    assert head["ContentType"] == "application/json; charset=utf-8"
    assert (head["CacheControl"], head["ContentDisposition"], head["ContentLanguage"]) == ("max-age=60", "inline", "en")
    assert head["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Tue, 06 May 2031 00:00:00 GMT"


def test_delete_objects_reports_per_key(s3, bucket, versioned):
    for key in ["a", "b"]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"1")
    answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "never"}]})
    assert sorted(d["Key"] for d in answer["Deleted"]) == ["a", "b", "never"]
    assert "Errors" not in answer
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "x"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0

    first = s3.put_object(Bucket=versioned, Key="v", Body=b"1")["VersionId"]
    gone = s3.put_object(Bucket=versioned, Key="gone", Body=b"1")["VersionId"]
    s3.delete_object(Bucket=versioned, Key="gone", VersionId=gone)
    answer = s3.delete_objects(Bucket=versioned, Delete={"Objects": [
        {"Key": "v"}, {"Key": "v", "VersionId": first}, {"Key": "gone", "VersionId": gone}]})
    marker = [d for d in answer["Deleted"] if d.get("DeleteMarker")]
    assert len(marker) == 1 and marker[0]["Key"] == "v" and marker[0]["DeleteMarkerVersionId"]
    assert [d for d in answer["Deleted"] if d.get("VersionId") == first] == [{"Key": "v", "VersionId": first}]
    # Deleting a version that is no more succeeds, as DeleteObject does.
    assert [d for d in answer["Deleted"] if d["Key"] == "gone"] == [{"Key": "gone", "VersionId": gone}]
    assert "Errors" not in answer


def test_empty_objects(s3, bucket, tmp_path):
    put = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert put["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert (got["ContentLength"], got["Body"].read()) == (0, b"")
    s3.put_object(Bucket=bucket, Key="no-body")
    assert s3.head_object(Bucket=bucket, Key="no-body")["ContentLength"] == 0
    target = tmp_path / "empty"
    s3.download_file(bucket, "empty", str(target))
    assert target.read_bytes() == b""
    (tmp_path / "zero").write_bytes(b"")
    s3.upload_file(str(tmp_path / "zero"), bucket, "uploaded-empty")
    assert s3.head_object(Bucket=bucket, Key="uploaded-empty")["ContentLength"] == 0


def test_presigned_put_and_get_with_requests(s3, bucket):
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up/file name.txt",
                                                              "ContentType": "text/plain"}, ExpiresIn=300)
    answer = requests.put(put_url, data=b"from requests", headers={"Content-Type": "text/plain"}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["ETag"] == '"%s"' % hashlib.md5(b"from requests").hexdigest()
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "up/file name.txt",
                                                              "ResponseContentDisposition": "attachment"})
    answer = requests.get(get_url, timeout=30)
    assert (answer.status_code, answer.content) == (200, b"from requests")
    assert answer.headers["Content-Type"] == "text/plain"
    assert answer.headers["Content-Disposition"] == "attachment"
    missing = requests.get(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "nope"}),
                           timeout=30)
    assert missing.status_code == 404
    assert "<Code>NoSuchKey</Code>" in missing.text and "<Key>nope</Key>" in missing.text
    head = requests.head(s3.generate_presigned_url("head_object", Params={"Bucket": bucket,
                                                                          "Key": "up/file name.txt"}), timeout=30)
    assert head.status_code == 200 and head.headers["Content-Length"] == "13"


def test_presigned_post_with_requests(s3, bucket):
    post = s3.generate_presigned_post(bucket, "forms/${filename}",
                                      Conditions=[["content-length-range", 1, 100]])
    answer = requests.post(post["url"], data=post["fields"], files={"file": ("hello.txt", b"posted")}, timeout=30)
    assert answer.status_code == 204, answer.text
    assert s3.get_object(Bucket=bucket, Key="forms/hello.txt")["Body"].read() == b"posted"


def test_only_one_of_many_racing_create_only_writes_wins(lakebox_server, bucket):
    """The lock-file pattern: many writers PUT the same key with If-None-Match: *; exactly one
    succeeds, the others get 412 PreconditionFailed (or 409 ConditionalRequestConflict)."""
    def attempt(n):
        client = lakebox_server.client("s3")
        try:
            client.put_object(Bucket=bucket, Key="leader", Body=str(n).encode(), IfNoneMatch="*")
            return n
        except ClientError as error:
            return error.response["Error"]["Code"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(12)))
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1
    assert set(outcomes) - set(winners) <= {"PreconditionFailed", "ConditionalRequestConflict"}
    assert lakebox_server.client("s3").get_object(Bucket=bucket, Key="leader")["Body"].read() == \
        str(winners[0]).encode()
