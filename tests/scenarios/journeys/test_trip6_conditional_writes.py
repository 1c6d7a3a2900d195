"""Two jobs writing the same manifest without overwriting each other, as S3's
conditional writes allow: the first creates it with If-None-Match: *, the second's
create fails PreconditionFailed; updates are compare-and-swap on the ETag (If-Match),
a stale ETag fails and a missing key is NoSuchKey; readers poll with If-None-Match
(304 when unchanged) and If-Match, If-Modified-Since, and read ranges of it (a range
past the end is InvalidRange)."""
import datetime
import json

from trip_helpers import error_of

PRECONDITION = ("PreconditionFailed", "At least one of the pre-conditions you specified did not hold")


def test_manifest_compare_and_swap(client, bucket):
    s3 = client("s3")
    first = s3.put_object(Bucket=bucket, Key="state/manifest.json", Body=json.dumps({"files": []}),
                          IfNoneMatch="*")
    assert error_of(s3.put_object, Bucket=bucket, Key="state/manifest.json", Body=b"{}",
                    IfNoneMatch="*") == PRECONDITION

    updated = s3.put_object(Bucket=bucket, Key="state/manifest.json", IfMatch=first["ETag"],
                            Body=json.dumps({"files": ["part-0.parquet"]}))
    assert updated["ETag"] != first["ETag"]
    assert error_of(s3.put_object, Bucket=bucket, Key="state/manifest.json", IfMatch=first["ETag"],
                    Body=b"{}") == PRECONDITION
    assert error_of(s3.put_object, Bucket=bucket, Key="state/other.json", IfMatch=first["ETag"],
                    Body=b"{}") == ("NoSuchKey", "The specified key does not exist.")
    current = s3.get_object(Bucket=bucket, Key="state/manifest.json")
    assert json.loads(current["Body"].read()) == {"files": ["part-0.parquet"]}

    assert error_of(s3.get_object, Bucket=bucket, Key="state/manifest.json",
                    IfNoneMatch=updated["ETag"]) == ("304", "Not Modified")
    assert error_of(s3.get_object, Bucket=bucket, Key="state/manifest.json",
                    IfMatch=first["ETag"]) == PRECONDITION
    assert error_of(s3.get_object, Bucket=bucket, Key="state/manifest.json",
                    IfModifiedSince=current["LastModified"]) == ("304", "Not Modified")
    later = current["LastModified"] + datetime.timedelta(minutes=5)
    assert error_of(s3.head_object, Bucket=bucket, Key="state/manifest.json",
                    IfMatch=first["ETag"]) == ("412", "Precondition Failed")
    assert s3.get_object(Bucket=bucket, Key="state/manifest.json", IfMatch=updated["ETag"],
                         IfUnmodifiedSince=later)["ETag"] == updated["ETag"]

    size = current["ContentLength"]
    tail = s3.get_object(Bucket=bucket, Key="state/manifest.json", Range="bytes=-5")
    assert tail["ContentRange"] == f"bytes {size - 5}-{size - 1}/{size}"
    assert tail["Body"].read() == b'et"]}'
    open_ended = s3.get_object(Bucket=bucket, Key="state/manifest.json", Range=f"bytes={size - 3}-")
    assert open_ended["Body"].read() == b'"]}' and open_ended["ContentLength"] == 3
    code, message = error_of(s3.get_object, Bucket=bucket, Key="state/manifest.json", Range=f"bytes={size}-")
    assert (code, message) == ("InvalidRange", "The requested range is not satisfiable")

    s3.delete_object(Bucket=bucket, Key="state/manifest.json")
    s3.put_object(Bucket=bucket, Key="state/manifest.json", Body=b'{"files": []}', IfNoneMatch="*")
